public import FlowModel
public import FlowStore
import Foundation
import PostgresNIO

/// The case database on a PostgreSQL server: the second implementation of the store contract.
///
/// Opened from a `postgresql://` URL (`PostgresURL`); the schema is migrated on open for writing
/// (`PostgresSchema`). Writers take a session-level advisory lock, so one ingest writes at a time
/// (as SQLite's writer lock file), readers never wait. What this backend does not do yet throws
/// `StoreError.Code.unsupported` naming the operation (PostgresStore+Unsupported.swift).
public final class PostgresStore: @unchecked Sendable {
    /// The URL less its password.
    public let path: String
    public let readOnly: Bool
    let url: PostgresURL
    let session: PostgresSession
    private let state = NSLock()
    private var partition: (k: Int, n: Int)?

    /// The partition (K of N) the `aml run` on this store checks: its alerts are stored with
    /// the run marked as that partition, which never moves the incremental high-water mark.
    public var amlPartition: (k: Int, n: Int)? {
        get {
            state.lock()
            defer { state.unlock() }
            return partition
        }
        set {
            state.lock()
            partition = newValue
            state.unlock()
        }
    }

    /// Keys of the advisory locks (`pg_advisory_lock`): the writer, and the migration.
    static let writerLockKey: Int64 = 0x6368_6169_6e66_6c77
    static let migrationLockKey: Int64 = 0x6368_6169_6e66_6d67

    /// Connects; `create` migrates the schema (making a new database a chainflow one), else the
    /// database must hold chainflow's schema already.
    public init(url: PostgresURL, readOnly: Bool, create: Bool) throws(StoreError) {
        self.url = url
        self.path = url.description
        self.readOnly = readOnly
        self.session = try PostgresSession.connect(url)
        if !readOnly {
            if !create, try !PostgresSchema.isChainflowDatabase(session) {
                throw notChainflow()
            }
            try PostgresSchema.migrate(session)
        } else if try !PostgresSchema.isChainflowDatabase(session) {
            throw notChainflow()
        }
    }

    /// What a worker process started for this database needs in its environment to connect as
    /// this one did (the password, when there is one, goes there rather than into arguments).
    public func childEnvironment() -> [String: String] {
        url.password.map { ["PGPASSWORD": $0] } ?? [:]
    }

    func notChainflow() -> StoreError {
        StoreError(
            .cannotOpen,
            "this database holds no chainflow data; create it with `chainflow ingest --db \(path) FILE…`",
            path: path)
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    /// Whether the database holds no transfers, addresses or sources (a failed first ingest).
    public func holdsNoData() throws(StoreError) -> Bool {
        let rows = try session.query(
            "SELECT NOT EXISTS (SELECT 1 FROM sources) AND NOT EXISTS (SELECT 1 FROM addresses)",
            doing: "reading counts")
        return try rows.first?.decodeColumn(0, Bool.self, doing: "reading counts", path: path) ?? true
    }

    /// Takes the writer lock for the life of the session, or says another writer holds it.
    public func lockForWriting() throws(StoreError) -> PostgresWriterLock {
        let rows = try session.query(
            "SELECT pg_try_advisory_lock(\(Self.writerLockKey))", doing: "taking the writer lock")
        guard try rows.first?.decodeColumn(0, Bool.self, doing: "taking the writer lock", path: path) == true
        else {
            throw StoreError(
                .busy,
                "another chainflow process is writing to this database; wait for it to finish (readers are not blocked)",
                path: path)
        }
        return PostgresWriterLock(store: self)
    }

    /// Counts of one statement's single row.
    func counts(_ sql: String, doing: String) throws(StoreError) -> PGColumns? {
        guard let row = try session.query(sql, doing: doing).first else { return nil }
        return PGColumns(row, doing: doing, path: path)
    }
}

/// The writer lock on a PostgreSQL database: released when this value goes (or the session ends).
public final class PostgresWriterLock: @unchecked Sendable {
    let store: PostgresStore
    init(store: PostgresStore) { self.store = store }
    deinit {
        _ = try? store.session.query(
            "SELECT pg_advisory_unlock(\(PostgresStore.writerLockKey))", doing: "releasing the writer lock")
    }
}

extension PostgresStore: RunRecorder {
    public func startRun(command: String, parameters: String) throws(StoreError) -> Int64 {
        let rows = try session.query(
            """
            INSERT INTO runs (command, parameters, started_at, status)
            VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'running') RETURNING id
            """, [.text(command), .text(parameters)], doing: "recording the run")
        guard let id = try rows.first?.decodeColumn(0, Int64.self, doing: "recording the run", path: path)
        else {
            throw StoreError(.io, "recording the run returned no id", path: path)
        }
        return id
    }

