import Dispatch
import FlowAnalysis
public import FlowIngest
import FlowModel
public import FlowReport
public import FlowStore

/// Ingest of ethereum-etl exports (CSV or JSON lines) as account-model transfers:
/// Source -> Mapper -> Sink. `ETLTable` and `ETLDecoder` (FlowIngest) read each file's rows as
/// records, `EthereumMapper` (FlowIngest) applies the value, fee, failed-trace and time rules
/// and says which transfers each record stores (its doc comment lists them per file role), and
/// this orchestration interns their addresses and assets and writes them through the store
/// contract's `TransferSink` (FlowStore), so any `TransferStore` backend takes them.
///
/// Files of one run are processed lookups first (tokens, blocks, receipts, then
/// transactions, logs, token_transfers, traces), whatever their order on the command line.
/// Each file commits in chunks together with its progress, so an interrupted run resumes after
/// the last chunk, and a file already ingested is not written again (it is still read when
/// later files of the run need its lookups). A receipt of a transaction stored by an earlier run
/// updates it (status, recipient, fee) through `StoredTransferAmender`.
public enum EthereumETLIngest {
    /// The format name stored in `sources.format`.
    static let format = EthereumMapper.format

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
    public static func run<Store: TransferStore>(
        store: Store, files: [(path: String, detected: DetectedFormat)],
        progress: (@Sendable (Int) -> Void)?
    ) throws -> AccountIngestReport {
        try run(store: store, files: files, progress: progress, limits: Limits())
    }

    package static func run<Store: TransferStore>(
        store: Store, files: [(path: String, detected: DetectedFormat)],
        progress: (@Sendable (Int) -> Void)?, limits: Limits
    ) throws -> AccountIngestReport {
        let start = DispatchTime.now()
        var inputs: [Input] = []
        var emptyFiles: [Int: SourceFileReport] = [:]
        for (i, file) in files.enumerated() {
            let table = try ETLTable.open(path: file.path)
            guard let role = try EthereumETLRole.of(table, detected: file.detected) else {
                emptyFiles[i] = SourceFileReport(path: file.path, format: format)
                continue
            }
            inputs.append(Input(order: i, path: file.path, table: table, role: role))
        }
        return try record(store, files: files.map(\.path), format: format, start: start) { w in
            let job = Job<Store.Writer>(inputs: inputs, limits: limits, progress: progress)
            try job.run(w)
            return job.reports.merging(emptyFiles) { a, _ in a }
        }
    }

