import Foundation

/// Runs `body(i)` for every `i` in `0..<count` on up to `threads` threads and returns the
/// results in index order, so the outcome never depends on scheduling. A free thread takes the
/// next index nobody has taken, so unequal jobs still keep every thread busy.
///
/// With `threads <= 1` (or a single item) it runs in a plain loop on the calling thread. When
/// jobs throw, no index after the first failure is started, and the error of the lowest failing
/// index is rethrown once the running jobs are done: the same error a plain loop would meet first.
/// The one concurrent map of the project (analyzers, graph loads, block decoding); tested by
/// `ParallelTests`.
public func parallelMap<T: Sendable, E: Error>(
    _ count: Int, threads: Int, _ body: @Sendable (Int) throws(E) -> T
) throws(E) -> [T] {
    if count <= 0 { return [] }
    if threads <= 1 || count == 1 {
        var out = [T]()
        out.reserveCapacity(count)
        for i in 0..<count { out.append(try body(i)) }
        return out
    }
    let jobs = ParallelJobs<T, E>(count: count)
    DispatchQueue.concurrentPerform(iterations: min(threads, count)) { _ in
        while let i = jobs.take() {
            jobs.finish(i, Result { () throws(E) -> T in try body(i) })
        }
    }
    return try jobs.results()
}

/// The shared state of one `parallelMap`: the next index to hand out and one result slot per
/// index, behind a lock (taken twice per job, never inside a job).
private final class ParallelJobs<T: Sendable, E: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, E>?]
    private var next = 0
    private var failed = false

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard !failed, next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func finish(_ i: Int, _ result: Result<T, E>) {
        lock.lock()
        defer { lock.unlock() }
        slots[i] = result
        if case .failure = result { failed = true }
    }

    func results() throws(E) -> [T] {
        lock.lock()
        defer { lock.unlock() }
        var out = [T]()
        out.reserveCapacity(slots.count)
        for slot in slots {
            // Slots after a failure were never started; the failure comes first in index order.
            guard let slot else { break }
            out.append(try slot.get())
        }
        return out
    }
}
