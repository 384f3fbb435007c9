/// What a transfer ingest run added.
public struct TransferSummary: Sendable, Codable, Equatable {
    public var transfers = 0
    public var newAddresses = 0
    public var newAssets = 0
    /// Ethereum event logs stored (ethereum-etl `logs`, node receipts).
    public var logs = 0
    /// DeFi conversions (swaps, wraps) decoded from those logs.
    public var conversions = 0
    public var indexSeconds = 0.0
    public init() {}
}

/// What one ingest run added to the store.
public struct WriteSummary: Sendable, Codable, Equatable {
    public var blocksAdded = 0
    public var blocksSkipped = 0
    public var transactions = 0
    public var inputs = 0
    public var outputs = 0
    public var newAddresses = 0
    /// Inputs whose spent output was not in the store when the run ended (their value and
    /// address stay unknown until the funding transaction is ingested).
    public var unresolvedInputs = 0
    /// Inputs resolved at the end of the run (spending an output that came later in the files,
    /// or in an earlier run).
    public var lateResolvedInputs = 0
    /// Inputs whose spent output is not in the store but whose value the source gave (rows of
    /// `prevouts`), when the run ended: they count in fees and address totals.
    public var knownPrevoutInputs = 0
    /// Blocks not on the chain with the most work after this run.
    public var orphanedBlocks = 0
    /// Seconds spent building secondary indexes, resolving late prevouts and selecting the
    /// chain at the end of the run.
    public var indexSeconds = 0.0
    public var resolveSeconds = 0.0
    public var chainSeconds = 0.0
    /// What the run read but did not store, and why (one sentence each).
    public var notes: [String] = []

    public init() {}
}
