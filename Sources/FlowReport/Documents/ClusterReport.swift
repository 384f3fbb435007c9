public import FlowModel

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

        public init(
            cluster: Int64, address: String, asset: String, decimals: Int? = nil, received: UInt256,
            sent: UInt256, payments: Int, categories: [String]
        ) {
            self.cluster = cluster
            self.address = address
            self.asset = asset
            self.decimals = decimals
            self.received = received
            self.sent = sent
            self.payments = payments
            self.categories = categories
        }
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

    /// Assets with flows, in first-seen order.
    public var flowAssets: [String] {
        var out: [String] = []
        for x in inflows + outflows where !out.contains(x.asset) { out.append(x.asset) }
        return out
    }

    public init(
        profile: ClusterProfile, inflows: [Flow], outflows: [Flow], flowLimit: Int,
        counterparts: [String: Int], toItself: Int64, mined: Int64, transactions: Int, incomplete: Int
    ) {
        self.profile = profile
        self.inflows = inflows
        self.outflows = outflows
        self.flowLimit = flowLimit
        self.counterparts = counterparts
        self.toItself = toItself
        self.mined = mined
        self.transactions = transactions
        self.incomplete = incomplete
    }
}
