import FlowAnalysis
package import FlowModel

/// The HTML rendering of `aml run` (`--format html`): a summary by rule and severity, an index of
/// the alerts, then each alert with its explanation, a picture of its subgraph (the evidence
/// transfers between its addresses) and its transactions. Same alerts, same bytes.
extension AmlRender {
    /// Version of the run's JSON document (`schema_version`); raise it when a field changes
    /// meaning or goes away.
    public static let schemaVersion = 1

    /// Alerts shown in full (explanation, picture, transactions) by default; the rest appear in
    /// the summary tables only, so a page of a large batch stays openable.
    public static let htmlDetailedAlerts = 300

    /// The run as one HTML page. `categories` (address text -> tag categories, from
    /// `AmlRun.tagCategories(store:alerts:)`) colours the pictures and labels addresses; alerts beyond
    /// `detailed` are listed in the summary only.
    public static func html(
        _ r: AmlRunResult, categories: [String: [String]] = [:], detailed: Int = htmlDetailedAlerts
    ) -> String {
        let counts = AmlSeverity.allCases.reversed().map { s in
            (s, r.alerts.filter { $0.severity == s }.count)
        }
        .filter { $0.1 > 0 }
        var subtitle = "\(r.alerts.count) alert\(r.alerts.count == 1 ? "" : "s")"
        if !counts.isEmpty {
            subtitle += " (" + counts.map { "\($0.1) \($0.0.name)" }.joined(separator: ", ") + ")"
        }
        var page = HTMLPage(title: "AML alerts", subtitle: subtitle)
        var window = "all transfers"
        if r.reportFrom != nil || r.reportUntil != nil {
            window =
                "alerts whose window ends in "
                + (r.reportFrom.map(Render.isoTime) ?? "start") + " … "
                + (r.reportUntil.map(Render.isoTime) ?? "end")
        }
        page.parameters = [
            ("report", .text(window)), ("transfers checked", .text(Render.grouped(r.transfersLoaded))),
        ]
        if let after = r.newAfterTransferId {
            page.parameters.append(
                ("incremental", .text("alerts with a transfer stored after transfer id \(after)")))
        }
        if let note = r.note { page.parameters.append(("note", .text(note))) }

        page.sections.append(
            HTMLSection(title: "Summary by rule and severity", id: "summary", blocks: [summary(r)]))
        if r.alerts.isEmpty {
            page.sections.append(
                HTMLSection(title: "Alerts", id: "alerts", blocks: [.paragraph("No alerts.")]))
        } else {
            let ordered = htmlOrder(r.alerts)
            let shown = htmlDetailed(ordered, detailed: detailed)
            page.sections.append(
                HTMLSection(title: "Alert index", id: "index", blocks: [index(ordered, detailed: shown)]))
            var blocks: [HTML] = []
            for (k, a) in ordered.prefix(shown).enumerated() {
                blocks.append(alert(a, number: k + 1, categories: categories))
            }
            if ordered.count > shown {
                blocks.append(
                    .paragraph(
                        "\(Render.grouped(ordered.count - shown)) more alerts are in the index only; the JSON and Markdown outputs list them in full.",
                        note: true))
            }
            page.sections.append(HTMLSection(title: "Alerts", id: "alerts", blocks: blocks))
        }
        page.footnotes = [
            .text(
                "Amounts are exact, in units of the asset. Times are UTC. An alert's id is stable across runs: its rule, subjects and evidence."
            ),
            .text(
                "Pictures: one node per address, one edge per pair of addresses (its width by the amount moved, the transfers summed); subjects have a thick border; edges drawn dashed close a cycle. Columns hold at most \(Render.count(pictureNodesPerColumn, "address", "addresses")): the smallest are folded into one \"others\" node."
            ),
        ]
        return page.render()
    }

