public import FlowModel

/// A directed graph of value moving between things (addresses, transactions, clusters), as a
/// report wants to draw it: nodes with a label and a tag category, edges with an exact amount.
///
/// Build it in a deterministic order (nodes and edges are kept in the order added; the layout
/// breaks ties by that order), then draw it with `SVGFlow.render`.
public struct FlowGraph: Sendable {
    /// What a node stands for; it sets the node's shape and colour when it has no category.
    public enum Role: String, Sendable {
        /// Where the value starts (trace seeds, alert subjects).
        case source
        /// Something value passes through (a transaction, an intermediate address).
        case step
        /// Where the value ends (trace endpoints).
        case sink
        /// Nodes folded together by summarising ("12 others").
        case other
    }

    /// One node.
    public struct Node: Sendable, Equatable {
        /// Unique key within the graph (never shown).
        public var id: String
        /// Full text (an address, a txid, a name); shortened on the picture, whole in its tooltip.
        public var label: String
        /// A second, smaller line (e.g. an amount); shortened if long, whole in the tooltip.
        public var detail: String?
        /// Extra tooltip lines (whole text).
        public var title: String?
        /// Tag category that colours the node (`SVGFlow.colour(category:)`); nil: untagged.
        public var category: String?
        /// Column (0 = leftmost). Nil: one more than the furthest node feeding it (0 if none).
        public var layer: Int?
        public var role: Role
        /// Never folded into an "other" node when summarising (seeds, subjects).
        public var pinned: Bool

        public init(
            id: String, label: String, detail: String? = nil, title: String? = nil, category: String? = nil,
            layer: Int? = nil, role: Role = .step, pinned: Bool = false
        ) {
            self.id = id
            self.label = label
            self.detail = detail
            self.title = title
            self.category = category
            self.layer = layer
            self.role = role
            self.pinned = pinned
        }
    }

    /// One edge: value moved from `from` to `to`. Parallel edges are merged (amounts summed,
    /// `count` added).
    public struct Edge: Sendable, Equatable {
        public var from: String
        public var to: String
        public var amount: UInt256
        /// How many transfers (or paths) the edge stands for.
        public var count: Int
    }

    public private(set) var nodes: [Node] = []
    public private(set) var edges: [Edge] = []
    private var nodeIndex: [String: Int] = [:]
    private var edgeIndex: [String: Int] = [:]

    public init() {}

    /// Adds a node; a node with the same id already present is kept as it is.
    public mutating func add(_ node: Node) {
        guard nodeIndex[node.id] == nil else { return }
        nodeIndex[node.id] = nodes.count
        nodes.append(node)
    }

    /// The node with this id, if added.
    public func node(_ id: String) -> Node? { nodeIndex[id].map { nodes[$0] } }

    /// Adds `amount` moving from `from` to `to` (both must have been added; otherwise the call is
    /// ignored). A second call for the same pair adds to the same edge.
    public mutating func connect(_ from: String, _ to: String, amount: UInt256, count: Int = 1) {
        guard nodeIndex[from] != nil, nodeIndex[to] != nil else { return }
        let key = from + "\u{0}" + to
        if let k = edgeIndex[key] {
            edges[k].amount = edges[k].amount + amount
            edges[k].count += count
        } else {
            edgeIndex[key] = edges.count
            edges.append(Edge(from: from, to: to, amount: amount, count: count))
        }
    }
}

/// How `SVGFlow.render` draws.
public struct SVGFlowOptions: Sendable {
    /// Most nodes per column; the smallest beyond it (by value through them) are folded into one
    /// "other" node of that column. Pinned nodes are never folded. 0: no limit.
    public var maxNodesPerLayer: Int
    /// Text of an amount in tooltips and on "other" nodes (exact; e.g. "0.5 BTC").
    public var amountText: @Sendable (UInt256) -> String
    /// What an edge's `count` counts, for tooltips ("transfers", "paths").
    public var countNoun: String
    /// The picture's accessible name (`<title>` of the SVG).
    public var title: String
    /// Heading over each column (nil: none), e.g. `{ $0 == 0 ? "seeds" : "hop \($0)" }`.
    public var layerTitle: @Sendable (Int) -> String?
    public var nodeWidth: Int
    public var nodeHeight: Int
    public var columnGap: Int
    public var rowGap: Int
    /// Width of the largest edge, in pixels (the smallest is 1.5).
    public var maxEdgeWidth: Int
    /// Width the picture should fit (the page's text width); gaps, then nodes, shrink to fit
    /// within limits. 0: never shrink.
    public var fitWidth: Int

