import Dispatch
import FlowBitcoin
public import FlowIngest
public import FlowModel
public import FlowReport
public import FlowStore
import Foundation

/// Ingest of Bitcoin JSON exports into the Bitcoin graph store: Bitcoin Core RPC answers
/// (`getblock <hash> 2|3`, `getrawtransaction <txid> true`) and bitcoin-etl JSON lines
/// (blocks.json + transactions.json).
///
/// The blocks they describe are rebuilt, verified (txids, merkle roots, header hashes) and stored
/// through the same planner and writer as raw blocks, so a Core `getblock` answer stores exactly
/// the rows its raw block would. Writes are committed in batches (a block is never split), blocks
/// already stored are skipped, and a bad record stops the run with an error naming the file, line,
/// field and value after committing the blocks before it.
///
/// Order within a run: Core JSON files (in the order given), then bitcoin-etl (all blocks files
/// are read first, then the transaction files; a block is stored when its last transaction has
/// been read), then the `getrawtransaction` answers.
///
/// A `getrawtransaction` answer stores no transaction: a transaction is stored with its block
/// (its position, time and chain come from it). What the answer proves is used instead: its
/// outputs (and, verbosity 2, its inputs' `prevout`s) give the value and address of stored
/// inputs that spend them and whose funding transaction is not stored (`prevouts`). The report's
/// notes say what was skipped and why.
public enum BitcoinJSONIngest {
    /// Transactions per committed batch: a crash loses at most the batch being written.
    static let transactionsPerCommit = 20_000

    public static func run<Store: BlockStore>(
        store: Store, files: [(path: String, detected: DetectedFormat)], network: Network,
        progress: (@Sendable (IngestProgress) -> Void)? = nil
    ) throws -> IngestReport {
        let start = DispatchTime.now()
        var sizes = [Int]()
        for file in files {
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw IngestError(.missingFile, "no such file", file: file.path)
            }
            guard file.detected.format == .coreJSON || file.detected.format == .bitcoinETL else {
                throw IngestError(
                    .unknownFormat,
                    "read as \(file.detected.format.rawValue), which is not Bitcoin JSON (core-json or bitcoin-etl)",
                    file: file.path)
            }
            sizes.append((try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0)
        }
        let parameters = JSONValue.object([
            ("files", .array(files.map { .string($0.path) })),
            ("formats", .array(files.map { .string(kind(of: $0.detected)) })),
            ("network", .string(network.rawValue)),
        ])
        return try RunLog.record(store, command: "ingest", parameters: parameters, summary: IngestRender.json)
        {
            var job = Job<Store.BlockWriter>(
                files: files, sizes: sizes, network: network, start: start, progress: progress)
            return try job.ingest(store: store)
        }
    }

    /// The report's name for a file's kind: format and role ("core-json getblock").
    static func kind(of detected: DetectedFormat) -> String {
        detected.format.rawValue + (detected.role.map { " " + $0 } ?? "")
    }

    static func extras(_ b: JSONBlock) -> BlockExtras? {
        guard b.declaredHeight != nil || !b.prevouts.isEmpty || !b.fees.isEmpty else { return nil }
        return BlockExtras(
            declaredHeight: b.declaredHeight,
            prevouts: b.prevouts,
            statedFees: b.fees.map { $0.map { Int64($0.satoshi) } })
    }

    /// One run's state, writing through `W`.
    struct Job<W: BlockBatchWriter> {
        let files: [(path: String, detected: DetectedFormat)]
        let sizes: [Int]
        let network: Network
        let start: DispatchTime
        let progress: (@Sendable (IngestProgress) -> Void)?
        var reports: [FileIngestReport]
        var bytesDone = 0
        var lastReport: DispatchTime
        var uncommitted = 0

        init(
            files: [(path: String, detected: DetectedFormat)], sizes: [Int], network: Network,
            start: DispatchTime,
            progress: (@Sendable (IngestProgress) -> Void)?
        ) {
            self.files = files
            self.sizes = sizes
            self.network = network
            self.start = start
            self.progress = progress
            self.lastReport = start
            reports = files.map {
                FileIngestReport(
                    path: $0.path, kind: BitcoinJSONIngest.kind(of: $0.detected), blocks: 0, added: 0,
                    alreadyPresent: 0, xorObfuscated: false)
            }
        }

        // bitcoin-etl blocks, read before any transaction.
        var etlBlocks: [Hash256: (block: ETLBlock, file: Int)] = [:]
        var etlOrder: [Hash256] = []
        var etlByNumber: [Int: [Hash256]] = [:]
        /// A bad line in a blocks file: blocks before it are still stored, then this is thrown.
        var etlBlocksError: IngestError?
        var rawTransactions: [(tx: CoreTransaction, file: Int)] = []

