public import FlowModel

/// An asset of an address profile in the reporting currency, beside its exact base units: the
/// balance at the latest day with a price, and (in the full report) what was received and sent,
/// each movement at its own day's price. Values are currency units scaled by 10^12
/// (`PriceSeries.scale`), rounded down per movement.
public struct AssetValue: Sendable, Equatable {
    public var asset: String
    public var currency: String
    /// Unix seconds of the UTC day whose price values the balance and the counterparties.
    public var day: Int64
    /// Price of one whole unit on `day`, scaled by 10^12.
    public var price: UInt256
    public var decimals: Int
    /// The balance at `day`'s price (negative when the base-unit balance is).
    public var balance: SignedAmount
    /// Sum of each receipt at its day's price; nil when movements were not loaded (text view).
    public var received: UInt256?
    /// Sum of each payment at its day's price; nil when movements were not loaded.
    public var sent: UInt256?

    public init(
        asset: String, currency: String, day: Int64, price: UInt256, decimals: Int, balance: SignedAmount,
        received: UInt256? = nil, sent: UInt256? = nil
    ) {
        self.asset = asset
        self.currency = currency
        self.day = day
        self.price = price
        self.decimals = decimals
        self.balance = balance
        self.received = received
        self.sent = sent
    }

    /// `amount` base units at `day`'s price, scaled by 10^12, rounded down.
    public func value(_ amount: UInt256) -> UInt256 {
        UInt256.multiplyDivide(amount, price, UInt256.pow10(decimals))?.quotient ?? .zero
    }

    /// A scaled value as text with 2 decimals and the currency ("1234.56 USD").
    public func text(_ scaled: UInt256) -> String { PriceSeries.currencyText(scaled) + " " + currency }

    /// The price of one whole unit as text, every significant decimal and at least 2 ("1200.00 USD",
    /// "0.000012 USD").
    public var priceText: String {
        var t = price.decimalString(decimals: PriceSeries.scale)
        if t.contains(".") {
            while t.hasSuffix("0"), let dot = t.firstIndex(of: "."), t.distance(from: dot, to: t.endIndex) > 3
            {
                t.removeLast()
            }
        } else {
            t += ".00"
        }
        return t + " " + currency
    }

    /// The signed balance value as text.
    public var balanceText: String {
        (balance.negative ? "-" : "") + text(balance.magnitude)
    }

    /// The value of `asset`'s activity `a` at the latest price of `series`; nil when the asset has
    /// no price or no known decimals.
    public static func latest(_ a: AssetActivity, series: [String: PriceSeries], currency: String)
        -> AssetValue?
    {
        guard let decimals = a.decimals,
            let s = PriceSeries.lookup(series, symbol: a.asset, contract: a.contract, currency: ""),
            let last = s.days.last, let price = s.price(at: last * 86_400)
        else { return nil }
        var v = AssetValue(
            asset: a.asset, currency: currency, day: last * 86_400, price: price, decimals: decimals,
            balance: SignedAmount(magnitude: .zero))
        let b = a.balance
        v.balance = SignedAmount(negative: b.negative, magnitude: v.value(b.magnitude))
        return v
    }
}
