import FlowModel
public import FlowReport
public import FlowStore

extension AddressProfile {
    /// The profile of `address`; nil when neither the graph nor the tags know it.
    public static func load(store: any CaseReadStore, address: String) throws(StoreError) -> AddressProfile? {
        try load(store: store, address: address) { text throws(StoreError) in try store.assetActivity(text) }
    }

    /// The profile with the activity and fees per asset `activity` reads for the address's text
    /// as stored.
    static func load(
        store: any CaseReadStore, address: String,
        activity: (String) throws(StoreError) -> (assets: [AssetActivity], fees: [AssetActivity])
    ) throws(StoreError) -> AddressProfile? {
        var text = address
        var summary = try store.address(text)
        if summary == nil, address.lowercased() != address,
            try store.knownAddresses([address.lowercased()]) > 0
        {
            text = address.lowercased()
            summary = try store.address(text)
        }
        let (assets, fees) = try activity(text)
        let tags = try store.tags(of: text)
        guard summary != nil || !assets.isEmpty || !fees.isEmpty || !tags.isEmpty else { return nil }
        var bitcoin: AddressSummary?
        var all: [AssetActivity] = []
        if let s = summary, s.outputCount > 0 {
            bitcoin = s
            all.append(
                AssetActivity(
                    asset: "BTC", chain: s.chain, decimals: 8, received: UInt256(UInt64(s.received)),
                    sent: UInt256(UInt64(s.sent)), transfers: s.txCount, firstTime: s.firstSeenTime,
                    lastTime: s.lastSeenTime))
        }
        all += assets
        let cluster = try store.clusterMembership(summary?.address ?? text)
        var clusterTags: [TagRecord] = []
        if let c = cluster, c.size > 1 {
            clusterTags = Array(
                try store.clusterTags(c.clusterId, limit: 40).filter { $0.address != c.address }.prefix(20))
        }
        var profile = AddressProfile(
            address: summary?.address ?? text, chain: summary?.chain, bitcoin: bitcoin, assets: all,
            fees: fees,
            tags: tags, cluster: cluster, clusterTags: clusterTags)
        profile.value(with: try store.priceSeries(currency: currency))
        return profile
    }
}
