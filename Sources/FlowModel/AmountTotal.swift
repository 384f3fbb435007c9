/// A sum of amounts that may pass 2^256 − 1: a spam token's transfers of 2^256 − 1 each sum to
/// more than any `UInt256`. Exact for up to 2^64 addends (`low + high × 2^256`), so a report
/// sums such an asset exactly and says it is beyond 2^256 instead of failing or clamping.
public struct AmountTotal: Sendable, Hashable, Comparable {
    /// The sum modulo 2^256.
    public private(set) var low: UInt256 = .zero
    /// How many times the sum passed 2^256.
    public private(set) var high: UInt64 = 0

    public init() {}

    public init(_ value: UInt256) { low = value }

    /// `low + high × 2^256`.
    public init(low: UInt256, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// Reads decimal digits of any size up to 2^320 − 1; nil for anything else.
    public init?(decimal text: some StringProtocol) {
        guard !text.isEmpty else { return nil }
        var limbs: [UInt64] = [0, 0, 0, 0, 0]
        for byte in text.utf8 {
            guard (0x30...0x39).contains(byte) else { return nil }
            var carry = UInt64(byte - 0x30)
            for i in 0..<5 {
                let (hi, lo) = limbs[i].multipliedFullWidth(by: 10)
                let (sum, o) = lo.addingReportingOverflow(carry)
                limbs[i] = sum
                carry = hi &+ (o ? 1 : 0)
            }
            if carry != 0 { return nil }
        }
        low = UInt256(limbs: (limbs[0], limbs[1], limbs[2], limbs[3]))
        high = limbs[4]
    }

    /// Adds `value`; past 2^64 × 2^256 (never reached by stored rows) it traps.
    public mutating func add(_ value: UInt256) {
        if let sum = low.addingReportingOverflow(value) {
            low = sum
        } else {
            low = Self.wrapping(low, value, subtract: false)
            high += 1
        }
    }

    /// `a ± b` modulo 2^256.
    private static func wrapping(_ a: UInt256, _ b: UInt256, subtract: Bool) -> UInt256 {
        var r = UInt256.zero
        var carry = false
        for i in 0..<4 {
            if subtract {
                let (d1, b1) = a[i].subtractingReportingOverflow(b[i])
                let (d2, b2) = d1.subtractingReportingOverflow(carry ? 1 : 0)
                r[i] = d2
                carry = b1 || b2
            } else {
                let (s1, o1) = a[i].addingReportingOverflow(b[i])
                let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
                r[i] = s2
                carry = o1 || o2
            }
        }
        return r
    }

    /// Adds another total.
    public mutating func add(_ other: AmountTotal) {
        add(other.low)
        high += other.high
    }

    /// The sum, or 2^256 − 1 when it passes it (with the exact total reported beside it).
    public var clamped: UInt256 { exact ?? .max }

    /// The sum when it is below 2^256.
    public var exact: UInt256? { high == 0 ? low : nil }

    public static func < (a: AmountTotal, b: AmountTotal) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// The value in decimal digits.
    public var decimalString: String {
        if high == 0 { return low.decimalString }
        var limbs = [low[0], low[1], low[2], low[3], high]
        var chunks: [UInt64] = []
        while limbs.contains(where: { $0 != 0 }) {
            var rem: UInt64 = 0
            for i in stride(from: 4, through: 0, by: -1) {
                let (q, r) = UInt64(10_000_000_000_000_000_000).dividingFullWidth((rem, limbs[i]))
                limbs[i] = q
                rem = r
            }
            chunks.append(rem)
        }
        return UInt256.joinDecimal(chunks)
    }

    /// In whole units with `decimals` fraction digits (`UInt256.decimalString(decimals:)`).
    public func decimalString(decimals: Int) -> String { UInt256.withDecimals(decimalString, decimals) }

    /// `a − b` as signed decimal digits (`-` in front when negative).
    public static func difference(_ a: AmountTotal, _ b: AmountTotal) -> String {
        let (big, small, sign) = a < b ? (b, a, "-") : (a, b, "")
        var d = AmountTotal()
        d.low = wrapping(big.low, small.low, subtract: true)
        d.high = big.high - small.high - (big.low < small.low ? 1 : 0)
        return d == AmountTotal() ? "0" : sign + d.decimalString
    }
}

/// The totals of an asset whose received or sent sum passes 2^256 − 1 (a spam token's amounts):
/// exact, for the reports to show as beyond 2^256 instead of a clamped or failed figure.
public struct AmountOverflow: Sendable, Equatable {
    public var received: AmountTotal
    public var sent: AmountTotal

    public init(received: AmountTotal, sent: AmountTotal) { (self.received, self.sent) = (received, sent) }

    /// From two totals: nil when both are below 2^256 (no overflow to report).
    public init?(checking received: AmountTotal, _ sent: AmountTotal) {
        guard received.exact == nil || sent.exact == nil else { return nil }
        self.init(received: received, sent: sent)
    }

    /// received − sent, signed decimal digits.
    public var balanceText: String { AmountTotal.difference(received, sent) }

    /// What a report says beside the figures.
    public static let note = "a sum beyond 2^256 − 1: amounts no real asset has (a spam token?)"
}
