public import FlowModel

/// An account-model transfer as an ethereum-etl export states it: addresses as text and the
/// asset named (ether or a token contract), before a store interns them.
///
/// `kind`, `tx` and `seq` are its identity: the same (tx, kind, seq) from two files is the same
/// transfer (a transactions row and the top-level trace of the same transaction give one row).
public struct EthereumTransfer: Sendable, Equatable {
    public var kind: TransferKind
    /// The transaction hash (lowercase `0x…`), or the id of a transfer with no transaction:
    /// `withdrawal_<index>`, or the trace id of a block reward, genesis allocation or DAO-fork move.
    public var tx: String
    /// 0 for a transaction's value and fee; log index + 1 for a token transfer;
    /// `EthereumMapper.seq(_:)` of its trace address for an internal transfer.
    public var seq: Int64
    /// nil: newly minted (rewards, withdrawals).
    public var from: String?
    /// nil: no recipient (a fee; a contract creation whose receipt is not known).
    public var to: String?
    /// The token contract; nil for ether.
    public var token: String?
    public var amount: UInt256
    /// Unix seconds: the time of its block.
    public var time: Int64
    public var block: Int64
    /// true: moved value; false: failed (moves nothing); nil: not known (no receipt).
    public var status: Bool?
    /// 1-based line of the row in its file.
    public var line: Int
    /// The token id of an ERC-721 or ERC-1155 transfer (`token` is its collection).
    public var tokenId: UInt256?

    public init(
        kind: TransferKind, tx: String, seq: Int64 = 0, from: String?, to: String?, token: String? = nil,
        amount: UInt256, time: Int64, block: Int64, status: Bool? = true, line: Int, tokenId: UInt256? = nil
    ) {
        self.kind = kind
        self.tx = tx
        self.seq = seq
        self.from = from
        self.to = to
        self.token = token
        self.amount = amount
        self.time = time
        self.block = block
        self.status = status
        self.line = line
        self.tokenId = tokenId
    }
}

/// A log as stored, and the token transfers it states.
public struct ETHLogRecords: Sendable, Equatable {
    public var log: EventLog
    /// ERC-20, ERC-721 and ERC-1155 transfers (`TokenEvents`): kind `token`, seq
    /// `TokenMovement.seq`, status true.
    public var transfers: [EthereumTransfer]
}

/// A row whose records are well formed but cannot be mapped: the field to blame (an
/// ethereum-etl column name) and why. The reader turns it into an `IngestError` at the row's
/// line and column (`ETLRow.error`).
public struct EthereumMappingError: Error, Sendable, Equatable {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// A receipt's facts a transaction of the run needs: its outcome, gas and created contract.
public struct ETHReceiptFacts: Sendable, Equatable {
    public var gasUsed: UInt64?
    public var effectiveGasPrice: UInt256?
    public var contractAddress: String?
    public var status: Bool?

    public init(_ r: ETHReceipt) {
        gasUsed = r.gasUsed
        effectiveGasPrice = r.effectiveGasPrice
        contractAddress = r.contractAddress
        status = r.status
    }
}

/// What a transactions row stores: its value transfer and, when its gas is known, its fee.
public struct ETHTransactionTransfers: Sendable, Equatable {
    /// Kind `value`, seq 0: sender to recipient (the created contract for a creation, when the
    /// receipt names it), also when the value is 0; the status is the receipt's.
    public var value: EthereumTransfer
    /// Kind `fee`, seq 0, to no one: gas used × effective gas price (the transaction's gas
    /// price when the receipt has none), paid also by a failed transaction; nil without a
    /// receipt's gas used.
    public var fee: EthereumTransfer?
}

/// What a receipt read after its transaction was stored (by an earlier run) changes.
public struct ETHReceiptUpdate: Sendable, Equatable {
    /// The outcome every transfer of the transaction but its fee takes; nil: unknown (no change).
    public var status: Bool?
    /// The recipient of a contract creation's value transfer.
    public var createdContract: String?
    /// The fee to add (from the sender of the value transfer, at its time and block).
    public var fee: UInt256?

