import FlowModel

extension AddressReportRender {
    // MARK: HTML

    /// The counterparties of one asset as a flow picture: who paid the address (left), the
    /// address, whom it paid (right); edge width by amount, nodes coloured by tag category.
    public static func counterpartyPicture(_ r: AddressReport, asset: String) -> SVGFlowPicture? {
        let rows = r.counterparties.filter { $0.asset == asset }
        guard !rows.isEmpty else { return nil }
        var g = FlowGraph()
        let decimals = r.decimals(asset)
        g.add(
            FlowGraph.Node(
                id: "self", label: r.profile.address, detail: "this address",
                category: SVGFlow.primaryCategory(r.profile.tags.map(\.category)), layer: 1, role: .step,
                pinned: true))
        for c in rows where c.received != .zero {
            g.add(
                FlowGraph.Node(
                    id: "in:" + c.address, label: c.address,
                    detail: SignedAmount(magnitude: c.received).text(decimals: decimals) + " " + asset,
                    title: c.tags.map { "\($0.category): \($0.label)" }.joined(separator: "\n"),
                    category: SVGFlow.primaryCategory(c.tags.map(\.category)), layer: 0, role: .source))
            g.connect("in:" + c.address, "self", amount: c.received, count: c.payments)
        }
        for c in rows where c.sent != .zero {
            g.add(
                FlowGraph.Node(
                    id: "out:" + c.address, label: c.address,
                    detail: SignedAmount(magnitude: c.sent).text(decimals: decimals) + " " + asset,
                    title: c.tags.map { "\($0.category): \($0.label)" }.joined(separator: "\n"),
                    category: SVGFlow.primaryCategory(c.tags.map(\.category)), layer: 2, role: .sink))
            g.connect("self", "out:" + c.address, amount: c.sent, count: c.payments)
        }
        let options = SVGFlowOptions(
            title: "Counterparties of \(r.profile.address) in \(asset)",
            amountText: { SignedAmount(magnitude: $0).text(decimals: decimals) + " " + asset },
            countNoun: "payments",
            layerTitle: { $0 == 0 ? "paid the address" : ($0 == 2 ? "paid by the address" : nil) })
        return SVGFlow.render(g, options: options)
    }

    /// What the HTML page holds, for tests: its markup and the pictures in page order (balance
    /// charts have no nodes or edges).
    public struct Page: Sendable {
        public var html: String
        /// Charts drawn, one per asset.
        public var charts: Int
        /// Counterparty pictures, in page order after the charts.
        public var pictures: [SVGFlowPicture]
    }

    public static func html(_ r: AddressReport) -> Page {
        let p = r.profile
        var page = HTMLPage(title: "Address profile", subtitle: p.address)
        page.parameters = [("address", .code(p.address)), ("chain", .text(p.chain ?? "unknown"))]
        if !p.tags.isEmpty {
            page.parameters.append(
                ("tags", .join(p.tags.map { .chip($0.category) + .text(" " + $0.label) }, separator: "  ")))
        }
        if let c = p.cluster, c.size > 1 {
            page.parameters.append(
                (
                    "cluster",
                    .shortCode(c.clusterAddress, max: 42)
                        + .text(
                            " (id \(c.clusterId), \(Render.grouped(c.size)) address\(c.size == 1 ? "" : "es"))"
                        )
                ))
        }
        page.sections.append(activitySection(r))
        let (balance, charts) = balanceSection(r)
        page.sections.append(balance)
        let (counterparties, pictures) = counterpartiesSection(r)
        page.sections.append(counterparties)
        page.sections.append(exposureSection(r))
        if let cluster = clusterSection(r) { page.sections.append(cluster) }
        if let alerts = alertsSection(r) { page.sections.append(alerts) }
        page.footnotes = [
            .text(
                "Amounts are exact, in each asset's units. Bitcoin counterparties: in a transaction where the address spends, every other address paid is one it sent to; where it is paid without spending, every input address is one it received from, credited with the full amount."
            ),
            .text(
                "Each section is a query of the library: balance-history, top-counterparties, tag-exposure, address-alerts (chainflow query NAME --param address=…)."
            ),
        ]
        return Page(html: page.render(), charts: charts, pictures: pictures)
    }

