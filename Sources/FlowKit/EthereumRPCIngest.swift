import Dispatch
public import FlowIngest
import FlowModel
public import FlowReport
public import FlowStore
import Foundation

/// Ingest of Ethereum node JSON-RPC dumps (`EthereumRPC`, FlowIngest): blocks with their
/// transactions, receipts and logs become the same transfers and logs as the ethereum-etl path
/// gives for the same blocks, by the same rules (`EthereumMapper`): a transaction's value (the
/// receipt's status) and fee (gas used × effective gas price), each log and the token transfers
/// it states, validator withdrawals.
///
/// All files of the run are read first, so that each transaction finds its receipt and each
/// receipt or log its block's time wherever they are in the files. A receipt whose transaction is
/// not in the run stores its fee (its sender and gas are in the receipt; the value is not) and its
/// logs; when an earlier run stored the transaction, it updates its status, created contract and
/// fee instead. A block's time comes from its body, else from a log's `blockTimestamp` (newer
/// nodes write it), else from a stored transfer of the transaction; otherwise the record is an
/// error naming the block. Each top-level JSON value of a file commits as one chunk with the
/// file's progress, so an interrupted run resumes after the last one, and a file already ingested
/// adds nothing.
public enum EthereumRPCIngest {
    static let format = EthereumRPC.format

    public static func run<Store: TransferStore>(
        store: Store, files: [(path: String, detected: DetectedFormat)],
        progress: (@Sendable (Int) -> Void)?
    ) throws -> AccountIngestReport {
        try run(store: store, files: files, progress: progress, limits: EthereumETLIngest.Limits())
    }

    package static func run<Store: TransferStore>(
        store: Store, files: [(path: String, detected: DetectedFormat)],
        progress: (@Sendable (Int) -> Void)?, limits: EthereumETLIngest.Limits
    ) throws -> AccountIngestReport {
        let start = DispatchTime.now()
        var inputs: [Input] = []
        for (i, file) in files.enumerated() {
            let data = try InputFile.map(file.path)
            let records = try EthereumRPC.read(path: file.path, data: data)
            inputs.append(
                Input(
                    order: i, path: file.path, role: file.detected.role, records: records,
                    fingerprint: data.withUnsafeBytes { SourceFingerprint.sha256($0) }, size: data.count))
        }
        return try EthereumETLIngest.record(store, files: files.map(\.path), format: format, start: start) {
            w in
            let job = Job<Store.Writer>(inputs: inputs, limits: limits, progress: progress)
            try job.run(w)
            return job.reports
        }
    }

    struct Input {
        var order: Int
        var path: String
        var role: String?
        var records: [RPCRecord]
        var fingerprint: [UInt8]
        var size: Int
    }

    final class Job<W: TransferSink & StoredTransferAmender & EventLogSink>: EthereumWriting<W> {
        let inputs: [Input]
        let limits: EthereumETLIngest.Limits
        let progress: (@Sendable (Int) -> Void)?
        var itemsRead = 0
        var chunks = 0
        var hadOnChain = false
        /// Transactions whose body is in the run (their value and fee are written with them).
        var bodies = Set<ETHHashKey>()

        init(inputs: [Input], limits: EthereumETLIngest.Limits, progress: (@Sendable (Int) -> Void)?) {
            self.inputs = inputs
            self.limits = limits
            self.progress = progress
            super.init(mapper: EthereumMapper(roles: [.blocks, .receipts, .transactions, .logs]))
            for input in inputs {
                reports[input.order] = SourceFileReport(
                    path: input.path, format: EthereumRPCIngest.format, role: input.role)
            }
        }

        func run(_ w: W) throws {
            hadOnChain = try w.hasOnChainTransfers()
            learnLookups()
            for input in inputs {
                let state = try w.source(
                    path: input.path, format: EthereumRPCIngest.format, fingerprint: input.fingerprint,
                    size: input.size, options: nil, prefixHash: nil)
                let before = w.summary.transfers
                try write(input, state, w)
                reports[input.order]?.added += w.summary.transfers - before
            }
        }

        /// Block times, receipts and the run's transactions, from every record of every file.
        func learnLookups() {
            for input in inputs {
                for record in input.records {
                    for item in record.items {
                        switch item {
                        case .block(let b):
                            mapper.learn(block: b.value.block)
                            for t in b.value.transactions { learn(t.value) }
                        case .transaction(let t): learn(t.value)
                        case .receipt(let r):
                            mapper.learn(receipt: r.value.receipt)
                            for l in r.value.logs { learnTime(l.value) }
                        case .log(let l): learnTime(l.value)
                        }
                    }
                }
            }
        }

        func learn(_ tx: ETHTransaction) {
            mapper.learn(transaction: tx)
            if let key = ETHHashKey(tx.hash) { bodies.insert(key) }
        }

        func learnTime(_ log: ETHLog) {
            if let t = log.blockTimestamp { mapper.learn(time: t, ofBlock: log.blockNumber) }
        }

