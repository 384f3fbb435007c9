// The store contract: what the use cases (FlowKit) need of a case database, as protocols, so that
// a second backend (PostgreSQL) implements the same requirements and the analyzers and reports
// never notice. `GraphStore` (SQLite) conforms to all of them. This file is the read side; the
// write side account-model ingest uses (`TransferStore`, `TransferSink`, …) is in StoreWriter.swift.
//
// The requirements are GraphStore's own declarations; keep them in step.

public import FlowModel

/// Recording a command run in `runs` (trace, AML, clustering).
public protocol RunRecorder: Sendable {
    /// Records the start of a command run against this database; returns the run id.
    func startRun(command: String, parameters: String) throws(StoreError) -> Int64
    /// Records how a run ended: `status` is `ok` or `failed`, `summary` a JSON text.
    func finishRun(_ id: Int64, status: String, summary: String) throws(StoreError)
}

/// Addresses, transactions, tags, prices and summaries: what profiles, `tx`, `stats` and the import summaries read.
public protocol CaseReader: Sendable {
    /// Received, sent, balance and activity of `address` over the main chain; nil when unknown.
    func address(_ text: String) throws(StoreError) -> AddressSummary?
    /// Per-asset totals of an address's account-model transfers (failed ones move nothing), and
    /// the fees it paid per asset.
    func assetActivity(_ text: String) throws(StoreError) -> (assets: [AssetActivity], fees: [AssetActivity])
    /// The cluster of `address` (nil when the address is unknown). An address no run has
    /// clustered is a cluster of its own.
    func clusterMembership(_ address: String) throws(StoreError) -> ClusterMembership?
    /// Tags of any member of a cluster, with the member they are attached to.
    func clusterTags(_ clusterId: Int64, limit: Int) throws(StoreError) -> [TagRecord]
    /// How many of `addresses` occur in the graph.
    func knownAddresses(_ addresses: Set<String>) throws(StoreError) -> Int
    /// Every stored price series in `currency`, by asset key (symbol or contract).
    func priceSeries(currency: String) throws(StoreError) -> [String: PriceSeries]
    /// Tags of an address (any case of a hex or bech32 address matches).
    func tags(of text: String) throws(StoreError) -> [TagRecord]
    /// Tag categories of each address id that has tags (sorted, distinct): one pass over the
    /// tags table, kept for the ids asked.
    func tagCategories(_ ids: [UInt32]) throws(StoreError) -> [UInt32: [String]]
    /// Address texts of ids.
    func addressTexts(_ ids: [Int64]) throws(StoreError) -> [Int64: String]
    /// Display txids of stored transactions.
    func txids(_ ids: [Int64]) throws(StoreError) -> [Int64: String]
    /// Store ids of address texts (texts not stored are left out).
    func addressIds(texts: some Sequence<String>) throws(StoreError) -> [String: Int64]
    /// The transaction with `txid` (its main-chain copy when it was confirmed in several forks).
    func transaction(_ txid: Hash256) throws(StoreError) -> TransactionDetail?
    /// Every transfer row whose transaction id is `id` (an Ethereum hash as stored, lowercase
    /// `0x…`, or a ledger's transaction id), ordered by kind and position; nil when there is none.
    /// Ethereum ids use the `transfers_onchain` index; a ledger id scans the ledger rows.
    func accountTransaction(_ id: String) throws(StoreError) -> AccountTransactionRows?
    /// The stored conversions (swaps, wraps) of transaction `tx`, by log index.
    func conversions(tx: String) throws(StoreError) -> [Conversion]
    /// Counts of what the store holds on its main chain.
    func stats() throws(StoreError) -> StoreStats
    /// Per-table row counts and content checksums, for comparing two databases built from the
    /// same input (the `runs` table and the wall-clock columns of others are left out).
    func contentFingerprint() throws(StoreError) -> [String: String]
    /// Row count and FNV-1a checksum of each of `tables`, as `contentFingerprint()` computes them,
    /// leaving out `ignoring` columns besides the wall-clock ones: e.g. `source_file` and
    /// `source_offset`, to compare what two different files stored.
    func contentFingerprint(tables: [String], ignoring: Set<String>) throws(StoreError) -> [String: String]
    /// Tag counts by category and source.
    func tagSummary() throws(StoreError) -> [(category: String, source: String, count: Int)]
    /// Counts of stored prices per asset in `currency` with their first and last day.
    func priceSummary() throws(StoreError) -> [(
        asset: String, currency: String, days: Int, first: Int64, last: Int64
    )]
    /// Whether any clustering run has completed on this database.
    func hasClusterRun() throws(StoreError) -> Bool
    /// The latest clustering runs, newest first.
    func clusterRuns(limit: Int) throws(StoreError) -> [ClusterRunRecord]
}

