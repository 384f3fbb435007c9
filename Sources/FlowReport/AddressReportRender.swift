package import FlowModel

/// Renderings of the address profile report: Markdown, JSON, CSV and a self-contained HTML page.
public enum AddressReportRender {
    /// Movements listed in the Markdown and HTML tables (the latest ones; JSON and CSV have all).
    public static let recentMovements = 20

    package static func units(_ v: UInt256, _ asset: String, _ r: AddressReport) -> String {
        Render.amount(v, decimals: r.decimals(asset), asset: asset)
    }

    /// The amount, or nothing when it is zero (tables of in / out).
    package static func nonZero(_ v: UInt256, _ asset: String, _ r: AddressReport) -> String {
        v == .zero ? "" : units(v, asset, r)
    }

    package static func units(_ v: SignedAmount, _ asset: String, _ r: AddressReport) -> String {
        Render.amount(v, decimals: r.decimals(asset), asset: asset)
    }

    /// Assets in the order the history lists them.
    package static func historyAssets(_ r: AddressReport) -> [String] {
        var out: [String] = []
        for m in r.history where !out.contains(m.asset) { out.append(m.asset) }
        return out
    }

    // MARK: JSON

    /// `chainflow address --format json` (and `--json`): the profile's fields as before, plus
    /// `schema_version`, `balance_history`, `counterparties`, `exposure` and `alerts`.
    public static func json(_ r: AddressReport) -> JSONValue {
        var fields: [(String, JSONValue)] = [("schema_version", .int(AddressReport.schemaVersion))]
        if case .object(let profile) = Render.addressJSON(r.profile) { fields += profile }
        fields.append(
            (
                "balance_history",
                .array(
                    r.history.map { m in
                        .object(
                            [
                                ("model", .string(m.model)), ("time", .int(m.time)),
                                ("block", .optional(m.block)),
                                ("tx", .string(m.tx)), ("asset", .string(m.asset)),
                                ("received", .string(m.received.decimalString)),
                                ("sent", .string(m.sent.decimalString)),
                                ("balance", .string(m.balance.text)),
                            ] + movementValueJSON(m, r))
                    })
            ))
        fields.append(
            (
                "counterparties",
                .object([
                    ("limit_per_asset", .int(r.counterpartyLimit)),
                    (
                        "top",
                        .array(
                            r.counterparties.map { c in
                                .object(
                                    [
                                        ("address", .string(c.address)), ("asset", .string(c.asset)),
                                        ("received", .string(c.received.decimalString)),
                                        ("sent", .string(c.sent.decimalString)),
                                        ("total", .string(c.total.decimalString)),
                                        ("payments", .int(c.payments)),
                                    ] + counterpartyValueJSON(c, r) + [
                                        (
                                            "tags",
                                            .array(
                                                c.tags.map { t in
                                                    .object([
                                                        ("label", .string(t.label)),
                                                        ("category", .string(t.category)),
                                                    ])
                                                })
                                        )
                                    ])
                            })
                    ),
                ])
            ))
        fields.append(
            (
                "exposure",
                .object([
                    (
                        "by_category",
                        .array(
                            r.exposureByCategory.map { e in
                                .object([
                                    ("category", .string(e.category)), ("asset", .string(e.asset)),
                                    ("received", .string(e.received.decimalString)),
                                    ("sent", .string(e.sent.decimalString)),
                                    ("counterparties", .int(e.counterparties)),
                                ])
                            })
                    ),
                    (
                        "counterparties",
                        .array(
                            r.exposure.map { e in
                                .object([
                                    ("category", .string(e.category)), ("label", .string(e.label)),
                                    ("address", .string(e.counterparty)), ("asset", .string(e.asset)),
                                    ("received", .string(e.received.decimalString)),
                                    ("sent", .string(e.sent.decimalString)), ("payments", .int(e.payments)),
                                ])
                            })
                    ),
                ])
            ))
        fields.append(
            (
                "alerts",
                .array(
                    r.alerts.map { a in
                        .object([
                            ("id", .int(a.id)), ("rule", .string(a.rule)), ("severity", .string(a.severity)),
                            ("score", .int(a.score)), ("role", .string(a.role)),
                            ("window_start", .string(a.windowStart)), ("window_end", .string(a.windowEnd)),
                            ("asset", .optional(a.asset)), ("amount", .optional(a.amount)),
                            ("explanation", .string(a.explanation)),
                        ])
                    })
            ))
        return .object(fields)
    }