    public init(status: Bool?, createdContract: String?, fee: UInt256?) {
        self.status = status
        self.createdContract = createdContract
        self.fee = fee
    }
}

/// A trace that stores a transfer, and the transaction outcome it decides.
public struct ETHTraceTransfer: Sendable, Equatable {
    public var transfer: EthereumTransfer
    /// For a top-level trace: whether the transaction succeeded (every one of its transfers but
    /// the fee takes this status). nil for the others.
    public var transactionStatus: Bool?
}

/// The value and fee rules of ethereum-etl exports: decoded records (`ETLDecoder`) in,
/// `EthereumTransfer`s out, with the lookups one run keeps (token metadata, block times, receipt
/// facts, transaction positions, failed traces). Pure: no database. Where a rule needs what an
/// earlier run stored (the time of a stored transaction), the caller answers through `storedTime`.
///
/// What each role stores (see docs/schema.md, "Ethereum transfers"):
/// - transactions: the ETH `value` (kind `value`, seq 0, also when 0) from sender to recipient
///   (the created contract for a creation, when the receipt names it), and the gas fee (kind
///   `fee`, seq 0, to no one) = gas used × effective gas price, when the receipt is known. The
///   status is the receipt's (nil when no receipt is known): a failed transaction's value has
///   status false (moves nothing), its fee is still paid.
/// - receipts: status, gas used and price, created contract, for the transactions of the run;
///   for a transaction an earlier run stored, a `ETHReceiptUpdate`.
/// - token_transfers: kind `token`, seq log_index + 1, asset = the token contract. A log exists
///   only when its transaction succeeded: status true.
/// - tokens: the token assets' symbol, name and decimals.
/// - traces: internal ETH transfers (kind `internal`) of call, create and self-destruct traces
///   with a value, skipping a trace that failed or lies under a failed trace, and
///   `delegatecall`/`callcode`/`staticcall` (nothing moves between accounts). A top-level trace
///   is the transaction's own value (the same identity as the transactions row's) and decides
///   its status. Block rewards, genesis allocations and DAO-fork moves (no transaction) are
///   minted (from nil) under ethereum-etl's `trace_id`, or `<type>_<block>_<n>` without one.
/// - blocks: block times, and validator withdrawals minted to the withdrawal address (kind
///   `internal`, tx `withdrawal_<index>`).
/// - logs: the log itself (`EventLog`), and the token transfers it states (`TokenEvents`:
///   ERC-20 and ERC-721 `Transfer`, ERC-1155 `TransferSingle`/`TransferBatch`), stored as
///   token_transfers rows are (kind `token`, seq log index + 1, status true), with the token id
///   of a non-fungible transfer. The same event from a token_transfers file is the same row.
///   WETH9's `Deposit`/`Withdrawal` (the canonical contract only) are WETH minted to the account
///   (from the zero address) or burned from it (to the zero address), as WETH9 emits no Transfer
///   for them: WETH balances then account for wraps (ethereum-etl's token_transfers leave them out).
public struct EthereumMapper {
    /// The `addresses.chain` and `assets.chain` of Ethereum accounts and tokens.
    public static let chain = "ethereum"
    /// The format name of ethereum-etl sources.
    public static let format = "ethereum-etl"

