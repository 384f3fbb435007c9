public import FlowModel

/// The kinds of file ethereum-etl exports (`export_blocks_and_transactions`, `export_receipts_and_logs`,
/// `export_token_transfers`, `export_tokens`, `export_traces`), in the order one ingest run
/// processes them: lookups (tokens, blocks, receipts) before the files that use them.
public enum EthereumETLRole: String, CaseIterable, Sendable, Comparable {
    case tokens
    case blocks
    case receipts
    case transactions
    /// Before token_transfers: the token transfers decoded from logs (with their token ids) are
    /// the ones stored when both files give the same event.
    case logs
    case tokenTransfers = "token_transfers"
    case traces

    /// The role `FormatDetector` named (`DetectedFormat.role`).
    public init?(detected role: String?) {
        guard let role, let r = EthereumETLRole(rawValue: role) else { return nil }
        self = r
    }

    /// Processing order within one run.
    public var phase: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (a: EthereumETLRole, b: EthereumETLRole) -> Bool { a.phase < b.phase }

    /// The role of `table`: the detected one, else from the header or first object's keys; nil
    /// for an empty file (nothing to read).
    public static func of(_ table: ETLTable, detected: DetectedFormat) throws(IngestError) -> EthereumETLRole?
    {
        if let role = EthereumETLRole(detected: detected.role) { return role }
        if table.isEmpty && table.header.isEmpty { return nil }
        let guess = FormatDetector.detect(head: [UInt8](table.data.prefix(FormatDetector.headLength)))
        if let guess, guess.format == .ethereumETL, let role = EthereumETLRole(detected: guess.role) {
            return role
        }
        throw IngestError(
            .unknownFormat,
            "cannot tell which ethereum-etl export this is: its "
                + (table.syntax == .csv ? "header" : "first object's keys")
                + " match none of "
                + EthereumETLRole.allCases.map(\.rawValue).joined(separator: ", "),
            file: table.path, line: 1)
    }
}

/// A block: the time its transactions, token transfers and traces get, and its validator
/// withdrawals (Shanghai and later).
public struct ETHBlock: Sendable, Equatable {
    public var number: Int64
    /// Unix seconds.
    public var timestamp: Int64
    public var miner: String?
    public var withdrawals: [ETHWithdrawal]
    /// The block hash, when the export has it (lowercase `0x…`).
    public var hash: String? = nil
}

/// A consensus-layer withdrawal credited to an address (amount in Gwei, as the block says).
public struct ETHWithdrawal: Sendable, Equatable {
    public var index: Int64
    public var validatorIndex: Int64?
    public var address: String
    public var amountGwei: UInt256

    /// The amount in wei.
    public var amountWei: UInt256? { amountGwei.multipliedReportingOverflow(by: 1_000_000_000) }
}

/// A receipt: whether the transaction succeeded, the gas it used and the price paid.
public struct ETHReceipt: Sendable, Equatable {
    public var transactionHash: String
    public var blockNumber: Int64?
    public var gasUsed: UInt64?
    /// Wei per gas actually paid (receipts of newer exports); nil when absent.
    public var effectiveGasPrice: UInt256?
    /// The created contract, for a contract-creation transaction.
    public var contractAddress: String?
    /// true: succeeded; false: failed (reverted); nil: unknown (receipts before Byzantium
    /// have a state `root` instead of a status).
    public var status: Bool?

    public init(
        transactionHash: String, blockNumber: Int64? = nil, gasUsed: UInt64? = nil,
        effectiveGasPrice: UInt256? = nil, contractAddress: String? = nil, status: Bool? = nil
    ) {
        self.transactionHash = transactionHash
        self.blockNumber = blockNumber
        self.gasUsed = gasUsed
        self.effectiveGasPrice = effectiveGasPrice
        self.contractAddress = contractAddress
        self.status = status
    }
}

