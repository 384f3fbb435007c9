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
            subtitle: (run.throughConversions
                ? "one trace through conversions, \(run.reports.count) assets"
                : "\(run.reports.count) traces, each seed on its own")
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
        Render.amount(v, decimals: asset.decimals, asset: asset.name)
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
                        : "transfers of \(r.asset.name) (\(r.asset.chain)\(r.asset.decimals == nil ? "; decimals unknown: amounts in base units" : ""))"
                )
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
        caption +=
            ". Hover a node or edge for its full text and times; scroll a picture larger than its frame, or zoom it."
        blocks.append(
            .figure(
                svg: pic.svg, caption: caption,
                legend: SVGFlow.legend(pic.categories, steps: r.model == "utxo" ? "transaction" : "transfer"),
                zoom: (anchor + "flow", pic.width))
        )
        out.append(HTMLSection(title: title("Flow"), id: anchor + "flow", blocks: blocks))
        if !r.conversions.isEmpty {
            let rows: [[HTML]] = r.conversions.map { c in
                let reached = r.direction == .forward ? c.assetIn : c.assetOut
                let continued = r.direction == .forward ? c.assetOut : c.assetIn
                return [
                    .text(c.direction == "out" ? "out of \(r.asset.name)" : "into \(r.asset.name)"),
                    .text(
                        "\(c.conversion.protocolName) #\(c.conversion.logIndex): \(c.assetIn.shortName) → \(c.assetOut.shortName)"
                    ),
                    .shortCode(c.conversion.tx), .shortCode(c.conversion.pool),
                    .text(units(c.reached, reached)),
                    .text(units(c.continued, continued) + (c.followed ? "" : " (not followed)")),
                    .text(String(c.hops)),
                ]
            }
            let table = HTMLTable(
                columns: [
                    .init(""), .init("conversion"), .init("transaction"), .init("pool"),
                    .init("traced in", numeric: true), .init("traced out", numeric: true),
                    .init("hops", numeric: true),
                ], rows: rows)
            out.append(
                HTMLSection(title: title("Conversions"), id: anchor + "conversions", blocks: [table.html]))
        }

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
                                    + (e.conversionSteps.first { $0.step == k }.map {
                                        .text(" (\($0.conversion))")
                                    }
                                        ?? .text(""))
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
    /// endpoint's and cut's route, and the endpoints. Value always moves left to right: forward
    /// traces start at the seeds (column 0), backward traces end at them (rightmost column).
    ///
    /// - One node per transaction, however many routes pass through it and at whatever hop;
    ///   its column is its depth from the seeds: one more than the deepest step feeding it
    ///   (longest path, edges closing a cycle left out), so a peel chain, whose every hop spends
    ///   the change of the one before, is drawn as a chain left to right.
    /// - Forward, a route's first step is the transaction that created the seed's coin (or the
    ///   seed transfer itself): the seed node stands for it, so it is drawn only where it is also a
    ///   later step of another route (change that came back to a seed address), never as if the
    ///   seed paid it.
    /// - Each endpoint's amount is added to every edge of its route. Endpoints of one address (or,
    ///   without one — coinbase, burns, unknown sources — of one kind) in one column are one node.
    /// - Tooltips give each transaction's time and each endpoint's (first and last) time.
    public static func flowGraph(_ r: TraceReport) -> FlowGraph {
        let listed = r.endpoints + r.cuts
        let forward = r.direction == .forward
        // Routes as (step id, time), seed side first; two transfers of one transaction in a row
        // are one step.
        var routes: [[(id: String, time: Int64?)]] = listed.map { e in
            var route: [(id: String, time: Int64?)] = []
            for (k, id) in e.path.enumerated() where route.last?.id != id {
                route.append((id, stepTime(e, k)))
            }
            return route
        }
        // Whether a route's value comes from the seed node (forward: unless its first step is
        // kept as a later step of another route, which it then continues).
        var fromSeeds = [Bool](repeating: true, count: routes.count)
        if forward {
            var later = Set<String>()
            for route in routes { for step in route.dropFirst() { later.insert(step.id) } }
            for k in routes.indices {
                guard let first = routes[k].first else { continue }
                if later.contains(first.id) {
                    fromSeeds[k] = false
                } else {
                    routes[k].removeFirst()
                }
            }
        }
        // Each route as the nodes it passes, from the seeds outwards (the trace's direction),
        // with "end" for its endpoint. Backward, a Bitcoin endpoint's coin was created by the
        // route's last transaction (the coinbase, or the payment to the source): the value left
        // that transaction for the endpoint's address before the route's other steps, so the
        // endpoint sits between them (the address is not drawn paying the coinbase).
        let chains: [[String]] = routes.enumerated().map { k, route in
            let steps = route.map { "tx|" + $0.id }
            let head = fromSeeds[k] ? ["seeds"] : []
            let e = listed[k]
            let created =
                e.prevout.map { String($0.prefix { $0 != ":" }) } ?? e.location.map { String($0.prefix(64)) }
            if !forward && r.model == "utxo", let last = route.last, last.id == created {
                return head + steps.dropLast() + ["end"] + [steps[steps.count - 1]]
            }
            return head + steps + ["end"]
        }
        // Depth of each node from the seeds, in the direction the trace went.
        var depthGraph = FlowGraph()
        depthGraph.add(FlowGraph.Node(id: "seeds", label: "", layer: 0))
        for (k, chain) in chains.enumerated() {
            for id in chain where id != "seeds" {
                depthGraph.add(FlowGraph.Node(id: id == "end" ? "end#\(k)" : id, label: ""))
            }
        }
        for (k, chain) in chains.enumerated() {
            let ids = chain.map { $0 == "end" ? "end#\(k)" : $0 }
            for i in ids.indices.dropFirst() { depthGraph.connect(ids[i - 1], ids[i], amount: .zero) }
        }
        var depth: [String: Int] = [:]
        for node in SVGFlow.assignLayers(depthGraph).nodes where node.id != "seeds" {
            depth[node.id] = Swift.max(1, node.layer ?? 1)
        }
        let endDepth = listed.indices.map { depth["end#\($0)"] ?? 1 }
        let deepest = Swift.max(endDepth.max() ?? 1, depth.values.max() ?? 0)
        func column(_ d: Int) -> Int { forward ? d : deepest - d }

        var g = FlowGraph()
        let seedLabel = r.seeds.count == 1 ? (r.seeds.first?.text ?? "seed") : "\(r.seeds.count) seeds"
        g.add(
            FlowGraph.Node(
                id: "seeds", label: seedLabel, detail: units(r.totals.seeds, r.asset),
                title: r.seeds.count > 1 ? r.seeds.map(\.text).joined(separator: "\n") : "seed",
                layer: column(0), role: .source, pinned: true))
        // Endpoint nodes first collect their amounts (several endpoints can share one node).
        struct End {
            package var label: String
            package var category: String?
            package var amount: UInt256
            package var kinds: [String]
            package var places: [String]
            package var categories: [String]
            package var first: Int64?
            package var last: Int64?
        }
        var ends: [String: End] = [:]
        var endOrder: [String] = []
        var endKeys: [String] = []
        for (k, e) in listed.enumerated() {
            let layer = column(endDepth[k])
            let key = "end|\(layer)|" + (e.address.map { "a:" + $0 } ?? "k:" + e.kind.rawValue)
            endKeys.append(key)
            if var x = ends[key] {
                x.amount = x.amount + e.amount
                if !x.kinds.contains(e.kind.rawValue) { x.kinds.append(e.kind.rawValue) }
                if let l = e.location { x.places.append(l) }
                if let t = e.time { x.first = Swift.min(x.first ?? t, t) }
                if let t = e.lastTime { x.last = Swift.max(x.last ?? t, t) }
                ends[key] = x
            } else {
                ends[key] = End(
                    label: e.address ?? kindLabel(e.kind), category: SVGFlow.primaryCategory(e.categories),
                    amount: e.amount, kinds: [e.kind.rawValue], places: e.location.map { [$0] } ?? [],
                    categories: e.categories, first: e.time, last: e.lastTime)
                endOrder.append(key)
            }
        }
        // Transaction nodes, in route order, one per transaction.
        var steps: [String: (amount: UInt256, time: Int64?)] = [:]
        var stepOrder: [String] = []
        for (k, route) in routes.enumerated() {
            for step in route {
                if steps[step.id] == nil { stepOrder.append(step.id) }
                steps[step.id] = (
                    (steps[step.id]?.amount ?? .zero) + listed[k].amount, steps[step.id]?.time ?? step.time
                )
            }
        }
        for id in stepOrder {
            let step = steps[id]
            var title = r.model == "utxo" ? "transaction" : "transaction of the transfer"
            if let t = step?.time { title += "\ntime: " + Render.isoTime(t) }
            g.add(
                FlowGraph.Node(
                    id: "tx|" + id, label: id, detail: units(step?.amount ?? .zero, r.asset), title: title,
                    layer: column(depth["tx|" + id] ?? 1), role: .step))
        }
        for key in endOrder {
            guard let x = ends[key] else { continue }
            var title = "ended as: " + x.kinds.joined(separator: ", ")
            if let first = x.first {
                if let last = x.last, last != first {
                    title += "\nfirst: \(Render.isoTime(first))\nlast: \(Render.isoTime(last))"
                } else {
                    title += "\ntime: " + Render.isoTime(first)
                }
            }
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
        for (k, nodes) in chains.enumerated() {
            let chain = nodes.map { $0 == "end" ? endKeys[k] : $0 }
            let ordered = forward ? chain : chain.reversed()
            for i in 1..<ordered.count {
                g.connect(ordered[i - 1], ordered[i], amount: listed[k].amount)
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
        case .conversion: "conversion (not followed)"
        case .converted: "converted"
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
