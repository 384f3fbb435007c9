import Dispatch
public import FlowModel
import Foundation
import GRDB

/// A main-chain block as clustering sees it, in chain order.
public struct ChainBlock: Sendable, Equatable {
    public var id: Int64
    public var height: Int64?
    public var firstTx: Int64
    public var txCount: Int64
}

/// Which optional snapshot columns a run needs.
public struct SnapshotColumns: Sendable, Equatable {
    /// Input values (optimal-change) and types (address-type).
    public var values = false
    public var types = false
    /// Spending links (peeling-chain): each input's funding transaction, each output's spender.
    public var spends = false
    public init(values: Bool = false, types: Bool = false, spends: Bool = false) {
        self.values = values
        self.types = types
        self.spends = spends
    }
}

/// A super-cluster warning to record.
public struct ClusterWarning: Sendable, Equatable {
    public var heuristic: LinkHeuristic
    /// `transactions.id` or `transfers.id` (deposit-address).
    public var evidence: Int64
    public var clusterA: UInt32
    public var sizeA: UInt32
    public var clusterB: UInt32
    public var sizeB: UInt32

    public init(
        heuristic: LinkHeuristic, evidence: Int64, clusterA: UInt32, sizeA: UInt32, clusterB: UInt32,
        sizeB: UInt32
    ) {
        self.heuristic = heuristic
        self.evidence = evidence
        self.clusterA = clusterA
        self.sizeA = sizeA
        self.clusterB = clusterB
        self.sizeB = sizeB
    }
}

/// What a clustering run writes.
public struct ClusterWrite: Sendable {
    public var edges: ClusterEdges
    public var merges: [ClusterMerge]
    /// `seq` of the first merge (merges are numbered on across runs).
    public var firstSequence: Int64
    /// Final cluster id of every address id (index); sizes valid at cluster ids.
    public var clusterIds: [UInt32]
    public var sizes: [UInt32]
    /// Incremental runs: each address's cluster id before the run (index), and which addresses
    /// had a row. Nil for a full run, which replaces every row.
    public var previousIds: [UInt32]?
    public var hadRow: [Bool]?
    public var coinJoins: [Int64]
    /// Inputs whose address is unknown (checked by the next incremental run).
    public var pendingInputs: [Int64]
    public var warnings: [ClusterWarning]
    public var deposits: [DepositAddress]

    public init(
        edges: ClusterEdges, merges: [ClusterMerge], firstSequence: Int64, clusterIds: [UInt32],
        sizes: [UInt32],
        previousIds: [UInt32]?, hadRow: [Bool]?, coinJoins: [Int64], pendingInputs: [Int64],
        warnings: [ClusterWarning], deposits: [DepositAddress]
    ) {
        self.edges = edges
        self.merges = merges
        self.firstSequence = firstSequence
        self.clusterIds = clusterIds
        self.sizes = sizes
        self.previousIds = previousIds
        self.hadRow = hadRow
        self.coinJoins = coinJoins
        self.pendingInputs = pendingInputs
        self.warnings = warnings
        self.deposits = deposits
    }
}

extension GraphStore {
    /// Runs `body` as one clustering run: the write lock is held throughout (an ingest cannot
    /// commit meanwhile, so every load sees one state), and everything the run writes commits
    /// together at the end, or not at all. A `runs` row records it (`command` = `cluster`).
    public func withClusterSession<T>(parameters: String, _ body: (ClusterSession) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                // The run writes one table in id order and builds one index: a small page cache
                // does (measured: same speed, 200 MiB less peak memory than the 256 MiB default).
                let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                try db.execute(sql: "PRAGMA cache_size = -16384")
                defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
                try db.execute(sql: "BEGIN IMMEDIATE")
                do {
                    try db.execute(
                        sql: """
                            INSERT INTO runs (command, parameters, started_at, status)
                            VALUES ('cluster', ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'running')
                            """, arguments: [parameters])
                    let session = ClusterSession(db: db, path: path, runId: db.lastInsertedRowID)
                    let result = try body(session)
                    try db.execute(sql: "COMMIT")
                    return result
                } catch {
                    try? db.execute(sql: "ROLLBACK")
                    throw error
                }
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError.wrap(error, path: path, doing: "clustering")
        }
    }
}

