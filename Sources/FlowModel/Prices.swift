/// Daily prices of one asset in the reporting currency: what `chainflow prices import` stored,
/// sorted by day. A price is exact decimal text scaled to `PriceSeries.scale` fraction digits.
public struct PriceSeries: Sendable, Equatable {
    /// Fraction digits of `prices` (currency units × 10^12 per whole unit of the asset).
    public static let scale = 12

    /// UTC days (Unix seconds / 86,400), ascending, no repeats.
    public private(set) var days: [Int64] = []
    /// Price of one whole unit of the asset on each day, scaled by 10^`scale`.
    public private(set) var prices: [UInt256] = []

    public init() {}

    /// A series of one constant price (the reporting currency itself: 1).
    public static func constant(_ price: UInt256) -> PriceSeries {
        var s = PriceSeries()
        s.days = [Int64.min / 86_400]
        s.prices = [price]
        return s
    }

    /// One whole currency unit at the series' scale.
    public static var one: UInt256 { UInt256.parseAmountOrZero("1", decimals: scale) }

    /// Adds a day's price; days must come in ascending order (a repeated day replaces the price).
    public mutating func append(day: Int64, price: UInt256) {
        if let last = days.last, last == day {
            prices[prices.count - 1] = price
            return
        }
        precondition(days.last.map { $0 < day } ?? true, "price days must ascend")
        days.append(day)
        prices.append(price)
    }

    public var isEmpty: Bool { days.isEmpty }

    /// The price on the UTC day of `time`: that day's, else the latest earlier day's (prices carry
    /// forward), else the first day's (a transfer before the first known price is valued at it).
    public func price(at time: Int64) -> UInt256? {
        guard !days.isEmpty else { return nil }
        let day = time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
        var lo = 0
        var hi = days.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if days[mid] <= day { lo = mid + 1 } else { hi = mid }
        }
        return prices[max(0, lo - 1)]
    }

    /// The value of `amount` base units (of an asset with `decimals`) at `time`, in currency units
    /// scaled by 10^`scale`, rounded down; nil without a price.
    public func value(of amount: UInt256, decimals: Int, at time: Int64) -> UInt256? {
        guard let p = price(at: time) else { return nil }
        return UInt256.multiplyDivide(amount, p, UInt256.pow10(decimals))?.quotient
    }

    /// A value in currency units scaled by 10^`scale` as text with exactly 2 decimals, rounded down.
    public static func currencyText(_ value: UInt256) -> String {
        let cents = value.quotientAndRemainder(dividingBy: UInt64(10_000_000_000)).quotient
        let (units, rest) = cents.quotientAndRemainder(dividingBy: UInt64(100))
        return units.decimalString + "." + (rest < 10 ? "0" : "") + String(rest)
    }

    /// The series of an asset among `series` (keyed by contract address in lower case or symbol in
    /// upper case): its contract's first, then its symbol's; an asset named like `currency` is
    /// worth 1.
    public static func lookup(
        _ series: [String: PriceSeries], symbol: String?, contract: String?, currency: String
    ) -> PriceSeries? {
        let symbol = (symbol ?? "").uppercased()
        if !symbol.isEmpty && symbol == currency.uppercased() { return .constant(one) }
        if let c = contract, !c.isEmpty, let s = series[c.lowercased()] { return s }
        return symbol.isEmpty ? nil : series[symbol]
    }

    /// `threshold` (currency units scaled by 10^`scale`) in base units of an asset with `decimals`
    /// at a price `price`, rounded up (a transfer of at least this many base units is worth at
    /// least the threshold); nil when the price is zero or the result overflows.
    public static func baseUnits(of threshold: UInt256, decimals: Int, price: UInt256) -> UInt256? {
        guard price != .zero,
            let (q, r) = UInt256.multiplyDivide(threshold, UInt256.pow10(decimals), price)
        else { return nil }
        return r == .zero ? q : q.addingReportingOverflow(UInt256(1))
    }
}

extension UInt256 {
    /// 10^`n` (n ≤ 77).
    public static func pow10(_ n: Int) -> UInt256 {
        var v = UInt256(1)
        for _ in 0..<Swift.max(0, n) { v = v.multipliedReportingOverflow(by: UInt64(10)) ?? v }
        return v
    }

    /// `text` parsed with `decimals` fraction digits, zero when it is not an amount.
    public static func parseAmountOrZero(_ text: String, decimals: Int) -> UInt256 {
        if case .success(let v) = parseAmount(text, decimals: decimals) { return v }
        return .zero
    }
}
