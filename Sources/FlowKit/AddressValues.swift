import FlowModel
public import FlowReport
import FlowStore

extension AddressProfile {
    /// The reporting currency of address profiles (prices are imported per currency).
    public static let currency = "USD"

    /// Sets `values` from the imported prices: each priced asset's balance at its latest price.
    mutating func value(with series: [String: PriceSeries]) {
        values =
            series.isEmpty
            ? [] : assets.compactMap { AssetValue.latest($0, series: series, currency: Self.currency) }
    }
}

extension AddressReport {
    /// Values every movement at its day's price, sums them per asset, and values each
    /// counterparty's total at the asset's latest price; nothing changes for unpriced assets.
    mutating func value(with series: [String: PriceSeries]) {
        guard !profile.values.isEmpty else { return }
        var bySymbol: [String: (PriceSeries, AssetValue)] = [:]
        for v in profile.values {
            guard let a = profile.assets.first(where: { $0.asset == v.asset }),
                let s = PriceSeries.lookup(series, symbol: a.asset, contract: a.contract, currency: "")
            else { continue }
            bySymbol[v.asset] = (s, v)
        }
        var received: [String: UInt256] = [:]
        var sent: [String: UInt256] = [:]
        for k in history.indices {
            let m = history[k]
            guard let (s, v) = bySymbol[m.asset] else { continue }
            let r = s.value(of: m.received, decimals: v.decimals, at: m.time) ?? .zero
            let p = s.value(of: m.sent, decimals: v.decimals, at: m.time) ?? .zero
            history[k].receivedValue = r
            history[k].sentValue = p
            received[m.asset, default: .zero] = received[m.asset, default: .zero] + r
            sent[m.asset, default: .zero] = sent[m.asset, default: .zero] + p
        }
        for k in profile.values.indices {
            let asset = profile.values[k].asset
            profile.values[k].received = received[asset] ?? .zero
            profile.values[k].sent = sent[asset] ?? .zero
        }
        for k in counterparties.indices {
            if let (_, v) = bySymbol[counterparties[k].asset] {
                counterparties[k].totalValue = v.value(counterparties[k].total)
            }
        }
    }
}
