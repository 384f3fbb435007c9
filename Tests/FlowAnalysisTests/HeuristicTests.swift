import FlowAnalysis
import FlowModel
import Testing

@Suite("Clustering heuristics")
struct HeuristicTests {
    typealias In = SnapshotBuilder.In
    typealias Out = SnapshotBuilder.Out

    static func coinJoin(inputs: Int, distinct: Int, _ values: [Int64]) -> Bool {
        var scratch: [Int64] = []
        return CoinJoinRule.isCoinJoinLike(
            inputCount: inputs, distinctInputAddresses: distinct, outputValues: values[...], scratch: &scratch
        )
    }

    @Test("CoinJoin rule: JoinMarket layouts match, ordinary payments and dust batches do not")
    func coinJoinRule() {
        // 3 participants: 3 equal outputs + 2 change, 3 inputs.
        #expect(Self.coinJoin(inputs: 3, distinct: 3, [1_000_000, 1_000_000, 1_000_000, 53_210, 77_000]))
        // 5 participants, 10 outputs (5 equal + 5 change) from 7 inputs of 6 addresses.
        #expect(
            Self.coinJoin(
                inputs: 7, distinct: 6, [5, 5, 5, 5, 5, 1, 2, 3, 4, 6].map { Int64($0) * 100_000 }))
        // Too few outputs or inputs.
        #expect(!Self.coinJoin(inputs: 1, distinct: 1, [10, 10, 10]))
        #expect(!Self.coinJoin(inputs: 2, distinct: 2, [10, 10]))
        // p = 3 > distinct input addresses 2.
        #expect(!Self.coinJoin(inputs: 3, distinct: 2, [7, 7, 7, 1, 2]))
        // The most common value occurs 4 times, not p = 3 (a Whirlpool-like 5x5 is not matched either).
        #expect(!Self.coinJoin(inputs: 5, distinct: 5, [7, 7, 7, 7, 2]))
        #expect(!Self.coinJoin(inputs: 5, distinct: 5, [9, 9, 9, 9, 9]))
        // Dust denominations are not a mix.
        #expect(!Self.coinJoin(inputs: 3, distinct: 3, [546, 546, 546, 1000, 2000]))
        #expect(!Self.coinJoin(inputs: 3, distinct: 3, [2730, 2730, 2730, 1000, 2000]))
        // A tie between a dust value and a real one still qualifies (deterministically).
        #expect(Self.coinJoin(inputs: 4, distinct: 4, [546, 546, 546, 9000, 9000, 9000]))
        // All distinct values: top count 1 != p.
        #expect(!Self.coinJoin(inputs: 4, distinct: 4, [1, 2, 3, 4, 5]))
    }

    @Test(
        "multi-input joins the first input address to each other one; a planted CoinJoin is skipped and reported"
    )
    func multiInputAndCoinJoin() {
        var b = SnapshotBuilder()
        b.tx(10, coinbase: true, [In(address: UTXOSnapshot.unknown)], [Out(address: 1, value: 50)])
        b.tx(
            11, [In(address: 1), In(address: 2), In(address: 1), In(address: 3)], [Out(address: 4, value: 5)])
        // CoinJoin: 3 inputs of 3 addresses, 3 x 0.01 BTC + 2 change.
        b.tx(
            12, [In(address: 5), In(address: 6), In(address: 7)],
            [
                Out(address: 8, value: 1_000_000), Out(address: 9, value: 1_000_000),
                Out(address: 10, value: 1_000_000), Out(address: 11, value: 3_000),
                Out(address: 12, value: 4_000),
            ])
        // Unknown input: the known ones are still joined.
        b.tx(
            13, [In(address: UTXOSnapshot.unknown), In(address: 13), In(address: 14)],
            [Out(address: 15, value: 1)])
        let (edges, report) = BitcoinEdges.build(b.snapshot, options: BitcoinHeuristicOptions(), threads: 1)
        #expect(
            edgeList(edges) == [
                "1-2 multi-input @11", "1-3 multi-input @11", "13-14 multi-input @13",
            ])
        #expect(report.coinJoins == [12])
        #expect(report.transactions == 3)
        #expect(report.multiInputTransactions == 2)
        #expect(report.inputs == 11)
        // Without the skip, the CoinJoin's inputs are merged.
        let (all, allReport) = BitcoinEdges.build(
            b.snapshot, options: BitcoinHeuristicOptions(skipCoinJoin: false), threads: 1)
        #expect(edgeList(all).contains("5-6 multi-input @12"))
        #expect(allReport.coinJoins.isEmpty)
    }

    @Test("change rules parse, print canonically, and reject unknown names")
    func changeRuleParsing() throws {
        let rule = try ChangeRule.parse("one-time&address-type|optimal-change")
        #expect(rule.terms == [[.oneTime, .addressType], [.optimalChange]])
        #expect(rule.description == "one-time&address-type|optimal-change")
        #expect(!rule.dependsOnLaterTransactions)
        #expect(try ChangeRule.parse("peeling-chain").dependsOnLaterTransactions)
        #expect(throws: ChangeRuleError.self) { try ChangeRule.parse("one-time&fresh") }
        #expect(throws: ChangeRuleError.self) { try ChangeRule.parse("") }
    }

    /// One payment: inputs from 1 (P2WPKH, 0.5 and 0.3 BTC); outputs to 20 (payee, paid before,
    /// round 0.4 BTC, P2PKH) and 21 (fresh, 0.39 BTC - fee, P2WPKH).
    static func payment(changeFirstSeenEarlier: Bool = false) -> UTXOSnapshot {
        var b = SnapshotBuilder()
        b.tx(1, coinbase: true, [In(address: UTXOSnapshot.unknown)], [Out(address: 20, value: 1)])
        if changeFirstSeenEarlier { b.tx(2, [In(address: 30)], [Out(address: 21, value: 5)]) }
        b.tx(
            3, [In(address: 1, value: 50_000_000, type: 6), In(address: 1, value: 30_000_000, type: 6)],
            [Out(address: 20, value: 40_000_000, type: 2), Out(address: 21, value: 39_990_000, type: 6)])
        return b.snapshot
    }

    static func changeEdges(_ s: UTXOSnapshot, _ rule: String, unique: Bool = true) throws -> [String] {
        var r = try ChangeRule.parse(rule)
        r.requireUnique = unique
        let (edges, _) = BitcoinEdges.build(
            s, options: BitcoinHeuristicOptions(multiInput: false, change: r), threads: 1)
        return edgeList(edges)
    }

    @Test(
        "each change heuristic picks the output it should",
        arguments: [
            ("one-time", ["1-21 change @3"]),
            ("address-type", ["1-21 change @3"]),
            ("optimal-change", []),  // both outputs exceed the smallest input (0.3 BTC)
            ("round-value", ["1-21 change @3"]),  // 0.4 BTC is round (0.01 BTC multiple)
            ("address-reuse", []),
            ("one-time&round-value", ["1-21 change @3"]),
            ("one-time|address-reuse", ["1-21 change @3"]),
        ])
    func changeHeuristics(rule: String, expected: [String]) throws {
        #expect(try Self.changeEdges(Self.payment(), rule) == expected)
    }

    @Test("one-time: an address paid earlier is not fresh; exactly-one is required unless relaxed")
    func oneTimeAndUniqueness() throws {
        #expect(try Self.changeEdges(Self.payment(changeFirstSeenEarlier: true), "one-time") == [])
        // Both outputs non-round under 10^8 digits: ambiguous, unless every candidate is linked.
        var r = try ChangeRule.parse("round-value")
        r.roundDigits = 8
        let (edges, report) = BitcoinEdges.build(
            Self.payment(), options: BitcoinHeuristicOptions(multiInput: false, change: r), threads: 1)
        #expect(edges.isEmpty)
        #expect(report.changeAmbiguous == 1)
        r.requireUnique = false
        let (all, _) = BitcoinEdges.build(
            Self.payment(), options: BitcoinHeuristicOptions(multiInput: false, change: r), threads: 1)
        #expect(edgeList(all) == ["1-20 change @3", "1-21 change @3"])
        // An address paid before the snapshot (incremental run) is not fresh either.
        var s = Self.payment()
        s.paidBefore = [21]
        #expect(try Self.changeEdges(s, "one-time") == [])
    }

    @Test("optimal-change and address-reuse find their outputs; unknown inputs are not judged")
    func optimalAndReuse() throws {
        var b = SnapshotBuilder()
        b.tx(
            7, [In(address: 1, value: 80_000), In(address: 2, value: 60_000)],
            [Out(address: 3, value: 100_000), Out(address: 2, value: 39_000)])
        #expect(try Self.changeEdges(b.snapshot, "optimal-change") == ["1-2 change @7"])
        #expect(try Self.changeEdges(b.snapshot, "address-reuse") == ["1-2 change @7"])
        var u = SnapshotBuilder()
        u.tx(
            8, [In(address: 1, value: 80_000), In(address: 2, value: -1)],
            [Out(address: 3, value: 100_000), Out(address: 4, value: 39_000)])
        let (_, report) = BitcoinEdges.build(
            u.snapshot,
            options: BitcoinHeuristicOptions(
                multiInput: false, change: try ChangeRule.parse("optimal-change")),
            threads: 1)
        #expect(report.changeUnknownInputs == 1)
    }

    @Test("peeling chain: the output that continues the chain is the change")
    func peelingChain() throws {
        var b = SnapshotBuilder()
        // t0 -> t1 -> t2, each one input and two outputs; t1's output 0 is spent by t2 (1-in 2-out),
        // its output 1 by t3 (2 inputs).
        b.tx(100, [In(address: 1)], [Out(address: 2, value: 900, spentBy: 1), Out(address: 3, value: 100)])
        b.tx(
            101, [In(address: 2, source: 0)],
            [Out(address: 4, value: 800, spentBy: 2), Out(address: 5, value: 100, spentBy: 3)])
        b.tx(
            102, [In(address: 4, source: 1)],
            [Out(address: 6, value: 700), Out(address: 7, value: 100, spentBy: 3)])
        b.tx(103, [In(address: 5, source: 1), In(address: 7, source: 2)], [Out(address: 8, value: 150)])
        let edges = try Self.changeEdges(b.snapshot, "peeling-chain")
        // t0: output 2 spent by a peel-like tx, output 3 unspent: ambiguous. t1: output 4 continues.
        // t2: output 6 unspent, output 7 spent by a 2-input tx: 6 is the change.
        #expect(edges == ["2-4 change @101", "4-6 change @102"])
    }

    @Test("edges and report do not depend on the thread count")
    func threadIndependence() throws {
        var random = TestRandom(seed: 5)
        var b = SnapshotBuilder()
        for t in 0..<20_000 {
            let k = 1 + random.below(4)
            let ins = (0..<k).map { _ in
                In(address: UInt32(1 + random.below(30_000)), value: Int64(1 + random.below(1_000_000)))
            }
            let outs = (0..<(1 + random.below(4))).map { _ in
                Out(address: UInt32(1 + random.below(40_000)), value: Int64(1 + random.below(900_000)))
            }
            b.tx(Int64(t + 1), ins, outs)
        }
        let options = BitcoinHeuristicOptions(change: try ChangeRule.parse("one-time&optimal-change"))
        let one = BitcoinEdges.build(b.snapshot, options: options, threads: 1)
        for threads in [2, 3, 7] {
            let many = BitcoinEdges.build(b.snapshot, options: options, threads: threads)
            #expect(many.edges == one.edges)
            #expect(many.report == one.report)
        }
        #expect(one.edges.count > 1000)
    }
}