    public init(
        title: String, maxNodesPerLayer: Int = 8,
        amountText: @escaping @Sendable (UInt256) -> String = { $0.decimalString },
        countNoun: String = "transfers", layerTitle: @escaping @Sendable (Int) -> String? = { _ in nil },
        nodeWidth: Int = 176, nodeHeight: Int = 40, columnGap: Int = 84, rowGap: Int = 14,
        maxEdgeWidth: Int = 14, fitWidth: Int = 1130
    ) {
        self.title = title
        self.maxNodesPerLayer = maxNodesPerLayer
        self.amountText = amountText
        self.countNoun = countNoun
        self.layerTitle = layerTitle
        self.nodeWidth = nodeWidth
        self.nodeHeight = nodeHeight
        self.columnGap = columnGap
        self.rowGap = rowGap
        self.maxEdgeWidth = maxEdgeWidth
        self.fitWidth = fitWidth
    }
}

/// A drawn picture: the SVG markup and what it holds (so captions and tests need not parse it).
public struct SVGFlowPicture: Sendable {
    /// `<svg …>…</svg>` with a final newline; each node is a `<g class="node …">`, each edge a
    /// `<g class="edge …">`.
    public var svg: String
    /// Nodes and edges drawn (after summarising).
    public var nodeCount: Int
    public var edgeCount: Int
    /// Nodes of the input folded into "other" nodes.
    public var foldedNodes: Int
    /// Tag categories drawn, in first-seen order (for `SVGFlow.legend`).
    public var categories: [String]
    /// Size in pixels at 100% (the `width` and `height` of the `<svg>`).
    public var width: Int = 0
    public var height: Int = 0
}

/// chainflow's own layered, left-to-right drawing of a `FlowGraph` as inline SVG.
///
/// 1. Columns: each node sits in its `layer`, or one column right of the furthest node feeding
///    it (longest path; edges closing a cycle are found by a depth-first search in insertion
///    order and drawn as dashed arcs under the columns).
/// 2. Summary: in each column, nodes beyond `maxNodesPerLayer` with the least value through them
///    (the larger of what flows in and what flows out) are folded into one "other" node, so a
///    trace of thousands of endpoints stays a readable picture; edges are re-pointed and merged.
/// 3. Order within a column: largest value first, then barycentre sweeps (down, then up; eight
///    passes), keeping the order with the fewest crossings between neighbouring columns; ties
///    keep the previous order, "other" last. The same graph gives the same bytes.
/// 4. Drawing: edge width grows linearly with the amount (exact integer ratio to the largest);
///    nodes are coloured by tag category; labels are shortened in the middle with the full text
///    in a `<title>` tooltip.
public enum SVGFlow {
    /// Lays out and draws `graph`.
    public static func render(_ graph: FlowGraph, options: SVGFlowOptions) -> SVGFlowPicture {
        let layered = assignLayers(graph)
        let (g, folded) = summarise(layered, max: options.maxNodesPerLayer, amountText: options.amountText)
        let o = fitted(options, columns: (g.nodes.compactMap(\.layer).max() ?? 0) + 1)
        let layout = Layout(g, options: o)
        return draw(g, layout: layout, options: o, folded: folded)
    }

    /// `options` with narrower gaps, then narrower nodes (down to 36 and 128 pixels), so that
    /// `columns` columns fit `fitWidth` where they can; wider pictures scroll.
    package static func fitted(_ options: SVGFlowOptions, columns: Int) -> SVGFlowOptions {
        var o = options
        func width() -> Int { 32 + columns * o.nodeWidth + Swift.max(0, columns - 1) * o.columnGap }
        guard o.fitWidth > 0, columns > 1 else { return o }
        while width() > o.fitWidth && o.columnGap > 36 { o.columnGap -= 4 }
        while width() > o.fitWidth && o.nodeWidth > 128 { o.nodeWidth -= 8 }
        return o
    }