/// A transaction: its own ETH value from sender to recipient, and what its fee needs.
public struct ETHTransaction: Sendable, Equatable {
    public var hash: String
    public var blockNumber: Int64
    public var transactionIndex: Int64?
    public var from: String
    /// nil for a contract creation.
    public var to: String?
    public var value: UInt256
    /// Wei per gas. For a mined EIP-1559 transaction the node reports the effective price here.
    public var gasPrice: UInt256?
    public var blockTimestamp: Int64?
    /// Receipt fields carried in the transaction row (`receipt_status`, `receipt_gas_used`…,
    /// as BigQuery's table and ethereum-etl's streaming output have them).
    public var receipt: ETHReceipt?
    /// The hash of its block, when the export has it.
    public var blockHash: String? = nil
}

/// A token `Transfer` event as ethereum-etl decoded it: ERC-20 (upstream), and, in exports with
/// a `token_id` column (forks that decode NFTs), ERC-721 and ERC-1155 transfers.
public struct ETHTokenTransfer: Sendable, Equatable {
    public var token: String
    public var from: String
    public var to: String
    public var value: UInt256
    public var transactionHash: String
    public var logIndex: Int64
    public var blockNumber: Int64
    public var blockTimestamp: Int64?
    /// `token_id`, when the export has it.
    public var tokenId: UInt256? = nil
    /// `token_standard` (`ERC-20`, `ERC-721`, `ERC-1155`), when the export has it.
    public var standard: String? = nil
    /// `operator_address` (ERC-1155), when the export has it.
    public var operatorAddress: String? = nil

    /// Whether the row is an ERC-721 transfer: its `token_standard` says so, or (an export with
    /// token ids but no standard) it has a token id, value 0 and no operator, as those exports
    /// write an NFT transfer.
    public var isNonFungible: Bool {
        if let standard { return standard.uppercased() == "ERC-721" || standard.uppercased() == "ERC721" }
        return tokenId != nil && value == .zero && operatorAddress == nil
    }
}

/// A log row (`export_receipts_and_logs` logs): one event of a contract.
public struct ETHLog: Sendable, Equatable {
    public var transactionHash: String
    public var logIndex: Int64
    public var blockNumber: Int64
    public var address: String
    public var topics: [UInt256]
    public var data: [UInt8]
    public var blockTimestamp: Int64?

    public init(
        transactionHash: String, logIndex: Int64, blockNumber: Int64, address: String, topics: [UInt256],
        data: [UInt8], blockTimestamp: Int64? = nil
    ) {
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.blockNumber = blockNumber
        self.address = address
        self.topics = topics
        self.data = data
        self.blockTimestamp = blockTimestamp
    }
}

/// A token contract's metadata (`export_tokens`).
public struct ETHToken: Sendable, Equatable {
    public var address: String
    public var symbol: String?
    public var name: String?
    /// nil when unknown or not a sensible count of decimals (0…255).
    public var decimals: Int?

    public init(address: String, symbol: String?, name: String?, decimals: Int?) {
        self.address = address
        self.symbol = symbol
        self.name = name
        self.decimals = decimals
    }
}

/// A trace: one call, creation, self-destruct, or reward.
public struct ETHTrace: Sendable, Equatable {
    public var blockNumber: Int64
    public var transactionHash: String?
    public var transactionIndex: Int64?
    public var from: String?
    public var to: String?
    /// Zero when the export leaves it empty.
    public var value: UInt256
    /// `call`, `create`, `suicide`, `reward`, `genesis`, `daofork`.
    public var traceType: String
    /// `call`, `callcode`, `delegatecall`, `staticcall` for calls.
    public var callType: String?
    public var traceAddress: [Int]
    /// The trace itself failed: an `error`, or `status` 0.
    public var failed: Bool
    public var traceId: String?
    public var blockTimestamp: Int64?

    /// A trace with no transaction: block and uncle rewards, genesis allocations, the DAO fork.
    public var isBlockScoped: Bool { transactionHash == nil && transactionIndex == nil }
}

// MARK: Decoders

/// Reads typed records from rows of one table; columns are resolved once per file, and the
/// columns a record cannot do without are checked against the CSV header up front.
public struct ETLDecoder {
    public let table: ETLTable
    public let role: EthereumETLRole

