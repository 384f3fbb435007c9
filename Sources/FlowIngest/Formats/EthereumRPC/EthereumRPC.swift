import FlowModel

package import struct Foundation.Data

/// A value of a JSON-RPC dump with the 1-based line where its object starts (provenance).
public struct Located<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    public var line: Int

    public init(_ value: Value, line: Int) {
        self.value = value
        self.line = line
    }
}

/// A block with its full transactions (`eth_getBlockByNumber` / `eth_getBlockByHash` with
/// `true`).
public struct RPCBlock: Sendable, Equatable {
    public var block: ETHBlock
    public var transactions: [Located<ETHTransaction>]
}

/// A receipt (`eth_getBlockReceipts`, `eth_getTransactionReceipt`, Erigon's
/// `erigon_getBlockReceiptsByBlockHash`): the outcome, gas and fee of its transaction, who sent
/// it, and its logs.
public struct RPCReceipt: Sendable, Equatable {
    public var receipt: ETHReceipt
    public var from: String?
    public var to: String?
    public var transactionIndex: Int64?
    /// Its logs, in order (logs a node marks `removed` are left out).
    public var logs: [Located<ETHLog>]
}

/// One item of a node's answer.
public enum RPCItem: Sendable, Equatable {
    case block(Located<RPCBlock>)
    /// A transaction on its own (`eth_getTransactionByHash`).
    case transaction(Located<ETHTransaction>)
    case receipt(Located<RPCReceipt>)
    /// A log on its own (`eth_getLogs`, `eth_getFilterLogs`, `erigon_getLogsByHash`).
    case log(Located<ETHLog>)
}

/// One top-level JSON value of a dump (an object, an element of a top-level array, or a JSON
/// line) and the items it holds; ingest commits a record at a time.
public struct RPCRecord: Sendable, Equatable {
    public var items: [RPCItem]
    public var line: Int
    /// Byte offset just after the record: where a resumed run continues.
    public var endOffset: Int
}

/// Ethereum node JSON-RPC dumps: what `eth_getBlockByNumber`/`eth_getBlockByHash` (with full
/// transactions), `eth_getBlockReceipts`, `eth_getTransactionReceipt`, `eth_getTransactionByHash`,
/// `eth_getLogs` and Erigon's `erigon_getBlockReceiptsByBlockHash` / `erigon_getLogsByHash` answer.
///
/// A file holds JSON values (one object, a JSON array of them, or JSON lines); each is the
/// answer's `result` itself (a block, a receipt, a log, or a list of them; lists may nest, as
/// `erigon_getLogsByHash` answers a list per transaction), a JSON-RPC response envelope
/// (`{"jsonrpc", "id", "result"}`; an `error` member is an error naming the call's message), a
/// batch (a list of envelopes), or a request/response capture (`{"request": …, "response": …}`,
/// the response an envelope or a batch, as recorded test files keep them). What each object is
/// comes from its members: `transactions` + `parentHash` (a block), `cumulativeGasUsed` or
/// `gasUsed` + `logs` (a receipt), `logIndex` + `topics` (a log), `nonce` + `from` + `value` (a
/// transaction). Quantities are JSON-RPC hex (`0x1a`); errors name the file, the line and column
/// of the value, its path (`response.result[3].logs[0].topics`) and the quoted value.
public enum EthereumRPC {
    /// The format name stored in `sources.format`.
    public static let format = "ethereum-rpc"

    /// Every record of the file at `path`.
    public static func read(path: String) throws(IngestError) -> [RPCRecord] {
        var reader = try JSONRecordReader(path: path)
        return try records(&reader)
    }

    /// Every record of `bytes`, as if they were the file `path`.
    public static func read(path: String, bytes: [UInt8]) throws(IngestError) -> [RPCRecord] {
        try read(path: path, data: Data(bytes))
    }

