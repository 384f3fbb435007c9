public import FlowModel
import Foundation
import GRDB

/// One account-model transfer, ready to store (addresses and asset already interned).
/// A transfer whose (tx, kind, seq) is stored with other content (`TransferWriter.append`); the
/// ingest that wrote it names the file, line and field.
public struct TransferConflict: Error, Sendable {
    public var message: String
}

public struct TransferRecord: Sendable, Equatable {
    public var kind: TransferKind
    /// Transaction hash (on-chain) or the ledger's transaction id; nil when the source has none.
    public var tx: String?
    /// Position within the transaction: 0 for the value, log index + 1 for tokens, trace index
    /// for internal calls, the row number for ledgers.
    public var seq: Int64
    public var from: Int64?
    public var to: Int64?
    public var asset: Int64
    public var amount: UInt256
    /// Unix seconds.
    public var time: Int64
    public var block: Int64?
    /// true: moved value; false: failed (moves nothing); nil: not known yet (no receipt).
    public var status: Bool?
    /// 1-based line in the source file.
    public var line: Int64?
    /// The token id of an ERC-721 or ERC-1155 transfer (the asset is its collection); nil otherwise.
    public var tokenId: UInt256?

    public init(
        kind: TransferKind, tx: String?, seq: Int64, from: Int64?, to: Int64?, asset: Int64,
        amount: UInt256, time: Int64, block: Int64? = nil, status: Bool? = true, line: Int64? = nil,
        tokenId: UInt256? = nil
    ) {
        self.kind = kind
        self.tx = tx
        self.seq = seq
        self.from = from
        self.to = to
        self.asset = asset
        self.amount = amount
        self.time = time
        self.block = block
        self.status = status
        self.line = line
        self.tokenId = tokenId
    }
}

/// Where an input file stands in the store.
public enum SourceState: Sendable, Equatable {
    /// Not seen before: ingest from the start.
    case fresh(id: Int64)
    /// An earlier run stopped inside it: continue after `bytesDone` bytes (`rowsDone` rows).
    case partial(id: Int64, bytesDone: Int, rowsDone: Int)
    /// Already fully ingested: nothing to do.
    case complete(id: Int64, rows: Int)
}

/// The single writer of account-model data: interns addresses and assets, inserts transfers,
/// and commits each chunk together with its source's progress, so an interrupted run resumes
/// exactly after the last committed chunk and a finished file is never ingested twice.
///
/// Use: `store.withTransferWriter { w in let s = try w.source(...); … w.append(…) … try w.commit(…) }`.
public final class TransferWriter {
    let db: Database
    public internal(set) var summary = TransferSummary()
    private var inTransaction = false
    private var addressIds: [String: Int64] = [:]
    private var nextAddressId: Int64
    private var assetIds: [String: Int64] = [:]
    private let insertTransfer: BulkStatement
    private let insertTransferIgnore: BulkStatement
    private let insertAddress: BulkStatement
    private let findAddress: Statement
    let ledgerMulti: BulkStatement
    let ledgerSingle: BulkStatement
    /// Rows per multi-row INSERT of the ledger bulk path.
    static let ledgerRowsPerInsert = 16

    init(db: Database) throws {
        self.db = db
        // Interning needs the text index (exists unless a Bitcoin bulk load was interrupted).
        try db.execute(sql: Schema.secondaryIndexes[0].sql)
        nextAddressId = (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM addresses") ?? 0) + 1
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT id, address FROM addresses WHERE kind >= ?",
            arguments: [Int64(AccountKind.ethereum)])
        while let row = try cursor.next() { addressIds[row[1]] = row[0] }
        let columns = "kind, tx, seq, from_id, to_id, asset_id, amount, time, block, status, source_id, line"
        let values = "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        insertTransfer = try BulkStatement(db, "INSERT INTO transfers (\(columns)) \(values)")
        insertTransferIgnore = try BulkStatement(
            db, "INSERT OR IGNORE INTO transfers (\(columns), token_id) VALUES (\(Self.placeholders(13)))")
        ledgerSingle = try BulkStatement(db, Self.ledgerInsert(columns, rows: 1))
        ledgerMulti = try BulkStatement(db, Self.ledgerInsert(columns, rows: Self.ledgerRowsPerInsert))
        insertAddress = try BulkStatement(
            db, "INSERT INTO addresses (id, address, chain, kind, program) VALUES (?1, ?2, ?3, ?4, ?5)")
        findAddress = try db.makeStatement(sql: "SELECT id FROM addresses WHERE address = ?")
    }