/// The query library: documented SQL run with bound parameters, and the typed readers built on it.
public protocol QueryLibraryReader: Sendable {
    /// Runs one read-only statement with named arguments (bound by SQLite, never spliced into
    /// the text). Every parameter of the statement must have an argument; arguments the
    /// statement does not use are an error too. The connection is read-only for the query, so
    /// a statement that writes fails.
    func runQuery(_ sql: String, arguments: [String: SQLValue]) throws(StoreError) -> SQLResult
    /// Whether the database has `table`.
    func hasTable(_ table: String) throws -> Bool
    /// Every movement in or out of `address` with the balance after it (`balance-history`).
    func addressHistory(_ address: String) throws -> [AddressMovement]
    /// The largest counterparties of `address`, `limit` per asset (`top-counterparties`), with
    /// their tags.
    func addressCounterparties(_ address: String, limit: Int) throws -> [AddressCounterparty]
    /// The direct counterparties of `address` that carry a tag, a row per tag (`tag-exposure`).
    func addressExposure(_ address: String) throws -> [AddressExposure]
    /// The AML alerts `address` is part of (`address-alerts`); none in a database made before
    /// the AML tables.
    func addressAlerts(_ address: String) throws -> [AddressAlert]
}

/// Whole-graph snapshots the analyzers work on in memory (trace graphs, AML transfer and flow snapshots).
public protocol GraphSnapshotLoader: Sendable {
    /// Loads the main chain's transactions, inputs and outputs as a `UTXOTraceGraph`: the
    /// transactions, outputs and inputs tables are each read in one scan, on parallel
    /// read-only connections (up to `threads`), then joined in chain order in memory.
    ///
    /// Read while no ingest runs (an ingest committing meanwhile can leave its newest rows out).
    func loadUTXOTraceGraph(threads: Int) throws(StoreError) -> UTXOTraceGraph
    /// Loads the transfers of asset `asset` that moved value (and the fees, which draw on
    /// balances) as an `AccountTraceGraph`, in (time, id) order. Zero amounts and
    /// self-transfers are left out: they move nothing.
    func loadAccountTraceGraph(asset: Int64) throws(StoreError) -> AccountTraceGraph
    /// Every stored conversion with the transfers of its two legs (`ConversionLink`), in time order.
    func conversionLinks() throws(StoreError) -> [ConversionLink]
    /// Loads the transfers that moved value (no fee rows, no failed transactions) with a time in
    /// `from...until` into a snapshot sorted by (time, id), with assets and tag categories.
    func transferSnapshot(from: Int64, until: Int64) throws(StoreError) -> TransferSnapshot
    /// Main-chain Bitcoin transactions with a block time in `from...until` as address-to-address
    /// flows, for the account-model rules that follow value between addresses (exposure): each
    /// input address pays each output address the output's value in proportion to the input
    /// address's share of the inputs (rounded down, exact integers). `transferIds` holds the
    /// transaction's `transactions.id`; the asset is BTC in satoshi. Transactions with more than
    /// `maxPairs` (input address, output address) pairs (CoinJoins, batch payouts) are left out
    /// and counted in the second result.
    func utxoFlowSnapshot(from: Int64, until: Int64, maxPairs: Int) throws(StoreError) -> (
        TransferSnapshot, skipped: Int
    )
    /// Main-chain Bitcoin transactions with one input and two outputs whose block time is in
    /// `from...until`, for the peel-chain rule (empty when the store holds no Bitcoin data).
    /// CROSS JOIN fixes the join order: transactions drive, outputs are read by id range (left to
    /// itself SQLite scanned outputs and searched transactions for each, quadratic).
    func peelSnapshot(from: Int64, until: Int64) throws(StoreError) -> PeelSnapshot
    /// Identity (tx, seq, source line, kind) of transfers by id.
    func transferIdentities(_ ids: [Int64]) throws(StoreError) -> [Int64: TransferIdentity]
    /// The largest transfer id, and the earliest time among transfers after `afterId`.
    func transferMark(after afterId: Int64) throws(StoreError) -> (
        maxId: Int64, earliestNew: Int64?, latest: Int64?
    )
    /// The account-model transfer ids (no fee rows) of each transaction id given.
    func transferIds(tx: some Sequence<String>) throws(StoreError) -> [String: [Int64]]
    /// Whether any Bitcoin (UTXO) address is tagged with one of `categories`.
    func hasTaggedUTXOAddresses(categories: [String]) throws(StoreError) -> Bool
    /// Address ids tagged with any of `categories`.
    func taggedAddressIds(categories: [String]) throws(StoreError) -> Set<UInt32>
}

