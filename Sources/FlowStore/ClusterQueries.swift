public import FlowModel
import Foundation
import GRDB

/// How an address joined its cluster, as recorded (nil fields for a cluster's own id).
public struct StoredLink: Sendable, Equatable {
    public var record: LinkRecord
    public var runId: Int64?
}

/// One transaction touching a cluster, with every input and output labelled by cluster id
/// (an address without a cluster row is its own cluster).
public struct ClusterFlowTransaction: Sendable, Equatable {
    public var txId: Int64
    public var inputs: [(cluster: UInt32, value: Int64)]
    public var outputs: [(cluster: UInt32, value: Int64)]
    /// An input's value is unknown (its spent output is not stored).
    public var incomplete: Bool
    /// A coinbase: its outputs are newly mined coins (it has no inputs listed).
    public var coinbase: Bool

    public static func == (a: Self, b: Self) -> Bool {
        a.txId == b.txId && a.incomplete == b.incomplete && a.coinbase == b.coinbase
            && a.inputs.elementsEqual(b.inputs, by: ==)
            && a.outputs.elementsEqual(b.outputs, by: ==)
    }
}

extension GraphStore {
    /// The cluster of `address` (nil when the address is unknown). An address no run has
    /// clustered is a cluster of its own.
    public func clusterMembership(_ address: String) throws(StoreError) -> ClusterMembership? {
        try read("reading a cluster") { db in
            // A database last opened by a build without clusters (read-only opens do not migrate).
            guard try Self.hasClusterTables(db) else { return nil }
            guard
                let a = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT a.id, a.address, COALESCE(c.cluster_id, a.id) FROM addresses a
                        LEFT JOIN clusters c ON c.address_id = a.id WHERE a.address = ?
                        """, arguments: [address])
            else { return nil }
            let clusterId: Int64 = a[2]
            let size =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM clusters WHERE cluster_id = ?", arguments: [clusterId])
                ?? 0
            let root =
                try String.fetchOne(
                    db, sql: "SELECT address FROM addresses WHERE id = ?", arguments: [clusterId]) ?? ""
            return ClusterMembership(
                addressId: a[0], address: a[1], clusterId: clusterId, clusterAddress: root, size: max(size, 1)
            )
        }
    }

    /// Whether any clustering run has completed on this database.
    public func hasClusterRun() throws(StoreError) -> Bool {
        try read("reading cluster runs") { db in
            try Self.hasClusterTables(db)
                && (try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM cluster_runs)") ?? false)
        }
    }

    static func hasClusterTables(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'cluster_runs')")
            ?? false
    }

    /// Addresses of a cluster in id order, `limit` from `offset`.
    public func clusterMembers(_ clusterId: Int64, limit: Int, offset: Int) throws(StoreError) -> [String] {
        try read("reading cluster members") { db in
            let members = try String.fetchAll(
                db,
                sql: """
                    SELECT a.address FROM clusters c JOIN addresses a ON a.id = c.address_id
                    WHERE c.cluster_id = ? ORDER BY c.address_id LIMIT ? OFFSET ?
                    """, arguments: [clusterId, limit, offset])
            if members.isEmpty && offset == 0 {
                return try String.fetchAll(
                    db, sql: "SELECT address FROM addresses WHERE id = ?", arguments: [clusterId])
            }
            return members
        }
    }

    /// Tags of any member of a cluster, with the member they are attached to.
    public func clusterTags(_ clusterId: Int64, limit: Int = 200) throws(StoreError) -> [TagRecord] {
        try read("reading cluster tags") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT t.address, t.label, t.category, t.source, t.confidence FROM addresses a
                    JOIN tags t ON t.address = a.address
                    WHERE a.id IN (SELECT address_id FROM clusters WHERE cluster_id = ?1) OR a.id = ?1
                    ORDER BY t.category, t.label, t.address, t.source LIMIT ?2
                    """, arguments: [clusterId, limit]
            ).map {
                TagRecord(address: $0[0], label: $0[1], category: $0[2], source: $0[3], confidence: $0[4])
            }
        }
    }

    /// What a cluster's members received and sent in Bitcoin outputs on the main chain (value
    /// moving between members counts in both, which leaves the balance right).
    public func clusterBitcoinTotals(_ clusterId: Int64) throws(StoreError) -> ClusterBitcoinTotals {
        try read("reading cluster totals") { db in
            let members = "(SELECT address_id FROM clusters WHERE cluster_id = ?1 UNION SELECT ?1)"
            let received = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(o.value), 0), COUNT(*), COUNT(DISTINCT o.tx_id) FROM outputs o
                    JOIN transactions t ON t.id = o.tx_id JOIN blocks b ON b.id = t.block_id
                    WHERE o.address_id IN \(members) AND b.in_main_chain = 1
                    """, arguments: [clusterId])
            let sent = try Int64.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(o.value), 0) FROM outputs o JOIN inputs i ON i.spent_output_id = o.id
                    JOIN transactions t ON t.id = i.tx_id JOIN blocks b ON b.id = t.block_id
                    WHERE o.address_id IN \(members) AND b.in_main_chain = 1
                    """, arguments: [clusterId])
            return ClusterBitcoinTotals(
                received: received?[0] ?? 0, sent: sent ?? 0, outputs: received?[1] ?? 0,
                transactions: received?[2] ?? 0)
        }
    }

    /// The stored merge record of an address (nil for a cluster's id or an unclustered address).
    public func clusterLink(_ addressId: Int64) throws(StoreError) -> StoredLink? {
        try read("reading a cluster link") { db in try Self.link(db, addressId) }
    }

    static func link(_ db: Database, _ addressId: Int64) throws -> StoredLink? {
        guard
            let r = try Row.fetchOne(
                db,
                sql: """
                    SELECT parent_id, parent_side, child_side, heuristic, COALESCE(tx_id, transfer_id), seq, run_id
                    FROM clusters WHERE address_id = ? AND parent_id IS NOT NULL
                    """, arguments: [addressId]),
            let h = LinkHeuristic(rawValue: UInt8(truncatingIfNeeded: r[3] as Int64))
        else { return nil }
        return StoredLink(
            record: LinkRecord(
                address: UInt32(truncatingIfNeeded: addressId),
                parent: UInt32(truncatingIfNeeded: r[0] as Int64),
                parentSide: UInt32(truncatingIfNeeded: r[1] as Int64),
                childSide: UInt32(truncatingIfNeeded: r[2] as Int64), heuristic: h, evidence: r[4],
                sequence: r[5]),
            runId: r[6])
    }

    /// Runs `body` with a lookup of merge records in one read transaction (for explanations).
    public func withLinkLookup<T>(_ body: ((UInt32) throws -> StoredLink?) throws -> T) throws(StoreError)
        -> T
    {
        try read("reading cluster links") { db in
            try body { id in try Self.link(db, Int64(id)) }
        }
    }

    /// Address texts of ids.
    public func addressTexts(_ ids: [Int64]) throws(StoreError) -> [Int64: String] {
        try read("reading addresses") { db in
            let statement = try db.makeStatement(sql: "SELECT address FROM addresses WHERE id = ?")
            var out: [Int64: String] = [:]
            for id in Set(ids) { out[id] = try String.fetchOne(statement, arguments: [id]) }
            return out
        }
    }

    /// The id of an address text.
    public func addressId(_ address: String) throws(StoreError) -> Int64? {
        try read("reading an address") { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM addresses WHERE address = ?", arguments: [address])
        }
    }

    /// The evidence behind one link between `from` and `to`.
    public func linkEvidence(
        heuristic: LinkHeuristic, evidence: Int64, from: Int64, to: Int64, maxBlocks: Int64 = 3200
    ) throws(StoreError) -> LinkEvidence {
        try read("reading link evidence") { db in
            if heuristic == .depositAddress {
                guard
                    let t = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT t.tx, t.block, t.time, t.to_id, amount_text(t.amount), t.asset_id,
                              asset_name(a.symbol, a.contract, a.id)
                            FROM transfers t JOIN assets a ON a.id = t.asset_id WHERE t.id = ?
                            """, arguments: [evidence])
                else { return LinkEvidence(tx: "?") }
                var e = LinkEvidence(tx: t[0] ?? "?")
                e.height = t[1]
                e.time = t[2]
                e.depositAmount = t[4]
                e.asset = t[6]
                let deposit: Int64 = t[3]
                e.depositAddress = try String.fetchOne(
                    db, sql: "SELECT address FROM addresses WHERE id = ?", arguments: [deposit])
                if let f = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT f.tx, amount_text(f.amount), f.block, a.address FROM transfers f
                        JOIN cluster_deposits d ON d.address_id = f.from_id AND d.exchange_id = f.to_id
                        JOIN addresses a ON a.id = f.to_id
                        WHERE f.from_id = ? AND f.asset_id = ? AND f.block BETWEEN ? AND ? AND f.status IS NOT 0
                        ORDER BY f.block, f.id LIMIT 1
                        """,
                    arguments: [
                        deposit, t[5] as Int64, t[1] as Int64? ?? 0, (t[1] as Int64? ?? 0) + maxBlocks,
                    ])
                {
                    e.forwardTx = f[0]
                    e.forwardAmount = f[1]
                    e.forwardBlock = f[2]
                    e.exchange = f[3]
                }
                return e
            }
            guard
                let t = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT t.txid, b.height, b.time, t.first_input_id, t.input_count, t.first_output_id, t.output_count
                        FROM transactions t JOIN blocks b ON b.id = t.block_id WHERE t.id = ?
                        """, arguments: [evidence])
            else { return LinkEvidence(tx: "?") }
            var e = LinkEvidence(tx: Hash256(displayBytes: t.bytes(0))?.hex ?? "?")
            e.height = t[1]
            e.time = t[2]
            let inputValue = """
                SELECT SUM(COALESCE(o.value, p.value)) FROM inputs i LEFT JOIN outputs o ON o.id = i.spent_output_id
                LEFT JOIN prevouts p ON p.input_id = i.id AND i.spent_output_id IS NULL
                WHERE i.id BETWEEN ?1 AND ?2 AND COALESCE(o.address_id, p.address_id) = ?3
                """
            let firstInput: Int64 = t[3]
            let lastInput = firstInput + (t[4] as Int64) - 1
            e.fromInputValue = try Int64.fetchOne(
                db, sql: inputValue, arguments: [firstInput, lastInput, from])
            e.toInputValue = try Int64.fetchOne(db, sql: inputValue, arguments: [firstInput, lastInput, to])
            let firstOutput: Int64 = t[5]
            e.toOutputValue = try Int64.fetchOne(
                db, sql: "SELECT SUM(value) FROM outputs WHERE id BETWEEN ? AND ? AND address_id = ?",
                arguments: [firstOutput, firstOutput + (t[6] as Int64) - 1, to])
            return e
        }
    }

    /// The latest clustering runs, newest first.
    public func clusterRuns(limit: Int = 20) throws(StoreError) -> [ClusterRunRecord] {
        try read("reading cluster runs") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, mode, heuristics, parameters, max_block_id, main_blocks, blocks_digest, max_height,
                      max_address_id, max_transfer_id, transactions, inputs, edges, merges, coinjoins, clusters,
                      clustered_addresses, largest_cluster, largest_size, warnings, finished_at
                    FROM cluster_runs ORDER BY run_id DESC LIMIT ?
                    """, arguments: [limit]
            ).map { r in
                ClusterRunRecord(
                    runId: r[0], mode: r[1], heuristics: r[2], parameters: r[3],
                    coverage: ClusterCoverage(
                        maxBlockId: r[4], mainBlocks: r[5], blocksDigest: r[6], maxHeight: r[7],
                        maxAddressId: r[8],
                        maxTransferId: r[9]),
                    transactions: r[10], inputs: r[11], edges: r[12], merges: r[13], coinJoins: r[14],
                    clusters: r[15],
                    clusteredAddresses: r[16], largestCluster: r[17], largestSize: r[18], warnings: r[19],
                    finishedAt: r[20])
            }
        }
    }

    /// Transactions (main chain) in which a member of the cluster spends or receives, each with
    /// its inputs and outputs labelled by cluster; at most `limit`, newest first.
    public func clusterFlowTransactions(_ clusterId: Int64, limit: Int) throws(StoreError)
        -> [ClusterFlowTransaction]
    {
        try read("reading cluster transactions") { db in
            let members = "(SELECT address_id FROM clusters WHERE cluster_id = ?1 UNION SELECT ?1)"
            let txIds = try Int64.fetchAll(
                db,
                sql: """
                    SELECT x.tx_id FROM (
                      SELECT o.tx_id AS tx_id FROM outputs o WHERE o.address_id IN \(members)
                      UNION SELECT i.tx_id FROM outputs o JOIN inputs i ON i.spent_output_id = o.id
                        WHERE o.address_id IN \(members)
                    ) x JOIN transactions t ON t.id = x.tx_id JOIN blocks b ON b.id = t.block_id
                    WHERE b.in_main_chain = 1 ORDER BY x.tx_id DESC LIMIT ?2
                    """, arguments: [clusterId, limit])
            let tx = try db.makeStatement(
                sql: """
                    SELECT first_input_id, input_count, first_output_id, output_count, is_coinbase FROM transactions
                    WHERE id = ?
                    """)
            let ins = try db.makeStatement(
                sql: """
                    SELECT COALESCE(c.cluster_id, COALESCE(o.address_id, p.address_id), 0), COALESCE(o.value, p.value)
                    FROM inputs i LEFT JOIN outputs o ON o.id = i.spent_output_id
                    LEFT JOIN prevouts p ON p.input_id = i.id AND i.spent_output_id IS NULL
                    LEFT JOIN clusters c ON c.address_id = COALESCE(o.address_id, p.address_id)
                    WHERE i.id BETWEEN ? AND ? ORDER BY i.id
                    """)
            let outs = try db.makeStatement(
                sql: """
                    SELECT COALESCE(c.cluster_id, o.address_id, 0), o.value FROM outputs o
                    LEFT JOIN clusters c ON c.address_id = o.address_id WHERE o.id BETWEEN ? AND ? ORDER BY o.id
                    """)
            var out: [ClusterFlowTransaction] = []
            for id in txIds.sorted() {
                guard let t = try Row.fetchOne(tx, arguments: [id]) else { continue }
                let fi: Int64 = t[0]
                let fo: Int64 = t[2]
                var incomplete = false
                var inputs: [(UInt32, Int64)] = []
                let coinbase = (t[4] as Int64) != 0
                for r in try Row.fetchAll(ins, arguments: [fi, fi + (t[1] as Int64) - 1]) where !coinbase {
                    guard let v = r[1] as Int64? else {
                        incomplete = true
                        continue
                    }
                    inputs.append((UInt32(truncatingIfNeeded: r[0] as Int64), v))
                }
                let outputs = try Row.fetchAll(outs, arguments: [fo, fo + (t[3] as Int64) - 1]).map {
                    (UInt32(truncatingIfNeeded: $0[0] as Int64), $0[1] as Int64)
                }
                out.append(
                    ClusterFlowTransaction(
                        txId: id, inputs: inputs, outputs: outputs, incomplete: incomplete, coinbase: coinbase
                    ))
            }
            return out
        }
    }

    /// Account-model transfers (moved value, fees excluded) between the cluster and other
    /// clusters, summed per counterpart and asset; transfers inside the cluster are left out.
    public func clusterTransferFlows(_ clusterId: Int64) throws(StoreError) -> [ClusterTransferFlow] {
        try read("reading cluster transfers") { db in
            let members = "(SELECT address_id FROM clusters WHERE cluster_id = ?1 UNION SELECT ?1)"
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT x.other, a.id, asset_name(a.symbol, a.contract, a.id), a.decimals,
                      amount_sum(CASE WHEN x.dir = 0 THEN x.amount END), amount_sum(CASE WHEN x.dir = 1 THEN x.amount END),
                      COUNT(*)
                    FROM (
                      SELECT COALESCE(c.cluster_id, t.from_id) AS other, t.asset_id AS asset, t.amount AS amount, 0 AS dir
                      FROM transfers t LEFT JOIN clusters c ON c.address_id = t.from_id
                      WHERE t.to_id IN \(members) AND t.kind != ?2 AND t.status IS NOT 0 AND t.from_id IS NOT NULL
                      UNION ALL
                      SELECT COALESCE(c.cluster_id, t.to_id), t.asset_id, t.amount, 1
                      FROM transfers t LEFT JOIN clusters c ON c.address_id = t.to_id
                      WHERE t.from_id IN \(members) AND t.kind != ?2 AND t.status IS NOT 0 AND t.to_id IS NOT NULL
                    ) x JOIN assets a ON a.id = x.asset WHERE x.other != ?1
                    GROUP BY x.other, a.id ORDER BY x.other, a.id
                    """, arguments: [clusterId, TransferKind.fee.rawValue])
            return rows.map { r in
                // A sum past 2^256 (spam amounts) comes back exact as decimal text.
                let incoming = AmountSQL.total(r[4]) ?? AmountTotal()
                let outgoing = AmountSQL.total(r[5]) ?? AmountTotal()
                var flow = ClusterTransferFlow(
                    counterpart: UInt32(truncatingIfNeeded: r[0] as Int64), asset: r[2], decimals: r[3],
                    incoming: incoming.clamped, outgoing: outgoing.clamped, transfers: r[6])
                flow.overflow = AmountOverflow(checking: incoming, outgoing)
                return flow
            }
        }
    }

    /// Super-cluster warnings recorded by a run.
    public func clusterWarnings(runId: Int64, limit: Int = 100) throws(StoreError) -> [ClusterWarning] {
        try read("reading cluster warnings") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT heuristic, COALESCE(tx_id, transfer_id), cluster_a, size_a, cluster_b, size_b
                    FROM cluster_warnings WHERE run_id = ? ORDER BY id LIMIT ?
                    """, arguments: [runId, limit]
            ).compactMap { r in
                guard let h = LinkHeuristic(rawValue: UInt8(truncatingIfNeeded: r[0] as Int64)) else {
                    return nil
                }
                return ClusterWarning(
                    heuristic: h, evidence: r[1], clusterA: UInt32(truncatingIfNeeded: r[2] as Int64),
                    sizeA: UInt32(truncatingIfNeeded: r[3] as Int64),
                    clusterB: UInt32(truncatingIfNeeded: r[4] as Int64),
                    sizeB: UInt32(truncatingIfNeeded: r[5] as Int64))
            }
        }
    }

    /// Display txids of stored transactions.
    public func txids(_ ids: [Int64]) throws(StoreError) -> [Int64: String] {
        try read("reading txids") { db in
            let statement = try db.makeStatement(sql: "SELECT txid FROM transactions WHERE id = ?")
            var out: [Int64: String] = [:]
            for id in Set(ids) {
                if let row = try Row.fetchOne(statement, arguments: [id]) {
                    out[id] = Hash256(displayBytes: row.bytes(0))?.hex
                }
            }
            return out
        }
    }
}