        func write(_ input: Input, _ state: SourceState, _ w: W) throws {
            guard let (source, bytesDone, rows) = resume(state, order: input.order) else { return }
            var done = rows
            for record in input.records where record.endOffset > bytesDone {
                for item in record.items {
                    try write(item, input, w, source: source)
                    let n = count(item)
                    done += n
                    itemsRead += n
                    reports[input.order]?.records += n
                }
                try commit(w, source: source, bytesDone: record.endOffset, rows: done, complete: false)
            }
            try decodeConversions(w, source: source)
            try w.commit(
                source: source, bytesDone: input.size, rowsDone: done, complete: true, prefixHash: nil)
        }

        /// Records an item counts for: a block and each of its transactions, a receipt, a log.
        func count(_ item: RPCItem) -> Int {
            if case .block(let b) = item { return 1 + b.value.transactions.count }
            return 1
        }

        func commit(_ w: W, source: Int64, bytesDone: Int, rows: Int, complete: Bool) throws {
            try decodeConversions(w, source: source)
            try w.commit(
                source: source, bytesDone: bytesDone, rowsDone: rows, complete: complete, prefixHash: nil)
            chunks += 1
            progress?(itemsRead)
            if let stop = limits.stopAfterChunks, chunks >= stop { throw EthereumETLIngest.Interrupted() }
        }

        /// Runs a mapper rule, turning its `EthereumMappingError` into an error at the item's line.
        func mapped<T>(_ input: Input, line: Int, _ rule: () throws -> T) throws -> T {
            do {
                return try rule()
            } catch let e as EthereumMappingError {
                var message = e.message
                if e.field == "block_number" {
                    // The JSON-RPC way to give a block's time.
                    message =
                        message.prefix { $0 != ":" }
                        + ": neither a block body (eth_getBlockByNumber) in the run nor a log's blockTimestamp gives it; ingest the block's eth_getBlockByNumber answer in the same run"
                }
                throw IngestError(
                    .badValue, message, file: input.path, line: line, field: Self.field(e.field))
            }
        }

        /// The JSON-RPC name of a field the mapper blames by its ethereum-etl name.
        static func field(_ etl: String) -> String {
            switch etl {
            case "block_number": "blockNumber"
            case "gas_price": "gasPrice"
            case "gas_used": "gasUsed"
            default: etl
            }
        }

        func storedTime(_ w: W) -> (String) throws -> Int64? { { try w.transferTime(tx: $0) } }

        func write(_ item: RPCItem, _ input: Input, _ w: W, source: Int64) throws {
            switch item {
            case .block(let b):
                let withdrawals = try mapped(input, line: b.line) {
                    try mapper.withdrawals(of: b.value.block, line: b.line)
                }
                for t in withdrawals { try put(t, w, source: source) }
                for t in b.value.transactions { try transaction(t, input, w, source: source) }
            case .transaction(let t):
                try transaction(t, input, w, source: source)
            case .receipt(let r):
                try receipt(r, input, w, source: source)
            case .log(let l):
                try log(l, input, w, source: source)
            }
        }

        func transaction(_ t: Located<ETHTransaction>, _ input: Input, _ w: W, source: Int64) throws {
            let m = try mapped(input, line: t.line) {
                try mapper.transaction(t.value, line: t.line, storedTime: storedTime(w))
            }
            try put(m, w, source: source)
        }

        func receipt(_ located: Located<RPCReceipt>, _ input: Input, _ w: W, source: Int64) throws {
            let r = located.value
            let tx = r.receipt.transactionHash
            let inRun = ETHHashKey(tx).map { bodies.contains($0) } ?? false
            if !inRun {
                if hadOnChain, try w.transferTime(tx: tx) != nil {
                    // Its transaction is stored (an earlier run): it learns its outcome and fee.
                    let update = try mapped(input, line: located.line) {
                        try mapper.storedTransactionUpdate(r.receipt)
                    }
                    if let status = update.status { try w.setStatus(tx: tx, success: status) }
                    if let contract = update.createdContract {
                        try w.setCreatedContract(tx: tx, to: try address(contract, w))
                    }
                    if let fee = update.fee {
                        try w.addFee(tx: tx, amount: fee, source: source, line: Int64(located.line))
                    }
                } else if let block = r.receipt.blockNumber ?? r.logs.first?.value.blockNumber {
                    let fee = try mapped(input, line: located.line) {
                        try mapper.receiptFee(
                            r.receipt, from: r.from, block: block, line: located.line,
                            storedTime: storedTime(w))
                    }
                    if let fee { try put(fee, w, source: source) }
                }
            }
            for l in r.logs { try log(l, input, w, source: source) }
        }

        func log(_ l: Located<ETHLog>, _ input: Input, _ w: W, source: Int64) throws {
            let m = try mapped(input, line: l.line) {
                try mapper.log(l.value, line: l.line, storedTime: storedTime(w))
            }
            try store(m, w, source: source)
        }
    }
}
