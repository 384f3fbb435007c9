package import FlowAnalysis
package import FlowModel

/// The HTML rendering of traces (`chainflow trace --format html`): a self-contained page with a
/// picture of the traced flow, the totals, value by tag category and by address, the endpoints
/// and cuts with amounts and shares, and the parameters. Same trace, same bytes.
extension TraceRender {
    /// Version of the JSON document (`schema_version`); raise it when a field changes meaning or
    /// goes away (new fields do not need a new version).
    public static let schemaVersion = 1

    /// Columns of the flow picture before the smallest nodes of a column are folded together.
    package static let pictureNodesPerColumn = 8

    /// The whole run as one HTML page: one trace, or (`--each`) one part per seed.
    public static func html(_ run: TraceRun) -> String {
        if run.reports.count == 1, let only = run.reports.first { return html(only) }
        let first = run.reports.first
        var page = HTMLPage(
            title: "Flow traces",
            subtitle:
                "\(run.reports.count) traces, each seed on its own"
                + (first.map { ", \(directionText($0.direction)), \($0.policy.rawValue)" } ?? ""))
        if let first { page.parameters = commonParameters(first) }
        for (k, r) in run.reports.enumerated() {
            let name = r.seeds.map(\.text).joined(separator: ", ")
            page.sections += sections(
                r, prefix: "Trace \(k + 1) (\(SVGFlow.shorten(name, max: 40)))", anchor: "t\(k + 1)-")
        }
        page.footnotes = footnotes(first)
        return page.render()
    }

    /// One trace as an HTML page.
    public static func html(_ r: TraceReport) -> String {
        var page = HTMLPage(
            title: "Flow trace \(r.direction == .forward ? "forward" : "backward") (\(r.policy.rawValue))",
            subtitle: directionText(r.direction).capitalizedFirst + ", traced from "
                + r.seeds.map(\.text).joined(separator: ", "))
        page.parameters = seedParameters(r) + commonParameters(r)
        page.sections = sections(r, prefix: nil, anchor: "")
        page.footnotes = footnotes(r)
        return page.render()
    }

    /// What a trace in direction `d` answers.
    package static func directionText(_ d: TraceDirection) -> String {
        d == .forward ? "where the value went" : "where the value came from"
    }

    /// `v` in units of the asset, exact, with its name (plain text: escape it for HTML).
    package static func units(_ v: UInt256, _ asset: TraceAsset) -> String {
        (asset.decimals.map { v.decimalString(decimals: $0) } ?? v.decimalString) + " " + asset.name
    }

    package static func seedParameters(_ r: TraceReport) -> [(String, HTML)] {
        r.seeds.map { s in
            (
                "seed",
                .code(s.text)
                    + .text(
                        ": \(units(s.amount, r.asset)) (\(s.count) \(r.model == "utxo" ? "output" : "transfer")\(s.count == 1 ? "" : "s"))"
                    )
            )
        }
    }

    package static func commonParameters(_ r: TraceReport) -> [(String, HTML)] {
        var limits = ["\(Render.count(r.maxHops, "hop"))"]
        if r.minAmount != .zero { limits.append("branches under \(units(r.minAmount, r.asset)) cut") }
        if !r.stopCategories.isEmpty {
            limits.append("stop at tags: \(r.stopCategories.joined(separator: ", "))")
        }
        return [
            (
                "direction",
                .text(r.direction == .forward ? "forward (where it went)" : "backward (where it came from)")
            ),
            ("policy", .text(policyLine(r.policy))),
            (
                "graph",
                .text(
                    r.model == "utxo"
                        ? "Bitcoin transactions (main chain)"
                        : "transfers of \(r.asset.name) (\(r.asset.chain))")
            ),
            ("window", .text(window(r))),
            ("limits", .text(limits.joined(separator: "; "))),
        ]
    }

    package static func footnotes(_ r: TraceReport?) -> [HTML] {
        var notes: [HTML] = [
            .text(
                "Amounts are exact, in units of the asset (base units divided by its decimals, never rounded). Shares are fractions of the seeds' total, rounded down to 0.01%."
            ),
            .text(
                "The picture draws each endpoint's whole amount along its main route (the route of its largest share among the shortest ones); value that split and merged again is attributed to that route. Columns hold at most \(pictureNodesPerColumn) nodes: the smallest are folded into one \"others\" node per column. The tables list everything."
            ),
        ]
        if let r, !r.policy.conservesValue {
            notes.append(
                .text(
                    "Poison taints every output of a tainted transaction fully: amounts exceed the seeds by design."
                ))
        }
        return notes
    }

