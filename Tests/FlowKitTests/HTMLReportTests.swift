import FlowAnalysis
import FlowIngest
import FlowModel
import FlowReport
import FlowSim
import FlowStore
import FlowTestSupport
import Foundation
import Testing

@testable import FlowKit

/// The HTML reports as users see them: rendered in headless Chromium (no console errors, the
/// pictures hold the nodes and edges the data gives, a screenshot under
/// `.build/report-screenshots/`), untrusted text shown as text, and the layout's own rules
/// (deterministic bytes, columns summarised, crossings removed).
@Suite(.serialized) struct HTMLReportTests {
    static let script = "<script>alert(1)</script>"

    /// The sample ledger with its labels, plus a tag whose label and category are a script.
    static func ledgerStore() throws -> GraphStore {
        let (store, dir) = try Fixtures.freshStore()
        let ledger = Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/ledger.csv").path
        _ = try TransferCSVIngest.run(
            store: store, files: [(ledger, try FormatDetector.detect(path: ledger))],
            options: TransferCSVOptions())
        let labels = Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/labels.csv").path
        _ = try TagImport.run(store: store, path: labels, options: TagImportOptions())
        try Data("address,label,category\nACC-3001,\(script),\(script)\n".utf8).write(
            to: URL(fileURLWithPath: dir + "/odd-tags.csv"))
        _ = try TagImport.run(store: store, path: dir + "/odd-tags.csv", options: TagImportOptions())
        return store
    }

    /// What every report page must be: one document, no script, nothing fetched from elsewhere.
    static func checkSelfContained(_ html: String) {
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(!html.lowercased().contains("<script"))
        let links = html.components(separatedBy: "http").dropFirst().filter {
            !$0.hasPrefix("://www.w3.org/2000/svg\"") && !$0.hasPrefix("-equiv=")
        }
        #expect(links.isEmpty, "the page refers to the network: \(links.map { $0.prefix(40) })")
    }

    /// Loads the page in Chromium and checks it loads cleanly with the pictures expected.
    static func checkInBrowser(_ html: String, name: String, pictures: [SVGFlowPicture], height: Int = 1600)
        throws -> Browser.Page?
    {
        guard let page = try Browser.open(html, name: name, size: (1280, height)) else { return nil }
        #expect(page.consoleMessages.isEmpty, "console: \(page.consoleMessages)")
        #expect(page.dom.contains("</svg>"), "the page did not load")
        #expect(page.pictures.count == pictures.count)
        for (seen, drawn) in zip(page.pictures, pictures) {
            #expect(seen.nodes == drawn.nodeCount && seen.edges == drawn.edgeCount)
        }
        #expect(FileManager.default.fileExists(atPath: page.screenshot))
        return page
    }

