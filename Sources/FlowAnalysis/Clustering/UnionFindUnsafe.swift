import FlowModel

/// The union-find hot loops over raw buffers (no bounds checks, no copy-on-write checks).
/// Unsafe pointer use is confined to this file; `UnionFindTests` exercise every function through
/// `ClusterUnionFind`, against `ReferenceUnionFind`.
enum UnionFindKernel {
    /// Root of `x`, halving the path (every other node points to its grandparent).
    @inline(__always)
    static func find(_ p: UnsafeMutableBufferPointer<UInt32>, _ x: UInt32) -> UInt32 {
        var x = x
        while true {
            let px = p[Int(x)]
            if px == x { return x }
            let gp = p[Int(px)]
            p[Int(x)] = gp
            x = gp
        }
    }

    /// Applies the edges of `range` to the state, appending a merge for each edge that joins two
    /// clusters (the larger id joins the smaller).
    static func kruskal(
        parent: inout [UInt32], size: inout [UInt32], edges: ClusterEdges, range: Range<Int>,
        into merges: inout [ClusterMerge]
    ) {
        parent.withUnsafeMutableBufferPointer { p in
            size.withUnsafeMutableBufferPointer { s in
                edges.a.withUnsafeBufferPointer { a in
                    edges.b.withUnsafeBufferPointer { b in
                        for e in range {
                            step(p, s, a[e], b[e], e, &merges)
                        }
                    }
                }
            }
        }
    }

    /// Applies only the edges listed in `only` (ascending indexes).
    static func kruskal(
        parent: inout [UInt32], size: inout [UInt32], edges: ClusterEdges, only: [UInt32],
        into merges: inout [ClusterMerge]
    ) {
        parent.withUnsafeMutableBufferPointer { p in
            size.withUnsafeMutableBufferPointer { s in
                edges.a.withUnsafeBufferPointer { a in
                    edges.b.withUnsafeBufferPointer { b in
                        for e32 in only {
                            let e = Int(e32)
                            step(p, s, a[e], b[e], e, &merges)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func step(
        _ p: UnsafeMutableBufferPointer<UInt32>, _ s: UnsafeMutableBufferPointer<UInt32>, _ x: UInt32,
        _ y: UInt32, _ e: Int, _ merges: inout [ClusterMerge]
    ) {
        let rx = find(p, x)
        let ry = find(p, y)
        if rx == ry { return }
        let (u, v, uSide, vSide) = rx < ry ? (rx, ry, x, y) : (ry, rx, y, x)
        merges.append(
            ClusterMerge(
                child: v, parent: u, edge: e, childSize: s[Int(v)], parentSize: s[Int(u)], childSide: vSide,
                parentSide: uSide))
        p[Int(v)] = u
        s[Int(u)] &+= s[Int(v)]
    }

    /// Runs the edges of `range` on a private, empty union-find of `addressCount` ids and returns
    /// the indexes of the edges that merged something there (the only ones of the chunk that can
    /// belong to the global forest).
    static func filter(addressCount: Int, edges: ClusterEdges, range: Range<Int>) -> [UInt32] {
        var local = Array(0..<UInt32(clamping: addressCount))
        var kept: [UInt32] = []
        kept.reserveCapacity(range.count)
        local.withUnsafeMutableBufferPointer { p in
            edges.a.withUnsafeBufferPointer { a in
                edges.b.withUnsafeBufferPointer { b in
                    for e in range {
                        let rx = find(p, a[e])
                        let ry = find(p, b[e])
                        if rx == ry { continue }
                        if rx < ry { p[Int(ry)] = rx } else { p[Int(rx)] = ry }
                        kept.append(UInt32(truncatingIfNeeded: e))
                    }
                }
            }
        }
        return kept
    }
}
