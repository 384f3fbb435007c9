import ArgumentParser
import FlowKit
import FlowModel
import FlowReport
import Foundation

struct AmlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aml",
        abstract: "Anti-money-laundering rule checks: typology detectors, a rule file, explainable alerts.",
        subcommands: [Run.self, Rules.self, Evaluate.self, Tune.self, Review.self])

    /// `--format json|md|csv|html`.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case json
        case md
        case csv
        case html
    }

    static func failure(_ error: any Error) -> ExitCode {
        if let e = error as? ValidationError {
            printError("chainflow: error: \(e.message)")
            return ExitCode(64)
        }
        return fail(error)
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the AML rules over the database's transfers, store the alerts and print them.",
            discussion: """
                Without --since/--until, a run checks what is new since the last run (all transfers the first time): \
                it reports alerts that include a transfer stored after the last run's high-water mark. With them, it \
                reports alerts whose window ends in the range; --until also bounds what is loaded, and history \
                before --since is loaded as context (`lookback` in the rule file).

                A rerun over the same data adds no duplicate alerts: an alert's id is its rule, subjects and \
                evidence. Output goes to stdout (or --out); progress and the summary line to stderr.

                Exit codes: 0 no alert at or above --fail-on (or no --fail-on), 1 this run reported such an alert, \
                64 usage, 65 bad rule file, 66 missing database, 74 I/O or database error.
                """)

        @OptionGroup var database: DatabaseOption

        @Option(name: .long, help: "Rule file (YAML); default: the built-in rules (`chainflow aml rules`).")
        var rules: String?

        @Option(
            name: .long,
            help: "Report alerts whose window ends at or after this time (Unix seconds, date or ISO-8601).")
        var since: String?

        @Option(name: .long, help: "… and at or before this time; a date alone means the whole day.")
        var until: String?

        @Option(
            name: .long,
            help: "Output format: json, md, csv or html (a self-contained page with a picture per alert).")
        var format: OutputFormat = .json

        @Option(name: .long, help: "Write the output to this file instead of stdout.")
        var out: String?

        @Option(
            name: .long,
            help: "Exit with 1 when an alert of this severity or above is found: low, medium, high, critical."
        )
        var failOn: String?

        @Option(name: .long, help: "Threads (default: all cores); the alerts are the same for any count.")
        var threads: Int?

        @Flag(name: .long, help: "Do not store the alerts or record the run.")
        var dryRun = false

        @Option(
            name: .long,
            help:
                "Check only partition K of N (subjects by address id mod N; PostgreSQL): N runs at once store the alerts of one whole run."
        )
        var partition: String?

        @Option(
            name: .long,
            help:
                "Split the run into N partitions run by N local worker processes that claim them through the database (PostgreSQL); prints the job's summary."
        )
        var workers: Int?

        @Option(
            name: .long,
            help: "Work on AML job JOB: claim its pending partitions one by one and run them (PostgreSQL).")
        var claim: String?

        func validate() throws {
            if let f = failOn, AmlSeverity(name: f) == nil {
                throw ValidationError(
                    "--fail-on: unknown severity '\(f.prefix(20))'; give low, medium, high or critical")
            }
            if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1, got \(t)") }
            if let w = workers, !(1...256).contains(w) {
                throw ValidationError("--workers must be from 1 to 256, got \(w)")
            }
            let modes = [partition != nil, workers != nil, claim != nil].filter { $0 }.count
            if modes > 1 { throw ValidationError("give one of --partition, --workers and --claim") }
            if modes == 1 && dryRun {
                throw ValidationError(
                    "--partition, --workers and --claim store alerts; they cannot be a --dry-run")
            }
        }

        /// `--workers N`: the coordinator; `--claim JOB`: one worker.
        func runJob(window: TimeWindow, rules: AmlRules) throws {
            let db = try CaseDatabase.open(database.db, for: .write)
            if let job = claim {
                let options = AmlRunOptions(
                    rules: rules.set, rulesSource: rules.source, since: window.since, until: window.until,
                    threads: threads)
                let done = try AmlWorkers.work(db: db, job: job, options: options) {
                    printError("aml: \($0)")
                }
                printError("aml: job \(job): this worker finished \(Render.count(done, "partition"))")
                return
            }
            let n = workers ?? 1
            let perWorker = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / n)
            var passed: [String] = []
            if let r = self.rules { passed += ["--rules", r] }
            if let s = since { passed += ["--since", s] }
            if let u = until { passed += ["--until", u] }
            passed += ["--threads", String(perWorker)]
            let location = db.location
            let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
            let report = try AmlWorkers.coordinate(
                db: db, workers: n, executable: executable,
                arguments: { job in ["aml", "run", "--db", location, "--claim", job] + passed },
                progress: { printError("aml: \($0)") })
            let json = JSONValue.object([
                ("job", .string(report.job)),
                (
                    "partitions",
                    .array(
                        report.partitions.map { p in
                            .object([
                                ("partition", .string("\(p.k)/\(p.n)")), ("status", .string(p.status)),
                                ("attempts", .int(Int64(p.attempts))),
                                ("run_id", p.runId.map { .int($0) } ?? .null),
                            ])
                        })
                ),
                ("alerts", .int(Int64(report.alerts))), ("new_alerts", .int(Int64(report.newAlerts))),
            ])
            try ReportOutput.write(json.rendered(), to: out, database: database.db)
            printError(
                "aml: job \(report.job): \(Render.count(n, "partition")) done, \(report.alerts) alerts (\(report.newAlerts) new)"
            )
        }

        func run() throws {
            do {
                let window = try TimeWindow(since: since, until: until, command: "aml run")
                let partition = try self.partition.map { try AmlPartition(parsing: $0) }
                let rules = try AmlRules.load(rules)
                if workers != nil || claim != nil {
                    try runJob(window: window, rules: rules)
                    return
                }
                // A closed pipe (`| head`) is an error to report, not a signal that kills the run.
                signal(SIGPIPE, SIG_IGN)
                let db = try CaseDatabase.open(database.db, for: dryRun ? .read : .write)
                let format = self.format
                let out = self.out
                let database = self.database.db
                try ReportOutput.check(out, database: database)
                // The output is written before the run is recorded: an output that cannot be
                // written (full disk, closed pipe) leaves the alerts to be delivered next time.
                let result = try db.amlRun(
                    AmlRunOptions(
                        rules: rules.set, rulesSource: rules.source, since: window.since, until: window.until,
                        threads: threads,
                        store: !dryRun, partition: partition),
                    progress: { printError("aml: \($0)") },
                    deliver: { result in
                        let text: String
                        switch format {
                        case .json: text = AmlRender.json(result).rendered()
                        case .html:
                            text = AmlRender.html(result, categories: try db.tagCategories(of: result.alerts))
                        case .md: text = AmlRender.markdown(result)
                        case .csv: text = AmlRender.csv(result)
                        }
                        try ReportOutput.write(text, to: out, database: database)
                    })
                var summary = "aml: \(Render.count(result.alerts.count, "alert"))"
                if let id = result.runId { summary += " (\(result.newAlerts) new, run \(id))" }
                summary += String(
                    format: " over %d transfers; load %.2fs, rules %.2fs on %d threads",
                    result.transfersLoaded,
                    result.loadSeconds, result.ruleSeconds, result.threads)
                if let note = result.note { summary += "; \(note)" }
                if let f = failOn.flatMap(AmlSeverity.init(name:)) {
                    summary +=
                        "; \(result.count(atLeast: f)) at or above \(f.name) (--fail-on counts new and already stored alike)"
                }
                printError(summary)
                if let f = failOn.flatMap(AmlSeverity.init(name:)), result.count(atLeast: f) > 0 {
                    throw ExitCode(1)
                }
            } catch let e as ExitCode {
                throw e
            } catch let e as OutputError where e.exitCode == ExitStatus.ioError {
                printError(
                    "\(e.target): error: cannot write the output (\(e.reason)); the run is not recorded, so the next run delivers these alerts again"
                )
                throw ExitCode(74)
            } catch {
                throw AmlCommand.failure(error)
            }
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the default rule file, documented, to start a rule file from.")

        @Option(
            name: .long, help: "Check this rule file instead: print the rules it gives, or its first error.")
        var check: String?

        func run() throws {
            guard let check else {
                try emit(AmlRules.defaultText, terminator: "")
                return
            }
            do {
                try emit(try AmlRules.load(check).checkText(file: check))
            } catch {
                throw AmlCommand.failure(error)
            }
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Measure the rules against labelled data: precision and recall per typology and per account.",
            discussion: """
                Runs the rules over the whole database without storing anything and compares the alerts with the \
                labels: chainflow's labels.csv (`chainflow generate ledger`, `generate bitcoin --peel-chains N`), \
                AMLSim's alert_transactions.csv, alert_accounts.csv or sar_accounts.csv, or IBM AMLSim's \
                nodes.csv (account labels only); the kind is detected from the header. An alert hits an \
                instance when it shares a transaction with it (or, for instances known by members only, when a \
                subject or two of its addresses are members); recall counts instances hit by an alert of their \
                own typology ("by-any": by any alert), precision counts alerts that hit any instance. Accounts: \
                the addresses of all alerts against the laundering accounts, beside a naive baseline that flags \
                as many accounts with the most distinct counterparties.
                """)

        @OptionGroup var database: DatabaseOption

        @Option(
            name: .long,
            help:
                "Labels: labels.csv (chainflow generate), AMLSim alert_transactions.csv, alert_accounts.csv, sar_accounts.csv or nodes.csv."
        )
        var labels: String

        @Option(name: .long, help: "Rule file (YAML); default: the built-in rules.")
        var rules: String?

        @Option(name: .long, help: "Threads (default: all cores).")
        var threads: Int?

        @Option(
            name: .long,
            help: "Only alerts whose window ends at or after this time (a later period than tuned on).")
        var since: String?

        @Option(name: .long, help: "… and at or before this time; a date alone means the whole day.")
        var until: String?

        @OptionGroup var json: JSONFlag

        func run() throws {
            do {
                let rules = try AmlRules.load(rules)
                let window = try TimeWindow(since: since, until: until, command: "aml evaluate")
                let e = try CaseDatabase.open(database.db, for: .read).amlEvaluate(
                    labels: labels, rules: rules, threads: threads, since: window.since, until: window.until)
                try emit(json.json ? AmlEvaluate.json(e).rendered() : AmlEvaluate.table(e), terminator: "")
            } catch {
                throw AmlCommand.failure(error)
            }
        }
    }
}