    /// The page's order: most urgent first (severity, then score, then the run's order).
    public static func htmlOrder(_ alerts: [AmlAlertDocument]) -> [AmlAlertDocument] {
        alerts.enumerated().sorted { x, y in
            let (a, b) = (x.element, y.element)
            if a.severity != b.severity { return a.severity > b.severity }
            if a.score != b.score { return a.score > b.score }
            return x.offset < y.offset
        }.map(\.element)
    }

    /// How many of `ordered` the page details: every high and critical alert, then the others up
    /// to `detailed` in all.
    public static func htmlDetailed(_ ordered: [AmlAlertDocument], detailed: Int = htmlDetailedAlerts) -> Int
    {
        max(ordered.filter { $0.severity >= .high }.count, min(detailed, ordered.count))
    }

    /// Addresses per column of an alert's picture before the smallest are folded together.
    package static let pictureNodesPerColumn = 10

    /// What one evidence edge is: an output of a Bitcoin transaction (UTXO rules) or a transfer.
    package static func evidenceNoun(_ a: AmlAlertDocument) -> String {
        a.ids.transfers.isEmpty && !a.ids.transactions.isEmpty ? "output" : "transfer"
    }

    package static func severityBadge(_ s: AmlSeverity) -> HTML {
        HTML(raw: "<span class=\"badge sev-\(s.name)\">\(s.name)</span>")
    }

    package static func summary(_ r: AmlRunResult) -> HTML {
        let severities = Array(AmlSeverity.allCases.reversed())
        let rules = Set(r.alerts.map(\.rule)).sorted()
        var rows: [[HTML]] = []
        for rule in rules {
            let mine = r.alerts.filter { $0.rule == rule }
            let typologies = Set(mine.map(\.typology)).sorted().joined(separator: ", ")
            rows.append(
                [.text(rule), .text(typologies)]
                    + severities.map { s in
                        let n = mine.filter { $0.severity == s }.count
                        return .text(n == 0 ? "" : Render.grouped(n))
                    } + [.text(Render.grouped(mine.count))])
        }
        rows.append(
            [HTML(raw: "<strong>all rules</strong>"), .text("")]
                + severities.map { s in .text(Render.grouped(r.alerts.filter { $0.severity == s }.count)) }
                + [HTML(raw: "<strong>\(Render.grouped(r.alerts.count))</strong>")])
        return HTMLTable(
            columns: [.init("rule"), .init("typology")] + severities.map { .init($0.name, numeric: true) }
                + [.init("alerts", numeric: true)],
            rows: rows
        ).html
    }

    package static func index(_ alerts: [AmlAlertDocument], detailed: Int) -> HTML {
        HTMLTable(
            columns: [
                .init("#", numeric: true), .init("severity"), .init("score", numeric: true), .init("status"),
                .init("rule"), .init("subjects"), .init("window"), .init("amount", numeric: true),
            ],
            rows: alerts.enumerated().map { (k, a) in
                let number =
                    k < detailed
                    ? HTML(raw: "<a href=\"#alert-\(k + 1)\">\(k + 1)</a>") : .text(String(k + 1))
                return [
                    number, severityBadge(a.severity), .text(String(a.score)),
                    .text(a.status ?? "unreviewed"),
                    .text(a.rule),
                    .join(a.subjects.map { .shortCode($0, max: 24) }, separator: ", "),
                    .text(Render.isoTime(a.windowStart) + " – " + Render.isoTime(a.windowEnd)),
                    .text(amountText(a.amount, a)),
                ]
            }
        ).html
    }

    package static func amountText(_ v: UInt256, _ a: AmlAlertDocument) -> String {
        Render.amount(v, decimals: a.decimals, asset: a.asset)
    }