    /// A multi-row INSERT of ledger rows: the kind, block and status every ledger row has are
    /// literals and the source one shared parameter (bound once per chunk: bindings outlive a
    /// reset), so a row binds its 8 own values.
    static func ledgerInsert(_ columns: String, rows: Int) -> String {
        let source = rows * ledgerParameters + 1
        return "INSERT INTO transfers (\(columns)) VALUES "
            + (0..<rows).map { r in
                let p = (1...ledgerParameters).map { "?\(r * ledgerParameters + $0)" }
                return
                    "(\(TransferKind.ledger.rawValue), \(p[0]), \(p[1]), \(p[2]), \(p[3]), \(p[4]), \(p[5]), \(p[6]), NULL, 1, ?\(source), \(p[7]))"
            }.joined(separator: ", ")
    }
    static let ledgerParameters = 8

    func begin() throws {
        if !inTransaction {
            try db.execute(sql: "BEGIN IMMEDIATE")
            inTransaction = true
        }
    }

    // MARK: Sources

    /// Registers an input file by its content fingerprint and format, or finds where an earlier
    /// run left it. `prefixHash(n)` (SHA-256 of the file's first n bytes) lets a corrected file
    /// continue a run that stopped at a bad row of the same path: when the bytes before the
    /// stop are unchanged, ingest resumes there instead of adding those rows again.
    ///
    /// Identity is the content: the same bytes under another mapping (`options`) are still the
    /// same rows, so they are not added twice. A partly ingested file at the same path whose
    /// bytes before the stop point changed is an error (its rows up to there are stored; adding
    /// the changed file would count them twice).
    public func source(
        path: String, format: String, fingerprint: [UInt8], size: Int, options: String? = nil,
        prefixHash: ((Int) -> [UInt8])? = nil
    ) throws -> SourceState {
        if let row = try Row.fetchOne(
            db,
            sql: "SELECT id, bytes_done, rows_done, status FROM sources WHERE fingerprint = ? AND format = ?",
            arguments: [Data(fingerprint), format])
        {
            let id: Int64 = row[0]
            let status: String = row[3]
            if status == "complete" { return .complete(id: id, rows: row[2]) }
            return .partial(id: id, bytesDone: row[1], rowsDone: row[2])
        }
        if let prefixHash {
            let candidates = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, bytes_done, rows_done, prefix_hash FROM sources
                    WHERE path = ? AND format = ? AND status = 'partial' ORDER BY id DESC
                    """, arguments: [path, format])
            for row in candidates {
                let done: Int = row[1]
                guard done > 0, let stored = row[3] as Data? else { continue }
                guard done <= size, [UInt8](stored) == prefixHash(done) else {
                    throw StoreError(
                        .conflict,
                        "an earlier run stopped in this file after row \(row[2] as Int) (byte \(done)), and the file has changed before that point: ingesting it would add those rows twice. Restore the earlier content to resume, or ingest it under another name to add it as a new file",
                        path: path)
                }
                let id: Int64 = row[0]
                try begin()
                try db.execute(
                    sql: "UPDATE sources SET fingerprint = ?, size = ? WHERE id = ?",
                    arguments: [Data(fingerprint), size, id])
                try db.execute(sql: "COMMIT")
                inTransaction = false
                return .partial(id: id, bytesDone: done, rowsDone: row[2])
            }
        }
        try begin()
        try db.execute(
            sql: """
                INSERT INTO sources (path, format, fingerprint, size, options, status, started_at)
                VALUES (?, ?, ?, ?, ?, 'partial', ?)
                """, arguments: [path, format, Data(fingerprint), size, options, Self.now()])
        let id = db.lastInsertedRowID
        try commit(source: id, bytesDone: 0, rowsDone: 0, complete: false)
        return .fresh(id: id)
    }

    public func mayKnow(path: String, format: String, size: Int) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM sources WHERE format = ?
                  AND (size = ? OR (path = ? AND status = 'partial')))
                """, arguments: [format, size, path]) ?? true
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    // MARK: Interning

    /// The id of an address, inserting it (in the open chunk) when new.
    public func address(_ text: String, chain: String, kind: UInt8, program: [UInt8] = []) throws -> Int64 {
        if let id = addressIds[text] { return id }
        // A Bitcoin address may also appear in a ledger: use its existing row.
        if let id = try Int64.fetchOne(findAddress, arguments: [text]) {
            addressIds[text] = id
            return id
        }
        try begin()
        let id = nextAddressId
        insertAddress.bind(1, id)
        insertAddress.bind(2, text: text)
        insertAddress.bind(3, text: chain)
        insertAddress.bind(4, Int64(kind))
        insertAddress.bind(5, blob: program)
        try insertAddress.run()
        nextAddressId += 1
        addressIds[text] = id
        summary.newAddresses += 1
        return id
    }

    /// The id of an asset, inserting it when new; a known asset gains a missing symbol or
    /// decimals.
    public func asset(
        chain: String, symbol: String?, contract: String = "", decimals: Int? = nil, name: String? = nil
    )
        throws -> Int64
    {
        let key = "\(chain)\u{0}\(contract)\u{0}\(symbol ?? "")"
        if let id = assetIds[key] { return id }
        // A token is identified by its contract; a native coin or ledger currency by its symbol.
        let existingRow =
            contract.isEmpty
            ? try Row.fetchOne(
                db, sql: "SELECT id, decimals FROM assets WHERE chain = ? AND contract = '' AND symbol IS ?",
                arguments: [chain, symbol])
            : try Row.fetchOne(
                db, sql: "SELECT id, decimals FROM assets WHERE chain = ? AND contract = ?",
                arguments: [chain, contract])
        let existing: Int64? = existingRow?[0]
        if let row = existingRow, let stored = row[1] as Int?, let decimals, stored != decimals {
            throw StoreError(
                .conflict,
                "asset \(symbol ?? contract) on \(chain) is stored with \(stored) decimals, this input declares \(decimals): amounts would not be comparable (use --decimals \(stored))",
                path: "")
        }
        let id: Int64
        if let existing {
            id = existing
            if decimals != nil || name != nil {
                try begin()
                try db.execute(
                    sql: """
                        UPDATE assets SET decimals = COALESCE(decimals, ?), name = COALESCE(name, ?),
                          symbol = COALESCE(symbol, ?) WHERE id = ?
                        """, arguments: [decimals, name, symbol, id])
            }
        } else {
            try begin()
            try db.execute(
                sql: "INSERT INTO assets (chain, symbol, contract, decimals, name) VALUES (?, ?, ?, ?, ?)",
                arguments: [chain, symbol, contract, decimals, name])
            id = db.lastInsertedRowID
            summary.newAssets += 1
        }
        assetIds[key] = id
        return id
    }

    // MARK: Transfers

    /// Inserts one transfer into the open chunk. On-chain kinds are ignored when the same
    /// (tx, kind, seq) is already stored, so overlapping exports do not double count.
    public func append(_ t: TransferRecord, source: Int64) throws {
        try begin()
        let s = t.kind == .ledger ? insertTransfer : insertTransferIgnore
        s.bind(1, t.kind.rawValue)
        if let tx = t.tx { s.bind(2, text: tx) } else { s.bindNull(2) }
        s.bind(3, t.seq)
        s.bind(4, t.from)
        s.bind(5, t.to)
        s.bind(6, t.asset)
        if let small = t.amount.uint64, small <= UInt64(Int64.max) {
            s.bind(7, Int64(small))
        } else {
            s.bind(7, blob: t.amount.bigEndianBytes)
        }
        s.bind(8, t.time)
        s.bind(9, t.block)
        s.bind(10, t.status.map { $0 ? 1 : 0 })
        s.bind(11, source)
        s.bind(12, t.line)
        if t.kind != .ledger {
            if let id = t.tokenId {
                Self.bindAmount(s, 13, id)
            } else {
                s.bindNull(13)
            }
        }
        try s.run()
        let added = db.changesCount
        summary.transfers += added
        if added == 0 && t.kind != .ledger && t.kind != .fee { try checkSame(t) }
    }

    /// An on-chain transfer already stored under the same (tx, kind, seq) must be the same
    /// transfer: an overlapping export adds nothing, but the same transaction hash with another
    /// sender, recipient, asset, amount or block is a forged or inconsistent export, not a row to
    /// drop silently. (Fees are left out: an earlier run may have stored one a receipt amended.)
    func checkSame(_ t: TransferRecord) throws {
        guard let tx = t.tx,
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT from_id, to_id, asset_id, amount, block FROM transfers WHERE tx = ? AND kind = ? AND seq = ?",
                arguments: [tx, t.kind.rawValue, t.seq])
        else { return }
        var differs: [String] = []
        if (row[0] as Int64?) != t.from { differs.append("sender") }
        if let to = t.to, let stored = row[1] as Int64?, stored != to { differs.append("recipient") }
        if (row[2] as Int64) != t.asset { differs.append("asset") }
        if AmountSQL.amount(row[3]) != t.amount {
            differs.append(
                "amount (stored \(AmountSQL.amount(row[3])?.decimalString ?? "?"), here \(t.amount.decimalString))"
            )
        }
        if (row[4] as Int64?) != t.block {
            differs.append("block (stored \(row[4] as Int64? ?? -1), here \(t.block ?? -1))")
        }
        guard !differs.isEmpty else { return }
        throw TransferConflict(
            message:
                "transaction \(tx) is already stored with other content: \(differs.joined(separator: ", ")) differ (\(t.kind.name) #\(t.seq)); the same hash cannot name two transactions: one of the exports is forged or from another chain"
        )
    }

