import FlowModel
import FlowTestSupport
import Foundation
import Testing

/// A spam token's amounts through the `chainflow` executable (issue 15, finding 6): two transfers
/// of 2^256 − 1 of a worthless token to an address must not lock its reports, its cluster or the
/// library's queries out (they failed with exit 74 for every asset); the sums beyond 2^256 are
/// exact, marked as such, and every other asset's figures are unchanged; a trace whose seeds sum
/// past 2^256 is refused instead of claiming conservation of a clamped total.
@Suite("Spam-token sums beyond 2^256")
struct SpamTokenTests {
    static let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
    /// 2 × (2^256 − 1) − 7: what the address holds of the spam token.
    static let spamBalance = "231584178474632390847141970017375815706539969331281128078915168015826259279863"
    /// 2 × (2^256 − 1).
    static let spamReceived = "231584178474632390847141970017375815706539969331281128078915168015826259279870"

    static func spamCase() throws -> (dir: String, db: String) {
        let dir = try Fixtures.tempDir()
        let db = dir + "/case.db"
        let ledger = """
            tx,time,from,to,amount,cur
            1,2024-03-01T09:00:00Z,ACC-1001,ACC-2001,9500,USD
            2,2024-03-01T10:00:00Z,SPAMMER,ACC-2001,\(max),SPAM
            3,2024-03-01T11:00:00Z,SPAMMER,ACC-2001,\(max),SPAM
            4,2024-03-02T10:00:00Z,ACC-2001,ACC-3001,100,USD
            5,2024-03-02T11:00:00Z,ACC-2001,ACC-3001,7,SPAM

            """
        try ledger.write(toFile: dir + "/ledger.csv", atomically: true, encoding: .utf8)
        let ingest = try CLIProcess.run(
            [
                "ingest", "--quiet", "--db", db, "--format", "transfers-csv", "--decimals", "0", "--map",
                "tx=tx,time=time,from=from,to=to,amount=amount,asset=cur", dir + "/ledger.csv",
            ], in: dir)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        try #require(try CLIProcess.run(["cluster", "run", "--db", db], in: dir).status == 0)
        return (dir, db)
    }

    @Test("the address's reports, its cluster and the queries work; the spam sums are exact and marked")
    func reportsSurviveSpam() throws {
        let (dir, db) = try Self.spamCase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for format in ["text", "md", "json", "csv", "html"] {
            let r = try CLIProcess.run(["address", "ACC-2001", "--db", db, "--format", format], in: dir)
            #expect(r.status == 0, "address --format \(format): \(r.stderr)")
            // USD is untouched: 9500 in, 100 out.
            #expect(r.stdout.contains("9400"), "address --format \(format): \(r.stdout.prefix(2000))")
            #expect(r.stdout.contains(Self.spamReceived), "address --format \(format): no exact spam sum")
            #expect(
                r.stdout.contains(format == "json" ? "\"sum_overflow\": true" : "2^256"),
                "address --format \(format): the overflow is not said")
        }
        let json = try CLIProcess.run(["address", "ACC-2001", "--db", db, "--json"], in: dir)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let assets = try #require(object["assets"] as? [[String: Any]])
        let spam = try #require(assets.first { $0["asset"] as? String == "SPAM" })
        #expect(spam["received"] as? String == Self.spamReceived)
        #expect(spam["sent"] as? String == "7")
        #expect(spam["balance"] as? String == Self.spamBalance)
        #expect(spam["sum_overflow"] as? Bool == true)
        let usd = try #require(assets.first { $0["asset"] as? String == "USD" })
        #expect(usd["balance"] as? String == "9400" && usd["sum_overflow"] == nil)

        for args in [
            ["cluster", "show", "ACC-2001", "--db", db],
            ["cluster", "show", "ACC-2001", "--db", db, "--format", "md"],
            ["cluster", "show", "ACC-2001", "--db", db, "--json"],
            ["cluster", "flows", "ACC-2001", "--db", db],
            ["cluster", "show", "SPAMMER", "--db", db],
        ] {
            let r = try CLIProcess.run(args, in: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        let cluster = try CLIProcess.run(["cluster", "show", "ACC-2001", "--db", db], in: dir)
        #expect(
            cluster.stdout.contains(Self.spamReceived) && cluster.stdout.contains("2^256"),
            "\(cluster.stdout)")

        for (query, params) in [
            ("top-counterparties", ["address=ACC-2001"]), ("tag-exposure", ["address=ACC-2001"]),
            ("balance-history", ["address=ACC-2001"]),
            ("daily-volume", ["since=2024-01-01", "until=2025-01-01"]),
            ("busiest-addresses", ["since=2024-01-01", "until=2025-01-01"]),
        ] {
            let r = try CLIProcess.run(
                ["query", query, "--db", db, "--format", "csv"] + params.flatMap { ["--param", $0] }, in: dir)
            #expect(r.status == 0, "\(query): \(r.stderr)")
            if query == "daily-volume" {
                #expect(r.stdout.contains(Self.spamReceived), "\(query): \(r.stdout)")
            }
        }
    }

    @Test("a trace whose seeds sum past 2^256 is refused, not clamped")
    func traceRefusesClampedSeeds() throws {
        let (dir, db) = try Self.spamCase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLIProcess.run(
            ["trace", "--db", db, "--from", "ACC-2001", "--asset", "SPAM", "--backward", "--format", "json"],
            in: dir)
        #expect(r.status == 65, "exit \(r.status): \(r.stdout.prefix(500)) \(r.stderr)")
        #expect(r.stderr.contains("2^256"), "\(r.stderr)")
        // One seed transfer alone is traced, and conserves.
        let one = try CLIProcess.run(
            ["trace", "--db", db, "--from", "tx:2", "--asset", "SPAM", "--format", "json"], in: dir)
        #expect(one.status == 0, "\(one.stderr)")
        // USD from the same address is not affected.
        let usd = try CLIProcess.run(
            ["trace", "--db", db, "--from", "ACC-2001", "--asset", "USD", "--backward", "--format", "json"],
            in: dir)
        #expect(usd.status == 0, "\(usd.stderr)")
    }

    @Test("AmountTotal sums exactly past 2^256")
    func amountTotal() throws {
        var t = AmountTotal()
        let max = try #require(UInt256(decimal: Self.max))
        t.add(max)
        #expect(t.exact == max)
        t.add(max)
        #expect(t.exact == nil)
        #expect(t.decimalString == Self.spamReceived)
        #expect(AmountTotal(decimal: Self.spamReceived) == t)
        #expect(t.decimalString(decimals: 2).hasSuffix("798.7"))
        #expect(AmountTotal.difference(t, AmountTotal(UInt256(7))) == Self.spamBalance)
        #expect(AmountTotal.difference(AmountTotal(UInt256(7)), t) == "-" + Self.spamBalance)
    }
}
