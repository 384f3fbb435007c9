import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// A token without a tokens export has one name everywhere: its contract shortened
/// (`0xf4ec…95dd`, the first 6 and last 4 characters), never `asset 3` or the raw contract, and its
/// amounts say they are base units with the decimals unknown.
@Suite struct AssetNamingTests {
    /// The token of expected_token_transfers.csv (no tokens export ingested) and its receiver.
    static let contract = "0xf4eced2f682ce333f96f2d8966c613ded8fc95dd"
    static let short = "0xf4ec…95dd"
    static let receiver = "0xac4df82fe37ea2187bc8c011a23d743b4f39019a"

    @Test("one rule: symbol, else the contract's first 6 and last 4 characters, else asset #ID")
    func rule() {
        #expect(TraceAsset.displayName(symbol: nil, contract: Self.contract, id: 3) == Self.short)
        #expect(TraceAsset.displayName(symbol: "USDC", contract: Self.contract, id: 3) == "USDC")
        #expect(TraceAsset.displayName(symbol: nil, contract: "", id: 7) == "asset #7")
        #expect(
            TraceAsset(id: 3, chain: "ethereum", symbol: nil, contract: Self.contract, decimals: nil).name
                == Self.short)
        #expect(
            Render.amount(UInt256(100_000), decimals: nil, asset: Self.short)
                == "100000 base units of 0xf4ec…95dd (decimals unknown)")
        #expect(Render.amount(UInt256(150), decimals: 2, asset: "USD") == "1.5 USD")
    }

    @Test("the query library, the address report (text, Markdown, HTML) and tx name the token the same way")
    func sameNameEverywhere() throws {
        let (db, _) = try TransactionLookupTests.ethereumStore()
        for (name, params) in [
            ("balance-history", ["address=\(Self.receiver)"]),
            ("daily-volume", ["since=2015-01-01", "until=2016-01-01"]),
            ("top-counterparties", ["address=\(Self.receiver)"]),
            ("first-funders", ["address=\(Self.receiver)"]),
        ] {
            let answer = try db.query(try Queries.named(name), params: params)
            let asset = try #require(answer.result.columns.firstIndex(of: "asset"))
            let names = Set(answer.result.rows.map { QueryAnswerCell.text($0[asset]) })
            #expect(names.contains(Self.short), "\(name): \(names)")
            #expect(!names.contains { $0.hasPrefix("asset ") || $0 == Self.contract }, "\(name): \(names)")
        }
        let report = try db.addressReport(Self.receiver, counterparties: 10)
        let md = AddressReportRender.markdown(report)
        let text = Render.addressText(report.profile)
        let html = AddressReportRender.html(report).html
        for page in [md, text, html] {
            #expect(page.contains(Self.short))
            #expect(!page.contains("asset 3") && !page.contains("asset #3"))
            #expect(page.contains("decimals unknown"))
        }
        #expect(text.contains("100000 base units of 0xf4ec…95dd (decimals unknown)"))
        // The activity table: the name on one line, cut if it must be, whole in its tooltip.
        #expect(html.contains("<td><span class=\"clip\" title=\"0xf4ec…95dd\">0xf4ec…95dd</span>"))
        #expect(html.contains("<table class=\"wrap\">"))
        #expect(HTMLPage.css.contains(".clip { display: inline-block; max-width: 14em; overflow: hidden;"))
        // A symbol from the data is escaped in the tooltip too.
        #expect(
            HTML.clipped("<b>\"x\"").markup
                == "<span class=\"clip\" title=\"&lt;b&gt;&quot;x&quot;\">&lt;b&gt;&quot;x&quot;</span>")
        let hash = try #require(
            try EthStore.csvDicts(TransactionLookupTests.tokens).first?["transaction_hash"])
        #expect(try db.transaction(hash).text.contains(Self.short))
    }
}

/// A query cell as the table shows it.
enum QueryAnswerCell {
    static func text(_ v: SQLValue) -> String {
        switch v {
        case .text(let s): s
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .null, .blob: ""
        }
    }
}