    /// The roles of the run's files: which lookups later files need.
    public let roles: Set<EthereumETLRole>
    /// Token metadata by contract (tokens files of the run).
    public private(set) var tokens: [String: ETHToken] = [:]
    /// Block times by number (blocks files; transactions rows with a timestamp; stored times).
    public private(set) var blockTimes: [Int64: Int64] = [:]
    /// Receipt facts by transaction hash (receipts files, when a later role needs them).
    public private(set) var receipts: [ETHHashKey: ETHReceiptFacts] = [:]
    /// Transaction hash by (block, index): where geth traces, which lack the hash, point.
    var positions: [Position: String] = [:]
    /// Trace addresses of the failed traces of each transaction (the traces file being read).
    var failedTraces: [String: [[Int]]] = [:]
    /// Block-scoped traces without a trace id, numbered per block and type (the traces file
    /// being read).
    var blockTraceOrdinals: [String: Int] = [:]

    struct Position: Hashable {
        var block: Int64
        var index: Int64
    }

    public init(roles: some Sequence<EthereumETLRole>) {
        self.roles = Set(roles)
    }

    /// Whether a file of `role` must be read in full, also the rows an earlier run committed and
    /// a file already ingested, because later files of the run look up what it says.
    public func needsLookups(_ role: EthereumETLRole) -> Bool {
        switch role {
        case .tokens, .traces: true
        case .blocks:
            roles.contains(.transactions) || roles.contains(.tokenTransfers) || roles.contains(.traces)
                || roles.contains(.logs)
        case .receipts: roles.contains(.transactions) || roles.contains(.traces)
        case .transactions:
            roles.contains(.tokenTransfers) || roles.contains(.traces) || roles.contains(.logs)
        case .tokenTransfers, .logs: false
        }
    }

    // MARK: Lookups

    public mutating func learn(token: ETHToken) {
        tokens[token.address] = token
    }

    public mutating func learn(block: ETHBlock) {
        blockTimes[block.number] = block.timestamp
    }

    /// Block hashes by number, as this run's blocks and transactions state them.
    var blockHashes: [Int64: String] = [:]

    /// Checks that block `number` has one hash in the run: two hashes for one number are two
    /// chains (a reorganisation, or exports of different networks), whose transfers would be
    /// counted both. The run is refused (`field` blamed) instead; the store keeps one chain.
    public mutating func checkBlockHash(_ hash: String?, of number: Int64, field: String)
        throws(EthereumMappingError)
    {
        guard let hash else { return }
        guard let known = blockHashes[number] else {
            blockHashes[number] = hash
            return
        }
        guard known != hash else { return }
        throw EthereumMappingError(
            field: field,
            "block \(number) is \(hash) here but \(known) earlier in this run: two chains (a reorganisation, or another network's export); ingest the blocks of one chain, the canonical one"
        )
    }

    /// Remembers the time of `block` that a record states (a node's log `blockTimestamp`), when
    /// none is known yet.
    public mutating func learn(time: Int64, ofBlock block: Int64) {
        if blockTimes[block] == nil { blockTimes[block] = time }
    }

    /// Keeps the receipt's facts when the run's transactions or traces need them.
    public mutating func learn(receipt r: ETHReceipt) {
        guard needsLookups(.receipts), let key = ETHHashKey(r.transactionHash) else { return }
        receipts[key] = ETHReceiptFacts(r)
    }

    /// Keeps the transaction's block time and position when the run's token transfers or traces
    /// need them.
    public mutating func learn(transaction tx: ETHTransaction) {
        guard needsLookups(.transactions) else { return }
        if let t = tx.blockTimestamp, blockTimes[tx.blockNumber] == nil { blockTimes[tx.blockNumber] = t }
        if roles.contains(.traces), let index = tx.transactionIndex {
            positions[Position(block: tx.blockNumber, index: index)] = tx.hash
        }
    }

    /// The token asset of `contract`: the metadata a tokens file of the run gave, else none.
    public func tokenAsset(_ contract: String) -> ETHToken {
        tokens[contract] ?? ETHToken(address: contract, symbol: nil, name: nil, decimals: nil)
    }