    @Test(
        "trace report: the ledger's flow in Chromium, 8 nodes and 7 edges, a script tag shown as text",
        .enabled(if: Browser.chromium != nil, Browser.missing))
    func traceReportInBrowser() throws {
        let store = try Self.ledgerStore()
        let run = try Trace.run(store: store, options: TraceOptions(from: ["1", "2", "3", "4"]))
        let r = try #require(run.reports.first)
        let html = TraceRender.html(run)
        Self.checkSelfContained(html)
        // Seeds, the transfers 5, 6 and 10 of the routes, and the four receiving accounts. The
        // routes start with seed transfer 3, which the seed node stands for (it is not drawn as a
        // step the seeds paid).
        let picture = TraceRender.picture(r)
        #expect(picture.nodeCount == 8 && picture.edgeCount == 7)
        #expect(Set(picture.categories) == ["high-risk", Self.script])
        let page = try #require(try Self.checkInBrowser(html, name: "trace-ledger", pictures: [picture]))
        #expect(page.pictures.first.map { $0.nodes == 8 && $0.edges == 7 } == true)
        // The tag is text: escaped in the file, a text node (not an element) in the loaded page.
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.dom.lowercased().contains("<script"))
        // Exact amounts and shares: ACC-4001 received 36,900.00 of 38,250.00 (96.47%).
        #expect(html.contains("36900 USD") && html.contains("96.47%"))
    }

    @Test(
        "AML report: one picture per alert with its transfers, a script tag shown as text",
        .enabled(if: Browser.chromium != nil, Browser.missing))
    func amlReportInBrowser() throws {
        let store = try Self.ledgerStore()
        let result = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1, store: false))
        #expect(result.alerts.map(\.rule) == ["structuring", "pass-through"])
        let categories = try AmlRun.tagCategories(store: store, alerts: result.alerts)
        #expect(categories["ACC-3001"] == [Self.script] && categories["ACC-4001"] == ["high-risk"])
        let html = AmlRender.html(result, categories: categories)
        Self.checkSelfContained(html)
        let pictures = AmlRender.htmlOrder(result.alerts).map {
            AmlRender.picture($0, categories: categories)
        }
        // Structuring: four depositors into ACC-2001; pass-through: ACC-2001 -> ACC-3001 -> ACC-4001.
        #expect(pictures.map(\.nodeCount) == [5, 3] && pictures.map(\.edgeCount) == [4, 2])
        let page = try #require(
            try Self.checkInBrowser(html, name: "aml-ledger", pictures: pictures, height: 2400))
        #expect(page.pictures.map(\.nodes) == [5, 3] && page.pictures.map(\.edges) == [4, 2])
        #expect(page.dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.dom.lowercased().contains("<script"))
        // Summary by rule and severity, then each alert with its explanation and transactions.
        #expect(html.contains("<td>structuring</td>") && html.contains("sev-high"))
        for a in result.alerts {
            #expect(html.contains(HTMLPage.escape(a.explanation)))
            for e in a.evidence { #expect(html.contains(">\(HTMLPage.escape(e.tx))<")) }
        }
    }

    @Test(
        "a large Bitcoin trace is summarised: at most 8 nodes a column, the rest folded",
        .enabled(if: Browser.chromium != nil, Browser.missing))
    func largeTraceIsSummarised() throws {
        let (store, dir) = try Fixtures.freshStore()
        _ = try ChainGenerator.write(
            options: ChainGeneratorOptions(transactions: 1500, seed: 9, transactionsPerBlock: 100), to: dir)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".dat") }
            .sorted().map { dir + "/" + $0 }
        try Fixtures.ingest(store, files)
        // The address paid by the most outputs, traced both ways.
        let g = try store.loadUTXOTraceGraph(threads: 1)
        var counts: [UInt32: Int] = [:]
        for a in g.outputAddress where a != 0 { counts[a, default: 0] += 1 }
        let busiest = try #require(counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
        let address = try #require(try store.traceAddressTexts([busiest])[busiest])
        for direction in [TraceDirection.forward, .backward] {
            let run = try Trace.run(
                store: store, options: TraceOptions(from: [address], direction: direction, maxHops: 4))
            let r = try #require(run.reports.first)
            let full = TraceRender.flowGraph(r)
            let picture = TraceRender.picture(r)
            #expect(full.nodes.count > 30, "a trace big enough to need summarising")
            #expect(picture.foldedNodes > 0 && picture.nodeCount < full.nodes.count)
            // Every column holds at most 8 nodes.
            let layered = SVGFlow.summarise(
                SVGFlow.assignLayers(full), max: TraceRender.pictureNodesPerColumn, amountText: { _ in "" }
            ).0
            var perColumn: [Int: Int] = [:]
            for n in layered.nodes { perColumn[n.layer ?? -1, default: 0] += 1 }
            #expect(perColumn.values.allSatisfy { $0 <= 8 })
            #expect(layered.nodes.count == picture.nodeCount)
            let html = TraceRender.html(run)
            Self.checkSelfContained(html)
            #expect(TraceRender.html(run) == html, "same trace, same bytes")
            _ = try Self.checkInBrowser(
                html, name: "trace-bitcoin-\(direction.rawValue)", pictures: [picture], height: 1000)
        }
    }

    @Test(
        "AML report of a generated ledger: every typology drawn, cycles as back edges",
        .enabled(if: Browser.chromium != nil, Browser.missing))
    func generatedLedgerAlerts() throws {
        let dir = try Fixtures.tempDir()
        let report = try AmlLedger.generate(
            options: LedgerOptions(accounts: 600, days: 90, instancesPerTypology: 1, seed: 5), directory: dir,
            ingest: true)
        let store = try GraphStore(path: try #require(report.database), readOnly: true)
        let result = try AmlRun.run(store: store, options: AmlRunOptions(threads: 2, store: false))
        #expect(Set(result.alerts.map(\.typology)).count >= 8)
        let categories = try AmlRun.tagCategories(store: store, alerts: result.alerts)
        let html = AmlRender.html(result, categories: categories)
        Self.checkSelfContained(html)
        // Same alerts on one thread: the same bytes.
        let single = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1, store: false))
        #expect(AmlRender.html(single, categories: categories) == html)
        let ordered = AmlRender.htmlOrder(result.alerts)
        let pictures = ordered.prefix(AmlRender.htmlDetailed(ordered)).map {
            AmlRender.picture($0, categories: categories)
        }
        for (a, p) in zip(ordered, pictures) {
            let addresses = Set(a.evidence.flatMap { [$0.from, $0.to] })
            let pairs = Set(a.evidence.map { $0.from + "\u{0}" + $0.to })
            if p.foldedNodes == 0 {
                #expect(p.nodeCount == addresses.count && p.edgeCount == pairs.count, "\(a.rule)")
            } else {
                #expect(p.nodeCount < addresses.count, "\(a.rule)")
            }
            if a.typology == "cycle" { #expect(p.svg.contains("class=\"edge back\""), "a cycle closes") }
        }
        _ = try Self.checkInBrowser(html, name: "aml-generated", pictures: pictures, height: 3200)
    }

    @Test(
        "the browser check bites: a script and a network load are reported, classes count as whole words",
        .enabled(if: Browser.chromium != nil, Browser.missing))
    func browserCheckBites() throws {
        var page = HTMLPage(title: "bad")
        page.sections = [
            HTMLSection(
                title: "s",
                blocks: [
                    HTML(raw: "<script>console.log('ran')</script><img src=\"http://192.0.2.1/x.png\">"),
                    HTML(
                        raw:
                            "<svg><g class=\"node\"></g><g class=\"edge back\"></g><g class=\"edges\"></g></svg>"
                    ),
                ])
        ]
        let seen = try #require(try Browser.open(page.render(), name: "check-bites", size: (400, 300)))
        // The page's policy blocks both the script and the load, and says so on the console.
        #expect(seen.consoleMessages.count >= 2, "\(seen.consoleMessages)")
        #expect(!seen.consoleMessages.contains { $0.contains("\"ran\"") })
        #expect(seen.pictures.count == 1 && seen.pictures.first.map { $0 == (1, 1) } == true)
    }

    // MARK: Without a browser

    @Test("chainflow trace and aml run write the same HTML pages as the library, to --out or stdout")
    func commandLine() throws {
        let dir = try Fixtures.tempDir()
        let db = dir + "/cli.db"
        let ledger = Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/ledger.csv").path
        let labels = Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/labels.csv").path
        #expect(try CLIProcess.run(["ingest", "--db", db, ledger], in: dir).status == 0)
        #expect(try CLIProcess.run(["tags", "import", "--db", db, labels], in: dir).status == 0)
        let trace = try CLIProcess.run(
            [
                "trace", "--db", db, "--from", "1", "--from", "2", "--format", "html", "--out",
                dir + "/t.html",
            ],
            in: dir, label: "trace")
        #expect(trace.status == 0, "\(trace.stderr)")
        let aml = try CLIProcess.run(
            ["aml", "run", "--db", db, "--dry-run", "--format", "html"], in: dir, label: "aml")
        #expect(aml.status == 0, "\(aml.stderr)")
        let store = try GraphStore(path: db)
        let run = try Trace.run(store: store, options: TraceOptions(from: ["1", "2"]))
        #expect(try String(contentsOfFile: dir + "/t.html", encoding: .utf8) == TraceRender.html(run))
        let result = try AmlRun.run(store: store, options: AmlRunOptions(store: false))
        let categories = try AmlRun.tagCategories(store: store, alerts: result.alerts)
        #expect(aml.stdout == AmlRender.html(result, categories: categories))
        #expect(aml.stdout.contains(">high-risk</span>"))
    }

    @Test("JSON documents carry schema_version first")
    func schemaVersion() throws {
        let store = try Self.ledgerStore()
        let run = try Trace.run(store: store, options: TraceOptions(from: ["1"]))
        #expect(TraceRender.json(run).rendered().hasPrefix("{\n  \"schema_version\": 1,\n"))
        let each = try Trace.run(store: store, options: TraceOptions(from: ["1", "5"], each: true))
        #expect(TraceRender.json(each).rendered().hasPrefix("{\n  \"schema_version\": 1,\n  \"traces\": ["))
        let aml = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1, store: false))
        #expect(AmlRender.json(aml).rendered().hasPrefix("{\n  \"schema_version\": 1,\n"))
        // Several traces in one page: one picture each.
        let html = TraceRender.html(each)
        #expect(Browser.count(html, "<svg") == 2)
    }

    @Test("escape keeps markup, quotes and control characters out")
    func escaping() {
        #expect(
            HTMLPage.escape("<a href=\"x\">O'Neil & co</a>")
                == "&lt;a href=&quot;x&quot;&gt;O&#39;Neil &amp; co&lt;/a&gt;")
        #expect(HTMLPage.escape("a\u{0}b\u{1B}c\td\ne") == "a\u{FFFD}b\u{FFFD}c\td\ne")
        #expect(HTML.code("<b>").markup == "<code>&lt;b&gt;</code>")
        #expect(HTML.chip("\"><svg onload=x>").markup.contains("&quot;&gt;&lt;svg onload=x&gt;"))
        #expect(SVGFlow.legend(["<i>"]).markup.contains("&lt;i&gt;"))
        let page = HTMLPage(
            title: "<t>", subtitle: "<s>", parameters: [("<k>", .text("<v>"))],
            sections: [HTMLSection(title: "<h>", id: "\"x", blocks: [.paragraph("<para>")])],
            footnotes: [.text("<f>")]
        ).render()
        for raw in ["<t>", "<s>", "<k>", "<v>", "<h>", "<para>", "<f>", "id=\"\"x\""] {
            #expect(!page.contains(raw), "\(raw)")
        }
    }

    @Test("labels are shortened in the middle, whole in the tooltip")
    func shortening() {
        #expect(SVGFlow.shorten("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", max: 15) == "bc1qar0…zwf5mdq")
        #expect(SVGFlow.shorten("short", max: 15) == "short")
        var g = FlowGraph()
        let long = String(repeating: "x", count: 60) + "<end>"
        g.add(FlowGraph.Node(id: "a", label: long, layer: 0))
        g.add(FlowGraph.Node(id: "b", label: "b", layer: 1))
        g.connect("a", "b", amount: UInt256(5))
        let svg = SVGFlow.render(g, options: SVGFlowOptions(title: "t")).svg
        #expect(svg.contains("<title>" + HTMLPage.escape(long)))
        // 20 characters fit a 176-pixel node: 10 in front, 9 behind.
        #expect(svg.contains(">xxxxxxxxxx…xxxx&lt;end&gt;</text>"))
    }

    @Test("layout: same graph, same bytes; crossings undone; widths by exact amount")
    func layout() {
        // Largest first would put z, y, x under a, b: a -> x then crosses b -> y; the sweeps
        // move x up beside z.
        var g = FlowGraph()
        for id in ["a", "b"] { g.add(FlowGraph.Node(id: id, label: id, role: .source)) }
        for id in ["x", "y", "z"] { g.add(FlowGraph.Node(id: id, label: id, role: .sink)) }
        g.connect("a", "x", amount: UInt256(1))
        g.connect("a", "z", amount: UInt256(4))
        g.connect("b", "y", amount: UInt256(2))
        g.connect("b", "y", amount: UInt256(1))
        let options = SVGFlowOptions(title: "t", maxEdgeWidth: 11)
        let one = SVGFlow.render(g, options: options)
        #expect(one.svg == SVGFlow.render(g, options: options).svg)
        #expect(one.nodeCount == 5 && one.edgeCount == 3)
        let layered = SVGFlow.assignLayers(g)
        #expect(layered.nodes.map { $0.layer ?? -1 } == [0, 0, 1, 1, 1])
        let l = SVGFlow.Layout(layered, options: options)
        #expect(l.columns[0].map { layered.nodes[$0].id } == ["a", "b"])
        #expect(l.columns[1].map { layered.nodes[$0].id } == ["z", "x", "y"])
        #expect(
            SVGFlow.Layout.crossings(
                l.columns, pairs: [(0, 2), (0, 4), (1, 3)], layerOf: [0, 0, 1, 1, 1], n: 5) == 0)
        // a -> z carries 4, the largest: 11 px; b -> y 3: 1.5 + 9.5 * 3 / 4 = 8.625 -> 8.6; a -> x 1:
        // 1.5 + 9.5 / 4 = 3.875 -> 3.8 (tenths of a pixel, rounded down, exact integer ratio).
        for width in ["11.0", "8.6", "3.8"] { #expect(one.svg.contains("stroke-width=\"\(width)\"")) }
        // A cycle: a -> b -> c -> a; the closing edge is drawn back.
        var c = FlowGraph()
        for id in ["a", "b", "c"] { c.add(FlowGraph.Node(id: id, label: id)) }
        c.connect("a", "b", amount: UInt256(1))
        c.connect("b", "c", amount: UInt256(1))
        c.connect("c", "a", amount: UInt256(1))
        #expect(SVGFlow.assignLayers(c).nodes.map { $0.layer ?? -1 } == [0, 1, 2])
        let cycle = SVGFlow.render(c, options: options).svg
        #expect(
            Browser.count(cycle, "<g class=\"edge back\"") == 1
                && Browser.elements(cycle, class: "edge") == 3 && Browser.elements(cycle, class: "node") == 3)
    }

    @Test("summary: the smallest nodes of a column fold into one, amounts kept")
    func summary() {
        var g = FlowGraph()
        g.add(FlowGraph.Node(id: "s", label: "subject", layer: 1, pinned: true))
        for k in 0..<20 {
            g.add(FlowGraph.Node(id: "n\(k)", label: "n\(k)", layer: 0))
            g.connect("n\(k)", "s", amount: UInt256(UInt64(100 + k)))
        }
        let (folded, count) = SVGFlow.summarise(g, max: 5, amountText: { $0.decimalString })
        #expect(count == 16)
        #expect(folded.nodes.map(\.id) == ["s", "n16", "n17", "n18", "n19", "other:0"])
        let other = folded.node("other:0")
        #expect(other?.label == "16 others" && other?.detail == String((100..<116).reduce(0, +)))
        let total = folded.edges.reduce(UInt256.zero) { $0 + $1.amount }
        #expect(total == UInt256(UInt64((100..<120).reduce(0, +))))
        #expect(folded.edges.first { $0.from == "other:0" }?.count == 16)
        #expect(SVGFlow.colour(category: "Sanctions (OFAC)") == "#9b1c1c")
        #expect(SVGFlow.colour(category: "x") == SVGFlow.colour(category: "x"))
        #expect(SVGFlow.primaryCategory(["exchange", "sanctions"]) == "sanctions")
    }
}
