import Dispatch
public import FlowIngest
import FlowModel
public import FlowReport
public import FlowStore

/// Ingest of ethereum-etl exports (CSV or JSON lines) as account-model transfers.
///
/// What is stored, per file role (see docs/schema.md, "Ethereum transfers"):
/// - transactions: the transaction's ETH `value` (kind `value`, seq 0, also when 0) from sender
///   to recipient (the created contract for a creation, when the receipt names it), and its gas
///   fee (kind `fee`, seq 0, to NULL) = gas used × effective gas price, when the receipt is known.
///   The status is the receipt's (NULL when no receipt is known); a failed transaction's value
///   transfer has status 0 (moves nothing), its fee is still paid.
/// - receipts: status, gas used and price, created contract. Read before the transactions of
///   the same run; a receipt of a transaction stored by an earlier run updates it (status,
///   recipient, fee).
/// - token_transfers: ERC-20 transfers (kind `token`, seq log_index + 1), asset = the token
///   contract, with symbol and decimals from a tokens file when given.
/// - tokens: asset rows (symbol, name, decimals).
/// - traces: internal ETH transfers (kind `internal`): call, create and self-destruct traces
///   with a value, skipping any trace that failed or lies under a failed trace, and
///   `delegatecall`/`callcode`/`staticcall` (no value moves between accounts). A top-level
///   trace is the transaction's own value: it is stored under the same key as the transaction's
///   value transfer (so either file gives the same row) and its outcome sets the transaction's
///   status. Block rewards, genesis allocations and DAO-fork moves (no transaction) are stored
///   from their sender (NULL: newly minted) under ethereum-etl's `trace_id`.
/// - blocks: block times (for files without `block_timestamp`) and validator withdrawals
///   (minted to the withdrawal address, tx `withdrawal_<index>`).
/// - logs: counted, nothing stored (token transfers come from token_transfers).
///
/// Files of one run are processed lookups first (tokens, blocks, receipts, then
/// transactions, token_transfers, traces, logs), whatever their order on the command line.
/// Each file commits in chunks together with its progress, so an interrupted run resumes after
/// the last chunk, and a file already ingested is not written again (it is still read when
/// later files of the run need its lookups).
public enum EthereumETLIngest {
    /// The format name stored in `sources.format`.
    static let format = "ethereum-etl"
    static let chain = "ethereum"

    /// Chunking, and a stop after some chunks to test resuming.
    package struct Limits: Sendable {
        package var chunkRows: Int
        package var stopAfterChunks: Int?
        package init(chunkRows: Int = 20_000, stopAfterChunks: Int? = nil) {
            self.chunkRows = max(1, chunkRows)
            self.stopAfterChunks = stopAfterChunks
        }
    }

    /// Thrown after `Limits.stopAfterChunks` chunks: what an interrupted run leaves behind.
    package struct Interrupted: Error {}

    /// Ingests `files` into `store`. `progress` is called with the rows read so far after each
    /// committed chunk.
    public static func run(
        store: GraphStore, files: [(path: String, detected: DetectedFormat)],
        progress: (@Sendable (Int) -> Void)?
    ) throws -> AccountIngestReport {
        try run(store: store, files: files, progress: progress, limits: Limits())
    }