extension AmlCommand {
    struct Tune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Search each rule's thresholds on labelled data and write a tuned, commented rule file.",
            discussion: """
                Loads the transfers (up to --until: calibrate on one period, then check the next with \
                `aml evaluate --since`), and tunes each rule alone by coordinate search over its parameters \
                (windows, counts, ratios, max-chance, min-amount; not regulatory thresholds, tag categories \
                or severities), keeping the best by the objective: the most recall at a precision of at \
                least P (default 0.5; a rule that cannot reach P is written disabled) or f1. Deterministic; progress on stderr. Labels: as `aml evaluate`.
                """)

        @OptionGroup var database: DatabaseOption

        @Option(name: .long, help: "Labels file (as `aml evaluate --labels`).")
        var labels: String

        @Option(name: .long, help: "Write the tuned rule file here.")
        var out: String

        @Option(name: .long, help: "Start from this rule file (default: the built-in rules).")
        var rules: String?

        @Option(
            name: .long,
            help: "'recall-at-precision P' (default 0.5: the most recall at precision P or more) or f1.")
        var objective = "recall-at-precision 0.5"

        @Option(
            name: .long, help: "Calibrate on transfers up to this time only (date, ISO-8601 or Unix seconds)."
        )
        var until: String?

        @Option(name: .long, help: "Threads (default: all cores).")
        var threads: Int?

        func objectiveValue() throws -> AmlTune.Objective {
            let parts = objective.split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            if parts == ["f1"] { return .f1 }
            if parts.count == 2, parts[0] == "recall-at-precision", let p = Double(parts[1]), p > 0, p <= 1 {
                return .recallAtPrecision(p)
            }
            throw ValidationError(
                "--objective: give f1 or 'recall-at-precision P' with P in (0, 1], got '\(objective)'")
        }

        func validate() throws { _ = try objectiveValue() }

        func run() throws {
            do {
                try ReportOutput.check(out, database: database.db)
                let rules = try AmlRules.load(rules)
                let until = try TimeWindow(since: nil, until: until, command: "aml tune").until
                let report = try CaseDatabase.open(database.db, for: .read).amlTune(
                    labels: labels, base: rules, objective: try objectiveValue(), until: until,
                    threads: threads, progress: { printError("aml tune: \($0)") })
                try ReportOutput.write(
                    AmlTune.ruleFile(report, labelsPath: labels), to: out, database: database.db)
                printError(
                    String(
                        format: "aml tune: wrote %@ (%d rules, %.1fs)", out, report.ruleCount,
                        report.seconds))
            } catch let e as ValidationError {
                throw e
            } catch {
                throw AmlCommand.failure(error)
            }
        }
    }
}