    /// Every record of `data` (a mapped file), as if it were the file `path`.
    package static func read(path: String, data: Data) throws(IngestError) -> [RPCRecord] {
        var reader = JSONRecordReader(path: path, data: data)
        return try records(&reader)
    }

    static func records(_ reader: inout JSONRecordReader) throws(IngestError) -> [RPCRecord] {
        var out: [RPCRecord] = []
        while let record = try reader.next() {
            let walker = Walker(record: record)
            var items: [RPCItem] = []
            try walker.top(record.node, path: "", into: &items)
            out.append(RPCRecord(items: items, line: record.location.line, endOffset: reader.bytesRead))
        }
        return out
    }

    /// Reads one record: where each object starts (for lines and errors), and the items.
    struct Walker {
        let record: JSONRecord
        /// Start and end offsets of every object and array of the record, in document order.
        let spans: [(start: Int, end: Int)]
        let newlines: [Int]
        /// The container index (into `spans`) of each object and array, by path.
        var index: [String: Int] = [:]

        init(record: JSONRecord) {
            self.record = record
            let location = record.location
            (spans, newlines) = location.source.withUnsafeBytes { raw in
                Self.containers(raw, location.range)
            }
            var n = 0
            number(record.node, "", &n)
        }

        /// Numbers the containers of `node` in document order (the order `containers` finds them).
        private mutating func number(_ node: JSONNode, _ path: String, _ n: inout Int) {
            switch node {
            case .object(let members):
                index[path] = n
                n += 1
                for (k, v) in members { number(v, path.isEmpty ? k : "\(path).\(k)", &n) }
            case .array(let items):
                index[path] = n
                n += 1
                for (i, v) in items.enumerated() { number(v, "\(path)[\(i)]", &n) }
            default: break
            }
        }

        /// The offsets of every object and array in `range`, in document order, and of every
        /// newline before the range's end.
        static func containers(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> (
            [(start: Int, end: Int)], [Int]
        ) {
            var out: [(start: Int, end: Int)] = []
            var stack: [Int] = []
            var newlines: [Int] = []
            for k in 0..<range.upperBound where raw[k] == 0x0a { newlines.append(k) }
            JSONRecordReader.forEachBracket(raw, range) { i, opens in
                if opens {
                    stack.append(out.count)
                    out.append((i, range.upperBound))
                } else if let open = stack.popLast() {
                    out[open].end = i + 1
                }
                return true
            }
            return (out, newlines)
        }

        /// Line and column of byte `offset`.
        func position(_ offset: Int) -> (line: Int, column: Int) {
            var lo = 0
            var hi = newlines.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if newlines[mid] < offset { lo = mid + 1 } else { hi = mid }
            }
            let lineStart = lo == 0 ? 0 : newlines[lo - 1] + 1
            return (lo + 1, offset - lineStart + 1)
        }

        /// The fields of the object at `path`, located where it starts, and its line.
        func fields(_ node: JSONNode, _ path: String) -> (JSONFields, Int) {
            let loc = record.location
            guard let i = index[path], i < spans.count else {
                return (JSONFields(node, loc, path: path), loc.line)
            }
            let (start, end) = spans[i]
            let (line, column) = position(start)
            let narrowed = JSONLocation(
                file: loc.file, line: line, column: column, offset: start, index: loc.index,
                source: loc.source,
                range: start..<end)
            return (JSONFields(node, narrowed, path: path), line)
        }

