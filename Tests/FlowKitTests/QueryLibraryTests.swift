import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

@Suite("Query library")
struct QueryLibraryTests {
    @Test(
        "every query runs on the sample case with its documented examples; columns and parameters match its header"
    )
    func everyQueryRuns() throws {
        let store = try SampleCaseDB.store()
        for q in try QueryLibrary.all() {
            let used = try store.sqlParameters(q.sql)
            #expect(Set(used) == Set(q.parameters.map(\.name)), "\(q.name): parameters in SQL \(used)")
            let answer = try QueryLibrary.run(
                store: store, query: q,
                params: q.parameters.compactMap { p in p.example.map { "\(p.name)=\($0)" } })
            #expect(answer.result.columns == q.columns.map(\.name), "\(q.name): columns")
            #expect(!answer.result.rows.isEmpty, "\(q.name): its example finds nothing in the sample case")
        }
    }

    static func run(_ name: String, _ params: [String]) throws -> SQLResult {
        try QueryLibrary.run(
            store: try SampleCaseDB.store(), query: try QueryLibrary.named(name), params: params
        )
        .result
    }

    /// Rows as dictionaries of cell text.
    static func rows(_ r: SQLResult) -> [[String: String]] {
        r.rows.map { row in
            var d: [String: String] = [:]
            for (c, v) in zip(r.columns, row) {
                switch v {
                case .null: break
                case .integer(let i): d[c] = String(i)
                case .real(let x): d[c] = String(x)
                case .text(let s): d[c] = s
                case .blob(let b): d[c] = b.map { String(format: "%02x", $0) }.joined()
                }
            }
            return d
        }
    }

