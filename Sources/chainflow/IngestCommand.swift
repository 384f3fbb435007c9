import ArgumentParser
import FlowKit
import FlowModel
import FlowReport
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
              ethereum-etl   ethereum-etl CSV or JSON lines (blocks, transactions, receipts, token_transfers, \
            tokens, traces)
              transfers-csv  a CSV of transfers: --map tx=COL,time=COL,from=COL,to=COL,amount=COL[,asset=COL] \
            or --preset amlsim|amlsim-sample|amlworld (IBM AMLSim transactions.csv, its \
            published samples' sourceNodeId,targetNodeId,value,time, IBM AMLworld *_Trans.csv); \
            integer time steps with --time-unit day|hour|minute|second --epoch DATE

            A folder stands for the files in it (in name order; in a Bitcoin Core blocks folder only the \
            blk*.dat files); files in it that are no export are skipped with a note. An empty file is \
            reported and the other files are ingested; the run then exits 65. CRLF line ends and a UTF-8 \
            byte-order mark are fine in every text format (docs/formats.md).

            Data already in the database is skipped, so re-running is safe, and an interrupted run resumes \
            where it stopped. Bitcoin Core 28+ obfuscated blk files are read with the key in xor.dat beside \
            them, or --xor-key.
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "Input files, or folders of them.")
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

    var request: IngestRequest {
        IngestRequest(
            paths: files, format: format, map: map, preset: preset, timeUnit: timeUnit, epoch: epoch,
            decimals: decimals, asset: asset, chain: chain, network: network, xorKey: xorKey, threads: threads
        )
    }

    func validate() throws {
        do {
            try request.validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        do {
            let interactive = isatty(STDERR_FILENO) != 0
            let records = rowProgress(interactive)
            var outcomes: [IngestOutcome] = []
            var progress: (@Sendable (IngestActivity) -> Void)?
            if !quiet {
                progress = { activity in
                    switch activity {
                    case .blocks(let p): showProgress(p, interactive: interactive)
                    case .records(let n): records?(n)
                    case .readerDone:
                        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
                    }
                }
            }
            var failure: (any Error)?
            do {
                _ = try Ingest.run(
                    request, into: database.db, progress: progress, finished: { outcomes.append($0) },
                    note: { printError($0) })
            } catch {
                failure = error
            }
            // Reports of the readers that finished are printed even when a later one fails; the
            // ingest's own error comes first.
            do {
                if json {
                    try emit(IngestOutcome.json(outcomes).rendered(), terminator: "")
                } else {
                    for o in outcomes { try emit(o.text, terminator: "") }
                }
            } catch {
                if failure == nil { failure = error }
            }
            if let failure { throw failure }
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
            let line = "ingest: \(Render.count(rows, "record")), \(Render.grouped(rate)) records/s"
            FileHandle.standardError.write(Data((interactive ? "\r\(line)\u{1b}[K" : line + "\n").utf8))
        }
    }
}

/// One status line on stderr: redrawn in place on a terminal, one line per update otherwise.
func showProgress(_ p: IngestProgress, interactive: Bool) {
    var line = "ingest: \(Render.count(p.blocks, "block")), \(Render.grouped(p.transactions)) tx, "
    line += "\(Render.grouped(Int(p.transactionsPerSecond))) tx/s"
    if let eta = p.eta { line += ", ETA \(Int(eta.rounded()))s" }
    FileHandle.standardError.write(Data((interactive ? "\r\(line)\u{1b}[K" : line + "\n").utf8))
}
