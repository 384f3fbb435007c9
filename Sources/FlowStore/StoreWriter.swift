// The write side of the store contract: what ingest and imports write through, as protocols,
// so that a second backend (PostgreSQL) implements the same requirements and FlowKit's
// orchestration never notices. `GraphStore` (SQLite) conforms to all of them.
//
// Ingest is Source -> Mapper -> Sink: a FlowIngest reader decodes a file's records, a FlowIngest
// mapper turns them into FlowModel values with addresses as text (pure, no database), and FlowKit
// interns them and writes them through these protocols, chunk by chunk (a batch of blocks, a
// chunk of rows), each committed atomically, account-model chunks together with their file's
// progress.
//
// - Account-model ingest (ethereum-etl, transfers CSVs): `TransferStore` hands out one writer
//   that is a `TransferSink` (interning, transfers, the ledger bulk path, source progress) and a
//   `StoredTransferAmender` (what a late receipt changes).
// - Bitcoin blocks (blk files, raw and hex blocks, Core JSON, bitcoin-etl): `BlockStore` hands
//   out a `BitcoinPlanner` (ids, addresses and prevouts planned in memory from the store's state)
//   and a `BlockBatchWriter` that inserts the planned rows, a batch per commit.
// - Reference data: `ReferenceDataWriter` (tags from watchlists and label files, daily prices).
// - Clustering: `ClusterRunStore` hands out one `ClusterRunSession` per run (the chain, the
//   snapshot and state the heuristics need, and the run's results, committed together).
//
// The requirements are the SQLite types' own declarations; keep them in step.

public import FlowModel

/// Registering input files and committing their progress: what makes an ingest resumable and a
/// finished file a no-op.
///
/// A source is identified by its content (fingerprint) and format; `commit` makes the rows
/// written since the last commit durable together with how far the file was read, so an
/// interrupted run resumes exactly after the last committed chunk.
public protocol SourceProgressWriter: AnyObject {
    /// Registers an input file, or finds where an earlier run left it. `prefixHash(n)` (SHA-256
    /// of the file's first n bytes) lets a corrected file continue a run that stopped at a bad
    /// row of the same path; `options` is stored with a new source (for people, not identity).
    func source(
        path: String, format: String, fingerprint: [UInt8], size: Int, options: String?,
        prefixHash: ((Int) -> [UInt8])?
    ) throws -> SourceState
    /// Commits the rows written since the last commit with the source's progress; `prefixHash`
    /// is the SHA-256 of the file's first `bytesDone` bytes.
    func commit(source: Int64, bytesDone: Int, rowsDone: Int, complete: Bool, prefixHash: [UInt8]?) throws
    /// False only when no earlier run can have read a file of this path, format and size (no
    /// source of `format` has its size, none under `path` is unfinished): `source(…)` will call it
    /// fresh, so reading may start before its fingerprint is known.
    func mayKnow(path: String, format: String, size: Int) throws -> Bool
}

extension SourceProgressWriter {
    /// A backend that cannot tell says every file may be known (reading waits for the fingerprint).
    public func mayKnow(path: String, format: String, size: Int) throws -> Bool { true }
}

/// Interning addresses and assets and inserting account-model transfers, one writer at a time.
public protocol TransferSink: SourceProgressWriter {
    /// What the writer added so far.
    var summary: TransferSummary { get }
    /// The id of an address, inserting it when new (an address already stored, of any chain,
    /// keeps its id).
    func address(_ text: String, chain: String, kind: UInt8, program: [UInt8]) throws -> Int64
    /// The id of a native coin or ledger currency (`contract` empty: identified by its symbol)
    /// or of a token (identified by its contract), inserting it when new; a known asset gains a
    /// missing symbol, decimals or name. Decimals that contradict the stored ones are a
    /// `StoreError.Code.conflict`.
    func asset(chain: String, symbol: String?, contract: String, decimals: Int?, name: String?) throws
        -> Int64
    /// The id of the token with `contract` on `chain`, whatever its symbol, inserting it when
    /// new; known metadata fills missing values, stored values are never overwritten.
    func contractAsset(chain: String, contract: String, symbol: String?, decimals: Int?, name: String?)
        throws -> Int64
    /// Inserts one transfer into the open chunk. An on-chain transfer (kinds below `ledger`)
    /// whose (tx, kind, seq) is already stored is ignored, so overlapping exports do not double
    /// count; ledger rows are always inserted.
    func append(_ t: TransferRecord, source: Int64) throws
    /// An interner for a ledger bulk load: ids are planned on the parsing thread, the rows
    /// inserted by `write(_:assetIds:chain:source:)`. It knows every stored address.
    func ledgerInterner() throws -> LedgerInterner
    /// Inserts a planned chunk of ledger rows and the addresses it introduces into the open
    /// chunk; `assetIds` maps the interner's asset indexes to asset ids.
    func write(_ chunk: LedgerChunk, assetIds: [Int64], chain: String, source: Int64) throws
}

