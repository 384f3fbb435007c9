import FlowModel

extension ClusterReportRender {
    /// The flows of one asset as a picture: the largest inflow clusters (left), the cluster, the
    /// largest outflow clusters (right).
    public static func flowPicture(_ r: ClusterReport, asset: String) -> SVGFlowPicture? {
        let ins = r.inflows.filter { $0.asset == asset }
        let outs = r.outflows.filter { $0.asset == asset }
        guard !ins.isEmpty || !outs.isEmpty else { return nil }
        let decimals = (ins + outs).first?.decimals
        let m = r.profile.membership
        var g = FlowGraph()
        let own = Set(r.profile.tags.map(\.category)).sorted()
        g.add(
            FlowGraph.Node(
                id: "self", label: m.clusterAddress, detail: "this cluster, \(Render.grouped(m.size)) addr.",
                category: SVGFlow.primaryCategory(own), layer: 1, role: .step, pinned: true))
        let amount: @Sendable (UInt256) -> String = {
            SignedAmount(magnitude: $0).text(decimals: decimals) + " " + asset
        }
        for f in ins {
            g.add(
                FlowGraph.Node(
                    id: "in:\(f.cluster)", label: f.address, detail: amount(f.received),
                    title: "cluster \(f.cluster)"
                        + (f.categories.isEmpty ? "" : "\n" + f.categories.joined(separator: ", ")),
                    category: SVGFlow.primaryCategory(f.categories), layer: 0, role: .source))
            g.connect("in:\(f.cluster)", "self", amount: f.received, count: f.payments)
        }
        for f in outs {
            g.add(
                FlowGraph.Node(
                    id: "out:\(f.cluster)", label: f.address, detail: amount(f.sent),
                    title: "cluster \(f.cluster)"
                        + (f.categories.isEmpty ? "" : "\n" + f.categories.joined(separator: ", ")),
                    category: SVGFlow.primaryCategory(f.categories), layer: 2, role: .sink))
            g.connect("self", "out:\(f.cluster)", amount: f.sent, count: f.payments)
        }
        return SVGFlow.render(
            g,
            options: SVGFlowOptions(
                title: "Largest flows between cluster \(m.clusterAddress) and other clusters in \(asset)",
                amountText: amount, countNoun: "payments",
                layerTitle: { $0 == 0 ? "paid the cluster" : ($0 == 2 ? "paid by the cluster" : nil) }))
    }

    /// The HTML page and the pictures it holds (for tests).
    public struct Page: Sendable {
        public var html: String
        public var pictures: [SVGFlowPicture]
    }

