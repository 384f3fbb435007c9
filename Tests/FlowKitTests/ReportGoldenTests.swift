import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The trace, AML run, cluster and address reports in Markdown, CSV, JSON and HTML, compared byte
/// for byte with recorded files (`Golden`, FlowTestSupport) on small deterministic cases built from
/// SampleData; how the HTML looks is covered by the screenshot tests. Re-record deliberately with
/// `RECORD_GOLDENS=1 swift test --filter ReportGoldenTests`, then read the diff.
@Suite("Reports match the recorded goldens")
struct ReportGoldenTests {
    static let goldens = Fixtures.packageRoot.appendingPathComponent("Tests/FlowKitTests/Goldens")

    /// The sample ledger (SampleData/transfers/ledger.csv) with its labels (ACC-4001 high-risk).
    static func ledgerStore() throws -> GraphStore {
        let (store, _) = try Fixtures.freshStore()
        _ = try TransferCSVIngest.run(
            store: store, files: try IngestPlan.classify(paths: [Fixtures.ledger]).files,
            options: TransferCSVOptions())
        _ = try TagImport.run(store: store, path: Fixtures.ledgerLabels, options: TagImportOptions())
        return store
    }

    /// Bitcoin blocks 0–255 and 277647 (blk files), and blocks 50001–50002 from bitcoin-etl, whose
    /// block 50001 spends two outputs together: the sample's only cluster of two.
    static func bitcoinStore() throws -> GraphStore {
        let (store, _) = try Fixtures.freshStore()
        try Fixtures.ingest(store, ["blk/blocks1-256.dat", "blk/277647.dat"].map(Fixtures.sample))
        let etl = Fixtures.sampleData + "/bitcoin-json/bitcoin-etl/bitcoin/stream_50001_50002"
        _ = try BitcoinJSONIngest.run(
            store: store,
            files: try IngestPlan.classify(paths: [
                etl + "/expected_blocks.json", etl + "/expected_transactions.json",
            ]).files, network: .mainnet)
        return store
    }

    @Test("haircut trace of ledger transfer tx:4 (stop at high-risk): Markdown, CSV, JSON")
    func ledgerTrace() throws {
        let run = try Trace.run(
            store: try Self.ledgerStore(),
            options: TraceOptions(from: ["tx:4"], policy: .haircut, stopCategories: ["high-risk"]))
        try Golden.check(TraceRender.markdown(run), "trace-ledger-tx4-haircut.md", in: Self.goldens)
        try Golden.check(TraceRender.csv(run), "trace-ledger-tx4-haircut.csv", in: Self.goldens)
        try Golden.check(
            TraceRender.json(run).rendered() + "\n", "trace-ledger-tx4-haircut.json", in: Self.goldens)
        try Self.checkHTML(TraceRender.html(run), "trace-ledger-tx4-haircut.html", in: Self.goldens)
    }

    @Test("Satoshi's coins forward, 6 hops, haircut, on the Bitcoin sample: Markdown, CSV, JSON")
    func bitcoinTrace() throws {
        let run = try Trace.run(
            store: try Self.bitcoinStore(), options: TraceOptions(from: [SampleCaseDB.satoshi], maxHops: 6))
        try Golden.check(TraceRender.markdown(run), "trace-satoshi-6hops.md", in: Self.goldens)
        try Golden.check(TraceRender.csv(run), "trace-satoshi-6hops.csv", in: Self.goldens)
        try Golden.check(
            TraceRender.json(run).rendered() + "\n", "trace-satoshi-6hops.json", in: Self.goldens)
        try Self.checkHTML(TraceRender.html(run), "trace-satoshi-6hops.html", in: Self.goldens)
    }