/// Resolving trace seeds and naming what a trace reached.
public protocol TraceReader: Sendable {
    /// What `text` names, read as before explicit seed kinds: a Bitcoin output (`txid:vout`),
    /// a transaction's outputs or transfers (a txid, an Ethereum hash or a ledger transaction
    /// id), else an address's received outputs and transfers within the window. Empty when
    /// nothing matches. (FlowKit's `TraceSeed` reads seed texts with kinds and refuses a text
    /// that is both a transaction and an address.)
    func traceSeeds(_ text: String, since: Int64?, until: Int64?) throws(StoreError) -> [TraceSeedRef]
    /// The outputs or transfers `target` names (empty when nothing matches): an output; all
    /// outputs of a main-chain Bitcoin transaction, else the transfers of a transaction id
    /// (Ethereum hashes are stored lowercase; fees and failed transfers left out); what an
    /// address received in the window (main-chain outputs, transfers); or the transfers an
    /// account paid in the window. The window applies to address targets only.
    func traceSeeds(_ target: TraceSeedTarget, since: Int64?, until: Int64?) throws(StoreError)
        -> [TraceSeedRef]
    /// Whether `text` is a stored address (exact, or lowercase for hex and bech32).
    func isTraceAddress(_ text: String) throws(StoreError) -> Bool
    /// What an address did besides receiving, for a seed that received nothing: the transfers
    /// it paid in the window (fees and failed transfers left out), and the main-chain Bitcoin
    /// transactions that spent, in the window, outputs of it this store does not hold (known
    /// only from a source's prevout), with the first few of their txids. Nil for an unknown
    /// address.
    func traceAddressOutflows(_ text: String, since: Int64?, until: Int64?, examples: Int) throws(StoreError)
        -> TraceAddressOutflows?
    /// Assets by id.
    func traceAssets() throws(StoreError) -> [TraceAsset]
    /// Txid and position of outputs by `outputs.id`.
    func traceOutpoints(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceOutpoint]
    /// Spending transaction, position and named prevout of inputs by `inputs.id`.
    func traceInputs(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceInputRef]
    /// Transaction text, time and kind of transfers by `transfers.id`.
    func traceTransfers(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceTransferRef]
    /// Address texts of ids, read in chunks of 500 ids (ascending).
    func traceAddressTexts(_ ids: [UInt32]) throws(StoreError) -> [UInt32: String]
}

/// Stored AML alerts and their reviews.
public protocol AlertReader: Sendable {
    /// Stores a run's alerts: a new fingerprint adds the alert and its evidence rows, a known one
    /// only records that this run saw it again. Returns how many were new. One transaction, so a
    /// failed run stores nothing.
    func storeAlerts(
        runId: Int64, alerts: [StoredAlert], rules: String, reportFrom: Int64?, reportUntil: Int64?,
        maxTransferId: Int64, transfers: Int
    ) throws(StoreError) -> Int
    /// Which of these fingerprints are stored already.
    func knownAlerts(_ fingerprints: [String]) throws(StoreError) -> Set<String>
    /// The last finished `aml run` that covered everything new (no `--since`/`--until`; nil
    /// before the first): an explicit range does not move the high-water mark.
    func lastAmlRun() throws(StoreError) -> AmlRunMark?
    /// The latest review status of each alert given by fingerprint (unreviewed ones are absent).
    func alertStatuses(_ fingerprints: [String]) throws(StoreError) -> [String: String]
    /// Alerts whose latest review closed them (`closed-true` or `closed-false`), with their evidence.
    func closedAlerts() throws(StoreError) -> [ReviewedAlert]
    /// Appends a review to the alert whose id (fingerprint) is `id` or starts with it; returns the
    /// full fingerprint and the alert's history, oldest first. An unknown or ambiguous id is an error.
    func review(alert id: String, status: String, note: String, reviewer: String, at: String)
        throws(StoreError) -> (fingerprint: String, history: [AlertReview])
}