/// The store side of one clustering run (see `GraphStore.withClusterSession`): loads the
/// snapshot and state the analyzers need, and writes their results. Use it only inside the
/// session's closure.
public final class ClusterSession {
    let db: Database
    public let path: String
    /// The `runs.id` of this run, also its `cluster_runs.run_id`.
    public let runId: Int64

    init(db: Database, path: String, runId: Int64) {
        self.db = db
        self.path = path
        self.runId = runId
    }

    // MARK: State

    /// The last completed clustering run, if any.
    public func lastRun() throws -> ClusterRunRecord? {
        guard
            let r = try Row.fetchOne(
                db,
                sql: """
                    SELECT run_id, mode, heuristics, parameters, max_block_id, main_blocks, blocks_digest, max_height,
                      max_address_id, max_transfer_id, transactions, inputs, edges, merges, coinjoins, clusters,
                      clustered_addresses, largest_cluster, largest_size, warnings, finished_at
                    FROM cluster_runs ORDER BY run_id DESC LIMIT 1
                    """)
        else { return nil }
        return ClusterRunRecord(
            runId: r[0], mode: r[1], heuristics: r[2], parameters: r[3],
            coverage: ClusterCoverage(
                maxBlockId: r[4], mainBlocks: r[5], blocksDigest: r[6], maxHeight: r[7], maxAddressId: r[8],
                maxTransferId: r[9]),
            transactions: r[10], inputs: r[11], edges: r[12], merges: r[13], coinJoins: r[14],
            clusters: r[15],
            clusteredAddresses: r[16], largestCluster: r[17], largestSize: r[18], warnings: r[19],
            finishedAt: r[20])
    }