    /// `value` of a priced movement: `currency`, `received` and `sent` at its day's price.
    static func movementValueJSON(_ m: AddressReport.Movement, _ r: AddressReport) -> [(String, JSONValue)] {
        guard let v = r.profile.value(m.asset), let rv = m.receivedValue, let sv = m.sentValue else {
            return []
        }
        return [
            (
                "value",
                .object([
                    ("currency", .string(v.currency)), ("received", .string(PriceSeries.currencyText(rv))),
                    ("sent", .string(PriceSeries.currencyText(sv))),
                ])
            )
        ]
    }

    /// `value` of a priced counterparty: `currency`, `total` at the price of `day`.
    static func counterpartyValueJSON(_ c: AddressReport.Counterparty, _ r: AddressReport)
        -> [(String, JSONValue)]
    {
        guard let v = r.profile.value(c.asset), let t = c.totalValue else { return [] }
        return [
            (
                "value",
                .object([
                    ("currency", .string(v.currency)), ("total", .string(PriceSeries.currencyText(t))),
                    ("day", .string(Render.isoDay(v.day))),
                ])
            )
        ]
    }

    /// ` (1234.56 USD)` after an amount, when it has a value.
    static func valueSuffix(_ scaled: UInt256?, _ asset: String, _ r: AddressReport) -> String {
        guard let scaled, let v = r.profile.value(asset) else { return "" }
        return " (" + v.text(scaled) + ")"
    }

    /// The sentence that says how values are computed, when any asset has one.
    static func valuesNote(_ r: AddressReport) -> String? {
        guard let first = r.profile.values.first else { return nil }
        return
            "Values in \(first.currency) are rounded down to the cent: balances and counterparty totals at each asset's latest price (its day shown), received and sent at each movement's own day's price (prices carry forward from the last day before). Amounts in the asset's units stay exact."
    }

    // MARK: CSV

    /// One table for the whole report, a `section` column saying what each row is:
    /// `asset` (totals per asset), `tag`, `cluster`, `balance` (one per movement), `counterparty`,
    /// `exposure`, `alert`. Amounts in base units.
    public static func csv(_ r: AddressReport) -> String {
        let header = [
            "section", "asset", "time", "tx", "address", "category", "label", "received", "sent", "balance",
            "count", "currency", "received_value", "sent_value", "balance_value",
        ]
        var rows: [[String]] = []
        func row(
            _ section: String, asset: String = "", time: String = "", tx: String = "", address: String = "",
            category: String = "", label: String = "", received: String = "", sent: String = "",
            balance: String = "", count: String = "", values: [String] = ["", "", "", ""]
        ) {
            rows.append(
                [section, asset, time, tx, address, category, label, received, sent, balance, count] + values)
        }
        func text(_ v: UInt256?) -> String { v.map(PriceSeries.currencyText) ?? "" }
        let p = r.profile
        for a in p.assets {
            let b = a.balance
            row(
                "asset", asset: a.asset, time: a.lastTime.map(Render.isoTime) ?? "", address: p.address,
                received: a.received.decimalString, sent: a.sent.decimalString,
                balance: SignedAmount(negative: b.negative, magnitude: b.magnitude).text,
                count: String(a.transfers),
                values: p.value(a.asset).map {
                    [
                        $0.currency, text($0.received), text($0.sent),
                        ($0.balance.negative ? "-" : "") + text($0.balance.magnitude),
                    ]
                } ?? ["", "", "", ""])
        }
        for t in p.tags { row("tag", address: p.address, category: t.category, label: t.label) }
        if let c = p.cluster {
            row("cluster", address: c.clusterAddress, label: "cluster \(c.clusterId)", count: String(c.size))
            for t in p.clusterTags {
                row("cluster", address: t.address, category: t.category, label: t.label)
            }
        }
        for m in r.history {
            row(
                "balance", asset: m.asset, time: Render.isoTime(m.time), tx: m.tx, address: p.address,
                received: m.received.decimalString, sent: m.sent.decimalString, balance: m.balance.text,
                values: m.receivedValue == nil
                    ? ["", "", "", ""]
                    : [p.value(m.asset)?.currency ?? "", text(m.receivedValue), text(m.sentValue), ""])
        }
        for c in r.counterparties {
            row(
                "counterparty", asset: c.asset, address: c.address,
                category: c.tags.map(\.category).joined(separator: "; "),
                label: c.tags.map(\.label).joined(separator: "; "), received: c.received.decimalString,
                sent: c.sent.decimalString, count: String(c.payments),
                values: c.totalValue == nil
                    ? ["", "", "", ""] : [p.value(c.asset)?.currency ?? "", "", "", text(c.totalValue)])
        }
        for e in r.exposure {
            row(
                "exposure", asset: e.asset, address: e.counterparty, category: e.category, label: e.label,
                received: e.received.decimalString, sent: e.sent.decimalString, count: String(e.payments))
        }
        for a in r.alerts {
            row(
                "alert", asset: a.asset ?? "", time: a.windowStart, tx: String(a.id), address: p.address,
                category: a.rule, label: a.explanation, received: a.amount ?? "", count: String(a.score))
        }
        return ([header] + rows).map { $0.map { CSVText.field(CSVText.defused($0)) }.joined(separator: ",") }
            .joined(separator: "\n") + "\n"
    }