    // MARK: Colours

    /// Colours of well-known tag categories (matched by substring, lower-cased), most alarming
    /// first: the first match wins.
    package static let knownColours: [(String, String)] = [
        ("sanction", "#9b1c1c"), ("ofac", "#9b1c1c"),
        ("darknet", "#6b21a8"), ("ransom", "#9f1239"), ("scam", "#be123c"), ("fraud", "#be123c"),
        ("hack", "#b45309"), ("theft", "#b45309"), ("stolen", "#b45309"),
        ("mixer", "#c2410c"), ("mixing", "#c2410c"), ("tumbler", "#c2410c"),
        ("gambling", "#a21caf"), ("casino", "#a21caf"),
        ("exchange", "#1d4ed8"),
        ("merchant", "#15803d"), ("payment", "#15803d"), ("service", "#15803d"),
        ("mining", "#78350f"), ("miner", "#78350f"), ("pool", "#78350f"),
        ("defi", "#0f766e"), ("bridge", "#0f766e"), ("contract", "#0f766e"),
        ("watchlist", "#475569"),
    ]
    /// Colours of other categories, chosen by a fixed hash of the name (FNV-1a).
    package static let spareColours = [
        "#0e7490", "#4d7c0f", "#7c2d12", "#581c87", "#1e3a8a", "#831843", "#3f6212", "#155e75",
    ]
    /// Fill of untagged nodes, of transactions, and of "other" nodes.
    package static let untaggedFill = "#eef2f6"
    package static let stepFill = "#ffffff"
    package static let otherFill = "#f8fafc"

    /// The colour of a tag category (`#rrggbb`, dark enough for white text): fixed for
    /// well-known categories (sanctions dark red, exchange blue, mixer orange, …), otherwise
    /// picked by a stable hash of the name, so a category has the same colour in every report.
    public static func colour(category: String) -> String {
        let lower = category.lowercased()
        for (key, colour) in knownColours where lower.contains(key) { return colour }
        var hash: UInt32 = 2_166_136_261
        for b in lower.utf8 {
            hash ^= UInt32(b)
            hash = hash &* 16_777_619
        }
        return spareColours[Int(hash % UInt32(spareColours.count))]
    }

    /// The category to colour a node with when it has several: the most alarming well-known one
    /// (the order of `colour(category:)`), else the first in alphabetical order.
    public static func primaryCategory(_ categories: [String]) -> String? {
        var best: (Int, String)?
        for c in categories {
            let lower = c.lowercased()
            let rank = knownColours.firstIndex { lower.contains($0.0) } ?? knownColours.count
            if best == nil || (rank, c) < (best?.0 ?? 0, best?.1 ?? "") { best = (rank, c) }
        }
        return best?.1
    }

    /// A legend for a picture: one swatch per category drawn (`SVGFlowPicture.categories`),
    /// then "untagged" (the fill of untagged source and sink nodes), then, when `steps` names
    /// them (e.g. "transaction"), the white fill of step nodes. Text is escaped.
    public static func legend(_ categories: [String], steps: String? = nil) -> HTML {
        var out = "<p class=\"legend\">"
        for c in categories {
            out +=
                "<span class=\"swatch\" style=\"background:\(colour(category: c))\"></span>\(HTMLPage.escape(c))"
        }
        out += "<span class=\"swatch\" style=\"background:\(untaggedFill)\"></span>untagged"
        if let steps {
            out += "<span class=\"swatch\" style=\"background:\(stepFill)\"></span>\(HTMLPage.escape(steps))"
        }
        return HTML(raw: out + "</p>\n")
    }

    /// `s` shortened to at most `max` characters by eliding its middle ("bc1qar0s…5mdq"), so both
    /// ends of an address or txid stay visible.
    public static func shorten(_ s: String, max: Int) -> String {
        guard s.count > max, max >= 3 else { return s }
        let keep = max - 1
        let head = keep - keep / 2
        return String(s.prefix(head)) + "…" + String(s.suffix(keep / 2))
    }