    /// `?1, ?2, … ?n`.
    static func placeholders(_ n: Int) -> String {
        (1...n).map { "?\($0)" }.joined(separator: ", ")
    }

    /// Binds an amount as `transfers.amount` stores it: INTEGER below 2^63, else 32 bytes.
    static func bindAmount(_ s: BulkStatement, _ i: Int32, _ v: UInt256) {
        if let small = v.uint64, small <= UInt64(Int64.max) {
            s.bind(i, Int64(small))
        } else {
            s.bind(i, blob: v.bigEndianBytes)
        }
    }

    /// Sets the status of every on-chain transfer of transaction `tx` (from its receipt):
    /// a failed transaction moves no value.
    public func setStatus(tx: String, success: Bool) throws {
        try begin()
        try db.execute(
            sql: "UPDATE transfers SET status = ? WHERE tx = ? AND kind < 4 AND kind != ?",
            arguments: [success ? 1 : 0, tx, TransferKind.fee.rawValue])
    }

    /// Commits the chunk written since the last commit with the source's progress.
    /// `prefixHash` is the SHA-256 of the file's first `bytesDone` bytes (see `source(…)`).
    public func commit(
        source: Int64, bytesDone: Int, rowsDone: Int, complete: Bool, prefixHash: [UInt8]? = nil
    ) throws {
        try begin()
        try db.execute(
            sql: """
                UPDATE sources SET bytes_done = ?, rows_done = ?, status = ?, finished_at = ?, prefix_hash = ?
                WHERE id = ?
                """,
            arguments: [
                bytesDone, rowsDone, complete ? "complete" : "partial", complete ? Self.now() : nil,
                prefixHash.map { Data($0) }, source,
            ])
        try db.execute(sql: "COMMIT")
        inTransaction = false
    }