    package static func sections(_ r: TraceReport, prefix: String?, anchor: String) -> [HTMLSection] {
        func title(_ s: String) -> String { prefix.map { "\($0): \(s)" } ?? s }
        var out: [HTMLSection] = []
        var blocks: [HTML] = []
        if prefix != nil {
            blocks.append(
                HTMLTable(
                    columns: [.init(""), .init("")], rows: seedParameters(r).map { [.text($0.0), $0.1] },
                    cssClass: "parameters"
                ).html)
        }
        let pic = picture(r)
        let drawn = r.endpoints.count + r.cuts.count
        var caption =
            "Value \(r.direction == .forward ? "moving from the seeds (left) to where it ended (right)" : "moving from where it came from (left) to the seeds (right)"): \(drawn) endpoints and cuts drawn, edge width by amount"
        if pic.foldedNodes > 0 { caption += "; \(pic.foldedNodes) smaller nodes folded into \"others\"" }
        caption += ". Hover a node or edge for its full text."
        blocks.append(
            .figure(
                svg: pic.svg, caption: caption,
                legend: SVGFlow.legend(pic.categories, steps: r.model == "utxo" ? "transaction" : "transfer"))
        )
        out.append(HTMLSection(title: title("Flow"), id: anchor + "flow", blocks: blocks))

        // Totals.
        let t = r.totals
        func row(_ name: String, _ v: UInt256, strong: Bool = false) -> [HTML] {
            let amount = HTMLPage.escape(units(v, r.asset))
            return [
                .text(name), HTML(raw: strong ? "<strong>\(amount)</strong>" : amount),
                .text(strong ? "" : percent(v, of: t.seeds)),
            ]
        }
        let totals = HTMLTable(
            columns: [.init(""), .init("amount", numeric: true), .init("share", numeric: true)],
            rows: [
                row("endpoints (\(Render.grouped(r.endpointCount)))", t.endpoints),
                row(r.direction == .forward ? "fees" : "fees (none backward)", t.fees),
                row(
                    "below threshold (\(Render.count(t.belowThresholdBranches, "branch", "branches")))",
                    t.belowThreshold
                ),
                row("cut by limits (\(Render.grouped(r.cutCount)))", t.cutByLimits),
                row("seeds", t.seeds, strong: true),
            ],
            note: r.policy.conservesValue
                ? "Endpoints, fees, below threshold and cut by limits add up to the seeds exactly."
                : "Poison taints every output of a tainted transaction fully: amounts exceed the seeds by design."
        )
        out.append(
            HTMLSection(
                title: title("Totals"), id: anchor + "totals",
                blocks: [
                    totals.html,
                    .paragraph(
                        "\(Render.grouped(r.steps)) \(r.model == "utxo" ? "transactions" : "transfers") followed; \(Render.count(r.addressCount, "address", "addresses")) reached.",
                        note: true),
                ]))

        if !r.byCategory.isEmpty {
            let table = HTMLTable(
                columns: [
                    .init("category"), .init("amount", numeric: true), .init("share", numeric: true),
                    .init("endpoints", numeric: true),
                ],
                rows: r.byCategory.map { g in
                    [
                        .chip(g.name), .text(units(g.amount, r.asset)), .text(percent(g.amount, of: t.seeds)),
                        .text(Render.grouped(g.endpoints)),
                    ]
                })
            out.append(
                HTMLSection(title: title("By tag category"), id: anchor + "categories", blocks: [table.html]))
        }
        if !r.byAddress.isEmpty {
            let table = HTMLTable(
                columns: [
                    .init("address"), .init("tags"), .init("amount", numeric: true),
                    .init("share", numeric: true),
                    .init("endpoints", numeric: true),
                ],
                rows: r.byAddress.map { g in
                    [
                        .code(g.name), .join(g.categories.map(HTML.chip)), .text(units(g.amount, r.asset)),
                        .text(percent(g.amount, of: t.seeds)), .text(Render.grouped(g.endpoints)),
                    ]
                },
                note: r.addressCount > r.byAddress.count
                    ? "\(Render.grouped(r.addressCount - r.byAddress.count)) more addresses not listed (see --limit)."
                    : nil)
            out.append(
                HTMLSection(title: title("By address"), id: anchor + "addresses", blocks: [table.html]))
        }
        out.append(
            HTMLSection(
                title: title("Endpoints"), id: anchor + "endpoints",
                blocks: [endpointTable(r.endpoints, r, total: r.endpointCount)]))
        if !r.cuts.isEmpty {
            out.append(
                HTMLSection(
                    title: title("Cut by limits"), id: anchor + "cuts",
                    blocks: [endpointTable(r.cuts, r, total: r.cutCount)]))
        }
        if !r.notes.isEmpty {
            out.append(
                HTMLSection(
                    title: title("Notes"), id: anchor + "notes", blocks: [.list(r.notes.map(HTML.text))]))
        }
        return out
    }