    /// The time of `block`: the row's own timestamp, a blocks or transactions file of this run,
    /// or `storedTime` of the row's transaction (remembered for the block). A row none of them
    /// dates is an error.
    public mutating func blockTime(
        _ block: Int64, own: Int64?, tx: String?, storedTime: (String) throws -> Int64?
    ) throws -> Int64 {
        if let own { return own }
        if let t = blockTimes[block] { return t }
        if let tx, let t = try storedTime(tx) {
            blockTimes[block] = t
            return t
        }
        throw EthereumMappingError(
            field: "block_number",
            "no time known for block \(block): this file has no block_timestamp; ingest the blocks (or transactions) export of the same blocks in the same run"
        )
    }

    // MARK: Rules

    /// The gas fee: gas used × price, nil beyond 2^256.
    public static func fee(gasUsed: UInt64, price: UInt256) -> UInt256? {
        price.multipliedReportingOverflow(by: gasUsed)
    }

    /// A block's validator withdrawals: minted (from nil) to the withdrawal address, in wei.
    public func withdrawals(of block: ETHBlock, line: Int) throws(EthereumMappingError) -> [EthereumTransfer]
    {
        var out: [EthereumTransfer] = []
        for wd in block.withdrawals {
            guard let wei = wd.amountWei else {
                throw EthereumMappingError(field: "withdrawals", "withdrawal amount is beyond 2^256 wei")
            }
            out.append(
                EthereumTransfer(
                    kind: .internalCall, tx: "withdrawal_\(wd.index)", from: nil, to: wd.address, amount: wei,
                    time: block.timestamp, block: block.number, line: line))
        }
        return out
    }

    /// A transaction's value and fee. Its receipt is the row's own receipt fields, else the
    /// receipts file's.
    public mutating func transaction(
        _ tx: ETHTransaction, line: Int, storedTime: (String) throws -> Int64?
    ) throws -> ETHTransactionTransfers {
        let time = try blockTime(tx.blockNumber, own: tx.blockTimestamp, tx: tx.hash, storedTime: storedTime)
        let receipt = tx.receipt.map(ETHReceiptFacts.init) ?? ETHHashKey(tx.hash).flatMap { receipts[$0] }
        let value = EthereumTransfer(
            kind: .value, tx: tx.hash, from: tx.from, to: tx.to ?? receipt?.contractAddress, amount: tx.value,
            time: time, block: tx.blockNumber, status: receipt?.status, line: line)
        var fee: EthereumTransfer?
        if let gasUsed = receipt?.gasUsed, let price = receipt?.effectiveGasPrice ?? tx.gasPrice {
            guard let amount = Self.fee(gasUsed: gasUsed, price: price) else {
                throw EthereumMappingError(field: "gas_price", "gas used × gas price exceeds 2^256")
            }
            fee = EthereumTransfer(
                kind: .fee, tx: tx.hash, from: tx.from, to: nil, amount: amount, time: time,
                block: tx.blockNumber,
                status: true, line: line)
        }
        return ETHTransactionTransfers(value: value, fee: fee)
    }

    /// The fee a receipt states on its own (its transaction is not in the run): gas used ×
    /// effective gas price, paid by `from`; nil when the receipt lacks the price or the sender.
    public mutating func receiptFee(
        _ r: ETHReceipt, from: String?, block: Int64, line: Int, storedTime: (String) throws -> Int64?
    ) throws -> EthereumTransfer? {
        guard let from, let gasUsed = r.gasUsed, let price = r.effectiveGasPrice else { return nil }
        guard let amount = Self.fee(gasUsed: gasUsed, price: price) else {
            throw EthereumMappingError(field: "gasUsed", "gasUsed × effectiveGasPrice exceeds 2^256")
        }
        let time = try blockTime(block, own: nil, tx: r.transactionHash, storedTime: storedTime)
        return EthereumTransfer(
            kind: .fee, tx: r.transactionHash, from: from, to: nil, amount: amount, time: time, block: block,
            status: true, line: line)
    }

