import FlowAnalysis
import FlowModel

/// Builds small transfer snapshots for detector tests: named accounts, amounts in cents of USD.
struct LedgerBuilder {
    var names: [String] = []
    var rows: [(from: Int, to: Int, cents: UInt64, time: Int64)] = []
    var tags: [String: [String]] = [:]
    static let day: Int64 = 86_400
    static let start: Int64 = 1_704_067_200

    mutating func id(_ name: String) -> Int {
        if let i = names.firstIndex(of: name) { return i }
        names.append(name)
        return names.count - 1
    }

    /// A transfer of `units` USD (2 decimals) at `start + seconds`.
    mutating func pay(_ from: String, _ to: String, _ units: Double, at seconds: Int64) {
        rows.append((id(from), id(to), UInt64((units * 100).rounded()), LedgerBuilder.start + seconds))
    }

    /// Dense ids in name order (as the store's loader numbers addresses by id).
    func snapshot() -> TransferSnapshot {
        var s = TransferSnapshot()
        let order = names.indices.sorted { names[$0] < names[$1] }
        var dense = [UInt32](repeating: 0, count: names.count)
        for (k, i) in order.enumerated() { dense[i] = UInt32(k) }
        s.addressIds = order.map { Int64($0 + 1) }
        s.assets = [TransferSnapshot.AssetInfo(id: 3, symbol: "USD", decimals: 2)]
        for (k, r) in rows.enumerated() {
            s.append(
                transferId: Int64(k + 1), time: r.time, from: dense[r.from], to: dense[r.to], asset: 0,
                amount: UInt256(r.cents))
        }
        for (name, categories) in tags {
            if let i = names.firstIndex(of: name) { s.tags[dense[i]] = categories }
        }
        s.dataEnd = (rows.map(\.time).max() ?? LedgerBuilder.start) + 60 * LedgerBuilder.day
        s.sortByTime()
        return s
    }

    /// Names of dense addresses.
    func name(_ dense: UInt32) -> String { names.sorted()[Int(dense)] }

    /// Alerts of the default rule set restricted to `rules` (names), one thread unless given.
    func alerts(_ rules: [String], threads: Int = 1, configure: (inout AmlRuleSet) -> Void = { _ in })
        -> [AmlAlert]
    {
        var set = AmlRuleSet.standard
        set.rules = set.rules.filter { rules.contains($0.name) }
        configure(&set)
        return AmlEngine.run(snapshot(), rules: set, threads: threads)
    }
}
