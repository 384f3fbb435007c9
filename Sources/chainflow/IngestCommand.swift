import ArgumentParser
import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import Foundation

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest block exports and transfer files into the database.",
        discussion: """
            Formats (detected from each file's content; --format NAME overrides):
              blocks         Bitcoin blk*.dat files, raw blocks, block hex
              core-json      Bitcoin Core getblock (verbosity 2/3) and getrawtransaction JSON
              bitcoin-etl    bitcoin-etl blocks.json / transactions.json (JSON lines)
              ethereum-etl   ethereum-etl CSV or JSON lines (blocks, transactions, receipts, token_transfers,
                             tokens, traces)
              transfers-csv  a CSV of transfers: --map tx=COL,time=COL,from=COL,to=COL,amount=COL[,asset=COL]
                             or --preset amlsim|amlsim-sample|amlworld (IBM AMLSim transactions.csv, its
                             published samples' sourceNodeId,targetNodeId,value,time, IBM AMLworld *_Trans.csv);
                             integer time steps with --time-unit day|hour|minute|second --epoch DATE
            Data already in the database is skipped, so re-running is safe, and an interrupted run resumes
            where it stopped. Bitcoin Core 28+ obfuscated blk files are read with the key in xor.dat beside
            them, or --xor-key.
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "Input files.")
    var files: [String]

    @Option(name: .long, help: "Input format for all files (default: detected from each file's content).")
    var format: String?

    @Option(
        name: .long,
        help:
            "transfers-csv column mapping: tx=COL,time=COL,from=COL,to=COL,amount=COL[,asset=COL] (COL: header name or #N)."
    )
    var map: String?

    @Option(name: .long, help: "transfers-csv preset: amlsim, amlsim-sample or amlworld.")
    var preset: String?

    @Option(
        name: .long,
        help:
            "transfers-csv: times are integer steps of this unit after --epoch: day, hour, minute or second.")
    var timeUnit: String?

    @Option(
        name: .long,
        help:
            "transfers-csv: the date or Unix time of step 0 for --time-unit (default: 2017-01-01, AMLSim's).")
    var epoch: String?

    @Option(
        name: .long, help: "transfers-csv: decimals of amounts (12.34 with 2 decimals is 1234 base units).")
    var decimals: Int?

    @Option(name: .long, help: "transfers-csv: the asset of every row when no asset column is mapped.")
    var asset: String?

    @Option(name: .long, help: "transfers-csv: the chain name of the ledger's accounts (default: ledger).")
    var chain = "ledger"

    @Option(name: .long, help: "Network of raw and hex blocks and Bitcoin JSON (blk files carry theirs).")
    var network: Network = .mainnet

    @Option(name: .long, help: "Block-file obfuscation key as hex (Bitcoin Core 28+), e.g. 0123456789abcdef.")
    var xorKey: String?

    @Option(name: .long, help: "Decoding threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "No progress line on stderr.")
    var quiet = false

    @Flag(name: .long, help: "Print the run's report as JSON.")
    var json = false

    func validate() throws {
        if let xorKey, Hex.decode(xorKey) == nil || xorKey.isEmpty {
            throw ValidationError("--xor-key '\(xorKey)' is not hex bytes (e.g. 0123456789abcdef)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let format, InputFormat(name: format) == nil {
            throw ValidationError(
                "unknown --format '\(format)'; formats:\n  "
                    + InputFormat.allCases.map(\.summary).joined(separator: "\n  "))
        }
        if let preset, TransferCSVMapping.preset(preset) == nil {
            throw ValidationError(
                "unknown --preset '\(preset)'; presets: \(TransferCSVMapping.presetNames.joined(separator: ", "))"
            )
        }
        if let timeUnit, TransferCSVMapping.TimeStep(name: timeUnit) == nil {
            throw ValidationError("unknown --time-unit '\(timeUnit)'; units: day, hour, minute, second")
        }
        if let epoch, TimeParser.parse(epoch) == nil {
            throw ValidationError("--epoch '\(epoch)' is not a date (2017-01-01) or Unix seconds")
        }
        if map != nil && preset != nil { throw ValidationError("give --map or --preset, not both") }
        if let map {
            do {
                _ = try TransferCSVMapping.parse(map)
            } catch {
                throw ValidationError(error.message)
            }
        }
        if let decimals, !(0...77).contains(decimals) {
            throw ValidationError("--decimals must be 0...77, got \(decimals)")
        }
    }

    /// The transfers-csv mapping the options name (nil: the preset the header matches).
    func csvMapping() throws -> TransferCSVMapping? {
        if let map { return try TransferCSVMapping.parse(map) }
        return preset.flatMap(TransferCSVMapping.preset)
    }

    func run() throws {
        do {
            let plan = try IngestPlan.classify(
                paths: files, override: format.flatMap(InputFormat.init(name:)))
            let store = try GraphStore(path: database.db)
            // One ingest per database at a time; a second one is told who holds it.
            let writerLock = try store.lockForWriting()
            defer { withExtendedLifetime(writerLock) {} }
            let interactive = isatty(STDERR_FILENO) != 0
            var outputs: [(text: String, json: JSONValue)] = []
            defer {
                if json {
                    let value = outputs.count == 1 ? outputs[0].json : .array(outputs.map(\.json))
                    print(value.rendered(), terminator: "")
                } else {
                    for o in outputs { print(o.text, terminator: "") }
                }
            }
            let blockFiles = plan.files(.blocks).map(\.path)
            if !blockFiles.isEmpty {
                let options = IngestOptions(
                    paths: blockFiles, xorKey: xorKey.flatMap { Hex.decode($0) }, network: network,
                    threads: threads)
                var progress: (@Sendable (IngestProgress) -> Void)?
                if !quiet { progress = { p in showProgress(p, interactive: interactive) } }
                let report = try BitcoinIngest.run(store: store, options: options, progress: progress)
                if !quiet && interactive { FileHandle.standardError.write(Data("\n".utf8)) }
                outputs.append((IngestRender.text(report), IngestRender.json(report)))
            }
            let csvFiles = plan.files(.transfersCSV)
            if !csvFiles.isEmpty {
                let options = TransferCSVOptions(
                    mapping: try csvMapping(), decimals: decimals, asset: asset, chain: chain,
                    timeUnit: timeUnit.flatMap(TransferCSVMapping.TimeStep.init(name:)),
                    epoch: epoch.flatMap { TimeParser.parse($0) })
                let report = try TransferCSVIngest.run(
                    store: store, files: csvFiles, options: options, progress: rowProgress(interactive))
                if !quiet && interactive { FileHandle.standardError.write(Data("\n".utf8)) }
                outputs.append((IngestRender.text(report), IngestRender.json(report)))
            }
            let jsonFiles = plan.files.filter {
                $0.detected.format == .coreJSON || $0.detected.format == .bitcoinETL
            }
            if !jsonFiles.isEmpty {
                var progress: (@Sendable (IngestProgress) -> Void)?
                if !quiet { progress = { p in showProgress(p, interactive: interactive) } }
                let report = try BitcoinJSONIngest.run(
                    store: store, files: jsonFiles, network: network, progress: progress)
                if !quiet && interactive { FileHandle.standardError.write(Data("\n".utf8)) }
                outputs.append((IngestRender.text(report), IngestRender.json(report)))
            }
            let ethereumFiles = plan.files(.ethereumETL)
            if !ethereumFiles.isEmpty {
                let report = try EthereumETLIngest.run(
                    store: store, files: ethereumFiles, progress: rowProgress(interactive))
                if !quiet && interactive { FileHandle.standardError.write(Data("\n".utf8)) }
                outputs.append((IngestRender.text(report), IngestRender.json(report)))
            }
        } catch {
            throw fail(error)
        }
    }

    /// A progress callback counting records, or nil with --quiet.
    func rowProgress(_ interactive: Bool) -> (@Sendable (Int) -> Void)? {
        if quiet { return nil }
        let start = Date()
        return { rows in
            let seconds = Date().timeIntervalSince(start)
            let rate = seconds > 0 ? Int(Double(rows) / seconds) : 0
            let line = "ingest: \(Render.grouped(rows)) records, \(Render.grouped(rate)) records/s"
            FileHandle.standardError.write(Data((interactive ? "\r\(line)\u{1b}[K" : line + "\n").utf8))
        }
    }
}

/// One status line on stderr: redrawn in place on a terminal, one line per update otherwise.
func showProgress(_ p: IngestProgress, interactive: Bool) {
    var line = "ingest: \(Render.grouped(p.blocks)) blocks, \(Render.grouped(p.transactions)) tx, "
    line += "\(Render.grouped(Int(p.transactionsPerSecond))) tx/s"
    if let eta = p.eta { line += ", ETA \(Int(eta.rounded()))s" }
    FileHandle.standardError.write(Data((interactive ? "\r\(line)\u{1b}[K" : line + "\n").utf8))
}