    /// What a receipt changes of its transaction stored by an earlier run: status, created
    /// contract, fee (when gas used and the effective price are both given).
    public func storedTransactionUpdate(_ r: ETHReceipt) throws(EthereumMappingError) -> ETHReceiptUpdate {
        var fee: UInt256?
        if let gasUsed = r.gasUsed, let price = r.effectiveGasPrice {
            guard let amount = Self.fee(gasUsed: gasUsed, price: price) else {
                throw EthereumMappingError(field: "gas_used", "gas_used × effective_gas_price exceeds 2^256")
            }
            fee = amount
        }
        return ETHReceiptUpdate(status: r.status, createdContract: r.contractAddress, fee: fee)
    }

    /// A token transfer: token contract as the asset, seq log index + 1, status true (a log
    /// exists only when its transaction succeeded); an ERC-721 row (`isNonFungible`) moves 1
    /// unit with its token id, an ERC-1155 row its value with its token id.
    public mutating func tokenTransfer(
        _ t: ETHTokenTransfer, line: Int, storedTime: (String) throws -> Int64?
    ) throws -> EthereumTransfer {
        let time = try blockTime(
            t.blockNumber, own: t.blockTimestamp, tx: t.transactionHash, storedTime: storedTime)
        // An NFT transfer moves one unit of its collection (the export writes value 0).
        return EthereumTransfer(
            kind: .token, tx: t.transactionHash, seq: t.logIndex + 1, from: t.from, to: t.to, token: t.token,
            amount: t.isNonFungible ? UInt256(1) : t.value, time: time, block: t.blockNumber, status: true,
            line: line, tokenId: t.tokenId)
    }

    /// A log and the token transfers it states; its time is the row's own, else the run's or a
    /// stored transfer's of its transaction (`blockTime`).
    public mutating func log(_ l: ETHLog, line: Int, storedTime: (String) throws -> Int64?) throws
        -> ETHLogRecords
    {
        let time = try blockTime(
            l.blockNumber, own: l.blockTimestamp, tx: l.transactionHash, storedTime: storedTime)
        let log = EventLog(
            tx: l.transactionHash, logIndex: l.logIndex, block: l.blockNumber, time: time, address: l.address,
            topics: l.topics, data: l.data, line: line)
        return ETHLogRecords(log: log, transfers: Self.tokenTransfers(log))
    }

    /// The token transfers a log states, as stored (kind `token`, status true: a log exists only
    /// when its transaction succeeded).
    public static func tokenTransfers(_ log: EventLog) -> [EthereumTransfer] {
        (TokenEvents.movements(log) + WETH9.movements(log)).map { m in
            EthereumTransfer(
                kind: .token, tx: log.tx, seq: m.seq, from: m.from, to: m.to, token: m.token,
                amount: m.amount,
                time: log.time, block: log.block, status: true, line: log.line, tokenId: m.tokenId)
        }
    }

    // MARK: Traces

    /// Starts a traces file: its failed traces and block-scoped numbering are its own.
    public mutating func startTraceFile() {
        failedTraces = [:]
        blockTraceOrdinals = [:]
    }

    /// First pass over a traces file: remembers the failed traces of each transaction, so that a
    /// trace under a failed one moves nothing whatever the row order.
    public mutating func noteFailure(_ t: ETHTrace) {
        if t.failed, !t.isBlockScoped, let tx = transactionHash(t) {
            failedTraces[tx, default: []].append(t.traceAddress)
        }
    }

    /// The transaction of a trace: its own hash, else the run's transaction at its (block, index).
    public func transactionHash(_ t: ETHTrace) -> String? {
        if let h = t.transactionHash { return h }
        guard let index = t.transactionIndex else { return nil }
        return positions[Position(block: t.blockNumber, index: index)]
    }