    public func finishRun(_ id: Int64, status: String, summary: String) throws(StoreError) {
        try session.execute(
            """
            UPDATE runs SET finished_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
              status = $1, summary = $2 WHERE id = $3
            """, [.text(status), .text(summary), .int(id)], doing: "recording the run")
    }
}

// MARK: Reading

extension PostgresStore {
    /// Counts of what the store holds, as SQLite's `stats()` counts them.
    public func stats() throws(StoreError) -> StoreStats {
        let doing = "reading counts"
        var main = try counts(
            """
            SELECT COUNT(*)::bigint, COALESCE(SUM(tx_count), 0)::bigint, MIN(height), MAX(height)
            FROM blocks WHERE in_main_chain = 1
            """, doing: doing)
        var orphaned = try counts("SELECT COUNT(*)::bigint FROM blocks WHERE in_main_chain = 0", doing: doing)
        var io = try counts(
            """
            SELECT COALESCE(SUM(t.input_count), 0)::bigint, COALESCE(SUM(t.output_count), 0)::bigint
            FROM blocks b JOIN transactions t ON t.id BETWEEN b.first_tx_id AND b.first_tx_id + b.tx_count - 1
            WHERE b.in_main_chain = 1
            """, doing: doing)
        var addresses = try counts("SELECT COUNT(*)::bigint FROM addresses", doing: doing)
        var unresolved = try counts(
            """
            SELECT COUNT(*)::bigint FROM inputs i WHERE i.spent_output_id IS NULL AND i.prev_txid IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM prevouts p WHERE p.input_id = i.id)
            """, doing: doing)
        var known = try counts("SELECT COUNT(*)::bigint FROM prevouts", doing: doing)
        var networks: [String] = []
        for row in try session.query("SELECT DISTINCT network FROM blocks ORDER BY network", doing: doing) {
            networks.append(try row.decodeColumn(0, String.self, doing: doing, path: path))
        }
        let blocks = try main?.next(Int64.self) ?? 0
        let txs = try main?.next(Int64.self) ?? 0
        let minHeight = try main?.next(Int64?.self)
        let maxHeight = try main?.next(Int64?.self)
        var stats = StoreStats(
            blocks: Int(blocks), orphanedBlocks: Int(try orphaned?.next(Int64.self) ?? 0),
            transactions: Int(txs),
            inputs: Int(try io?.next(Int64.self) ?? 0), outputs: Int(try io?.next(Int64.self) ?? 0),
            addresses: Int(try addresses?.next(Int64.self) ?? 0), minHeight: minHeight.map { Int($0) },
            maxHeight: maxHeight.map { Int($0) },
            unresolvedInputs: Int(try unresolved?.next(Int64.self) ?? 0),
            networks: networks, knownPrevoutInputs: Int(try known?.next(Int64.self) ?? 0))
        var transfers = try counts("SELECT COUNT(*)::bigint FROM transfers", doing: doing)
        stats.transfers = Int(try transfers?.next(Int64.self) ?? 0)
        var assets = try counts(
            """
            SELECT COUNT(*)::bigint FROM assets a WHERE EXISTS (SELECT 1 FROM transfers t WHERE t.asset_id = a.id)
              OR (a.id = 1 AND EXISTS (SELECT 1 FROM blocks))
            """, doing: doing)
        stats.assets = Int(try assets?.next(Int64.self) ?? 0)
        var tags = try counts("SELECT COUNT(*)::bigint FROM tags", doing: doing)
        stats.tags = Int(try tags?.next(Int64.self) ?? 0)
        if stats.transfers > 0 {
            var eth = try counts(
                """
                SELECT COUNT(DISTINCT block)::bigint, COUNT(DISTINCT CASE WHEN kind != 1 THEN tx END)::bigint,
                  MIN(block), MAX(block)
                FROM transfers WHERE kind < 4
                """, doing: doing)
            stats.ethereumBlocks = Int(try eth?.next(Int64.self) ?? 0)
            stats.ethereumTransactions = Int(try eth?.next(Int64.self) ?? 0)
            stats.ethereumMinBlock = try eth?.next(Int64?.self).map { Int($0) }
            stats.ethereumMaxBlock = try eth?.next(Int64?.self).map { Int($0) }
            var ledger = try counts(
                """
                SELECT (COUNT(DISTINCT tx) + COALESCE(SUM(CASE WHEN tx IS NULL THEN 1 ELSE 0 END), 0))::bigint,
                  COUNT(*)::bigint
                FROM transfers WHERE kind = 4
                """, doing: doing)
            stats.ledgerTransactions = Int(try ledger?.next(Int64.self) ?? 0)
            stats.ledgerTransfers = Int(try ledger?.next(Int64.self) ?? 0)
        }
        return stats
    }

    /// Every transfer row of transaction `id`, ordered by kind and position (as SQLite's).
    public func accountTransaction(_ id: String) throws(StoreError) -> AccountTransactionRows? {
        let doing = "reading a transaction's transfers"
        let rows = try session.query(
            """
            SELECT t.kind::bigint, t.seq, fa.address, ta.address, s.id, s.chain, s.symbol, s.contract,
              s.decimals::bigint, t.amount::text, t.time, t.block, t.status::bigint, t.line, t.token_id::text
            FROM transfers t LEFT JOIN addresses fa ON fa.id = t.from_id
            LEFT JOIN addresses ta ON ta.id = t.to_id JOIN assets s ON s.id = t.asset_id
            WHERE t.tx = $1 ORDER BY t.kind, t.seq, t.id
            """, [.text(id)], doing: doing)
        guard !rows.isEmpty else { return nil }
        var out: [AccountTransferRow] = []
        for row in rows {
            var c = PGColumns(row, doing: doing, path: path)
            guard let kind = TransferKind(rawValue: try c.next(Int64.self)) else { continue }
            let seq = try c.next(Int64.self)
            let from = try c.next(String?.self)
            let to = try c.next(String?.self)
            let asset = TraceAsset(
                id: try c.next(Int64.self), chain: try c.next(String.self), symbol: try c.next(String?.self),
                contract: try c.next(String.self), decimals: try c.next(Int64?.self).map { Int($0) })
            let amount = UInt256(decimal: try c.next(String.self)) ?? .zero
            let time = try c.next(Int64.self)
            let block = try c.next(Int64?.self)
            let status = try c.next(Int64?.self)
            let line = try c.next(Int64?.self)
            let tokenId = try c.next(String?.self).flatMap { UInt256(decimal: $0) }
            out.append(
                AccountTransferRow(
                    kind: kind, seq: seq, from: from, to: to, asset: asset, amount: amount, time: time,
                    block: block, status: status, line: line, tokenId: tokenId))
        }
        return AccountTransactionRows(id: id, rows: out)
    }
}