    @Test("top counterparties: Satoshi's first payment went to Hal Finney, 10 BTC in block 170 (truth file)")
    func topCounterparties() throws {
        let blocks = try Fixtures.truthBlocks(Fixtures.sample("blk/blocks1-256.truth.json"))
        let b170 = try #require(blocks.first { $0["height"] as? Int == 170 })
        let txs = try #require(b170["transactions"] as? [[String: Any]])
        let outputs = try #require(txs[1]["outputs"] as? [[String: Any]])
        let toHal = try #require(outputs.first { $0["p2pkh_of_pubkey"] as? String == SampleCaseDB.hal })
        let value = try #require(toHal["value_sats"] as? Int)

        let rows = Self.rows(
            try Self.run("top-counterparties", ["address=\(SampleCaseDB.satoshi)", "limit=3"]))
        #expect(rows.count == 3)
        #expect(rows[0]["counterparty"] == SampleCaseDB.hal)
        #expect(rows[0]["sent"] == String(value) && rows[0]["received"] == "0" && rows[0]["rank"] == "1")
        // The other side sees the same payment as received.
        let hal = Self.rows(try Self.run("top-counterparties", ["address=\(SampleCaseDB.hal)"]))
        #expect(hal.first?["counterparty"] == SampleCaseDB.satoshi)
        #expect(hal.first?["received"] == String(value))
        // Ledger: ACC-2001 passed the four deposits on to ACC-3001 (38,000.00 USD in cents).
        let ledger = Self.rows(try Self.run("top-counterparties", ["address=ACC-2001"]))
        #expect(
            ledger.map { $0["counterparty"] ?? "" } == [
                "ACC-3001", "ACC-1003", "ACC-1004", "ACC-1001", "ACC-1002",
            ])
        #expect(ledger[0]["sent"] == "3800000" && ledger[0]["asset"] == "USD")
    }

    @Test("fees by block: the coinbase claim equals the truth files' fees; blocks 170–255 paid none")
    func feesByBlock() throws {
        let rows = Self.rows(try Self.run("fees-by-block", ["from_height=1", "to_height=1000000"]))
        var truth: [Int: [String: Any]] = [:]
        for file in [
            "blk/blocks1-256.truth.json", "blk/277647.truth.json", "core-json/block766390.truth.json",
        ] {
            for b in try Fixtures.truthBlocks(Fixtures.sample(file)) { truth[b["height"] as? Int ?? -1] = b }
        }
        var checked = 0
        for row in rows where row["chain"] == "bitcoin" {
            guard let h = Int(row["height"] ?? ""), let t = truth[h] else { continue }
            #expect(row["block"] == t["block_hash"] as? String)
            #expect(row["transactions"] == String(t["tx_count"] as? Int ?? -1))
            #expect(row["coinbase_claimed"] == String(t["coinbase_value_minus_subsidy_sats"] as? Int ?? -1))
            if let fee = t["total_fee_sats"] as? Int, row["unknown_fee_txs"] == "0" {
                #expect(row["fee_total"] == String(fee), "height \(h)")
            }
            checked += 1
        }
        #expect(checked == 255 + 2)
        let b277647 = try #require(rows.first { $0["height"] == "277647" })
        #expect(b277647["coinbase_claimed"] == "4737355")
        // Ethereum block 483920: gas used × effective gas price of each receipt, summed.
        let receipts = try String(
            contentsOfFile: Fixtures.packageRoot.appendingPathComponent(
                "SampleData/ethereum-etl/receipts_with_logs/expected_receipts.csv"
            ).path, encoding: .utf8
        ).split(separator: "\n").dropFirst()
        var total: UInt64 = 0
        for line in receipts {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            total += try #require(UInt64(f[5])) * (try #require(UInt64(f[9])))
        }
        let eth = try #require(rows.first { $0["chain"] == "ethereum" })
        #expect(eth["height"] == "483920" && eth["fee_total"] == String(total))
    }

    @Test("balance history ends at the balance `chainflow address` computes; ledger balances are exact")
    func balanceHistory() throws {
        let store = try SampleCaseDB.store()
        let rows = Self.rows(try Self.run("balance-history", ["address=\(SampleCaseDB.satoshi)"]))
        let summary = try #require(try store.address(SampleCaseDB.satoshi))
        #expect(rows.last?["balance"] == String(summary.balance))
        #expect(rows.count == summary.txCount)
        #expect(rows.first?["received"] == "5000000000" && rows.first?["block"] == "9")
        let ledger = Self.rows(try Self.run("balance-history", ["address=ACC-3001"]))
        #expect(ledger.map { $0["balance"] ?? "" } == ["3800000", "10000"])
        // A ledger account that only paid out goes negative.
        let payer = Self.rows(try Self.run("balance-history", ["address=ACC-1001"]))
        #expect(payer.map { $0["balance"] ?? "" } == ["-950000", "-850000"])
    }

    @Test("largest flows keep amounts beyond 2^64 exact and first; first funders and transactions between")
    func flowsAndFunders() throws {
        let eth = Self.rows(
            try Self.run("largest-flows", ["asset=ETH", "since=2015-01-01", "until=2016-01-01", "limit=2"]))
        #expect(eth.first?["amount"] == "110000000000000000000")
        #expect(eth.first?["from_address"] == "0x1406854d149e081ac09cb4ca560da463f3123059")
        let funders = Self.rows(try Self.run("first-funders", ["address=\(SampleCaseDB.hal)", "limit=1"]))
        #expect(funders.count == 1)
        #expect(funders.first?["funder"] == SampleCaseDB.satoshi)
        #expect(funders.first?["tx"] == "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16")
        let between = Self.rows(
            try Self.run("transactions-between", ["a=\(SampleCaseDB.hal)", "b=\(SampleCaseDB.satoshi)"]))
        #expect(between.count == 1 && between.first?["from_address"] == SampleCaseDB.satoshi)
    }

    @Test("tags, clusters and alerts: exposure, cluster mates, cluster sizes, an address's alerts")
    func tagsClustersAlerts() throws {
        let exposure = Self.rows(try Self.run("tag-exposure", ["address=ACC-3001"]))
        #expect(exposure.count == 1)
        #expect(exposure.first?["counterparty"] == "ACC-4001" && exposure.first?["category"] == "high-risk")
        #expect(exposure.first?["sent"] == "3790000")
        let mates = Self.rows(try Self.run("cluster-mates-of-tagged", ["category=exchange"]))
        #expect(mates.count == 1)
        #expect(mates.first?["label"] == SampleCaseDB.scriptLabel && mates.first?["cluster_size"] == "2")
        let sizes = Self.rows(try Self.run("cluster-sizes", []))
        #expect(sizes.first?["size"] == "2" && sizes.first?["categories"] == "exchange")
        let alerts = Self.rows(try Self.run("address-alerts", ["address=ACC-2001"]))
        #expect(alerts.first?["rule"] == "structuring" && alerts.first?["role"] == "subject")
        #expect(alerts.first?["amount"] == "3825000")
        let balances = Self.rows(try Self.run("tagged-balances", ["category=high-risk"]))
        #expect(balances.first?["address"] == "ACC-4001" && balances.first?["balance"] == "3690000")
    }

    @Test("parameters are bound, never spliced: a quote in a value is just text")
    func injection() throws {
        let store = try SampleCaseDB.store()
        let before = try store.stats().tags
        let rows = try Self.run("tagged-balances", ["category=x' OR '1'='1"])
        #expect(rows.rows.isEmpty)
        #expect(try store.stats().tags == before)
    }

    @Test(
        "usage errors name the problem",
        arguments: [
            ("top-counterparties", [String](), "needs parameter :address"),
            ("top-counterparties", ["address=x", "adress=y"], "has no parameter 'adress'"),
            ("top-counterparties", ["address=x", "limit=ten"], "'ten' is not an integer"),
            (
                "largest-flows", ["asset=BTC", "since=yesterday", "until=2020-01-01"],
                "'yesterday' is not a time"
            ),
            ("top-counterparties", ["address"], "is not NAME=VALUE"),
            ("top-counterparties", ["address=a", ":address=b"], "given twice"),
            ("top-counterparty", [], "did you mean top-counterparties"),
        ])
    func usageErrors(name: String, params: [String], message: String) throws {
        let store = try SampleCaseDB.store()
        do {
            _ = try QueryLibrary.run(store: store, query: try QueryLibrary.named(name), params: params)
            Issue.record("no error for \(name) \(params)")
        } catch let error as UsageError {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test("table, CSV and JSON renderings")
    func renderings() throws {
        let answer = try QueryLibrary.run(
            store: try SampleCaseDB.store(), query: try QueryLibrary.named("cluster-mates-of-tagged"),
            params: ["category=exchange"])
        let table = answer.tableText()
        #expect(table.hasPrefix("tagged_address"))
        #expect(table.hasSuffix("(1 row)\n"))
        let csv = answer.csvText()
        #expect(csv.split(separator: "\n").count == 2)
        let json = answer.json().rendered()
        #expect(json.contains("\"schema_version\": 1"))
        #expect(json.contains("\"cluster_size\": 2"))
        #expect(json.contains("\"category\": \"exchange\""))
        let data = try #require(json.data(using: .utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["rows"] as? [[String: Any]])?.first?["label"] as? String == SampleCaseDB.scriptLabel)
    }
}