    package static func alert(_ a: AmlAlertDocument, number: Int, categories: [String: [String]]) -> HTML {
        var out = "<article class=\"item\" id=\"alert-\(number)\">\n"
        out +=
            "<h3>\(number). \(HTMLPage.escape(a.rule)) \(severityBadge(a.severity).markup) <span class=\"muted\">score \(a.score) · \(HTMLPage.escape(a.status ?? "unreviewed"))</span></h3>\n"
        out += HTML.paragraph(a.explanation.hasSuffix(".") ? a.explanation : a.explanation + ".").markup
        let addressCells = a.addresses.map { address in
            HTML.code(address) + .join((categories[address] ?? []).map { .text(" ") + .chip($0) })
        }
        let facts = HTMLTable(
            columns: [.init(""), .init("")],
            rows: [
                [.text("id"), .code(a.id)],
                [.text("typology"), .text(a.typology)],
                [
                    .text("subjects"),
                    .join(
                        a.subjects.map { s in
                            HTML.code(s) + .join((categories[s] ?? []).map { .text(" ") + .chip($0) })
                        },
                        separator: ", "),
                ],
                [
                    .text("window"),
                    .text(Render.isoTime(a.windowStart) + " – " + Render.isoTime(a.windowEnd)),
                ],
                [.text("amount"), .text(amountText(a.amount, a))],
                [.text("addresses (\(a.addresses.count))"), .join(addressCells, separator: ", ")],
            ],
            cssClass: "parameters")
        out += facts.html.markup
        let pic = picture(a, categories: categories)
        var caption =
            "Evidence of alert \(number): \(a.evidence.count) \(evidenceNoun(a))\(a.evidence.count == 1 ? "" : "s") between \(Render.count(a.addresses.count, "address", "addresses"))"
        if pic.foldedNodes > 0 { caption += "; \(pic.foldedNodes) smaller addresses folded into \"others\"" }
        out +=
            HTML.figure(
                svg: pic.svg, caption: caption + ".", legend: SVGFlow.legend(pic.categories),
                zoom: ("alert-\(number)-picture", pic.width)
            ).markup
        let table = HTMLTable(
            caption: "Transactions",
            columns: [
                .init("tx"), .init("from"), .init("to"), .init("amount", numeric: true), .init("time"),
            ],
            rows: a.evidence.map { e in
                [
                    .shortCode(e.tx, max: 24), .shortCode(e.from, max: 28), .shortCode(e.to, max: 28),
                    .text(amountText(e.amount, a)), .text(Render.isoTime(e.time)),
                ]
            })
        out += table.html.markup
        return HTML(raw: out + "</article>\n")
    }

    /// The alert's subgraph: its evidence transfers between addresses (parallel transfers merged),
    /// subjects pinned; columns follow the direction of the money, cycles closed by dashed arcs.
    public static func flowGraph(_ a: AmlAlertDocument, categories: [String: [String]] = [:]) -> FlowGraph {
        var g = FlowGraph()
        let subjects = Set(a.subjects)
        func add(_ address: String) {
            let cats = categories[address] ?? []
            var title = subjects.contains(address) ? "subject of the alert" : "involved address"
            if !cats.isEmpty { title += "\ntags: " + cats.joined(separator: ", ") }
            g.add(
                FlowGraph.Node(
                    id: address, label: address, detail: nil, title: title,
                    category: SVGFlow.primaryCategory(cats),
                    role: subjects.contains(address) ? .source : .sink,
                    pinned: subjects.contains(address)))
        }
        for e in a.evidence {
            add(e.from)
            add(e.to)
        }
        for s in a.subjects { add(s) }
        for e in a.evidence { g.connect(e.from, e.to, amount: e.amount) }
        return g
    }

    /// The picture of an alert's subgraph (see `flowGraph`).
    public static func picture(_ a: AmlAlertDocument, categories: [String: [String]] = [:]) -> SVGFlowPicture
    {
        let decimals = a.decimals
        let asset = a.asset
        return SVGFlow.render(
            flowGraph(a, categories: categories),
            options: SVGFlowOptions(
                title: "Evidence of alert \(a.id) (\(a.rule))", maxNodesPerLayer: pictureNodesPerColumn,
                amountText: { Render.amount($0, decimals: decimals, asset: asset) },
                countNoun: evidenceNoun(a) + "s",
                nodeHeight: 30, columnGap: 64, rowGap: 10, maxEdgeWidth: 10))
    }
}