    /// Second pass over a traces file, every row in file order: the transfer a trace stores, if
    /// any. `write` is false for rows an earlier run committed (they still number the
    /// block-scoped traces).
    public mutating func trace(
        _ t: ETHTrace, line: Int, write: Bool, storedTime: (String) throws -> Int64?
    ) throws -> ETHTraceTransfer? {
        if t.isBlockScoped {
            let id: String
            if let traceId = t.traceId {
                id = traceId
            } else {
                let key = "\(t.traceType)_\(t.blockNumber)"
                let n = blockTraceOrdinals[key, default: 0]
                blockTraceOrdinals[key] = n + 1
                id = "\(key)_\(n)"
            }
            guard write, !t.failed, t.value != .zero, let to = t.to else { return nil }
            let time = try blockTime(t.blockNumber, own: t.blockTimestamp, tx: nil, storedTime: storedTime)
            return ETHTraceTransfer(
                transfer: EthereumTransfer(
                    kind: .internalCall, tx: id, from: t.from, to: to, amount: t.value, time: time,
                    block: t.blockNumber, line: line))
        }
        guard write else { return nil }
        guard let tx = transactionHash(t) else {
            throw EthereumMappingError(
                field: "transaction_hash",
                "the trace has no transaction_hash and no transaction of this run is at block \(t.blockNumber), index \(t.transactionIndex.map(String.init) ?? "?"); ingest the transactions export of the same blocks in the same run"
            )
        }
        let path = t.traceAddress
        let underFailure =
            t.failed
            || (failedTraces[tx]?.contains { $0.count < path.count && Array(path.prefix($0.count)) == $0 }
                ?? false)
        if path.isEmpty {
            // The transaction itself: the same identity as the transactions row's value.
            guard let from = t.from else { return nil }
            let time = try blockTime(t.blockNumber, own: t.blockTimestamp, tx: tx, storedTime: storedTime)
            let receipt = ETHHashKey(tx).flatMap { receipts[$0] }
            return ETHTraceTransfer(
                transfer: EthereumTransfer(
                    kind: .value, tx: tx, from: from, to: t.to ?? receipt?.contractAddress, amount: t.value,
                    time: time, block: t.blockNumber, status: !underFailure, line: line),
                transactionStatus: !underFailure)
        }
        guard !underFailure, t.value != .zero, Self.movesValue(t), let from = t.from else { return nil }
        let time = try blockTime(t.blockNumber, own: t.blockTimestamp, tx: tx, storedTime: storedTime)
        return ETHTraceTransfer(
            transfer: EthereumTransfer(
                kind: .internalCall, tx: tx, seq: Self.seq(path), from: from, to: t.to, amount: t.value,
                time: time, block: t.blockNumber, line: line))
    }

    /// Calls and creations move value from caller to callee; a self-destruct sends the balance
    /// to its beneficiary. `delegatecall` and `callcode` run another contract's code in the
    /// caller's own account (the value shown is the caller's context, nothing moves), and
    /// `staticcall` cannot carry value.
    public static func movesValue(_ t: ETHTrace) -> Bool {
        switch t.traceType {
        case "call":
            guard let callType = t.callType else { return true }
            return callType == "call"
        case "create", "create2", "suicide", "selfdestruct": return true
        default: return false
        }
    }

    /// The `seq` of an internal transfer: its trace address packed one byte per level (index + 1),
    /// most significant first, so that ordering by seq is the trace order; an address deeper
    /// than 7 levels or with an index above 254 takes a 62-bit FNV-1a hash of its text with
    /// bit 62 set (unique within a transaction in practice, but not ordered).
    public static func seq(_ path: [Int]) -> Int64 {
        if path.count <= 7, path.allSatisfy({ $0 < 255 }) {
            var v: UInt64 = 0
            for (i, index) in path.enumerated() { v |= UInt64(index + 1) << UInt64(48 - 8 * i) }
            return Int64(v)
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in path.map(String.init).joined(separator: ",").utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int64(bitPattern: (h & ((1 << 62) - 1)) | (1 << 62))
    }
}
