import Dispatch
public import FlowModel
import Foundation
import GRDB

/// A seed candidate as the store finds it.
public enum TraceSeedRef: Sendable, Hashable {
    /// A Bitcoin output: `outputs.id` and its `transactions.id`.
    case output(id: Int64, tx: Int64)
    /// An account-model transfer: `transfers.id` and its `assets.id`.
    case transfer(id: Int64, asset: Int64)
}

/// What a seed names, one reading of its text (FlowKit's `TraceSeed` chooses it).
public enum TraceSeedTarget: Sendable, Hashable {
    /// What the address received in the window.
    case address(String)
    /// What the account paid in the window (its transfers out).
    case sent(String)
    /// All outputs of a Bitcoin transaction, or the transfers of an Ethereum or ledger transaction.
    case transaction(String)
    /// One Bitcoin output.
    case output(txid: Hash256, vout: Int)
}

/// What an address paid, for a seed address that received nothing.
public struct TraceAddressOutflows: Sendable, Equatable {
    /// Transfers it paid (account model).
    public var transfers: Int
    /// Main-chain transactions spending outputs of it that the store does not hold.
    public var spendingTransactions: Int
    /// The first of those transactions' txids.
    public var exampleTxids: [String]
}

/// A Bitcoin output as reports name it.
public struct TraceOutpoint: Sendable, Equatable {
    public var txid: String
    public var n: Int
}

/// An input whose spent output is not stored: the spending transaction and what it names.
public struct TraceInputRef: Sendable, Equatable {
    public var txid: String
    public var n: Int
    public var prevTxid: String?
    public var prevVout: Int?
}

/// An account-model transfer as reports name it.
public struct TraceTransferRef: Sendable, Equatable {
    /// The transaction hash or ledger id; nil when the source has none.
    public var tx: String?
    public var time: Int64
    public var kind: TransferKind?
}

extension GraphStore {
    // MARK: Graphs

    /// Loads the main chain's transactions, inputs and outputs as a `UTXOTraceGraph`: the
    /// transactions, outputs and inputs tables are each read in one scan, on parallel
    /// read-only connections (up to `threads`), then joined in chain order in memory.
    ///
    /// Read while no ingest runs (an ingest committing meanwhile can leave its newest rows out).
    public func buildUTXOTraceGraph(threads: Int) throws(StoreError) -> UTXOTraceGraph {
        struct Blocks: Sendable {
            var first: [Int64] = []
            var count: [Int64] = []
            var time: [Int64] = []
        }
        let blocks: Blocks = try read("loading the chain for tracing") { db in
            var b = Blocks()
            try SQLiteScan.run(
                db,
                """
                SELECT first_tx_id, tx_count, time FROM blocks WHERE in_main_chain = 1
                ORDER BY height IS NULL, height, id
                """
            ) { r in
                b.first.append(r.int(0))
                b.count.append(r.int(1))
                b.time.append(r.int(2))
            }
            return b
        }
        if blocks.first.isEmpty { return UTXOTraceGraph() }
        let tables = try TraceTables.load(path: path, threads: threads)
        var g = UTXOTraceGraph()
        g.txIds.reserveCapacity(tables.txCount)
        g.inputSpent.reserveCapacity(tables.inputSpent.count)
        g.outputValue.reserveCapacity(tables.outputValue.count)
        // Dense index of each stored output once its transaction is in the graph.
        var dense = [Int32](repeating: UTXOTraceGraph.none, count: tables.outputValue.count)
        for b in blocks.first.indices {
            let first = blocks.first[b]
            for id in first..<(first + blocks.count[b]) {
                let k = Int(id - tables.txMin)
                guard k >= 0, k < tables.txCount, tables.txPresent[k] else { continue }
                let firstInput = tables.txFirstInput[k]
                for inputId in firstInput..<(firstInput + Int64(tables.txInputCount[k])) {
                    let i = Int(inputId - tables.inputMin)
                    var spent = UTXOTraceGraph.none
                    var value: Int64 = -1
                    var address: UInt32 = 0
                    if i >= 0, i < tables.inputSpent.count {
                        let o = tables.inputSpent[i]
                        if o >= 0 {
                            let ok = Int(o - tables.outputMin)
                            if ok >= 0, ok < dense.count {
                                spent = dense[ok]
                                value = tables.outputValue[ok]
                                address = tables.outputAddress[ok]
                            }
                        } else if let p = tables.prevouts[inputId] {
                            value = p.value
                            address = p.address
                        }
                    }
                    g.inputSpent.append(spent)
                    g.inputValue.append(tables.txCoinbase[k] ? 0 : value)
                    g.inputAddress.append(address)
                }
                let firstOutput = tables.txFirstOutput[k]
                for outputId in firstOutput..<(firstOutput + Int64(tables.txOutputCount[k])) {
                    let ok = Int(outputId - tables.outputMin)
                    guard ok >= 0, ok < dense.count else {
                        g.outputValue.append(0)
                        g.outputAddress.append(0)
                        continue
                    }
                    dense[ok] = Int32(g.outputValue.count)
                    g.outputValue.append(tables.outputValue[ok])
                    g.outputAddress.append(tables.outputAddress[ok])
                }
                g.closeTransaction(
                    id: id, time: blocks.time[b], coinbase: tables.txCoinbase[k], firstInputId: firstInput,
                    firstOutputId: firstOutput)
            }
        }
        g.finish()
        return g
    }

