import FlowModel

// The flow picture (SVGFlow.swift): the SVG.
extension SVGFlow {
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
