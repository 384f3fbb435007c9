public import FlowReport
public import FlowAnalysis
import FlowIngest
import FlowModel
public import FlowSim
public import FlowStore
import Foundation

/// Precision and recall of the rules against planted ground truth (`generate ledger`'s
/// labels.csv).
///
/// An alert hits a planted instance when it shares a transaction with it. Recall of a typology:
/// its planted instances hit by an alert of the same typology. Precision of a rule typology: its
/// alerts that hit any planted instance (a fan-in alert on a gather-scatter hub is a true
/// laundering alert, not noise). Accounts: the addresses of all alerts against the members of
/// all instances.
public struct AmlEvaluation: Sendable {
    /// One line of the table: a typology's planted instances and found ones, its alerts and hits.
    public struct Row: Sendable {
        public var typology: String
        public var planted: Int
        public var found: Int
        public var alerts: Int
        public var hits: Int
        public var recall: Double? { planted == 0 ? nil : Double(found) / Double(planted) }
        public var precision: Double? { alerts == 0 ? nil : Double(hits) / Double(alerts) }
    }
    public var rows: [Row]
    public var total: Row
    public var flaggedAccounts: Int
    public var launderingAccounts: Int
    public var flaggedLaundering: Int
    public var accountPrecision: Double? {
        flaggedAccounts == 0 ? nil : Double(flaggedLaundering) / Double(flaggedAccounts)
    }
    public var accountRecall: Double? {
        launderingAccounts == 0 ? nil : Double(flaggedLaundering) / Double(launderingAccounts)
    }
    /// Planted instances no alert of their typology hit, by typology (for tuning).
    public var missed: [(typology: String, instance: Int)]
    public var loadSeconds: Double
    public var ruleSeconds: Double
    public var transfers: Int
}

/// `chainflow aml evaluate`: the rules against `generate ledger`'s labels.
public enum AmlEvaluate {
    /// One planted instance of a labels file: `generate ledger`'s (transactions are `tran_id`s)
    /// or `generate bitcoin --peel-chains`'s (transactions are txids).
    public struct Label: Sendable, Equatable {
        public var id: Int
        public var typology: String
        public var members: [String]
        public var transactions: [String]
    }

