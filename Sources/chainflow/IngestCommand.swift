import ArgumentParser
import FlowKit
import FlowModel
import FlowStore
import Foundation

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest Bitcoin blocks (blk*.dat files, raw blocks, block hex) into the database.",
        discussion: """
            Each file's kind is detected from its content. Blocks already in the database are skipped, so
            re-running is safe, and an interrupted run resumes where it stopped. Bitcoin Core 28+ obfuscated
            blk files are read with the key in xor.dat beside them, or --xor-key.
            """)

    @OptionGroup var database: DatabaseOption

    @Argument(help: "Input files.")
    var files: [String]

    @Option(name: .long, help: "Network of raw and hex blocks (blk files carry theirs).")
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
    }

    func run() throws {
        do {
            let store = try GraphStore(path: database.db)
            let options = IngestOptions(
                paths: files, xorKey: xorKey.flatMap { Hex.decode($0) },
                network: network,
                threads: threads)
            let interactive = isatty(STDERR_FILENO) != 0
            var progress: (@Sendable (IngestProgress) -> Void)?
            if !quiet {
                progress = { p in showProgress(p, interactive: interactive) }
            }
            let report = try BitcoinIngest.run(store: store, options: options, progress: progress)
            if !quiet && interactive { FileHandle.standardError.write(Data("\n".utf8)) }
            if json {
                print(IngestRender.json(report).rendered(), terminator: "")
            } else {
                print(IngestRender.text(report), terminator: "")
            }
        } catch {
            throw fail(error)
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