        mutating func ingest<Store: BlockStore>(store: Store) throws -> IngestReport
        where Store.BlockWriter == W {
            let core = files.indices.filter { files[$0].detected.format == .coreJSON }
            let etl = files.indices.filter { files[$0].detected.format == .bitcoinETL }
            let etlBlockFiles = etl.filter { files[$0].detected.role == "blocks" }
            let etlOtherFiles = etl.filter { files[$0].detected.role != "blocks" }
            var earlyTransactions: [(ETLTransaction, Int)] = []
            for i in etlBlockFiles {
                do {
                    var reader = try JSONRecordReader(path: files[i].path)
                    while let record = try reader.next() {
                        switch try BitcoinETL.read(record, network: network) {
                        case .block(let b): addETLBlock(b, file: i)
                        case .transaction(let t): earlyTransactions.append((t, i))
                        }
                    }
                } catch {
                    etlBlocksError = error
                    break
                }
                bytesDone += sizes[i]
            }
            let summary = try store.withWriter { planner, writer in
                do {
                    for i in core { try readCore(file: i, planner: planner, writer: writer) }
                    if !etl.isEmpty {
                        for (t, i) in earlyTransactions {
                            try addETLTransaction(t, file: i, planner: planner, writer: writer)
                        }
                        for i in etlOtherFiles { try readETL(file: i, planner: planner, writer: writer) }
                        // After a bad blocks line, that line is the error to report.
                        if etlBlocksError == nil { try checkETLComplete(planner: planner, writer: writer) }
                    }
                    try writer.commit()
                    try applyRawTransactions(planner: planner, writer: writer)
                    if let etlBlocksError { throw etlBlocksError }
                } catch let error as IngestError {
                    // Keep what was read before the bad record (whole blocks only).
                    try writer.commit()
                    throw error
                }
            }
            let elapsed = BitcoinIngest.seconds(since: start)
            return IngestReport(
                files: reports, summary: summary, seconds: elapsed,
                transactionsPerSecond: elapsed > 0 ? Double(summary.transactions) / elapsed : 0)
        }

        mutating func addETLBlock(_ b: ETLBlock, file: Int) {
            reports[file].blocks += 1
            guard etlBlocks[b.hash] == nil else { return }
            etlBlocks[b.hash] = (b, file)
            etlOrder.append(b.hash)
            etlByNumber[b.number, default: []].append(b.hash)
        }

        /// Plans and writes one block; commits every `transactionsPerCommit` transactions.
        mutating func store(
            _ block: JSONBlock, files counted: [Int], planner: BitcoinPlanner, writer: W
        ) throws {
            let before = writer.summary
            let batch = planner.plan(
                [(block.block, block.location.offset)], sourceFile: block.location.file,
                extras: [BitcoinJSONIngest.extras(block)])
            // A stated fee the known inputs contradict: the block is refused (the ones before
            // it are kept), at the fee's place in the file.
            if let m = batch.feeMismatches.first, m.position < block.fees.count,
                let fee = block.fees[m.position]
            {
                throw fee.mismatch(inputs: UInt64(m.inputs), outputs: UInt64(m.outputs))
            }
            try writer.write(batch)
            let after = writer.summary
            for i in counted {
                reports[i].added += after.blocksAdded - before.blocksAdded
                reports[i].alreadyPresent += after.blocksSkipped - before.blocksSkipped
            }
            uncommitted += block.block.transactions.count
            if uncommitted >= BitcoinJSONIngest.transactionsPerCommit {
                try writer.commit()
                uncommitted = 0
            }
        }

        mutating func report(file: Int, reader: JSONRecordReader, writer: W) {
            guard let progress else { return }
            let now = DispatchTime.now()
            guard now.uptimeNanoseconds - lastReport.uptimeNanoseconds > 1_000_000_000 else { return }
            lastReport = now
            let s = writer.summary
            progress(
                IngestProgress(
                    blocks: s.blocksAdded + s.blocksSkipped, transactions: s.transactions,
                    seconds: BitcoinIngest.seconds(since: start), bytesDone: bytesDone + reader.bytesRead,
                    bytesTotal: sizes.reduce(0, +), file: files[file].path))
        }

        mutating func readCore(file i: Int, planner: BitcoinPlanner, writer: W) throws {
            var reader = try JSONRecordReader(path: files[i].path)
            while let record = try reader.next() {
                switch try CoreJSON.read(record, network: network) {
                case .block(let block):
                    reports[i].blocks += 1
                    try store(block, files: [i], planner: planner, writer: writer)
                case .transaction(let tx):
                    rawTransactions.append((tx, i))
                }
                report(file: i, reader: reader, writer: writer)
            }
            bytesDone += sizes[i]
        }

