import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The address and cluster profile reports on the sample case (`SampleCaseDB`): facts in every
/// format, untrusted text kept as text, and the HTML pages as Chromium shows them (screenshots
/// under `.build/report-screenshots/`).
@Suite(.serialized) struct ProfileReportTests {
    static func address(_ a: String) throws -> AddressReport {
        try #require(try AddressReport.load(store: try SampleCaseDB.store(), address: a))
    }

    static func cluster(_ a: String) throws -> ClusterReport {
        try #require(try ClusterReport.load(store: try SampleCaseDB.store(), address: a))
    }

    @Test(
        "address report: balance history, counterparties, exposure and alerts of the ledger's pass-through account"
    )
    func addressFacts() throws {
        let r = try Self.address("ACC-3001")
        #expect(r.history.map(\.balance.text) == ["3800000", "10000"])
        #expect(r.counterparties.map(\.address) == ["ACC-2001", "ACC-4001"])
        #expect(r.counterparties[1].sent == UInt256(3_790_000))
        #expect(r.counterparties[1].tags.map(\.category) == ["high-risk"])
        let exposure = try #require(r.exposureByCategory.first)
        #expect(r.exposureByCategory.count == 1)
        #expect(exposure.category == "high-risk" && exposure.asset == "USD" && exposure.counterparties == 1)
        #expect(exposure.received == .zero && exposure.sent == UInt256(3_790_000))
        #expect(r.alerts.map(\.rule) == ["pass-through"])
        let json = AddressReportRender.json(r).rendered()
        #expect(json.hasPrefix("{\n  \"schema_version\": 1,"))
        #expect(json.contains("\"balance\": \"10000\""))
        let csv = AddressReportRender.csv(r)
        #expect(csv.contains("\nexposure,USD,,,ACC-4001,high-risk,Offshore Holdings Ltd,0,3790000,,1,,,,\n"))
        let md = AddressReportRender.markdown(r)
        #expect(md.contains("| high-risk | USD |  | 37900 USD | 1 |"))
        // Satoshi: the balance history ends at the balance `chainflow address` computes.
        let satoshi = try Self.address(SampleCaseDB.satoshi)
        let summary = try #require(try SampleCaseDB.store().address(SampleCaseDB.satoshi))
        #expect(satoshi.history.last?.balance.text == String(summary.balance))
        #expect(satoshi.counterparties.first?.address == SampleCaseDB.hal)
        #expect(satoshi.counterparties.first?.tags.map(\.label) == ["Hal Finney"])
    }