extension AmlCommand {
    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Record a review of a stored alert: its status and a note, kept as an append-only history.",
            discussion: """
                ALERT_ID is the alert's id from `aml run` output (a unique prefix will do). The reviewer is \
                $CHAINFLOW_REVIEWER, else $USER; the time is now (UTC). Statuses: open, escalated, \
                closed-true (laundering confirmed), closed-false (not laundering). `aml run --format html` \
                shows each alert's latest status, and `aml evaluate --labels reviews` (or `aml tune --labels \
                reviews`) uses the closed alerts as labels.
                """)

        @OptionGroup var database: DatabaseOption

        @Argument(help: "The alert's id (or a unique prefix of it).")
        var alertId: String

        @Option(name: .long, help: "open, escalated, closed-true or closed-false.")
        var status: String

        @Option(name: .long, help: "What the reviewer found (free text).")
        var note: String = ""

        @OptionGroup var json: JSONFlag

        func validate() throws {
            guard CaseDatabase.reviewStatuses.contains(status) else {
                throw ValidationError(
                    "--status: unknown '\(status.prefix(20))'; give \(CaseDatabase.reviewStatuses.joined(separator: ", "))"
                )
            }
        }

        func run() throws {
            do {
                let env = ProcessInfo.processInfo.environment
                let reviewer = env["CHAINFLOW_REVIEWER"] ?? env["USER"] ?? "unknown"
                let db = try CaseDatabase.open(database.db, for: .write)
                let now = Int64(Date().timeIntervalSince1970)
                let (id, history) = try db.review(
                    alert: alertId, status: status, note: note, reviewer: reviewer,
                    at: TimeParser.isoString(now))
                if json.json {
                    let entries = history.map { h in
                        JSONValue.object([
                            ("status", .string(h.status)), ("note", .string(h.note)),
                            ("reviewer", .string(h.reviewer)),
                            ("at", .string(h.at)),
                        ])
                    }
                    try emit(
                        JSONValue.object([("alert", .string(id)), ("history", .array(entries))]).rendered(),
                        terminator: "")
                } else {
                    try emit("alert \(id): \(status)")
                    for h in history {
                        try emit(
                            "  \(h.at)  \(h.status)  \(h.reviewer)" + (h.note.isEmpty ? "" : ": \(h.note)"))
                    }
                }
            } catch {
                throw AmlCommand.failure(error)
            }
        }
    }
}