    public static func html(_ r: ClusterReport) -> Page {
        let p = r.profile
        let m = p.membership
        var page = HTMLPage(title: "Cluster profile", subtitle: m.clusterAddress)
        page.parameters = [
            ("cluster", .code(m.clusterAddress) + .text(" (id \(m.clusterId))")),
            ("size", .text("\(Render.grouped(m.size)) address\(m.size == 1 ? "" : "es")")),
        ]
        if m.address != m.clusterAddress { page.parameters.append(("asked for", .code(m.address))) }
        let categories = Set(p.tags.map(\.category)).sorted()
        if !categories.isEmpty {
            page.parameters.append(("categories", .join(categories.map(HTML.chip), separator: " ")))
        }
        var summary: [HTML] = []
        if !p.clustered {
            summary.append(.paragraph("No clustering run yet: every address is its own cluster.", note: true))
        }
        var totals: [[HTML]] = []
        if let b = p.bitcoin {
            totals.append([
                .text("BTC"), .text(Render.btc(b.received) + " BTC"), .text(Render.btc(b.sent) + " BTC"),
                .text(Render.btc(b.received - b.sent) + " BTC"),
                .text("\(Render.count(b.transactions, "transaction"))"),
            ])
        }
        for a in p.assets {
            totals.append([
                .text(a.asset), .text(Render.activityUnits(a, .received)),
                .text(Render.activityUnits(a, .sent)),
                .text(Render.activityUnits(a, .balance)),
                .text("\(Render.count(a.transfers, "transfer"))"),
            ])
        }
        if !totals.isEmpty {
            summary.append(
                HTMLTable(
                    columns: [
                        .init("asset"), .init("received", numeric: true), .init("sent", numeric: true),
                        .init("balance", numeric: true), .init("count", numeric: true),
                    ], rows: totals,
                    note:
                        "Bitcoin: outputs paid to members and spent by them; account model: transfers with other clusters."
                ).html)
        }
        if !p.path.isEmpty {
            summary.append(
                .paragraph(
                    "\(m.address) joined the cluster through \(p.pathLength) link\(p.pathLength == 1 ? "" : "s"); `chainflow cluster explain` shows each with its transaction."
                ))
        }
        if summary.isEmpty {
            summary.append(.paragraph("No Bitcoin outputs or account transfers of its members are stored."))
        }
        page.sections.append(HTMLSection(title: "Summary", id: "summary", blocks: summary))
        // Flows
        var flows: [HTML] = []
        var pictures: [SVGFlowPicture] = []
        if r.flowAssets.isEmpty {
            flows.append(.paragraph("No value moved between this cluster and others."))
        }
        for asset in r.flowAssets {
            if let picture = flowPicture(r, asset: asset) {
                pictures.append(picture)
                flows.append(
                    .figure(
                        svg: picture.svg,
                        caption:
                            "\(asset): the largest inflows (left) and outflows (right), \(r.counterparts[asset] ?? 0) counterpart cluster\(r.counterparts[asset] == 1 ? "" : "s") in all. Edge width by amount.",
                        legend: picture.categories.isEmpty ? nil : SVGFlow.legend(picture.categories)))
            }
        }
        for (title, list, isIn) in [
            ("Largest inflows", r.inflows, true), ("Largest outflows", r.outflows, false),
        ]
        where !list.isEmpty {
            flows.append(
                HTMLTable(
                    caption: title,
                    columns: [
                        .init("cluster"), .init("id", numeric: true), .init("categories"), .init("asset"),
                        .init(isIn ? "received from" : "sent to", numeric: true),
                        .init("payments", numeric: true),
                    ],
                    rows: list.map { f in
                        [
                            .code(f.address), .text(String(f.cluster)),
                            .join(f.categories.map(HTML.chip), separator: " "),
                            .text(f.asset), .text(units(isIn ? f.received : f.sent, f)),
                            .text(String(f.payments)),
                        ]
                    }
                ).html)
        }
        if r.incomplete > 0 {
            flows.append(
                .paragraph(
                    "\(r.incomplete) Bitcoin transactions were left out because an input's value is unknown.",
                    note: true))
        }
        page.sections.append(HTMLSection(title: "Flows between clusters", id: "flows", blocks: flows))
        // Tags and members
        page.sections.append(
            HTMLSection(
                title: "Tags", id: "tags",
                blocks: [
                    p.tags.isEmpty
                        ? .paragraph("No member carries a tag.")
                        : HTMLTable(
                            columns: [.init("address"), .init("category"), .init("label"), .init("source")],
                            rows: p.tags.map {
                                [.code($0.address), .chip($0.category), .text($0.label), .text($0.source)]
                            }
                        ).html
                ]))
        page.sections.append(
            HTMLSection(
                title: "Members", id: "members",
                blocks: [
                    HTMLTable(
                        columns: [.init("#", numeric: true), .init("address")],
                        rows: p.members.enumerated().map {
                            [.text(String(p.offset + $0.offset + 1)), .code($0.element)]
                        },
                        note: notListed(r) > 0
                            ? "\(Render.grouped(notListed(r))) more not listed (chainflow cluster show --offset)."
                            : nil
                    ).html
                ]))
        page.footnotes = [
            .text(
                "Bitcoin value between clusters is attributed per transaction in proportion to what each input cluster put in (haircut); the cluster's change to itself is not a flow."
            )
        ]
        return Page(html: page.render(), pictures: pictures)
    }
}
