import Dispatch

/// Runs `body(i)` for every `i` in `0..<count`, on up to `threads` threads at once, and returns
/// the results in index order, so the outcome never depends on scheduling.
///
/// With `threads <= 1` (or a single item) it runs in a plain loop on the calling thread. Unsafe
/// pointer use (each worker writes only its own result slot) is confined to this file; tested by
/// `ParallelTests`.
public func parallelMap<T: Sendable>(
    _ count: Int, threads: Int, _ body: @Sendable (Int) -> T
) -> [T] {
    if count == 0 { return [] }
    if threads <= 1 || count == 1 { return (0..<count).map(body) }
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
        _ = slots.deinitialize()
        slots.deallocate()
    }
    let box = SlotBox(slots)
    let width = min(threads, count)
    // `width` workers take indexes in turn: worker w runs w, w + width, …
    DispatchQueue.concurrentPerform(iterations: width) { w in
        var i = w
        while i < count {
            box.slots[i] = body(i)
            i += width
        }
    }
    return slots.map { $0! }
}

/// Carries the result buffer into the workers; each writes disjoint slots.
private struct SlotBox<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<T?>
    init(_ slots: UnsafeMutableBufferPointer<T?>) { self.slots = slots }
}

/// Mutable state handed to exactly one concurrent worker while the others leave it alone.
///
/// `parallelMap` cannot prove that only one worker touches the value, so this box vouches for it:
/// use it only where one index of the map owns the value (as `ClusterUnionFind.merge` does for
/// the union-find arrays, which chunk 0 updates while the other chunks work on private copies).
final class ExclusiveBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
