public import FlowModel

/// An exact amount type the tracers work in: satoshi (`UInt64`) for Bitcoin, `UInt256` for
/// account-model assets. Sums never exceed the total supply traced, so they do not overflow.
public protocol TraceAmount: Comparable, Hashable, Sendable {
    static var zero: Self { get }
    /// The unit (1).
    static var one: Self { get }
    func plus(_ other: Self) -> Self
    /// `self - other`; callers guarantee `other <= self`.
    func minus(_ other: Self) -> Self
    /// `floor(self × factor / divisor)` and the remainder; `divisor > 0`, `self ≤ divisor` or
    /// `factor ≤ divisor`.
    func scaled(by factor: Self, dividedBy divisor: Self) -> (quotient: Self, remainder: Self)
    var asUInt256: UInt256 { get }
}

extension UInt64: TraceAmount {
    public static var one: UInt64 { 1 }
    @inline(__always) public func plus(_ other: UInt64) -> UInt64 { self + other }
    @inline(__always) public func minus(_ other: UInt64) -> UInt64 { self - other }
    @inline(__always) public func scaled(by factor: UInt64, dividedBy divisor: UInt64) -> (
        quotient: UInt64, remainder: UInt64
    ) {
        divisor.dividingFullWidth(multipliedFullWidth(by: factor))
    }
    public var asUInt256: UInt256 { UInt256(self) }
}

extension UInt256: TraceAmount {
    public static var one: UInt256 { UInt256(1) }
    public func plus(_ other: UInt256) -> UInt256 { self + other }
    public func minus(_ other: UInt256) -> UInt256 { subtractingReportingOverflow(other) ?? .zero }
    public func scaled(by factor: UInt256, dividedBy divisor: UInt256) -> (
        quotient: UInt256, remainder: UInt256
    ) {
        UInt256.multiplyDivide(self, factor, divisor) ?? (.zero, .zero)
    }
    public var asUInt256: UInt256 { self }
}

/// Exact proportional shares (the haircut rule).
public enum TraceShares {
    /// Splits `amount` in proportion to `weights`, whose sum is `total` (> 0, ≥ `amount`): each
    /// part is `floor(amount × weight / total)`, then the units left over go one each to the
    /// largest remainders, ties to the lower index (the largest-remainder method, so the parts
    /// add up to `amount` exactly and each is within one unit of its exact share).
    public static func split<A: TraceAmount>(_ amount: A, weights: [A], total: A) -> [A] {
        var parts = [A](repeating: .zero, count: weights.count)
        if amount == .zero || total == .zero { return parts }
        var given = A.zero
        var remainders: [(remainder: A, index: Int)] = []
        for (i, w) in weights.enumerated() where w != .zero {
            let (q, r) = amount.scaled(by: w, dividedBy: total)
            parts[i] = q
            given = given.plus(q)
            if r != .zero { remainders.append((r, i)) }
        }
        var left = amount.minus(given)
        if left == .zero { return parts }
        remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
        let one = A.one
        var k = 0
        while left != .zero && k < remainders.count {
            parts[remainders[k].index] = parts[remainders[k].index].plus(one)
            left = left.minus(one)
            k += 1
        }
        return parts
    }
}

/// A set of unit ranges of one coin or transfer: sorted, disjoint, non-adjacent half-open
/// ranges `[lower, upper)` in the coin's own coordinates (0 = its first unit). FIFO taint is
/// tracked per unit with these.
public struct TraceRanges<A: TraceAmount>: Sendable, Equatable {
    /// Flattened bounds: lower0, upper0, lower1, upper1, …
    public private(set) var bounds: [A] = []

    public init() {}

    public init(lower: A, upper: A) {
        if lower < upper { bounds = [lower, upper] }
    }

    public var isEmpty: Bool { bounds.isEmpty }
    public var rangeCount: Int { bounds.count / 2 }

    /// Total units covered.
    public var measure: A {
        var m = A.zero
        var i = 0
        while i < bounds.count {
            m = m.plus(bounds[i + 1].minus(bounds[i]))
            i += 2
        }
        return m
    }

    /// Appends `[lower, upper)`, which must start at or after the last range's end.
    mutating func append(_ lower: A, _ upper: A) {
        guard lower < upper else { return }
        if let last = bounds.last, last == lower {
            bounds[bounds.count - 1] = upper
        } else {
            bounds.append(lower)
            bounds.append(upper)
        }
    }

    /// The union with `other`.
    public func union(_ other: TraceRanges) -> TraceRanges {
        if other.isEmpty { return self }
        if isEmpty { return other }
        var all: [(A, A)] = []
        var i = 0
        while i < bounds.count {
            all.append((bounds[i], bounds[i + 1]))
            i += 2
        }
        i = 0
        while i < other.bounds.count {
            all.append((other.bounds[i], other.bounds[i + 1]))
            i += 2
        }
        all.sort { $0.0 < $1.0 }
        var out = TraceRanges()
        for (lo, hi) in all {
            if let last = out.bounds.last, lo <= last {
                if hi > last { out.bounds[out.bounds.count - 1] = hi }
            } else {
                out.bounds.append(lo)
                out.bounds.append(hi)
            }
        }
        return out
    }

    /// The part inside `[lower, upper)`, moved so that `lower` becomes `target`.
    public func slice(_ lower: A, _ upper: A, to target: A) -> TraceRanges {
        var out = TraceRanges()
        var i = 0
        while i < bounds.count {
            let lo = max(bounds[i], lower)
            let hi = min(bounds[i + 1], upper)
            if lo < hi { out.append(lo.minus(lower).plus(target), hi.minus(lower).plus(target)) }
            if bounds[i + 1] >= upper { break }
            i += 2
        }
        return out
    }
}

/// A binary min-heap of 64-bit keys (the tracers' event queue).
struct TraceHeap {
    private var keys: [Int64] = []

    var isEmpty: Bool { keys.isEmpty }

    mutating func push(_ key: Int64) {
        keys.append(key)
        var i = keys.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if keys[p] <= keys[i] { break }
            keys.swapAt(p, i)
            i = p
        }
    }

    mutating func pop() -> Int64? {
        guard let top = keys.first else { return nil }
        let last = keys.removeLast()
        if !keys.isEmpty {
            keys[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < keys.count && keys[l] < keys[m] { m = l }
                if r < keys.count && keys[r] < keys[m] { m = r }
                if m == i { break }
                keys.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