    /// `s` shortened to at most `max` characters by cutting its end ("123.4567…").
    package static func truncate(_ s: String, max: Int) -> String {
        guard s.count > max, max >= 2 else { return s }
        return String(s.prefix(max - 1)) + "…"
    }

    // MARK: Layers

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

    // MARK: Layout

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

    // MARK: Drawing

    package static func draw(_ g: FlowGraph, layout l: Layout, options o: SVGFlowOptions, folded: Int)
        -> SVGFlowPicture
    {
        var index: [String: Int] = [:]
        for (k, node) in g.nodes.enumerated() { index[node.id] = k }
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"flow\" width=\"\(l.width)\" height=\"\(l.height)\" viewBox=\"0 0 \(l.width) \(l.height)\" role=\"img\" font-family=\"system-ui, 'DejaVu Sans', sans-serif\">\n"
        out += "<title>\(HTMLPage.escape(o.title))</title>\n"
        // Column headings.
        for c in l.columns.indices {
            guard let text = o.layerTitle(c) else { continue }
            let cx = 16 + c * (o.nodeWidth + o.columnGap) + o.nodeWidth / 2
            out +=
                "<text class=\"layer-title\" x=\"\(cx)\" y=\"18\" text-anchor=\"middle\" font-size=\"12\" fill=\"#52606d\">\(HTMLPage.escape(text))</text>\n"
        }
        // Edge ports: outgoing edges leave a node spread down its right side in the order of
        // their targets, incoming ones arrive spread down its left side in the order of sources.
        var outgoing = [[Int]](repeating: [], count: g.nodes.count)
        var incoming = [[Int]](repeating: [], count: g.nodes.count)
        for (k, e) in g.edges.enumerated() {
            guard let a = index[e.from], let b = index[e.to], l.column[a] < l.column[b] else { continue }
            outgoing[a].append(k)
            incoming[b].append(k)
        }
        var startY = [Int](repeating: 0, count: g.edges.count)
        var endY = [Int](repeating: 0, count: g.edges.count)
        for k in g.nodes.indices {
            let outs = outgoing[k].sorted { a, b in
                let ta = index[g.edges[a].to] ?? 0
                let tb = index[g.edges[b].to] ?? 0
                return (l.y[ta], a) < (l.y[tb], b)
            }
            for (i, e) in outs.enumerated() { startY[e] = l.y[k] + o.nodeHeight * (i + 1) / (outs.count + 1) }
            let ins = incoming[k].sorted { a, b in
                let fa = index[g.edges[a].from] ?? 0
                let fb = index[g.edges[b].from] ?? 0
                return (l.y[fa], a) < (l.y[fb], b)
            }
            for (i, e) in ins.enumerated() { endY[e] = l.y[k] + o.nodeHeight * (i + 1) / (ins.count + 1) }
        }
        let largest = g.edges.map(\.amount).max() ?? .zero
        out += "<g class=\"edges\">\n"
        for (k, e) in g.edges.enumerated() {
            guard let a = index[e.from], let b = index[e.to] else { continue }
            // Width in tenths of a pixel: 1.5 px plus a share of the rest, exact ratio.
            let span = UInt256(UInt64(Swift.max(0, o.maxEdgeWidth * 10 - 15)))
            let extra =
                largest == .zero
                ? 0 : Int(UInt256.multiplyDivide(e.amount, span, largest)?.quotient.uint64 ?? 0)
            let w = 15 + extra
            let forward = l.column[a] < l.column[b]
            let x1 = l.x[a] + o.nodeWidth
            let x2 = l.x[b]
            let d: String
            if forward {
                let y1 = startY[k]
                let y2 = endY[k]
                let mid = (x2 - x1) / 2
                d = "M\(x1) \(y1) C\(x1 + mid) \(y1) \(x2 - mid) \(y2) \(x2) \(y2)"
            } else {
                // A backward (or same-column) edge: an arc under the columns, from the bottom of
                // the source to the bottom of the target.
                let sx = l.x[a] + o.nodeWidth / 2
                let tx = l.x[b] + o.nodeWidth / 2 + (a == b ? 20 : 0)
                let sy = l.y[a] + o.nodeHeight
                let ty = l.y[b] + o.nodeHeight
                let low = l.height - 10
                d = "M\(sx) \(sy) C\(sx) \(low) \(tx) \(low) \(tx) \(ty)"
            }
            let from = g.nodes[a]
            let to = g.nodes[b]
            let tip =
                "\(from.label) → \(to.label)\n\(o.amountText(e.amount))"
                + " (\(e.count) \(o.countNoun))"
            out +=
                "<g class=\"edge\(forward ? "" : " back")\"><title>\(HTMLPage.escape(tip))</title>"
                + "<path d=\"\(d)\" fill=\"none\" stroke=\"\(forward ? "#5b7da3" : "#b45309")\" stroke-opacity=\"0.5\""
                + " stroke-width=\"\(w / 10).\(w % 10)\"\(forward ? "" : " stroke-dasharray=\"6 4\"")"
                + (forward ? "" : " marker-end=\"url(#arrow)\"") + "/></g>\n"
        }
        out += "</g>\n"
        if g.edges.contains(where: { e in
            guard let a = index[e.from], let b = index[e.to] else { return false }
            return l.column[a] >= l.column[b]
        }) {
            out +=
                "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#b45309\"/></marker></defs>\n"
        }
        var categories: [String] = []
        out += "<g class=\"nodes\">\n"
        for col in l.columns {
            for k in col {
                let node = g.nodes[k]
                let fill: String
                let stroke: String
                let ink: String
                if let c = node.category {
                    fill = colour(category: c)
                    stroke = fill
                    ink = "#ffffff"
                    if !categories.contains(c) { categories.append(c) }
                } else {
                    switch node.role {
                    case .other:
                        fill = otherFill
                        stroke = "#7b8794"
                    case .step:
                        fill = stepFill
                        stroke = "#9aa5b1"
                    case .source, .sink:
                        fill = untaggedFill
                        stroke = "#52606d"
                    }
                    ink = "#1f2933"
                }
                var tip = node.label
                if let c = node.category { tip += "\ncategory: \(c)" }
                if let detail = node.detail { tip += "\n\(detail)" }
                if let title = node.title { tip += "\n\(title)" }
                // At most 8 px a character at 12 px in the usual sans-serif fonts (capitals included).
                let chars = Swift.max(6, (o.nodeWidth - 12) / 8)
                let label = shorten(node.label, max: chars)
                let cx = l.x[k] + o.nodeWidth / 2
                out += "<g class=\"node \(node.role.rawValue)\"><title>\(HTMLPage.escape(tip))</title>"
                out +=
                    "<rect x=\"\(l.x[k])\" y=\"\(l.y[k])\" width=\"\(o.nodeWidth)\" height=\"\(o.nodeHeight)\" rx=\"\(node.role == .step ? 3 : 8)\" fill=\"\(fill)\" stroke=\"\(node.pinned ? "#1f2933" : stroke)\" stroke-width=\"\(node.pinned ? "2.4" : "1.2")\""
                    + (node.role == .other ? " stroke-dasharray=\"4 3\"" : "") + "/>"
                if let detail = node.detail {
                    out +=
                        "<text x=\"\(cx)\" y=\"\(l.y[k] + o.nodeHeight / 2 - 3)\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(ink)\">\(HTMLPage.escape(label))</text>"
                    out +=
                        "<text x=\"\(cx)\" y=\"\(l.y[k] + o.nodeHeight / 2 + 12)\" text-anchor=\"middle\" font-size=\"10.5\" fill=\"\(ink)\" fill-opacity=\"0.85\">\(HTMLPage.escape(truncate(detail, max: chars + 3)))</text>"
                } else {
                    out +=
                        "<text x=\"\(cx)\" y=\"\(l.y[k] + o.nodeHeight / 2 + 4)\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(ink)\">\(HTMLPage.escape(label))</text>"
                }
                out += "</g>\n"
            }
        }
        out += "</g>\n</svg>\n"
        return SVGFlowPicture(
            svg: out, nodeCount: g.nodes.count, edgeCount: g.edges.count, foldedNodes: folded,
            categories: categories, width: l.width, height: l.height)
    }
}