    func rollback() {
        if inTransaction {
            try? db.execute(sql: "ROLLBACK")
            inTransaction = false
        }
    }

    /// Builds the transfer indexes (after a bulk load; a no-op when they exist).
    func finish() throws {
        if inTransaction {
            try db.execute(sql: "COMMIT")
            inTransaction = false
        }
        let start = ContinuousClock.now
        // SQLite's sorter threads only where cores are spare: on 1,000,000 gen_traffic transfers
        // with the 2 cores shared, worker threads made these index builds 1.5x costlier in CPU
        // time and up to 3x slower in wall time (the parser thread and other processes compete
        // for the same cores); 4 cores and more get 2-4 of them.
        let threads = max(0, min(4, ProcessInfo.processInfo.activeProcessorCount - 2))
        try Schema.buildMissing(Schema.transferIndexes, in: db, threads: threads)
        let d = ContinuousClock.now - start
        summary.indexSeconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension GraphStore {
    /// Runs `body` with the store's transfer writer; on error the open chunk is rolled back
    /// (committed chunks stay), and the indexes are built either way.
    public func withTransferWriter(_ body: (TransferWriter) throws -> Void) throws -> TransferSummary {
        let lock = try WriterLock.acquire(database: path)
        defer { withExtendedLifetime(lock) {} }
        do {
            return try queue.writeWithoutTransaction { db in
                let writer = try TransferWriter(db: db)
                do {
                    try body(writer)
                    try writer.finish()
                } catch {
                    writer.rollback()
                    if !(error is DatabaseError) { try? writer.finish() }
                    throw error
                }
                return writer.summary
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError.wrap(error, path: path, doing: "writing transfers")
        }
    }
}

/// One ledger transfer with interned addresses, planned off the writer thread. Its transaction
/// text lives in the chunk's text arena (`LedgerChunk.tx(of:)`).
public struct LedgerRow: Sendable {
    public var from: Int64
    public var to: Int64
    /// Index into `LedgerInterner.assetNames`.
    public var asset: Int32
    public var amount: UInt256
    public var time: Int64
    public var seq: Int64
    public var line: Int64
    /// Where the row's transaction text starts in `LedgerChunk.text`; -1 when the row has none.
    public var txOffset: Int32
    public var txLength: Int32
}

/// A chunk of ledger rows and the addresses they introduce, committed as one unit.
public struct LedgerChunk: Sendable {
    public var newAddresses: [(id: Int64, text: String)] = []
    public private(set) var rows: [LedgerRow] = []
    /// The rows' transaction texts, back to back (UTF-8).
    public private(set) var text: [UInt8] = []
    public init() {}

    public mutating func reserve(rows count: Int) {
        rows.reserveCapacity(count)
        text.reserveCapacity(count * 66)
    }

    /// Adds a row; `tx` is its transaction text as UTF-8 (nil: none).
    public mutating func append(
        from: Int64, to: Int64, asset: Int32, amount: UInt256, time: Int64, tx: UnsafeRawBufferPointer?,
        seq: Int64, line: Int64
    ) {
        var offset: Int32 = -1
        var length: Int32 = 0
        if let tx {
            offset = Int32(text.count)
            length = Int32(tx.count)
            text.append(contentsOf: tx)
        }
        rows.append(
            LedgerRow(
                from: from, to: to, asset: asset, amount: amount, time: time, seq: seq, line: line,
                txOffset: offset, txLength: length))
    }

    /// The row's transaction text.
    public func tx(of row: LedgerRow) -> String? {
        guard row.txOffset >= 0 else { return nil }
        let start = Int(row.txOffset)
        return String(decoding: text[start..<start + Int(row.txLength)], as: UTF8.self)
    }
}

/// Interns ledger addresses and asset names on the parsing thread: ids are planned here, rows
/// are inserted by `TransferWriter.write(_:)`. Made by `TransferWriter.ledgerInterner()`, which
/// loads every stored address so that a ledger naming a known address reuses its id. Keys are
/// looked up by their UTF-8 bytes (`ByteInterner`): a known address costs no allocation.
public final class LedgerInterner: @unchecked Sendable {
    private var table: ByteInterner
    private var nextId: Int64
    private var assetIndex: [String: Int32] = [:]
    public private(set) var assetNames: [String] = []

    /// An interner that knows the stored addresses `ids` and gives new ones ids from `nextId` on
    /// (a backend's `TransferSink.ledgerInterner()` makes one from its tables).
    public convenience init(ids: [String: Int64], nextId: Int64) {
        self.init(nextId: nextId, capacity: ids.count)
        for (text, id) in ids { add(text, id: id) }
    }

    /// An interner that knows no address yet; `add(_:id:)` tells it the stored ones.
    public init(nextId: Int64, capacity: Int = 1 << 12) {
        table = ByteInterner(capacity: max(capacity, 1 << 12))
        self.nextId = nextId
    }

    /// Records a stored address and its id.
    public func add(_ text: String, id: Int64) {
        var text = text
        text.withUTF8 { table.insert(UnsafeRawBufferPointer($0), id: id) }
    }

    public func address(_ text: String, into chunk: inout LedgerChunk) -> Int64 {
        var text = text
        return text.withUTF8 { address(utf8: UnsafeRawBufferPointer($0), into: &chunk) }
    }

    /// The id of the address whose UTF-8 text is `utf8` (valid UTF-8), planning a new id when it
    /// is new.
    @inline(__always)
    public func address(utf8: UnsafeRawBufferPointer, into chunk: inout LedgerChunk) -> Int64 {
        var isNew = false
        let id = table.intern(utf8, isNew: &isNew) {
            defer { nextId += 1 }
            return nextId
        }
        if isNew { chunk.newAddresses.append((id, String(decoding: utf8, as: UTF8.self))) }
        return id
    }

    /// Forgets the asset names (each file maps its names with its own decimals).
    public func resetAssets() {
        assetIndex = [:]
        assetNames = []
    }

    @inline(__always)
    public func asset(_ name: String) -> Int32 {
        if let i = assetIndex[name] { return i }
        let i = Int32(assetNames.count)
        assetNames.append(name)
        assetIndex[name] = i
        return i
    }
}

extension TransferWriter {
    /// An interner for a ledger bulk load. Use it for all addresses of the run (do not mix with
    /// `address(_:chain:kind:program:)`).
    public func ledgerInterner() throws -> LedgerInterner {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM addresses") ?? 0
        let interner = LedgerInterner(nextId: nextAddressId, capacity: count)
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, address FROM addresses")
        while let row = try cursor.next() { interner.add(row[1], id: row[0]) }
        return interner
    }

    /// Inserts a planned chunk into the open SQLite transaction (commit with `commit(source:…)`).
    /// `assetIds` maps the interner's asset indexes to asset ids (see `asset(chain:…)`).
    public func write(_ chunk: LedgerChunk, assetIds: [Int64], chain: String, source: Int64) throws {
        try begin()
        for (id, text) in chunk.newAddresses {
            insertAddress.bind(1, id)
            insertAddress.bind(2, text: text)
            insertAddress.bind(3, text: chain)
            insertAddress.bind(4, Int64(AccountKind.ledger))
            insertAddress.bind(5, blob: [])
            try insertAddress.run()
        }
        nextAddressId = max(nextAddressId, (chunk.newAddresses.last?.id ?? 0) + 1)
        summary.newAddresses += chunk.newAddresses.count
        let k = Self.ledgerRowsPerInsert
        let rows = chunk.rows
        let width = Int32(Self.ledgerParameters)
        ledgerMulti.bind(Int32(k) * width + 1, source)
        ledgerSingle.bind(width + 1, source)
        // The transaction texts are bound in place (SQLite reads them during the step).
        try chunk.text.withUnsafeBytes { text in
            var i = 0
            while i + k <= rows.count {
                let s = ledgerMulti
                for r in 0..<k { bindLedger(s, Int32(r) * width, rows[i + r], text, assetIds) }
                try s.run()
                i += k
            }
            while i < rows.count {
                bindLedger(ledgerSingle, 0, rows[i], text, assetIds)
                try ledgerSingle.run()
                i += 1
            }
        }
        summary.transfers += rows.count
    }

    /// Binds one row's own values at `o + 1 … o + 8` (see `ledgerInsert`).
    @inline(__always)
    func bindLedger(
        _ s: BulkStatement, _ o: Int32, _ t: LedgerRow, _ text: UnsafeRawBufferPointer, _ assetIds: [Int64]
    ) {
        if t.txOffset >= 0 {
            s.bindInPlace(
                o + 1,
                text: UnsafeRawBufferPointer(rebasing: text[Int(t.txOffset)..<Int(t.txOffset + t.txLength)]))
        } else {
            s.bindNull(o + 1)
        }
        s.bind(o + 2, t.seq)
        s.bind(o + 3, t.from)
        s.bind(o + 4, t.to)
        s.bind(o + 5, assetIds[Int(t.asset)])
        if let small = t.amount.uint64, small <= UInt64(Int64.max) {
            s.bind(o + 6, Int64(small))
        } else {
            s.bind(o + 6, blob: t.amount.bigEndianBytes)
        }
        s.bind(o + 7, t.time)
        s.bind(o + 8, t.line)
    }
}

// MARK: Account-model exports with receipts (ethereum-etl)

extension TransferWriter {
    /// The id of the token asset with `contract` on `chain` (a token is identified by its
    /// contract, whatever its symbol), inserting it when new. Known metadata fills missing values
    /// of an existing row; stored values are never overwritten.
    public func contractAsset(
        chain: String, contract: String, symbol: String?, decimals: Int?, name: String?
    ) throws -> Int64 {
        if let id = try Int64.fetchOne(
            db, sql: "SELECT id FROM assets WHERE chain = ? AND contract = ? ORDER BY id LIMIT 1",
            arguments: [chain, contract])
        {
            if symbol != nil || decimals != nil || name != nil {
                try begin()
                try db.execute(
                    sql: """
                        UPDATE assets SET symbol = COALESCE(symbol, ?), decimals = COALESCE(decimals, ?),
                          name = COALESCE(name, ?) WHERE id = ?
                        """, arguments: [symbol, decimals, name, id])
            }
            return id
        }
        try begin()
        try db.execute(
            sql: "INSERT INTO assets (chain, symbol, contract, decimals, name) VALUES (?, ?, ?, ?, ?)",
            arguments: [chain, symbol, contract, decimals, name])
        summary.newAssets += 1
        return db.lastInsertedRowID
    }

    /// True when the store holds any on-chain transfer (kinds below `ledger`).
    public func hasOnChainTransfers() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM transfers WHERE kind < 4)") ?? false
    }

    /// The time of a stored on-chain transfer of transaction `tx`, or nil when none is stored.
    public func transferTime(tx: String) throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT time FROM transfers WHERE tx = ? AND kind < 4 LIMIT 1", arguments: [tx])
    }