    @Test("a tag named <script>alert(1)</script> stays text in every format of both reports")
    func untrustedText() throws {
        let c = try Self.cluster(SampleCaseDB.clustered)
        let a = try Self.address(SampleCaseDB.clustered)
        for html in [ClusterReportRender.html(c).html, AddressReportRender.html(a).html] {
            #expect(!html.contains(SampleCaseDB.scriptLabel))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
        #expect(!ClusterReportRender.markdown(c).contains("<script>"))
        #expect(!AddressReportRender.markdown(a).contains("<script>"))
        #expect(ClusterReportRender.json(c).rendered().contains("\"label\": \"<script>alert(1)</script>\""))
        #expect(ClusterReportRender.csv(c).contains(",exchange,<script>alert(1)</script>,"))
    }

    @Test("cluster report: size, members, tags and the largest flows between clusters")
    func clusterFacts() throws {
        let c = try Self.cluster(SampleCaseDB.clustered)
        #expect(c.profile.membership.size == 2)
        #expect(c.profile.members.count == 2)
        #expect(c.profile.tags.map(\.category) == ["exchange"])
        let ledger = try Self.cluster("ACC-2001")
        #expect(ledger.inflows.map(\.address) == ["ACC-1003", "ACC-1004", "ACC-1001", "ACC-1002"])
        #expect(
            ledger.inflows.map(\.received)
                == [970_000, 965_000, 950_000, 940_000].map { UInt256(UInt64($0)) })
        #expect(
            ledger.outflows.map(\.address) == ["ACC-3001"] && ledger.outflows[0].sent == UInt256(3_800_000))
        let json = ClusterReportRender.json(ledger).rendered()
        #expect(json.hasPrefix("{\n  \"schema_version\": 1,"))
        #expect(json.contains("\"count_not_listed\": 0"))
        let few = try #require(
            try ClusterReport.load(
                store: try SampleCaseDB.store(), address: SampleCaseDB.clustered, members: 1))
        #expect(ClusterReportRender.markdown(few).contains("- … and 1 more"))
        let outflow = ClusterReportRender.csv(ledger).split(separator: "\n").filter {
            $0.hasPrefix("outflow,")
        }
        #expect(outflow.count == 1 && outflow[0].hasSuffix(",ACC-3001,USD,,,0,3800000,1"))
    }

    @Test(
        "address report in Chromium: a balance chart and a counterparty picture, no console errors",
        .enabled(if: Browser.chromium != nil, Browser.missing))
    func addressInBrowser() throws {
        for (name, address, height) in [
            ("address-satoshi", SampleCaseDB.satoshi, 1900), ("address-acc-2001", "ACC-2001", 2000),
            ("address-script-tag", SampleCaseDB.clustered, 1300),
        ] {
            let r = try Self.address(address)
            let page = AddressReportRender.html(r)
            guard let seen = try Browser.open(page.html, name: name, size: (1280, height)) else { return }
            #expect(seen.consoleMessages.isEmpty, "\(name): \(seen.consoleMessages)")
            #expect(seen.pictures.count == page.charts + page.pictures.count, "\(name)")
            // Charts come first: no nodes or edges, one dot per movement.
            for k in 0..<page.charts { #expect(seen.pictures[k].nodes == 0 && seen.pictures[k].edges == 0) }
            for (s, drawn) in zip(seen.pictures.dropFirst(page.charts), page.pictures) {
                #expect(s.nodes == drawn.nodeCount && s.edges == drawn.edgeCount, "\(name)")
            }
            #expect(Browser.elements(seen.dom, class: "point") == r.history.count, "\(name)")
            #expect(!seen.dom.contains("<script>alert(1)</script>"))
            #expect(FileManager.default.fileExists(atPath: seen.screenshot))
        }
        // The ledger account: 4 payers, itself, 1 payee.
        let acc = AddressReportRender.html(try Self.address("ACC-2001"))
        #expect(acc.pictures.first?.nodeCount == 6 && acc.pictures.first?.edgeCount == 5)
    }

    @Test(
        "cluster report in Chromium: the flow picture between clusters, the script label as text",
        .enabled(if: Browser.chromium != nil, Browser.missing))
    func clusterInBrowser() throws {
        for (name, address) in [
            ("cluster-acc-2001", "ACC-2001"), ("cluster-script-tag", SampleCaseDB.clustered),
        ] {
            let page = ClusterReportRender.html(try Self.cluster(address))
            guard let seen = try Browser.open(page.html, name: name, size: (1280, 1300)) else { return }
            #expect(seen.consoleMessages.isEmpty, "\(name): \(seen.consoleMessages)")
            #expect(seen.pictures.count == page.pictures.count)
            for (s, drawn) in zip(seen.pictures, page.pictures) {
                #expect(s.nodes == drawn.nodeCount && s.edges == drawn.edgeCount)
            }
            #expect(!seen.dom.contains("<script>alert(1)</script>"))
        }
        let ledger = ClusterReportRender.html(try Self.cluster("ACC-2001"))
        #expect(ledger.pictures.count == 1)
        #expect(ledger.pictures.first?.nodeCount == 6 && ledger.pictures.first?.edgeCount == 5)
        let script = try Browser.open(
            ClusterReportRender.html(try Self.cluster(SampleCaseDB.clustered)).html,
            name: "cluster-script-tag-dom")
        #expect(script?.dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;") == true)
    }
}