    package static func endpointTable(_ rows: [TraceEndpointReport], _ r: TraceReport, total: Int) -> HTML {
        if rows.isEmpty { return .paragraph("None.") }
        // "where" (outpoint, input, transaction) only when some row has one.
        let places = rows.contains { $0.location != nil || $0.prevout != nil }
        let table = HTMLTable(
            columns: [.init("#", numeric: true), .init("kind"), .init("address")]
                + (places ? [.init("where")] : [])
                + [
                    .init("amount", numeric: true), .init("share", numeric: true),
                    .init("hops", numeric: true), .init("time"),
                    .init("path"),
                ],
            rows: rows.enumerated().map { (i, e) in
                var place: [HTML] = []
                if let l = e.location { place.append(.shortCode(l, max: 24)) }
                if let p = e.prevout { place.append(.text("spends ") + .shortCode(p, max: 24)) }
                return [
                    .text(String(i + 1)), .text(e.kind.rawValue),
                    (e.address.map(HTML.code) ?? .text(""))
                        + .join(e.categories.map { .text(" ") + .chip($0) }),
                ] + (places ? [.join(place, separator: " ")] : [])
                    + [
                        .text(units(e.amount, r.asset)), .text(percent(e.shareBillionths)),
                        .text(String(e.hops)), timeCell(e),
                        .join(
                            e.path.enumerated().map { k, id in
                                .shortCode(id, max: 12)
                                    + (stepTime(e, k).map {
                                        HTML(raw: " <span class=\"when\">\(Render.isoTime($0))</span>")
                                    } ?? .text(""))
                            }, separator: " → "),
                    ]
            },
            note: total > rows.count
                ? "\(Render.grouped(total - rows.count)) more not listed (see --limit); the totals include them."
                : nil)
        return table.html
    }

    /// An endpoint's time: one time, or first and last (on two lines) for an endpoint reached
    /// more than once.
    package static func timeCell(_ e: TraceEndpointReport) -> HTML {
        guard let first = e.time else { return .text("") }
        guard e.reachedMoreThanOnce, let last = e.lastTime else {
            return HTML(raw: "<span class=\"time\">\(Render.isoTime(first))</span>")
        }
        return HTML(
            raw: "<span class=\"time\">first \(Render.isoTime(first))<br>last \(Render.isoTime(last))</span>")
    }

    // MARK: Picture