    /// One recorded ingest run of Ethereum files through `store`'s transfer writer: `body` writes
    /// and returns the file reports by command-line position.
    static func record<Store: TransferStore>(
        _ store: Store, files: [String], format: String, start: DispatchTime,
        _ body: (Store.Writer) throws -> [Int: SourceFileReport]
    ) throws -> AccountIngestReport {
        let parameters = JSONValue.object([
            ("files", .array(files.map { .string($0) })),
            ("format", .string(format)),
        ])
        return try RunLog.record(store, command: "ingest", parameters: parameters, summary: IngestRender.json)
        {
            var reports: [Int: SourceFileReport] = [:]
            let summary = try store.withTransferWriter { w in reports = try body(w) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            return AccountIngestReport(
                files: reports.sorted { $0.key < $1.key }.map(\.value), summary: summary, seconds: seconds)
        }
    }

    struct Input {
        var order: Int
        var path: String
        var table: ETLTable
        var role: EthereumETLRole
    }

    /// One ingest run over a set of files, writing through `W`.
    final class Job<W: TransferSink & StoredTransferAmender & EventLogSink>: EthereumWriting<W> {
        let inputs: [Input]
        let limits: Limits
        let progress: (@Sendable (Int) -> Void)?
        var rowsRead = 0
        var chunks = 0
        var hadOnChain = false

        init(inputs: [Input], limits: Limits, progress: (@Sendable (Int) -> Void)?) {
            self.inputs = inputs.sorted { ($0.role.phase, $0.order) < ($1.role.phase, $1.order) }
            self.limits = limits
            self.progress = progress
            super.init(mapper: EthereumMapper(roles: inputs.map(\.role)))
            for input in inputs {
                reports[input.order] = SourceFileReport(
                    path: input.path, format: EthereumETLIngest.format, role: input.role.rawValue)
            }
        }

        func run(_ w: W) throws {
            hadOnChain = try w.hasOnChainTransfers()
            for input in inputs {
                let state = try w.source(
                    path: input.path, format: EthereumETLIngest.format,
                    fingerprint: input.table.fingerprint(),
                    size: input.table.size, options: nil, prefixHash: nil)
                let decoder = try ETLDecoder(table: input.table, role: input.role)
                let before = w.summary.transfers
                switch input.role {
                case .tokens: try readTokens(input, decoder, state, w)
                case .blocks: try readBlocks(input, decoder, state, w)
                case .receipts: try readReceipts(input, decoder, state, w)
                case .transactions: try readTransactions(input, decoder, state, w)
                case .tokenTransfers: try readTokenTransfers(input, decoder, state, w)
                case .traces: try readTraces(input, decoder, state, w)
                case .logs: try readLogs(input, decoder, state, w)
                }
                reports[input.order]?.added += w.summary.transfers - before
            }
        }

        // MARK: The chunked read/commit loop

        /// Reads `input`; rows an earlier run committed (or all rows of a complete file) only
        /// feed lookups when `lookups` is set (they are skipped otherwise); later rows are passed
        /// with `write` set and committed every `chunkRows` rows with the file's progress.
        func process(
            _ input: Input, _ state: SourceState, _ w: W, lookups: Bool,
            _ body: (ETLRow, _ write: Bool) throws -> Void
        ) throws {
            guard let (source, bytesDone, done) = resume(state, order: input.order) else {
                if lookups { try input.table.forEachRow { row in try body(row, false) } }
                return
            }
            var rows = done
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

        func commit(_ w: W, source: Int64, bytesDone: Int, rows: Int, complete: Bool) throws {
            try decodeConversions(w, source: source)
            try w.commit(
                source: source, bytesDone: bytesDone, rowsDone: rows, complete: complete, prefixHash: nil)
            chunks += 1
            progress?(rowsRead)
            if let stop = limits.stopAfterChunks, chunks >= stop, !complete { throw Interrupted() }
        }

        /// Runs a mapper rule for `row`, turning its `EthereumMappingError` into an error at the
        /// row's line and the blamed field's column.
        func mapped<T>(_ row: ETLRow, _ d: ETLDecoder, _ rule: () throws -> T) throws -> T {
            do {
                return try rule()
            } catch let e as EthereumMappingError {
                throw row.error(d.table.column(e.field), e.message)
            }
        }

        // MARK: Roles

        func readTokens(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: W) throws {
            try process(input, state, w, lookups: true) { row, write in
                let token = try d.token(row)
                mapper.learn(token: token)
                if write {
                    assetIds[token.address] = try w.contractAsset(
                        chain: EthereumMapper.chain, contract: token.address, symbol: token.symbol,
                        decimals: token.decimals, name: token.name)
                }
            }
        }

        func readBlocks(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: W) throws {
            try process(input, state, w, lookups: mapper.needsLookups(.blocks)) { row, write in
                let block = try d.block(row)
                try mapped(row, d) { try mapper.checkBlockHash(block.hash, of: block.number, field: "hash") }
                mapper.learn(block: block)
                guard write else { return }
                let withdrawals = try mapped(row, d) { try mapper.withdrawals(of: block, line: row.line) }
                for t in withdrawals { try put(t, w, source: sourceId(state)) }
            }
        }

        func readReceipts(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: W) throws {
            try process(input, state, w, lookups: mapper.needsLookups(.receipts)) { row, write in
                let r = try d.receipt(row)
                mapper.learn(receipt: r)
                // A transaction stored by an earlier run learns its outcome now.
                guard write, hadOnChain, try w.transferTime(tx: r.transactionHash) != nil else { return }
                let update = try mapped(row, d) { try mapper.storedTransactionUpdate(r) }
                if let status = update.status { try w.setStatus(tx: r.transactionHash, success: status) }
                if let contract = update.createdContract {
                    try w.setCreatedContract(tx: r.transactionHash, to: try address(contract, w))
                }
                if let fee = update.fee {
                    try w.addFee(
                        tx: r.transactionHash, amount: fee, source: sourceId(state), line: Int64(row.line))
                }
            }
        }

        func readTransactions(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: W) throws {
            try process(input, state, w, lookups: mapper.needsLookups(.transactions)) { row, write in
                let tx = try d.transaction(row)
                try mapped(row, d) {
                    try mapper.checkBlockHash(tx.blockHash, of: tx.blockNumber, field: "block_hash")
                }
                mapper.learn(transaction: tx)
                guard write else { return }
                let m = try mapped(row, d) {
                    try mapper.transaction(tx, line: row.line) { try w.transferTime(tx: $0) }
                }
                try mapped(row, d) { try put(m, w, source: sourceId(state)) }
            }
        }

        func readTokenTransfers(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: W) throws {
            try process(input, state, w, lookups: false) { row, write in
                guard write else { return }
                let t = try d.tokenTransfer(row)
                let transfer = try mapped(row, d) {
                    try mapper.tokenTransfer(t, line: row.line) { try w.transferTime(tx: $0) }
                }
                _ = try mapped(row, d) {
                    try put(transfer, w, source: sourceId(state), field: "transaction_hash")
                }
            }
        }

        /// Logs: each is stored with its emitting contract, and the token transfers it states
        /// (ERC-20, ERC-721, ERC-1155) as token_transfers rows are.
        func readLogs(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: W) throws {
            try process(input, state, w, lookups: false) { row, write in
                guard write else { return }
                let l = try d.log(row)
                let m = try mapped(row, d) {
                    try mapper.log(l, line: row.line) { try w.transferTime(tx: $0) }
                }
                try store(m, w, source: sourceId(state))
            }
        }

        /// Traces: a first pass collects the failed traces of each transaction, so that a trace
        /// under a failed one moves nothing whatever the row order; the second pass stores.
        func readTraces(_ input: Input, _ d: ETLDecoder, _ state: SourceState, _ w: W) throws {
            if case .complete = state {
                reports[input.order]?.alreadyIngested = true
                return
            }
            mapper.startTraceFile()
            try input.table.forEachRow { row in mapper.noteFailure(try d.trace(row)) }
            try process(input, state, w, lookups: true) { row, write in
                let t = try d.trace(row)
                let mappedTrace = try mapped(row, d) {
                    try mapper.trace(t, line: row.line, write: write) { try w.transferTime(tx: $0) }
                }
                guard let m = mappedTrace else { return }
                try put(m.transfer, w, source: sourceId(state))
                if let status = m.transactionStatus { try w.setStatus(tx: m.transfer.tx, success: status) }
            }
        }

        func sourceId(_ state: SourceState) -> Int64 {
            switch state {
            case .fresh(let id), .partial(let id, _, _), .complete(let id, _): id
            }
        }
    }
}

/// Interning and writing Ethereum transfers and logs through the store contract's writer: what
/// ethereum-etl and JSON-RPC ingest share. Holds the mapper (the format's rules and the run's
/// lookups) and the run's address and asset ids.
class EthereumWriting<W: TransferSink & StoredTransferAmender & EventLogSink> {
    var mapper: EthereumMapper
    var assetIds: [String: Int64] = [:]
    /// Address ids of this run (the writer's own cache needs the 20 bytes on every call).
    var addressIds: [String: Int64] = [:]

    /// What each file of the run did, by command-line position.
    var reports: [Int: SourceFileReport] = [:]

    init(mapper: EthereumMapper) {
        self.mapper = mapper
    }

    /// Where file `order` starts: its source id, the bytes and rows an earlier run committed;
    /// nil when it is complete (reported as already ingested).
    func resume(_ state: SourceState, order: Int) -> (source: Int64, bytesDone: Int, rows: Int)? {
        switch state {
        case .complete:
            reports[order]?.alreadyIngested = true
            return nil
        case .partial(let id, let b, let r):
            reports[order]?.resumedAfter = r
            return (id, b, r)
        case .fresh(let id):
            return (id, 0, 0)
        }
    }

    func address(_ text: String, _ w: W) throws -> Int64 {
        if let id = addressIds[text] { return id }
        let id = try w.address(
            text, chain: EthereumMapper.chain, kind: AccountKind.ethereum,
            program: ETLValue.addressBytes(text))
        addressIds[text] = id
        return id
    }

    func tokenAsset(_ contract: String, _ w: W) throws -> Int64 {
        if let id = assetIds[contract] { return id }
        let info = mapper.tokenAsset(contract)
        let id = try w.contractAsset(
            chain: EthereumMapper.chain, contract: contract, symbol: info.symbol,
            decimals: info.decimals, name: info.name)
        assetIds[contract] = id
        return id
    }

    /// Interns `t`'s addresses (from, then to) and asset and appends it; returns the sender's id.
    /// A transfer stored before with other content is an error blaming `field` (the row's hash).
    @discardableResult
    func put(_ t: EthereumTransfer, _ w: W, source: Int64, field: String = "hash") throws -> Int64? {
        let from = try t.from.map { try address($0, w) }
        let to = try t.to.map { try address($0, w) }
        let asset = try t.token.map { try tokenAsset($0, w) } ?? BuiltinAsset.eth
        do {
            try w.append(Self.record(t, from: from, to: to, asset: asset), source: source)
        } catch let e as TransferConflict {
            throw EthereumMappingError(field: field, e.message)
        }
        return from
    }

    /// A transaction's value transfer and, when known, its fee (from the same sender).
    func put(_ m: ETHTransactionTransfers, _ w: W, source: Int64) throws {
        let from = try put(m.value, w, source: source)
        if let fee = m.fee {
            try w.append(Self.record(fee, from: from, to: nil, asset: BuiltinAsset.eth), source: source)
        }
    }

    /// Stores a log and its token transfers; its transaction's conversions are decoded before the
    /// chunk commits (`decodeConversions`).
    func store(_ m: ETHLogRecords, _ w: W, source: Int64) throws {
        if try w.append(log: m.log, address: try address(m.log.address, w), source: source) {
            touched.insert(m.log.tx)
        }
        for t in m.transfers { try put(t, w, source: source) }
    }

    /// Transactions that gained logs in the open chunk.
    var touched = Set<String>()
    /// The decoders conversions are read with.
    let registry = ConversionRegistry.standard

    /// Decodes the conversions of every transaction that gained logs since the last commit, from
    /// all its stored logs (so a transaction whose logs span chunks, files or runs ends with the
    /// conversions of all of them), and stores them in the open chunk. Call before each commit.
    func decodeConversions(_ w: W, source: Int64) throws {
        for tx in touched.sorted() {
            let records = try registry.conversions(try w.logs(tx: tx)).map { c in
                ConversionRecord(
                    conversion: c, pool: try address(c.pool, w), trader: try address(c.trader, w),
                    recipient: try address(c.recipient, w), assetIn: try conversionAsset(c.assetIn, w),
                    assetOut: try conversionAsset(c.assetOut, w))
            }
            try w.replaceConversions(tx: tx, records, source: source)
        }
        touched.removeAll()
    }

    func conversionAsset(_ name: String, _ w: W) throws -> Int64 {
        name == Conversion.ether ? BuiltinAsset.eth : try tokenAsset(name, w)
    }

    static func record(_ t: EthereumTransfer, from: Int64?, to: Int64?, asset: Int64) -> TransferRecord {
        TransferRecord(
            kind: t.kind, tx: t.tx, seq: t.seq, from: from, to: to, asset: asset, amount: t.amount,
            time: t.time, block: t.block, status: t.status, line: Int64(t.line), tokenId: t.tokenId)
    }
}
