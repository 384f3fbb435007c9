import FlowAnalysis
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Tracing through conversions on real swaps: block 19528783's transaction 0x2020…b272 swaps
/// USDT for WETH at one Uniswap V3 pool and that WETH for another token at a second pool.
@Suite("trace --through-conversions on real swaps")
struct TraceConversionTests {
    static let tx = "0x2020773eefb614cffae127ddac4f6c2ec8235773f375e40465dc08837bc2b272"
    static let usdt = "0xdac17f958d2ee523a2206206994597c13d831ec7"
    /// Paid the USDT into the first pool (log 9), having received it in log 5.
    static let payer = "0xb770fdfe8b7f39306d92f2883059275fe86ddd39"
    /// Received the second pool's output (log 11).
    static let recipient = "0xde899f993c1b0fd76e504b3ee523c8198f55c19f"

    /// The value of the Transfer log `index` of the transaction, read from the file with
    /// Foundation (independent of the decoders).
    static func transferValue(_ index: Int) throws -> (token: String, value: String) {
        let text = try String(
            contentsOfFile: DefiStore.sample("ethetl-19528783/expected_logs.json"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard o["transaction_hash"] as? String == tx, o["log_index"] as? Int == index else { continue }
            let hex = String((o["data"] as? String ?? "").dropFirst(2))
            var v = UInt256.zero
            for c in hex.utf8 {
                v = v.multipliedReportingOverflow(by: 16, adding: UInt64(Hex.nibble(c) ?? 0)) ?? .max
            }
            return (o["address"] as? String ?? "", v.decimalString)
        }
        Issue.record("no log \(index)")
        return ("", "")
    }

    static func store() throws -> GraphStore {
        let (store, _) = try Fixtures.freshStore()
        try EthStore.ingest(
            store,
            ["blocks", "transactions", "logs"].map { DefiStore.sample("ethetl-19528783/expected_\($0).json") }
        )
        return store
    }

    static func conserves(_ r: TraceReport) -> Bool {
        let t = r.totals
        return t.endpoints + t.fees + t.belowThreshold + t.cutByLimits == t.seeds
    }

    @Test(
        "a seed in USDT reaches the second pool's output token with exactly the executed amount",
        arguments: [TracePolicy.haircut, .fifo])
    func endToEnd(_ policy: TracePolicy) throws {
        let store = try Self.store()
        let paid = try Self.transferValue(9)  // USDT into pool 1
        let out1 = try Self.transferValue(8)  // WETH out of pool 1
        let out2 = try Self.transferValue(11)  // the token out of pool 2
        #expect(paid.token == Self.usdt)
        var options = TraceOptions(from: ["address:\(Self.payer)"], policy: policy, asset: Self.usdt)
        options.throughConversions = true
        let run = try Trace.run(store: store, options: options)
        #expect(run.reports.map { $0.asset.contract } == [Self.usdt, out1.token, out2.token])
        #expect(run.reports.allSatisfy(Self.conserves))
        let (usdt, weth, token) = (run.reports[0], run.reports[1], run.reports[2])
        // All of the seed's USDT went into the first pool: a converted endpoint.
        #expect(usdt.totals.seeds.decimalString == paid.value)
        #expect(
            usdt.endpoints.map(\.kind) == [.converted] && usdt.endpoints[0].amount.decimalString == paid.value
        )
        // It came out as the WETH the pool paid, and that WETH went into the second pool.
        #expect(weth.totals.seeds.decimalString == out1.value)
        #expect(weth.endpoints.map(\.kind) == [.converted])
        // ... and out as the second pool's payment, held by the recipient: exactly its amount.
        #expect(token.totals.seeds.decimalString == out2.value)
        let end = try #require(token.endpoints.first)
        #expect(
            end.kind == .balance && end.address == Self.recipient && end.amount.decimalString == out2.value)
        // Hops: the seed transfer (0), the payment into pool 1 (1), its WETH payment (2), the WETH
        // into pool 2 (3), its payment to the recipient (4): a conversion's output leg is a hop.
        #expect(end.hops == 4)
        // The path shows both conversion hops.
        #expect(end.conversionSteps.map(\.conversion).allSatisfy { $0.hasPrefix("uniswap-v3 #") })
        #expect(end.conversionSteps.count == 2)
        #expect(usdt.conversions.map(\.direction) == ["out"] && token.conversions.map(\.direction) == ["in"])
        let json = TraceRender.json(run).rendered()
        #expect(json.contains("\"through_conversions\": true") && json.contains("\"conversion_steps\""))
        #expect(TraceRender.markdown(run).contains("## Conversions"))
        let html = TraceRender.html(run)
        #expect(html.contains("Conversions") && html.contains("(uniswap-v3 #13: "))
    }

    @Test(
        "without --through-conversions the trace stops at the first pool: a conversion cut of what it received"
    )
    func cut() throws {
        let store = try Self.store()
        let paid = try Self.transferValue(9)
        let run = try Trace.run(
            store: store, options: TraceOptions(from: ["address:\(Self.payer)"], asset: Self.usdt))
        #expect(run.reports.count == 1)
        let r = run.reports[0]
        #expect(Self.conserves(r))
        #expect(r.cuts.map(\.kind) == [.conversion] && r.cuts[0].amount.decimalString == paid.value)
        #expect(r.totals.cutByLimits.decimalString == paid.value && r.endpoints.isEmpty)
        #expect(r.notes.contains { $0.contains("--through-conversions") })
    }

    @Test("backward from the recipient's token: through both pools to the USDT that paid for it")
    func backward() throws {
        let store = try Self.store()
        let out2 = try Self.transferValue(11)
        let paid = try Self.transferValue(9)
        var options = TraceOptions(from: ["address:\(Self.recipient)"], direction: .backward)
        options.throughConversions = true
        options.asset = out2.token
        let run = try Trace.run(store: store, options: options)
        #expect(run.reports.allSatisfy(Self.conserves))
        #expect(run.reports.first?.totals.seeds.decimalString == out2.value)
        let usdt = try #require(run.reports.first { $0.asset.contract == Self.usdt })
        // The whole demand reaches the first pool's input: exactly the USDT it received.
        #expect(usdt.totals.seeds.decimalString == paid.value)
    }
}
