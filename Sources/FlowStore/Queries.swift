public import FlowModel
import Foundation
import GRDB

extension GraphStore {
    /// Counts of what the store holds on its main chain.
    public func stats() throws(StoreError) -> StoreStats {
        try read("reading counts") { db in
            let main = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*), COALESCE(SUM(tx_count), 0), MIN(height), MAX(height) FROM blocks WHERE in_main_chain = 1
                    """)
            let orphaned =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blocks WHERE in_main_chain = 0") ?? 0
            // No count here scans a table of the chain: inputs and outputs are summed per block
            // (written with each block), and address ids are dense (never deleted, each new one
            // MAX(id) + 1), so the largest id is the count. Unresolved inputs are the entries of
            // a partial index.
            // A database opened read-only before its migration to per-block counts is scanned.
            let perBlock = try db.columns(in: "blocks").contains { $0.name == "input_count" }
            let io = try Row.fetchOne(
                db,
                sql: perBlock
                    ? """
                    SELECT COALESCE(SUM(input_count), 0), COALESCE(SUM(output_count), 0) FROM blocks
                    WHERE in_main_chain = 1
                    """
                    : """
                    SELECT COALESCE(SUM(t.input_count), 0), COALESCE(SUM(t.output_count), 0)
                    FROM blocks b JOIN transactions t ON t.id BETWEEN b.first_tx_id AND b.first_tx_id + b.tx_count - 1
                    WHERE b.in_main_chain = 1
                    """)
            let addresses = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM addresses") ?? 0
            let unresolved =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM inputs i INDEXED BY inputs_unresolved
                        WHERE i.spent_output_id IS NULL AND i.prev_txid IS NOT NULL
                          AND NOT EXISTS (SELECT 1 FROM prevouts p WHERE p.input_id = i.id)
                        """
                ) ?? 0
            let known = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prevouts") ?? 0
            let networks = try String.fetchAll(
                db, sql: "SELECT DISTINCT network FROM blocks ORDER BY network")
            var stats = StoreStats(
                blocks: main?[0] ?? 0, orphanedBlocks: orphaned, transactions: main?[1] ?? 0,
                inputs: io?[0] ?? 0,
                outputs: io?[1] ?? 0, addresses: addresses, minHeight: main?[2], maxHeight: main?[3],
                unresolvedInputs: unresolved, networks: networks, knownPrevoutInputs: known)
            stats.transfers = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM transfers") ?? 0
            // Assets in use (BTC and ETH exist in every database).
            stats.assets =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM assets a WHERE EXISTS (SELECT 1 FROM transfers t WHERE t.asset_id = a.id)
                          OR (a.id = 1 AND EXISTS (SELECT 1 FROM blocks))
                        """) ?? 0
            stats.tags = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tags") ?? 0
            if stats.transfers > 0 {
                // On-chain kinds (0-3) are Ethereum's. Block rewards are internal rows keyed by their trace id, not a transaction: the
                // value, token and fee rows name every transaction.
                let eth = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(DISTINCT block), COUNT(DISTINCT CASE WHEN kind != 1 THEN tx END),
                          MIN(block), MAX(block)
                        FROM transfers WHERE kind < 4
                        """)
                stats.ethereumBlocks = eth?[0] ?? 0
                stats.ethereumTransactions = eth?[1] ?? 0
                stats.ethereumMinBlock = eth?[2]
                stats.ethereumMaxBlock = eth?[3]
                let ledger = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(DISTINCT tx) + SUM(tx IS NULL), COUNT(*) FROM transfers WHERE kind = 4
                        """)
                stats.ledgerTransactions = ledger?[0] ?? 0
                stats.ledgerTransfers = ledger?[1] ?? 0
            }
            return stats
        }
    }

    /// The transaction with `txid` (its main-chain copy when it was confirmed in several forks).
    public func transaction(_ txid: Hash256) throws(StoreError) -> TransactionDetail? {
        try read("reading a transaction") { db in
            guard
                let tx = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT t.id, t.txid, t.wtxid, b.hash, b.height, b.time, b.in_main_chain, t.position, t.size, t.weight,
                          t.version, t.locktime, t.is_coinbase, t.fee, t.output_value, t.first_input_id, t.input_count,
                          t.first_output_id, t.output_count
                        FROM transactions t JOIN blocks b ON b.id = t.block_id
                        WHERE t.txid = ? ORDER BY b.in_main_chain DESC, t.id DESC LIMIT 1
                        """, arguments: [Data(txid.displayBytes)])
            else { return nil }
            let coinbase = (tx[12] as Int64) != 0
            let inputs = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.prev_txid, i.prev_vout, COALESCE(o.value, p.value), COALESCE(a.address, pa.address),
                      i.sequence, pt.txid
                    FROM inputs i LEFT JOIN outputs o ON o.id = i.spent_output_id
                    LEFT JOIN addresses a ON a.id = o.address_id LEFT JOIN transactions pt ON pt.id = o.tx_id
                    LEFT JOIN prevouts p ON p.input_id = i.id AND i.spent_output_id IS NULL
                    LEFT JOIN addresses pa ON pa.id = p.address_id
                    WHERE i.id BETWEEN ? AND ? ORDER BY i.id
                    """, arguments: [tx[15] as Int64, (tx[15] as Int64) + (tx[16] as Int64) - 1]
            ).map { row -> InputDetail in
                let prev = row.optionalBytes(5) ?? row.optionalBytes(0)
                return InputDetail(
                    prevTxid: coinbase ? nil : prev.flatMap { Hash256(displayBytes: $0)?.hex },
                    prevVout: row[1], value: row[2], address: row[3], sequence: row[4], coinbase: coinbase)
            }
            let outputs = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.n, o.value, o.type, a.address,
                      (SELECT st.txid FROM inputs si JOIN transactions st ON st.id = si.tx_id JOIN blocks sb ON sb.id = st.block_id
                       WHERE si.spent_output_id = o.id ORDER BY sb.in_main_chain DESC, si.id LIMIT 1)
                    FROM outputs o LEFT JOIN addresses a ON a.id = o.address_id
                    WHERE o.id BETWEEN ? AND ? ORDER BY o.id
                    """, arguments: [tx[17] as Int64, (tx[17] as Int64) + (tx[18] as Int64) - 1]
            ).map { row -> OutputDetail in
                OutputDetail(
                    n: row[0], value: row[1],
                    type: ScriptType(rawValue: UInt8(truncatingIfNeeded: row[2] as Int64))?.coreName
                        ?? "nonstandard",
                    address: row[3], spentBy: row.optionalBytes(4).flatMap { Hash256(displayBytes: $0)?.hex })
            }
            let txidHex = Hash256(displayBytes: tx.bytes(1))?.hex ?? ""
            let fee: Int64? = tx[13]
            let outputValue: Int64 = tx[14]
            // No stored wtxid means "same as the txid", unless the weight shows witness data: then
            // the source had no witness bytes (bitcoin-etl) and the wtxid is unknown ("").
            let size: Int64 = tx[8]
            let weight: Int64 = tx[9]
            let sameAsTxid = weight == 4 * size ? txidHex : ""
            return TransactionDetail(
                txid: txidHex,
                wtxid: tx.optionalBytes(2).flatMap { Hash256(displayBytes: $0)?.hex } ?? sameAsTxid,
                blockHash: Hash256(displayBytes: tx.bytes(3))?.hex ?? "", blockHeight: tx[4],
                blockTime: tx[5],
                inMainChain: (tx[6] as Int64) != 0, position: tx[7], size: tx[8], weight: tx[9],
                version: tx[10],
                locktime: tx[11], coinbase: coinbase, fee: fee, inputValue: fee.map { $0 + outputValue },
                outputValue: outputValue, inputs: inputs, outputs: outputs)
        }
    }

    /// Received, sent, balance and activity of `address` over the main chain; nil when unknown.
    public func address(_ text: String) throws(StoreError) -> AddressSummary? {
        try read("reading an address") { db in
            guard
                let a = try Row.fetchOne(
                    db, sql: "SELECT id, address, chain FROM addresses WHERE address = ?", arguments: [text])
            else { return nil }
            let id: Int64 = a[0]
            // Outputs paying the address, and inputs spending them, on the main chain.
            let received = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(o.value), 0), COUNT(*) FROM outputs o JOIN transactions t ON t.id = o.tx_id
                    JOIN blocks b ON b.id = t.block_id WHERE o.address_id = ? AND b.in_main_chain = 1
                    """, arguments: [id])
            // Spent: the address's outputs spent by main-chain inputs.
            let sent = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(o.value), 0), COUNT(*) FROM outputs o JOIN inputs i ON i.spent_output_id = o.id
                    JOIN transactions t ON t.id = i.tx_id JOIN blocks b ON b.id = t.block_id
                    WHERE o.address_id = ? AND b.in_main_chain = 1
                    """, arguments: [id])
            let activity = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(DISTINCT tx_id), MIN(time), MAX(time), MIN(height), MAX(height) FROM (
                      SELECT o.tx_id AS tx_id FROM outputs o WHERE o.address_id = ?1
                      UNION SELECT i.tx_id FROM outputs o JOIN inputs i ON i.spent_output_id = o.id WHERE o.address_id = ?1
                    ) x JOIN transactions t ON t.id = x.tx_id JOIN blocks b ON b.id = t.block_id WHERE b.in_main_chain = 1
                    """, arguments: [id])
            // Outputs not in the store that a source said the address had, spent by main-chain
            // inputs (`prevouts` rows exist only for unresolved inputs, so nothing counts twice):
            // they were received and sent, so they count in both and leave the balance alone.
            let known = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(p.value), 0), COUNT(*), COUNT(DISTINCT i.tx_id), MIN(b.time), MAX(b.time),
                      MIN(b.height), MAX(b.height)
                    FROM prevouts p JOIN inputs i ON i.id = p.input_id JOIN transactions t ON t.id = i.tx_id
                    JOIN blocks b ON b.id = t.block_id
                    WHERE p.address_id = ? AND b.in_main_chain = 1
                    """, arguments: [id])
            let k: Int64 = known?[0] ?? 0
            let r: Int64 = (received?[0] ?? 0) + k
            let s: Int64 = (sent?[0] ?? 0) + k
            var txCount: Int = activity?[0] ?? 0
            var firstTime: Int64? = activity?[1]
            var lastTime: Int64? = activity?[2]
            var firstHeight: Int? = activity?[3]
            var lastHeight: Int? = activity?[4]
            let knownCount: Int = known?[1] ?? 0
            if knownCount > 0 {
                // Count each spending transaction once, even when it also touches stored outputs.
                txCount =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(DISTINCT tx_id) FROM (
                              SELECT o.tx_id AS tx_id FROM outputs o WHERE o.address_id = ?1
                              UNION SELECT i.tx_id FROM outputs o JOIN inputs i ON i.spent_output_id = o.id WHERE o.address_id = ?1
                              UNION SELECT i.tx_id FROM prevouts p JOIN inputs i ON i.id = p.input_id WHERE p.address_id = ?1
                            ) x JOIN transactions t ON t.id = x.tx_id JOIN blocks b ON b.id = t.block_id WHERE b.in_main_chain = 1
                            """, arguments: [id]) ?? txCount
                func least<T: Comparable>(_ a: T?, _ b: T?) -> T? {
                    a.map { x in b.map { min(x, $0) } ?? x } ?? b
                }
                func most<T: Comparable>(_ a: T?, _ b: T?) -> T? {
                    a.map { x in b.map { max(x, $0) } ?? x } ?? b
                }
                firstTime = least(firstTime, known?[3])
                lastTime = most(lastTime, known?[4])
                firstHeight = least(firstHeight, known?[5])
                lastHeight = most(lastHeight, known?[6])
            }
            return AddressSummary(
                address: a[1], chain: a[2], received: r, sent: s, balance: r - s, txCount: txCount,
                outputCount: (received?[1] ?? 0) + knownCount, spentOutputCount: (sent?[1] ?? 0) + knownCount,
                firstSeenTime: firstTime, lastSeenTime: lastTime, firstSeenHeight: firstHeight,
                lastSeenHeight: lastHeight)
        }
    }

    /// Per-table row counts and content checksums, for comparing two databases built from the
    /// same input (the `runs` table and the wall-clock columns of others are left out).
    public func contentFingerprint() throws(StoreError) -> [String: String] {
        // Wall-clock columns (started_at, finished_at, imported_at) differ between an interrupted
        // and an uninterrupted run: `contentFingerprint(tables:ignoring:)` leaves them out.
        try contentFingerprint(
            tables: [
                "blocks", "transactions", "inputs", "outputs", "addresses", "prevouts", "transfers", "assets",
                "sources", "tags",
            ], ignoring: [])
    }
}

/// 64-bit FNV-1a over strings: a cheap, stable content checksum.
struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(_ s: String) {
        for b in s.utf8 {
            value ^= UInt64(b)
            value = value &* 0x100_0000_01b3
        }
        value ^= 0x0a
        value = value &* 0x100_0000_01b3
    }
}

/// Fee figures of one block, as Bitcoin Core's `getblockstats` reports them.
public struct BlockFees: Sendable, Equatable {
    public var height: Int?
    public var transactions: Int
    /// Inputs of non-coinbase transactions, and outputs of all (as `getblockstats` counts them).
    public var inputs: Int
    public var outputs: Int
    public var totalFee: Int64?
    public var minFee: Int64?
    public var maxFee: Int64?
    /// Output value of non-coinbase transactions.
    public var totalOut: Int64
}

extension GraphStore {
    /// Fee figures of the block with `hash` (nil fees when some input value is unknown).
    public func blockFees(_ hash: Hash256) throws(StoreError) -> BlockFees {
        try read("reading block fees") { db in
            guard
                let b = try Row.fetchOne(
                    db, sql: "SELECT id, height, first_tx_id, tx_count FROM blocks WHERE hash = ?",
                    arguments: [Data(hash.displayBytes)])
            else { throw StoreError(.notFound, "no block \(hash)", path: path) }
            let first: Int64 = b[2]
            let count: Int64 = b[3]
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*), COALESCE(SUM(input_count), 0), COALESCE(SUM(fee), 0), COALESCE(MIN(fee), 0),
                      COALESCE(MAX(fee), 0), COALESCE(SUM(output_value), 0), COUNT(fee)
                    FROM transactions WHERE id BETWEEN ? AND ? AND is_coinbase = 0
                    """, arguments: [first, first + count - 1])
            let outputs =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COALESCE(SUM(output_count), 0) FROM transactions WHERE id BETWEEN ? AND ?",
                    arguments: [first, first + count - 1]) ?? 0
            let nonCoinbase: Int = row?[0] ?? 0
            let known: Int = row?[6] ?? 0
            let complete = known == nonCoinbase
            return BlockFees(
                height: b[1], transactions: Int(count), inputs: row?[1] ?? 0, outputs: outputs,
                totalFee: complete ? row?[2] : nil, minFee: complete ? row?[3] : nil,
                maxFee: complete ? row?[4] : nil, totalOut: row?[5] ?? 0)
        }
    }

    /// Transactions that break value conservation: all inputs known, yet the sum of the spent
    /// outputs' values (or, for an input whose spent output is not stored, the value a source
    /// stated in `prevouts`) is not the sum of the outputs plus the stored fee, or the fee is
    /// negative. Recomputed from the rows, independently of the writer's running sums.
    public func conservationViolations() throws(StoreError) -> [String] {
        try read("checking value conservation") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.txid, t.fee,
                      (SELECT SUM(COALESCE(o.value, p.value)) FROM inputs i LEFT JOIN outputs o ON o.id = i.spent_output_id
                       LEFT JOIN prevouts p ON p.input_id = i.id AND i.spent_output_id IS NULL
                       WHERE i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1) AS spent,
                      (SELECT SUM(o.value) FROM outputs o
                       WHERE o.id BETWEEN t.first_output_id AND t.first_output_id + t.output_count - 1) AS paid,
                      (SELECT COUNT(COALESCE(o.value, p.value)) FROM inputs i LEFT JOIN outputs o ON o.id = i.spent_output_id
                       LEFT JOIN prevouts p ON p.input_id = i.id AND i.spent_output_id IS NULL
                       WHERE i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1) = t.input_count
                    FROM transactions t WHERE t.is_coinbase = 0 AND t.fee IS NOT NULL
                    """)
            return rows.compactMap { row in
                // A fee a source stated while some input's value is unknown cannot be checked.
                guard row[4] as Bool? ?? false else { return nil }
                let fee: Int64 = row[1]
                let spent: Int64 = row[2] ?? -1
                let paid: Int64 = row[3] ?? 0
                if fee >= 0 && spent == paid + fee { return nil }
                return
                    "\(Hash256(displayBytes: row.bytes(0))?.hex ?? "?"): inputs \(spent) != outputs \(paid) + fee \(fee)"
            }
        }
    }
}

extension GraphStore {
    /// Records the start of a command run against this database; returns the run id.
    public func startRun(command: String, parameters: String) throws(StoreError) -> Int64 {
        try write("recording the run") { db in
            try db.execute(
                sql: """
                    INSERT INTO runs (command, parameters, started_at, status)
                    VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'running')
                    """, arguments: [command, parameters])
            return db.lastInsertedRowID
        }
    }

    /// Records how a run ended: `status` is `ok` or `failed`, `summary` a JSON text.
    public func finishRun(_ id: Int64, status: String, summary: String) throws(StoreError) {
        try write("recording the run") { db in
            try db.execute(
                sql: """
                    UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), status = ?, summary = ? WHERE id = ?
                    """, arguments: [status, summary, id])
        }
    }
}
