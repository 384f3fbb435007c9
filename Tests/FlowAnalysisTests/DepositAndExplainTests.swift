import FlowAnalysis
import FlowModel
import Testing

@Suite("Deposit addresses, explanations, cluster flows")
struct DepositAndExplainTests {
    static let ether = UInt256(1_000_000_000_000_000_000)
    static let tolerance = UInt256(10_000_000_000_000_000)  // 0.01 ETH

    static func t(
        _ id: Int64, _ from: UInt32, _ to: UInt32, _ amount: UInt256, block: Int64, asset: Int64 = 2
    )
        -> DepositTransfer
    {
        DepositTransfer(id: id, from: from, to: to, asset: asset, amount: amount, block: block)
    }

    @Test("users of one deposit address are joined; window, tolerance and asset are respected")
    func depositHeuristic() {
        let exchange: UInt32 = 100
        func minus(_ milliEther: UInt64) -> UInt256 {
            Self.ether.subtractingReportingOverflow(UInt256(milliEther * 1_000_000_000_000_000))!
        }
        let transfers = [
            // 1 and 2 deposit 1 ETH to 50, forwarded 0.995 ETH each within the window.
            Self.t(1, 1, 50, Self.ether, block: 1000),
            Self.t(2, 50, exchange, minus(5), block: 1010),
            Self.t(3, 2, 50, Self.ether, block: 2000),
            Self.t(4, 50, exchange, minus(5), block: 2001),
            // 3 deposits to 51, but the forward comes 4000 blocks later: no match.
            Self.t(5, 3, 51, Self.ether, block: 3000),
            Self.t(6, 51, exchange, Self.ether, block: 7000),
            // 4 deposits to 51 and the forward is 0.02 ETH short: beyond the tolerance.
            Self.t(7, 4, 51, Self.ether, block: 7100),
            Self.t(8, 51, exchange, minus(20), block: 7101),
            // 5 deposits a token to 52 and 52 forwards ether: different assets, no match.
            Self.t(9, 5, 52, Self.ether, block: 8000, asset: 7),
            Self.t(10, 52, exchange, Self.ether, block: 8001),
            // 6 sends 2 ETH to 50; the only 2 ETH forward comes before it: no match.
            Self.t(11, 50, exchange, Self.ether + Self.ether, block: 8999),
            Self.t(12, 6, 50, Self.ether + Self.ether, block: 9000),
            // 7 uses 50 properly, twice (one edge only).
            Self.t(13, 7, 50, Self.ether, block: 9100), Self.t(14, 50, exchange, Self.ether, block: 9101),
            Self.t(15, 7, 50, Self.ether, block: 9200), Self.t(16, 50, exchange, Self.ether, block: 9201),
        ]
        let (edges, deposits) = DepositAddressHeuristic.edges(
            transfers, exchanges: [exchange],
            parameters: DepositParameters(tolerance: [2: Self.tolerance, 7: Self.tolerance]))
        #expect(edgeList(edges) == ["1-2 deposit-address @3", "1-7 deposit-address @13"])
        #expect(deposits == [DepositAddress(address: 50, exchange: exchange, users: 3)])
    }

    /// Merge records as a store keeps them, from a union-find run.
    static func records(_ merges: [ClusterMerge], _ edges: ClusterEdges) -> [UInt32: LinkRecord] {
        var out: [UInt32: LinkRecord] = [:]
        for (k, m) in merges.enumerated() {
            out[m.child] = LinkRecord(
                address: m.child, parent: m.parent, parentSide: m.parentSide, childSide: m.childSide,
                heuristic: LinkHeuristic(rawValue: edges.heuristic[m.edge])!,
                evidence: edges.evidence[m.edge],
                sequence: Int64(k))
        }
        return out
    }

    @Test("explain returns the unique path of recorded links between two addresses, on random graphs")
    func explainPaths() {
        for seed in UInt64(1)...5 {
            let nodes = 400
            var random = TestRandom(seed: seed)
            var edges = ClusterEdges()
            for i in 0..<600 {
                edges.append(
                    UInt32(1 + random.below(nodes)), UInt32(1 + random.below(nodes)),
                    evidence: Int64(1000 + i),
                    heuristic: .multiInput)
            }
            var uf = ClusterUnionFind(addressCount: nodes + 1)
            let merges = uf.merge(edges, threads: 1)
            let ids = uf.clusterIds()
            let stored = Self.records(merges, edges)
            // The forest as an adjacency list, for a breadth-first reference path.
            var adjacent: [UInt32: [(UInt32, Int64)]] = [:]
            for m in merges {
                adjacent[m.childSide, default: []].append((m.parentSide, edges.evidence[m.edge]))
                adjacent[m.parentSide, default: []].append((m.childSide, edges.evidence[m.edge]))
            }
            for _ in 0..<200 {
                let a = UInt32(1 + random.below(nodes))
                let b = UInt32(1 + random.below(nodes))
                let path = ClusterExplain.path(from: a, to: b) { stored[$0] }
                guard ids[Int(a)] == ids[Int(b)] else {
                    #expect(path == nil)
                    continue
                }
                guard let path else {
                    Issue.record("no path between \(a) and \(b) in one cluster")
                    continue
                }
                // Breadth-first search over the forest gives the unique tree path.
                var previous: [UInt32: (UInt32, Int64)] = [a: (a, 0)]
                var queue = [a]
                var head = 0
                while head < queue.count {
                    let x = queue[head]
                    head += 1
                    for (y, ev) in adjacent[x] ?? [] where previous[y] == nil {
                        previous[y] = (x, ev)
                        queue.append(y)
                    }
                }
                var expected: [(UInt32, UInt32, Int64)] = []
                var node = b
                while node != a {
                    let (p, ev) = previous[node]!
                    expected.insert((p, node, ev), at: 0)
                    node = p
                }
                #expect(
                    path.map { "\($0.from)>\($0.to)@\($0.evidence)" }
                        == expected.map { "\($0.0)>\($0.1)@\($0.2)" })
            }
        }
    }

    @Test("haircut split conserves value exactly and is proportional")
    func flowsConserve() {
        #expect(ClusterFlows.split(10, weights: [1, 1, 1]) == [4, 3, 3])
        #expect(ClusterFlows.split(100, weights: [3, 1]) == [75, 25])
        #expect(ClusterFlows.split(7, weights: [0, 5]) == [0, 7])
        var random = TestRandom(seed: 11)
        for _ in 0..<2000 {
            let weights = (0..<(1 + random.below(6))).map { _ in Int64(random.below(3_000_000_000_000_000)) }
            guard weights.contains(where: { $0 > 0 }) else { continue }
            let value = Int64(random.below(2_100_000_000_000_000))
            let parts = ClusterFlows.split(value, weights: weights)
            #expect(parts.reduce(0, +) == value)
            #expect(parts.allSatisfy { $0 >= 0 })
        }
        // A transaction with inputs of two clusters paying a third and itself.
        let flows = ClusterFlows.transaction(
            inputs: [(1, 300), (2, 100)], outputs: [(3, 200), (1, 150)])
        #expect(
            flows?.map { "\($0.from)>\($0.to):\($0.value)" } == ["1>1:113", "1>3:150", "2>1:37", "2>3:50"])
    }
}