/// `chainflow query --format csv` and `aml run --format csv`: the base-unit columns keep their
/// place, and appended columns say what they count: the asset's decimals and the amounts in units
/// of the asset.
@Suite struct CSVUnitColumnsTests {
    static func rows(_ csv: String) -> [[String]] {
        csv.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test("top-counterparties of Satoshi: Hal got 10 BTC, as 1000000000 base units and as 10 in BTC")
    func bitcoinQuery() throws {
        let db = CaseDatabase(store: try SampleCaseDB.store())
        let answer = try db.query(
            try Queries.named("top-counterparties"), params: ["address=\(SampleCaseDB.satoshi)"])
        let table = Self.rows(answer.csvText())
        let header = try #require(table.first)
        #expect(
            header == [
                "counterparty", "asset", "received", "sent", "total", "payments", "rank", "decimals",
                "received_units", "sent_units", "total_units",
            ])
        let hal = try #require(table.first { $0.first == SampleCaseDB.hal })
        let col = { (name: String) in hal[header.firstIndex(of: name) ?? 0] }
        #expect(col("asset") == "BTC" && col("decimals") == "8")
        #expect(col("sent") == "1000000000" && col("sent_units") == "10")
    }

    @Test("largest-flows of the ledger in USD: each amount in cents and in USD, as ledger.csv wrote it")
    func ledgerQuery() throws {
        let (store, _) = try Fixtures.freshStore()
        try AmlStoreTests.ingest(store, TransactionLookupTests.ledger)
        let answer = try CaseDatabase(store: store).query(
            try Queries.named("largest-flows"),
            params: ["asset=USD", "since=2024-01-01", "until=2025-01-01"])
        let table = Self.rows(answer.csvText())
        let header = try #require(table.first)
        #expect(Array(header.suffix(2)) == ["decimals", "amount_units"])
        let written = Dictionary(
            uniqueKeysWithValues: try EthStore.csvDicts(TransactionLookupTests.ledger).map {
                ($0["tran_id"] ?? "", TransactionReport.trimmed($0["base_amt"] ?? ""))
            })
        #expect(table.count == 11)
        for row in table.dropFirst() {
            let tx = row[header.firstIndex(of: "tx") ?? 0]
            #expect(row[header.firstIndex(of: "asset") ?? 0] == "USD")
            #expect(row[header.firstIndex(of: "decimals") ?? 0] == "2")
            #expect(row[header.firstIndex(of: "amount_units") ?? 0] == written[tx], "\(tx)")
        }
    }

    @Test(
        "a token without a tokens export: its name, empty decimals and no units (only base units are known)")
    func tokenQuery() throws {
        let (db, _) = try TransactionLookupTests.ethereumStore()
        let answer = try db.query(
            try Queries.named("balance-history"), params: ["address=\(AssetNamingTests.receiver)"])
        let table = Self.rows(answer.csvText())
        let header = try #require(table.first)
        let token = try #require(
            table.first { $0[header.firstIndex(of: "asset") ?? 0] == AssetNamingTests.short })
        #expect(token[header.firstIndex(of: "received") ?? 0] == "100000")
        #expect(token[header.firstIndex(of: "decimals") ?? 0] == "")
        #expect(token[header.firstIndex(of: "received_units") ?? 0] == "")
    }

    @Test("aml run --format csv: the alert's amount in cents, then decimals 2 and the amount in USD")
    func amlCSV() throws {
        let result = try AmlRun.run(
            store: try TraceStoreTests.ledgerStore(), options: AmlRunOptions(threads: 1, store: false))
        let table = Self.rows(AmlRender.csv(result))
        let header = try #require(table.first)
        #expect(
            Array(header.prefix(9)) == [
                "id", "rule", "typology", "severity", "score", "window_start", "window_end", "asset",
                "amount",
            ])
        #expect(Array(header.suffix(2)) == ["decimals", "amount_units"])
        let structuring = try #require(result.alerts.first { $0.rule == "structuring" })
        let row = try #require(table.first { $0.first == structuring.id })
        #expect(row[7] == "USD" && row[8] == "3825000")
        #expect(Array(row.suffix(2)) == ["2", "38250"])
    }
}