        static func member(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        // MARK: Envelopes

        func top(_ node: JSONNode, path: String, into items: inout [RPCItem]) throws(IngestError) {
            switch node {
            case .array(let elements):
                for (i, e) in elements.enumerated() { try top(e, path: "\(path)[\(i)]", into: &items) }
                return
            case .object: break
            default:
                throw record.location.error(
                    "expected a JSON-RPC answer (an object), found \(JSONFields.shown(node))", field: path)
            }
            if let response = node["response"], node["request"] != nil {
                // A capture: the response holds the answer (an envelope, or a batch of them).
                try top(response, path: Self.member(path, "response"), into: &items)
                return
            }
            if node["jsonrpc"] != nil || node["error"] != nil || (node["result"] != nil && node["id"] != nil)
            {
                let (f, _) = fields(node, path)
                if let error = f.optional("error") {
                    let message = error["message"]?.string ?? JSONFields.shown(error)
                    throw f.fail("error", "the RPC call failed: \(quoted(message, limit: 120))", value: error)
                }
                guard let result = f.node["result"] else {
                    throw f.failHere("a JSON-RPC response with no result")
                }
                try self.result(result, path: f.field("result"), into: &items)
                return
            }
            try result(node, path: path, into: &items)
        }

        /// An answer: an item, a list of them (lists may nest), or null (nothing found).
        func result(_ node: JSONNode, path: String, into items: inout [RPCItem]) throws(IngestError) {
            switch node {
            case .null: return
            case .array(let elements):
                for (i, e) in elements.enumerated() { try result(e, path: "\(path)[\(i)]", into: &items) }
            case .object:
                if let item = try item(node, path: path) { items.append(item) }
            default:
                let key = path.split(separator: ".").last.map { String($0.prefix { $0 != "[" }) }
                throw record.location.error(
                    "\(JSONFields.shown(node)) is not a block, transaction, receipt or log (a node's answer to eth_getBlockByNumber, eth_getBlockReceipts, eth_getTransactionReceipt or eth_getLogs)",
                    field: path.isEmpty ? "result" : path, key: key, valueText: JSONFields.sourceText(node))
            }
        }

        /// The item `node` is; nil for a log the node marked `removed`.
        func item(_ node: JSONNode, path: String) throws(IngestError) -> RPCItem? {
            func has(_ k: String) -> Bool { node[k] != nil }
            if has("transactions") && (has("parentHash") || has("miner")) {
                return .block(try block(node, path: path))
            }
            if has("cumulativeGasUsed") || (has("gasUsed") && has("logs") && has("transactionHash")) {
                return .receipt(try receipt(node, path: path))
            }
            if has("logIndex") && has("topics") {
                let (log, removed) = try log(node, path: path)
                return removed ? nil : .log(log)
            }
            let (f, line) = fields(node, path)
            if has("nonce") && has("from") && has("value") {
                return .transaction(Located(try transaction(f, blockTime: nil), line: line))
            }
            throw f.failHere(
                "neither an Ethereum block (number, parentHash, transactions), a receipt (transactionHash, gasUsed, cumulativeGasUsed, logs), a log (logIndex, topics, data) nor a transaction (hash, from, nonce, value)"
            )
        }

        // MARK: Items

        func block(_ node: JSONNode, path: String) throws(IngestError) -> Located<RPCBlock> {
            let (f, line) = fields(node, path)
            let list = try f.required("transactions")
            guard let txNodes = list.array else {
                throw f.fail(
                    "transactions", "expected a list of transactions, found \(JSONFields.shown(list))",
                    value: list)
            }
            let number = try integer(f, "number")
            let timestamp = try integer(f, "timestamp")
            var withdrawals: [ETHWithdrawal] = []
            if let ws = f.optional("withdrawals") {
                guard let items = ws.array else {
                    throw f.fail(
                        "withdrawals", "expected a list of withdrawals, found \(JSONFields.shown(ws))",
                        value: ws)
                }
                for (i, x) in items.enumerated() {
                    let (wf, _) = fields(x, "\(f.field("withdrawals"))[\(i)]")
                    guard case .object = x else { throw wf.failHere("expected a withdrawal object") }
                    withdrawals.append(
                        ETHWithdrawal(
                            index: try integer(wf, "index"),
                            validatorIndex: try optional(
                                wf, "validatorIndex", ETLValue.integer, Self.quantityShape),
                            address: try address(wf, "address"),
                            amountGwei: try quantity(wf, "amount")))
                }
            }
            let b = ETHBlock(
                number: number, timestamp: timestamp,
                miner: try optional(f, "miner", ETLValue.address, Self.addressShape), withdrawals: withdrawals
            )
            var txs: [Located<ETHTransaction>] = []
            for (i, t) in txNodes.enumerated() {
                let element = "\(f.field("transactions"))[\(i)]"
                guard case .object = t else {
                    throw f.fail(
                        "transactions",
                        "the block lists transaction hashes only (\(JSONFields.shown(t))); ask for full transactions (eth_getBlockByNumber with true as the second parameter)",
                        valueText: JSONFields.sourceText(t))
                }
                let (tf, tline) = fields(t, element)
                let tx = try transaction(tf, blockTime: timestamp)
                if tx.blockNumber != number {
                    throw tf.fail(
                        "blockNumber", "a transaction of block \(tx.blockNumber) listed in block \(number)",
                        value: tf.node["blockNumber"])
                }
                txs.append(Located(tx, line: tline))
            }
            return Located(RPCBlock(block: b, transactions: txs), line: line)
        }

        func transaction(_ f: JSONFields, blockTime: Int64?) throws(IngestError) -> ETHTransaction {
            ETHTransaction(
                hash: try hash(f, "hash"),
                blockNumber: try integer(f, "blockNumber"),
                transactionIndex: try optional(f, "transactionIndex", ETLValue.integer, Self.quantityShape),
                from: try address(f, "from"),
                to: try optional(f, "to", ETLValue.address, Self.addressShape),
                value: try quantity(f, "value"),
                gasPrice: try optional(f, "gasPrice", ETLValue.quantity, Self.quantityShape),
                blockTimestamp: try optional(f, "blockTimestamp", ETLValue.integer, Self.quantityShape)
                    ?? blockTime,
                receipt: nil)
        }

        func receipt(_ node: JSONNode, path: String) throws(IngestError) -> Located<RPCReceipt> {
            let (f, line) = fields(node, path)
            let list = try f.required("logs")
            guard let logNodes = list.array else {
                throw f.fail("logs", "expected a list of logs, found \(JSONFields.shown(list))", value: list)
            }
            let tx = try hash(f, "transactionHash")
            var logs: [Located<ETHLog>] = []
            for (i, l) in logNodes.enumerated() {
                let (log, removed) = try self.log(l, path: "\(f.field("logs"))[\(i)]")
                if log.value.transactionHash != tx {
                    throw f.fail(
                        "logs", "a log of transaction \(log.value.transactionHash) in the receipt of \(tx)",
                        valueText: nil)
                }
                if !removed { logs.append(log) }
            }
            let gasUsed = try quantity(f, "gasUsed")
            guard let gas = gasUsed.uint64 else {
                throw f.fail("gasUsed", "gasUsed is beyond 2^64", valueText: nil)
            }
            var status: Bool?
            if let s = f.optional("status") {
                switch s {
                case .bool(let b): status = b
                default:
                    switch s.numberText?.lowercased() {
                    case "0x1", "1": status = true
                    case "0x0", "0": status = false
                    default:
                        throw f.fail("status", "status \(JSONFields.shown(s)) is not 0x1 or 0x0", value: s)
                    }
                }
            }
            let r = ETHReceipt(
                transactionHash: tx,
                blockNumber: try optional(f, "blockNumber", ETLValue.integer, Self.quantityShape),
                gasUsed: gas,
                effectiveGasPrice: try optional(
                    f, "effectiveGasPrice", ETLValue.quantity, Self.quantityShape),
                contractAddress: try optional(f, "contractAddress", ETLValue.address, Self.addressShape),
                status: status)
            return Located(
                RPCReceipt(
                    receipt: r, from: try optional(f, "from", ETLValue.address, Self.addressShape),
                    to: try optional(f, "to", ETLValue.address, Self.addressShape),
                    transactionIndex: try optional(
                        f, "transactionIndex", ETLValue.integer, Self.quantityShape),
                    logs: logs),
                line: line)
        }

        /// A log, and whether the node marked it `removed` (a log of a block that left the chain).
        func log(_ node: JSONNode, path: String) throws(IngestError) -> (Located<ETHLog>, Bool) {
            let (f, line) = fields(node, path)
            guard case .object = node else {
                throw f.failHere("expected a log object, found \(JSONFields.shown(node))")
            }
            let topicsNode = try f.required("topics")
            guard let list = topicsNode.array else {
                throw f.fail(
                    "topics", "expected a list of topics, found \(JSONFields.shown(topicsNode))",
                    value: topicsNode)
            }
            guard list.count <= 4 else {
                throw f.fail("topics", "\(list.count) topics; a log has at most 4", valueText: nil)
            }
            var topics: [UInt256] = []
            for t in list {
                guard let s = t.string, let v = ETLValue.topic(s) else {
                    throw f.fail(
                        "topics", "topic \(JSONFields.shown(t)) is not \(Self.topicShape)",
                        valueText: JSONFields.sourceText(t))
                }
                topics.append(v)
            }
            let removed: Bool
            if case .bool(let b) = f.node["removed"] { removed = b } else { removed = false }
            let log = ETHLog(
                transactionHash: try hash(f, "transactionHash"),
                logIndex: try integer(f, "logIndex"),
                blockNumber: try integer(f, "blockNumber"),
                address: try address(f, "address"),
                topics: topics,
                data: try optional(f, "data", ETLValue.data, Self.dataShape) ?? [],
                blockTimestamp: try optional(f, "blockTimestamp", ETLValue.integer, Self.quantityShape))
            return (Located(log, line: line), removed)
        }

        // MARK: Values

        static let quantityShape = "a JSON-RPC quantity (0x and hex digits)"
        static let addressShape = "an address (0x and 40 hex digits)"
        static let hashShape = "a hash (0x and 64 hex digits)"
        static let topicShape = "a topic (0x and 64 hex digits)"
        static let dataShape = "hex data (0x and an even number of hex digits)"

        func text(_ f: JSONFields, _ key: String) -> String? {
            guard let v = f.optional(key) else { return nil }
            return v.numberText
        }

        func need<T>(_ f: JSONFields, _ key: String, _ parse: (String) -> T?, _ expected: String)
            throws(IngestError) -> T
        {
            let v = try f.required(key)
            guard let t = v.numberText, let x = parse(t) else {
                throw f.fail(key, "\(f.field(key)) \(JSONFields.shown(v)) is not \(expected)", value: v)
            }
            return x
        }

        func optional<T>(_ f: JSONFields, _ key: String, _ parse: (String) -> T?, _ expected: String)
            throws(IngestError) -> T?
        {
            guard let v = f.optional(key) else { return nil }
            guard let t = v.numberText, let x = parse(t) else {
                throw f.fail(key, "\(f.field(key)) \(JSONFields.shown(v)) is not \(expected)", value: v)
            }
            return x
        }

        func integer(_ f: JSONFields, _ key: String) throws(IngestError) -> Int64 {
            try need(f, key, ETLValue.integer, Self.quantityShape)
        }
        func quantity(_ f: JSONFields, _ key: String) throws(IngestError) -> UInt256 {
            try need(f, key, ETLValue.quantity, Self.quantityShape)
        }
        func address(_ f: JSONFields, _ key: String) throws(IngestError) -> String {
            try need(f, key, ETLValue.address, Self.addressShape)
        }
        func hash(_ f: JSONFields, _ key: String) throws(IngestError) -> String {
            try need(f, key, ETLValue.hash, Self.hashShape)
        }
    }
}

extension JSONFields {
    /// An error about member `key` whose value's source text is `valueText`.
    func fail(_ key: String, _ message: String, valueText: String?) -> IngestError {
        location.error(message, field: field(key), key: key, valueText: valueText)
    }
}
