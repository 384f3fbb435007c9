import FlowAnalysis
import FlowIngest
import FlowModel
import FlowReport
import FlowRules
import FlowSim
import FlowStore
import FlowTestSupport
import Foundation
import Testing

@testable import FlowKit

/// `aml run` end to end against a database: stored alerts and reruns, incremental runs, the
/// rule file and its errors, thread independence of the output bytes, and quality on a
/// generated labelled ledger.
@Suite struct AmlStoreTests {
    static func ingest(_ store: GraphStore, _ path: String) throws {
        let detected = try FormatDetector.detect(path: path)
        _ = try TransferCSVIngest.run(store: store, files: [(path, detected)], options: TransferCSVOptions())
    }

    static func write(_ text: String, _ path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static let header = "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n"

    @Test func sampleLedgerStructuringIsFoundAndRerunsAddNothing() throws {
        let (store, _) = try Fixtures.freshStore()
        try Self.ingest(
            store, Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/ledger.csv").path)
        let first = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1))
        let rules = first.alerts.map(\.rule)
        #expect(rules.contains("structuring"))
        let structuring = try #require(first.alerts.first { $0.rule == "structuring" })
        #expect(structuring.subjects == ["ACC-2001"])
        #expect(structuring.transactions == ["1", "2", "3", "4"])
        #expect(structuring.amount == UInt256(3_825_000))
        #expect(first.newAlerts == first.alerts.count)
        #expect(first.alerts.allSatisfy { !$0.transactions.contains("7") && !$0.transactions.contains("9") })

        // Nothing new: an incremental run checks nothing; an explicit range finds the same alerts again.
        let again = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1))
        #expect(again.alerts.isEmpty && again.note != nil)
        let range = try AmlRun.run(store: store, options: AmlRunOptions(since: 0, threads: 2))
        #expect(range.alerts == first.alerts)
        #expect(range.newAlerts == 0)
        #expect(try store.alertCount() == first.alerts.count)
        let json = try #require(try store.storedAlertDocuments().first)
        #expect(json.contains("\"typology\": \"structuring\""))
    }

    @Test func incrementalRunReportsOnlyAlertsWithNewTransfers() throws {
        let (store, dir) = try Fixtures.freshStore()
        var rows = Self.header
        for k in 0..<4 {
            rows += "\(k + 1),S\(k),T,TRANSFER,9500.00,2024-03-0\(k + 1)T10:00:00Z,False,-1\n"
        }
        try Self.write(rows, dir + "/a.csv")
        try Self.ingest(store, dir + "/a.csv")
        // An explicit range that misses the deposits does not move the high-water mark.
        let early = try AmlRun.run(store: store, options: AmlRunOptions(until: 1_700_000_000, threads: 1))
        #expect(early.alerts.isEmpty)
        let first = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1))
        #expect(first.alerts.map(\.rule) == ["structuring"])
        // A new file: a pass-through a month later. Only its alert is reported.
        try Self.write(
            Self.header + "10,P,Q,TRANSFER,30000.00,2024-04-10T10:00:00Z,False,-1\n"
                + "11,Q,R,TRANSFER,29900.00,2024-04-10T12:00:00Z,False,-1\n", dir + "/b.csv")
        try Self.ingest(store, dir + "/b.csv")
        let second = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1))
        #expect(second.alerts.map(\.rule) == ["pass-through"])
        #expect(second.newAlerts == 1)
        #expect(try store.alertCount() == 2)
    }

    /// A fresh store with four deposits of 9,500.00 into T, a day apart: one structuring alert.
    static func structuringStore() throws -> GraphStore {
        let (store, dir) = try Fixtures.freshStore()
        var rows = Self.header
        for k in 0..<4 {
            rows += "\(k + 1),S\(k),T,TRANSFER,9500.00,2024-03-0\(k + 1)T10:00:00Z,False,-1\n"
        }
        try Self.write(rows, dir + "/a.csv")
        try Self.ingest(store, dir + "/a.csv")
        return store
    }

    @Test func aChangedRuleIsCheckedOverTheWholeHistory() throws {
        let store = try Self.structuringStore()
        var strict = AmlRuleSet.standard
        strict.rules[strict.rules.firstIndex { $0.name == "structuring" }!].minCount = 5
        let first = try AmlRun.run(
            store: store, options: AmlRunOptions(rules: strict, rulesSource: "strict", threads: 1))
        #expect(first.alerts.isEmpty, "four deposits, five needed")
        // Nothing new, but the rule changed: it is re-checked over everything stored.
        let second = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1))
        #expect(second.alerts.map(\.rule) == ["structuring"] && second.newAlerts == 1 && second.note == nil)
        // The same rules again with nothing new: nothing to check.
        let third = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1))
        #expect(third.alerts.isEmpty && third.note != nil)
    }

    @Test func alertsThatCannotBeDeliveredAreDeliveredNextTime() throws {
        let store = try Self.structuringStore()
        struct Full: Error {}
        #expect(throws: Full.self) {
            try AmlRun.run(store: store, options: AmlRunOptions(threads: 1), deliver: { _ in throw Full() })
        }
        #expect(try store.alertCount() == 0, "nothing stored, no mark moved")
        var delivered: [String] = []
        let next = try AmlRun.run(
            store: store, options: AmlRunOptions(threads: 1), deliver: { delivered = $0.alerts.map(\.rule) })
        #expect(delivered == ["structuring"] && next.newAlerts == 1)
    }

    @Test func reviewsKeepAHistoryShowInReportsAndBecomeLabels() throws {
        let store = try Self.structuringStore()
        #expect(throws: (any Error).self) { try AmlEvaluate.reviewLabels(store: store) }
        let run = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1))
        let id = try #require(run.alerts.first?.id)
        _ = try store.review(
            alert: String(id.prefix(8)), status: "escalated", note: "a", reviewer: "ann", at: "t1")
        let (full, history) = try store.review(
            alert: id, status: "closed-true", note: "SAR", reviewer: "bob", at: "t2")
        #expect(full == id && history.map(\.status) == ["escalated", "closed-true"])
        #expect(history.map(\.reviewer) == ["ann", "bob"])
        #expect(throws: StoreError.self) {
            try store.review(alert: "ffffff", status: "open", note: "", reviewer: "x", at: "t")
        }
        #expect(throws: StoreError.self) {
            try store.review(alert: id, status: "maybe", note: "", reviewer: "x", at: "t")
        }
        // The latest status travels with the alert into reports.
        let again = try AmlRun.run(store: store, options: AmlRunOptions(since: 0, threads: 1, store: false))
        #expect(again.alerts.first?.status == "closed-true")
        #expect(AmlRender.html(again).contains("closed-true"))
        // Closed-true alerts are labels: the rule finds its own confirmed alert.
        let labels = try AmlEvaluate.reviewLabels(store: store)
        #expect(labels.instances.map(\.id) == [id] && labels.instances[0].typology == "structuring")
        let e = try AmlEvaluate.run(store: store, labelsPath: "reviews", rules: .standard, threads: 1)
        #expect(e.total.planted == 1 && e.total.found == 1)
    }

    @Test func untilBoundsTheRun() throws {
        let (store, _) = try Fixtures.freshStore()
        try Self.ingest(
            store, Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/ledger.csv").path)
        let until = try #require(TimeParser.parse("2024-03-01T10:30:00Z"))
        let r = try AmlRun.run(store: store, options: AmlRunOptions(until: until, threads: 1, store: false))
        #expect(r.alerts.isEmpty, "two of the four deposits by 10:30")
        #expect(try store.alertCount() == 0, "a dry run stores nothing")
    }

    // MARK: Rule file

    @Test func defaultRuleFileParsesToTheDefaults() throws {
        let set = try AmlRuleFile.parse(AmlRuleFile.defaultText, file: "default.yaml")
        #expect(set == AmlRuleSet.standard)
    }

    @Test func ruleFileChangesAndAddsRules() throws {
        let text = """
            settings:
              hub-min-counterparties: 100
            rules:
              fan-in:
                min-counterparties: 8
                min-amount: {default: 5000, ETH: 2.5}
              velocity:
                enabled: false
              fan-in-large:
                detector: fan-in
                severity: critical
                window: 36h
              pass-through:
                min-ratio: 95%
            """
        let set = try AmlRuleFile.parse(text, file: "r.yaml")
        #expect(set.hubMinCounterparties == 100)
        let fanIn = try #require(set.rules.first { $0.name == "fan-in" })
        #expect(fanIn.minCounterparties == 8)
        #expect(fanIn.minAmount == AmountThreshold("5000", perAsset: ["ETH": "2.5"]))
        #expect(set.rules.first { $0.name == "velocity" }?.enabled == false)
        let large = try #require(set.rules.first { $0.name == "fan-in-large" })
        #expect(large.detector == .fanIn && large.severity == .critical && large.window == 36 * 3_600)
        #expect(set.rules.first { $0.name == "pass-through" }?.minRatio == 9_500)
    }

    @Test(arguments: [
        ("rules:\n  fan-inn:\n    window: 3d\n", "r.yaml:2:3: error: unknown rule 'fan-inn'"),
        (
            "rules:\n  fan-in:\n    window: 3x\n",
            "r.yaml:3:13: field 'window': error: rule 'fan-in': bad value '3x'"
        ),
        (
            "rules:\n  fan-in:\n    min-hops: 3\n",
            "r.yaml:3:5: field 'min-hops': error: rule 'fan-in': not a parameter of fan-in"
        ),
        (
            "rules:\n  cycle:\n    min-ratio: 1.23456\n",
            "r.yaml:3:16: field 'min-ratio': error: rule 'cycle': bad value '1.23456'"
        ),
        (
            "rules:\n  x:\n    detector: fan-up\n",
            "r.yaml:3:15: field 'detector': error: rule 'x': unknown detector"
        ),
        (
            "rules:\n  fan-in:\n    severity: urgent\n",
            "r.yaml:3:15: field 'severity': error: rule 'fan-in': bad value"
        ),
        (
            "rules:\n  fan-in:\n    min-amount: {default: 1e5}\n",
            "r.yaml:3:27: field 'min-amount': error: rule 'fan-in': bad value '1e5'"
        ),
        ("rules: [\n", "r.yaml:2:1: error: not valid YAML"),
        ("colour: blue\n", "r.yaml:1:1: field 'colour': error: unknown key"),
        (
            "rules:\n  structuring:\n    margin: 150%\n",
            "r.yaml:3:13: field 'margin': error: rule 'structuring': margin must be below 1"
        ),
        (
            "rules:\n  cycle:\n    max-hops: 3\n    min-hops: 4\n",
            "r.yaml:4:15: field 'min-hops': error: rule 'cycle': min-hops (4) is above max-hops (3)"
        ),
    ])
    func ruleFileErrorsNameFileLineAndField(_ text: String, _ expected: String) {
        do {
            _ = try AmlRuleFile.parse(text, file: "r.yaml")
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(String(describing: error).hasPrefix(expected), "\(error)")
        }
    }

    // MARK: Generated ledger

    /// A 1,000-account ledger with every typology (generated once per test process).
    static let generated: (db: String, labels: String) = {
        let dir = (try? Fixtures.tempDir()) ?? NSTemporaryDirectory()
        let report = try! AmlLedger.generate(
            options: LedgerOptions(accounts: 1_000, days: 120, seed: 11), directory: dir, ingest: true)
        return (report.database!, report.summary.labelsPath)
    }()

    @Test func generatedLedgerMeetsTheQualityBar() throws {
        let store = try GraphStore(path: Self.generated.db, readOnly: true)
        let e = try AmlEvaluate.run(
            store: store, labelsPath: Self.generated.labels, rules: .standard, threads: nil)
        for row in e.rows where row.planted > 0 {
            #expect((row.recall ?? 0) >= 0.9, "\(row.typology): recall \(row.found)/\(row.planted)")
        }
        #expect((e.total.precision ?? 0) >= 0.8, "precision \(e.total.hits)/\(e.total.alerts)")
        #expect(e.rows.count == AmlTypology.ledger.count)
    }

    @Test func tuningWritesARuleFileThatLoadsIsDeterministicAndHoldsItsPrecision() throws {
        let store = try GraphStore(path: Self.generated.db, readOnly: true)
        let until = try #require(TimeParser.parse("2024-03-01"))
        func tune(threads: Int) throws -> (AmlTune.Report, String) {
            let r = try AmlTune.run(
                store: store, labelsPath: Self.generated.labels, base: .standard,
                objective: .recallAtPrecision(0.5), until: until, threads: threads)
            return (r, AmlTune.ruleFile(r, labelsPath: "labels.csv"))
        }
        let (report, text) = try tune(threads: 2)
        #expect(try tune(threads: 1).1 == text, "the same file for any thread count")
        let tuned = try AmlRuleFile.parse(text, file: "tuned.yaml")
        #expect(tuned == report.rules)
        for r in report.results where r.rule.enabled && r.rule.detector != .exposure {
            #expect(r.after.precision >= 0.5, "\(r.rule.name): \(r.after)")
        }
        #expect(text.contains("# fan-in: precision"))
        // On the next period the tuned rules stay precise.
        let later = try AmlEvaluate.run(
            store: store, labelsPath: Self.generated.labels, rules: tuned, threads: nil, since: until)
        #expect((later.total.precision ?? 0) >= 0.8, "\(later.total)")
        #expect(later.total.foundByAny > 0)
    }

    @Test func oneThreadAndAllThreadsGiveTheSameBytes() throws {
        let store = try GraphStore(path: Self.generated.db, readOnly: true)
        let one = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1, store: false))
        let all = try AmlRun.run(store: store, options: AmlRunOptions(threads: 8, store: false))
        #expect(!one.alerts.isEmpty)
        #expect(Set(one.alerts.map(\.id)).count == one.alerts.count, "alert ids are unique")
        #expect(AmlRender.json(one).rendered() == AmlRender.json(all).rendered())
        #expect(AmlRender.csv(one) == AmlRender.csv(all))
        #expect(AmlRender.markdown(one) == AmlRender.markdown(all))
    }

    @Test func generatorIsDeterministic() throws {
        let a = try Fixtures.tempDir()
        let b = try Fixtures.tempDir()
        let options = LedgerOptions(accounts: 600, days: 90, seed: 5)
        _ = try LedgerGenerator.write(options: options, to: a)
        _ = try LedgerGenerator.write(options: options, to: b)
        for file in ["transactions.csv", "labels.csv", "tags.csv"] {
            #expect(
                FileManager.default.contentsEqual(atPath: a + "/" + file, andPath: b + "/" + file), "\(file)")
        }
    }

    /// Normal activity only: what fires are the generator's legitimate look-alikes (a seller paid
    /// by many new buyers, a sale passed straight on), about 8 per 1,000 customers.
    @Test func cleanGeneratedLedgerRaisesFewAlerts() throws {
        let dir = try Fixtures.tempDir()
        let report = try AmlLedger.generate(
            options: LedgerOptions(accounts: 1_000, days: 120, typologies: [], seed: 11), directory: dir,
            ingest: true)
        let store = try GraphStore(path: report.database!, readOnly: true)
        let r = try AmlRun.run(store: store, options: AmlRunOptions(store: false))
        // About 100,000 transfers of payroll, rent, shops, exchanges, friends and loans.
        #expect(r.transfersLoaded > 50_000)
        #expect(r.alerts.count <= 20, "\(r.alerts.map { "\($0.rule): \($0.explanation)" })")
    }

    @Test func csvAndMarkdownEscapeUntrustedText() {
        // One CSV field rule for every CSV (trace and AML CSVs used to keep a leading tab or CR).
        #expect(CSVText.cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0")
        #expect(CSVText.cell("a,\"b\"") == "\"a,\"\"b\"\"\"")
        #expect(CSVText.cell("\t=1+2") == "'\t=1+2")
        #expect(CSVText.cell("\r=1+2") == "\"'\r=1+2\"")
        #expect(CSVText.cell("-cmd") == "'-cmd" && CSVText.cell("-5") == "-5")
        // One Markdown rule for every document.
        #expect(MarkdownText.text("<script>|x") == "\\<script\\>\\|x")
        #expect(MarkdownText.text("[a](b) *c* #d") == "\\[a\\](b) \\*c\\* \\#d")
        #expect(MarkdownText.code("a`b|c\nd") == "`a'b\\|c d`")
    }
}