    // MARK: Markdown

    package static func md(_ s: String) -> String { TraceRender.md(s) }
    package static func mdCode(_ s: String) -> String {
        "`" + s.replacingOccurrences(of: "`", with: "'") + "`"
    }

    public static func markdown(_ r: AddressReport) -> String {
        let p = r.profile
        var out = "# Address profile: \(mdCode(p.address))\n\n"
        out += "- chain: \(md(p.chain ?? "unknown"))\n"
        if !p.tags.isEmpty {
            out +=
                "- tags: " + p.tags.map { "\(md($0.category)): \(md($0.label))" }.joined(separator: "; ")
                + "\n"
        }
        if let c = p.cluster, c.size > 1 {
            out +=
                "- cluster: \(mdCode(c.clusterAddress)) (id \(c.clusterId), \(Render.count(c.size, "address", "addresses")))\n"
        }
        out += "\n## Activity\n\n| asset | received | sent | balance | transfers | first | last |\n"
        out += "| --- | ---: | ---: | ---: | ---: | --- | --- |\n"
        for a in p.assets {
            let b = a.balance
            out +=
                "| \(md(a.asset)) | \(units(a.received, a.asset, r)) | \(units(a.sent, a.asset, r)) | \(units(SignedAmount(negative: b.negative, magnitude: b.magnitude), a.asset, r)) | \(a.transfers) | \(a.firstTime.map(Render.isoTime) ?? "") | \(a.lastTime.map(Render.isoTime) ?? "") |\n"
        }
        for f in p.fees {
            out +=
                "\nFees paid: \(units(f.sent, f.asset, r)) in \(Render.count(f.transfers, "transaction")).\n"
        }
        if let note = valuesNote(r) {
            out += "\n| asset | received | sent | balance | price | price day |\n"
            out += "| --- | ---: | ---: | ---: | ---: | --- |\n"
            for v in p.values {
                out +=
                    "| \(md(v.asset)) | \(v.received.map(v.text) ?? "") | \(v.sent.map(v.text) ?? "") | \(v.balanceText) | \(v.priceText) | \(Render.isoDay(v.day)) |\n"
            }
            out += "\n\(note)\n"
        }
        out += "\n## Balance over time\n\n"
        if r.history.isEmpty { out += "No movements.\n" }
        for asset in historyAssets(r) {
            let moves = r.history.filter { $0.asset == asset }
            out += "### \(md(asset))\n\n"
            if moves.count > recentMovements {
                out +=
                    "The latest \(recentMovements) of \(moves.count) movements (JSON and CSV have all).\n\n"
            }
            out += "| time | tx | in | out | balance |\n| --- | --- | ---: | ---: | ---: |\n"
            for m in moves.suffix(recentMovements) {
                out +=
                    "| \(Render.isoTime(m.time)) | \(mdCode(m.tx)) | \(m.received == .zero ? "" : units(m.received, asset, r) + valueSuffix(m.receivedValue, asset, r)) | \(m.sent == .zero ? "" : units(m.sent, asset, r) + valueSuffix(m.sentValue, asset, r)) | \(units(m.balance, asset, r)) |\n"
            }
            out += "\n"
        }
        out += "## Counterparties\n\n"
        if r.counterparties.isEmpty {
            out += "No counterparties.\n\n"
        } else {
            out += "The largest \(r.counterpartyLimit) per asset by received + sent.\n\n"
            let valued = r.counterparties.contains { $0.totalValue != nil }
            out +=
                "| counterparty | tags | asset | received from | sent to | payments |\(valued ? " value |" : "")\n"
            out += "| --- | --- | --- | ---: | ---: | ---: |\(valued ? " ---: |" : "")\n"
            for c in r.counterparties {
                let tags = c.tags.map { "\(md($0.category)): \(md($0.label))" }.joined(separator: "; ")
                let value =
                    valued
                    ? " \(c.totalValue.flatMap { t in r.profile.value(c.asset)?.text(t) } ?? "") |" : ""
                out +=
                    "| \(mdCode(c.address)) | \(tags) | \(md(c.asset)) | \(nonZero(c.received, c.asset, r)) | \(nonZero(c.sent, c.asset, r)) | \(c.payments) |\(value)\n"
            }
            out += "\n"
        }
        out += "## Exposure to tagged categories (direct counterparties)\n\n"
        if r.exposure.isEmpty {
            out += "No direct counterparty carries a tag.\n\n"
        } else {
            out +=
                "| category | asset | received from | sent to | counterparties |\n| --- | --- | ---: | ---: | ---: |\n"
            for e in r.exposureByCategory {
                out +=
                    "| \(md(e.category)) | \(md(e.asset)) | \(nonZero(e.received, e.asset, r)) | \(nonZero(e.sent, e.asset, r)) | \(e.counterparties) |\n"
            }
            out += "\n| category | label | counterparty | asset | received from | sent to | payments |\n"
            out += "| --- | --- | --- | --- | ---: | ---: | ---: |\n"
            for e in r.exposure {
                out +=
                    "| \(md(e.category)) | \(md(e.label)) | \(mdCode(e.counterparty)) | \(md(e.asset)) | \(nonZero(e.received, e.asset, r)) | \(nonZero(e.sent, e.asset, r)) | \(e.payments) |\n"
            }
            out += "\n"
        }
        if let c = p.cluster, c.size > 1, !p.clusterTags.isEmpty {
            out += "## Cluster members with tags\n\n| address | category | label |\n| --- | --- | --- |\n"
            for t in p.clusterTags {
                out += "| \(mdCode(t.address)) | \(md(t.category)) | \(md(t.label)) |\n"
            }
            out += "\n"
        }
        if !r.alerts.isEmpty {
            out += "## AML alerts\n\n| alert | rule | severity | role | window | explanation |\n"
            out += "| ---: | --- | --- | --- | --- | --- |\n"
            for a in r.alerts {
                out +=
                    "| \(a.id) | \(md(a.rule)) | \(md(a.severity)) | \(a.role) | \(a.windowStart) – \(a.windowEnd) | \(md(a.explanation)) |\n"
            }
            out += "\n"
        }
        return out
    }

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
        // Activity
        var activity: [HTML] = []
        activity.append(
            HTMLTable(
                columns: [
                    .init("asset"), .init("received", numeric: true), .init("sent", numeric: true),
                    .init("balance", numeric: true), .init("transfers", numeric: true), .init("first"),
                    .init("last"),
                ],
                rows: p.assets.map { a in
                    let b = a.balance
                    // A long asset name (a token symbol, a contract) is cut with an ellipsis,
                    // whole in its tooltip; amounts of an asset whose decimals are unknown are
                    // base units, which the asset cell says.
                    let amount = { (v: SignedAmount) -> HTML in
                        .text(v.text(decimals: a.decimals) + (a.decimals == nil ? " base units of " : " "))
                            + .clipped(a.asset)
                    }
                    return [
                        .clipped(a.asset)
                            + (a.decimals == nil
                                ? HTML(raw: "<br><span class=\"note\">decimals unknown</span>") : .text("")),
                        amount(SignedAmount(magnitude: a.received)), amount(SignedAmount(magnitude: a.sent)),
                        amount(SignedAmount(negative: b.negative, magnitude: b.magnitude)),
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
        page.sections.append(HTMLSection(title: "Activity", id: "activity", blocks: activity))
        // Balance over time
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
        page.sections.append(HTMLSection(title: "Balance over time", id: "balance", blocks: balance))
        // Counterparties
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
        page.sections.append(HTMLSection(title: "Counterparties", id: "counterparties", blocks: cps))
        // Exposure
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
        page.sections.append(
            HTMLSection(title: "Exposure to tagged categories", id: "exposure", blocks: exposure))
        // Cluster
        if let c = p.cluster {
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
            page.sections.append(HTMLSection(title: "Cluster", id: "cluster", blocks: blocks))
        }
        if !r.alerts.isEmpty {
            page.sections.append(
                HTMLSection(
                    title: "AML alerts", id: "alerts",
                    blocks: [
                        HTMLTable(
                            columns: [
                                .init("alert", numeric: true), .init("rule"), .init("severity"),
                                .init("role"),
                                .init("window"), .init("explanation"),
                            ],
                            rows: r.alerts.map { a in
                                [
                                    .text(String(a.id)), .text(a.rule),
                                    HTML(raw: "<span class=\"badge sev-\(severityClass(a.severity))\">")
                                        + .text(a.severity) + HTML(raw: "</span>"),
                                    .text(a.role), .text("\(a.windowStart) – \(a.windowEnd)"),
                                    .text(a.explanation),
                                ]
                            }
                        ).html
                    ]))
        }
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

    package static func severityClass(_ s: String) -> String {
        ["low", "medium", "high", "critical"].contains(s) ? s : "low"
    }
}
