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
}