    /// Assets received, sent and held, fees, and values where prices exist.
    static func activitySection(_ r: AddressReport) -> HTMLSection {
        let p = r.profile
        var activity: [HTML] = []
        activity.append(
            HTMLTable(
                columns: [
                    .init("asset"), .init("received", numeric: true), .init("sent", numeric: true),
                    .init("balance", numeric: true), .init("transfers", numeric: true), .init("first"),
                    .init("last"),
                ],
                rows: p.assets.map { a in
                    // A long asset name (a token symbol, a contract) is cut with an ellipsis,
                    // whole in its tooltip; amounts of an asset whose decimals are unknown are
                    // base units, which the asset cell says. Sums past 2^256 are exact and say so.
                    let amount = { (column: ActivityColumn) -> HTML in
                        let digits = Render.baseUnits(a, column)
                        let negative = digits.hasPrefix("-")
                        let magnitude = negative ? String(digits.dropFirst()) : digits
                        let text =
                            (negative ? "-" : "")
                            + (a.decimals.map { UInt256.withDecimals(magnitude, $0) } ?? magnitude)
                        return .text(text + (a.decimals == nil ? " base units of " : " "))
                            + .clipped(a.asset) + .text(a.overflow == nil ? "" : " (beyond 2^256)")
                    }
                    return [
                        .clipped(a.asset)
                            + (a.decimals == nil
                                ? HTML(raw: "<br><span class=\"note\">decimals unknown</span>") : .text("")),
                        amount(.received), amount(.sent), amount(.balance),
                        .text(String(a.transfers)), .text(a.firstTime.map(Render.isoTime) ?? ""),
                        .text(a.lastTime.map(Render.isoTime) ?? ""),
                    ]
                },
                cssClass: "wrap"
            ).html)
        for f in p.fees {
            activity.append(
                .paragraph(
                    "Fees paid: \(units(f.sent, f.asset, r)) in \(Render.count(f.transfers, "transaction")).")
            )
        }
        for a in p.assets where a.overflow != nil {
            activity.append(
                .paragraph(
                    "\(a.asset): \(AmountOverflow.note); its movements and counterparties are left out of the tables below."
                ))
        }
        if let note = valuesNote(r) {
            activity.append(
                HTMLTable(
                    caption: "Value in \(p.values[0].currency)",
                    columns: [
                        .init("asset"), .init("received", numeric: true), .init("sent", numeric: true),
                        .init("balance", numeric: true), .init("price", numeric: true), .init("price day"),
                    ],
                    rows: p.values.map { v in
                        [
                            .text(v.asset), .text(v.received.map(v.text) ?? ""),
                            .text(v.sent.map(v.text) ?? ""),
                            .text(v.balanceText), .text(v.priceText), .text(Render.isoDay(v.day)),
                        ]
                    },
                    note: note
                ).html)
        }
        return HTMLSection(title: "Activity", id: "activity", blocks: activity)
    }

    /// A balance chart and the latest movements per asset; also the number of charts.
    static func balanceSection(_ r: AddressReport) -> (HTMLSection, charts: Int) {
        let p = r.profile
        var balance: [HTML] = []
        var charts = 0
        if r.history.isEmpty {
            balance.append(
                .paragraph(
                    p.assets.isEmpty
                        ? "No movements."
                        : "No movements to chart: the outputs above are known only from a source's prevouts (their funding transactions are not stored)."
                ))
        }
        for asset in historyAssets(r) {
            let moves = r.history.filter { $0.asset == asset }
            let svg = BalanceChart.svg(
                moves, asset: asset, decimals: r.decimals(asset), title: "Balance of \(p.address) in \(asset)"
            )
            charts += 1
            balance.append(
                .figure(
                    svg: svg,
                    caption:
                        "\(asset): balance after each of \(moves.count) movement\(moves.count == 1 ? "" : "s") (hover a dot for the transaction)."
                ))
            balance.append(
                HTMLTable(
                    caption: moves.count > recentMovements
                        ? "\(asset): the latest \(recentMovements) of \(moves.count) movements"
                        : "\(asset): movements",
                    columns: [
                        .init("time"), .init("transaction"), .init("in", numeric: true),
                        .init("out", numeric: true),
                        .init("balance", numeric: true),
                    ],
                    rows: moves.suffix(recentMovements).map { m in
                        [
                            .text(Render.isoTime(m.time)), .shortCode(m.tx, max: 24),
                            .text(
                                m.received == .zero
                                    ? ""
                                    : units(m.received, asset, r) + valueSuffix(m.receivedValue, asset, r)),
                            .text(
                                m.sent == .zero
                                    ? "" : units(m.sent, asset, r) + valueSuffix(m.sentValue, asset, r)),
                            .text(units(m.balance, asset, r)),
                        ]
                    },
                    cssClass: "wrap"
                ).html)
        }
        return (HTMLSection(title: "Balance over time", id: "balance", blocks: balance), charts)
    }