    /// Loads the transfers of asset `asset` that moved value (and the fees, which draw on
    /// balances) as an `AccountTraceGraph`, in (time, id) order. Zero amounts and
    /// self-transfers are left out: they move nothing.
    public func buildAccountTraceGraph(asset: Int64) throws(StoreError) -> AccountTraceGraph {
        struct Row: Sendable {
            var id: Int64
            var time: Int64
            var from: UInt32
            var to: UInt32
            var amount: UInt256
            var fee: Bool
        }
        let rows: [Row] = try read("loading transfers for tracing") { db in
            var out: [Row] = []
            try SQLiteScan.run(
                db,
                """
                SELECT id, time, from_id, to_id, amount, kind FROM transfers
                WHERE asset_id = ? AND (status IS NOT 0 OR kind = ?)
                """, [asset, TransferKind.fee.rawValue]
            ) { r in
                let amount =
                    r.isBlob(4)
                    ? (UInt256(bigEndianBytes: r.bytes(4)) ?? .zero) : UInt256(UInt64(clamping: r.int(4)))
                let from = UInt32(truncatingIfNeeded: r.int(2))
                let to = UInt32(truncatingIfNeeded: r.int(3))
                if amount == .zero || from == to { return }
                out.append(
                    Row(
                        id: r.int(0), time: r.int(1), from: from, to: to, amount: amount,
                        fee: r.int(5) == TransferKind.fee.rawValue))
            }
            return out
        }
        // Read in table order (no temporary B-tree over the whole asset), then put in (time, id)
        // order here: ingest writes most files in time order, so usually nothing moves.
        var ordered = rows
        let inOrder = zip(rows, rows.dropFirst()).allSatisfy { a, b in (a.time, a.id) < (b.time, b.id) }
        if !inOrder { ordered.sort { ($0.time, $0.id) < ($1.time, $1.id) } }
        var g = AccountTraceGraph()
        g.asset = asset
        for r in ordered {
            g.append(id: r.id, time: r.time, from: r.from, to: r.to, amount: r.amount, fee: r.fee)
        }
        g.finish()
        return g
    }

    // MARK: Seeds

    /// What `text` names, read as before explicit seed kinds: a Bitcoin output (`txid:vout`),
    /// a transaction's outputs or transfers (a txid, an Ethereum hash or a ledger transaction
    /// id), else an address's received outputs and transfers within the window. Empty when
    /// nothing matches. (FlowKit's `TraceSeed` reads seed texts with kinds and refuses a text
    /// that is both a transaction and an address.)
    public func traceSeeds(_ text: String, since: Int64?, until: Int64?) throws(StoreError) -> [TraceSeedRef]
    {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let colon = trimmed.lastIndex(of: ":"),
            let vout = Int(trimmed[trimmed.index(after: colon)...]),
            let hash = Hash256(displayHex: String(trimmed[..<colon]))
        {
            return try traceSeeds(.output(txid: hash, vout: vout), since: since, until: until)
        }
        let refs = try traceSeeds(.transaction(trimmed), since: since, until: until)
        if !refs.isEmpty { return refs }
        return try traceSeeds(.address(trimmed), since: since, until: until)
    }