    package static func run(
        store: GraphStore, files: [(path: String, detected: DetectedFormat)],
        progress: (@Sendable (Int) -> Void)?, limits: Limits
    ) throws -> AccountIngestReport {
        let start = DispatchTime.now()
        var inputs: [Input] = []
        var emptyFiles: [Int: SourceFileReport] = [:]
        for (i, file) in files.enumerated() {
            let table = try ETLTable.open(path: file.path)
            guard let role = try role(of: table, detected: file.detected) else {
                emptyFiles[i] = SourceFileReport(path: file.path, format: format)
                continue
            }
            inputs.append(Input(order: i, path: file.path, table: table, role: role))
        }
        let parameters = JSONValue.object([
            ("files", .array(files.map { .string($0.path) })),
            ("format", .string(format)),
        ])
        return try RunLog.record(store, command: "ingest", parameters: parameters, summary: IngestRender.json)
        {
            let job = Job(inputs: inputs, limits: limits, progress: progress)
            let summary = try store.withTransferWriter { w in try job.run(w) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            let reports = job.reports.merging(emptyFiles) { a, _ in a }.sorted { $0.key < $1.key }.map(
                \.value)
            return AccountIngestReport(files: reports, summary: summary, seconds: seconds)
        }
    }

    /// The file's role: the detected one, else from the header or first object's keys; nil for
    /// an empty file (nothing to read).
    static func role(of table: ETLTable, detected: DetectedFormat) throws(IngestError) -> EthereumETLRole? {
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

    struct Input {
        var order: Int
        var path: String
        var table: ETLTable
        var role: EthereumETLRole
    }

    /// (block, transaction index): where geth traces, which lack the transaction hash, point.
    struct Position: Hashable {
        var block: Int64
        var index: Int64
    }

    /// A receipt's facts kept for the transactions of the run.
    struct ReceiptFacts {
        var gasUsed: UInt64?
        var effectiveGasPrice: UInt256?
        var contractAddress: String?
        var status: Bool?
    }

    /// One ingest run over a set of files.
    final class Job {
        let inputs: [Input]
        let limits: Limits
        let progress: (@Sendable (Int) -> Void)?
        let roles: Set<EthereumETLRole>
        var reports: [Int: SourceFileReport] = [:]
        var rowsRead = 0
        var chunks = 0

        // Lookups.
        var tokens: [String: ETHToken] = [:]
        var blockTimes: [Int64: Int64] = [:]
        var receipts: [ETHHashKey: ReceiptFacts] = [:]
        var positions: [Position: String] = [:]
        var assetIds: [String: Int64] = [:]
        var hadOnChain = false

        init(inputs: [Input], limits: Limits, progress: (@Sendable (Int) -> Void)?) {
            self.inputs = inputs.sorted { ($0.role.phase, $0.order) < ($1.role.phase, $1.order) }
            self.limits = limits
            self.progress = progress
            self.roles = Set(inputs.map(\.role))
            for input in inputs {
                reports[input.order] = SourceFileReport(
                    path: input.path, format: EthereumETLIngest.format, role: input.role.rawValue)
            }
        }

        func run(_ w: TransferWriter) throws {
            hadOnChain = try w.hasOnChainTransfers()
            for input in inputs {
                let state = try w.source(
                    path: input.path, format: EthereumETLIngest.format,
                    fingerprint: input.table.fingerprint(),
                    size: input.table.size)
                let decoder = try ETLDecoder(table: input.table, role: input.role)
                let before = w.summary.transfers
                switch input.role {
                case .tokens: try readTokens(input, decoder, state, w)
                case .blocks: try readBlocks(input, decoder, state, w)
                case .receipts: try readReceipts(input, decoder, state, w)
                case .transactions: try readTransactions(input, decoder, state, w)
                case .tokenTransfers: try readTokenTransfers(input, decoder, state, w)
                case .traces: try readTraces(input, decoder, state, w)
                case .logs: try process(input, state, w, lookups: false) { _, _ in }
                }
                reports[input.order]?.added += w.summary.transfers - before
            }
        }

        // MARK: The chunked read/commit loop

        /// Reads `input`; rows an earlier run committed (or all rows of a complete file) only
        /// feed lookups when `lookups` is set (they are skipped otherwise); later rows are passed
        /// with `write` set and committed every `chunkRows` rows with the file's progress.
        func process(
            _ input: Input, _ state: SourceState, _ w: TransferWriter, lookups: Bool,
            _ body: (ETLRow, _ write: Bool) throws -> Void
        ) throws {
            let source: Int64
            var bytesDone = 0
            var rows = 0
            switch state {
            case .complete:
                reports[input.order]?.alreadyIngested = true
                if lookups { try input.table.forEachRow { row in try body(row, false) } }
                return
            case .partial(let id, let b, let r):
                source = id
                bytesDone = b
                rows = r
                reports[input.order]?.resumedAfter = r
            case .fresh(let id):
                source = id
            }
            var inChunk = 0
            try input.table.forEachRow(from: lookups ? 0 : bytesDone) { row in
                let write = row.endOffset > bytesDone
                try body(row, write)
                guard write else { return }
                rows += 1
                inChunk += 1
                rowsRead += 1
                reports[input.order]?.records += 1
                if inChunk >= limits.chunkRows {
                    try commit(w, source: source, bytesDone: row.endOffset, rows: rows, complete: false)
                    inChunk = 0
                }
            }
            try commit(w, source: source, bytesDone: input.table.size, rows: rows, complete: true)
        }

        func commit(_ w: TransferWriter, source: Int64, bytesDone: Int, rows: Int, complete: Bool) throws {
            try w.commit(source: source, bytesDone: bytesDone, rowsDone: rows, complete: complete)
            chunks += 1
            progress?(rowsRead)
            if let stop = limits.stopAfterChunks, chunks >= stop, !complete { throw Interrupted() }
        }

        // MARK: Interning

        /// Address ids of this run (the writer's own cache needs the 20 bytes on every call).
        var addressIds: [String: Int64] = [:]

        func address(_ text: String, _ w: TransferWriter) throws -> Int64 {
            if let id = addressIds[text] { return id }
            let id = try w.address(
                text, chain: EthereumETLIngest.chain, kind: AccountKind.ethereum,
                program: ETLValue.addressBytes(text))
            addressIds[text] = id
            return id
        }

        func tokenAsset(_ contract: String, _ w: TransferWriter) throws -> Int64 {
            if let id = assetIds[contract] { return id }
            let info = tokens[contract]
            let id = try w.contractAsset(
                chain: EthereumETLIngest.chain, contract: contract, symbol: info?.symbol,
                decimals: info?.decimals,
                name: info?.name)
            assetIds[contract] = id
            return id
        }

        /// The time of `block`: the row's own timestamp, a blocks or transactions file of this
        /// run, or a stored transfer of the same transaction.
        func blockTime(
            block: Int64, own: Int64?, tx: String?, row: ETLRow, decoder: ETLDecoder, _ w: TransferWriter
        ) throws -> Int64 {
            if let own { return own }
            if let t = blockTimes[block] { return t }
            if let tx, let t = try w.transferTime(tx: tx) {
                blockTimes[block] = t
                return t
            }
            throw row.error(
                decoder.table.column("block_number"),
                "no time known for block \(block): this file has no block_timestamp; ingest the blocks (or transactions) export of the same blocks in the same run",
                atColumn: true)
        }

        // MARK: Roles

        func readTokens(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: TransferWriter) throws {
            try process(input, state, w, lookups: true) { row, write in
                let token = try d.token(row)
                tokens[token.address] = token
                if write {
                    assetIds[token.address] = try w.contractAsset(
                        chain: EthereumETLIngest.chain, contract: token.address, symbol: token.symbol,
                        decimals: token.decimals, name: token.name)
                }
            }
        }

        func readBlocks(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: TransferWriter) throws {
            let needed =
                roles.contains(.transactions) || roles.contains(.tokenTransfers) || roles.contains(.traces)
            try process(input, state, w, lookups: needed) { row, write in
                let block = try d.block(row)
                blockTimes[block.number] = block.timestamp
                guard write else { return }
                for wd in block.withdrawals {
                    guard let wei = wd.amountWei else {
                        throw row.error(
                            d.table.column("withdrawals"), "withdrawal amount is beyond 2^256 wei")
                    }
                    let to = try address(wd.address, w)
                    try w.append(
                        TransferRecord(
                            kind: .internalCall, tx: "withdrawal_\(wd.index)", seq: 0, from: nil, to: to,
                            asset: BuiltinAsset.eth, amount: wei, time: block.timestamp, block: block.number,
                            status: true, line: Int64(row.line)), source: sourceId(state))
                }
            }
        }

        func readReceipts(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: TransferWriter) throws {
            let needed = roles.contains(.transactions) || roles.contains(.traces)
            try process(input, state, w, lookups: needed) { row, write in
                let r = try d.receipt(row)
                guard let key = ETHHashKey(r.transactionHash) else { return }
                if needed {
                    receipts[key] = ReceiptFacts(
                        gasUsed: r.gasUsed, effectiveGasPrice: r.effectiveGasPrice,
                        contractAddress: r.contractAddress, status: r.status)
                }
                // A transaction stored by an earlier run learns its outcome now.
                guard write, hadOnChain, try w.transferTime(tx: r.transactionHash) != nil else { return }
                if let status = r.status { try w.setStatus(tx: r.transactionHash, success: status) }
                if let contract = r.contractAddress {
                    try w.setCreatedContract(tx: r.transactionHash, to: try address(contract, w))
                }
                if let gasUsed = r.gasUsed, let price = r.effectiveGasPrice {
                    guard let fee = price.multipliedReportingOverflow(by: gasUsed) else {
                        throw row.error(
                            d.table.column("gas_used"), "gas_used × effective_gas_price exceeds 2^256")
                    }
                    try w.addFee(
                        tx: r.transactionHash, amount: fee, source: sourceId(state), line: Int64(row.line))
                }
            }
        }

        func readTransactions(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: TransferWriter)
            throws
        {
            let laterNeed = roles.contains(.tokenTransfers) || roles.contains(.traces)
            try process(input, state, w, lookups: laterNeed) { row, write in
                let tx = try d.transaction(row)
                if laterNeed {
                    if let t = tx.blockTimestamp, blockTimes[tx.blockNumber] == nil {
                        blockTimes[tx.blockNumber] = t
                    }
                    if roles.contains(.traces), let index = tx.transactionIndex {
                        positions[Position(block: tx.blockNumber, index: index)] = tx.hash
                    }
                }
                guard write else { return }
                let time = try blockTime(
                    block: tx.blockNumber, own: tx.blockTimestamp, tx: tx.hash, row: row, decoder: d, w)
                let receipt =
                    tx.receipt.map {
                        ReceiptFacts(
                            gasUsed: $0.gasUsed, effectiveGasPrice: $0.effectiveGasPrice,
                            contractAddress: $0.contractAddress, status: $0.status)
                    } ?? ETHHashKey(tx.hash).flatMap { receipts[$0] }
                let from = try address(tx.from, w)
                let to = try (tx.to ?? receipt?.contractAddress).map { try address($0, w) }
                let source = sourceId(state)
                try w.append(
                    TransferRecord(
                        kind: .value, tx: tx.hash, seq: 0, from: from, to: to, asset: BuiltinAsset.eth,
                        amount: tx.value, time: time, block: tx.blockNumber, status: receipt?.status,
                        line: Int64(row.line)), source: source)
                if let gasUsed = receipt?.gasUsed, let price = receipt?.effectiveGasPrice ?? tx.gasPrice {
                    guard let fee = price.multipliedReportingOverflow(by: gasUsed) else {
                        throw row.error(d.table.column("gas_price"), "gas used × gas price exceeds 2^256")
                    }
                    try w.append(
                        TransferRecord(
                            kind: .fee, tx: tx.hash, seq: 0, from: from, to: nil, asset: BuiltinAsset.eth,
                            amount: fee, time: time, block: tx.blockNumber, status: true,
                            line: Int64(row.line)),
                        source: source)
                }
            }
        }

        func readTokenTransfers(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: TransferWriter)
            throws
        {
            try process(input, state, w, lookups: false) { row, write in
                guard write else { return }
                let t = try d.tokenTransfer(row)
                let time = try blockTime(
                    block: t.blockNumber, own: t.blockTimestamp, tx: t.transactionHash, row: row, decoder: d,
                    w)
                // A log exists only when its transaction succeeded.
                try w.append(
                    TransferRecord(
                        kind: .token, tx: t.transactionHash, seq: t.logIndex + 1,
                        from: try address(t.from, w),
                        to: try address(t.to, w), asset: try tokenAsset(t.token, w), amount: t.value,
                        time: time,
                        block: t.blockNumber, status: true, line: Int64(row.line)), source: sourceId(state))
            }
        }

        /// Traces: a first pass collects the failed traces of each transaction, so that a trace
        /// under a failed one moves nothing whatever the row order; the second pass stores.
        func readTraces(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: TransferWriter) throws {
            if case .complete = state {
                reports[input.order]?.alreadyIngested = true
                return
            }
            var failed: [String: [[Int]]] = [:]
            try input.table.forEachRow { row in
                let t = try d.trace(row)
                if t.failed, !t.isBlockScoped, let tx = transactionHash(t) {
                    failed[tx, default: []].append(t.traceAddress)
                }
            }
            // Block-scoped traces without a trace_id are numbered per block and type, in file order.
            var ordinals: [String: Int] = [:]
            try process(input, state, w, lookups: true) { row, write in
                let t = try d.trace(row)
                if t.isBlockScoped {
                    let id: String
                    if let traceId = t.traceId {
                        id = traceId
                    } else {
                        let key = "\(t.traceType)_\(t.blockNumber)"
                        let n = ordinals[key, default: 0]
                        ordinals[key] = n + 1
                        id = "\(key)_\(n)"
                    }
                    guard write, !t.failed, t.value != .zero, let toText = t.to else { return }
                    let time = try blockTime(
                        block: t.blockNumber, own: t.blockTimestamp, tx: nil, row: row, decoder: d, w)
                    try w.append(
                        TransferRecord(
                            kind: .internalCall, tx: id, seq: 0, from: try t.from.map { try address($0, w) },
                            to: try address(toText, w), asset: BuiltinAsset.eth, amount: t.value, time: time,
                            block: t.blockNumber, status: true, line: Int64(row.line)),
                        source: sourceId(state))
                    return
                }
                guard write else { return }
                guard let tx = transactionHash(t) else {
                    throw row.error(
                        d.table.column("transaction_hash"),
                        "the trace has no transaction_hash and no transaction of this run is at block \(t.blockNumber), index \(t.transactionIndex.map(String.init) ?? "?"); ingest the transactions export of the same blocks in the same run"
                    )
                }
                let path = t.traceAddress
                let underFailure =
                    t.failed
                    || (failed[tx]?.contains { $0.count < path.count && Array(path.prefix($0.count)) == $0 }
                        ?? false)
                if path.isEmpty {
                    // The transaction itself: same row as the transactions file's value transfer.
                    guard let fromText = t.from else { return }
                    let time = try blockTime(
                        block: t.blockNumber, own: t.blockTimestamp, tx: tx, row: row, decoder: d, w)
                    let receipt = ETHHashKey(tx).flatMap { receipts[$0] }
                    let toText = t.to ?? receipt?.contractAddress
                    try w.append(
                        TransferRecord(
                            kind: .value, tx: tx, seq: 0, from: try address(fromText, w),
                            to: try toText.map { try address($0, w) }, asset: BuiltinAsset.eth,
                            amount: t.value,
                            time: time, block: t.blockNumber, status: !underFailure, line: Int64(row.line)),
                        source: sourceId(state))
                    try w.setStatus(tx: tx, success: !underFailure)
                    return
                }
                guard !underFailure, t.value != .zero, Self.movesValue(t), let fromText = t.from else {
                    return
                }
                let time = try blockTime(
                    block: t.blockNumber, own: t.blockTimestamp, tx: tx, row: row, decoder: d, w)
                try w.append(
                    TransferRecord(
                        kind: .internalCall, tx: tx, seq: Self.seq(path), from: try address(fromText, w),
                        to: try t.to.map { try address($0, w) }, asset: BuiltinAsset.eth, amount: t.value,
                        time: time, block: t.blockNumber, status: true, line: Int64(row.line)),
                    source: sourceId(state))
            }
        }

        func transactionHash(_ t: ETHTrace) -> String? {
            if let h = t.transactionHash { return h }
            guard let index = t.transactionIndex else { return nil }
            return positions[Position(block: t.blockNumber, index: index)]
        }

        /// Calls and creations move value from caller to callee; a self-destruct sends the balance
        /// to its beneficiary. `delegatecall` and `callcode` run another contract's code in the
        /// caller's own account (the value shown is the caller's context, nothing moves), and
        /// `staticcall` cannot carry value.
        static func movesValue(_ t: ETHTrace) -> Bool {
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
        static func seq(_ path: [Int]) -> Int64 {
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

        func sourceId(_ state: SourceState) -> Int64 {
            switch state {
            case .fresh(let id), .partial(let id, _, _), .complete(let id, _): id
            }
        }
    }
}
