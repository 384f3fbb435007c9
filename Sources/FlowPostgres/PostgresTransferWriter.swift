public import FlowModel
public import FlowStore
import Foundation

/// The single account-model writer of a PostgreSQL database: SQLite's `TransferWriter` semantics
/// (a source's progress commits with its chunk; a re-run skips a finished file and resumes a
/// partial one), with the ledger bulk path streaming each chunk through `COPY … FROM STDIN`.
///
/// Ids are planned here as SQLite plans them (the next id after the largest stored), which is
/// safe because one writer holds the advisory lock.
public final class PostgresTransferWriter {
    let store: PostgresStore
    var session: PostgresSession { store.session }
    var path: String { store.path }
    public internal(set) var summary = TransferSummary()
    private var inTransaction = false
    private var addressIds: [String: Int64] = [:]
    private var assetIds: [String: Int64] = [:]
    var nextAddressId: Int64
    var nextTransferId: Int64

    init(store: PostgresStore) throws(StoreError) {
        self.store = store
        let doing = "opening the transfer writer"
        var next = try store.counts(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM addresses", doing: doing)
        nextAddressId = try next?.next(Int64.self) ?? 1
        var nextTransfer = try store.counts("SELECT COALESCE(MAX(id), 0) + 1 FROM transfers", doing: doing)
        nextTransferId = try nextTransfer?.next(Int64.self) ?? 1
    }

    func begin() throws(StoreError) {
        if !inTransaction {
            try session.execute("BEGIN", doing: "writing transfers")
            inTransaction = true
        }
    }

    func rollback() {
        if inTransaction {
            _ = try? session.execute("ROLLBACK", doing: "rolling back")
            inTransaction = false
        }
    }

    /// Commits what is open and builds the transfer indexes (a no-op when they exist).
    func finish() throws(StoreError) {
        if inTransaction {
            try session.execute("COMMIT", doing: "writing transfers")
            inTransaction = false
        }
        let start = ContinuousClock.now
        for statement in PostgresSchema.transferIndexes {
            try session.execute(statement, doing: "building the transfer indexes")
        }
        try session.execute("ANALYZE addresses", doing: "analyzing")
        try session.execute("ANALYZE transfers", doing: "analyzing")
        let d = ContinuousClock.now - start
        summary.indexSeconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension PostgresTransferWriter: SourceProgressWriter {
    public func source(
        path: String, format: String, fingerprint: [UInt8], size: Int, options: String?,
        prefixHash: ((Int) -> [UInt8])?
    ) throws -> SourceState {
        let doing = "reading the sources"
        if let row = try session.query(
            "SELECT id, bytes_done, rows_done, status FROM sources WHERE fingerprint = $1 AND format = $2",
            [.bytes(fingerprint), .text(format)], doing: doing
        ).first {
            var c = PGColumns(row, doing: doing, path: store.path)
            let id = try c.next(Int64.self)
            let bytes = Int(try c.next(Int64.self))
            let rows = Int(try c.next(Int64.self))
            if try c.next(String.self) == "complete" { return .complete(id: id, rows: rows) }
            return .partial(id: id, bytesDone: bytes, rowsDone: rows)
        }
        if let prefixHash {
            let candidates = try session.query(
                """
                SELECT id, bytes_done, rows_done, prefix_hash FROM sources
                WHERE path = $1 AND format = $2 AND status = 'partial' ORDER BY id DESC
                """, [.text(path), .text(format)], doing: doing)
            for row in candidates {
                var c = PGColumns(row, doing: doing, path: store.path)
                let id = try c.next(Int64.self)
                let done = Int(try c.next(Int64.self))
                let rowsDone = Int(try c.next(Int64.self))
                guard done > 0, let stored = try c.next(Data?.self) else { continue }
                guard done <= size, [UInt8](stored) == prefixHash(done) else {
                    throw StoreError(
                        .conflict,
                        "an earlier run stopped in this file after row \(rowsDone) (byte \(done)), and the file has changed before that point: ingesting it would add those rows twice. Restore the earlier content to resume, or ingest it under another name to add it as a new file",
                        path: path)
                }
                try begin()
                try session.execute(
                    "UPDATE sources SET fingerprint = $1, size = $2 WHERE id = $3",
                    [.bytes(fingerprint), .int(Int64(size)), .int(id)], doing: doing)
                try session.execute("COMMIT", doing: doing)
                inTransaction = false
                return .partial(id: id, bytesDone: done, rowsDone: rowsDone)
            }
        }
        try begin()
        var next = try store.counts("SELECT COALESCE(MAX(id), 0) + 1 FROM sources", doing: doing)
        let id = try next?.next(Int64.self) ?? 1
        try session.execute(
            """
            INSERT INTO sources (id, path, format, fingerprint, size, options, status, started_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'partial', $7)
            """,
            [
                .int(id), .text(path), .text(format), .bytes(fingerprint), .int(Int64(size)), .text(options),
                .text(PostgresStore.now()),
            ], doing: "registering the source")
        try commit(source: id, bytesDone: 0, rowsDone: 0, complete: false, prefixHash: nil)
        return .fresh(id: id)
    }

    public func commit(source: Int64, bytesDone: Int, rowsDone: Int, complete: Bool, prefixHash: [UInt8]?)
        throws
    {
        try begin()
        try session.execute(
            """
            UPDATE sources SET bytes_done = $1, rows_done = $2, status = $3, finished_at = $4, prefix_hash = $5
            WHERE id = $6
            """,
            [
                .int(Int64(bytesDone)), .int(Int64(rowsDone)), .text(complete ? "complete" : "partial"),
                .text(complete ? PostgresStore.now() : nil), .bytes(prefixHash), .int(source),
            ], doing: "committing the source's progress")
        try session.execute("COMMIT", doing: "committing a chunk")
        inTransaction = false
    }
}

extension PostgresTransferWriter: TransferSink {
    public func address(_ text: String, chain: String, kind: UInt8, program: [UInt8]) throws -> Int64 {
        if let id = addressIds[text] { return id }
        let doing = "interning an address"
        if let row = try session.query(
            "SELECT id FROM addresses WHERE address = $1 ORDER BY id LIMIT 1", [.text(text)], doing: doing
        ).first {
            let id = try row.decodeColumn(0, Int64.self, doing: doing, path: path)
            addressIds[text] = id
            return id
        }
        try begin()
        let id = nextAddressId
        try session.execute(
            "INSERT INTO addresses (id, address, chain, kind, program) VALUES ($1, $2, $3, $4, $5)",
            [.int(id), .text(text), .text(chain), .int(Int64(kind)), .bytes(program)], doing: doing)
        nextAddressId += 1
        addressIds[text] = id
        summary.newAddresses += 1
        return id
    }

    public func asset(chain: String, symbol: String?, contract: String, decimals: Int?, name: String?) throws
        -> Int64
    {
        let key = "\(chain)\u{0}\(contract)\u{0}\(symbol ?? "")"
        if let id = assetIds[key] { return id }
        let doing = "interning an asset"
        let row =
            contract.isEmpty
            ? try session.query(
                "SELECT id, decimals::bigint FROM assets WHERE chain = $1 AND contract = '' AND symbol IS NOT DISTINCT FROM $2",
                [.text(chain), .text(symbol)], doing: doing
            ).first
            : try session.query(
                "SELECT id, decimals::bigint FROM assets WHERE chain = $1 AND contract = $2",
                [.text(chain), .text(contract)], doing: doing
            ).first
        let id: Int64
        if let row {
            var c = PGColumns(row, doing: doing, path: path)
            id = try c.next(Int64.self)
            if let stored = try c.next(Int64?.self), let decimals, Int(stored) != decimals {
                throw StoreError(
                    .conflict,
                    "asset \(symbol ?? contract) on \(chain) is stored with \(stored) decimals, this input declares \(decimals): amounts would not be comparable (use --decimals \(stored))",
                    path: "")
            }
            if decimals != nil || name != nil {
                try begin()
                try session.execute(
                    """
                    UPDATE assets SET decimals = COALESCE(decimals, $1), name = COALESCE(name, $2),
                      symbol = COALESCE(symbol, $3) WHERE id = $4
                    """, [.int(decimals.map { Int64($0) }), .text(name), .text(symbol), .int(id)],
                    doing: doing)
            }
        } else {
            try begin()
            var next = try store.counts("SELECT COALESCE(MAX(id), 0) + 1 FROM assets", doing: doing)
            id = try next?.next(Int64.self) ?? 1
            try session.execute(
                "INSERT INTO assets (id, chain, symbol, contract, decimals, name) VALUES ($1, $2, $3, $4, $5, $6)",
                [
                    .int(id), .text(chain), .text(symbol), .text(contract), .int(decimals.map { Int64($0) }),
                    .text(name),
                ], doing: doing)
            summary.newAssets += 1
        }
        assetIds[key] = id
        return id
    }

    public func contractAsset(chain: String, contract: String, symbol: String?, decimals: Int?, name: String?)
        throws -> Int64
    {
        throw PostgresStore.unsupported("token assets (Ethereum ingest)", path: path)
    }

    /// Inserts one ledger transfer (the bulk path is `write(_:assetIds:chain:source:)`); on-chain
    /// kinds need Ethereum ingest, which this backend does not do yet.
    public func append(_ t: TransferRecord, source: Int64) throws {
        guard t.kind == .ledger else {
            throw PostgresStore.unsupported("Ethereum transfers", path: path)
        }
        try begin()
        try session.execute(
            """
            INSERT INTO transfers (id, kind, tx, seq, from_id, to_id, asset_id, amount, time, block, status, source_id, line)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::numeric, $9, $10, $11, $12, $13)
            """,
            [
                .int(nextTransferId), .int(t.kind.rawValue), .text(t.tx), .int(t.seq), .int(t.from),
                .int(t.to),
                .int(t.asset), .numeric(t.amount.decimalString), .int(t.time), .int(t.block),
                .int(t.status.map { $0 ? 1 : 0 }), .int(source), .int(t.line),
            ], doing: "inserting a transfer")
        nextTransferId += 1
        summary.transfers += 1
    }

    public func ledgerInterner() throws -> LedgerInterner {
        var ids: [String: Int64] = [:]
        let doing = "reading the addresses"
        for row in try session.query("SELECT id, address FROM addresses", doing: doing) {
            var c = PGColumns(row, doing: doing, path: path)
            let id = try c.next(Int64.self)
            ids[try c.next(String.self)] = id
        }
        return LedgerInterner(ids: ids, nextId: nextAddressId)
    }

    /// Streams the chunk's new addresses and its rows into the open transaction with two COPYs.
    public func write(_ chunk: LedgerChunk, assetIds: [Int64], chain: String, source: Int64) throws {
        try begin()
        if !chunk.newAddresses.isEmpty {
            var text = COPYText()
            let kind = String(AccountKind.ledger)
            for (id, address) in chunk.newAddresses {
                text.field(id)
                text.field(address)
                text.field(chain)
                text.field(kind)
                text.raw("\\\\x", last: true)
            }
            try session.copy(
                table: "addresses", columns: ["id", "address", "chain", "kind", "program"], data: text.bytes,
                doing: "copying addresses")
            nextAddressId = max(nextAddressId, (chunk.newAddresses.last?.id ?? 0) + 1)
            summary.newAddresses += chunk.newAddresses.count
        }
        guard !chunk.rows.isEmpty else { return }
        var text = COPYText()
        text.bytes.reserveCapacity(chunk.rows.count * 80)
        let kind = String(TransferKind.ledger.rawValue)
        let sourceText = String(source)
        var id = nextTransferId
        for r in chunk.rows {
            text.field(id)
            text.raw(kind)
            if let tx = chunk.tx(of: r) { text.field(tx) } else { text.null() }
            text.field(r.seq)
            text.field(r.from)
            text.field(r.to)
            text.field(assetIds[Int(r.asset)])
            text.raw(r.amount.decimalString)
            text.field(r.time)
            text.null()
            text.raw("1")
            text.raw(sourceText)
            text.field(r.line, last: true)
            id += 1
        }
        try session.copy(
            table: "transfers",
            columns: [
                "id", "kind", "tx", "seq", "from_id", "to_id", "asset_id", "amount", "time", "block",
                "status",
                "source_id", "line",
            ], data: text.bytes, doing: "copying transfers")
        nextTransferId = id
        summary.transfers += chunk.rows.count
    }
}

extension PostgresTransferWriter: StoredTransferAmender {
    public func hasOnChainTransfers() throws -> Bool {
        let rows = try session.query(
            "SELECT EXISTS (SELECT 1 FROM transfers WHERE kind < 4)", doing: "reading transfers")
        return try rows.first?.decodeColumn(0, Bool.self, doing: "reading transfers", path: path) ?? false
    }
    public func transferTime(tx: String) throws -> Int64? {
        throw PostgresStore.unsupported("Ethereum receipts", path: path)
    }
    public func setStatus(tx: String, success: Bool) throws {
        throw PostgresStore.unsupported("Ethereum receipts", path: path)
    }
    public func setCreatedContract(tx: String, to: Int64) throws {
        throw PostgresStore.unsupported("Ethereum receipts", path: path)
    }
    public func addFee(tx: String, amount: UInt256, source: Int64, line: Int64?) throws -> Int {
        throw PostgresStore.unsupported("Ethereum receipts", path: path)
    }
}

extension PostgresTransferWriter: EventLogSink {
    public func append(log: EventLog, address: Int64, source: Int64) throws -> Bool {
        throw PostgresStore.unsupported("Ethereum logs", path: path)
    }
    public func logs(tx: String) throws -> [EventLog] {
        throw PostgresStore.unsupported("Ethereum logs", path: path)
    }
    public func replaceConversions(tx: String, _ records: [ConversionRecord], source: Int64) throws -> Int {
        throw PostgresStore.unsupported("DeFi conversions", path: path)
    }
}

extension PostgresStore: TransferStore {
    /// Runs `body` with the transfer writer under the writer lock; on an error the open chunk is
    /// rolled back (committed chunks stay), and the indexes are built either way.
    public func withTransferWriter(_ body: (PostgresTransferWriter) throws -> Void) throws -> TransferSummary
    {
        let lock = try lockForWriting()
        defer { withExtendedLifetime(lock) {} }
        let writer = try PostgresTransferWriter(store: self)
        do {
            try body(writer)
            try writer.finish()
        } catch {
            writer.rollback()
            try? writer.finish()
            throw error
        }
        return writer.summary
    }
}

/// Rows in COPY's text format: tab-separated fields, `\N` for NULL, backslash escapes.
struct COPYText {
    var bytes: [UInt8] = []

    mutating func separator(_ last: Bool) { bytes.append(last ? 0x0A : 0x09) }

    mutating func null(last: Bool = false) {
        bytes.append(0x5C)
        bytes.append(0x4E)
        separator(last)
    }

    /// A field already in COPY's text form (digits, an escape).
    mutating func raw(_ text: String, last: Bool = false) {
        bytes.append(contentsOf: text.utf8)
        separator(last)
    }

    mutating func field(_ value: Int64?, last: Bool = false) {
        if let value { raw(String(value), last: last) } else { null(last: last) }
    }

    mutating func field(_ text: String, last: Bool = false) {
        for b in text.utf8 {
            switch b {
            case 0x5C:
                bytes.append(0x5C)
                bytes.append(0x5C)
            case 0x09:
                bytes.append(0x5C)
                bytes.append(0x74)
            case 0x0A:
                bytes.append(0x5C)
                bytes.append(0x6E)
            case 0x0D:
                bytes.append(0x5C)
                bytes.append(0x72)
            default: bytes.append(b)
            }
        }
        separator(last)
    }
}