    /// Sets the recipient of a stored contract-creation transaction (its value transfer has no
    /// recipient until the receipt names the created contract).
    public func setCreatedContract(tx: String, to: Int64) throws {
        try begin()
        try db.execute(
            sql: "UPDATE transfers SET to_id = ? WHERE tx = ? AND kind < 4 AND kind = ? AND to_id IS NULL",
            arguments: [to, tx, TransferKind.value.rawValue])
    }

    /// Adds the gas fee of a stored transaction whose receipt arrives in a later run: a `fee`
    /// transfer of `amount` from the sender of its value transfer, at its time and block (nothing
    /// when the transaction is not stored or already has its fee). Returns the rows added.
    @discardableResult
    public func addFee(tx: String, amount: UInt256, source: Int64, line: Int64?) throws -> Int {
        try begin()
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO transfers
                  (kind, tx, seq, from_id, to_id, asset_id, amount, time, block, status, source_id, line)
                SELECT ?, tx, 0, from_id, NULL, asset_id, ?, time, block, 1, ?, ?
                FROM transfers WHERE tx = ? AND kind < 4 AND kind = ? LIMIT 1
                """,
            arguments: [
                TransferKind.fee.rawValue, AmountSQL.databaseValue(amount), source, line, tx,
                TransferKind.value.rawValue,
            ])
        summary.transfers += db.changesCount
        return db.changesCount
    }
}

extension GraphStore {
    /// Runs a read-only query and returns every column as text (NULL as nil); for tests and
    /// diagnostics. Use `amount_text(amount)` to read amounts.
    package func textRows(_ sql: String, _ arguments: [String] = []) throws(StoreError) -> [[String?]] {
        try read("querying") { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            return rows.map { row in
                (0..<row.count).map { i -> String? in
                    let value: DatabaseValue = row[i]
                    switch value.storage {
                    case .null: return nil
                    case .int64(let v): return String(v)
                    case .double(let v): return String(v)
                    case .string(let s): return s
                    case .blob(let d): return "x'" + Hex.encode(d) + "'"
                    }
                }
            }
        }
    }
}
