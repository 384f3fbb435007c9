import FlowBitcoin
import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowSim
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// A tiny regtest chain built byte by byte: legacy (non-witness) transactions paying P2WPKH
/// programs, so every value and link is planted on purpose.
struct TinyChain {
    struct Spend {
        var tx: Hash256
        var vout: UInt32
    }

    var blocks: [[UInt8]] = []
    var previous = Network.regtest.genesisHash
    var height = 1
    var time: UInt32 = 1_700_000_000

    static func varint(_ n: Int) -> [UInt8] {
        n < 0xfd ? [UInt8(n)] : [0xfd, UInt8(n & 0xff), UInt8(n >> 8)]
    }

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }

    /// A P2WPKH output script for program byte `k`.
    static func script(_ k: UInt8) -> [UInt8] { [0x00, 0x14] + [UInt8](repeating: k, count: 20) }

    /// A transaction spending `inputs` (nil: coinbase at `height`) and paying `outputs`
    /// (program byte, satoshi); returns its bytes and txid.
    static func transaction(inputs: [Spend]?, outputs: [(UInt8, Int64)], height: Int) -> ([UInt8], Hash256) {
        var b = le(UInt32(2))
        if let inputs {
            b += varint(inputs.count)
            for i in inputs { b += i.tx.wireBytes + le(i.vout) + [0] + le(UInt32(0xffff_fffd)) }
        } else {
            b += varint(1) + [UInt8](repeating: 0, count: 32) + le(UInt32.max)
            let scriptSig: [UInt8] = [
                0x02, UInt8(height & 0xff), UInt8(height >> 8), 0x04, 0xde, 0xad, 0xbe, 0xef,
            ]
            b += varint(scriptSig.count) + scriptSig + le(UInt32.max)
        }
        b += varint(outputs.count)
        for (k, value) in outputs {
            let s = script(k)
            b += le(value) + varint(s.count) + s
        }
        b += le(UInt32(0))
        return (b, BitcoinHash.doubleSHA256(b))
    }

    /// Appends a block with a coinbase paying `coinbase` and then `transactions`; returns the txids
    /// (coinbase first).
    @discardableResult
    mutating func block(
        coinbase: [(UInt8, Int64)], _ transactions: [(inputs: [Spend], outputs: [(UInt8, Int64)])]
    )
        -> [Hash256]
    {
        var bodies: [[UInt8]] = []
        var txids: [Hash256] = []
        let (cb, cbid) = Self.transaction(inputs: nil, outputs: coinbase, height: height)
        bodies.append(cb)
        txids.append(cbid)
        for t in transactions {
            let (bytes, id) = Self.transaction(inputs: t.inputs, outputs: t.outputs, height: height)
            bodies.append(bytes)
            txids.append(id)
        }
        var header =
            Self.le(UInt32(0x2000_0000)) + previous.wireBytes + BitcoinHash.merkleRoot(txids).wireBytes
        time += 600
        header += Self.le(time) + Self.le(UInt32(0x207f_ffff)) + Self.le(UInt32(height))
        previous = BitcoinHash.doubleSHA256(header)
        blocks.append(header + Self.varint(bodies.count) + bodies.flatMap { $0 })
        height += 1
        return txids
    }

    func write(to path: String, blocks range: Range<Int>? = nil) throws {
        let chosen = range.map { Array(blocks[$0]) } ?? blocks
        try chosen.map { Hex.encode($0) }.joined(separator: "\n").write(
            toFile: path, atomically: true, encoding: .utf8)
    }
}

@Suite("Clustering in the store")
struct ClusterStoreTests {
    static let btc: Int64 = 100_000_000