    @Test("address reports (HTML): Satoshi on the Bitcoin sample, ACC-2001 on the ledger")
    func addressReports() throws {
        let bitcoin = try #require(
            try AddressReport.load(store: try Self.bitcoinStore(), address: SampleCaseDB.satoshi))
        try Self.checkHTML(AddressReportRender.html(bitcoin).html, "address-satoshi.html", in: Self.goldens)
        let ledger = try #require(try AddressReport.load(store: try Self.ledgerStore(), address: "ACC-2001"))
        try Self.checkHTML(AddressReportRender.html(ledger).html, "address-acc-2001.html", in: Self.goldens)
    }

    @Test("AML run with the default rules on the sample ledger: Markdown, CSV, JSON")
    func amlRun() throws {
        let result = try AmlRun.run(
            store: try Self.ledgerStore(), options: AmlRunOptions(threads: 1, store: false))
        try Golden.check(AmlRender.markdown(result), "aml-ledger.md", in: Self.goldens)
        try Golden.check(AmlRender.csv(result), "aml-ledger.csv", in: Self.goldens)
        try Golden.check(AmlRender.json(result).rendered() + "\n", "aml-ledger.json", in: Self.goldens)
        try Self.checkHTML(AmlRender.html(result), "aml-ledger.html", in: Self.goldens)
    }

    @Test(
        "cluster run on the Bitcoin sample (JSON, text) and the profile of its cluster of two (Markdown, CSV, JSON)"
    )
    func cluster() throws {
        let store = try Self.bitcoinStore()
        var report = try Clustering.run(store: store, options: ClusterOptions(threads: 1))
        // The run's timings vary between runs: only they are normalised (to zero).
        report.loadSeconds = 0
        report.heuristicSeconds = 0
        report.unionFindSeconds = 0
        report.writeSeconds = 0
        report.totalSeconds = 0
        try Golden.check(
            ClusterRender.runJSON(report).rendered() + "\n", "cluster-run.json", in: Self.goldens)
        try Golden.check(ClusterRender.runText(report), "cluster-run.txt", in: Self.goldens)
        // The cluster of two (its members' funding outputs are not in the store: no flows), and
        // Satoshi's address, whose coins went to Hal Finney and others.
        for (address, name) in [
            (SampleCaseDB.clustered, "cluster-1DoQeKfU"), (SampleCaseDB.satoshi, "cluster-satoshi"),
        ] {
            try Self.checkProfile(try #require(try ClusterReport.load(store: store, address: address)), name)
        }
    }

    @Test(
        "cluster profile of ledger account ACC-2001 (four deposits in, one transfer out): Markdown, CSV, JSON"
    )
    func ledgerCluster() throws {
        let store = try Self.ledgerStore()
        _ = try Clustering.run(store: store, options: ClusterOptions(threads: 1))
        try Self.checkProfile(
            try #require(try ClusterReport.load(store: store, address: "ACC-2001")), "cluster-acc-2001")
    }

    /// An HTML page against its golden, with the page's style sheet (the same in every page, and
    /// checked to be the one `HTMLPage` writes) left out of the recorded file.
    static func checkHTML(
        _ html: String, _ name: String, in folder: URL, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let style = "<style>\n\(HTMLPage.css)</style>\n"
        #expect(html.contains(style), "\(name): the page's style sheet", sourceLocation: sourceLocation)
        try Golden.check(
            html.replacingOccurrences(of: style, with: "<style>…</style>\n"), name, in: folder,
            sourceLocation: sourceLocation)
    }

    static func checkProfile(
        _ profile: ClusterReport, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try Golden.check(
            ClusterReportRender.markdown(profile), name + ".md", in: goldens, sourceLocation: sourceLocation)
        try Golden.check(
            ClusterReportRender.csv(profile), name + ".csv", in: goldens, sourceLocation: sourceLocation)
        try Golden.check(
            ClusterReportRender.json(profile).rendered() + "\n", name + ".json", in: goldens,
            sourceLocation: sourceLocation)
        try checkHTML(
            ClusterReportRender.html(profile).html, name + ".html", in: goldens,
            sourceLocation: sourceLocation)
    }
}
