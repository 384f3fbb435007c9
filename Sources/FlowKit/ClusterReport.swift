import FlowModel
public import FlowReport
public import FlowStore

extension ClusterReport {
    /// The report for the cluster of `address`; nil when the address is unknown.
    public static func load(
        store: any CaseReadStore, address: String, members: Int = 50, flows: Int = 10,
        transactions: Int = 100_000
    ) throws(StoreError) -> ClusterReport? {
        guard let profile = try ClusterView.show(store: store, address: address, limit: members, offset: 0),
            let f = try ClusterView.flows(store: store, address: address, limit: transactions)
        else { return nil }
        var all: [Flow] = f.counterparts.map { c in
            Flow(
                cluster: c.cluster, address: c.address, asset: "BTC", decimals: 8,
                received: UInt256(UInt64(max(0, c.received))), sent: UInt256(UInt64(max(0, c.sent))),
                payments: c.transactions, categories: [])
        }
        // A flow whose sums pass 2^256 (spam amounts) is left out of the tables: the profile's
        // asset row carries its exact totals and says so.
        all += f.transfers.filter { $0.flow.overflow == nil }.map { t in
            Flow(
                cluster: Int64(t.flow.counterpart), address: t.counterpart, asset: t.flow.asset,
                decimals: t.flow.decimals, received: t.flow.incoming, sent: t.flow.outgoing,
                payments: t.flow.transfers, categories: [])
        }
        var counterparts: [String: Int] = [:]
        for x in all { counterparts[x.asset, default: 0] += 1 }
        var assets: [String] = []
        for x in all where !assets.contains(x.asset) { assets.append(x.asset) }
        var inflows: [Flow] = []
        var outflows: [Flow] = []
        for asset in assets {
            let rows = all.filter { $0.asset == asset }
            inflows += rows.filter { $0.received != .zero }
                .sorted { ($0.received, -$0.cluster) > ($1.received, -$1.cluster) }.prefix(flows)
            outflows += rows.filter { $0.sent != .zero }
                .sorted { ($0.sent, -$0.cluster) > ($1.sent, -$1.cluster) }.prefix(flows)
        }
        var categories: [Int64: [String]] = [:]
        for id in Set((inflows + outflows).map(\.cluster)) where id > 0 {
            var seen: [String] = []
            for t in try store.clusterTags(id, limit: 50) where !seen.contains(t.category) {
                seen.append(t.category)
            }
            categories[id] = seen.sorted()
        }
        for k in inflows.indices { inflows[k].categories = categories[inflows[k].cluster] ?? [] }
        for k in outflows.indices { outflows[k].categories = categories[outflows[k].cluster] ?? [] }
        return ClusterReport(
            profile: profile, inflows: inflows, outflows: outflows, flowLimit: flows,
            counterparts: counterparts,
            toItself: f.toItself, mined: f.mined, transactions: f.transactions, incomplete: f.incomplete)
    }
}