/// What a late receipt changes of transfers an earlier run stored (ethereum-etl: a receipts
/// export ingested after its transactions), and the stored facts the Ethereum rules consult.
public protocol StoredTransferAmender: AnyObject {
    /// True when the store holds any on-chain transfer (kinds below `ledger`).
    func hasOnChainTransfers() throws -> Bool
    /// The time of a stored on-chain transfer of transaction `tx`, or nil when none is stored.
    func transferTime(tx: String) throws -> Int64?
    /// Sets the status of every on-chain transfer of `tx` but its fee: a failed transaction
    /// moves no value.
    func setStatus(tx: String, success: Bool) throws
    /// Sets the recipient of a stored contract creation's value transfer (when it has none).
    func setCreatedContract(tx: String, to: Int64) throws
    /// Adds the fee of a stored transaction: a `fee` transfer of `amount` from the sender of its
    /// value transfer, at its time and block (nothing when the transaction is not stored or has
    /// its fee already). Returns the rows added.
    @discardableResult
    func addFee(tx: String, amount: UInt256, source: Int64, line: Int64?) throws -> Int
}

/// Storing Ethereum event logs (ethereum-etl `logs`, node receipts) in the open chunk of a
/// `TransferSink`, and reading back the logs of a transaction (the open chunk's included) for
/// the rules that need all of them.
public protocol EventLogSink: AnyObject {
    /// Inserts one log into the open chunk; `address` is the emitting contract's address id. A
    /// log already stored (same transaction and log index) is ignored, so overlapping exports do
    /// not store it twice. Returns whether it was new.
    @discardableResult
    func append(log: EventLog, address: Int64, source: Int64) throws -> Bool
    /// The stored logs of transaction `tx`, by log index (`line` is the stored line).
    func logs(tx: String) throws -> [EventLog]
    /// Makes `records` the conversions of `tx` in the open chunk, replacing those stored for it
    /// (they follow from all its logs, which may come in several chunks); returns the change in
    /// their number.
    @discardableResult
    func replaceConversions(tx: String, _ records: [ConversionRecord], source: Int64) throws -> Int
}

/// A store account-model ingest writes to: one writer at a time, records its runs.
public protocol TransferStore: RunRecorder {
    /// The writer `withTransferWriter` hands out.
    associatedtype Writer: TransferSink & StoredTransferAmender & EventLogSink
    /// Runs `body` with the store's single transfer writer, under the database's writer lock.
    /// On an error the open chunk is rolled back (committed chunks stay); the indexes are built
    /// either way. Returns what the writer added.
    func withTransferWriter(_ body: (Writer) throws -> Void) throws -> TransferSummary
}

/// Inserting the rows a `BitcoinPlanner` planned, one batch of whole blocks per commit.
public protocol BlockBatchWriter: AnyObject {
    /// What the run added so far.
    var summary: WriteSummary { get }
    /// Inserts a planned batch into the open transaction (blocks already stored are skipped).
    func write(_ batch: PlannedBatch) throws
    /// Commits the blocks written since the last commit: they are now durable together.
    func commit() throws
    /// Records a note for the run's report: something read but not stored, and why.
    func note(_ text: String)
    /// Stored inputs that spend one of `outpoints` and are neither resolved nor described by a
    /// known prevout yet: `outpoint` is the index into `outpoints`.
    func unresolvedInputs(spending outpoints: [(txid: Hash256, vout: UInt32)]) throws -> [(
        outpoint: Int, inputId: Int64, txId: Int64
    )]
}