    /// The traced flow as a graph: the seeds, the transactions (or transfers) of each listed
    /// endpoint's and cut's route, and the endpoints, in columns by hop. Forward traces run from
    /// the seeds (column 0) rightwards; backward traces end at the seeds (rightmost column), so
    /// value always moves left to right. Each endpoint's amount is added to every edge of its
    /// route. Endpoints without an address (coinbase, burns, unknown sources) of one column
    /// are one node per kind.
    public static func flowGraph(_ r: TraceReport) -> FlowGraph {
        let listed = r.endpoints + r.cuts
        let depth = (listed.map(\.path.count).max() ?? 0) + 1
        let forward = r.direction == .forward
        // Column of step `i` of a route of `n` steps; the endpoint is step n, the seeds step -1.
        func column(_ i: Int) -> Int { forward ? i + 1 : depth - 1 - i }
        var g = FlowGraph()
        let seedLabel = r.seeds.count == 1 ? (r.seeds.first?.text ?? "seed") : "\(r.seeds.count) seeds"
        g.add(
            FlowGraph.Node(
                id: "seeds", label: seedLabel, detail: units(r.totals.seeds, r.asset),
                title: r.seeds.count > 1 ? r.seeds.map(\.text).joined(separator: "\n") : "seed",
                layer: forward ? 0 : depth, role: .source, pinned: true))
        // Endpoint nodes first collect their amounts (several endpoints can share one node).
        struct End {
            package var label: String
            package var category: String?
            package var amount: UInt256
            package var kinds: [String]
            package var places: [String]
            package var categories: [String]
        }
        var ends: [String: End] = [:]
        var endOrder: [String] = []
        var routes: [(String, [String], UInt256)] = []
        for e in listed {
            let layer = column(e.path.count)
            let key = "end|\(layer)|" + (e.address.map { "a:" + $0 } ?? "k:" + e.kind.rawValue)
            if var x = ends[key] {
                x.amount = x.amount + e.amount
                if !x.kinds.contains(e.kind.rawValue) { x.kinds.append(e.kind.rawValue) }
                if let l = e.location { x.places.append(l) }
                ends[key] = x
            } else {
                ends[key] = End(
                    label: e.address ?? kindLabel(e.kind), category: SVGFlow.primaryCategory(e.categories),
                    amount: e.amount, kinds: [e.kind.rawValue], places: e.location.map { [$0] } ?? [],
                    categories: e.categories)
                endOrder.append(key)
            }
            routes.append(
                (key, e.path.enumerated().map { "tx|\(column($0.offset))|\($0.element)" }, e.amount))
        }
        // Transaction nodes, in route order.
        var steps: [String: UInt256] = [:]
        var stepOrder: [String] = []
        for (_, route, amount) in routes {
            for id in route {
                if steps[id] == nil { stepOrder.append(id) }
                steps[id] = (steps[id] ?? .zero) + amount
            }
        }
        for id in stepOrder {
            let parts = id.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            let text = parts.count == 3 ? String(parts[2]) : id
            g.add(
                FlowGraph.Node(
                    id: id, label: text, detail: units(steps[id] ?? .zero, r.asset),
                    title: r.model == "utxo" ? "transaction" : "transaction of the transfer",
                    layer: parts.count == 3 ? Int(parts[1]) : nil, role: .step))
        }
        for key in endOrder {
            guard let x = ends[key] else { continue }
            var title = "ended as: " + x.kinds.joined(separator: ", ")
            if !x.categories.isEmpty { title += "\ntags: " + x.categories.joined(separator: ", ") }
            if !x.places.isEmpty {
                title += "\n" + x.places.prefix(5).joined(separator: "\n")
                if x.places.count > 5 { title += "\n… and \(x.places.count - 5) more" }
            }
            let parts = key.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            g.add(
                FlowGraph.Node(
                    id: key, label: x.label, detail: units(x.amount, r.asset), title: title,
                    category: x.category,
                    layer: parts.count == 3 ? Int(parts[1]) : nil, role: .sink))
        }
        for (end, route, amount) in routes {
            let chain = ["seeds"] + route + [end]
            let ordered = forward ? chain : chain.reversed()
            for k in 1..<ordered.count {
                g.connect(ordered[k - 1], ordered[k], amount: amount)
            }
        }
        return g
    }

    /// What an endpoint without an address is called on the picture.
    package static func kindLabel(_ k: TraceEndpointKind) -> String {
        switch k {
        case .coinbase: "newly mined"
        case .minted: "minted"
        case .burned: "burned"
        case .unknownSource: "unknown source"
        case .unknownInputs: "unknown inputs"
        case .hopLimit: "hop limit"
        case .timeLimit: "time window"
        case .unspent: "unspent"
        case .balance: "balance"
        case .tagged: "tagged"
        }
    }

    /// The flow picture of a trace (see `flowGraph`).
    public static func picture(_ r: TraceReport) -> SVGFlowPicture {
        let asset = r.asset
        return SVGFlow.render(
            flowGraph(r),
            options: SVGFlowOptions(
                title:
                    "Traced flow \(r.direction == .forward ? "forward" : "backward") from \(r.seeds.map(\.text).joined(separator: ", "))",
                maxNodesPerLayer: pictureNodesPerColumn, amountText: { units($0, asset) },
                countNoun: "endpoint routes"))
    }
}

extension String {
    /// The text with its first character upper-cased.
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
