public import FlowModel
public import FlowStore

/// The cluster profile report (`chainflow cluster show ADDR --format md|json|csv|html`): the
/// cluster's size, its first members (the rest counted), tags, totals, why the address is in it,
/// and the largest flows in from and out to other clusters. One document, several renderers.
public struct ClusterReport: Sendable {
    /// Version of the JSON layout (`schema_version`).
    public static let schemaVersion = 1

    /// Value between the cluster and one counterpart cluster, in one asset.
    public struct Flow: Sendable, Equatable {
        /// The counterpart cluster's id and id address.
        public var cluster: Int64
        public var address: String
        public var asset: String
        public var decimals: Int?
        /// Base units the cluster received from it / sent to it.
        public var received: UInt256
        public var sent: UInt256
        /// Transactions (Bitcoin) or transfers (account model).
        public var payments: Int
        /// Tag categories of the counterpart cluster's members.
        public var categories: [String]
    }

    public var profile: ClusterProfile
    /// The largest inflows (by received, then id), at most `flowLimit` per asset.
    public var inflows: [Flow]
    /// The largest outflows (by sent, then id), at most `flowLimit` per asset.
    public var outflows: [Flow]
    public var flowLimit: Int
    /// Counterpart clusters in all, per asset.
    public var counterparts: [String: Int]
    /// Bitcoin: value the cluster paid itself (change) and newly mined value it received.
    public var toItself: Int64
    public var mined: Int64
    /// Bitcoin transactions attributed, and those left out because an input's value is unknown.
    public var transactions: Int
    public var incomplete: Int

    /// The report for the cluster of `address`; nil when the address is unknown.
    public static func load(
        store: GraphStore, address: String, members: Int = 50, flows: Int = 10, transactions: Int = 100_000
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
        all += f.transfers.map { t in
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

    /// Assets with flows, in first-seen order.
    public var flowAssets: [String] {
        var out: [String] = []
        for x in inflows + outflows where !out.contains(x.asset) { out.append(x.asset) }
        return out
    }
}
