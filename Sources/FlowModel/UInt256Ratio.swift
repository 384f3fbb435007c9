/// Exact ratio arithmetic for rule thresholds: ratios are integers in permyriad (1/10,000), so
/// "at least 90% of" is `a >= b.permyriad(9_000)` with no floating point.
extension UInt256 {
    /// `self * p / 10,000`, rounded down (saturating at `max`, which no real amount reaches).
    public func permyriad(_ p: Int) -> UInt256 {
        guard p > 0 else { return .zero }
        guard let scaled = multipliedReportingOverflow(by: UInt64(p)) else { return .max }
        return scaled.quotientAndRemainder(dividingBy: 10_000).quotient
    }

    /// `self * 10,000 / other` as an integer permyriad, capped at `cap` (0 when `other` is 0).
    public func ratioPermyriad(to other: UInt256, cap: Int = 1_000_000) -> Int {
        guard other != .zero else { return 0 }
        // Largest p with other * p <= self * 10,000, by binary search (no 256-bit division).
        guard let scaled = multipliedReportingOverflow(by: 10_000) else { return cap }
        var lo = 0
        var hi = cap
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if let v = other.multipliedReportingOverflow(by: UInt64(mid)), v <= scaled {
                lo = mid
            } else {
                hi = mid - 1
            }
        }
        return lo
    }

    /// Adds in place, saturating at `max`.
    public static func += (a: inout UInt256, b: UInt256) { a = a + b }
}
