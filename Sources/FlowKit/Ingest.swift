import Dispatch
import FlowBitcoin
import FlowIngest
public import FlowModel
public import FlowReport
public import FlowStore
import Foundation

/// What to ingest and how.
public struct IngestOptions: Sendable {
    public var paths: [String]
    /// Obfuscation key for Bitcoin Core 28+ blk files; when nil, `xor.dat` beside a file is used.
    public var xorKey: [UInt8]?
    /// Network of raw and hex blocks (blk files carry theirs in the magic).
    public var network: Network
    /// Decoding threads (the single writer is extra).
    public var threads: Int
    /// Block bytes per committed batch: a crash loses at most the batch being written.
    public var batchBytes: Int

    public init(
        paths: [String], xorKey: [UInt8]? = nil, network: Network = .mainnet,
        threads: Int? = nil, batchBytes: Int = 4 << 20
    ) {
        self.paths = paths
        self.xorKey = xorKey
        self.network = network
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.batchBytes = batchBytes
    }
}

/// Progress of a running ingest, for a status line.
public struct IngestProgress: Sendable {
    public var blocks: Int
    public var transactions: Int
    public var seconds: Double
    public var bytesDone: Int
    public var bytesTotal: Int
    public var file: String

    public var transactionsPerSecond: Double { seconds > 0 ? Double(transactions) / seconds : 0 }
    /// Seconds left, estimated from the bytes read so far.
    public var eta: Double? {
        guard bytesDone > 0, bytesTotal > bytesDone, seconds > 0 else { return nil }
        return seconds * Double(bytesTotal - bytesDone) / Double(bytesDone)
    }
}

/// Ingest of Bitcoin block input (blk*.dat, raw blocks, block hex) into a graph store:
/// `BlockSource` and `BlockDecoder` (FlowIngest) read and decode the blocks, the store contract's
/// `BlockStore` (FlowStore) plans and writes them.
///
/// Read and decode run on a producer thread that decodes each batch of blocks in parallel; one
/// writer stores the batches in input order and commits each, so every block is written
/// atomically and the result does not depend on the thread count.
public enum BitcoinIngest {
    /// A planned batch, ready for the writer.
    struct Planned: Sendable {
        var fileIndex: Int
        var rows: PlannedBatch
        var blocks: Int
        var error: IngestError?
        var bytes: Int
        var kind: String
        var xor: Bool
    }

    /// A decoded batch: whole blocks in input order, and the error that ended the file, if any.
    struct Batch: Sendable {
        var fileIndex: Int
        var blocks: [(block: BitcoinBlock, offset: Int)]
        var error: IngestError?
        var fileDone: Bool
        var bytes: Int
        /// What the file turned out to be (`blk`, `raw`, `hex`) and whether it was XOR-obfuscated.
        var kind: String = "?"
        var xor = false
    }