    /// The columns each role needs (others are optional).
    public static func requiredColumns(_ role: EthereumETLRole) -> [String] {
        switch role {
        case .blocks: ["number", "timestamp"]
        case .transactions: ["hash", "block_number", "from_address", "to_address", "value"]
        case .receipts: ["transaction_hash", "gas_used"]
        case .tokenTransfers:
            [
                "token_address", "from_address", "to_address", "value", "transaction_hash", "log_index",
                "block_number",
            ]
        case .tokens: ["address"]
        case .traces:
            [
                "block_number", "transaction_hash", "from_address", "to_address", "value", "trace_type",
                "trace_address",
            ]
        case .logs: ["log_index", "transaction_hash", "block_number", "address", "topics"]
        }
    }

    public init(table: ETLTable, role: EthereumETLRole) throws(IngestError) {
        self.table = table
        self.role = role
        try table.require(Self.requiredColumns(role))
    }

    private func c(_ name: String) -> ETLColumn { table.column(name) }

    // Typed field readers: `need…` for a value the row must have, `optional…` for one it may
    // leave empty.

    static let unsigned = "an unsigned integer"
    static let baseUnits = "an unsigned integer (base units, e.g. wei)"
    static let addressShape = "an address (0x and 40 hex digits)"
    static let hashShape = "a transaction hash (0x and 64 hex digits)"
    static let timeShape = "a time (Unix seconds or YYYY-MM-DD HH:MM:SS UTC)"
    static let topicShape = "a topic (0x and 64 hex digits)"
    static let dataShape = "hex data (0x and an even number of hex digits)"

    func optional<T>(_ row: ETLRow, _ col: ETLColumn, _ expected: String, _ parse: (String) -> T?)
        throws(IngestError) -> T?
    {
        guard let text = try row.text(col) else { return nil }
        guard let v = parse(text) else {
            throw row.error(col, "\(col.name) \(quoted(text)) is not \(expected)")
        }
        return v
    }

    func need<T>(_ row: ETLRow, _ col: ETLColumn, _ expected: String, _ parse: (String) -> T?)
        throws(IngestError) -> T
    {
        let text = try row.required(col)
        guard let v = parse(text) else {
            throw row.error(col, "\(col.name) \(quoted(text)) is not \(expected)")
        }
        return v
    }

    /// 1/0 (also true/false): nil when empty.
    func flag(_ row: ETLRow, _ col: ETLColumn) throws(IngestError) -> Bool? {
        guard let text = try row.text(col) else { return nil }
        switch text.lowercased() {
        case "1", "true", "0x1": return true
        case "0", "false", "0x0": return false
        default: throw row.error(col, "\(col.name) \(quoted(text)) is not 1 or 0")
        }
    }

    // MARK: Records

    public func block(_ row: ETLRow) throws(IngestError) -> ETHBlock {
        let number = try need(row, c("number"), Self.unsigned, ETLValue.integer)
        let timestamp = try need(row, c("timestamp"), Self.timeShape, ETLValue.time)
        let miner = try optional(row, c("miner"), Self.addressShape, ETLValue.address)
        var withdrawals: [ETHWithdrawal] = []
        let wc = c("withdrawals")
        if let list = try row.jsonValue(wc), !list.isNull {
            guard let items = list.array else {
                throw row.error(wc, "withdrawals is not a list of objects")
            }
            for item in items {
                guard let index = item["index"]?.numberText.flatMap(ETLValue.integer),
                    let address = item["address"]?.string.flatMap(ETLValue.address),
                    let amount = item["amount"]?.numberText.flatMap(ETLValue.quantity)
                else {
                    throw row.error(
                        wc,
                        "withdrawal \(quoted(String(describing: item), limit: 80)) needs index, address (0x and 40 hex digits) and amount (Gwei)"
                    )
                }
                let validator = item["validator_index"]?.numberText.flatMap(ETLValue.integer)
                withdrawals.append(
                    ETHWithdrawal(
                        index: index, validatorIndex: validator, address: address, amountGwei: amount))
            }
        }
        var block = ETHBlock(number: number, timestamp: timestamp, miner: miner, withdrawals: withdrawals)
        // Compared, never decoded: any text names the block (test exports shorten it).
        block.hash = try row.text(c("hash"))?.lowercased()
        return block
    }