    /// Main-chain blocks in chain order (height, then id; blocks of unknown height last), and
    /// the coverage they make.
    public func chain() throws -> (blocks: [ChainBlock], coverage: ClusterCoverage) {
        var blocks: [ChainBlock] = []
        try SQLiteScan.run(
            db,
            """
            SELECT id, height, first_tx_id, tx_count FROM blocks WHERE in_main_chain = 1
            ORDER BY height IS NULL, height, id
            """
        ) { r in
            blocks.append(
                ChainBlock(id: r.int(0), height: r.optionalInt(1), firstTx: r.int(2), txCount: r.int(3)))
        }
        let maxBlock = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM blocks") ?? 0
        let (count, digest) = try mainDigest(upTo: maxBlock)
        let coverage = ClusterCoverage(
            maxBlockId: maxBlock, mainBlocks: count, blocksDigest: digest,
            maxHeight: blocks.compactMap(\.height).max(),
            maxAddressId: try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM addresses") ?? 0,
            maxTransferId: try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM transfers") ?? 0)
        return (blocks, coverage)
    }

    /// Count and FNV-1a digest of the ids of main-chain blocks with id ≤ `limit`.
    public func mainDigest(upTo limit: Int64) throws -> (count: Int, digest: String) {
        var hasher = FNV1a()
        var count = 0
        try SQLiteScan.run(
            db, "SELECT id FROM blocks WHERE in_main_chain = 1 AND id <= ? ORDER BY id", [limit]
        ) { r in
            hasher.add(String(r.int(0)))
            count += 1
        }
        return (count, String(hasher.value, radix: 16))
    }

    /// Inputs that were pending (address unknown) at the last run and whose address is known now.
    public func resolvedPendingInputs() throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM cluster_pending c JOIN inputs i ON i.id = c.input_id
                WHERE i.spent_output_id IS NOT NULL
                   OR EXISTS (SELECT 1 FROM prevouts p WHERE p.input_id = c.input_id AND p.address_id IS NOT NULL)
                """) ?? 0
    }

    /// Stored clusters: every clustered address with its cluster id, and the last merge number.
    public func clusterState() throws -> (pairs: [(address: UInt32, cluster: UInt32)], lastSequence: Int64) {
        var pairs: [(UInt32, UInt32)] = []
        try SQLiteScan.run(db, "SELECT address_id, cluster_id FROM clusters ORDER BY address_id") { r in
            pairs.append((UInt32(truncatingIfNeeded: r.int(0)), UInt32(truncatingIfNeeded: r.int(1))))
        }
        let last = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM clusters") ?? -1
        return (pairs, last)
    }

    // MARK: Snapshot

    /// Loads the main-chain transactions of `blocks` (in the given chain order) as a snapshot.
    ///
    /// `scanAll` reads the outputs and inputs tables whole, in parallel, and joins them in
    /// memory (a full run); otherwise each input's spent output is looked up (an incremental run
    /// over a few new blocks). Also returns the ids of inputs whose address is unknown.
    public func loadSnapshot(
        blocks: [ChainBlock], columns: SnapshotColumns, scanAll: Bool, threads: Int
    ) throws -> (snapshot: UTXOSnapshot, pendingInputs: [Int64]) {
        let txRanges = Self.mergedRanges(blocks.map { ($0.firstTx, $0.firstTx + $0.txCount - 1) })
        guard let minTx = txRanges.first?.0, let maxTx = txRanges.last?.1 else { return (UTXOSnapshot(), []) }
        let loader = SnapshotLoader(path: path, columns: columns)
        let parts = max(1, min(threads, 8))
        // The transactions first: their input and output ranges bound the other scans. (Scanning
        // whole tables with the transactions as one more parallel job measured slower: 0.4 s
        // more CPU per run on the 1,000,000-transaction chain.)
        let txs = try loader.transactions(db: db, ranges: txRanges, minId: minTx, maxId: maxTx)
        var inRanges: [(Int64, Int64)] = []
        var outRanges: [(Int64, Int64)] = []
        for k in 0..<txs.count where txs.present[k] {
            if txs.inputCount[k] > 0 {
                inRanges.append((txs.firstInput[k], txs.firstInput[k] + Int64(txs.inputCount[k]) - 1))
            }
            if txs.outputCount[k] > 0 {
                outRanges.append((txs.firstOutput[k], txs.firstOutput[k] + Int64(txs.outputCount[k]) - 1))
            }
        }
        inRanges = Self.mergedRanges(inRanges)
        outRanges = Self.mergedRanges(outRanges)
        var jobs: [SnapshotLoader.Job] = []
        for r in Self.split(outRanges, parts) { jobs.append(.outputs(r)) }
        for r in Self.split(inRanges, parts) { jobs.append(.inputs(r, join: !scanAll)) }
        jobs.append(.prevouts)
        let results = try loader.run(jobs, threads: threads)
        return try loader.assemble(
            db: db, blocks: blocks, txs: txs, results: results, outRanges: outRanges, inRanges: inRanges)
    }

    /// Of `addresses`, those paid by an output of a main-chain block with id ≤ `maxBlockId`
    /// (one index lookup each).
    public func paidBefore(_ addresses: Set<UInt32>, maxBlockId: Int64) throws -> Set<UInt32> {
        let statement = try db.makeStatement(
            sql: """
                SELECT EXISTS (SELECT 1 FROM outputs o JOIN transactions t ON t.id = o.tx_id
                  JOIN blocks b ON b.id = t.block_id WHERE o.address_id = ? AND b.in_main_chain = 1 AND b.id <= ?)
                """)
        var out = Set<UInt32>()
        for a in addresses.sorted()
        where try Bool.fetchOne(statement, arguments: [Int64(a), maxBlockId]) == true {
            out.insert(a)
        }
        return out
    }

    /// Transfers the deposit-address heuristic reads (moved value, with a block number, between
    /// two addresses; fees excluded), the addresses tagged with one of `categories`, and each
    /// asset's decimals.
    public func depositInput(categories: [String]) throws -> (
        transfers: [DepositTransfer], exchanges: Set<UInt32>, decimals: [Int64: Int]
    ) {
        var exchanges = Set<UInt32>()
        for category in categories {
            for id in try Int64.fetchAll(
                db,
                sql: "SELECT a.id FROM tags t JOIN addresses a ON a.address = t.address WHERE t.category = ?",
                arguments: [category])
            {
                exchanges.insert(UInt32(truncatingIfNeeded: id))
            }
        }
        var decimals: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, decimals FROM assets WHERE decimals IS NOT NULL") {
            decimals[row[0]] = row[1]
        }
        var transfers: [DepositTransfer] = []
        if exchanges.isEmpty { return ([], exchanges, decimals) }
        try SQLiteScan.run(
            db,
            """
            SELECT id, from_id, to_id, asset_id, amount, block FROM transfers
            WHERE kind != ? AND status IS NOT 0 AND block IS NOT NULL AND from_id IS NOT NULL AND to_id IS NOT NULL
            ORDER BY id
            """, [TransferKind.fee.rawValue]
        ) { r in
            let amount: UInt256
            if r.isBlob(4) {
                amount = UInt256(bigEndianBytes: r.bytes(4)) ?? .zero
            } else {
                amount = UInt256(UInt64(clamping: r.int(4)))
            }
            transfers.append(
                DepositTransfer(
                    id: r.int(0), from: UInt32(truncatingIfNeeded: r.int(1)),
                    to: UInt32(truncatingIfNeeded: r.int(2)),
                    asset: r.int(3), amount: amount, block: r.int(5)))
        }
        return (transfers, exchanges, decimals)
    }

    // MARK: Writing

    /// Writes the run's clusters: a full run replaces every row, an incremental run writes only
    /// the rows it changes.
    public func write(_ w: ClusterWrite) throws {
        let full = w.previousIds == nil
        if full {
            try db.execute(
                sql: """
                    DELETE FROM clusters; DELETE FROM cluster_coinjoins; DELETE FROM cluster_pending;
                    DROP INDEX IF EXISTS clusters_by_cluster;
                    """)
        }
        try db.execute(sql: "DELETE FROM cluster_deposits")
        // Merge records, by absorbed cluster id.
        var link = [Int32](repeating: -1, count: w.clusterIds.count)
        for (k, m) in w.merges.enumerated() { link[Int(m.child)] = Int32(k) }
        let columns =
            "address_id, cluster_id, parent_id, heuristic, tx_id, transfer_id, parent_side, child_side, seq, run_id"
        let rowsPerInsert = 16
        let multi = try BulkStatement(
            db, BitcoinWriter.multiRow("INSERT INTO clusters (\(columns))", columns: 10, rows: rowsPerInsert))
        let single = try BulkStatement(
            db,
            """
            INSERT INTO clusters (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT(address_id) DO UPDATE SET cluster_id = excluded.cluster_id,
              parent_id = COALESCE(excluded.parent_id, parent_id), heuristic = COALESCE(excluded.heuristic, heuristic),
              tx_id = CASE WHEN excluded.parent_id IS NULL THEN tx_id ELSE excluded.tx_id END,
              transfer_id = CASE WHEN excluded.parent_id IS NULL THEN transfer_id ELSE excluded.transfer_id END,
              parent_side = COALESCE(excluded.parent_side, parent_side),
              child_side = COALESCE(excluded.child_side, child_side), seq = COALESCE(excluded.seq, seq),
              run_id = COALESCE(excluded.run_id, run_id)
            """)
        /// Binds address `a`'s row at parameter offset `base` of `s`.
        func bind(_ s: BulkStatement, _ base: Int32, _ a: Int) {
            s.bind(base + 1, Int64(a))
            s.bind(base + 2, Int64(w.clusterIds[a]))
            let k = Int(link[a])
            if k >= 0 {
                let m = w.merges[k]
                let h = w.edges.heuristic[m.edge]
                let evidence = w.edges.evidence[m.edge]
                s.bind(base + 3, Int64(m.parent))
                s.bind(base + 4, Int64(h))
                if h == LinkHeuristic.depositAddress.rawValue {
                    s.bindNull(base + 5)
                    s.bind(base + 6, evidence)
                } else {
                    s.bind(base + 5, evidence)
                    s.bindNull(base + 6)
                }
                s.bind(base + 7, Int64(m.parentSide))
                s.bind(base + 8, Int64(m.childSide))
                s.bind(base + 9, w.firstSequence + Int64(k))
                s.bind(base + 10, runId)
            } else {
                for p in 3...10 { s.bindNull(base + Int32(p)) }
            }
        }
        if full {
            var rows: [Int] = []
            for a in 0..<w.clusterIds.count where w.sizes[Int(w.clusterIds[a])] > 1 { rows.append(a) }
            var k = 0
            while k + rowsPerInsert <= rows.count {
                for j in 0..<rowsPerInsert { bind(multi, Int32(j * 10), rows[k + j]) }
                try multi.run()
                k += rowsPerInsert
            }
            while k < rows.count {
                bind(single, 0, rows[k])
                try single.run()
                k += 1
            }
            try db.execute(sql: "CREATE INDEX clusters_by_cluster ON clusters(cluster_id)")
        } else if let previous = w.previousIds, let hadRow = w.hadRow {
            for a in 0..<w.clusterIds.count {
                let changed = a >= previous.count || previous[a] != w.clusterIds[a]
                let joined = (a >= hadRow.count || !hadRow[a]) && w.sizes[Int(w.clusterIds[a])] > 1
                if changed || joined || link[a] >= 0 {
                    bind(single, 0, a)
                    try single.run()
                }
            }
        }
        let coinjoin = try BulkStatement(
            db, "INSERT OR IGNORE INTO cluster_coinjoins (tx_id, run_id) VALUES (?1, ?2)")
        for tx in w.coinJoins {
            coinjoin.bind(1, tx)
            coinjoin.bind(2, runId)
            try coinjoin.run()
        }
        let pending = try BulkStatement(db, "INSERT OR IGNORE INTO cluster_pending (input_id) VALUES (?1)")
        for input in w.pendingInputs {
            pending.bind(1, input)
            try pending.run()
        }
        let warning = try BulkStatement(
            db,
            """
            INSERT INTO cluster_warnings (run_id, heuristic, tx_id, transfer_id, cluster_a, size_a, cluster_b, size_b)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        for x in w.warnings {
            warning.bind(1, runId)
            warning.bind(2, Int64(x.heuristic.rawValue))
            if x.heuristic == .depositAddress {
                warning.bindNull(3)
                warning.bind(4, x.evidence)
            } else {
                warning.bind(3, x.evidence)
                warning.bindNull(4)
            }
            warning.bind(5, Int64(x.clusterA))
            warning.bind(6, Int64(x.sizeA))
            warning.bind(7, Int64(x.clusterB))
            warning.bind(8, Int64(x.sizeB))
            try warning.run()
        }
        let deposit = try BulkStatement(
            db,
            "INSERT INTO cluster_deposits (address_id, exchange_id, users, run_id) VALUES (?1, ?2, ?3, ?4)")
        for d in w.deposits {
            deposit.bind(1, Int64(d.address))
            deposit.bind(2, Int64(d.exchange))
            deposit.bind(3, d.users)
            deposit.bind(4, runId)
            try deposit.run()
        }
    }

    /// Records the finished run (`cluster_runs`, and the `runs` row's status and summary).
    public func finish(_ r: ClusterRunRecord, summary: String) throws {
        try db.execute(
            sql: """
                INSERT INTO cluster_runs (run_id, mode, heuristics, parameters, max_block_id, main_blocks, blocks_digest,
                  max_height, max_address_id, max_transfer_id, transactions, inputs, edges, merges, coinjoins, clusters,
                  clustered_addresses, largest_cluster, largest_size, warnings, finished_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                """,
            arguments: [
                runId, r.mode, r.heuristics, r.parameters, r.coverage.maxBlockId, r.coverage.mainBlocks,
                r.coverage.blocksDigest, r.coverage.maxHeight, r.coverage.maxAddressId,
                r.coverage.maxTransferId,
                r.transactions, r.inputs, r.edges, r.merges, r.coinJoins, r.clusters, r.clusteredAddresses,
                r.largestCluster, r.largestSize, r.warnings,
            ])
        try db.execute(
            sql: """
                UPDATE runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), status = 'ok', summary = ?
                WHERE id = ?
                """, arguments: [summary, runId])
    }

    // MARK: Helpers

    /// Sorted, merged inclusive ranges.
    static func mergedRanges(_ ranges: [(Int64, Int64)]) -> [(Int64, Int64)] {
        var out: [(Int64, Int64)] = []
        for r in ranges.sorted(by: { $0.0 < $1.0 }) where r.1 >= r.0 {
            if let last = out.last, r.0 <= last.1 + 1 {
                out[out.count - 1].1 = max(last.1, r.1)
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// Cuts sorted ranges into at most `parts` groups of about equal length.
    static func split(_ ranges: [(Int64, Int64)], _ parts: Int) -> [[(Int64, Int64)]] {
        let total = ranges.reduce(Int64(0)) { $0 + $1.1 - $1.0 + 1 }
        guard total > 0 else { return [] }
        let per = max(1, (total + Int64(parts) - 1) / Int64(parts))
        var out: [[(Int64, Int64)]] = [[]]
        var used: Int64 = 0
        for var r in ranges {
            while r.0 <= r.1 {
                if used == per {
                    out.append([])
                    used = 0
                }
                let take = min(r.1 - r.0 + 1, per - used)
                out[out.count - 1].append((r.0, r.0 + take - 1))
                used += take
                r.0 += take
            }
        }
        return out
    }
}
