/// An address's cluster: its id (the smallest member's address id), that member's address, size.
public struct ClusterMembership: Sendable, Equatable {
    public var addressId: Int64
    public var address: String
    public var clusterId: Int64
    /// The address of the cluster's smallest member (how a cluster is named).
    public var clusterAddress: String
    public var size: Int

    public init(addressId: Int64, address: String, clusterId: Int64, clusterAddress: String, size: Int) {
        self.addressId = addressId
        self.address = address
        self.clusterId = clusterId
        self.clusterAddress = clusterAddress
        self.size = size
    }
}

/// What a link's evidence was: a Bitcoin transaction, or an account-model transfer.
public struct LinkEvidence: Sendable, Equatable {
    /// Transaction hash (display hex for Bitcoin, as stored for transfers).
    public var tx: String
    public var height: Int64?
    public var time: Int64?
    /// Bitcoin: value each side spent in the transaction's inputs (multi-input), or received
    /// in its outputs (change), in satoshi; nil when that side has no such input or output.
    public var fromInputValue: Int64?
    public var toInputValue: Int64?
    public var toOutputValue: Int64?
    /// Deposit-address links: the deposit address, the user's transfer into it and the
    /// forward to the exchange that matched it (amounts in base units, as decimal text).
    public var depositAddress: String?
    public var depositAmount: String?
    public var forwardTx: String?
    public var forwardAmount: String?
    public var forwardBlock: Int64?
    public var exchange: String?
    public var asset: String?

    public init(tx: String) { self.tx = tx }
}

/// Account-model transfers between a cluster and others, per counterpart cluster and asset.
public struct ClusterTransferFlow: Sendable, Equatable {
    public var counterpart: UInt32
    public var asset: String
    public var decimals: Int?
    public var incoming: UInt256
    public var outgoing: UInt256
    public var transfers: Int
    /// The exact totals when one passes 2^256 − 1 (`incoming`/`outgoing` then hold 2^256 − 1).
    public var overflow: AmountOverflow?

    public init(
        counterpart: UInt32, asset: String, decimals: Int? = nil, incoming: UInt256, outgoing: UInt256,
        transfers: Int
    ) {
        self.counterpart = counterpart
        self.asset = asset
        self.decimals = decimals
        self.incoming = incoming
        self.outgoing = outgoing
        self.transfers = transfers
    }
}

/// Bitcoin totals of a cluster's members over the main chain.
public struct ClusterBitcoinTotals: Sendable, Equatable {
    public var received: Int64
    public var sent: Int64
    public var outputs: Int
    public var transactions: Int

    public init(received: Int64, sent: Int64, outputs: Int, transactions: Int) {
        self.received = received
        self.sent = sent
        self.outputs = outputs
        self.transactions = transactions
    }
}

/// One recorded clustering run (a row of `cluster_runs`).
public struct ClusterRunRecord: Sendable, Equatable {
    public var runId: Int64
    /// `full` or `incremental`.
    public var mode: String
    /// Canonical heuristics text (`multi-input,change:one-time`).
    public var heuristics: String
    /// Parameters as JSON.
    public var parameters: String
    public var coverage: ClusterCoverage
    public var transactions: Int
    public var inputs: Int
    public var edges: Int
    public var merges: Int
    public var coinJoins: Int
    public var clusters: Int
    public var clusteredAddresses: Int
    public var largestCluster: Int64?
    public var largestSize: Int
    public var warnings: Int
    public var finishedAt: String

    public init(
        runId: Int64, mode: String, heuristics: String, parameters: String, coverage: ClusterCoverage,
        transactions: Int, inputs: Int, edges: Int, merges: Int, coinJoins: Int, clusters: Int,
        clusteredAddresses: Int, largestCluster: Int64?, largestSize: Int, warnings: Int, finishedAt: String
    ) {
        self.runId = runId
        self.mode = mode
        self.heuristics = heuristics
        self.parameters = parameters
        self.coverage = coverage
        self.transactions = transactions
        self.inputs = inputs
        self.edges = edges
        self.merges = merges
        self.coinJoins = coinJoins
        self.clusters = clusters
        self.clusteredAddresses = clusteredAddresses
        self.largestCluster = largestCluster
        self.largestSize = largestSize
        self.warnings = warnings
        self.finishedAt = finishedAt
    }
}

/// What the store holds, as far as clustering is concerned: the next run compares it with the
/// coverage of the last run to decide whether it may update incrementally.
public struct ClusterCoverage: Sendable, Equatable {
    /// Blocks with ids up to this one were considered.
    public var maxBlockId: Int64
    /// Main-chain blocks among them, and a digest of their ids (a reorganisation changes it).
    public var mainBlocks: Int
    public var blocksDigest: String
    public var maxHeight: Int64?
    public var maxAddressId: Int64
    public var maxTransferId: Int64

    public init(
        maxBlockId: Int64, mainBlocks: Int, blocksDigest: String, maxHeight: Int64?, maxAddressId: Int64,
        maxTransferId: Int64
    ) {
        self.maxBlockId = maxBlockId
        self.mainBlocks = mainBlocks
        self.blocksDigest = blocksDigest
        self.maxHeight = maxHeight
        self.maxAddressId = maxAddressId
        self.maxTransferId = maxTransferId
    }
}

/// A deposit address found by the deposit-address heuristic (Victor 2020): what clustering
/// finds and what the store keeps.
public struct DepositAddress: Sendable, Equatable {
    public var address: UInt32
    /// The exchange address its first matched forward went to.
    public var exchange: UInt32
    /// Distinct senders matched (the addresses the heuristic joins).
    public var users: Int

    public init(address: UInt32, exchange: UInt32, users: Int) {
        self.address = address
        self.exchange = exchange
        self.users = users
    }
}
