public import ArgumentParser
import FlowKit
public import FlowModel
import FlowReport
import Foundation

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Follow value forward (where did it go) or backward (where did it come from) from seeds.",
        discussion: """
            Seeds (--from, repeatable, or --from-file, one per line; spaces around a seed are ignored):
              address:X        what address or account X received in the window
              sent:X           what account X paid in the window (an account that only sent)
              tx:X             all outputs of Bitcoin transaction X, or the transfers of Ethereum or ledger transaction X
              output:TXID:N    output N of a Bitcoin transaction
            Without a kind, TXID:N is an output and any other text is the transaction or the address the database holds by that name (Bitcoin and Ethereum addresses, txids and hashes never clash). A text that is both, such as a ledger transaction id that is also an account name, is refused: say which with tx: or address:.

            Policies: haircut (each output carries the tainted share of its inputs; an account's outflow, its tainted share of the balance), fifo (first in, first out, unit by unit), poison (any taint taints everything downstream fully, so amounts exceed the seeds).

            Haircut and FIFO account for every unit: endpoints + fees + below threshold + cut by limits = seeds. Times are Unix seconds or ISO-8601 (2024-03-01, 2024-03-01T12:00:00Z). See docs/tracing.md.
            """)

    @OptionGroup var database: DatabaseOption

    @Option(
        name: .long,
        help:
            "A seed (repeatable): address:X, sent:X, tx:X, output:TXID:N, or a bare address, txid or TXID:N.")
    var from: [String] = []

    @Option(name: .long, help: "A file with one seed per line ('#' starts a comment).")
    var fromFile: String?

    @Flag(name: .long, help: "Trace where the value came from instead of where it went.")
    var backward = false

    @Option(name: .long, help: "Taint policy: haircut, fifo or poison.")
    var policy: TracePolicy = .haircut

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

    @Flag(
        name: .long,
        help:
            "Follow the value through conversions (DEX swaps, WETH wraps) into the other asset, at the executed rate; one trace per asset reached. Without it a conversion stops the trace (a cut)."
    )
    var throughConversions = false

    @Option(
        name: .long,
        help:
            "Output format: json, md (Markdown), csv (endpoints and cuts, a row each) or html (a self-contained page with a picture of the flow)."
    )
    var format: TraceFormat = .json

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
                "give a seed with --from address:X|tx:X|output:TXID:N (or a bare address, txid or TXID:N) or a file of seeds with --from-file"
            )
        }
        guard hops >= 0 else { throw ValidationError("--hops must not be negative, got \(hops)") }
        guard limit >= 0 else { throw ValidationError("--limit must not be negative, got \(limit)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        do {
            _ = try TimeWindow(since: since, until: until, command: "trace")
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        do {
            try ReportOutput.check(out, database: database.db)
            let window = try TimeWindow(since: since, until: until, command: "trace")
            var options = TraceOptions(
                from: from, fromFile: fromFile, policy: policy, maxHops: hops,
                since: window.since, until: window.until, minAmount: minAmount,
                stopCategories: stopAtTag, asset: asset, each: each, threads: threads, limit: limit)
            options.backward = backward
            options.throughConversions = throughConversions
            let result = try Trace.run(database: database.db, options: options)
            let text =
                switch format {
                case .json: TraceRender.json(result).rendered()
                case .html: TraceRender.html(result)
                case .csv: TraceRender.csv(result)
                case .md: TraceRender.markdown(result)
                }
            try ReportOutput.write(text, to: out, database: database.db)
            if timings {
                printError(
                    "trace run \(result.runId): load \(String(format: "%.3f", result.loadSeconds)) s, trace \(String(format: "%.3f", result.traceSeconds * 1000)) ms on \(result.threads) threads"
                )
            }
        } catch {
            throw fail(error)
        }
    }
}

/// `--format` of `chainflow trace`; `markdown` is read as `md`.
enum TraceFormat: String, ExpressibleByArgument, CaseIterable {
    case json, md, csv, html

    init?(argument: String) {
        self.init(rawValue: argument == "markdown" ? "md" : argument)
    }
}

/// `--policy haircut|fifo|poison`; another value is ArgumentParser's usage error listing them.
extension TracePolicy: ExpressibleByArgument {}