    /// Block 1 pays A, B, B, C, C, D, E, F, G; block 2 joins A–B, B–C, C–D by multi-input and
    /// holds a CoinJoin of E, F, G (3 x 0.5 BTC + 2 change outputs).
    static func plantedChain() -> (chain: TinyChain, coinbase: Hash256, coinJoin: Hash256, links: [Hash256]) {
        var chain = TinyChain()
        let payees: [UInt8] = [0xa1, 0xb2, 0xb2, 0xc3, 0xc3, 0xd4, 0xe5, 0xf6, 0x07]
        let cb = chain.block(coinbase: payees.map { ($0, btc) }, [])[0]
        func spend(_ n: UInt32) -> TinyChain.Spend { TinyChain.Spend(tx: cb, vout: n) }
        let ids = chain.block(
            coinbase: [(0x99, 50 * btc)],
            [
                ([spend(0), spend(1)], [(0x11, 2 * btc - 1000)]),
                ([spend(2), spend(3)], [(0x12, 2 * btc - 1000)]),
                ([spend(4), spend(5)], [(0x13, 2 * btc - 1000)]),
                (
                    [spend(6), spend(7), spend(8)],
                    [
                        (0x21, btc / 2), (0x22, btc / 2), (0x23, btc / 2), (0x24, btc / 2 - 700),
                        (0x25, btc / 2 - 900),
                    ]
                ),
            ])
        return (chain, cb, ids[4], Array(ids[1...3]))
    }

    static func address(_ store: GraphStore, _ tx: Hash256, _ n: Int) throws -> String {
        let detail = try #require(try store.transaction(tx))
        return try #require(detail.outputs[n].address)
    }

