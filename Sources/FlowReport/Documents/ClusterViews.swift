public import FlowModel

/// Everything `chainflow cluster show` prints about an address's cluster.
public struct ClusterProfile: Sendable {
    public var membership: ClusterMembership
    /// A page of members, in address-id order.
    public var members: [String]
    public var offset: Int
    public var limit: Int
    /// Tags of any member (up to 200).
    public var tags: [TagRecord]
    public var bitcoin: ClusterBitcoinTotals?
    /// Account-model value in and out of the cluster, per asset (transfers inside it excluded).
    public var assets: [AssetActivity]
    /// Why the queried address is in the cluster: the links from it to the cluster's id
    /// address (the first `pathLimit`), and how many there are in all.
    public var path: [ExplainedStep]
    public var pathLength: Int
    /// Whether any clustering run has completed (without one, every address is alone).
    public var clustered: Bool

    public init(
        membership: ClusterMembership, members: [String], offset: Int, limit: Int, tags: [TagRecord],
        bitcoin: ClusterBitcoinTotals? = nil, assets: [AssetActivity], path: [ExplainedStep], pathLength: Int,
        clustered: Bool
    ) {
        self.membership = membership
        self.members = members
        self.offset = offset
        self.limit = limit
        self.tags = tags
        self.bitcoin = bitcoin
        self.assets = assets
        self.path = path
        self.pathLength = pathLength
        self.clustered = clustered
    }
}

/// One link of an explanation, with its evidence.
public struct ExplainedStep: Sendable, Equatable {
    public var from: String
    public var to: String
    /// `multi-input`, `change:RULE`, `deposit-address`.
    public var heuristic: String
    public var evidence: LinkEvidence
    public var runId: Int64?
    /// Position of the merge among all recorded merges.
    public var sequence: Int64

    public init(
        from: String, to: String, heuristic: String, evidence: LinkEvidence, runId: Int64? = nil,
        sequence: Int64
    ) {
        self.from = from
        self.to = to
        self.heuristic = heuristic
        self.evidence = evidence
        self.runId = runId
        self.sequence = sequence
    }
}

/// Why two addresses are (or are not) in one cluster.
public struct ClusterExplanation: Sendable {
    public var a: ClusterMembership
    public var b: ClusterMembership
    public var sameCluster: Bool
    /// The links from `a` to `b`, in order (the first `limit` asked for).
    public var steps: [ExplainedStep]
    /// Links on the whole path.
    public var length: Int

    public init(
        a: ClusterMembership, b: ClusterMembership, sameCluster: Bool, steps: [ExplainedStep], length: Int
    ) {
        self.a = a
        self.b = b
        self.sameCluster = sameCluster
        self.steps = steps
        self.length = length
    }
}

/// Value between a cluster and one counterpart cluster.
public struct CounterpartFlow: Sendable, Equatable {
    public var cluster: Int64
    public var address: String
    /// Satoshi the cluster received from the counterpart / sent to it.
    public var received: Int64
    public var sent: Int64
    public var transactions: Int

    public init(cluster: Int64, address: String, received: Int64, sent: Int64, transactions: Int) {
        self.cluster = cluster
        self.address = address
        self.received = received
        self.sent = sent
        self.transactions = transactions
    }
}

/// Flows between a cluster and the clusters it transacts with.
public struct ClusterFlowReport: Sendable {
    public var membership: ClusterMembership
    /// Bitcoin: counterparts sorted by total value (received + sent), largest first.
    public var counterparts: [CounterpartFlow]
    /// Value the cluster paid back to itself (change), satoshi.
    public var toItself: Int64
    /// Newly mined value paid to the cluster by coinbases, satoshi.
    public var mined: Int64
    public var transactions: Int
    /// Transactions left out because an input's value is unknown.
    public var incomplete: Int
    /// Account-model transfers per counterpart and asset.
    public var transfers: [(counterpart: String, flow: ClusterTransferFlow)]

    public init(
        membership: ClusterMembership, counterparts: [CounterpartFlow], toItself: Int64, mined: Int64,
        transactions: Int, incomplete: Int, transfers: [(counterpart: String, flow: ClusterTransferFlow)]
    ) {
        self.membership = membership
        self.counterparts = counterparts
        self.toItself = toItself
        self.mined = mined
        self.transactions = transactions
        self.incomplete = incomplete
        self.transfers = transfers
    }
}
