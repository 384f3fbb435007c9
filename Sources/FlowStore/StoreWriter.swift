// The write side of the store contract: what account-model ingest (ethereum-etl, transfers
// CSVs) writes through, as protocols, so that a second backend (PostgreSQL) implements the same
// requirements and FlowKit's ingest orchestration never notices. `GraphStore` (SQLite) conforms
// through `TransferWriter`.
//
// Ingest is Source -> Mapper -> Sink: a FlowIngest reader decodes a file's rows, a FlowIngest
// mapper turns them into transfers with addresses as text (pure, no database), and FlowKit
// interns them and writes them through these protocols, chunk by chunk, each chunk committed
// together with its file's progress.
//
// Bitcoin block ingest (`withWriter`: `BitcoinPlanner` plans ids and prevouts, `BitcoinWriter`
// inserts the planned rows) is not part of the contract yet, nor are cluster sessions, tag and
// price imports; see docs/architecture.md.
//
// The requirements are TransferWriter's own declarations; keep them in step.

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

/// A store account-model ingest writes to: one writer at a time, records its runs.
public protocol TransferStore: RunRecorder {
    /// The writer `withTransferWriter` hands out.
    associatedtype Writer: TransferSink & StoredTransferAmender
    /// Runs `body` with the store's single transfer writer, under the database's writer lock.
    /// On an error the open chunk is rolled back (committed chunks stay); the indexes are built
    /// either way. Returns what the writer added.
    func withTransferWriter(_ body: (Writer) throws -> Void) throws -> TransferSummary
}

extension TransferWriter: TransferSink, StoredTransferAmender {}

extension GraphStore: TransferStore {}
