package import FlowModel

// The flow picture (SVGFlow.swift): layers (columns) of the graph, and folding what does not fit.
extension SVGFlow {
    /// Every node with its layer set; edges that close a cycle (found by a depth-first search
    /// from the nodes in insertion order, sources first) do not push their target right.
    package static func assignLayers(_ graph: FlowGraph) -> FlowGraph {
        let n = graph.nodes.count
        var index: [String: Int] = [:]
        for (k, node) in graph.nodes.enumerated() { index[node.id] = k }
        var out = [[Int]](repeating: [], count: n)
        var hasIncoming = [Bool](repeating: false, count: n)
        for e in graph.edges {
            guard let a = index[e.from], let b = index[e.to] else { continue }
            out[a].append(b)
            hasIncoming[b] = true
        }
        // Depth-first search (iterative): back edges are those to a node still on the stack.
        var state = [UInt8](repeating: 0, count: n)  // 0 new, 1 on stack, 2 done
        var finished: [Int] = []
        var back = Set<Int>()  // a * n + b
        let roots = (0..<n).filter { !hasIncoming[$0] } + (0..<n).filter { hasIncoming[$0] }
        for root in roots where state[root] == 0 {
            var stack: [(Int, Int)] = [(root, 0)]
            state[root] = 1
            while let (v, next) = stack.last {
                if next < out[v].count {
                    stack[stack.count - 1].1 = next + 1
                    let w = out[v][next]
                    if state[w] == 0 {
                        state[w] = 1
                        stack.append((w, 0))
                    } else if state[w] == 1 {
                        back.insert(v * n + w)
                    }
                } else {
                    state[v] = 2
                    finished.append(v)
                    stack.removeLast()
                }
            }
        }
        // Longest path over the remaining acyclic edges, in topological order.
        var layer = graph.nodes.map { $0.layer ?? 0 }
        for v in finished.reversed() {
            for w in out[v] where !back.contains(v * n + w) && graph.nodes[w].layer == nil {
                layer[w] = Swift.max(layer[w], layer[v] + 1)
            }
        }
        var g = FlowGraph()
        for (k, var node) in graph.nodes.enumerated() {
            node.layer = Swift.max(0, layer[k])
            g.add(node)
        }
        for e in graph.edges { g.connect(e.from, e.to, amount: e.amount, count: e.count) }
        return g
    }

    /// Folds, per layer, the nodes beyond `max` with the least value through them into one
    /// "other" node; returns the new graph and how many nodes were folded.
    package static func summarise(_ graph: FlowGraph, max: Int, amountText: (UInt256) -> String) -> (
        FlowGraph, Int
    ) {
        guard max > 0 else { return (graph, 0) }
        var inflow: [String: UInt256] = [:]
        var outflow: [String: UInt256] = [:]
        for e in graph.edges {
            inflow[e.to, default: .zero] = inflow[e.to, default: .zero] + e.amount
            outflow[e.from, default: .zero] = outflow[e.from, default: .zero] + e.amount
        }
        func through(_ id: String) -> UInt256 {
            Swift.max(inflow[id] ?? .zero, outflow[id] ?? .zero)
        }
        var byLayer: [Int: [Int]] = [:]
        for (k, node) in graph.nodes.enumerated() { byLayer[node.layer ?? 0, default: []].append(k) }
        var target: [String: String] = [:]  // folded id -> other node id
        var others: [Int: (FlowGraph.Node, UInt256, [String])] = [:]
        for (layer, members) in byLayer.sorted(by: { $0.key < $1.key }) where members.count > max {
            let ranked = members.sorted { a, b in
                let na = graph.nodes[a]
                let nb = graph.nodes[b]
                if na.pinned != nb.pinned { return na.pinned }
                let ta = through(na.id)
                let tb = through(nb.id)
                if ta != tb { return ta > tb }
                return a < b
            }
            let pinned = ranked.filter { graph.nodes[$0].pinned }.count
            let keep = Swift.max(pinned, max - 1)
            guard ranked.count > keep + 1 else { continue }
            let fold = ranked[keep...]
            let id = "other:\(layer)"
            var total = UInt256.zero
            var labels: [String] = []
            for k in fold {
                target[graph.nodes[k].id] = id
                total = total + through(graph.nodes[k].id)
                labels.append(graph.nodes[k].label)
            }
            let node = FlowGraph.Node(
                id: id, label: "\(fold.count) others", detail: amountText(total), title: nil, category: nil,
                layer: layer, role: .other, pinned: false)
            others[layer] = (node, total, labels)
        }
        guard !target.isEmpty else { return (graph, 0) }
        var g = FlowGraph()
        for node in graph.nodes where target[node.id] == nil { g.add(node) }
        for layer in others.keys.sorted() {
            guard let (folded, _, labels) = others[layer] else { continue }
            var node = folded
            let shown = labels.prefix(12).joined(separator: "\n")
            node.title =
                "folded together:\n" + shown + (labels.count > 12 ? "\n… and \(labels.count - 12) more" : "")
            g.add(node)
        }
        for e in graph.edges {
            let from = target[e.from] ?? e.from
            let to = target[e.to] ?? e.to
            if from == to { continue }
            g.connect(from, to, amount: e.amount, count: e.count)
        }
        return (g, target.count)
    }
}
