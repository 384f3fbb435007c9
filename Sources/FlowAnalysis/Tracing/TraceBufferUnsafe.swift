#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed-size buffer of plain values that starts all zero, from `calloc`: the operating system
/// maps large zeroed allocations lazily, so a trace that touches a few thousand of a graph's
/// millions of coins pays for the pages it touches, not for clearing the whole array (an
/// `Array(repeating:count:)` writes every element up front).
///
/// `T` must be a plain value type (no references) whose all-zero bit pattern is the wanted
/// initial value. Unsafe pointer use is confined to this file; tested by
/// `TraceArithmeticTests.zeroedBuffer`. Indexes come from the graph the buffer is sized for
/// (checked in debug builds).
final class TraceZeroedBuffer<T: BitwiseCopyable>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    let count: Int

    init(count: Int) {
        self.count = count
        let raw = calloc(max(count, 1), MemoryLayout<T>.stride)
        guard let raw else { fatalError("out of memory: \(count) trace records") }
        pointer = raw.bindMemory(to: T.self, capacity: max(count, 1))
    }

    deinit { free(pointer) }

    @inline(__always) subscript(i: Int) -> T {
        get {
            assert(i >= 0 && i < count, "trace buffer index out of range")
            return pointer[i]
        }
        set {
            assert(i >= 0 && i < count, "trace buffer index out of range")
            pointer[i] = newValue
        }
    }
}
