import FlowReport
import FlowModel
import ArgumentParser
import FlowAnalysis
import FlowIngest
import FlowKit
import FlowStore
import Foundation

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Follow value forward (where did it go) or backward (where did it come from) from seeds.",
        discussion: """
            Seeds (--from, repeatable, or --from-file, one per line):
              ADDRESS      what the address received in the window
              TXID         all outputs of a Bitcoin transaction
              TXID:VOUT    one Bitcoin output
              HASH or ID   the transfers of an Ethereum or ledger transaction

            Policies: haircut (each output carries the tainted share of its inputs; an account's outflow, its tainted share of the balance), fifo (first in, first out, unit by unit), poison (any taint taints everything downstream fully, so amounts exceed the seeds).

            Haircut and FIFO account for every unit: endpoints + fees + below threshold + cut by limits = seeds. Times are Unix seconds or ISO-8601 (2024-03-01, 2024-03-01T12:00:00Z). See docs/tracing.md.
            """)

    @OptionGroup var database: DatabaseOption

    @Option(name: .long, help: "A seed (repeatable).")
    var from: [String] = []

    @Option(name: .long, help: "A file with one seed per line ('#' starts a comment).")
    var fromFile: String?

    @Flag(name: .long, help: "Trace where the value came from instead of where it went.")
    var backward = false

    @Option(name: .long, help: "Taint policy: haircut, fifo or poison.")
    var policy = "haircut"

    @Option(name: .long, help: "Most transactions (or transfers) to follow from a seed.")
    var hops = 6

    @Option(name: .long, help: "Start of the window (seeds received from then on; backward: not before).")
    var since: String?

    @Option(name: .long, help: "End of the window (seeds received until then; forward: not after).")
    var until: String?

    @Option(name: .long, help: "Cut branches carrying less than this, in units of the asset (e.g. 0.001).")
    var minAmount: String?

    @Option(name: .long, help: "Stop at addresses tagged with this category (repeatable), e.g. exchange.")
    var stopAtTag: [String] = []

    @Option(name: .long, help: "The asset to trace when the seeds hold several (symbol, contract or id).")
    var asset: String?

    @Flag(name: .long, help: "Trace each seed on its own (in parallel) instead of all together.")
    var each = false

    @Option(
        name: .long,
        help:
            "Output format: json, md (Markdown), csv (endpoints and cuts, a row each) or html (a self-contained page with a picture of the flow)."
    )
    var format = "json"

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var out: String?

    @Option(name: .long, help: "Endpoints, cuts and addresses to list per trace (0: all; totals cover all).")
    var limit = 1000

    @Option(name: .long, help: "Threads for --each (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Print load and trace times to standard error.")
    var timings = false

    func validate() throws {
        guard !from.isEmpty || fromFile != nil else {
            throw ValidationError(
                "give a seed with --from ADDRESS|TXID|TXID:VOUT or a file of seeds with --from-file")
        }
        guard TracePolicy(rawValue: policy) != nil else {
            throw ValidationError("unknown --policy '\(policy.prefix(20))'; use haircut, fifo or poison")
        }
        guard hops >= 0 else { throw ValidationError("--hops must not be negative, got \(hops)") }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative, got \(limit)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        switch format {
        case "json", "md", "markdown", "csv", "html": break
        default:
            throw ValidationError("unknown --format '\(format.prefix(20))'; use json, md, csv or html")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, TimeParser.parse(value) == nil {
                throw ValidationError(
                    "\(name) '\(value.prefix(40))' is not a time; use Unix seconds or ISO-8601 such as 2024-03-01T12:00:00Z"
                )
            }
        }
    }

    func run() throws {
        do {
            var seeds = from
            if let fromFile {
                guard let text = try? String(contentsOfFile: fromFile, encoding: .utf8) else {
                    printError("\(fromFile): error: cannot read the seed file")
                    throw ExitCode(66)
                }
                for line in text.split(whereSeparator: \.isNewline) {
                    let item =
                        line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                        .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                    if !item.isEmpty { seeds.append(item) }
                }
            }
            guard FileManager.default.fileExists(atPath: database.db) else {
                throw StoreError(
                    .cannotOpen,
                    "no database here; create one with `chainflow ingest --db \(database.db) FILE…`",
                    path: database.db)
            }
            let options = TraceOptions(
                from: seeds, direction: backward ? .backward : .forward,
                policy: TracePolicy(rawValue: policy) ?? .haircut, maxHops: hops,
                since: since.flatMap(TimeParser.parse), until: until.flatMap(TimeParser.parseWindowEnd),
                minAmount: minAmount,
                stopCategories: stopAtTag, asset: asset, each: each, threads: threads, limit: limit)
            let store = try GraphStore(
                path: database.db, readOnly: !GraphStore.isWritable(database: database.db))
            let result = try Trace.run(store: store, options: options)
            let text =
                switch format {
                case "json": TraceRender.json(result).rendered()
                case "html": TraceRender.html(result)
                case "csv": TraceRender.csv(result)
                default: TraceRender.markdown(result)
                }
            if let out {
                do {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: out))
                } catch {
                    printError("\(out): error: cannot write the report: \(error.localizedDescription)")
                    throw ExitCode(74)
                }
            } else {
                print(text, terminator: "")
            }
            if timings {
                printError(
                    "trace run \(result.runId): load \(String(format: "%.3f", result.loadSeconds)) s, trace \(String(format: "%.3f", result.traceSeconds * 1000)) ms on \(result.threads) threads"
                )
            }
        } catch let error as TraceUsageError {
            printError("chainflow trace: error: \(error.description)")
            throw ExitCode(64)
        } catch {
            throw fail(error)
        }
    }
}