        // MARK: bitcoin-etl

        var pending: [Hash256: [ETLTransaction]] = [:]
        /// Blocks of bitcoin-etl lines stored by this run.
        var etlAdded = Set<Hash256>()
        /// Blocks each transactions file has been counted for.
        var counted: [Int: Set<Hash256>] = [:]

        mutating func readETL(file i: Int, planner: BitcoinPlanner, writer: W) throws {
            var reader = try JSONRecordReader(path: files[i].path)
            while let record = try reader.next() {
                switch try BitcoinETL.read(record, network: network) {
                case .block(let b): addETLBlock(b, file: i)
                case .transaction(let t): try addETLTransaction(t, file: i, planner: planner, writer: writer)
                }
                report(file: i, reader: reader, writer: writer)
            }
            bytesDone += sizes[i]
        }

        mutating func addETLTransaction(
            _ t: ETLTransaction, file i: Int, planner: BitcoinPlanner, writer: W
        ) throws {
            let hash = t.blockHash
            // A transactions file counts the blocks its lines belong to (a mixed file counts
            // them at their block line).
            let ownLine = etlBlocks[hash]?.file == i
            if counted[i, default: []].insert(hash).inserted && !ownLine {
                reports[i].blocks += 1
                if planner.isKnown(hash) && !etlAdded.contains(hash) { reports[i].alreadyPresent += 1 }
            }
            // Stored by an earlier run, or complete already: nothing to do.
            if planner.isKnown(hash) { return }
            guard let entry = etlBlocks[hash] else {
                // Its block line came after a bad line of the blocks file: that error is reported.
                if etlBlocksError != nil { return }
                throw t.location.error(
                    "the block of this transaction (\(hash)) is not in a blocks file of this run: ingest bitcoin-etl's blocks.json together with its transactions.json",
                    field: "block_hash", key: "block_hash", valueText: "\"\(hash.hex)\"")
            }
            pending[hash, default: []].append(t)
            guard let lines = pending[hash], lines.count == entry.block.transactionCount else { return }
            pending[hash] = nil
            let block = try BitcoinETL.assemble(
                entry.block, lines, network: network, parents: etlByNumber[entry.block.number - 1] ?? [])
            etlAdded.insert(hash)
            try store(
                block, files: entry.file == i ? [i] : [entry.file, i], planner: planner, writer: writer)
        }

        /// Every block line must have met all its transactions (unless the block was stored before).
        mutating func checkETLComplete(planner: BitcoinPlanner, writer: W) throws {
            for hash in etlOrder {
                guard let entry = etlBlocks[hash] else { continue }
                if planner.isKnown(hash) {
                    if !etlAdded.contains(hash) { reports[entry.file].alreadyPresent += 1 }
                    continue
                }
                let found = pending[hash]?.count ?? 0
                throw entry.block.location.error(
                    "block \(hash) (number \(entry.block.number)) has \(entry.block.transactionCount) transaction(s), \(found) found in the transaction files of this run: ingest bitcoin-etl's blocks.json and transactions.json together",
                    field: "transaction_count", key: "transaction_count",
                    valueText: String(entry.block.transactionCount))
            }
        }

        // MARK: getrawtransaction

        mutating func applyRawTransactions(planner: BitcoinPlanner, writer: W) throws {
            guard !rawTransactions.isEmpty else { return }
            var outputs = [KnownOutput]()
            for (raw, i) in rawTransactions {
                outputs += raw.knownOutputs
                let txid = raw.transaction.txid
                let place = "\(raw.location.file):\(raw.location.line)"
                if let block = raw.blockHash {
                    if planner.isKnown(block) {
                        reports[i].alreadyPresent += 1
                    } else {
                        writer.note(
                            "\(place): transaction \(txid) is not stored: its block \(block) is not in the database (transactions are stored with their block: ingest `getblock \(block) 2` or its raw block)"
                        )
                    }
                } else {
                    writer.note("\(place): transaction \(txid) is unconfirmed (no blockhash): not stored")
                }
            }
            let matches = try writer.unresolvedInputs(spending: outputs.map { ($0.txid, $0.vout) })
            guard !matches.isEmpty else { return }
            var seen = Set<Int64>()
            var items = [(inputId: Int64, txId: Int64, prevout: SpentOutput)]()
            for m in matches where seen.insert(m.inputId).inserted {
                items.append((m.inputId, m.txId, outputs[m.outpoint].output))
            }
            try writer.write(planner.planPrevouts(items, network: network))
            try writer.commit()
            writer.note(
                "\(items.count) stored inputs got their value from getrawtransaction answers (their funding transactions are not stored)"
            )
        }
    }
}