/// A store Bitcoin block ingest writes to: one planner and writer at a time, records its runs.
public protocol BlockStore: RunRecorder {
    /// The writer `withWriter` hands out.
    associatedtype BlockWriter: BlockBatchWriter
    /// Runs one ingest: `body` plans batches with the planner (on any one thread at a time) and
    /// writes and commits them with the writer (on this thread); on return the writer finishes
    /// (indexes, late prevouts, main chain). Blocks committed before an error stay; the
    /// uncommitted batch is rolled back.
    func withWriter(_ body: (BitcoinPlanner, BlockWriter) throws -> Void) throws -> WriteSummary
}

/// Importing reference data: tags (watchlists, label files) and daily prices.
public protocol ReferenceDataWriter: Sendable {
    /// Stores tags in one transaction: a tag stored before (same address, label and source)
    /// has its category and confidence updated, not added again; every stored tag of a source in
    /// `replacing` that `tags` no longer lists is removed (a sanctions list's delistings).
    /// Returns the tags added and removed.
    func importTags(_ tags: [TagRecord], importedAt: String, replacing: Set<String>) throws(StoreError) -> (
        added: Int, removed: Int
    )
    /// Stores daily prices; a price for the same asset, currency and day replaces the stored one.
    func storePrices(_ rows: [PriceRow], source: String) throws(StoreError) -> (added: Int, replaced: Int)
}

/// The store side of one clustering run: what the heuristics read (the chain, the spend snapshot,
/// the previous run's state) and what the run writes. Valid only inside the session's closure;
/// everything written commits at the end of the run together, or not at all.
public protocol ClusterRunSession: AnyObject {
    /// The run's id (its `runs` record, also its clustering run id).
    var runId: Int64 { get }
    /// The last completed clustering run, if any.
    func lastRun() throws -> ClusterRunRecord?
    /// The main chain's blocks in height order (transaction id ranges) and what they cover.
    func chain() throws -> (blocks: [ChainBlock], coverage: ClusterCoverage)
    /// How many main-chain blocks up to block id `limit` there are, and a digest of their hashes
    /// (a changed digest means a reorganisation below the last run's tip).
    func mainDigest(upTo limit: Int64) throws -> (count: Int, digest: String)
    /// How many inputs the last run could not attribute now have a known address.
    func resolvedPendingInputs() throws -> Int
    /// The stored address-to-cluster pairs and the last merge sequence number.
    func clusterState() throws -> (pairs: [(address: UInt32, cluster: UInt32)], lastSequence: Int64)
    /// The spend snapshot of `blocks` (the columns asked for), read whole when `scanAll`, with
    /// the ids of inputs whose address is unknown.
    func loadSnapshot(blocks: [ChainBlock], columns: SnapshotColumns, scanAll: Bool, threads: Int) throws -> (
        snapshot: UTXOSnapshot, pendingInputs: [Int64]
    )
    /// Which of `addresses` were paid in a block up to `maxBlockId`.
    func paidBefore(_ addresses: Set<UInt32>, maxBlockId: Int64) throws -> Set<UInt32>
    /// What the deposit-address heuristic reads: value-moving account transfers, the addresses
    /// tagged with one of `categories`, and each asset's decimals.
    func depositInput(categories: [String]) throws -> (
        transfers: [DepositTransfer], exchanges: Set<UInt32>, decimals: [Int64: Int]
    )
    /// Stores the run's clusters, merges (with evidence) and warnings.
    func write(_ w: ClusterWrite) throws
    /// Records the finished run.
    func finish(_ r: ClusterRunRecord, summary: String) throws
}

/// A store clustering runs write to: one run at a time, holding the writer lock throughout.
public protocol ClusterRunStore: CaseReader {
    /// The session `withClusterSession` hands out.
    associatedtype Session: ClusterRunSession
    /// Runs `body` as one clustering run recorded with `parameters`; commits what it wrote when
    /// `body` returns, rolls everything back when it throws.
    func withClusterSession<T>(parameters: String, _ body: (Session) throws -> T) throws -> T
}

extension TransferWriter: TransferSink, StoredTransferAmender, EventLogSink {}

extension ClusterSession: ClusterRunSession {}

extension BitcoinWriter: BlockBatchWriter {}

extension GraphStore: TransferStore, BlockStore, ReferenceDataWriter, ClusterRunStore {}
