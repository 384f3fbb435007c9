import Dispatch
import FlowModel
import Foundation
import GRDB

/// Loads a `UTXOSnapshot`: the transaction table through the session's connection, outputs and
/// inputs through parallel read-only connections (the session holds the write lock, so they all
/// see the same committed state), then joins them in memory in chain order.
struct SnapshotLoader {
    let path: String
    let columns: SnapshotColumns

    /// Main-chain transactions, indexed by `id - minId`.
    struct TxTable: Sendable {
        var minId: Int64
        var count: Int
        var present: [Bool]
        var coinbase: [Bool]
        var firstInput: [Int64]
        var inputCount: [Int32]
        var firstOutput: [Int64]
        var outputCount: [Int32]
    }

    func transactions(db: Database, ranges: [(Int64, Int64)], minId: Int64, maxId: Int64) throws -> TxTable {
        let n = Int(maxId - minId + 1)
        var t = TxTable(
            minId: minId, count: n, present: [Bool](repeating: false, count: n),
            coinbase: [Bool](repeating: false, count: n), firstInput: [Int64](repeating: 0, count: n),
            inputCount: [Int32](repeating: 0, count: n), firstOutput: [Int64](repeating: 0, count: n),
            outputCount: [Int32](repeating: 0, count: n))
        for (lo, hi) in ranges {
            try SQLiteScan.run(
                db,
                """
                SELECT id, is_coinbase, first_input_id, input_count, first_output_id, output_count FROM transactions
                WHERE id BETWEEN ? AND ?
                """, [lo, hi]
            ) { r in
                let k = Int(r.int(0) - minId)
                t.present[k] = true
                t.coinbase[k] = r.int(1) != 0
                t.firstInput[k] = r.int(2)
                t.inputCount[k] = Int32(truncatingIfNeeded: r.int(3))
                t.firstOutput[k] = r.int(4)
                t.outputCount[k] = Int32(truncatingIfNeeded: r.int(5))
            }
        }
        return t
    }

    enum Job: Sendable {
        case outputs([(Int64, Int64)])
        case inputs([(Int64, Int64)], join: Bool)
        case prevouts
    }

    /// Rows of one id-range job, in id order.
    struct Columns: Sendable {
        var ranges: [(Int64, Int64)] = []
        var spent: [Int64] = []
        var address: [UInt32] = []
        var value: [Int64] = []
        var type: [UInt8] = []
    }

    struct Prevout: Sendable {
        var value: Int64
        var type: UInt8
        var address: UInt32
    }

    enum JobResult: Sendable {
        case outputs(Columns)
        case inputs(Columns)
        case prevouts([Int64: Prevout])
    }