/// Address profiles in the reporting currency: each movement at its day's price, the balance at
/// the latest price, base units untouched; nothing changes without prices.
@Suite struct ProfileValueTests {
    /// A: receives 2 ETH on day 1 (price 1,000) and 1 ETH on day 3 (no price that day: day 2's
    /// 1,500 carries forward), pays 0.5 ETH on day 4 (2,000); B and C are its counterparties;
    /// 7 TOK (no price) arrive on day 2.
    static func store(prices: Bool) throws -> GraphStore {
        let (store, dir) = try Fixtures.freshStore()
        let csv = dir + "/t.csv"
        try TransferCSVStoreTests.write(
            """
            tx,time,from,to,amount,asset
            1,1970-01-02T10:00:00Z,B,A,2,ETH
            2,1970-01-03T10:00:00Z,C,A,7,TOK
            3,1970-01-04T10:00:00Z,B,A,1,ETH
            4,1970-01-05T10:00:00Z,A,C,0.5,ETH

            """, to: csv)
        try TransferCSVStoreTests.ingest(
            store, [csv],
            mapping: try TransferCSVMapping.parse(
                "tx=tx,time=time,from=from,to=to,amount=amount,asset=asset", decimals: 18))
        if prices {
            _ = try store.storePrices(
                [
                    PriceRow(asset: "ETH", currency: "USD", day: 1, price: "1000"),
                    PriceRow(asset: "ETH", currency: "USD", day: 2, price: "1500"),
                    PriceRow(asset: "ETH", currency: "USD", day: 4, price: "2000"),
                    PriceRow(asset: "ETH", currency: "USD", day: 6, price: "1234.565"),
                ], source: "test")
        }
        return store
    }

    @Test("each movement at its day's price, the balance at the latest price, in every format")
    func values() throws {
        let r = try #require(try AddressReport.load(store: try Self.store(prices: true), address: "A"))
        let v = try #require(r.profile.value("ETH"))
        #expect(r.profile.value("TOK") == nil, "no price: no value")
        // Received 2 × 1,000 + 1 × 1,500; sent 0.5 × 2,000; balance 2.5 × 1,234.565 = 3,086.4125.
        #expect(PriceSeries.currencyText(try #require(v.received)) == "3500.00")
        #expect(PriceSeries.currencyText(try #require(v.sent)) == "1000.00")
        #expect(v.balanceText == "3086.41 USD" && Render.isoDay(v.day) == "1970-01-07")
        let eth = r.history.filter { $0.asset == "ETH" }
        #expect(eth.map { $0.receivedValue.map(PriceSeries.currencyText) } == ["2000.00", "1500.00", "0.00"])
        #expect(eth.map(\.received.decimalString) == ["2000000000000000000", "1000000000000000000", "0"])
        let c = try #require(r.counterparties.first { $0.address == "C" && $0.asset == "ETH" })
        #expect(c.totalValue.map(PriceSeries.currencyText) == "617.28", "0.5 ETH at 1,234.565")
        let json = AddressReportRender.json(r).rendered()
        #expect(json.contains("\"balance\": \"3086.41\"") && json.contains("\"received\": \"3500.00\""))
        #expect(json.contains("\"price\": \"1234.565\""))
        #expect(json.contains("\"balance\": \"2500000000000000000\""), "base units stay exact")
        let csv = AddressReportRender.csv(r)
        #expect(csv.contains(",USD,3500.00,1000.00,3086.41\n"))
        let md = AddressReportRender.markdown(r)
        #expect(md.contains("| ETH | 3500.00 USD | 1000.00 USD | 3086.41 USD | 1234.565 USD | 1970-01-07 |"))
        #expect(md.contains("1 ETH (1500.00 USD)"))
        #expect(AddressReportRender.html(r).html.contains("3086.41 USD"))
        let text = Render.addressText(r.profile)
        #expect(text.contains("value     3086.41 USD (balance at the price of 1970-01-07)"))
    }

    @Test("without prices the report has no value fields and its JSON is as before")
    func noPrices() throws {
        let r = try #require(try AddressReport.load(store: try Self.store(prices: false), address: "A"))
        #expect(r.profile.values.isEmpty && r.history.allSatisfy { $0.receivedValue == nil })
        #expect(!AddressReportRender.json(r).rendered().contains("\"value\""))
        #expect(!AddressReportRender.markdown(r).contains("USD"))
    }
}
