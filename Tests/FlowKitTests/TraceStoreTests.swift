import FlowAnalysis
import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowSim
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// `chainflow trace` end to end on stored data: a generated Bitcoin chain (graph load, exact
/// conservation per transaction and per trace, backward traces, thread-independent output) and
/// the planted ledger case (hand-computed haircut and FIFO amounts, stop tags, run records).
@Suite("Tracing from the store")
struct TraceStoreTests {
    /// A generated chain ingested into a fresh store, shared by the tests of this suite.
    static let chain: (store: GraphStore, dir: String) = {
        let (store, dir) = try! Fixtures.freshStore()
        let chainDir = dir + "/chain"
        try! FileManager.default.createDirectory(atPath: chainDir, withIntermediateDirectories: true)
        _ = try! ChainGenerator.write(
            options: ChainGeneratorOptions(transactions: 6000, seed: 3, transactionsPerBlock: 300),
            to: chainDir)
        let files = try! FileManager.default.contentsOfDirectory(atPath: chainDir).filter {
            $0.hasSuffix(".dat")
        }
        .sorted().map { chainDir + "/" + $0 }
        try! Fixtures.ingest(store, files)
        return (store, dir)
    }()

    /// The addresses paid by the most outputs, busiest first.
    static func busiest(_ g: UTXOTraceGraph, _ n: Int) throws -> [String] {
        var counts: [UInt32: Int] = [:]
        for a in g.outputAddress where a != 0 { counts[a, default: 0] += 1 }
        let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(n)
            .map(\.key)
        let names = try chain.store.addressTexts(top.map(Int64.init))
        return top.compactMap { names[Int64($0)] }
    }

    static func sum(_ t: TraceTotals) -> UInt256 { t.endpoints + t.fees + t.belowThreshold + t.cutByLimits }

