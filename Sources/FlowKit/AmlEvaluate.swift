public import FlowAnalysis
public import FlowIngest
import FlowModel
public import FlowReport
public import FlowSim
public import FlowStore
import Foundation

/// Precision and recall of the rules against ground truth: planted instances (`generate
/// ledger`'s labels.csv, AMLSim's alert files) and laundering accounts (IBM's nodes.csv).
///
/// An alert hits an instance when it shares a transaction with it, or, for instances known by
/// their members only, when one of its subjects or two of its addresses are members. Recall of a
/// typology: its instances hit by an alert of the same typology; instance recall (any rule):
/// instances hit by any alert. Precision of a rule typology: its alerts that hit any instance (a
/// fan-in alert on a gather-scatter hub is a true laundering alert, not noise); with account
/// labels only, its alerts with a laundering subject. Accounts: the addresses of all alerts
/// against the laundering accounts, beside a naive baseline that flags as many accounts, those
/// with the most distinct counterparties.
public struct AmlEvaluation: Sendable {
    /// One line of the table: a typology's planted instances and found ones, its alerts and hits.
    public struct Row: Sendable {
        public var typology: String
        public var planted: Int
        public var found: Int
        /// Planted instances hit by an alert of any typology.
        public var foundByAny: Int = 0
        public var alerts: Int
        public var hits: Int
        public var recall: Double? { planted == 0 ? nil : Double(found) / Double(planted) }
        public var recallByAny: Double? { planted == 0 ? nil : Double(foundByAny) / Double(planted) }
        public var precision: Double? { alerts == 0 ? nil : Double(hits) / Double(alerts) }
    }
    /// Precision and recall of one way of flagging accounts.
    public struct Accounts: Sendable {
        public var flagged: Int
        public var laundering: Int
        public var both: Int
        public var precision: Double? { flagged == 0 ? nil : Double(both) / Double(flagged) }
        public var recall: Double? { laundering == 0 ? nil : Double(both) / Double(laundering) }
    }
    /// What the labels file was.
    public var labels: AmlLabelFile.Kind
    public var rows: [Row]
    public var total: Row
    public var accounts: Accounts
    /// The naive baseline: as many accounts as the rules flag, those with the most distinct
    /// counterparties.
    public var baseline: Accounts
    public var flaggedAccounts: Int { accounts.flagged }
    public var launderingAccounts: Int { accounts.laundering }
    public var flaggedLaundering: Int { accounts.both }
    public var accountPrecision: Double? { accounts.precision }
    public var accountRecall: Double? { accounts.recall }
    /// Planted instances no alert of their typology hit, by typology (for tuning).
    public var missed: [(typology: String, instance: String)]
    public var loadSeconds: Double
    public var ruleSeconds: Double
    public var transfers: Int
}

/// `chainflow aml evaluate`: the rules against labelled data.
public enum AmlEvaluate {
    /// Reads a labels file of any kind `AmlLabelFile` knows.
    public static func readLabels(path: String) throws -> AmlLabelFile {
        try AmlLabelFile.read(path: path)
    }

    /// Runs the rules over the whole database (nothing stored) and scores them against the labels.
    public static func run(
        store: any CaseReadStore, labelsPath: String, rules: AmlRuleSet, threads: Int?, since: Int64? = nil,
        until: Int64? = nil
    ) throws -> AmlEvaluation {
        let labels =
            labelsPath == "reviews" ? try reviewLabels(store: store) : try readLabels(path: labelsPath)
        let result = try AmlRun.run(
            store: store,
            options: AmlRunOptions(rules: rules, since: since, until: until, threads: threads, store: false))
        let flagged = Set(result.alerts.flatMap(\.addresses)).count
        let busiest = try busiestAccounts(store: store, count: flagged)
        return evaluate(result, labels: labels, baseline: busiest)
    }