    public static func run<Store: BlockStore>(
        store: Store, options: IngestOptions, progress: (@Sendable (IngestProgress) -> Void)? = nil
    ) throws -> IngestReport {
        let start = DispatchTime.now()
        var fileSizes = [Int]()
        for path in options.paths {
            guard FileManager.default.fileExists(atPath: path) else {
                throw IngestError(.missingFile, "no such file", file: path)
            }
            fileSizes.append((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        let parameters = JSONValue.object([
            ("files", .array(options.paths.map { .string($0) })),
            ("network", .string(options.network.rawValue)),
            ("xor_key", options.xorKey.map { .string(Hex.encode($0)) } ?? .null),
        ])
        return try RunLog.record(store, command: "ingest", parameters: parameters, summary: IngestRender.json)
        {
            try ingest(store: store, options: options, start: start, fileSizes: fileSizes, progress: progress)
        }
    }

    static func ingest<Store: BlockStore>(
        store: Store, options: IngestOptions, start: DispatchTime, fileSizes: [Int],
        progress: (@Sendable (IngestProgress) -> Void)?
    ) throws -> IngestReport {
        let totalBytes = fileSizes.reduce(0, +)
        var files = options.paths.map {
            FileIngestReport(
                path: $0, kind: "?", blocks: 0, added: 0, alreadyPresent: 0, xorObfuscated: false)
        }
        let queue = BatchQueue<Batch>(capacity: 3)
        let producer = Thread {
            produce(options: options, fileSizes: fileSizes, into: queue)
        }
        producer.stackSize = 8 << 20
        producer.start()
        defer { queue.cancel() }

        var bytesDone = 0
        var lastReport = start
        let summary = try store.withWriter { planner, writer in
            // About 450 bytes of block data per transaction on today's chain; a rough guess is enough.
            planner.reserve(transactions: min(totalBytes / 450, 50_000_000))
            // Planning (ids, addresses, prevouts) runs on its own thread, so that it overlaps with
            // the SQLite inserts of the previous batch on the other core.
            let planned = BatchQueue<Planned>(capacity: 2)
            let planning = Thread {
                defer { planned.close() }
                while let batch = queue.pop() {
                    let rows = planner.plan(batch.blocks, sourceFile: options.paths[batch.fileIndex])
                    let item = Planned(
                        fileIndex: batch.fileIndex, rows: rows, blocks: batch.blocks.count,
                        error: batch.error,
                        bytes: batch.bytes, kind: batch.kind, xor: batch.xor)
                    guard planned.push(item) else { return }
                    if batch.error != nil { return }
                }
            }
            planning.stackSize = 8 << 20
            planning.start()
            defer { planned.cancel() }
            while let batch = planned.pop() {
                let before = writer.summary
                try writer.write(batch.rows)
                try writer.commit()
                let after = writer.summary
                files[batch.fileIndex].kind = batch.kind
                files[batch.fileIndex].xorObfuscated = batch.xor
                files[batch.fileIndex].blocks += batch.blocks
                files[batch.fileIndex].added += after.blocksAdded - before.blocksAdded
                files[batch.fileIndex].alreadyPresent += after.blocksSkipped - before.blocksSkipped
                bytesDone += batch.bytes
                if let error = batch.error { throw error }
                if let progress {
                    let now = DispatchTime.now()
                    if now.uptimeNanoseconds - lastReport.uptimeNanoseconds > 1_000_000_000 {
                        lastReport = now
                        progress(
                            IngestProgress(
                                blocks: after.blocksAdded + after.blocksSkipped,
                                transactions: after.transactions,
                                seconds: seconds(since: start), bytesDone: bytesDone, bytesTotal: totalBytes,
                                file: options.paths[batch.fileIndex]))
                    }
                }
            }
        }
        let elapsed = seconds(since: start)
        return IngestReport(
            files: files, summary: summary, seconds: elapsed,
            transactionsPerSecond: elapsed > 0 ? Double(summary.transactions) / elapsed : 0)
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// Reads each file, frames it, decodes batches of blocks in parallel and queues them in order.
    /// A file's last batch carries its framing error, if any (a file with no good frame sends
    /// one empty batch).
    static func produce(
        options: IngestOptions, fileSizes: [Int], into queue: BatchQueue<Batch>
    ) {
        defer { queue.close() }
        for (fileIndex, path) in options.paths.enumerated() {
            let source: BlockSource
            do {
                source = try BlockSource.load(path: path, xorKey: options.xorKey, network: options.network)
            } catch {
                queue.push(Batch(fileIndex: fileIndex, blocks: [], error: error, fileDone: true, bytes: 0))
                return
            }
            var start = 0
            var reportedBytes = 0
            repeat {
                if queue.isCancelled { return }
                var end = start
                var bytes = 0
                while end < source.frames.count && (end == start || bytes < options.batchBytes) {
                    bytes += source.frames[end].length
                    end += 1
                }
                let (blocks, error) = decode(source, frames: start..<end, threads: options.threads)
                let last = end >= source.frames.count
                let failure = error ?? (last ? source.framingError : nil)
                let share =
                    last
                    ? fileSizes[fileIndex] - reportedBytes : min(fileSizes[fileIndex] - reportedBytes, bytes)
                reportedBytes += share
                let batch = Batch(
                    fileIndex: fileIndex, blocks: blocks, error: failure, fileDone: last, bytes: share,
                    kind: source.kind.rawValue, xor: source.deobfuscated)
                guard queue.push(batch), failure == nil else { return }
                start = end
            } while start < source.frames.count
        }
    }

    /// Decodes `frames` of `source` on up to `threads` threads; returns the blocks in order up to
    /// the first failing block, and that block's error.
    static func decode(_ source: BlockSource, frames: Range<Int>, threads: Int) -> (
        [(block: BitcoinBlock, offset: Int)], IngestError?
    ) {
        let count = frames.count
        let chunks = min(count, threads * 4)
        guard chunks > 0 else { return ([], nil) }
        let results = parallelMap(chunks, threads: threads) { chunk in
            let lo = frames.lowerBound + chunk * count / chunks
            let hi = frames.lowerBound + (chunk + 1) * count / chunks
            var blocks = [(block: BitcoinBlock, offset: Int)]()
            blocks.reserveCapacity(hi - lo)
            for i in lo..<hi {
                let frame = source.frames[i]
                switch Result(catching: { () throws(IngestError) in
                    try source.decode(frame)
                }) {
                case .success(let block): blocks.append((block, frame.offset))
                case .failure(let error): return (blocks, Optional(error))
                }
            }
            return (blocks, nil)
        }
        var all = [(block: BitcoinBlock, offset: Int)]()
        all.reserveCapacity(count)
        for (blocks, failure) in results {
            all.append(contentsOf: blocks)
            if let failure { return (all, failure) }
        }
        return (all, nil)
    }
}