/// One `clusters` row (see docs/schema.md).
public struct ClusterRow: Sendable, Equatable, CustomStringConvertible {
    public var addressId: Int64
    public var clusterId: Int64
    public var parentId: Int64?
    public var heuristic: Int64?
    public var txId: Int64?
    public var transferId: Int64?
    public var parentSide: Int64?
    public var childSide: Int64?
    public var sequence: Int64?
    public var runId: Int64?

    /// The row without its run id (which differs between databases built in different runs).
    public var description: String {
        [addressId, clusterId, parentId, heuristic, txId, transferId, parentSide, childSide, sequence]
            .map { $0.map(String.init) ?? "-" }.joined(separator: " ")
    }
}

extension GraphStore {
    /// `clusters` rows in address order, `limit` from `offset` (for exports and comparisons).
    public func clusterRows(limit: Int, offset: Int) throws(StoreError) -> [ClusterRow] {
        try read("reading clusters") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT address_id, cluster_id, parent_id, heuristic, tx_id, transfer_id, parent_side, child_side, seq,
                      run_id
                    FROM clusters ORDER BY address_id LIMIT ? OFFSET ?
                    """, arguments: [limit, offset]
            ).map { r in
                ClusterRow(
                    addressId: r[0], clusterId: r[1], parentId: r[2], heuristic: r[3], txId: r[4],
                    transferId: r[5],
                    parentSide: r[6], childSide: r[7], sequence: r[8], runId: r[9])
            }
        }
    }
}

extension GraphStore {
    /// The cluster id of each address id (an unclustered address is its own cluster), for
    /// tracing and reports that label endpoints by entity.
    public func clusterIds(of addressIds: [Int64]) throws(StoreError) -> [Int64: Int64] {
        try read("reading cluster ids") { db in
            var out: [Int64: Int64] = [:]
            guard try Self.hasClusterTables(db) else {
                for a in addressIds { out[a] = a }
                return out
            }
            let statement = try db.makeStatement(sql: "SELECT cluster_id FROM clusters WHERE address_id = ?")
            for a in Set(addressIds) { out[a] = try Int64.fetchOne(statement, arguments: [a]) ?? a }
            return out
        }
    }
}