    /// Labels from analysts' reviews (`aml review`): every alert closed as true is a laundering
    /// instance (its typology, addresses and transfers); alerts closed as false are then ordinary
    /// traffic that the rules should not raise. No closed-true review is an error.
    public static func reviewLabels(store: any CaseReadStore) throws -> AmlLabelFile {
        let closed = try store.closedAlerts()
        let truePositives = closed.filter { $0.status == "closed-true" }
        guard !truePositives.isEmpty else {
            throw IngestError(
                .badValue,
                "no labels: no alert is closed as true (\(closed.count) closed as false); review alerts with `chainflow aml review ID --status closed-true`",
                file: "reviews")
        }
        let texts = try store.addressTexts(truePositives.flatMap(\.addressIds))
        let identities = try store.transferIdentities(truePositives.flatMap(\.transferIds))
        var file = AmlLabelFile(kind: .reviews, instances: [], accounts: [])
        for a in truePositives {
            let members = a.addressIds.map { texts[$0] ?? "address:\($0)" }
            file.instances.append(
                AmlLabelFile.Instance(
                    id: a.fingerprint, typology: a.typology, members: members,
                    transactions: a.transferIds.map { identities[$0]?.tx ?? "transfer:\($0)" }))
            file.accounts.formUnion(members)
        }
        return file
    }

    /// The `count` addresses with the most distinct counterparties in the account-model transfers
    /// (ties: the lower store id first), as text.
    static func busiestAccounts(store: any CaseReadStore, count: Int) throws -> [String] {
        if count == 0 { return [] }
        let s = try store.transferSnapshot(from: .min, until: .max)
        var pairs = Set<UInt64>()
        pairs.reserveCapacity(s.count)
        var degree = [Int](repeating: 0, count: s.addressCount)
        for r in 0..<s.count where s.from[r] != s.to[r] {
            let a = min(s.from[r], s.to[r])
            let b = max(s.from[r], s.to[r])
            if pairs.insert(UInt64(a) << 32 | UInt64(b)).inserted {
                degree[Int(a)] += 1
                degree[Int(b)] += 1
            }
        }
        let top = (0..<s.addressCount).sorted { degree[$0] != degree[$1] ? degree[$0] > degree[$1] : $0 < $1 }
            .prefix(count).map { s.addressIds[$0] }
        let texts = try store.addressTexts(top)
        return top.map { texts[$0] ?? "address:\($0)" }
    }