    @Test(
        "multi-input joins the planted chain of inputs; the planted CoinJoin is skipped, reported, and not merged"
    )
    func plantedCoinJoin() throws {
        let (chain, cb, coinJoin, links) = Self.plantedChain()
        let (store, dir) = try Fixtures.freshStore()
        try chain.write(to: dir + "/chain.hex")
        try Fixtures.ingest(store, [dir + "/chain.hex"], network: .regtest)
        let report = try Clustering.run(store: store, options: ClusterOptions(threads: 2))
        #expect(report.mode == "full")
        #expect(report.coinJoinsSkipped == 1)
        #expect(report.coinJoinSample == [coinJoin.hex])
        #expect(report.merges["multi-input"] == 3)
        #expect(report.clusters == 1 && report.clusteredAddresses == 4)
        #expect(ClusterRender.runText(report).contains("1 transaction skipped (rule: JoinMarket-style"))

        let a = try Self.address(store, cb, 0)
        let d = try Self.address(store, cb, 5)
        let e = try Self.address(store, cb, 6)
        let f = try Self.address(store, cb, 7)
        let ma = try #require(try ClusterView.membership(store: store, address: a))
        #expect(ma.size == 4)
        #expect(ma.clusterAddress == a)  // the smallest id: A was paid first
        #expect(try ClusterView.membership(store: store, address: e)?.size == 1)
        #expect(try ClusterView.membership(store: store, address: f)?.size == 1)
        // Bulk lookup for tracing and reports: D maps to A's id, E to itself.
        let ids = try [a, d, e].map { try #require(try store.addressId($0)) }
        let clusterOf = try store.clusterIds(of: ids)
        #expect(clusterOf[ids[0]] == ids[0] && clusterOf[ids[1]] == ids[0] && clusterOf[ids[2]] == ids[2])

        // The explanation walks A –T1– B –T2– C –T3– D.
        let x = try ClusterView.explain(store: store, a: a, b: d)
        #expect(x.sameCluster)
        #expect(x.steps.map(\.evidence.tx) == links.map(\.hex))
        #expect(x.steps.map(\.heuristic) == ["multi-input", "multi-input", "multi-input"])
        #expect(x.steps.first?.from == a && x.steps.last?.to == d)
        #expect(x.steps[0].evidence.fromInputValue == Self.btc)
        #expect(x.steps[0].evidence.height == 2)
        for (s, t) in zip(x.steps, x.steps.dropFirst()) { #expect(s.to == t.from) }
        let reverse = try ClusterView.explain(store: store, a: d, b: a)
        #expect(reverse.steps.map(\.evidence.tx) == links.reversed().map(\.hex))
        let apart = try ClusterView.explain(store: store, a: a, b: e)
        #expect(!apart.sameCluster && apart.steps.isEmpty)
        #expect(ClusterRender.explainText(apart).contains("not in one cluster"))

        // The address profile and `cluster show` name the cluster.
        let profile = try #require(try AddressProfile.load(store: store, address: d))
        #expect(profile.cluster?.clusterAddress == a && profile.cluster?.size == 4)
        #expect(Render.addressText(profile).contains("cluster   \(a) (4 addresses"))
        let show = try #require(try ClusterView.show(store: store, address: d, limit: 2))
        #expect(show.members.count == 2 && show.membership.size == 4)
        #expect(show.pathLength == 3)
        #expect(show.bitcoin?.received == 6 * Self.btc)

        // Without the skip, the CoinJoin's inputs are merged (and say so in the run record).
        let all = try Clustering.run(store: store, options: ClusterOptions(skipCoinJoin: false, threads: 1))
        #expect(all.mode == "full" && all.fullReason?.contains("parameters differ") == true)
        #expect(all.coinJoinsSkipped == 0)
        #expect(try ClusterView.membership(store: store, address: e)?.size == 3)
        let runs = try store.clusterRuns()
        #expect(runs.count == 2 && runs[0].coinJoins == 0 && runs[1].coinJoins == 1)
    }

    /// The `clusters` rows, comparable across databases built from the same input.
    static func rows(_ path: String) throws -> [String] {
        let store = try GraphStore(path: path, readOnly: true)
        var out: [String] = []
        var offset = 0
        // Every address, its cluster and (for merged cluster ids) the recorded link.
        while true {
            let batch = try store.clusterRows(limit: 10_000, offset: offset).map(\.description)
            if batch.isEmpty { break }
            out += batch
            offset += batch.count
        }
        return out
    }

    @Test(
        "an incremental run after more blocks ends exactly as a full rerun (clusters and recorded merges)",
        arguments: [
            "multi-input", "multi-input,change:one-time", "multi-input,change:address-type&optimal-change",
        ])
    func incrementalEqualsFull(heuristics: String) throws {
        let dir = try Fixtures.tempDir()
        let chain = dir + "/chain"
        let summary = try ChainGenerator.write(
            options: ChainGeneratorOptions(
                transactions: 6000, seed: 11, transactionsPerBlock: 250, blocksPerFile: 6),
            to: chain)
        let files = summary.files.map { chain + "/" + $0 }
        #expect(files.count >= 3)
        let options = ClusterOptions(heuristics: try HeuristicSet.parse(heuristics), threads: 2)

        let stepwise = try GraphStore(path: dir + "/stepwise.db")
        try Fixtures.ingest(stepwise, [files[0]])
        let first = try Clustering.run(store: stepwise, options: options)
        #expect(first.mode == "full")
        try Fixtures.ingest(stepwise, [files[1]])
        let second = try Clustering.run(store: stepwise, options: options)
        #expect(second.mode == "incremental", "\(second.fullReason ?? "")")
        try Fixtures.ingest(stepwise, Array(files[2...]))
        let third = try Clustering.run(store: stepwise, options: options)
        #expect(third.mode == "incremental")
        // Each run examined only the transactions new to it.
        #expect(first.transactions + second.transactions + third.transactions == summary.transactions)

        let whole = try GraphStore(path: dir + "/whole.db")
        try Fixtures.ingest(whole, files)
        let full = try Clustering.run(store: whole, options: options)
        #expect(full.mode == "full")
        #expect(full.clusters == third.clusters)
        #expect(full.clusteredAddresses == third.clusteredAddresses)
        let a = try Self.rows(dir + "/stepwise.db")
        let b = try Self.rows(dir + "/whole.db")
        #expect(a.count == b.count && a.count > 1000)
        #expect(a == b)
        // Multi-input never joins two wallets of the generator (inputs have one owner by
        // construction), so there are at least as many entities as wallets.
        let addresses = try whole.stats().addresses
        #expect(
            heuristics != "multi-input"
                || addresses - full.clusteredAddresses + full.clusters >= summary.wallets)
    }

    @Test("the clusters do not depend on the thread count, and a rerun with nothing new changes nothing")
    func threadsAndRerun() throws {
        let dir = try Fixtures.tempDir()
        let summary = try ChainGenerator.write(
            options: ChainGeneratorOptions(transactions: 40_000, seed: 5), to: dir + "/chain")
        let files = summary.files.map { dir + "/chain/" + $0 }
        var dumps: [[String]] = []
        for threads in [1, 2, 4] {
            let path = dir + "/t\(threads).db"
            let store = try GraphStore(path: path)
            try Fixtures.ingest(store, files)
            let r = try Clustering.run(
                store: store,
                options: ClusterOptions(
                    heuristics: try HeuristicSet.parse("multi-input,change:one-time"), threads: threads,
                    unionFindThreads: threads))
            #expect(r.threads == threads && r.unionFindThreads == threads)
            dumps.append(try Self.rows(path))
            if threads == 2 {
                let again = try Clustering.run(
                    store: store,
                    options: ClusterOptions(
                        heuristics: try HeuristicSet.parse("multi-input,change:one-time"), threads: threads))
                #expect(again.mode == "incremental" && again.transactions == 0 && again.merges.isEmpty)
                #expect(try Self.rows(path) == dumps.last)
            }
        }
        #expect(dumps[0] == dumps[1] && dumps[1] == dumps[2])
        #expect(dumps[0].count > 10_000)
    }

    @Test("a super-cluster warning names the transaction and both cluster sizes")
    func superClusterGuard() throws {
        let dir = try Fixtures.tempDir()
        let summary = try ChainGenerator.write(
            options: ChainGeneratorOptions(transactions: 20_000, seed: 9), to: dir + "/chain")
        let store = try GraphStore(path: dir + "/g.db")
        try Fixtures.ingest(store, summary.files.map { dir + "/chain/" + $0 })
        let r = try Clustering.run(
            store: store,
            options: ClusterOptions(
                heuristics: try HeuristicSet.parse("multi-input,change:one-time"), superClusterSize: 20,
                threads: 2))
        #expect(r.warnings > 0)
        let w = try #require(r.warningSample.first)
        #expect(w.sizeA >= 20 && w.sizeB >= 20)
        #expect(w.evidence.count == 64)  // a txid
        #expect(try store.clusterWarnings(runId: r.runId).count == r.warnings)
        #expect(ClusterRender.runText(r).contains("super-cluster guard"))
    }

    @Test("deposit addresses: two users of one exchange deposit address become one entity, explained")
    func depositAddresses() throws {
        let (store, _) = try Fixtures.freshStore()
        let exchange = "0x" + String(repeating: "e", count: 40)
        let deposit = "0x" + String(repeating: "d", count: 40)
        let alice = "0x" + String(repeating: "a", count: 40)
        let bob = "0x" + String(repeating: "b", count: 40)
        let carol = "0x" + String(repeating: "c", count: 40)
        let ether = UInt256(1_000_000_000_000_000_000)
        let gas = UInt256(500_000_000_000_000)  // 0.0005 ETH kept back by the deposit address
        _ = try store.withTransferWriter { w in
            guard case .fresh(let source) = try w.source(path: "t", format: "test", fingerprint: [1], size: 1)
            else {
                return
            }
            func id(_ a: String) throws -> Int64 {
                try w.address(a, chain: "ethereum", kind: AccountKind.ethereum)
            }
            let rows: [(String, String, UInt256, Int64)] = [
                (alice, deposit, ether, 100),
                (deposit, exchange, ether.subtractingReportingOverflow(gas)!, 105),
                (bob, deposit, ether + ether, 200),
                (deposit, exchange, (ether + ether).subtractingReportingOverflow(gas)!, 230),
                // Carol pays the deposit address but nothing matching is forwarded.
                (carol, deposit, UInt256(5), 300),
            ]
            for (k, r) in rows.enumerated() {
                try w.append(
                    TransferRecord(
                        kind: .value, tx: "0x\(k)", seq: 0, from: try id(r.0), to: try id(r.1),
                        asset: BuiltinAsset.eth,
                        amount: r.2, time: 1_600_000_000 + r.3, block: r.3),
                    source: source)
            }
            try w.commit(source: source, bytesDone: 1, rowsDone: rows.count, complete: true)
        }
        _ = try store.importTags(
            [
                TagRecord(
                    address: exchange, label: "Exchange hot wallet", category: "exchange", source: "test"),
                TagRecord(address: bob, label: "Case 17 suspect", category: "watchlist", source: "test"),
            ],
            importedAt: "2026-01-01T00:00:00Z")
        let r = try Clustering.run(store: store, options: ClusterOptions(threads: 2))
        #expect(r.depositAddresses == 1)
        #expect(r.merges["deposit-address"] == 1)
        let m = try #require(try ClusterView.membership(store: store, address: bob))
        #expect(m.size == 2 && m.clusterAddress == alice)
        #expect(try ClusterView.membership(store: store, address: carol)?.size == 1)
        // Alice's profile names her cluster and the tag on its other member.
        let profile = try #require(try AddressProfile.load(store: store, address: alice))
        #expect(profile.clusterTags.map(\.label) == ["Case 17 suspect"])
        #expect(Render.addressText(profile).contains("member tag  watchlist: Case 17 suspect on \(bob)"))
        #expect(try ClusterView.show(store: store, address: alice)?.tags.map(\.label) == ["Case 17 suspect"])
        #expect(try ClusterView.membership(store: store, address: deposit)?.size == 1)
        let x = try ClusterView.explain(store: store, a: alice, b: bob)
        let step = try #require(x.steps.first)
        #expect(x.steps.count == 1 && step.heuristic == "deposit-address")
        #expect(step.evidence.depositAddress == deposit && step.evidence.exchange == exchange)
        #expect(step.evidence.forwardTx == "0x3")
        #expect(ClusterRender.explainText(x).contains("both paid deposit address \(deposit)"))
        // Entity-level transfer flows: the cluster sent 3 ETH to the deposit address.
        let flows = try #require(try ClusterView.flows(store: store, address: alice))
        #expect(flows.transfers.count == 1)
        #expect(flows.transfers.first?.flow.outgoing == ether + ether + ether)
    }

    @Test("a reorganisation reclusters in full, says why, and drops the orphaned block's merges")
    func reorgForcesFull() throws {
        var chain = TinyChain()
        let cb = chain.block(coinbase: [(0xa1, Self.btc), (0xb2, Self.btc)], [])[0]
        var fork = chain  // forks after block 1
        chain.block(
            coinbase: [(0x99, Self.btc)],
            [([TinyChain.Spend(tx: cb, vout: 0), TinyChain.Spend(tx: cb, vout: 1)], [(0x11, Self.btc)])])
        let (store, dir) = try Fixtures.freshStore()
        try chain.write(to: dir + "/main.hex")
        try Fixtures.ingest(store, [dir + "/main.hex"], network: .regtest)
        let before = try Clustering.run(store: store, options: ClusterOptions(threads: 1))
        #expect(before.clusters == 1)
        let a = try Self.address(store, cb, 0)
        #expect(try ClusterView.membership(store: store, address: a)?.size == 2)
        // Two blocks on block 1 outweigh block 2, which is orphaned with its transaction.
        fork.time += 7
        fork.block(coinbase: [(0x31, Self.btc)], [])
        fork.block(coinbase: [(0x32, Self.btc)], [])
        try fork.write(to: dir + "/fork.hex", blocks: 1..<3)
        try Fixtures.ingest(store, [dir + "/fork.hex"], network: .regtest)
        #expect(try store.stats().orphanedBlocks == 1)
        let after = try Clustering.run(store: store, options: ClusterOptions(threads: 1))
        #expect(after.mode == "full")
        #expect(after.fullReason?.contains("reorganisation") == true)
        #expect(after.clusters == 0)
        #expect(try ClusterView.membership(store: store, address: a)?.size == 1)
    }
}