    public func receipt(_ row: ETLRow) throws(IngestError) -> ETHReceipt {
        let gasUsed = try optional(row, c("gas_used"), Self.unsigned, ETLValue.quantity)
        guard gasUsed == nil || gasUsed?.uint64 != nil else {
            throw row.error(c("gas_used"), "gas_used is beyond 2^64")
        }
        return ETHReceipt(
            transactionHash: try need(row, c("transaction_hash"), Self.hashShape, ETLValue.hash),
            blockNumber: try optional(row, c("block_number"), Self.unsigned, ETLValue.integer),
            gasUsed: gasUsed?.uint64,
            effectiveGasPrice: try optional(row, c("effective_gas_price"), Self.baseUnits, ETLValue.quantity),
            contractAddress: try optional(row, c("contract_address"), Self.addressShape, ETLValue.address),
            status: try flag(row, c("status")))
    }

    public func transaction(_ row: ETLRow) throws(IngestError) -> ETHTransaction {
        let hash = try need(row, c("hash"), Self.hashShape, ETLValue.hash)
        var receipt: ETHReceipt?
        // Receipt fields merged into the transaction (BigQuery, ethereum-etl streaming).
        if let gasUsed = try optional(row, c("receipt_gas_used"), Self.unsigned, ETLValue.quantity) {
            guard let small = gasUsed.uint64 else {
                throw row.error(c("receipt_gas_used"), "receipt_gas_used is beyond 2^64")
            }
            receipt = ETHReceipt(
                transactionHash: hash, gasUsed: small,
                effectiveGasPrice: try optional(
                    row, c("receipt_effective_gas_price"), Self.baseUnits, ETLValue.quantity),
                contractAddress: try optional(
                    row, c("receipt_contract_address"), Self.addressShape, ETLValue.address),
                status: try flag(row, c("receipt_status")))
        }
        var tx = ETHTransaction(
            hash: hash,
            blockNumber: try need(row, c("block_number"), Self.unsigned, ETLValue.integer),
            transactionIndex: try optional(row, c("transaction_index"), Self.unsigned, ETLValue.integer),
            from: try need(row, c("from_address"), Self.addressShape, ETLValue.address),
            to: try optional(row, c("to_address"), Self.addressShape, ETLValue.address),
            value: try need(row, c("value"), Self.baseUnits, ETLValue.quantity),
            gasPrice: try optional(row, c("gas_price"), Self.baseUnits, ETLValue.quantity),
            blockTimestamp: try optional(row, c("block_timestamp"), Self.timeShape, ETLValue.time),
            receipt: receipt)
        tx.blockHash = try row.text(c("block_hash"))?.lowercased()
        return tx
    }

    /// A log: `topics` as a JSON list (JSON lines) or the topics joined by commas (CSV, and
    /// JSON lines that write them so); `data` as `0x` hex (empty: no data).
    public func log(_ row: ETLRow) throws(IngestError) -> ETHLog {
        let tc = c("topics")
        var texts: [String] = []
        if let node = try topicsNode(row, tc) {
            guard let items = node.array else {
                throw row.error(tc, "topics is not a list of topics")
            }
            for item in items {
                guard let t = item.string else {
                    throw row.error(
                        tc, "topics \(quoted(String(describing: item), limit: 80)) is not a list of topics")
                }
                texts.append(t)
            }
        } else if let text = try row.text(tc) {
            texts = text.split(separator: ",", omittingEmptySubsequences: false).map {
                String($0.drop { $0 == " " })
            }
        }
        guard texts.count <= 4 else {
            throw row.error(tc, "topics has \(texts.count) topics; a log has at most 4")
        }
        var topics: [UInt256] = []
        for t in texts {
            guard let v = ETLValue.topic(t) else {
                throw row.error(tc, "topic \(quoted(t)) is not \(Self.topicShape)")
            }
            topics.append(v)
        }
        return ETHLog(
            transactionHash: try need(row, c("transaction_hash"), Self.hashShape, ETLValue.hash),
            logIndex: try need(row, c("log_index"), Self.unsigned, ETLValue.integer),
            blockNumber: try need(row, c("block_number"), Self.unsigned, ETLValue.integer),
            address: try need(row, c("address"), Self.addressShape, ETLValue.address),
            topics: topics,
            data: try optional(row, c("data"), Self.dataShape, ETLValue.data) ?? [],
            blockTimestamp: try optional(row, c("block_timestamp"), Self.timeShape, ETLValue.time))
    }

