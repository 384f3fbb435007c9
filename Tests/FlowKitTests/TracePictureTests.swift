import FlowKit
import FlowModel
import FlowReport
import FlowSim
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The trace picture draws what happened: one node per transaction, an address seed as the
/// address (not as paying the coinbase that made its coins), a peel chain as a chain, left to
/// right; and it scrolls and zooms inside the page.
@Suite struct TracePictureTests {
    /// Satoshi's coins forward on the Bitcoin sample (6 hops).
    static func satoshi() throws -> TraceReport {
        let run = try Trace.run(
            store: try GoldenTests.store(), options: TraceOptions(from: [SampleCaseDB.satoshi], maxHops: 6))
        return try #require(run.reports.first)
    }

    /// How many drawn nodes have `label` as their full text (a node's tooltip starts with it).
    static func nodes(_ svg: String, labelled label: String) -> Int {
        svg.components(separatedBy: "<title>\(label)\n").count - 1
    }

    /// Column of each node of the picture's graph, by label.
    static func columns(_ g: FlowGraph) -> [String: Int] {
        var out: [String: Int] = [:]
        for n in g.nodes where n.role == .step { out[n.label] = n.layer }
        return out
    }

    @Test("a transaction on the routes of several endpoints is drawn once")
    func oneNodePerTransaction() throws {
        let r = try Self.satoshi()
        let svg = TraceRender.picture(r).svg
        // f4184fc5 (block 170) is on Hal's route and on the route of the next peel.
        let txid = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
        #expect(r.endpoints.filter { $0.path.contains(txid) }.count >= 2)
        #expect(Self.nodes(svg, labelled: txid) == 1)
        // Every transaction of every route: one node at most.
        for id in Set(r.endpoints.flatMap(\.path)) { #expect(Self.nodes(svg, labelled: id) <= 1, "\(id)") }
        let g = TraceRender.flowGraph(r)
        #expect(Set(g.nodes.map(\.id)).count == g.nodes.count)
    }

    @Test("an address seed is drawn as the address: not as paying the coinbase that created its coins")
    func addressSeedDoesNotPayItsCoinbase() throws {
        let r = try Self.satoshi()
        let truth = try Fixtures.truthBlocks(Fixtures.sample("blk/blocks1-256.truth.json"))
        var coinbases = Set<String>()
        for block in truth {
            if let id = block["coinbase_txid"] as? String { coinbases.insert(id) }
        }
        // Hal's route starts with the coinbase of block 9, which paid Satoshi's address.
        let hal = try #require(r.endpoints.first { $0.address == SampleCaseDB.hal })
        let first = try #require(hal.path.first)
        #expect(coinbases.contains(first))
        let g = TraceRender.flowGraph(r)
        let svg = TraceRender.picture(r).svg
        #expect(Self.nodes(svg, labelled: first) == 0)
        #expect(!g.nodes.contains { coinbases.contains($0.label) })
        // The seed pays the transaction that spent its coin (block 170's), nothing earlier.
        let fromSeeds = g.edges.filter { $0.from == "seeds" }.compactMap { e in g.node(e.to)?.label }
        #expect(fromSeeds == ["f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"])
    }

    @Test(
        "backward from Hal: the coinbase of block 9, then Satoshi's address it paid, then block 170, then the seed, left to right"
    )
    func backwardCoinbaseComesFirst() throws {
        let run = try Trace.run(
            store: try GoldenTests.store(),
            options: TraceOptions(from: ["address:" + SampleCaseDB.hal], direction: .backward, maxHops: 6))
        let g = TraceRender.flowGraph(try #require(run.reports.first))
        let column = { (label: String) in g.nodes.first { $0.label == label }?.layer ?? -1 }
        let coinbase = column("0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9")
        let satoshi = column(SampleCaseDB.satoshi)
        let spend = column("f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16")
        let seed = g.node("seeds")?.layer ?? -1
        let columns: [Int] = [coinbase, satoshi, spend, seed]
        #expect(columns == [0, 1, 2, 3], "\(g.nodes.map { ($0.label, $0.layer) })")
        // The edges follow the value: coinbase -> Satoshi's coin -> block 170 -> Hal.
        let labels = g.edges.map { e in
            "\(g.node(e.from)?.label.prefix(8) ?? "?")>\(g.node(e.to)?.label.prefix(8) ?? "?")"
        }
        #expect(
            labels.sorted() == ["0437cd7f>12cbQLTF", "12cbQLTF>f4184fc5", "f4184fc5>address:"], "\(labels)")
    }

    @Test(
        "Satoshi's peel chain of block 170 onwards stays a chain: each hop one column right of the one before"
    )
    func satoshisChainIsAChain() throws {
        let columns = Self.columns(TraceRender.flowGraph(try Self.satoshi()))
        // Each spends the change of the one before (Satoshi's own address).
        let chain = [
            "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16",
            "a16f3ce4dd5deb92d98ef5cf8afeaf0775ebca408f708b2146c4fb42b41e14be",
            "591e91f809d716912ca1d4a9295e70c3e78bab077683f79350f101da64588073",
            "12b5633bad1f9c167d523ad1aa1947b2732a865bf5414eab2f9e5ae5d5c191ba",
            "828ef3b079f9c23829c56fe86e85b4a69d9e06e5b54ea597eef5fb3ffef509fe",
        ]
        let drawn = chain.compactMap { columns[$0] }
        #expect(drawn.count == chain.count, "\(columns)")
        #expect(drawn == Array(1...chain.count), "\(drawn)")
    }

    @Test("a planted peel chain traced forward is drawn as a chain: its transactions in increasing columns")
    func plantedPeelChainIsAChain() throws {
        let (store, dir) = try Fixtures.freshStore()
        let chainDir = try Fixtures.tempDir()
        var options = ChainGeneratorOptions(
            transactions: 20_000, seed: 3, transactionsPerBlock: 200, blocksPerFile: 64)
        options.peelChains = 2
        let summary = try ChainGenerator.write(options: options, to: chainDir)
        try Fixtures.ingest(store, summary.files.map { chainDir + "/" + $0 }, network: .regtest)
        let labels = try String(
            contentsOfFile: chainDir + "/" + ChainGenerator.labelsFileName, encoding: .utf8)
        let row = try #require(labels.split(separator: "\n").dropFirst().first)
        let txids = row.split(separator: ",")[3].split(separator: ";").map(String.init)
        #expect(txids.count >= 5)
        // The coin the chain starts from, and the peeled payees (tagged, so the trace stops there
        // instead of following them into the rest of the economy).
        var peels: [String] = []
        var start = ""
        for (k, txid) in txids.enumerated() {
            let hash = try #require(Hash256(displayHex: txid))
            let tx = try #require(try store.transaction(hash))
            if k == 0 {
                let input = try #require(tx.inputs.first)
                start = "output:\(input.prevTxid ?? "?"):\(input.prevVout ?? -1)"
            }
            let next = k + 1 < txids.count ? txids[k + 1] : nil
            for o in tx.outputs where o.spentBy != next { peels += [o.address].compactMap { $0 } }
        }
        let tags = dir + "/peels.csv"
        try ("address,label,category\n" + peels.map { "\($0),peel payee,exchange\n" }.joined())
            .write(toFile: tags, atomically: true, encoding: .utf8)
        _ = try TagImport.run(store: store, path: tags, options: TagImportOptions())
        let run = try Trace.run(
            store: store,
            options: TraceOptions(from: [start], maxHops: txids.count, stopCategories: ["exchange"]))
        let r = try #require(run.reports.first)
        let columns = Self.columns(TraceRender.flowGraph(r))
        let drawn = txids.map { columns[$0] ?? -1 }
        #expect(drawn == Array(1...txids.count), "\(drawn)")
        // And in the drawing: one node per hop, each further right than the one before.
        let svg = TraceRender.picture(r).svg
        var xs: [Int] = []
        for txid in txids {
            #expect(Self.nodes(svg, labelled: txid) == 1, "\(txid)")
            let node = try #require(svg.components(separatedBy: "<title>\(txid)\n").last)
            let x = try #require(
                node.components(separatedBy: "<rect x=\"").dropFirst().first?.prefix { $0.isNumber })
            xs.append(try #require(Int(x)))
        }
        #expect(zip(xs, xs.dropFirst()).allSatisfy { $0 < $1 }, "\(xs)")
    }

    @Test("the picture scrolls in its frame and zooms without script: fit width, 50 % to 200 %, 100 % first")
    func zoomControl() throws {
        let r = try Self.satoshi()
        let pic = TraceRender.picture(r)
        let html = TraceRender.html(r)
        #expect(pic.svg.contains("viewBox=\"0 0 \(pic.width) \(pic.height)\""))
        #expect(html.contains("<div class=\"picture\" style=\"--w:\(pic.width)px\">"))
        for (name, text) in [
            ("fit", "fit width"), ("50", "50%"), ("100", "100%"), ("150", "150%"), ("200", "200%"),
        ] {
            #expect(html.contains("id=\"flow-zoom-\(name)\""))
            #expect(html.contains("<label for=\"flow-zoom-\(name)\">\(text)</label>"))
        }
        #expect(html.contains("class=\"z-100\" checked>"))
        #expect(html.components(separatedBy: " checked>").count == 2, "one zoom level chosen")
        #expect(HTMLPage.css.contains("overflow: auto"))
        #expect(HTMLPage.css.contains(".z-fit:checked ~ .picture svg { width: 100%; height: auto; }"))
        // No script, and the policy that forbids one is still there.
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        // Two traces in one page (--each): each its own zoom control.
        let store = try TraceStoreTests.ledgerStore()
        let each = TraceRender.html(
            try Trace.run(store: store, options: TraceOptions(from: ["1", "2"], each: true)))
        #expect(each.contains("id=\"t1-flow-zoom-fit\"") && each.contains("id=\"t2-flow-zoom-fit\""))
    }
}
