import FlowAnalysis
import FlowModel
import Testing

@Suite("Deterministic parallel union-find")
struct UnionFindTests {
    /// A random multigraph over `nodes` ids (1-based, as address ids are): half of the edges
    /// touch a few hubs, the rest are uniform, so both giant and small clusters occur.
    static func randomEdges(nodes: Int, edges: Int, seed: UInt64) -> ClusterEdges {
        var random = TestRandom(seed: seed)
        var out = ClusterEdges()
        let hubs = max(1, nodes / 50)
        for i in 0..<edges {
            let x = UInt32(1 + random.below(nodes))
            let y = UInt32(1 + (random.below(2) == 0 ? random.below(hubs) : random.below(nodes)))
            out.append(x, y, evidence: Int64(i / 3), heuristic: i % 5 == 0 ? .change : .multiInput)
        }
        return out
    }

    /// What a plain sequential union-find says: each id's smallest set member, and the indexes of
    /// the edges that joined two sets when applied in order (the unique minimum spanning forest
    /// under edge order, whatever the union rule).
    static func reference(_ edges: ClusterEdges, nodes: Int) -> (ids: [UInt32], forest: [Int]) {
        var uf = ReferenceUnionFind(count: nodes + 1)
        var forest: [Int] = []
        for e in 0..<edges.count where uf.union(Int(edges.a[e]), Int(edges.b[e])) { forest.append(e) }
        var smallest = [Int: UInt32]()
        for x in 0...nodes {
            let r = uf.find(x)
            if smallest[r] == nil { smallest[r] = UInt32(x) }
        }
        return ((0...nodes).map { smallest[uf.find($0)]! }, forest)
    }

    @Test(
        "parallel = sequential = reference on random graphs, for 1, 2, 3 and 8 threads",
        arguments: [(50, 40), (300, 600), (2000, 1500), (5000, 20000), (40000, 30000)])
    func agreesWithReference(nodes: Int, edges: Int) {
        for seed in UInt64(1)...6 {
            let graph = Self.randomEdges(nodes: nodes, edges: edges, seed: seed &* 7919 &+ UInt64(nodes))
            let (ids, forest) = Self.reference(graph, nodes: nodes)
            var sequential = ClusterUnionFind(addressCount: nodes + 1)
            let sequentialMerges = sequential.merge(graph, threads: 1)
            #expect(sequential.clusterIds() == ids)
            #expect(sequentialMerges.map(\.edge) == forest)
            for threads in [2, 3, 8] {
                var parallel = ClusterUnionFind(addressCount: nodes + 1)
                let merges = parallel.merge(graph, threads: threads, minimumParallelEdges: 1)
                #expect(merges == sequentialMerges, "threads \(threads), seed \(seed)")
                #expect(parallel.clusterIds() == ids)
            }
        }
    }

    @Test("a merge keeps the smaller id, records both sizes, and the child is the larger root")
    func mergeRecords() {
        var edges = ClusterEdges()
        edges.append(5, 9, evidence: 100, heuristic: .multiInput)
        edges.append(9, 7, evidence: 101, heuristic: .multiInput)
        edges.append(2, 7, evidence: 102, heuristic: .change)
        edges.append(5, 2, evidence: 103, heuristic: .multiInput)
        edges.append(4, 4, evidence: 104, heuristic: .multiInput)
        #expect(edges.count == 4)
        var uf = ClusterUnionFind(addressCount: 10)
        let merges = uf.merge(edges, threads: 1)
        #expect(
            merges == [
                ClusterMerge(
                    child: 9, parent: 5, edge: 0, childSize: 1, parentSize: 1, childSide: 9, parentSide: 5),
                ClusterMerge(
                    child: 7, parent: 5, edge: 1, childSize: 1, parentSize: 2, childSide: 7, parentSide: 9),
                ClusterMerge(
                    child: 5, parent: 2, edge: 2, childSize: 3, parentSize: 1, childSide: 7, parentSide: 2),
            ])
        let ids = uf.clusterIds()
        #expect([2, 5, 7, 9].map { ids[$0] } == [2, 2, 2, 2])
        #expect(ids[4] == 4)
        #expect(uf.size[2] == 4)
    }

    @Test("edges applied in two batches, or resumed from stored cluster ids, end as one batch does")
    func incrementalBatches() {
        let nodes = 3000
        let graph = Self.randomEdges(nodes: nodes, edges: 4000, seed: 99)
        var whole = ClusterUnionFind(addressCount: nodes + 1)
        let all = whole.merge(graph, threads: 2, minimumParallelEdges: 1)
        for cut in [0, 1, 1500, 3999, 4000] {
            var first = ClusterEdges()
            var second = ClusterEdges()
            for e in 0..<graph.count {
                let h = LinkHeuristic(rawValue: graph.heuristic[e])!
                if e < cut {
                    first.append(graph.a[e], graph.b[e], evidence: graph.evidence[e], heuristic: h)
                } else {
                    second.append(graph.a[e], graph.b[e], evidence: graph.evidence[e], heuristic: h)
                }
            }
            var uf = ClusterUnionFind(addressCount: 1)
            let m1 = uf.merge(first, threads: 2, minimumParallelEdges: 1)
            // Resume from what a store keeps: each address's cluster id.
            let ids = uf.clusterIds()
            var resumed = ClusterUnionFind(
                addressCount: ids.count,
                clusters: ids.enumerated().map { (UInt32($0.offset), $0.element) })
            let m2 = resumed.merge(second, threads: 2, minimumParallelEdges: 1)
            let shifted = m2.map { m in
                var m = m
                m.edge += cut
                return m
            }
            #expect(m1 + shifted == all, "cut \(cut)")
            var finalIds = resumed.clusterIds()
            finalIds += (finalIds.count..<(nodes + 1)).map { UInt32($0) }
            #expect(finalIds == whole.clusterIds())
        }
    }

}
