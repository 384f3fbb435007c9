public import FlowModel
import Foundation
import GRDB

extension Schema {
    /// AML alerts with their evidence, and the rule runs with the high-water mark an incremental
    /// run starts from.
    static let v4Alerts = """
        CREATE TABLE aml_runs (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id),
            rules TEXT NOT NULL,
            report_from INTEGER,
            report_until INTEGER,
            max_transfer_id INTEGER NOT NULL,
            transfers INTEGER NOT NULL,
            alerts INTEGER NOT NULL,
            new_alerts INTEGER NOT NULL,
            finished_at TEXT NOT NULL
        );

        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            fingerprint TEXT NOT NULL UNIQUE,
            rule TEXT NOT NULL,
            typology TEXT NOT NULL,
            severity INTEGER NOT NULL,
            score INTEGER NOT NULL,
            window_start INTEGER NOT NULL,
            window_end INTEGER NOT NULL,
            asset_id INTEGER REFERENCES assets(id),
            amount NOT NULL,
            explanation TEXT NOT NULL,
            evidence TEXT NOT NULL,
            first_run_id INTEGER NOT NULL REFERENCES aml_runs(run_id),
            last_run_id INTEGER NOT NULL REFERENCES aml_runs(run_id)
        );
        CREATE INDEX alerts_by_window ON alerts(window_end);

        CREATE TABLE alert_addresses (
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            address_id INTEGER NOT NULL REFERENCES addresses(id),
            subject INTEGER NOT NULL,
            PRIMARY KEY (alert_id, address_id)
        ) WITHOUT ROWID;
        CREATE INDEX alert_addresses_by_address ON alert_addresses(address_id);

        CREATE TABLE alert_transfers (
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            transfer_id INTEGER NOT NULL REFERENCES transfers(id),
            PRIMARY KEY (alert_id, transfer_id)
        ) WITHOUT ROWID;

        CREATE TABLE alert_transactions (
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            tx_id INTEGER NOT NULL REFERENCES transactions(id),
            PRIMARY KEY (alert_id, tx_id)
        ) WITHOUT ROWID;
        """
}

/// An alert as stored: everything the `alerts` row and its evidence tables hold.
public struct StoredAlert: Sendable, Equatable {
    /// Identity across runs: the same rule over the same evidence gives the same fingerprint.
    public var fingerprint: String
    public var rule: String
    public var typology: String
    public var severity: Int
    public var score: Int
    public var windowStart: Int64
    public var windowEnd: Int64
    public var assetId: Int64?
    public var amount: UInt256
    public var explanation: String
    /// The alert's JSON document (as `chainflow aml run` writes it).
    public var evidence: String
    public var subjectIds: [Int64]
    public var addressIds: [Int64]
    public var transferIds: [Int64]
    public var transactionIds: [Int64]

    public init(
        fingerprint: String, rule: String, typology: String, severity: Int, score: Int, windowStart: Int64,
        windowEnd: Int64, assetId: Int64?, amount: UInt256, explanation: String, evidence: String,
        subjectIds: [Int64], addressIds: [Int64], transferIds: [Int64], transactionIds: [Int64]
    ) {
        self.fingerprint = fingerprint
        self.rule = rule
        self.typology = typology
        self.severity = severity
        self.score = score
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.assetId = assetId
        self.amount = amount
        self.explanation = explanation
        self.evidence = evidence
        self.subjectIds = subjectIds
        self.addressIds = addressIds
        self.transferIds = transferIds
        self.transactionIds = transactionIds
    }
}

/// The last finished rule run: what an incremental run starts after.
public struct AmlRunMark: Sendable, Equatable {
    public var runId: Int64
    public var maxTransferId: Int64
    public var reportUntil: Int64?
    /// The rule file's text (or "default") of that run.
    public var rules: String = ""
    /// Each enabled rule's signature (its parameters and the shared settings) in that run; empty
    /// for runs recorded before signatures were.
    public var ruleSignatures: [String: String] = [:]

    public init(
        runId: Int64, maxTransferId: Int64, reportUntil: Int64?, rules: String = "",
        ruleSignatures: [String: String] = [:]
    ) {
        self.runId = runId
        self.maxTransferId = maxTransferId
        self.reportUntil = reportUntil
        self.rules = rules
        self.ruleSignatures = ruleSignatures
    }
}

