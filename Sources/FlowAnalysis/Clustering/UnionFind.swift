public import FlowModel

/// A deterministic, parallel union-find over dense address ids that records *why* clusters
/// merged.
///
/// ## What it computes
/// Edges are applied in their order, as Kruskal's algorithm applies edges sorted by weight
/// (Kruskal 1956): an edge whose two addresses are already in one cluster changes nothing; any
/// other edge merges their two clusters and is recorded as that merge. The recorded edges form
/// the minimum spanning forest of the address graph under "earlier edge = lighter edge", which is
/// unique because no two edges share a position; the clusters are its components. The merged
/// cluster always takes the smaller of the two ids (link by index, as GraphSense does), so a
/// cluster's id is its smallest address id.
///
/// ## Why the parallel pass gives the same bytes
/// The edges are cut into one contiguous chunk per thread. Chunk 0 is applied to the real state;
/// each other chunk, at the same time, runs the same pass on a private, empty union-find and
/// keeps only the edges that merged something there. An edge dropped by that private pass closes
/// a cycle of earlier edges of its own chunk, so by the cycle property of minimum spanning
/// forests it cannot belong to the global forest; the kept edges are then applied in order to
/// the real state. The result is the unique forest above — identical for any number of threads
/// and any chunking (the filter-Kruskal idea of Osipov, Sanders and Singler, 2009). The filtered
/// pass needs `4 × addressCount` bytes per extra thread.
///
/// Determinism is tested against `ReferenceUnionFind` (union by rank, a different structure) on
/// random graphs in `UnionFindTests`.
public struct ClusterUnionFind: Sendable {
    /// `parent[a] <= a` always; a root is its own parent and is its cluster's smallest id.
    public private(set) var parent: [UInt32]
    /// Cluster size, valid at roots.
    public private(set) var size: [UInt32]

    /// Every address of `0..<addressCount` in its own cluster.
    public init(addressCount: Int) {
        parent = Array(0..<UInt32(clamping: addressCount))
        size = [UInt32](repeating: 1, count: addressCount)
    }

    /// State resumed from stored clusters: each pair puts `address` into the cluster whose id
    /// (smallest member) is `cluster`. Pairs with `cluster > address` or out of range are ignored.
    public init(addressCount: Int, clusters: [(address: UInt32, cluster: UInt32)]) {
        self.init(addressCount: addressCount)
        for (address, cluster) in clusters
        where cluster < address && Int(address) < addressCount {
            parent[Int(address)] = cluster
            size[Int(cluster)] &+= 1
        }
    }

    /// Number of address ids covered.
    public var count: Int { parent.count }

    /// Extends the id range to `addressCount` (new ids start as singletons).
    public mutating func grow(to addressCount: Int) {
        guard addressCount > parent.count else { return }
        parent += UInt32(parent.count)..<UInt32(clamping: addressCount)
        size += repeatElement(1, count: addressCount - size.count)
    }

    /// The cluster id of `x` (halving the path on the way).
    public mutating func find(_ x: UInt32) -> UInt32 {
        parent.withUnsafeMutableBufferPointer { p in UnionFindKernel.find(p, x) }
    }

    /// Applies `edges` in order (see the type's documentation) on up to `threads` threads and
    /// returns the merges they caused, in edge order. Addresses beyond `count` grow the range.
    /// Fewer than `minimumParallelEdges` edges run on one thread (starting threads costs more).
    public mutating func merge(
        _ edges: ClusterEdges, threads: Int, minimumParallelEdges: Int = 1 << 15
    ) -> [ClusterMerge] {
        grow(to: Int(edges.maxAddress) + 1)
        let n = edges.count
        let chunks = threads <= 1 || n < max(minimumParallelEdges, threads) ? 1 : threads
        if chunks == 1 {
            var merges: [ClusterMerge] = []
            apply(edges, range: 0..<n, into: &merges)
            return merges
        }
        let bounds = (0...chunks).map { n * $0 / chunks }
        let addressCount = parent.count
        // Chunk 0 owns the real state while it runs; move it into a box so no copy is made.
        let state = ExclusiveBox(self)
        parent = []
        size = []
        let results = parallelMap(chunks, threads: threads) { c -> (merges: [ClusterMerge], kept: [UInt32]) in
            let range = bounds[c]..<bounds[c + 1]
            if c == 0 {
                var merges: [ClusterMerge] = []
                state.value.apply(edges, range: range, into: &merges)
                return (merges, [])
            }
            return ([], UnionFindKernel.filter(addressCount: addressCount, edges: edges, range: range))
        }
        self = state.value
        var merges = results[0].merges
        for c in 1..<chunks {
            UnionFindKernel.kruskal(
                parent: &parent, size: &size, edges: edges, only: results[c].kept, into: &merges)
        }
        return merges
    }

    private mutating func apply(_ edges: ClusterEdges, range: Range<Int>, into merges: inout [ClusterMerge]) {
        UnionFindKernel.kruskal(parent: &parent, size: &size, edges: edges, range: range, into: &merges)
    }

    /// The cluster id of every address (`result[a]` = smallest id in `a`'s cluster).
    public func clusterIds() -> [UInt32] {
        // parent[a] <= a, so one ascending sweep resolves every chain.
        var ids = parent
        ids.withUnsafeMutableBufferPointer { p in
            for a in p.indices where p[a] != UInt32(a) { p[a] = p[Int(p[a])] }
        }
        return ids
    }
}

/// A textbook union-find (union by rank, full path compression), kept deliberately different
/// from `ClusterUnionFind` as the reference it is tested against.
public struct ReferenceUnionFind {
    private var parent: [Int]
    private var rank: [UInt8]

    public init(count: Int) {
        parent = Array(0..<count)
        rank = [UInt8](repeating: 0, count: count)
    }

    public mutating func find(_ x: Int) -> Int {
        var root = x
        while parent[root] != root { root = parent[root] }
        var y = x
        while parent[y] != root {
            let next = parent[y]
            parent[y] = root
            y = next
        }
        return root
    }

    /// Joins the sets of `x` and `y`; false when they were already one.
    @discardableResult
    public mutating func union(_ x: Int, _ y: Int) -> Bool {
        let rx = find(x)
        let ry = find(y)
        if rx == ry { return false }
        if rank[rx] < rank[ry] {
            parent[rx] = ry
        } else if rank[rx] > rank[ry] {
            parent[ry] = rx
        } else {
            parent[ry] = rx
            rank[rx] += 1
        }
        return true
    }
}
