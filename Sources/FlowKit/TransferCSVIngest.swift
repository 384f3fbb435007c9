import Dispatch
public import FlowIngest
import FlowModel
public import FlowReport
public import FlowStore
import Foundation

/// How to read transfers CSV files.
public struct TransferCSVOptions: Sendable {
    /// Column mapping; nil takes the preset the file's header matches (AMLSim, AMLworld).
    public var mapping: TransferCSVMapping?
    /// Decimals of amounts, overriding the mapping's or preset's.
    public var decimals: Int?
    /// The asset of rows without an asset column, overriding the mapping's or preset's.
    public var asset: String?
    /// The `addresses.chain` and `assets.chain` of the ledger's accounts and currencies.
    public var chain: String
    /// Rows per committed chunk: a crash loses at most the chunk being written.
    public var chunkRows: Int
    /// Times are integer steps of this unit (overriding the mapping's or preset's).
    public var timeUnit: TransferCSVMapping.TimeStep?
    /// Unix seconds of step 0 (overriding the mapping's or preset's).
    public var epoch: Int64?

    public init(
        mapping: TransferCSVMapping? = nil, decimals: Int? = nil, asset: String? = nil,
        chain: String = "ledger",
        chunkRows: Int = 50_000, timeUnit: TransferCSVMapping.TimeStep? = nil, epoch: Int64? = nil
    ) {
        self.timeUnit = timeUnit
        self.epoch = epoch
        self.mapping = mapping
        self.decimals = decimals
        self.asset = asset
        self.chain = chain
        self.chunkRows = chunkRows
    }
}

/// Ingest of transfer CSVs (a bank-style ledger, AMLSim, AMLworld) as account-model transfers:
/// Source -> Mapper -> Sink. `TransferCSVParser` (FlowIngest) reads each row with its column
/// mapping, `TransferCSVMapper` (FlowIngest) holds the ledger rules (which mapping, the source's
/// identity, seq, asset and decimals), and this orchestration interns and writes through the
/// store contract's `TransferSink` (FlowStore).
///
/// One thread parses rows and interns addresses; the calling thread inserts each chunk and
/// commits it together with the file's progress, so a crash or a bad row loses nothing before
/// it, a re-run skips a finished file, and an interrupted or corrected file resumes after the
/// last committed row.
public enum TransferCSVIngest {
    struct Chunk: Sendable {
        var rows: LedgerChunk
        var endOffset: Int
        var rowsEnd: Int
        /// SHA-256 of the file's first `endOffset` bytes.
        var prefixHash: [UInt8]?
        var error: IngestError?
    }