    /// Reads labels.csv (`instance_id,typology,members,transactions`, lists `;`-separated); a bad
    /// line is an error naming file and line.
    public static func readLabels(path: String) throws -> [Label] {
        let data: String
        do {
            data = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw IngestError(.missingFile, "cannot read the labels file", file: path)
        }
        var instances: [Label] = []
        for (k, line) in data.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if k == 0 || text.isEmpty { continue }
            let fields = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, let id = Int(fields[0]) else {
                throw IngestError(
                    .badValue,
                    "expected instance_id,typology,members,transactions, got '\(text.prefix(60))'",
                    file: path,
                    line: k + 1)
            }
            let txs = try fields[3].split(separator: ";").map { t -> String in
                // A ledger tran_id (digits) or a txid (64 hex digits).
                guard t.allSatisfy(\.isNumber) || (t.count == 64 && t.allSatisfy(\.isHexDigit)) else {
                    throw IngestError(
                        .badValue, "not a transaction id or txid: '\(t.prefix(30))'", file: path, line: k + 1)
                }
                return t.lowercased()
            }
            instances.append(
                Label(
                    id: id, typology: fields[1], members: fields[2].split(separator: ";").map(String.init),
                    transactions: txs))
        }
        return instances
    }

    /// Runs the rules over the whole database (nothing stored) and scores them against the labels.
    public static func run(store: GraphStore, labelsPath: String, rules: AmlRuleSet, threads: Int?) throws
        -> AmlEvaluation
    {
        let labels = try readLabels(path: labelsPath)
        let result = try AmlRun.run(
            store: store, options: AmlRunOptions(rules: rules, threads: threads, store: false))
        return evaluate(result, labels: labels)
    }

    static func evaluate(_ result: AmlRunResult, labels: [Label]) -> AmlEvaluation {
        var instancesByTx: [String: [Int]] = [:]
        for (k, instance) in labels.enumerated() {
            for t in instance.transactions { instancesByTx[t, default: []].append(k) }
        }
        var found = [Bool](repeating: false, count: labels.count)
        var alertsByTypology: [String: (Int, Int)] = [:]
        var flagged = Set<String>()
        for a in result.alerts {
            var hitAny = false
            for t in a.transactions {
                for k in instancesByTx[t] ?? [] {
                    hitAny = true
                    if labels[k].typology == a.typology { found[k] = true }
                }
            }
            var c = alertsByTypology[a.typology] ?? (0, 0)
            c.0 += 1
            if hitAny { c.1 += 1 }
            alertsByTypology[a.typology] = c
            flagged.formUnion(a.addresses)
        }
        func rank(_ t: String) -> Int { AmlDetector.allCases.firstIndex { $0.rawValue == t } ?? 99 }
        let typologies = Array(Set(labels.map(\.typology)).union(alertsByTypology.keys)).sorted {
            (rank($0), $0) < (rank($1), $1)
        }
        var rows: [AmlEvaluation.Row] = []
        for t in typologies {
            let planted = labels.indices.filter { labels[$0].typology == t }
            let (alerts, hits) = alertsByTypology[t] ?? (0, 0)
            rows.append(
                AmlEvaluation.Row(
                    typology: t, planted: planted.count, found: planted.filter { found[$0] }.count,
                    alerts: alerts,
                    hits: hits))
        }
        let total = AmlEvaluation.Row(
            typology: "all", planted: labels.count, found: found.filter { $0 }.count,
            alerts: rows.reduce(0) { $0 + $1.alerts }, hits: rows.reduce(0) { $0 + $1.hits })
        let members = Set(labels.flatMap(\.members))
        return AmlEvaluation(
            rows: rows, total: total, flaggedAccounts: flagged.count, launderingAccounts: members.count,
            flaggedLaundering: flagged.intersection(members).count,
            missed: labels.indices.filter { !found[$0] }.map { (labels[$0].typology, labels[$0].id) },
            loadSeconds: result.loadSeconds, ruleSeconds: result.ruleSeconds,
            transfers: result.transfersLoaded)
    }

    static func fixed(_ v: Double?) -> String {
        guard let v else { return "-" }
        return String(format: "%.2f", v)
    }

    /// The evaluation as a text table, with account-level figures and the instances missed.
    public static func table(_ e: AmlEvaluation) -> String {
        func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return left ? s + fill : fill + s
        }
        func line(_ cells: [String]) -> String {
            let widths = [8, 7, 8, 8, 7, 11]
            var text = pad(cells[0], 16, left: true)
            for (k, c) in cells.dropFirst().enumerated() { text += pad(c, widths[k]) }
            return text + "\n"
        }
        var out = line(["typology", "planted", "found", "recall", "alerts", "hits", "precision"])
        for r in e.rows + [e.total] {
            let cells: [String] = [
                r.typology, String(r.planted), String(r.found), fixed(r.recall), String(r.alerts),
                String(r.hits),
                fixed(r.precision),
            ]
            out += line(cells)
        }
        out +=
            "accounts: \(e.flaggedAccounts) flagged, \(e.launderingAccounts) in planted instances, \(e.flaggedLaundering) both: precision \(fixed(e.accountPrecision)), recall \(fixed(e.accountRecall))\n"
        if !e.missed.isEmpty {
            out +=
                "missed: "
                + e.missed.prefix(20).map { "\($0.typology) #\($0.instance)" }.joined(separator: ", ")
                + (e.missed.count > 20 ? ", …" : "") + "\n"
        }
        out += String(
            format: "%d transfers: load %.2fs, rules %.2fs\n", e.transfers, e.loadSeconds, e.ruleSeconds)
        return out
    }

    /// The evaluation as JSON (`typologies`, `total`, `accounts`; shares rounded to 4 decimals).
    public static func json(_ e: AmlEvaluation) -> JSONValue {
        func share(_ v: Double?) -> JSONValue {
            guard let v else { return .null }
            return .double((v * 10_000).rounded() / 10_000)
        }
        func row(_ r: AmlEvaluation.Row) -> JSONValue {
            let fields: [(String, JSONValue)] = [
                ("typology", .string(r.typology)), ("planted", .int(r.planted)), ("found", .int(r.found)),
                ("recall", share(r.recall)), ("alerts", .int(r.alerts)), ("hits", .int(r.hits)),
                ("precision", share(r.precision)),
            ]
            return .object(fields)
        }
        let accounts: [(String, JSONValue)] = [
            ("flagged", .int(e.flaggedAccounts)), ("laundering", .int(e.launderingAccounts)),
            ("both", .int(e.flaggedLaundering)), ("precision", share(e.accountPrecision)),
            ("recall", share(e.accountRecall)),
        ]
        let fields: [(String, JSONValue)] = [
            ("typologies", .array(e.rows.map(row))), ("total", row(e.total)), ("accounts", .object(accounts)),
        ]
        return .object(fields)
    }
}

/// `chainflow generate ledger`: the labelled ledger's files, ingested into DIR/ledger.db.
public enum AmlLedger {
    /// What `generate` wrote, and the database it created (nil without ingest).
    public struct Report: Sendable {
        public var summary: LedgerSummary
        public var database: String?
        public var ingestSeconds: Double
    }

    /// Writes the ledger into `directory`; with `ingest`, (re)creates `directory/ledger.db` from
    /// it (transactions and tags).
    public static func generate(options: LedgerOptions, directory: String, ingest: Bool) throws -> Report {
        let summary = try LedgerGenerator.write(options: options, to: directory)
        guard ingest else { return Report(summary: summary, database: nil, ingestSeconds: 0) }
        let db = directory + "/ledger.db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let start = ContinuousClock.now
        let store = try GraphStore(path: db)
        let detected = try FormatDetector.detect(path: summary.transactionsPath)
        _ = try TransferCSVIngest.run(
            store: store, files: [(summary.transactionsPath, detected)], options: TransferCSVOptions())
        _ = try TagImport.run(
            store: store, path: summary.tagsPath, options: TagImportOptions(source: "generator"))
        return Report(
            summary: summary, database: db, ingestSeconds: AmlRun.seconds(ContinuousClock.now - start))
    }
}