/// One account-model transfer's identity, for evidence.
public struct TransferIdentity: Sendable, Equatable {
    public var tx: String?
    public var seq: Int64
    public var line: Int64?
    public var kind: Int64

    public init(tx: String?, seq: Int64, line: Int64?, kind: Int64) {
        self.tx = tx
        self.seq = seq
        self.line = line
        self.kind = kind
    }
}

extension GraphStore {
    /// Loads the transfers that moved value (no fee rows, no failed transactions) with a time in
    /// `from...until` into a snapshot sorted by (time, id), with assets and tag categories.
    public func transferSnapshot(from: Int64, until: Int64) throws(StoreError) -> TransferSnapshot {
        try read("loading transfers for the rule pass") { db in
            var s = TransferSnapshot()
            var addressIds: [Int64] = []
            var assetIds: [Int64] = []
            var fromIds: [Int64] = []
            var toIds: [Int64] = []
            var maxTime = Int64.min
            try SQLiteScan.run(
                db,
                """
                SELECT id, from_id, to_id, asset_id, amount, time FROM transfers
                WHERE kind <> 3 AND (status IS NULL OR status <> 0) AND from_id IS NOT NULL AND to_id IS NOT NULL
                  AND time BETWEEN ? AND ?
                ORDER BY id
                """, [from, until]
            ) { r in
                let amount: UInt256
                if r.isBlob(4) {
                    guard let big = UInt256(bigEndianBytes: r.bytes(4)) else {
                        throw StoreError(.io, "transfer \(r.int(0)): unreadable amount", path: path)
                    }
                    amount = big
                } else {
                    amount = UInt256(UInt64(max(0, r.int(4))))
                }
                let t = r.int(5)
                maxTime = max(maxTime, t)
                s.transferIds.append(r.int(0))
                fromIds.append(r.int(1))
                toIds.append(r.int(2))
                assetIds.append(r.int(3))
                s.amount.append(amount)
                s.time.append(t)
            }
            addressIds = Array(Set(fromIds).union(toIds)).sorted()
            s.addressIds = addressIds
            // Dense ids: a direct table when ids are compact, else a dictionary.
            let maxId = addressIds.last ?? 0
            if maxId < 64_000_000 {
                var dense = [UInt32](repeating: 0, count: Int(maxId) + 1)
                for (k, id) in addressIds.enumerated() { dense[Int(id)] = UInt32(k) }
                s.from = fromIds.map { dense[Int($0)] }
                s.to = toIds.map { dense[Int($0)] }
            } else {
                var dense: [Int64: UInt32] = [:]
                for (k, id) in addressIds.enumerated() { dense[id] = UInt32(k) }
                s.from = fromIds.map { dense[$0]! }
                s.to = toIds.map { dense[$0]! }
            }
            let usedAssets = Array(Set(assetIds)).sorted()
            var assetIndex: [Int64: UInt16] = [:]
            for (k, id) in usedAssets.enumerated() {
                assetIndex[id] = UInt16(k)
                let row = try Row.fetchOne(
                    db, sql: "SELECT symbol, decimals, contract FROM assets WHERE id = ?", arguments: [id])
                let contract: String? = row?["contract"]
                s.assets.append(
                    TransferSnapshot.AssetInfo(
                        id: id,
                        symbol: TraceAsset.displayName(
                            symbol: row?["symbol"], contract: contract ?? "", id: id),
                        decimals: row?["decimals"],
                        contract: contract?.isEmpty == false ? contract?.lowercased() : nil))
            }
            s.asset = assetIds.map { assetIndex[$0]! }
            let tagRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT a.id, t.category FROM tags t JOIN addresses a ON a.address = t.address
                    ORDER BY a.id, t.category
                    """)
            for row in tagRows {
                let id: Int64 = row[0]
                guard let k = binarySearch(addressIds, id) else { continue }
                s.tags[UInt32(k), default: []].append(row[1])
            }
            s.dataEnd = maxTime == .min ? until : maxTime
            s.sortByTime()
            return s
        }
    }

    /// Main-chain Bitcoin transactions with one input and two outputs whose block time is in
    /// `from...until`, for the peel-chain rule (empty when the store holds no Bitcoin data).
    /// CROSS JOIN fixes the join order: transactions drive, outputs are read by id range (left to
    /// itself SQLite scanned outputs and searched transactions for each, quadratic).
    public func peelSnapshot(from: Int64, until: Int64) throws(StoreError) -> PeelSnapshot {
        try read("loading transactions for the peel-chain rule") { db in
            var s = PeelSnapshot()
            var last: Int64 = -1
            try SQLiteScan.run(
                db,
                """
                SELECT t.id, b.time, o.n, o.value, o.address_id, (SELECT i.tx_id FROM inputs i WHERE i.spent_output_id = o.id),
                  (SELECT so.address_id FROM inputs fi JOIN outputs so ON so.id = fi.spent_output_id WHERE fi.id = t.first_input_id)
                FROM transactions t CROSS JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
                CROSS JOIN outputs o ON o.id BETWEEN t.first_output_id AND t.first_output_id + 1
                WHERE t.input_count = 1 AND t.output_count = 2 AND t.is_coinbase = 0 AND b.time BETWEEN ? AND ?
                ORDER BY t.id, o.id
                """, [from, until]
            ) { r in
                let id = r.int(0)
                if id != last {
                    s.txIds.append(id)
                    s.time.append(r.int(1))
                    s.inputAddress.append(r.int(6))
                    last = id
                }
                s.outputValue.append(r.int(3))
                s.outputAddress.append(r.int(4))
                s.spentBy.append(r.int(5))
            }
            return s
        }
    }

    /// The last finished `aml run` that covered everything new (no `--since`/`--until`; nil
    /// before the first): an explicit range does not move the high-water mark.
    public func lastAmlRun() throws(StoreError) -> AmlRunMark? {
        try read("reading rule runs") { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT a.run_id, a.max_transfer_id, a.report_until, a.rules,
                            json_extract(r.parameters, '$.rule_signatures')
                        FROM aml_runs a JOIN runs r ON r.id = a.run_id
                        WHERE json_extract(r.parameters, '$.since') IS NULL AND json_extract(r.parameters, '$.until') IS NULL
                        ORDER BY a.run_id DESC LIMIT 1
                        """)
            else { return nil }
            var mark = AmlRunMark(runId: row[0], maxTransferId: row[1], reportUntil: row[2], rules: row[3])
            if let json: String = row[4], let data = json.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
            {
                mark.ruleSignatures = object
            }
            return mark
        }
    }

    /// The largest transfer id, and the earliest time among transfers after `afterId`.
    public func transferMark(after afterId: Int64) throws(StoreError) -> (
        maxId: Int64, earliestNew: Int64?, latest: Int64?
    ) {
        try read("reading transfer ids") { db in
            let maxId = try Int64.fetchOne(db, sql: "SELECT max(id) FROM transfers") ?? 0
            let earliest = try Int64.fetchOne(
                db, sql: "SELECT min(time) FROM transfers WHERE id > ?", arguments: [afterId])
            let latest = try Int64.fetchOne(db, sql: "SELECT max(time) FROM transfers")
            return (maxId, earliest, latest)
        }
    }

    /// Stores a run's alerts: a new fingerprint adds the alert and its evidence rows, a known one
    /// only records that this run saw it again. Returns how many were new. One transaction, so a
    /// failed run stores nothing.
    public func storeAlerts(
        runId: Int64, alerts: [StoredAlert], rules: String, reportFrom: Int64?, reportUntil: Int64?,
        maxTransferId: Int64, transfers: Int
    ) throws(StoreError) -> Int {
        try write("storing alerts") { db in
            try db.inTransaction {
                let insert = try db.makeStatement(
                    sql: """
                        INSERT OR IGNORE INTO alerts (fingerprint, rule, typology, severity, score, window_start, window_end,
                            asset_id, amount, explanation, evidence, first_run_id, last_run_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let seen = try db.makeStatement(
                    sql: "UPDATE alerts SET last_run_id = ? WHERE fingerprint = ?")
                let address = try db.makeStatement(
                    sql:
                        "INSERT OR IGNORE INTO alert_addresses (alert_id, address_id, subject) VALUES (?, ?, ?)"
                )
                let transfer = try db.makeStatement(
                    sql: "INSERT OR IGNORE INTO alert_transfers (alert_id, transfer_id) VALUES (?, ?)")
                let transaction = try db.makeStatement(
                    sql: "INSERT OR IGNORE INTO alert_transactions (alert_id, tx_id) VALUES (?, ?)")
                try db.execute(
                    sql: """
                        INSERT INTO aml_runs (run_id, rules, report_from, report_until, max_transfer_id, transfers, alerts,
                            new_alerts, finished_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                        """,
                    arguments: [
                        runId, rules, reportFrom, reportUntil, maxTransferId, transfers, alerts.count,
                    ])
                var added = 0
                for a in alerts {
                    try insert.execute(arguments: [
                        a.fingerprint, a.rule, a.typology, a.severity, a.score, a.windowStart, a.windowEnd,
                        a.assetId,
                        AmountSQL.databaseValue(a.amount), a.explanation, a.evidence, runId, runId,
                    ])
                    guard db.changesCount > 0 else {
                        try seen.execute(arguments: [runId, a.fingerprint])
                        continue
                    }
                    added += 1
                    let id = db.lastInsertedRowID
                    let subjects = Set(a.subjectIds)
                    for addressId in Set(a.addressIds).union(subjects).sorted() {
                        try address.execute(arguments: [id, addressId, subjects.contains(addressId) ? 1 : 0])
                    }
                    for t in a.transferIds { try transfer.execute(arguments: [id, t]) }
                    for t in a.transactionIds { try transaction.execute(arguments: [id, t]) }
                }
                try db.execute(
                    sql: "UPDATE aml_runs SET new_alerts = ? WHERE run_id = ?", arguments: [added, runId])
                return .commit
            }
            return try Int.fetchOne(
                db, sql: "SELECT new_alerts FROM aml_runs WHERE run_id = ?", arguments: [runId]) ?? 0
        }
    }

    /// Which of these fingerprints are stored already.
    public func knownAlerts(_ fingerprints: [String]) throws(StoreError) -> Set<String> {
        try read("reading alerts") { db in
            let statement = try db.makeStatement(sql: "SELECT 1 FROM alerts WHERE fingerprint = ?")
            var known = Set<String>()
            for f in fingerprints where try Int.fetchOne(statement, arguments: [f]) != nil { known.insert(f) }
            return known
        }
    }

    /// Store ids of address texts (texts not stored are left out).
    public func addressIds(texts: some Sequence<String>) throws(StoreError) -> [String: Int64] {
        try read("reading addresses") { db in
            let statement = try db.makeStatement(sql: "SELECT id FROM addresses WHERE address = ?")
            var out: [String: Int64] = [:]
            for t in Set(texts) { out[t] = try Int64.fetchOne(statement, arguments: [t]) }
            return out
        }
    }

    /// The account-model transfer ids (no fee rows) of each transaction id given.
    public func transferIds(tx: some Sequence<String>) throws(StoreError) -> [String: [Int64]] {
        try read("reading transfers") { db in
            let statement = try db.makeStatement(sql: "SELECT id FROM transfers WHERE tx = ? AND kind <> 3")
            var out: [String: [Int64]] = [:]
            for t in Set(tx) {
                let ids = try Int64.fetchAll(statement, arguments: [t])
                if !ids.isEmpty { out[t] = ids }
            }
            return out
        }
    }

    /// How many alerts are stored (all runs).
    public func alertCount() throws(StoreError) -> Int {
        try read("counting alerts") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM alerts") ?? 0 }
    }

    /// Stored alert documents, in window order, optionally only those at or above `severity`.
    public func storedAlertDocuments(minSeverity: Int = 0, limit: Int = 1_000) throws(StoreError) -> [String]
    {
        try read("reading alerts") { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT evidence FROM alerts WHERE severity >= ? ORDER BY window_start, window_end, rule, fingerprint LIMIT ?
                    """, arguments: [minSeverity, limit])
        }
    }

    /// Identity (tx, seq, source line, kind) of transfers by id.
    public func transferIdentities(_ ids: [Int64]) throws(StoreError) -> [Int64: TransferIdentity] {
        try read("reading transfers") { db in
            let statement = try db.makeStatement(
                sql: "SELECT tx, seq, line, kind FROM transfers WHERE id = ?")
            var out: [Int64: TransferIdentity] = [:]
            for id in Set(ids) {
                if let row = try Row.fetchOne(statement, arguments: [id]) {
                    out[id] = TransferIdentity(tx: row[0], seq: row[1], line: row[2], kind: row[3])
                }
            }
            return out
        }
    }
}

private func binarySearch(_ sorted: [Int64], _ value: Int64) -> Int? {
    var lo = 0
    var hi = sorted.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
    }
    return lo < sorted.count && sorted[lo] == value ? lo : nil
}