    /// The outputs or transfers `target` names (empty when nothing matches): an output; all
    /// outputs of a main-chain Bitcoin transaction, else the transfers of a transaction id
    /// (Ethereum hashes are stored lowercase; fees and failed transfers left out); what an
    /// address received in the window (main-chain outputs, transfers); or the transfers an
    /// account paid in the window. The window applies to address targets only.
    public func traceSeeds(_ target: TraceSeedTarget, since: Int64?, until: Int64?) throws(StoreError)
        -> [TraceSeedRef]
    {
        let lo = since ?? Int64.min
        let hi = until ?? Int64.max
        let fee = TransferKind.fee.rawValue
        return try read("finding seeds") { db in
            var out: [TraceSeedRef] = []
            switch target {
            case .output(let hash, let vout):
                if let t = try Self.mainTransaction(db, hash),
                    let row = try GRDB.Row.fetchOne(
                        db, sql: "SELECT id FROM outputs WHERE tx_id = ? AND n = ?", arguments: [t, vout])
                {
                    out.append(.output(id: row[0], tx: t))
                }
            case .transaction(let text):
                if let hash = Hash256(displayHex: text), let t = try Self.mainTransaction(db, hash) {
                    for id in try Int64.fetchAll(
                        db, sql: "SELECT id FROM outputs WHERE tx_id = ? ORDER BY n", arguments: [t])
                    {
                        out.append(.output(id: id, tx: t))
                    }
                    return out
                }
                for row in try GRDB.Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, asset_id FROM transfers WHERE (tx = ? OR tx = ?) AND kind != ? AND status IS NOT 0
                        ORDER BY id
                        """, arguments: [text, text.lowercased(), fee])
                {
                    out.append(.transfer(id: row[0], asset: row[1]))
                }
            case .address(let text):
                guard let address = try Self.addressId(db, text) else { return out }
                for row in try GRDB.Row.fetchAll(
                    db,
                    sql: """
                        SELECT o.id, o.tx_id FROM outputs o JOIN transactions t ON t.id = o.tx_id
                        JOIN blocks b ON b.id = t.block_id
                        WHERE o.address_id = ? AND b.in_main_chain = 1 AND b.time BETWEEN ? AND ? ORDER BY o.id
                        """, arguments: [address, lo, hi])
                {
                    out.append(.output(id: row[0], tx: row[1]))
                }
                for row in try GRDB.Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, asset_id FROM transfers WHERE to_id = ? AND kind != ? AND status IS NOT 0
                          AND time BETWEEN ? AND ? ORDER BY id
                        """, arguments: [address, fee, lo, hi])
                {
                    out.append(.transfer(id: row[0], asset: row[1]))
                }
            case .sent(let text):
                guard let address = try Self.addressId(db, text) else { return out }
                for row in try GRDB.Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, asset_id FROM transfers WHERE from_id = ? AND kind != ? AND status IS NOT 0
                          AND time BETWEEN ? AND ? ORDER BY id
                        """, arguments: [address, fee, lo, hi])
                {
                    out.append(.transfer(id: row[0], asset: row[1]))
                }
            }
            return out
        }
    }

    /// Whether `text` is a stored address (exact, or lowercase for hex and bech32).
    public func isTraceAddress(_ text: String) throws(StoreError) -> Bool {
        try read("reading addresses") { db in try Self.addressId(db, text) != nil }
    }

    /// What an address did besides receiving, for a seed that received nothing: the transfers
    /// it paid in the window (fees and failed transfers left out), and the main-chain Bitcoin
    /// transactions that spent, in the window, outputs of it this store does not hold (known
    /// only from a source's prevout), with the first few of their txids. Nil for an unknown
    /// address.
    public func traceAddressOutflows(_ text: String, since: Int64?, until: Int64?, examples: Int = 3)
        throws(StoreError) -> TraceAddressOutflows?
    {
        let lo = since ?? Int64.min
        let hi = until ?? Int64.max
        return try read("reading an address's outflows") { db in
            guard let address = try Self.addressId(db, text) else { return nil }
            let sent =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM transfers WHERE from_id = ? AND kind != ? AND status IS NOT 0
                          AND time BETWEEN ? AND ?
                        """, arguments: [address, TransferKind.fee.rawValue, lo, hi]) ?? 0
            var txids: [String] = []
            var spent = 0
            for row in try GRDB.Row.fetchAll(
                db,
                sql: """
                    SELECT t.txid FROM prevouts p JOIN inputs i ON i.id = p.input_id
                    JOIN transactions t ON t.id = i.tx_id JOIN blocks b ON b.id = t.block_id
                    WHERE p.address_id = ? AND b.in_main_chain = 1 AND b.time BETWEEN ? AND ?
                    GROUP BY t.id ORDER BY t.id
                    """, arguments: [address, lo, hi])
            {
                spent += 1
                if txids.count < examples, let hash = Hash256(displayBytes: row.bytes(0)) {
                    txids.append(hash.hex)
                }
            }
            return TraceAddressOutflows(transfers: sent, spendingTransactions: spent, exampleTxids: txids)
        }
    }

    static func addressId(_ db: Database, _ text: String) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: "SELECT id FROM addresses WHERE address = ? OR address = ? ORDER BY address = ? DESC",
            arguments: [text, text.lowercased(), text])
    }

    /// The main-chain copy of a transaction (else the last stored one).
    static func mainTransaction(_ db: Database, _ hash: Hash256) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT t.id FROM transactions t JOIN blocks b ON b.id = t.block_id WHERE t.txid = ?
                ORDER BY b.in_main_chain DESC, t.id DESC LIMIT 1
                """, arguments: [Data(hash.displayBytes)])
    }

    /// The address id of each address text (exact, or lowercase for hex and bech32).
    public func traceAddressIds(_ texts: [String]) throws(StoreError) -> [String: UInt32] {
        try read("reading addresses") { db in
            let find = try db.makeStatement(sql: "SELECT id FROM addresses WHERE address = ? OR address = ?")
            var out: [String: UInt32] = [:]
            for t in Set(texts) {
                if let id = try Int64.fetchOne(find, arguments: [t, t.lowercased()]) {
                    out[t] = UInt32(truncatingIfNeeded: id)
                }
            }
            return out
        }
    }

    // MARK: Tags and names

    /// Address ids tagged with any of `categories`.
    public func taggedAddressIds(categories: [String]) throws(StoreError) -> Set<UInt32> {
        try read("reading tags") { db in
            var out = Set<UInt32>()
            for category in Set(categories) {
                for id in try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT a.id FROM tags t JOIN addresses a ON a.address = t.address WHERE t.category = ?
                        """, arguments: [category])
                {
                    out.insert(UInt32(truncatingIfNeeded: id))
                }
            }
            return out
        }
    }

    /// Tag categories of each address id that has tags (sorted, distinct): one pass over the
    /// tags table, kept for the ids asked.
    public func tagCategories(_ ids: [UInt32]) throws(StoreError) -> [UInt32: [String]] {
        let wanted = Set(ids)
        if wanted.isEmpty { return [:] }
        return try read("reading tags") { db in
            var out: [UInt32: Set<String>] = [:]
            for row in try GRDB.Row.fetchAll(
                db, sql: "SELECT a.id, t.category FROM tags t JOIN addresses a ON a.address = t.address")
            {
                let id = UInt32(truncatingIfNeeded: row[0] as Int64)
                if wanted.contains(id) { out[id, default: []].insert(row[1]) }
            }
            return out.mapValues { $0.sorted() }
        }
    }

    /// Address texts of ids, read in chunks of 500 ids (ascending).
    public func traceAddressTexts(_ ids: [UInt32]) throws(StoreError) -> [UInt32: String] {
        let sorted = Set(ids).sorted()
        return try read("reading addresses") { db in
            var out: [UInt32: String] = [:]
            var start = 0
            while start < sorted.count {
                let chunk = sorted[start..<min(start + 500, sorted.count)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try GRDB.Row.fetchAll(
                    db, sql: "SELECT id, address FROM addresses WHERE id IN (\(marks))",
                    arguments: StatementArguments(chunk.map { Int64($0) }))
                {
                    out[UInt32(truncatingIfNeeded: row[0] as Int64)] = row[1]
                }
                start += 500
            }
            return out
        }
    }

    /// Txid and position of outputs by `outputs.id`.
    public func traceOutpoints(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceOutpoint] {
        try read("reading outputs") { db in
            let find = try db.makeStatement(
                sql: "SELECT t.txid, o.n FROM outputs o JOIN transactions t ON t.id = o.tx_id WHERE o.id = ?")
            var out: [Int64: TraceOutpoint] = [:]
            for id in Set(ids) {
                if let row = try GRDB.Row.fetchOne(find, arguments: [id]) {
                    out[id] = TraceOutpoint(txid: Hash256(displayBytes: row.bytes(0))?.hex ?? "", n: row[1])
                }
            }
            return out
        }
    }

    /// Spending transaction, position and named prevout of inputs by `inputs.id`.
    public func traceInputs(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceInputRef] {
        try read("reading inputs") { db in
            let find = try db.makeStatement(
                sql: """
                    SELECT t.txid, i.n, i.prev_txid, i.prev_vout FROM inputs i JOIN transactions t ON t.id = i.tx_id
                    WHERE i.id = ?
                    """)
            var out: [Int64: TraceInputRef] = [:]
            for id in Set(ids) {
                if let row = try GRDB.Row.fetchOne(find, arguments: [id]) {
                    out[id] = TraceInputRef(
                        txid: Hash256(displayBytes: row.bytes(0))?.hex ?? "", n: row[1],
                        prevTxid: row.optionalBytes(2).flatMap { Hash256(displayBytes: $0)?.hex },
                        prevVout: row[3])
                }
            }
            return out
        }
    }

    /// Transaction text, time and kind of transfers by `transfers.id`.
    public func traceTransfers(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceTransferRef] {
        try read("reading transfers") { db in
            let find = try db.makeStatement(sql: "SELECT tx, time, kind FROM transfers WHERE id = ?")
            var out: [Int64: TraceTransferRef] = [:]
            for id in Set(ids) {
                if let row = try GRDB.Row.fetchOne(find, arguments: [id]) {
                    out[id] = TraceTransferRef(
                        tx: row[0], time: row[1], kind: TransferKind(rawValue: row[2] as Int64))
                }
            }
            return out
        }
    }

    /// Assets by id.
    public func traceAssets() throws(StoreError) -> [TraceAsset] {
        try read("reading assets") { db in
            try GRDB.Row.fetchAll(
                db, sql: "SELECT id, chain, symbol, contract, decimals FROM assets ORDER BY id"
            ).map {
                TraceAsset(id: $0[0], chain: $0[1], symbol: $0[2], contract: $0[3], decimals: $0[4])
            }
        }
    }
}