    /// A picture and a table of the largest counterparties per asset; also the pictures.
    static func counterpartiesSection(_ r: AddressReport) -> (HTMLSection, pictures: [SVGFlowPicture]) {
        var cps: [HTML] = []
        var pictures: [SVGFlowPicture] = []
        var assets: [String] = []
        for c in r.counterparties where !assets.contains(c.asset) { assets.append(c.asset) }
        if assets.isEmpty { cps.append(.paragraph("No counterparties.")) }
        for asset in assets {
            if let picture = counterpartyPicture(r, asset: asset) {
                pictures.append(picture)
                cps.append(
                    .figure(
                        svg: picture.svg,
                        caption:
                            "\(asset): the largest counterparties; left paid the address, right were paid by it. Edge width by amount.",
                        legend: picture.categories.isEmpty ? nil : SVGFlow.legend(picture.categories)))
            }
        }
        if !r.counterparties.isEmpty {
            let valued = r.counterparties.contains { $0.totalValue != nil }
            cps.append(
                HTMLTable(
                    columns: [
                        .init("counterparty"), .init("tags"), .init("asset"),
                        .init("received from", numeric: true),
                        .init("sent to", numeric: true), .init("payments", numeric: true),
                    ] + (valued ? [.init("value", numeric: true)] : []),
                    rows: r.counterparties.map { c in
                        [
                            .code(c.address),
                            .join(c.tags.map { .chip($0.category) + .text(" " + $0.label) }, separator: " "),
                            .text(c.asset), .text(nonZero(c.received, c.asset, r)),
                            .text(nonZero(c.sent, c.asset, r)),
                            .text(String(c.payments)),
                        ]
                            + (valued
                                ? [
                                    .text(
                                        c.totalValue.flatMap { t in r.profile.value(c.asset)?.text(t) } ?? "")
                                ]
                                : [])
                    },
                    note: "The largest \(r.counterpartyLimit) per asset by received + sent."
                ).html)
        }
        return (HTMLSection(title: "Counterparties", id: "counterparties", blocks: cps), pictures)
    }

    /// Direct counterparties that carry tags, by category and one by one.
    static func exposureSection(_ r: AddressReport) -> HTMLSection {
        var exposure: [HTML] = []
        if r.exposure.isEmpty {
            exposure.append(.paragraph("No direct counterparty carries a tag."))
        } else {
            exposure.append(
                HTMLTable(
                    caption: "By category",
                    columns: [
                        .init("category"), .init("asset"), .init("received from", numeric: true),
                        .init("sent to", numeric: true), .init("counterparties", numeric: true),
                    ],
                    rows: r.exposureByCategory.map { e in
                        [
                            .chip(e.category), .text(e.asset), .text(nonZero(e.received, e.asset, r)),
                            .text(nonZero(e.sent, e.asset, r)), .text(String(e.counterparties)),
                        ]
                    }
                ).html)
            exposure.append(
                HTMLTable(
                    caption: "Tagged counterparties",
                    columns: [
                        .init("category"), .init("label"), .init("counterparty"), .init("asset"),
                        .init("received from", numeric: true), .init("sent to", numeric: true),
                        .init("payments", numeric: true),
                    ],
                    rows: r.exposure.map { e in
                        [
                            .chip(e.category), .text(e.label), .code(e.counterparty), .text(e.asset),
                            .text(nonZero(e.received, e.asset, r)), .text(nonZero(e.sent, e.asset, r)),
                            .text(String(e.payments)),
                        ]
                    }
                ).html)
        }
        return HTMLSection(title: "Exposure to tagged categories", id: "exposure", blocks: exposure)
    }

    /// The address's cluster and its tagged members, when a clustering run placed it.
    static func clusterSection(_ r: AddressReport) -> HTMLSection? {
        let p = r.profile
        guard let c = p.cluster else { return nil }
        var blocks: [HTML] = [
            HTML(raw: "<p>")
                + (c.size > 1
                    ? .text(
                        "In cluster \(c.clusterAddress) (id \(c.clusterId)) with \(Render.grouped(c.size - 1)) other address\(c.size == 2 ? "" : "es"); "
                    ) + .code("chainflow cluster show") + .text(" lists them and ")
                        + .code("chainflow cluster explain")
                        + .text(" shows why.")
                    : .text("No clustering heuristic joined this address to another."))
                + HTML(raw: "</p>\n")
        ]
        if !p.clusterTags.isEmpty {
            blocks.append(
                HTMLTable(
                    caption: "Members with tags",
                    columns: [.init("address"), .init("category"), .init("label")],
                    rows: p.clusterTags.map { [.code($0.address), .chip($0.category), .text($0.label)] }
                ).html)
        }
        return HTMLSection(title: "Cluster", id: "cluster", blocks: blocks)
    }

    /// The AML alerts the address is part of, when there are any.
    static func alertsSection(_ r: AddressReport) -> HTMLSection? {
        guard !r.alerts.isEmpty else { return nil }
        return HTMLSection(
            title: "AML alerts", id: "alerts",
            blocks: [
                HTMLTable(
                    columns: [
                        .init("alert", numeric: true), .init("rule"), .init("severity"), .init("role"),
                        .init("window"), .init("explanation"),
                    ],
                    rows: r.alerts.map { a in
                        [
                            .text(String(a.id)), .text(a.rule),
                            HTML(raw: "<span class=\"badge sev-\(severityClass(a.severity))\">")
                                + .text(a.severity) + HTML(raw: "</span>"),
                            .text(a.role), .text("\(a.windowStart) – \(a.windowEnd)"), .text(a.explanation),
                        ]
                    }
                ).html
            ])
    }

    package static func severityClass(_ s: String) -> String {
        ["low", "medium", "high", "critical"].contains(s) ? s : "low"
    }
}
