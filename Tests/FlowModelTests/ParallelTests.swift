import FlowModel
import Foundation
import Testing

/// `parallelMap`: results in index order whatever the thread count, every index run exactly
/// once, and on failure the error a plain loop would meet first.
@Suite("parallelMap")
struct ParallelTests {
    struct Failure: Error, Equatable { var index: Int }

    /// Counts how often each index ran.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int]
        init(_ n: Int) { counts = Array(repeating: 0, count: n) }
        func hit(_ i: Int) {
            lock.lock()
            counts[i] += 1
            lock.unlock()
        }
        var values: [Int] {
            lock.lock()
            defer { lock.unlock() }
            return counts
        }
    }

    @Test("results in index order, each index once, for 1 to 8 threads and unequal jobs")
    func order() {
        for threads in 1...8 {
            let tally = Tally(101)
            let out = parallelMap(101, threads: threads) { i -> Int in
                tally.hit(i)
                // Unequal jobs: early indexes take longest, so later ones finish first.
                if i < 4 { usleep(UInt32(2_000 * (4 - i))) }
                return i * i
            }
            #expect(out == (0..<101).map { $0 * $0 })
            #expect(tally.values == Array(repeating: 1, count: 101))
        }
        #expect(parallelMap(0, threads: 4) { $0 }.isEmpty)
        #expect(parallelMap(1, threads: 4) { $0 + 7 } == [7])
    }

    @Test("the lowest failing index's error is thrown, with any thread count")
    func lowestFailure() {
        for threads in [1, 2, 3, 8] {
            #expect(throws: Failure(index: 17)) {
                try parallelMap(60, threads: threads) { (i) throws(Failure) -> Int in
                    // Index 40 fails at once; 17 fails later: 17 is what a plain loop meets first.
                    if i == 17 {
                        usleep(5_000)
                        throw Failure(index: 17)
                    }
                    if i == 40 || i == 41 { throw Failure(index: i) }
                    return i
                }
            }
        }
    }

    @Test("no index after a failure is started once the failure is known (one thread: a plain loop)")
    func stopsAfterFailure() {
        let tally = Tally(50)
        #expect(throws: Failure(index: 9)) {
            try parallelMap(50, threads: 1) { (i) throws(Failure) -> Int in
                tally.hit(i)
                if i == 9 { throw Failure(index: 9) }
                return i
            }
        }
        #expect(tally.values == Array(repeating: 1, count: 10) + Array(repeating: 0, count: 40))
    }
}
