public import FlowModel

/// A rule's amount threshold resolved for each asset of a snapshot, and for priced assets for
/// each day: a threshold named for one asset (`{ETH: 2}`) is in that asset's units; the default
/// value is in the reporting currency when the asset has a price (converted at the day's price,
/// rounded up to whole base units), and in the asset's own units when it has none (a warning
/// names such assets: `AmlRuleSet.unpricedWarnings`).
public struct AssetThresholds: Sendable {
    enum Entry: Sendable {
        case none
        case fixed(UInt256)
        /// Base units per UTC day from `firstDay`; nil on a day the price is zero.
        case daily(firstDay: Int64, values: [UInt256?])
        /// Too long a span for a table: converted on each call.
        case priced(threshold: UInt256, decimals: Int, series: PriceSeries)
    }
    let entries: [Entry]

    public init(_ t: AmountThreshold, snapshot s: TransferSnapshot) {
        let firstDay = (s.time.first ?? 0) / 86_400
        let lastDay = (s.time.last ?? 0) / 86_400
        entries = s.assets.enumerated().map { k, asset -> Entry in
            if t.perAsset[asset.symbol] != nil || t.defaultUnits == nil {
                return t.baseUnits(for: asset).map(Entry.fixed) ?? .none
            }
            guard k < s.prices.count, let series = s.prices[k], !series.isEmpty else {
                return t.baseUnits(for: asset).map(Entry.fixed) ?? .none
            }
            guard
                case .success(let threshold) = UInt256.parseAmount(
                    t.defaultUnits!, decimals: PriceSeries.scale)
            else { return .none }
            let decimals = asset.decimals ?? 0
            if lastDay - firstDay > 100_000 || lastDay < firstDay {
                return .priced(threshold: threshold, decimals: decimals, series: series)
            }
            let values = (firstDay...lastDay).map { day -> UInt256? in
                PriceSeries.baseUnits(
                    of: threshold, decimals: decimals, price: series.price(at: day * 86_400) ?? .zero)
            }
            return .daily(firstDay: firstDay, values: values)
        }
    }

    /// Whether the threshold applies to `asset` at all.
    public func applies(_ asset: Int) -> Bool {
        guard asset >= 0, asset < entries.count else { return false }
        if case .none = entries[asset] { return false }
        return true
    }

    /// The threshold in base units of `asset` for a transfer at `time` (nil: not applicable).
    public subscript(asset: Int, time: Int64) -> UInt256? {
        guard asset >= 0, asset < entries.count else { return nil }
        switch entries[asset] {
        case .none: return nil
        case .fixed(let v): return v
        case .daily(let first, let values):
            let d = Int(min(max(time / 86_400 - first, 0), Int64(values.count - 1)))
            return values[d]
        case .priced(let threshold, let decimals, let series):
            return PriceSeries.baseUnits(
                of: threshold, decimals: decimals, price: series.price(at: time) ?? .zero)
        }
    }
}

extension AmlRuleSet {
    /// One warning per asset of `snapshot` that has no price in the reporting currency while an
    /// enabled rule reads its default amount threshold for it: the asset, the rules, and what
    /// happens instead (the threshold is read in the asset's own units).
    public func unpricedWarnings(_ snapshot: TransferSnapshot) -> [String] {
        var out: [String] = []
        for (k, asset) in snapshot.assets.enumerated() {
            if k < snapshot.prices.count, let p = snapshot.prices[k], !p.isEmpty { continue }
            let affected = rules.filter { r in
                guard r.enabled else { return false }
                let params = r.detector.parameters
                func reads(_ t: AmountThreshold) -> Bool {
                    guard t.perAsset[asset.symbol] == nil, let d = t.defaultUnits else { return false }
                    return UInt256.parseAmountOrZero(d, decimals: 12) != .zero
                }
                return (params.contains(.minAmount) && reads(r.minAmount))
                    || (params.contains(.threshold) && reads(r.threshold))
            }
            if affected.isEmpty { continue }
            out.append(
                "no \(currency) price for \(asset.symbol)\(asset.contract.map { " (\($0))" } ?? ""): rules \(affected.map(\.name).joined(separator: ", ")) read their \(currency) thresholds in \(asset.symbol) units; import prices with `chainflow prices import`"
            )
        }
        return out
    }
}