/// What the cluster views read: a cluster's members, totals and flows, and the evidence behind
/// each merge (`cluster show`, `cluster flows`, `cluster explain`, the cluster report).
public protocol ClusterReader: CaseReader {
    /// Member addresses of a cluster, `limit` (-1: all) from `offset`, in address order.
    func clusterMembers(_ clusterId: Int64, limit: Int, offset: Int) throws(StoreError) -> [String]
    /// What the cluster's members received and spent on the main chain.
    func clusterBitcoinTotals(_ clusterId: Int64) throws(StoreError) -> ClusterBitcoinTotals
    /// Runs `body` with a lookup of the stored merge record of an address id, in one read.
    func withLinkLookup<T>(_ body: ((UInt32) throws -> StoredLink?) throws -> T) throws(StoreError) -> T
    /// The evidence behind one merge between `from` and `to` (a transaction, a deposit).
    func linkEvidence(
        heuristic: LinkHeuristic, evidence: Int64, from: Int64, to: Int64, maxBlocks: Int64
    ) throws(StoreError) -> LinkEvidence
    /// Main-chain transactions in which a member spends or receives, newest first, at most `limit`.
    func clusterFlowTransactions(_ clusterId: Int64, limit: Int) throws(StoreError)
        -> [ClusterFlowTransaction]
    /// Account transfers between the cluster and others, per counterparty cluster and asset.
    func clusterTransferFlows(_ clusterId: Int64) throws(StoreError) -> [ClusterTransferFlow]
    /// Warnings the clustering run `runId` stored.
    func clusterWarnings(runId: Int64, limit: Int) throws(StoreError) -> [ClusterWarning]
    /// The stored address-to-cluster rows (with each merge's provenance) in address order, `limit`
    /// from `offset`: for exports and comparisons.
    func clusterRows(limit: Int, offset: Int) throws(StoreError) -> [ClusterRow]
}

extension ClusterReader {
    public func linkEvidence(heuristic: LinkHeuristic, evidence: Int64, from: Int64, to: Int64)
        throws(StoreError)
        -> LinkEvidence
    {
        try linkEvidence(heuristic: heuristic, evidence: evidence, from: from, to: to, maxBlocks: 3200)
    }
    public func clusterWarnings(runId: Int64) throws(StoreError) -> [ClusterWarning] {
        try clusterWarnings(runId: runId, limit: 100)
    }
}

/// Everything a use case reads of a case database: the read side of the store contract.
public protocol CaseReadStore: RunRecorder, CaseReader, QueryLibraryReader, GraphSnapshotLoader, TraceReader,
    AlertReader, ClusterReader
{
    /// Where the database is (a file path, a server URL): errors name it.
    var path: String { get }
    /// Opened without write access: runs are not recorded.
    var readOnly: Bool { get }
    /// What the address report reads of `address`: `assetActivity`, `addressHistory`,
    /// `addressCounterparties` (`limit` per asset) and `addressExposure` at once (one read of
    /// the address's transfers where the backend can; by default the four calls).
    func addressReportRows(_ address: String, counterparties limit: Int) throws -> AddressReportRows
}

// The defaults GraphStore's declarations give, for every backend.
extension CaseReader {
    public func clusterTags(_ clusterId: Int64) throws(StoreError) -> [TagRecord] {
        try clusterTags(clusterId, limit: 200)
    }
    public func clusterRuns() throws(StoreError) -> [ClusterRunRecord] { try clusterRuns(limit: 20) }
}

extension TraceReader {
    public func traceAddressOutflows(_ text: String, since: Int64?, until: Int64?) throws(StoreError)
        -> TraceAddressOutflows?
    {
        try traceAddressOutflows(text, since: since, until: until, examples: 3)
    }
}

extension CaseReadStore {
    public func addressReportRows(_ address: String, counterparties limit: Int) throws -> AddressReportRows {
        let (assets, fees) = try assetActivity(address)
        return AddressReportRows(
            assets: assets, fees: fees, history: try addressHistory(address),
            counterparties: try addressCounterparties(address, limit: limit),
            exposure: try addressExposure(address))
    }
}

extension GraphSnapshotLoader {
    public func utxoFlowSnapshot(from: Int64, until: Int64) throws(StoreError) -> (
        TransferSnapshot, skipped: Int
    ) {
        try utxoFlowSnapshot(from: from, until: until, maxPairs: 2_500)
    }
}

extension GraphStore: CaseReadStore {}
