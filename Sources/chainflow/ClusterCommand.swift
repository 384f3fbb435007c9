import ArgumentParser
import FlowKit
import FlowModel
import FlowReport

struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract:
            "Cluster addresses into entities, explainably, and show clusters and the flows between them.",
        subcommands: [Run.self, Show.self, Explain.self, Flows.self, Runs.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cluster the database's addresses (incrementally when the last run allows it).",
            discussion: """
                Heuristics (comma-separated):
                  multi-input       all inputs of a transaction have one owner (CoinJoin-like transactions skipped)
                  change:RULE       link the change output to the inputs; RULE names change heuristics combined with \
                & (all must agree) and | (either): one-time, address-reuse, address-type, \
                optimal-change, round-value, peeling-chain  (quote the argument: & and | are shell \
                operators), e.g. 'change:one-time&address-type'
                  deposit-address   Ethereum: addresses paying the same exchange deposit address are one entity \
                (exchange addresses come from tags, see --exchange-category)

                A run updates only what new blocks touch when the last run used the same heuristics and parameters and \
                the chain it covered is unchanged; otherwise it reclusters in full and says why.
                """)

        @OptionGroup var database: DatabaseOption

        @Option(name: .long, help: "Heuristics to apply, comma-separated (see above).")
        var heuristics = "multi-input,deposit-address"

        @Flag(
            inversion: .prefixedNo,
            help:
                "Skip CoinJoin-like transactions (JoinMarket-style rule); the skips are counted and reported."
        )
        var skipCoinjoin = true

        @Flag(
            inversion: .prefixedNo,
            help:
                "Link change only when exactly one output qualifies (--no-change-unique links every qualifying output)."
        )
        var changeUnique = true

        @Option(name: .long, help: "round-value: a payment is a multiple of 10^N satoshi.")
        var roundDigits = 6

        @Option(
            name: .long,
            help: "Warn when a merge joins two clusters that both have at least this many addresses.")
        var superClusterSize = 10_000

        @Option(name: .long, help: "deposit-address: most blocks between a deposit and its forward.")
        var depositMaxBlocks: Int64 = 3200

        @Option(
            name: .long,
            help:
                "deposit-address: largest deposit − forward difference, in units of the asset (0.01 = 0.01 ETH)."
        )
        var depositTolerance = "0.01"

        @Option(name: .long, help: "Tag category of exchange addresses (repeatable).")
        var exchangeCategory: [String] = []

        @Option(name: .long, help: "Threads for loading and the heuristics (default: all cores).")
        var threads: Int?

        @Option(
            name: .long,
            help:
                "Threads for the union-find pass (same result for any count; one is faster on 2 cores, see docs/performance.md)."
        )
        var unionFindThreads = 1

        @Flag(name: .long, help: "Recluster everything even when an incremental update is possible.")
        var full = false

        @Flag(name: .long, help: "Print the run's report as JSON.")
        var json = false

        func validate() throws {
            do {
                _ = try HeuristicSet.parse(heuristics)
            } catch {
                throw ValidationError("--heuristics '\(heuristics.prefix(80))': \(error.message)")
            }
            if let threads, threads < 1 {
                throw ValidationError("--threads must be at least 1, got \(threads)")
            }
            guard (0...18).contains(roundDigits) else {
                throw ValidationError("--round-digits must be 0...18, got \(roundDigits)")
            }
            guard superClusterSize >= 1 else {
                throw ValidationError("--super-cluster-size must be at least 1, got \(superClusterSize)")
            }
            guard depositMaxBlocks >= 0 else {
                throw ValidationError("--deposit-max-blocks must not be negative, got \(depositMaxBlocks)")
            }
            guard case .success = UInt256.parseAmount(depositTolerance, decimals: 18) else {
                throw ValidationError(
                    "--deposit-tolerance '\(depositTolerance.prefix(40))' is not a decimal amount such as 0.01"
                )
            }
        }

        func run() throws {
            do {
                let options = ClusterOptions(
                    heuristics: try HeuristicSet.parse(heuristics), skipCoinJoin: skipCoinjoin,
                    changeUnique: changeUnique, roundDigits: roundDigits, superClusterSize: superClusterSize,
                    depositMaxBlocks: depositMaxBlocks, depositTolerance: depositTolerance,
                    exchangeCategories: exchangeCategory.isEmpty ? ["exchange"] : exchangeCategory,
                    threads: threads,
                    full: full)
                let report = try CaseDatabase.open(database.db, for: .write).clusterRun(options)
                try emit(
                    json ? ClusterRender.runJSON(report).rendered() : ClusterRender.runText(report),
                    terminator: "")
            } catch {
                throw fail(error)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "An address's cluster: id, size, members (paged), tags, totals, and the links that put the address in it."
        )

        @Argument(help: "An address of the cluster.")
        var address: String

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: JSONFlag

        @Option(name: .long, help: "Members per page (0: all).")
        var limit = 50

        @Option(name: .long, help: "First member to show (0-based).")
        var offset = 0

        @Option(
            name: .long,
            help:
                "Report format: text, md, json, csv or html (the report adds the largest inflows and outflows between clusters; --json is --format json)."
        )
        var format: ReportFormat?

        @Option(name: .long, help: "Write the report to this file instead of standard output.")
        var out: String?

        @Option(name: .long, help: "Largest inflows and outflows listed per asset (--format reports).")
        var flows = 10

        func validate() throws {
            guard limit >= 0, offset >= 0 else {
                throw ValidationError("--limit and --offset must not be negative")
            }
            if output.json, let format, format != .json {
                throw ValidationError("--json and --format \(format.rawValue) disagree; give one of them")
            }
            guard flows >= 1 else { throw ValidationError("--flows must be at least 1, got \(flows)") }
        }

        func run() throws {
            do {
                try ReportOutput.check(out, database: database.db)
                let db = try CaseDatabase.open(database.db, for: .read)
                if let format = format ?? (output.json ? .json : nil), format != .text {
                    let report = try db.clusterReport(address: address, members: limit, flows: flows)
                    let text: String
                    switch format {
                    case .md: text = ClusterReportRender.markdown(report)
                    case .csv: text = ClusterReportRender.csv(report)
                    case .html: text = ClusterReportRender.html(report).html
                    default: text = ClusterReportRender.json(report).rendered()
                    }
                    try ReportOutput.write(text, to: out, database: database.db)
                    return
                }
                let profile = try db.clusterShow(address: address, limit: limit, offset: offset)
                try emit(
                    output.json
                        ? ClusterRender.showJSON(profile).rendered() : ClusterRender.showText(profile),
                    terminator: "")
            } catch {
                throw fail(error)
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The chain of transactions and heuristics that joined two addresses into one cluster.",
            discussion:
                "Exits 1 when the two addresses are not in one cluster (for scripts), 0 when they are.")

        @Argument(help: "The first address.")
        var a: String

        @Argument(help: "The second address.")
        var b: String

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            do {
                let x = try CaseDatabase.open(database.db, for: .read).clusterExplain(a, b)
                try emit(
                    output.json ? ClusterRender.explainJSON(x).rendered() : ClusterRender.explainText(x),
                    terminator: "")
                if !x.sameCluster { throw ExitCode(1) }
            } catch {
                throw fail(error)
            }
        }
    }

    struct Flows: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Value between an address's cluster and the clusters it transacts with (entity-level flows).")

        @Argument(help: "An address of the cluster.")
        var address: String

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: JSONFlag

        @Option(name: .long, help: "Counterparts to list (0: all).")
        var limit = 25

        @Option(name: .long, help: "Most recent transactions of the cluster to attribute.")
        var transactions = 100_000

        func run() throws {
            do {
                let f = try CaseDatabase.open(database.db, for: .read).clusterFlows(
                    address: address, transactions: transactions)
                // 0 lists all, as for trace and cluster show.
                let shown = limit == 0 ? Int.max : limit
                try emit(
                    output.json
                        ? ClusterRender.flowsJSON(f, limit: shown).rendered()
                        : ClusterRender.flowsText(f, limit: shown),
                    terminator: "")
            } catch {
                throw fail(error)
            }
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The recorded clustering runs: mode, heuristics, parameters, coverage, counts.")

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            do {
                let runs = try CaseDatabase.open(database.db, for: .read).clusterRuns()
                if output.json {
                    try emit(
                        JSONValue.array(runs.map(ClusterRender.runRecordJSON)).rendered(), terminator: "")
                } else {
                    if runs.isEmpty { try emit("no clustering runs") }
                    for r in runs { try emit(ClusterRender.runRecordText(r), terminator: "") }
                }
            } catch {
                throw fail(error)
            }
        }
    }
}
