public import FlowModel

/// Everything `chainflow address` shows: Bitcoin totals, per-asset activity, fees and tags.
public struct AddressProfile: Sendable {
    public var address: String
    public var chain: String?
    /// Bitcoin totals over the main chain (nil for account-model addresses).
    public var bitcoin: AddressSummary?
    public var assets: [AssetActivity]
    public var fees: [AssetActivity]
    public var tags: [TagRecord]
    /// The address's cluster (entity) when it occurs in the graph: its id, name and size (an
    /// address no clustering run has joined to others is a cluster of its own).
    public var cluster: ClusterMembership? = nil
    /// Tags of the cluster's other members (up to 20), when it has more than one address.
    public var clusterTags: [TagRecord] = []
    /// The priced assets in the reporting currency (empty without `chainflow prices import`).
    public var values: [AssetValue] = []

    /// The value of `asset`, when it has a price.
    public func value(_ asset: String) -> AssetValue? { values.first { $0.asset == asset } }

    public init(
        address: String, chain: String? = nil, bitcoin: AddressSummary? = nil, assets: [AssetActivity],
        fees: [AssetActivity], tags: [TagRecord], cluster: ClusterMembership? = nil,
        clusterTags: [TagRecord] = []
    ) {
        self.address = address
        self.chain = chain
        self.bitcoin = bitcoin
        self.assets = assets
        self.fees = fees
        self.tags = tags
        self.cluster = cluster
        self.clusterTags = clusterTags
    }
}