    public static func run<Store: TransferStore>(
        store: Store, files: [(path: String, detected: DetectedFormat)], options: TransferCSVOptions,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> AccountIngestReport {
        let start = DispatchTime.now()
        var mappings: [TransferCSVMapping] = []
        for (path, detected) in files {
            mappings.append(
                try TransferCSVMapper.mapping(
                    file: path, given: options.mapping, detectedRole: detected.role,
                    decimals: options.decimals,
                    asset: options.asset, timeUnit: options.timeUnit, epoch: options.epoch))
        }
        let parameters = JSONValue.object([
            ("files", .array(files.map { .string($0.path) })),
            ("format", .string(InputFormat.transfersCSV.rawValue)),
            ("mappings", .array(mappings.map { .string($0.description) })),
            ("chain", .string(options.chain)),
        ])
        return try RunLog.record(store, command: "ingest", parameters: parameters, summary: IngestRender.json)
        {
            try ingest(
                store: store, files: files, mappings: mappings, options: options, start: start,
                progress: progress)
        }
    }

    static func ingest<Store: TransferStore>(
        store: Store, files: [(path: String, detected: DetectedFormat)], mappings: [TransferCSVMapping],
        options: TransferCSVOptions, start: DispatchTime, progress: (@Sendable (Int) -> Void)?
    ) throws -> AccountIngestReport {
        var reports: [SourceFileReport] = []
        var rowsSoFar = 0
        let summary = try store.withTransferWriter { writer in
            var interner: LedgerInterner?
            for (index, file) in files.enumerated() {
                let data = try InputFile.map(file.path)
                let mapping = mappings[index]
                let format = TransferCSVMapper.sourceFormat(mapping)
                let chunkRows = options.chunkRows
                func startParsing(_ ledger: LedgerInterner, at offset: Int, after rows: Int) -> BatchQueue<
                    Chunk
                > {
                    ledger.resetAssets()
                    let chunks = BatchQueue<Chunk>(capacity: 2)
                    let parser = Thread {
                        defer { chunks.close() }
                        data.withUnsafeBytes { bytes in
                            produce(
                                path: file.path, bytes: bytes, mapping: mapping, resumeOffset: offset,
                                firstRow: rows, chunkRows: chunkRows, interner: ledger, into: chunks)
                        }
                    }
                    parser.stackSize = 8 << 20
                    parser.start()
                    return chunks
                }
                // A file no earlier run can have read will be fresh: its rows are read from the
                // start while its fingerprint is computed here.
                var early: BatchQueue<Chunk>?
                if try !writer.mayKnow(path: file.path, format: format, size: data.count) {
                    if interner == nil { interner = try writer.ledgerInterner() }
                    early = startParsing(interner!, at: 0, after: 0)
                }
                defer { early?.cancel() }
                let state = try data.withUnsafeBytes { bytes in
                    try writer.source(
                        path: file.path, format: format, fingerprint: SourceFingerprint.sha256(bytes),
                        size: bytes.count, options: nil,
                        prefixHash: {
                            SourceFingerprint.sha256(UnsafeRawBufferPointer(rebasing: bytes[0..<$0]))
                        })
                }
                var report = SourceFileReport(
                    path: file.path, format: InputFormat.transfersCSV.rawValue, role: file.detected.role)
                let sourceId: Int64
                var resumeOffset = 0
                var rowsDone = 0
                switch state {
                case .complete:
                    report.alreadyIngested = true
                    reports.append(report)
                    // An early reader (not what `mayKnow` promised) planned ids for nothing.
                    if early != nil { interner = nil }
                    continue
                case .fresh(let id): sourceId = id
                case .partial(let id, let bytesDone, let done):
                    sourceId = id
                    resumeOffset = bytesDone
                    rowsDone = done
                    if done > 0 { report.resumedAfter = done }
                }
                if early != nil, resumeOffset > 0 || rowsDone > 0 {
                    // Not what `mayKnow` promised: drop the early reader and its interner (it
                    // planned ids for rows that will not be written) and read from the resume point.
                    early?.cancel()
                    early = nil
                    interner = try writer.ledgerInterner()
                }
                if interner == nil { interner = try writer.ledgerInterner() }
                let ledger = interner!
                let chunks = early ?? startParsing(ledger, at: resumeOffset, after: rowsDone)
                defer { chunks.cancel() }
                var assetIds: [Int64] = []
                var lastOffset = resumeOffset
                while let chunk = chunks.pop() {
                    // Assets named by this chunk's rows (a handful per ledger).
                    while assetIds.count < ledger.assetNames.count {
                        let name = ledger.assetNames[assetIds.count]
                        assetIds.append(
                            try writer.asset(
                                chain: options.chain, symbol: name, contract: "",
                                decimals: mapping.decimals(ofAsset: name), name: nil))
                    }
                    try writer.write(chunk.rows, assetIds: assetIds, chain: options.chain, source: sourceId)
                    let complete = chunk.error == nil && chunk.endOffset >= data.count
                    try writer.commit(
                        source: sourceId, bytesDone: chunk.endOffset, rowsDone: chunk.rowsEnd,
                        complete: complete,
                        prefixHash: chunk.prefixHash)
                    report.records += chunk.rows.rows.count
                    report.added += chunk.rows.rows.count
                    rowsSoFar += chunk.rows.rows.count
                    lastOffset = chunk.endOffset
                    progress?(rowsSoFar)
                    if let error = chunk.error {
                        reports.append(report)
                        throw error
                    }
                }
                if lastOffset < data.count {
                    // Nothing left but blank lines or a header: mark the file done.
                    try writer.commit(
                        source: sourceId, bytesDone: data.count, rowsDone: rowsDone + report.records,
                        complete: true, prefixHash: nil)
                }
                reports.append(report)
            }
        }
        return AccountIngestReport(
            files: reports, summary: summary, seconds: BitcoinIngest.seconds(since: start))
    }

    /// Parses rows into chunks of `chunkRows`, interning addresses, and hashes the file's prefix
    /// up to each chunk's end (the resume check's `prefix_hash`), so the writer's thread only
    /// writes; a bad row ends the file with a chunk holding the rows before it and the error.
    static func produce(
        path: String, bytes: UnsafeRawBufferPointer, mapping: TransferCSVMapping, resumeOffset: Int,
        firstRow: Int,
        chunkRows: Int, interner: LedgerInterner, into queue: BatchQueue<Chunk>
    ) {
        var hasher = PrefixHasher()
        func chunkEnd(_ rows: LedgerChunk, _ end: Int, _ rowsEnd: Int, _ error: IngestError?) -> Chunk {
            hasher.advance(to: end, in: bytes)
            return Chunk(
                rows: rows, endOffset: end, rowsEnd: rowsEnd, prefixHash: hasher.digest, error: error)
        }
        var parser: TransferCSVParser
        do {
            parser = try TransferCSVParser(
                file: path, bytes: bytes, mapping: mapping, resumeOffset: resumeOffset, firstRow: firstRow)
        } catch {
            queue.push(chunkEnd(LedgerChunk(), resumeOffset, firstRow, error))
            return
        }
        var assets = AssetCache(interner: interner)
        var chunk = LedgerChunk()
        chunk.reserve(rows: chunkRows)
        var endOffset = max(resumeOffset, parser.offset)
        var raw = RawTransfer()
        while true {
            do {
                guard try parser.next(into: &raw) else { break }
            } catch {
                queue.push(chunkEnd(chunk, endOffset, parser.rows, error))
                return
            }
            let from = interner.address(utf8: raw.from, into: &chunk)
            let to = interner.address(utf8: raw.to, into: &chunk)
            let asset = raw.asset.map { assets.index($0) } ?? assets.index(named: mapping.defaultAsset)
            chunk.append(
                from: from, to: to, asset: asset, amount: raw.amount, time: raw.time, tx: raw.tx,
                seq: raw.seq,
                line: Int64(raw.line))
            endOffset = parser.offset
            if chunk.rows.count >= chunkRows {
                guard queue.push(chunkEnd(chunk, endOffset, parser.rows, nil)) else { return }
                chunk = LedgerChunk()
                chunk.reserve(rows: chunkRows)
            }
        }
        if !chunk.rows.isEmpty || endOffset < bytes.count {
            queue.push(chunkEnd(chunk, bytes.count, parser.rows, nil))
        }
    }
}

/// The interner's asset indexes by the asset's bytes: a ledger names a handful of assets, so
/// the last few are compared byte for byte before a name is made.
struct AssetCache {
    let interner: LedgerInterner
    private var recent: [(bytes: [UInt8], index: Int32)] = []
    private var named: Int32?

    init(interner: LedgerInterner) { self.interner = interner }

    mutating func index(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        for entry in recent where entry.bytes.count == bytes.count && entry.bytes.elementsEqual(bytes) {
            return entry.index
        }
        let index = interner.asset(String(decoding: bytes, as: UTF8.self))
        if recent.count < 8 { recent.append((Array(bytes), index)) }
        return index
    }

    mutating func index(named name: String) -> Int32 {
        if let named { return named }
        let index = interner.asset(name)
        named = index
        return index
    }
}