    @Test("the loaded graph is the main chain: counts match, every transaction conserves value")
    func graphMatchesStore() throws {
        let store = Self.chain.store
        let g = try store.loadUTXOTraceGraph(threads: 2)
        let single = try store.loadUTXOTraceGraph(threads: 1)
        let stats = try store.stats()
        #expect(g.transactionCount == stats.transactions)
        #expect(g.inputCount == stats.inputs)
        #expect(g.outputCount == stats.outputs)
        #expect(
            g.txIds == single.txIds && g.inputSpent == single.inputSpent
                && g.outputValue == single.outputValue)
        for t in 0..<g.transactionCount where !g.coinbase[t] {
            let ins = g.inputs(of: t).map { g.inputValue[$0] }
            let outs = g.outputs(of: t).map { g.outputValue[$0] }
            #expect(ins.allSatisfy { $0 >= 0 })
            #expect(ins.reduce(0, +) >= outs.reduce(0, +))
            for i in g.inputs(of: t) {
                let o = g.inputSpent[i]
                #expect(o >= 0 && g.outputSpender[Int(o)] == Int32(i) && g.outputTx[Int(o)] < Int32(t))
            }
        }
    }

    @Test(
        "haircut and FIFO account for every satoshi, forward and backward, with limits",
        arguments: [TracePolicy.haircut, .fifo], [TraceDirection.forward, .backward])
    func conservation(policy: TracePolicy, direction: TraceDirection) throws {
        let store = Self.chain.store
        let g = try store.loadUTXOTraceGraph(threads: 2)
        for (k, address) in try Self.busiest(g, 3).enumerated() {
            for hops in [2, 6, 50] {
                let run = try Trace.run(
                    store: store,
                    options: TraceOptions(
                        from: [address], direction: direction, policy: policy, maxHops: hops,
                        minAmount: k == 1 ? "0.0001" : nil, limit: 0))
                let r = try #require(run.reports.first)
                #expect(r.totals.seeds != .zero)
                #expect(Self.sum(r.totals) == r.totals.seeds, "\(address) \(hops) hops")
                #expect(r.endpointCount == r.endpoints.count)
                #expect(r.endpoints.allSatisfy { $0.path.count == $0.hops + 1 })
                if direction == .backward { #expect(r.totals.fees == .zero) }
                if hops == 50 && direction == .backward && policy == .haircut {
                    // Far enough back, everything was mined.
                    #expect(r.endpoints.allSatisfy { $0.kind == .coinbase })
                }
            }
        }
    }

    @Test("with BTC prices a trace shows values in USD beside the exact satoshi")
    func valuedInUSD() throws {
        let (store, dir) = try Fixtures.freshStore()
        let chainDir = dir + "/chain"
        try FileManager.default.createDirectory(atPath: chainDir, withIntermediateDirectories: true)
        let summary = try ChainGenerator.write(
            options: ChainGeneratorOptions(transactions: 1_000, seed: 4, transactionsPerBlock: 200),
            to: chainDir)
        try Fixtures.ingest(store, summary.files.map { chainDir + "/" + $0 })
        let g = try store.loadUTXOTraceGraph(threads: 2)
        var counts: [UInt32: Int] = [:]
        for a in g.outputAddress where a != 0 { counts[a, default: 0] += 1 }
        let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(1)
            .map(\.key)
        let names = try store.addressTexts(top.map(Int64.init))
        let seeds: [String] = top.compactMap { names[Int64($0)] }
        let bare = try Trace.run(store: store, options: TraceOptions(from: seeds, maxHops: 3))
        #expect(bare.reports[0].valuation == nil)
        #expect(!TraceRender.json(bare).rendered().contains("valuation"))
        _ = try store.storePrices(
            [PriceRow(asset: "BTC", currency: "USD", day: 0, price: "50000")], source: "t")
        let run = try Trace.run(store: store, options: TraceOptions(from: seeds, maxHops: 3))
        let r = try #require(run.reports.first)
        let v = try #require(r.valuation)
        #expect(v.basis == "latest price" && v.currency == "USD")
        // 1 BTC = 100,000,000 satoshi = 50,000 USD: one cent is 20 satoshi.
        let expected = r.totals.seeds.quotientAndRemainder(dividingBy: UInt64(20)).quotient  // cents
        let (whole, cents) = expected.quotientAndRemainder(dividingBy: UInt64(100))
        #expect(v.text(r.totals.seeds, decimals: 8) == "\(whole.decimalString).\(cents / 10)\(cents % 10)")
        let json = TraceRender.json(run).rendered()
        #expect(json.contains("\"valuation\"") && json.contains("\"value\""))
        #expect(r.endpoints.map(\.amount) == bare.reports[0].endpoints.map(\.amount), "base units unchanged")
    }

    @Test("many seeds traced each on its own give the same bytes with 1 thread and with 4")
    func deterministic() throws {
        let store = Self.chain.store
        let g = try store.loadUTXOTraceGraph(threads: 2)
        let seeds = try Self.busiest(g, 12)
        var outputs: [String] = []
        for threads in [1, 4, 1] {
            let run = try Trace.run(
                store: store, options: TraceOptions(from: seeds, maxHops: 4, each: true, threads: threads))
            #expect(run.reports.count == seeds.count)
            outputs.append(TraceRender.json(run).rendered() + TraceRender.markdown(run))
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
        // Together, the seeds count once each.
        let together = try Trace.run(store: store, options: TraceOptions(from: seeds, maxHops: 4))
        #expect(together.reports.count == 1)
        let r = try #require(together.reports.first)
        #expect(Self.sum(r.totals) == r.totals.seeds)
        #expect(r.seeds.map(\.text) == seeds)
    }

    @Test("a txid seeds all its outputs, txid:vout one; unknown seeds and bad options are errors")
    func seedForms() throws {
        let store = Self.chain.store
        let g = try store.loadUTXOTraceGraph(threads: 1)
        var t = g.transactionCount / 2
        while g.coinbase[t] || g.outputValue[g.outputs(of: t).lowerBound] == 0 { t += 1 }
        let txid = try #require(try store.txids([g.txIds[t]])[g.txIds[t]])
        let all = try Trace.run(store: store, options: TraceOptions(from: [txid]))
        let one = try Trace.run(store: store, options: TraceOptions(from: ["\(txid):0"]))
        #expect(all.reports[0].seeds[0].count == g.outputs(of: t).count)
        #expect(one.reports[0].seeds[0].count == 1)
        #expect(one.reports[0].totals.seeds == UInt256(UInt64(g.outputValue[g.outputs(of: t).lowerBound])))
        let missing = #expect(throws: TraceSeedError.self) {
            try Trace.run(store: store, options: TraceOptions(from: ["nope"]))
        }
        #expect(missing?.exitCode == 66)
        #expect(throws: UsageError.self) {
            try Trace.run(store: store, options: TraceOptions(from: [txid], minAmount: "0.1.2"))
        }
    }

    // MARK: Ledger

    static func ledgerStore() throws -> GraphStore {
        let (store, _) = try Fixtures.freshStore()
        try TransferCSVStoreTests.ingest(
            store, [Fixtures.packageRoot.path + "/SampleData/transfers/ledger.csv"])
        _ = try TagImport.run(
            store: store, path: Fixtures.packageRoot.path + "/SampleData/transfers/labels.csv",
            options: TagImportOptions())
        return store
    }

    static func amounts(_ r: TraceReport) -> [String: String] {
        var out: [String: String] = [:]
        for e in r.endpoints + r.cuts {
            out["\(e.kind.rawValue) \(e.address ?? "-")"] = e.amount.decimalString
        }
        return out
    }

    @Test("planted layering: haircut and FIFO shares of one structured deposit, exact to the cent")
    func ledgerLayering() throws {
        let store = try Self.ledgerStore()
        // Deposit 4 (9,650.00) into ACC-2001, which holds 38,250.00 and passes 38,000.00 on.
        let haircut = try Trace.run(
            store: store, options: TraceOptions(from: ["4"], policy: .haircut, stopCategories: ["high-risk"]))
        let h = try #require(haircut.reports.first)
        // 965000 × 3800000 / 3825000 = 958692 (floor) to ACC-3001, which passes on
        // 958692 × 3790000 / 3800000 = 956169 to ACC-4001 (tagged high-risk).
        #expect(
            Self.amounts(h) == [
                "tagged ACC-4001": "956169", "balance ACC-2001": "6308", "balance ACC-3001": "2523",
            ])
        #expect(h.byCategory.map(\.name) == ["high-risk"])
        #expect(h.endpoints.first { $0.kind == .tagged }?.path == ["4", "5", "6"])
        let fifo = try Trace.run(store: store, options: TraceOptions(from: ["4"], policy: .fifo))
        // First in, first out: deposit 4 is the last in, so 250.00 of it stays at ACC-2001, and
        // ACC-3001 keeps the last 100.00 of what it received, which came from deposit 4.
        #expect(
            Self.amounts(try #require(fifo.reports.first))
                == ["balance ACC-4001": "930000", "balance ACC-2001": "25000", "balance ACC-3001": "10000"])
        // Backward from ACC-4001's receipt: all four deposits, FIFO, 37,900.00 in all.
        let back = try Trace.run(
            store: store, options: TraceOptions(from: ["6"], direction: .backward, policy: .fifo))
        let b = try #require(back.reports.first)
        #expect(
            Self.amounts(b) == [
                "unknown_source ACC-1001": "950000", "unknown_source ACC-1002": "940000",
                "unknown_source ACC-1003": "970000", "unknown_source ACC-1004": "930000",
            ])
        #expect(Self.sum(b.totals) == UInt256(3_790_000))
        // Each run is recorded.
        let runs = try TransferCSVStoreTests.query(
            store, "SELECT command, status FROM runs WHERE command = 'trace'")
        #expect(runs == [["trace", "ok"], ["trace", "ok"], ["trace", "ok"]])
    }

    @Test("hop limit and time window cut where the value sat; poison says it over-taints")
    func ledgerLimits() throws {
        let store = try Self.ledgerStore()
        let hop = try Trace.run(store: store, options: TraceOptions(from: ["1", "2", "3", "4"], maxHops: 1))
        let h = try #require(hop.reports.first)
        #expect(h.cuts.map { "\($0.kind.rawValue) \($0.address ?? "-")" } == ["hop_limit ACC-3001"])
        #expect(Self.sum(h.totals) == h.totals.seeds)
        let window = try Trace.run(
            store: store,
            options: TraceOptions(
                from: ["1", "2", "3", "4"], until: TimeParser.parse("2024-03-01T23:00:00Z")))
        let w = try #require(window.reports.first)
        #expect(w.cuts.map { "\($0.kind.rawValue) \($0.address ?? "-")" } == ["time_limit ACC-3001"])
        let poison = try Trace.run(store: store, options: TraceOptions(from: ["4"], policy: .poison))
        let p = try #require(poison.reports.first)
        #expect(p.totals.endpoints > p.totals.seeds)
        #expect(TraceRender.json(p).rendered().contains("\"conserves_value\": false"))
        let md = TraceRender.markdown(p)
        #expect(md.contains("over-taints") || md.contains("exceed the seeds"))
    }

    @Test("untrusted account names and tag categories stay text in Markdown and JSON")
    func untrustedText() throws {
        let (store, dir) = try Fixtures.freshStore()
        let csv = """
            tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id
            1,A,B|`x`,TRANSFER,10.00,2024-01-01T00:00:00Z,False,-1
            2,B|`x`,<img/src=x>,TRANSFER,5.00,2024-01-02T00:00:00Z,False,-1
            """
        try TransferCSVStoreTests.write(csv, to: dir + "/odd.csv")
        try TransferCSVStoreTests.ingest(store, [dir + "/odd.csv"])
        try TransferCSVStoreTests.write(
            "address,label,category\n<img/src=x>,x,<script>\n", to: dir + "/tags.csv")
        _ = try TagImport.run(store: store, path: dir + "/tags.csv", options: TagImportOptions())
        let run = try Trace.run(store: store, options: TraceOptions(from: ["1"]))
        let md = TraceRender.markdown(run)
        #expect(md.contains("`<img/src=x>`") && md.contains("\\<script\\>"))
        #expect(!md.contains("| <script>") && !md.contains("B|`x`"))
        #expect(md.contains("`B\\|'x'`"))
        let json = TraceRender.json(run).rendered()
        #expect(json.contains("\"address\": \"<img/src=x>\"") && json.contains("\"<script>\""))
    }

    @Test("amounts beyond 2^64 trace exactly")
    func bigAmountsAndAssets() throws {
        let (store, dir) = try Fixtures.freshStore()
        let csv = """
            tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id
            1,A,B,TRANSFER,100000000000000000000000.5,2024-01-01T00:00:00Z,False,-1
            2,C,B,TRANSFER,300000000000000000000000.5,2024-01-02T00:00:00Z,False,-1
            3,B,D,TRANSFER,200000000000000000000000,2024-01-03T00:00:00Z,False,-1
            """
        try TransferCSVStoreTests.write(csv, to: dir + "/big.csv")
        try TransferCSVStoreTests.ingest(store, [dir + "/big.csv"])
        let run = try Trace.run(store: store, options: TraceOptions(from: ["1"]))
        let r = try #require(run.reports.first)
        // B holds 4e23 + 1 (cents), of which 1e23 + 0.5 tainted; 2e23 leave: a quarter of it, floor.
        let seed = try #require(UInt256(decimal: "10000000000000000000000050"))
        let toD = try #require(
            UInt256.multiplyDivide(
                seed, UInt256(decimal: "20000000000000000000000000")!,
                UInt256(decimal: "40000000000000000000000100")!))
        #expect(r.totals.seeds == seed)
        #expect(Self.amounts(r)["balance D"] == toD.quotient.decimalString)
        #expect(Self.sum(r.totals) == seed)
        #expect(TraceRender.json(r).rendered().contains("\"amount\": \"\(toD.quotient.decimalString)\""))
    }
}