    func reader() throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = true
        config.label = "chainflow-cluster-reader"
        config.prepareDatabase { db in
            // Scans read each page once: a small cache is enough.
            try db.execute(sql: "PRAGMA cache_size = -8192")
        }
        return try GraphStore.openReader(path: path, configuration: config)
    }

    /// Runs the jobs on up to `threads` threads, each job on its own connection; a free thread
    /// takes the next job, so unequal jobs still keep every thread busy.
    func run(_ jobs: [Job], threads: Int) throws -> [JobResult] {
        try parallelMap(jobs.count, threads: threads) { i in try self.perform(jobs[i]) }
    }

    func perform(_ job: Job) throws -> JobResult {
        let queue = try reader()
        return try queue.read { db in
            switch job {
            case .outputs(let ranges):
                var c = Columns(ranges: ranges)
                let n = ranges.reduce(0) { $0 + Int($1.1 - $1.0 + 1) }
                c.address.reserveCapacity(n)
                c.value.reserveCapacity(n)
                c.type.reserveCapacity(n)
                for (lo, hi) in ranges {
                    try SQLiteScan.run(
                        db,
                        "SELECT address_id, value, type FROM outputs WHERE id BETWEEN ? AND ? ORDER BY id",
                        [lo, hi]
                    ) { r in
                        c.address.append(UInt32(truncatingIfNeeded: r.int(0)))
                        c.value.append(r.int(1))
                        c.type.append(UInt8(truncatingIfNeeded: r.int(2)))
                    }
                }
                return .outputs(c)
            case .inputs(let ranges, let join):
                var c = Columns(ranges: ranges)
                let n = ranges.reduce(0) { $0 + Int($1.1 - $1.0 + 1) }
                c.spent.reserveCapacity(n)
                for (lo, hi) in ranges {
                    if join {
                        try SQLiteScan.run(
                            db,
                            """
                            SELECT i.spent_output_id, o.address_id, o.value, o.type FROM inputs i
                            LEFT JOIN outputs o ON o.id = i.spent_output_id WHERE i.id BETWEEN ? AND ? ORDER BY i.id
                            """, [lo, hi]
                        ) { r in
                            c.spent.append(r.optionalInt(0) ?? -1)
                            c.address.append(UInt32(truncatingIfNeeded: r.int(1)))
                            c.value.append(r.int(2))
                            c.type.append(UInt8(truncatingIfNeeded: r.int(3)))
                        }
                    } else {
                        try SQLiteScan.run(
                            db, "SELECT spent_output_id FROM inputs WHERE id BETWEEN ? AND ? ORDER BY id",
                            [lo, hi]
                        ) { r in
                            c.spent.append(r.optionalInt(0) ?? -1)
                        }
                    }
                }
                return .inputs(c)
            case .prevouts:
                var out: [Int64: Prevout] = [:]
                try SQLiteScan.run(db, "SELECT input_id, value, type, address_id FROM prevouts") { r in
                    out[r.int(0)] = Prevout(
                        value: r.int(1), type: UInt8(truncatingIfNeeded: r.optionalInt(2) ?? 255),
                        address: UInt32(truncatingIfNeeded: r.int(3)))
                }
                return .prevouts(out)
            }
        }
    }

    /// Finds positions of ids in the concatenation of sorted, disjoint inclusive ranges.
    struct RangeIndex {
        var starts: [Int64] = []
        var ends: [Int64] = []
        var offsets: [Int] = []

        init(_ ranges: [(Int64, Int64)]) {
            var offset = 0
            for (lo, hi) in ranges {
                starts.append(lo)
                ends.append(hi)
                offsets.append(offset)
                offset += Int(hi - lo + 1)
            }
        }

        func position(_ id: Int64) -> Int? {
            if starts.count == 1 {
                return id >= starts[0] && id <= ends[0] ? offsets[0] + Int(id - starts[0]) : nil
            }
            var lo = 0
            var hi = starts.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if starts[mid] <= id { lo = mid + 1 } else { hi = mid }
            }
            let k = lo - 1
            guard k >= 0, id <= ends[k] else { return nil }
            return offsets[k] + Int(id - starts[k])
        }
    }

    /// Joins the job results into the snapshot, transaction by transaction in chain order.
    func assemble(
        db: Database, blocks: [ChainBlock], txs: TxTable, results: [JobResult], outRanges: [(Int64, Int64)],
        inRanges: [(Int64, Int64)]
    ) throws -> (snapshot: UTXOSnapshot, pendingInputs: [Int64]) {
        var outs = Columns(ranges: outRanges)
        var ins = Columns(ranges: inRanges)
        var prevouts: [Int64: Prevout] = [:]
        for r in results {
            switch r {
            case .outputs(let c):
                outs.address += c.address
                outs.value += c.value
                outs.type += c.type
            case .inputs(let c):
                ins.spent += c.spent
                ins.address += c.address
                ins.value += c.value
                ins.type += c.type
            case .prevouts(let p): prevouts = p
            }
        }
        let joined = !ins.address.isEmpty
        let outIndex = RangeIndex(outRanges)
        let inIndex = RangeIndex(inRanges)
        var s = UTXOSnapshot()
        let inputTotal = ins.spent.count
        s.inputAddress.reserveCapacity(inputTotal)
        if columns.values { s.inputValue.reserveCapacity(inputTotal) }
        if columns.types { s.inputType.reserveCapacity(inputTotal) }
        s.outputAddress.reserveCapacity(outs.address.count)
        s.outputValue.reserveCapacity(outs.address.count)
        if columns.types { s.outputType.reserveCapacity(outs.address.count) }
        var pending: [Int64] = []
        // Spent outputs outside the loaded ranges (an orphaned funding transaction, or any old
        // output in a run that did not join): looked up one by one.
        let lookup = try db.makeStatement(sql: "SELECT address_id, value, type FROM outputs WHERE id = ?")
        // For spending links: each loaded output's snapshot position, each input's output position.
        var csrOfOutput = columns.spends ? [Int32](repeating: -1, count: outs.address.count) : []
        var spentPosition: [Int32] = []
        var outputChain: [UInt32] =
            columns.spends ? [UInt32](repeating: UTXOSnapshot.none, count: outs.address.count) : []
        for block in blocks {
            for id in block.firstTx..<(block.firstTx + block.txCount) {
                let k = Int(id - txs.minId)
                guard k >= 0, k < txs.count, txs.present[k] else { continue }
                let chainIndex = UInt32(s.transactionCount)
                let coinbase = txs.coinbase[k]
                for inputId in txs.firstInput[k]..<(txs.firstInput[k] + Int64(txs.inputCount[k])) {
                    var address = UTXOSnapshot.unknown
                    var value: Int64 = -1
                    var type: UInt8 = 255
                    var position: Int32 = -1
                    if let p = inIndex.position(inputId) {
                        let spent = ins.spent[p]
                        if spent >= 0 {
                            if let op = outIndex.position(spent) {
                                address = outs.address[op]
                                value = outs.value[op]
                                type = outs.type[op]
                                position = Int32(op)
                            } else if joined {
                                address = ins.address[p]
                                value = ins.value[p]
                                type = ins.type[p]
                            } else if let row = try Row.fetchOne(lookup, arguments: [spent]) {
                                address = UInt32(truncatingIfNeeded: row[0] as Int64? ?? 0)
                                value = row[1]
                                type = UInt8(truncatingIfNeeded: row[2] as Int64)
                            }
                        } else if let prevout = prevouts[inputId] {
                            address = prevout.address
                            value = prevout.value
                            type = prevout.type
                        }
                    }
                    if address == UTXOSnapshot.unknown && !coinbase { pending.append(inputId) }
                    s.inputAddress.append(address)
                    if columns.values { s.inputValue.append(value) }
                    if columns.types { s.inputType.append(type) }
                    if columns.spends {
                        spentPosition.append(position)
                        s.inputSource.append(position >= 0 ? outputChain[Int(position)] : UTXOSnapshot.none)
                    }
                }
                let firstOutput = txs.firstOutput[k]
                for outputId in firstOutput..<(firstOutput + Int64(txs.outputCount[k])) {
                    guard let op = outIndex.position(outputId) else { continue }
                    if columns.spends {
                        csrOfOutput[op] = Int32(s.outputAddress.count)
                        outputChain[op] = chainIndex
                    }
                    s.outputAddress.append(outs.address[op])
                    s.outputValue.append(outs.value[op])
                    if columns.types { s.outputType.append(outs.type[op]) }
                }
                s.closeTransaction(id: id, coinbase: coinbase)
            }
        }
        if columns.spends {
            // An output's spender is the transaction of the input pointing at it.
            s.outputSpentBy = [UInt32](repeating: UTXOSnapshot.none, count: s.outputCount)
            for t in 0..<s.transactionCount {
                for i in s.inputs(of: t) {
                    let p = spentPosition[i]
                    if p >= 0, csrOfOutput[Int(p)] >= 0 {
                        s.outputSpentBy[Int(csrOfOutput[Int(p)])] = UInt32(t)
                    }
                }
            }
            // Funding transactions recorded before their output's position was known.
            for t in 0..<s.transactionCount {
                for i in s.inputs(of: t) where s.inputSource[i] == UTXOSnapshot.none && spentPosition[i] >= 0
                {
                    s.inputSource[i] = outputChain[Int(spentPosition[i])]
                }
            }
        }
        return (s, pending)
    }
}
