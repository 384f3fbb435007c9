import FlowModel

/// What one `cluster run` did.
public struct ClusterRunReport: Sendable {
    public var runId: Int64
    /// `full` or `incremental`.
    public var mode: String
    /// Why the run was full (nil for incremental runs).
    public var fullReason: String?
    public var heuristics: String
    public var parameters: String
    public var maxHeight: Int64?
    /// Transactions examined (an incremental run: the new ones), their inputs.
    public var transactions: Int
    public var inputs: Int
    public var edges: [String: Int]
    public var merges: [String: Int]
    public var coinJoinsSkipped: Int
    /// The first skipped transactions' txids (up to 20).
    public var coinJoinSample: [String]
    public var changeLinked: Int
    public var changeAmbiguous: Int
    public var changeUnknownInputs: Int
    public var depositAddresses: Int
    public var pendingInputs: Int
    public var clusters: Int
    public var clusteredAddresses: Int
    public var largestCluster: String?
    public var largestSize: Int
    public var warnings: Int
    /// The first super-cluster warnings (up to 20), with txids and cluster addresses resolved.
    public var warningSample:
        [(evidence: String, heuristic: String, clusterA: String, sizeA: Int, clusterB: String, sizeB: Int)]
    public var superClusterSize: Int
    public var loadSeconds: Double
    public var heuristicSeconds: Double
    public var unionFindSeconds: Double
    public var writeSeconds: Double
    public var totalSeconds: Double
    public var threads: Int
    public var unionFindThreads: Int
    /// Inputs per second of the union-find pass.
    public var inputsPerSecond: Double { unionFindSeconds > 0 ? Double(inputs) / unionFindSeconds : 0 }

    public init(
        runId: Int64, mode: String, fullReason: String? = nil, heuristics: String, parameters: String,
        maxHeight: Int64? = nil, transactions: Int, inputs: Int, edges: [String: Int], merges: [String: Int],
        coinJoinsSkipped: Int, coinJoinSample: [String], changeLinked: Int, changeAmbiguous: Int,
        changeUnknownInputs: Int, depositAddresses: Int, pendingInputs: Int, clusters: Int,
        clusteredAddresses: Int, largestCluster: String? = nil, largestSize: Int, warnings: Int,
        warningSample: [(
            evidence: String, heuristic: String, clusterA: String, sizeA: Int, clusterB: String, sizeB: Int
        )], superClusterSize: Int, loadSeconds: Double, heuristicSeconds: Double, unionFindSeconds: Double,
        writeSeconds: Double, totalSeconds: Double, threads: Int, unionFindThreads: Int
    ) {
        self.runId = runId
        self.mode = mode
        self.fullReason = fullReason
        self.heuristics = heuristics
        self.parameters = parameters
        self.maxHeight = maxHeight
        self.transactions = transactions
        self.inputs = inputs
        self.edges = edges
        self.merges = merges
        self.coinJoinsSkipped = coinJoinsSkipped
        self.coinJoinSample = coinJoinSample
        self.changeLinked = changeLinked
        self.changeAmbiguous = changeAmbiguous
        self.changeUnknownInputs = changeUnknownInputs
        self.depositAddresses = depositAddresses
        self.pendingInputs = pendingInputs
        self.clusters = clusters
        self.clusteredAddresses = clusteredAddresses
        self.largestCluster = largestCluster
        self.largestSize = largestSize
        self.warnings = warnings
        self.warningSample = warningSample
        self.superClusterSize = superClusterSize
        self.loadSeconds = loadSeconds
        self.heuristicSeconds = heuristicSeconds
        self.unionFindSeconds = unionFindSeconds
        self.writeSeconds = writeSeconds
        self.totalSeconds = totalSeconds
        self.threads = threads
        self.unionFindThreads = unionFindThreads
    }
}
