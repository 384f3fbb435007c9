public import FlowModel
import Foundation
import GRDB

/// Formats the address text of a key on a network (injected: the codec lives in FlowIngest).

/// The single writer of an ingest run: inserts the rows a `BitcoinPlanner` planned, one batch
/// per SQLite transaction, so every block is written atomically; at the end builds indexes,
/// resolves what the planner could not and selects the main chain.
///
/// Use: `store.withWriter { planner, writer in … try writer.write(planner.plan(…)); try writer.commit() … }`;
/// `finish()` runs when the closure returns.
public final class BitcoinWriter {
    let db: Database
    let path: String
    public private(set) var summary = WriteSummary()
    private var inTransaction = false
    /// Transactions whose fee may have become computable through `prevouts` rows written for
    /// already stored inputs.
    private var feeCandidates: [Int64] = []

    private let insertBlock: BulkStatement
    private let addBlockCounts: BulkStatement
    private let insertTx: BulkStatement
    private let insertInput: BulkStatement
    private let insertOutput: BulkStatement
    private let insertAddress: BulkStatement
    private let insertOutputs: BulkStatement
    private let insertInputs: BulkStatement
    private let insertTxs: BulkStatement
    private let insertAddresses: BulkStatement
    private let insertPrevout: BulkStatement

    /// Rows per multi-row INSERT: one statement execution per this many rows saves SQLite's
    /// per-execution setup (cursor open, transaction checks) for the big tables.
    static let rowsPerInsert = 16

    static func multiRow(_ head: String, columns: Int, rows: Int) -> String {
        head + " VALUES "
            + (0..<rows).map { r in
                "(" + (1...columns).map { "?\(r * columns + $0)" }.joined(separator: ", ") + ")"
            }.joined(separator: ", ")
    }

