import FlowModel

// The flow picture (SVGFlow.swift): positions of the nodes.
extension SVGFlow {
    /// Positions of the nodes of a layered graph.
    package struct Layout {
        /// Node indexes per column, top to bottom.
        package var columns: [[Int]]
        /// Column and row of each node.
        package var column: [Int]
        package var row: [Int]
        /// Top-left corner of each node.
        package var x: [Int]
        package var y: [Int]
        package var width: Int
        package var height: Int
        /// Space under the columns for arcs of backward edges.
        package var arcSpace: Int
        package var top: Int

        package init(_ g: FlowGraph, options o: SVGFlowOptions) {
            let n = g.nodes.count
            var index: [String: Int] = [:]
            for (k, node) in g.nodes.enumerated() { index[node.id] = k }
            let layerOf = g.nodes.map { $0.layer ?? 0 }
            let layerCount = (layerOf.max() ?? -1) + 1
            var cols = [[Int]](repeating: [], count: layerCount)
            for k in 0..<n { cols[layerOf[k]].append(k) }
            // Start with the most value on top (then insertion order), "other" last: the sweeps
            // keep this order among nodes they cannot tell apart, so a main line stays on top.
            var inflow = [UInt256](repeating: .zero, count: n)
            var outflow = [UInt256](repeating: .zero, count: n)
            for e in g.edges {
                guard let a = index[e.from], let b = index[e.to] else { continue }
                outflow[a] = outflow[a] + e.amount
                inflow[b] = inflow[b] + e.amount
            }
            let through = (0..<n).map { Swift.max(inflow[$0], outflow[$0]) }
            for c in cols.indices {
                cols[c] = cols[c].sorted { a, b in
                    let oa = g.nodes[a].role == .other
                    let ob = g.nodes[b].role == .other
                    if oa != ob { return ob }
                    if through[a] != through[b] { return through[a] > through[b] }
                    return a < b
                }
            }
            var preds = [[Int]](repeating: [], count: n)
            var succs = [[Int]](repeating: [], count: n)
            var hasBack = false
            var pairs: [(Int, Int)] = []
            for e in g.edges {
                guard let a = index[e.from], let b = index[e.to] else { continue }
                if layerOf[a] < layerOf[b] {
                    succs[a].append(b)
                    preds[b].append(a)
                    pairs.append((a, b))
                } else {
                    hasBack = true
                }
            }
            var best = cols
            var bestCrossings = Self.crossings(cols, pairs: pairs, layerOf: layerOf, n: n)
            var current = cols
            for pass in 0..<8 where bestCrossings > 0 {
                let down = pass % 2 == 0
                let order = down ? Array(0..<layerCount) : Array((0..<layerCount).reversed())
                var position = [Int](repeating: 0, count: n)
                for col in current { for (r, k) in col.enumerated() { position[k] = r } }
                for c in order {
                    let members = current[c]
                    let keyed = members.enumerated().map { (r, k) -> (Double, Int, Int, Bool) in
                        let neighbours = down ? preds[k] : succs[k]
                        let bary =
                            neighbours.isEmpty
                            ? Double(r)
                            : Double(neighbours.reduce(0) { $0 + position[$1] }) / Double(neighbours.count)
                        return (bary, r, k, g.nodes[k].role == .other)
                    }
                    let sorted = keyed.sorted { a, b in
                        if a.3 != b.3 { return !a.3 }
                        if a.0 != b.0 { return a.0 < b.0 }
                        return a.1 < b.1
                    }
                    current[c] = sorted.map(\.2)
                    for (r, k) in current[c].enumerated() { position[k] = r }
                }
                let crossings = Self.crossings(current, pairs: pairs, layerOf: layerOf, n: n)
                if crossings < bestCrossings {
                    bestCrossings = crossings
                    best = current
                }
            }
            columns = best
            column = layerOf
            row = [Int](repeating: 0, count: n)
            for col in best { for (r, k) in col.enumerated() { row[k] = r } }
            let rows = best.map(\.count).max() ?? 0
            let pitch = o.nodeHeight + o.rowGap
            top = 30
            arcSpace = hasBack ? 56 : 0
            x = [Int](repeating: 0, count: n)
            y = [Int](repeating: 0, count: n)
            for (c, col) in best.enumerated() {
                let offset = (rows - col.count) * pitch / 2
                for (r, k) in col.enumerated() {
                    x[k] = 16 + c * (o.nodeWidth + o.columnGap)
                    y[k] = top + offset + r * pitch
                }
            }
            width = 32 + Swift.max(1, layerCount) * o.nodeWidth + Swift.max(0, layerCount - 1) * o.columnGap
            height = top + Swift.max(1, rows) * pitch - o.rowGap + 16 + arcSpace
        }

        /// Crossings between edges of neighbouring columns (edges spanning several columns
        /// count between their end columns).
        package static func crossings(_ cols: [[Int]], pairs: [(Int, Int)], layerOf: [Int], n: Int) -> Int {
            var position = [Int](repeating: 0, count: n)
            for col in cols { for (r, k) in col.enumerated() { position[k] = r } }
            var byLayer: [Int: [(Int, Int)]] = [:]
            for (a, b) in pairs {
                byLayer[layerOf[a] * 100_003 + layerOf[b], default: []].append((position[a], position[b]))
            }
            var total = 0
            for (_, list) in byLayer {
                for i in 0..<list.count {
                    for j in (i + 1)..<list.count {
                        let (a1, b1) = list[i]
                        let (a2, b2) = list[j]
                        if (a1 - a2) * (b1 - b2) < 0 { total += 1 }
                    }
                }
            }
            return total
        }
    }
}