@Suite("Tracing ethereum-etl transfers")
struct EthereumTraceTests {
    @Test(
        "wei beyond 2^64: values and gas fees carry taint, a failed transaction moves nothing, tagged stops")
    func ether() throws {
        let (store, dir) = try Fixtures.freshStore()
        let eth = "1000000000000000000"
        let txs = [
            EthStore.txRow(1, from: 1, to: 2, value: "5" + eth.dropFirst()),
            EthStore.txRow(11, from: 2, to: 3, value: "2" + eth.dropFirst()),
            EthStore.txRow(12, from: 2, to: 4, value: eth),
            EthStore.txRow(13, from: 2, to: 5, value: eth),
        ]
        let receipts = [1, 11, 12, 13].map { n in
            "\(EthStore.hash(n)),\(n % 10),0x00,\(100 + n / 10),21000,21000,,,\(n == 13 ? 0 : 1),10"
        }
        try EthStore.ingest(
            store,
            [
                EthStore.write(
                    ([EthStore.txHeader] + txs).joined(separator: "\n") + "\n", dir, "transactions.csv"),
                EthStore.write(
                    ([EthStore.receiptHeader] + receipts).joined(separator: "\n") + "\n", dir, "receipts.csv"),
            ])
        try EthStore.write(
            "address,label,category\n\(EthStore.addr(4)),An exchange,exchange\n", dir, "tags.csv")
        _ = try TagImport.run(store: store, path: dir + "/tags.csv", options: TagImportOptions())

        let run = try Trace.run(
            store: store, options: TraceOptions(from: [EthStore.hash(1)], stopCategories: ["exchange"]))
        let r = try #require(run.reports.first)
        #expect(r.model == "account" && r.asset.symbol == "ETH")
        let fee = UInt256(UInt64(210_000))
        let five = try #require(UInt256(decimal: "5" + eth.dropFirst()))
        #expect(r.totals.seeds == five)
        // Address 2 held only tainted ether: each outflow and fee is fully tainted.
        #expect(r.totals.fees == fee + fee + fee)
        var byAddress: [String: String] = [:]
        for e in r.endpoints { byAddress["\(e.kind.rawValue) \(e.address ?? "-")"] = e.amount.decimalString }
        #expect(
            byAddress == [
                "balance \(EthStore.addr(3))": "2" + eth.dropFirst(),
                "tagged \(EthStore.addr(4))": eth,
                "balance \(EthStore.addr(2))": "1999999999999370000",
            ])
        #expect(r.byCategory.map(\.name) == ["exchange"])
        #expect(TraceStoreTests.sum(r.totals) == five)

        // Backward from address 3: its ether came from address 1, beyond which nothing is stored.
        let back = try Trace.run(
            store: store,
            options: TraceOptions(from: [EthStore.addr(3)], direction: .backward, policy: .haircut))
        let b = try #require(back.reports.first)
        #expect(
            b.endpoints.map { "\($0.kind.rawValue) \($0.address ?? "-") \($0.amount.decimalString)" } == [
                "unknown_source \(EthStore.addr(1)) 2" + eth.dropFirst()
            ])
        #expect(b.endpoints.first?.path == [EthStore.hash(11), EthStore.hash(1)])
    }
}