    static func evaluate(_ result: AmlRunResult, labels file: AmlLabelFile, baseline: [String] = [])
        -> AmlEvaluation
    {
        let labels = file.instances
        var instancesByTx: [String: [Int]] = [:]
        var instancesByMember: [String: [Int]] = [:]
        for (k, instance) in labels.enumerated() {
            for t in instance.transactions { instancesByTx[t, default: []].append(k) }
            if instance.transactions.isEmpty {
                for m in instance.members { instancesByMember[m, default: []].append(k) }
            }
        }
        var found = [Bool](repeating: false, count: labels.count)
        var foundByAny = [Bool](repeating: false, count: labels.count)
        var alertsByTypology: [String: (Int, Int)] = [:]
        var flagged = Set<String>()
        for a in result.alerts {
            var hits = Set<Int>()
            for t in a.transactions { hits.formUnion(instancesByTx[t] ?? []) }
            if !instancesByMember.isEmpty {
                var seen: [Int: Int] = [:]
                for m in a.addresses { for k in instancesByMember[m] ?? [] { seen[k, default: 0] += 1 } }
                for m in a.subjects { for k in instancesByMember[m] ?? [] { seen[k, default: 0] += 2 } }
                for (k, n) in seen where n >= 2 { hits.insert(k) }
            }
            var hitAny = !hits.isEmpty
            for k in hits {
                foundByAny[k] = true
                if labels[k].typology == a.typology { found[k] = true }
            }
            if labels.isEmpty { hitAny = a.subjects.contains { file.accounts.contains($0) } }
            var c = alertsByTypology[a.typology] ?? (0, 0)
            c.0 += 1
            if hitAny { c.1 += 1 }
            alertsByTypology[a.typology] = c
            flagged.formUnion(a.addresses)
        }
        func rank(_ t: String) -> Int { AmlTypology.allCases.firstIndex { $0.rawValue == t } ?? 99 }
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
                    foundByAny: planted.filter { foundByAny[$0] }.count, alerts: alerts, hits: hits))
        }
        let total = AmlEvaluation.Row(
            typology: "all", planted: labels.count, found: found.filter { $0 }.count,
            foundByAny: foundByAny.filter { $0 }.count,
            alerts: rows.reduce(0) { $0 + $1.alerts }, hits: rows.reduce(0) { $0 + $1.hits })
        let members = file.accounts
        return AmlEvaluation(
            labels: file.kind, rows: rows, total: total,
            accounts: .init(
                flagged: flagged.count, laundering: members.count, both: flagged.intersection(members).count),
            baseline: .init(
                flagged: baseline.count, laundering: members.count,
                both: Set(baseline).intersection(members).count),
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
            let widths = [8, 7, 8, 8, 8, 7, 11]
            var text = pad(cells[0], 16, left: true)
            for (k, c) in cells.dropFirst().enumerated() { text += pad(c, widths[k]) }
            return text + "\n"
        }
        var out = "labels: \(e.labels.rawValue)\n"
        out += line(["typology", "planted", "found", "recall", "by-any", "alerts", "hits", "precision"])
        for r in e.rows + [e.total] {
            let cells: [String] = [
                r.typology, String(r.planted), String(r.found), fixed(r.recall), String(r.foundByAny),
                String(r.alerts), String(r.hits), fixed(r.precision),
            ]
            out += line(cells)
        }
        if e.total.planted > 0 {
            out +=
                "instances: \(e.total.foundByAny) of \(e.total.planted) hit by any alert (recall \(fixed(e.total.recallByAny))), alert precision \(fixed(e.total.precision))\n"
        }
        func accounts(_ a: AmlEvaluation.Accounts) -> String {
            "\(a.flagged) flagged, \(a.laundering) laundering, \(a.both) both: precision \(fixed(a.precision)), recall \(fixed(a.recall))"
        }
        out += "accounts: " + accounts(e.accounts) + "\n"
        out += "baseline (most counterparties): " + accounts(e.baseline) + "\n"
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

    /// The evaluation as JSON (`labels`, `typologies`, `total`, `accounts`, `baseline`; shares
    /// rounded to 4 decimals).
    public static func json(_ e: AmlEvaluation) -> JSONValue {
        func share(_ v: Double?) -> JSONValue {
            guard let v else { return .null }
            return .double((v * 10_000).rounded() / 10_000)
        }
        func row(_ r: AmlEvaluation.Row) -> JSONValue {
            let fields: [(String, JSONValue)] = [
                ("typology", .string(r.typology)), ("planted", .int(r.planted)), ("found", .int(r.found)),
                ("recall", share(r.recall)), ("found_by_any", .int(r.foundByAny)),
                ("recall_by_any", share(r.recallByAny)), ("alerts", .int(r.alerts)), ("hits", .int(r.hits)),
                ("precision", share(r.precision)),
            ]
            return .object(fields)
        }
        func accounts(_ a: AmlEvaluation.Accounts) -> JSONValue {
            .object([
                ("flagged", .int(a.flagged)), ("laundering", .int(a.laundering)), ("both", .int(a.both)),
                ("precision", share(a.precision)), ("recall", share(a.recall)),
            ])
        }
        let fields: [(String, JSONValue)] = [
            ("labels", .string(e.labels.rawValue)),
            ("typologies", .array(e.rows.map(row))), ("total", row(e.total)),
            ("accounts", accounts(e.accounts)),
            ("baseline", accounts(e.baseline)),
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
