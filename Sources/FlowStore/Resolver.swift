import FlowModel
import Foundation
import GRDB

/// Links inputs to the outputs they spend when that could not be done in memory during the run:
/// the funding transaction came later in the files, or in another run.
enum Resolver {
    /// Resolves every pending input whose funding transaction is now stored, preferring a copy of
    /// that transaction on the main chain, then the latest stored. Fees of transactions whose
    /// inputs are now all known are computed. A resolved input's `prevouts` row (what a source
    /// said it spends) is dropped: the stored output is the fact. Returns the number of inputs
    /// resolved.
    static func resolvePending(_ db: Database) throws -> Int {
        var pending = try Row.fetchAll(
            db,
            sql: """
                SELECT id, tx_id, prev_txid, prev_vout FROM inputs INDEXED BY inputs_unresolved
                WHERE spent_output_id IS NULL AND prev_txid IS NOT NULL
                """)
        guard !pending.isEmpty else { return 0 }
        pending.sort { ($0[0] as Int64) < ($1[0] as Int64) }
        let find = try db.makeStatement(
            sql: """
                SELECT t.first_output_id, t.output_count FROM transactions t JOIN blocks b ON b.id = t.block_id
                WHERE t.txid = ? ORDER BY b.in_main_chain DESC, t.id DESC LIMIT 1
                """)
        let update = try db.makeStatement(
            sql:
                "UPDATE inputs SET spent_output_id = ?, prev_txid = NULL WHERE id = ?"
        )
        // Only a store that holds known prevouts pays for dropping them.
        let dropPrevout =
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM prevouts)") == true
            ? try db.makeStatement(sql: "DELETE FROM prevouts WHERE input_id = ?") : nil
        var resolved = 0
        var touched = Set<Int64>()
        for row in pending {
            let prevTxid = row[2] as Data? ?? Data()
            let vout: Int64 = row[3]
            guard let funding = try Row.fetchOne(find, arguments: [prevTxid]) else { continue }
            let first: Int64 = funding[0]
            let count: Int64 = funding[1]
            guard vout >= 0, vout < count else { continue }
            try update.execute(arguments: [first + vout, row[0] as Int64])
            try dropPrevout?.execute(arguments: [row[0] as Int64])
            touched.insert(row[1])
            resolved += 1
        }
        try computeFees(db, transactions: touched.sorted())
        return resolved
    }

    /// Sets the fee of each listed transaction whose inputs all have a known value: a stored
    /// spent output, or else a `prevouts` row.
    static func computeFees(_ db: Database, transactions: [Int64]) throws {
        guard !transactions.isEmpty else { return }
        let withPrevouts = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM prevouts)") == true
        let sums = try db.makeStatement(
            sql: withPrevouts
                ? """
                SELECT t.output_value, t.is_coinbase, COUNT(COALESCE(i.spent_output_id, p.input_id)), COUNT(*),
                  SUM(COALESCE(o.value, p.value))
                FROM transactions t JOIN inputs i ON i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1
                LEFT JOIN outputs o ON o.id = i.spent_output_id LEFT JOIN prevouts p ON p.input_id = i.id
                WHERE t.id = ?
                """
                : """
                SELECT t.output_value, t.is_coinbase, COUNT(i.spent_output_id), COUNT(*), SUM(o.value)
                FROM transactions t JOIN inputs i ON i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1
                LEFT JOIN outputs o ON o.id = i.spent_output_id
                WHERE t.id = ?
                """)
        let update = try db.makeStatement(sql: "UPDATE transactions SET fee = ? WHERE id = ?")
        for tx in transactions {
            guard let row = try Row.fetchOne(sums, arguments: [tx]) else { continue }
            let coinbase: Int64 = row[1]
            let resolved: Int64 = row[2]
            let total: Int64 = row[3]
            guard coinbase == 0, resolved == total, let inputs: Int64 = row[4] else { continue }
            let outputs: Int64 = row[0]
            try update.execute(arguments: [inputs - outputs, tx])
        }
    }

    /// Inputs that spend an output of a transaction in an orphaned block are moved to the same
    /// transaction's copy on the main chain, when there is one (a transaction confirmed in both
    /// forks has the same txid and outputs).
    static func repointOrphanedSpends(_ db: Database) throws {
        // (The CROSS JOINs fix the join order: from the few orphaned blocks outwards.)
        guard
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM blocks WHERE in_main_chain = 0)") == true
        else {
            return
        }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT i.id, t.txid, o.n FROM blocks b
                CROSS JOIN transactions t ON t.id BETWEEN b.first_tx_id AND b.first_tx_id + b.tx_count - 1
                CROSS JOIN outputs o ON o.id BETWEEN t.first_output_id AND t.first_output_id + t.output_count - 1
                CROSS JOIN inputs i ON i.spent_output_id = o.id
                WHERE b.in_main_chain = 0 ORDER BY i.id
                """)
        guard !rows.isEmpty else { return }
        let find = try db.makeStatement(
            sql: """
                SELECT t.first_output_id FROM transactions t JOIN blocks b ON b.id = t.block_id
                WHERE t.txid = ? AND b.in_main_chain = 1 ORDER BY t.id DESC LIMIT 1
                """)
        let update = try db.makeStatement(sql: "UPDATE inputs SET spent_output_id = ? WHERE id = ?")
        for row in rows {
            let txid = row[1] as Data? ?? Data()
            guard let first = try Int64.fetchOne(find, arguments: [txid]) else { continue }
            let n: Int64 = row[2]
            try update.execute(arguments: [first + n, row[0] as Int64])
        }
    }
}