    /// The topics as a JSON list (JSON lines), nil when they are text.
    private func topicsNode(_ row: ETLRow, _ col: ETLColumn) throws(IngestError) -> JSONNode? {
        guard table.syntax == .jsonLines, let node = try row.jsonValue(col), !node.isNull else { return nil }
        return node.string == nil ? node : nil
    }

    public func tokenTransfer(_ row: ETLRow) throws(IngestError) -> ETHTokenTransfer {
        ETHTokenTransfer(
            token: try need(row, c("token_address"), Self.addressShape, ETLValue.address),
            from: try need(row, c("from_address"), Self.addressShape, ETLValue.address),
            to: try need(row, c("to_address"), Self.addressShape, ETLValue.address),
            value: try need(row, c("value"), Self.baseUnits, ETLValue.quantity),
            transactionHash: try need(row, c("transaction_hash"), Self.hashShape, ETLValue.hash),
            logIndex: try need(row, c("log_index"), Self.unsigned, ETLValue.integer),
            blockNumber: try need(row, c("block_number"), Self.unsigned, ETLValue.integer),
            blockTimestamp: try optional(row, c("block_timestamp"), Self.timeShape, ETLValue.time),
            tokenId: try optional(row, c("token_id"), Self.unsigned, ETLValue.quantity),
            standard: try row.text(c("token_standard")),
            operatorAddress: try optional(row, c("operator_address"), Self.addressShape, ETLValue.address))
    }

    public func token(_ row: ETLRow) throws(IngestError) -> ETHToken {
        var decimals: Int?
        let dc = c("decimals")
        if let text = try row.text(dc) {
            guard let v = ETLValue.quantity(text) else {
                throw row.error(dc, "decimals \(quoted(text)) is not an unsigned integer")
            }
            // Contracts may answer anything; only a usable count is kept.
            if let small = v.uint64, small <= 255 { decimals = Int(small) }
        }
        return ETHToken(
            address: try need(row, c("address"), Self.addressShape, ETLValue.address),
            symbol: try row.text(c("symbol")),
            name: try row.text(c("name")),
            decimals: decimals)
    }

    public func trace(_ row: ETLRow) throws(IngestError) -> ETHTrace {
        let tac = c("trace_address")
        var path: [Int] = []
        if let node = try traceAddressNode(row, tac) {
            path = node
        }
        let error = try row.text(c("error"))
        let status = try flag(row, c("status"))
        let traceType = try row.required(c("trace_type"))
        return ETHTrace(
            blockNumber: try need(row, c("block_number"), Self.unsigned, ETLValue.integer),
            transactionHash: try optional(row, c("transaction_hash"), Self.hashShape, ETLValue.hash),
            transactionIndex: try optional(row, c("transaction_index"), Self.unsigned, ETLValue.integer),
            from: try optional(row, c("from_address"), Self.addressShape, ETLValue.address),
            to: try optional(row, c("to_address"), Self.addressShape, ETLValue.address),
            value: try optional(row, c("value"), Self.baseUnits, ETLValue.quantity) ?? .zero,
            traceType: traceType,
            callType: try row.text(c("call_type")),
            traceAddress: path,
            failed: error != nil || status == false,
            traceId: try row.text(c("trace_id")),
            blockTimestamp: try optional(row, c("block_timestamp"), Self.timeShape, ETLValue.time))
    }

    private func traceAddressNode(_ row: ETLRow, _ col: ETLColumn) throws(IngestError) -> [Int]? {
        if table.syntax == .jsonLines, let node = try row.jsonValue(col), let items = node.array {
            var out: [Int] = []
            for item in items {
                guard let t = item.numberText, let v = ETLValue.integer(t), v < 1 << 31 else {
                    throw row.error(
                        col, "trace_address \(quoted(String(describing: node))) is not a list of indexes")
                }
                out.append(Int(v))
            }
            return out
        }
        guard let text = try row.text(col) else { return nil }
        guard let v = ETLValue.traceAddress(text) else {
            throw row.error(col, "trace_address \(quoted(text)) is not a list of indexes (e.g. 0,1,3)")
        }
        return v
    }
}