    init(db: Database, path: String) throws {
        self.db = db
        self.path = path
        insertBlock = try BulkStatement(
            db,
            """
            INSERT INTO blocks (id, hash, prev_hash, network, version, merkle_root, time, bits, nonce, size,
              stripped_size, weight, tx_count, first_tx_id, coinbase_height, work, source_file, source_offset,
              height, input_count, output_count)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
            """)
        addBlockCounts = try BulkStatement(
            db,
            "UPDATE blocks SET input_count = input_count + ?1, output_count = output_count + ?2 WHERE id = ?3"
        )
        insertTx = try BulkStatement(
            db,
            """
            INSERT INTO transactions (txid, wtxid, block_id, position, version, locktime, size, weight,
              is_coinbase, input_count, output_count, first_input_id, first_output_id, output_value, fee)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
            """)
        insertInput = try BulkStatement(
            db,
            """
            INSERT INTO inputs (tx_id, n, prev_txid, prev_vout, sequence, spent_output_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        insertOutput = try BulkStatement(
            db,
            "INSERT INTO outputs (tx_id, n, value, type, address_id, script) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        )
        insertAddress = try BulkStatement(
            db, "INSERT INTO addresses (address, chain, kind, program) VALUES (?1, ?2, ?3, ?4)")
        // OR IGNORE: the first source to describe an input's prevout is kept.
        insertPrevout = try BulkStatement(
            db, "INSERT OR IGNORE INTO prevouts (input_id, value, type, address_id) VALUES (?1, ?2, ?3, ?4)")
        let k = Self.rowsPerInsert
        insertAddresses = try BulkStatement(
            db,
            Self.multiRow("INSERT INTO addresses (address, chain, kind, program)", columns: 4, rows: k))
        insertOutputs = try BulkStatement(
            db,
            Self.multiRow(
                "INSERT INTO outputs (tx_id, n, value, type, address_id, script)", columns: 6, rows: k))
        insertInputs = try BulkStatement(
            db,
            Self.multiRow(
                "INSERT INTO inputs (tx_id, n, prev_txid, prev_vout, sequence, spent_output_id)",
                columns: 6, rows: k))
        insertTxs = try BulkStatement(
            db,
            Self.multiRow(
                """
                INSERT INTO transactions (txid, wtxid, block_id, position, version, locktime, size, weight,
                  is_coinbase, input_count, output_count, first_input_id, first_output_id, output_value, fee)
                """, columns: 15, rows: k))
    }

    /// Fails the batch (it is rolled back) if SQLite's rowids drifted from the planned ids, which
    /// would mean another writer changed the table during the run.
    private func expectLastRowid(_ expected: Int64, _ table: String) throws {
        let actual = db.lastInsertedRowID
        guard actual == expected else {
            throw StoreError(
                .io,
                "\(table): row ids drifted (expected \(expected), got \(actual)); was the database written by another process during the ingest?",
                path: path)
        }
    }

    /// Inserts `rows` through the multi-row statement in chunks, and the rest one by one.
    private func insertAll<Row>(
        _ rows: [Row], multi: BulkStatement, single: BulkStatement, columns: Int32,
        bind: (BulkStatement, Int32, Int, Row) -> Void
    ) throws {
        let k = Self.rowsPerInsert
        var i = 0
        while i + k <= rows.count {
            for r in 0..<k { bind(multi, Int32(r) * columns, i + r, rows[i + r]) }
            try multi.run()
            i += k
        }
        while i < rows.count {
            bind(single, 0, i, rows[i])
            try single.run()
            i += 1
        }
    }

    /// Inserts a planned batch inside the current SQLite transaction (opened when needed); each
    /// table's rows go in increasing id order, the B-tree's cheap append path.
    public func write(_ batch: PlannedBatch) throws {
        summary.blocksSkipped += batch.skippedBlocks
        guard !batch.blocks.isEmpty || !batch.prevouts.isEmpty else { return }
        if !inTransaction {
            try db.execute(sql: "BEGIN IMMEDIATE")
            inTransaction = true
        }
        // Each block's input and output count, from its transactions in this batch (a block's
        // transactions planned in a later batch than the block row are added to the stored row).
        var counts: [Int64: (inputs: Int64, outputs: Int64)] = [:]
        for t in batch.transactions {
            counts[t.blockId, default: (0, 0)].inputs += Int64(t.inputCount)
            counts[t.blockId, default: (0, 0)].outputs += Int64(t.outputCount)
        }
        for row in batch.blocks {
            let b = row.block
            let s = insertBlock
            let io = counts.removeValue(forKey: row.id) ?? (0, 0)
            s.bind(20, io.inputs)
            s.bind(21, io.outputs)
            s.bind(1, row.id)
            bindHash(s, 2, b.hash)
            bindHash(s, 3, b.header.prevHash)
            s.bind(4, text: b.network.rawValue)
            s.bind(5, Int64(b.header.version))
            bindHash(s, 6, b.header.merkleRoot)
            s.bind(7, Int64(b.header.time))
            s.bind(8, Int64(b.header.bits))
            s.bind(9, Int64(b.header.nonce))
            s.bind(10, b.size)
            s.bind(11, b.strippedSize)
            s.bind(12, b.weight)
            s.bind(13, b.txCount)
            s.bind(14, row.firstTxId)
            s.bind(15, b.coinbaseHeight.map(Int64.init))
            s.bind(16, blob: row.work)
            s.bind(17, text: row.sourceFile)
            s.bind(18, row.sourceOffset)
            s.bind(19, b.declaredHeight.map(Int64.init))
            try s.run()
        }
        for (blockId, io) in counts.sorted(by: { $0.key < $1.key }) {
            addBlockCounts.bind(1, io.inputs)
            addBlockCounts.bind(2, io.outputs)
            addBlockCounts.bind(3, blockId)
            try addBlockCounts.run()
        }
        // Rows of these tables take SQLite's next rowid, which is the id the planner assigned
        // (dense, from MAX(id) + 1): inserting without the id skips a uniqueness seek per row.
        // Each table's last rowid is checked against the plan.
        if let first = batch.addresses.first {
            try insertAll(batch.addresses, multi: insertAddresses, single: insertAddress, columns: 4) {
                s, b, _, a in
                s.bind(b + 1, text: a.text)
                s.bind(b + 2, text: BitcoinPlanner.chainName(ofFamily: a.family))
                s.bind(b + 3, Int64(a.key.kind))
                s.bind(b + 4, blob: a.key.program)
            }
            try expectLastRowid(first.id + Int64(batch.addresses.count) - 1, "addresses")
        }
        if !batch.outputs.isEmpty {
            try insertAll(batch.outputs, multi: insertOutputs, single: insertOutput, columns: 6) {
                s, b, _, o in
                s.bind(b + 1, o.txId)
                s.bind(b + 2, Int64(o.n))
                s.bind(b + 3, o.value)
                s.bind(b + 4, Int64(o.type))
                s.bind(b + 5, o.addressId)
                if let script = o.script { s.bind(b + 6, blob: script) } else { s.bindNull(b + 6) }
            }
            try expectLastRowid(batch.firstOutputId + Int64(batch.outputs.count) - 1, "outputs")
        }
        if !batch.inputs.isEmpty {
            try insertAll(batch.inputs, multi: insertInputs, single: insertInput, columns: 6) { s, b, _, r in
                s.bind(b + 1, r.txId)
                s.bind(b + 2, Int64(r.n))
                if let prev = r.prevTxid { bindHash(s, b + 3, prev) } else { s.bindNull(b + 3) }
                s.bind(b + 4, r.prevVout.map(Int64.init))
                s.bind(b + 5, Int64(r.sequence))
                s.bind(b + 6, r.spentOutputId)
            }
            try expectLastRowid(batch.firstInputId + Int64(batch.inputs.count) - 1, "inputs")
        }
        for p in batch.prevouts {
            let s = insertPrevout
            s.bind(1, p.inputId)
            s.bind(2, p.value)
            s.bind(3, p.type.map(Int64.init))
            s.bind(4, p.addressId)
            try s.run()
        }
        feeCandidates += batch.feeCandidates
        if let last = batch.transactions.last {
            try insertAll(batch.transactions, multi: insertTxs, single: insertTx, columns: 15) { s, b, _, t in
                bindHash(s, b + 1, t.txid)
                if let w = t.wtxid { bindHash(s, b + 2, w) } else { s.bindNull(b + 2) }
                s.bind(b + 3, t.blockId)
                s.bind(b + 4, Int64(t.position))
                s.bind(b + 5, Int64(t.version))
                s.bind(b + 6, Int64(t.locktime))
                s.bind(b + 7, Int64(t.size))
                s.bind(b + 8, Int64(t.weight))
                s.bind(b + 9, t.coinbase ? 1 : 0)
                s.bind(b + 10, Int64(t.inputCount))
                s.bind(b + 11, Int64(t.outputCount))
                s.bind(b + 12, t.firstInputId)
                s.bind(b + 13, t.firstOutputId)
                s.bind(b + 14, t.outputValue)
                s.bind(b + 15, t.fee)
            }
            try expectLastRowid(last.id, "transactions")
        }
        summary.blocksAdded += batch.blocks.count
        summary.transactions += batch.transactions.count
        summary.inputs += batch.inputs.count
        summary.outputs += batch.outputs.count
        summary.newAddresses += batch.addresses.count
    }

    /// Stored inputs that spend one of `outpoints` and are neither resolved nor described by a
    /// `prevouts` row yet: `outpoint` is the index into `outpoints`.
    public func unresolvedInputs(spending outpoints: [(txid: Hash256, vout: UInt32)]) throws -> [(
        outpoint: Int, inputId: Int64, txId: Int64
    )] {
        guard !outpoints.isEmpty else { return [] }
        let find = try db.makeStatement(
            sql: """
                SELECT i.id, i.tx_id FROM inputs i INDEXED BY inputs_unresolved
                WHERE i.prev_txid = ? AND i.prev_vout = ? AND i.spent_output_id IS NULL AND i.prev_txid IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM prevouts p WHERE p.input_id = i.id)
                ORDER BY i.id
                """)
        var out: [(outpoint: Int, inputId: Int64, txId: Int64)] = []
        for (k, o) in outpoints.enumerated() {
            let rows = try Row.fetchAll(find, arguments: [Data(o.txid.displayBytes), Int64(o.vout)])
            for row in rows { out.append((k, row[0], row[1])) }
        }
        return out
    }

    /// Records a note for the run's report: something read but not stored, and why.
    public func note(_ text: String) { summary.notes.append(text) }

    /// Builds the secondary indexes that are missing, in one transaction. (Switching to a
    /// rollback journal for the build was measured slower: leaving WAL checkpoints it first.)
    private func buildIndexes() throws {
        try Schema.buildMissing(Schema.secondaryIndexes, in: db)
    }

    /// Commits the blocks written since the last commit: they are now durable together.
    public func commit() throws {
        if inTransaction {
            try db.execute(sql: "COMMIT")
            inTransaction = false
        }
    }

    /// Abandons the blocks written since the last commit.
    func rollback() {
        if inTransaction {
            try? db.execute(sql: "ROLLBACK")
            inTransaction = false
        }
    }

    /// Builds secondary indexes, resolves inputs whose funding transaction is now known, selects
    /// the chain with the most work and computes the fees that became computable.
    public func finish() throws {
        try commit()
        var t = ContinuousClock.now
        func lap() -> Double {
            let now = ContinuousClock.now
            defer { t = now }
            let d = now - t
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        try buildIndexes()
        summary.indexSeconds = lap()
        try db.execute(sql: "BEGIN IMMEDIATE")
        inTransaction = true
        var chain = try ChainSelector.update(db)
        if try ChainSelector.linkHeightOnly(db) > 0 {
            chain = try ChainSelector.update(db)
        }
        summary.orphanedBlocks = chain.orphaned
        summary.chainSeconds = lap()
        summary.lateResolvedInputs = try Resolver.resolvePending(db)
        try Resolver.repointOrphanedSpends(db)
        if !feeCandidates.isEmpty {
            try Resolver.computeFees(db, transactions: Array(Set(feeCandidates)).sorted())
            feeCandidates = []
        }
        summary.resolveSeconds = lap()
        let known = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prevouts") ?? 0
        summary.knownPrevoutInputs = known
        summary.unresolvedInputs =
            try Int.fetchOne(
                db,
                sql: known == 0
                    ? "SELECT COUNT(*) FROM inputs WHERE spent_output_id IS NULL AND prev_txid IS NOT NULL"
                    : """
                    SELECT COUNT(*) FROM inputs i INDEXED BY inputs_unresolved
                    WHERE i.spent_output_id IS NULL AND i.prev_txid IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM prevouts p WHERE p.input_id = i.id)
                    """
            ) ?? 0
        try commit()
    }
}

/// Binds a hash in display order (as explorers print it), the form the database stores.
@inline(__always)
func bindHash(_ s: BulkStatement, _ i: Int32, _ h: Hash256) {
    var words = (
        h.w3.byteSwapped.littleEndian, h.w2.byteSwapped.littleEndian, h.w1.byteSwapped.littleEndian,
        h.w0.byteSwapped.littleEndian
    )
    withUnsafeBytes(of: &words) { s.bind(i, blob: $0) }
}

extension GraphStore {
    /// Runs one ingest: `body` plans batches with the planner (on any one thread at a time) and
    /// writes and commits them with the writer (on this thread); on return the writer finishes
    /// (indexes, late prevouts, main chain). Blocks committed before an error stay in the store;
    /// the uncommitted batch is rolled back.
    /// Blocks stored without a previous hash (a source that gives only their height) are linked
    /// to a parent stored later.
    public func withWriter(
        _ body: (BitcoinPlanner, BitcoinWriter) throws -> Void
    ) throws -> WriteSummary {
        let lock = try WriterLock.acquire(database: path)
        defer { withExtendedLifetime(lock) {} }
        do {
            return try queue.writeWithoutTransaction { db in
                let planner = try BitcoinPlanner(db: db)
                let writer = try BitcoinWriter(db: db, path: path)
                do {
                    try body(planner, writer)
                    try writer.finish()
                } catch {
                    writer.rollback()
                    // Keep what was committed consistent: indexes, resolution, chain.
                    if !(error is DatabaseError) { try? writer.finish() }
                    throw error
                }
                return writer.summary
            }
        } catch let error as DatabaseError {
            throw StoreError.wrap(error, path: path, doing: "writing blocks")
        }
    }
}