/// The transactions, outputs, inputs and prevouts tables as arrays indexed by `id - min`.
struct TraceTables: Sendable {
    var txMin: Int64 = 0
    var txCount = 0
    var txPresent: [Bool] = []
    var txCoinbase: [Bool] = []
    var txFirstInput: [Int64] = []
    var txInputCount: [Int32] = []
    var txFirstOutput: [Int64] = []
    var txOutputCount: [Int32] = []
    var outputMin: Int64 = 0
    var outputValue: [Int64] = []
    var outputAddress: [UInt32] = []
    var inputMin: Int64 = 0
    /// `spent_output_id`, -1 for NULL.
    var inputSpent: [Int64] = []
    var prevouts: [Int64: (value: Int64, address: UInt32)] = [:]

    enum Part: Int, CaseIterable {
        case transactions, outputs, inputs, prevouts
    }

    static func load(path: String, threads: Int) throws(StoreError) -> TraceTables {
        let parts = Part.allCases
        var t = TraceTables()
        do {
            for r in try parallelMap(
                parts.count, threads: threads, { i in try Self.read(parts[i], path: path) })
            {
                switch r.part {
                case .transactions:
                    t.txMin = r.tables.txMin
                    t.txCount = r.tables.txCount
                    t.txPresent = r.tables.txPresent
                    t.txCoinbase = r.tables.txCoinbase
                    t.txFirstInput = r.tables.txFirstInput
                    t.txInputCount = r.tables.txInputCount
                    t.txFirstOutput = r.tables.txFirstOutput
                    t.txOutputCount = r.tables.txOutputCount
                case .outputs:
                    t.outputMin = r.tables.outputMin
                    t.outputValue = r.tables.outputValue
                    t.outputAddress = r.tables.outputAddress
                case .inputs:
                    t.inputMin = r.tables.inputMin
                    t.inputSpent = r.tables.inputSpent
                case .prevouts:
                    t.prevouts = r.tables.prevouts
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.wrap(error, path: path, doing: "loading the graph for tracing")
        }
        return t
    }

    /// Reads one table on its own read-only connection.
    static func read(_ part: Part, path: String) throws -> (part: Part, tables: TraceTables) {
        var config = Configuration()
        config.readonly = true
        config.label = "chainflow-trace-reader"
        let queue = try GraphStore.openReader(path: path, configuration: config)
        var t = TraceTables()
        try queue.read { db in
            func bounds(_ table: String) throws -> (Int64, Int) {
                let row = try GRDB.Row.fetchOne(db, sql: "SELECT MIN(id), MAX(id) FROM \(table)")
                guard let lo = row?[0] as Int64?, let hi = row?[1] as Int64? else { return (0, 0) }
                return (lo, Int(hi - lo + 1))
            }
            switch part {
            case .transactions:
                let (lo, n) = try bounds("transactions")
                t.txMin = lo
                t.txCount = n
                t.txPresent = [Bool](repeating: false, count: n)
                t.txCoinbase = [Bool](repeating: false, count: n)
                t.txFirstInput = [Int64](repeating: 0, count: n)
                t.txInputCount = [Int32](repeating: 0, count: n)
                t.txFirstOutput = [Int64](repeating: 0, count: n)
                t.txOutputCount = [Int32](repeating: 0, count: n)
                try SQLiteScan.run(
                    db,
                    "SELECT id, is_coinbase, first_input_id, input_count, first_output_id, output_count FROM transactions"
                ) { r in
                    let k = Int(r.int(0) - lo)
                    t.txPresent[k] = true
                    t.txCoinbase[k] = r.int(1) != 0
                    t.txFirstInput[k] = r.int(2)
                    t.txInputCount[k] = Int32(truncatingIfNeeded: r.int(3))
                    t.txFirstOutput[k] = r.int(4)
                    t.txOutputCount[k] = Int32(truncatingIfNeeded: r.int(5))
                }
            case .outputs:
                let (lo, n) = try bounds("outputs")
                t.outputMin = lo
                t.outputValue = [Int64](repeating: 0, count: n)
                t.outputAddress = [UInt32](repeating: 0, count: n)
                try SQLiteScan.run(db, "SELECT id, value, address_id FROM outputs") { r in
                    let k = Int(r.int(0) - lo)
                    t.outputValue[k] = r.int(1)
                    t.outputAddress[k] = UInt32(truncatingIfNeeded: r.int(2))
                }
            case .inputs:
                let (lo, n) = try bounds("inputs")
                t.inputMin = lo
                t.inputSpent = [Int64](repeating: -1, count: n)
                try SQLiteScan.run(db, "SELECT id, spent_output_id FROM inputs") { r in
                    t.inputSpent[Int(r.int(0) - lo)] = r.optionalInt(1) ?? -1
                }
            case .prevouts:
                try SQLiteScan.run(db, "SELECT input_id, value, address_id FROM prevouts") { r in
                    t.prevouts[r.int(0)] = (r.int(1), UInt32(truncatingIfNeeded: r.int(2)))
                }
            }
        }
        return (part, t)
    }
}
