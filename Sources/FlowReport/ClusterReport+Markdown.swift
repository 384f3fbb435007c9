import FlowModel

extension ClusterReportRender {
    public static func markdown(_ r: ClusterReport) -> String {
        let p = r.profile
        let m = p.membership
        var out = "# Cluster profile: \(MarkdownText.code(m.clusterAddress))\n\n"
        out += "- id: \(m.clusterId)\n- size: \(Render.grouped(m.size)) address\(m.size == 1 ? "" : "es")\n"
        if m.address != m.clusterAddress { out += "- asked for: \(MarkdownText.code(m.address))\n" }
        if !p.clustered { out += "- no clustering run yet: every address is its own cluster\n" }
        if let b = p.bitcoin {
            out +=
                "- BTC: received \(Render.btc(b.received)), sent \(Render.btc(b.sent)), balance \(Render.btc(b.received - b.sent)) (\(Render.count(b.transactions, "transaction")))\n"
        }
        for a in p.assets {
            out +=
                "- \(MarkdownText.text(a.asset)) with other clusters: in \(MarkdownText.text(Render.activityUnits(a, .received))), out \(MarkdownText.text(Render.activityUnits(a, .sent))) in \(Render.count(a.transfers, "transfer"))\n"
        }
        out += "\n## Tags\n\n"
        if p.tags.isEmpty {
            out += "No member carries a tag.\n\n"
        } else {
            out += "| address | category | label | source |\n| --- | --- | --- | --- |\n"
            for t in p.tags {
                out +=
                    "| \(MarkdownText.code(t.address)) | \(MarkdownText.text(t.category)) | \(MarkdownText.text(t.label)) | \(MarkdownText.text(t.source)) |\n"
            }
            out += "\n"
        }
        out += "## Members\n\n"
        for a in p.members { out += "- \(MarkdownText.code(a))\n" }
        if notListed(r) > 0 { out += "- … and \(Render.grouped(notListed(r))) more\n" }
        for (title, list, isIn) in [
            ("Largest inflows", r.inflows, true), ("Largest outflows", r.outflows, false),
        ] {
            out += "\n## \(title) (between clusters)\n\n"
            if list.isEmpty {
                out += "None.\n"
                continue
            }
            out += "| cluster | categories | asset | \(isIn ? "received from" : "sent to") | payments |\n"
            out += "| --- | --- | --- | ---: | ---: |\n"
            for f in list {
                out +=
                    "| \(MarkdownText.code(f.address)) (id \(f.cluster)) | \(f.categories.map(MarkdownText.text).joined(separator: ", ")) | \(MarkdownText.text(f.asset)) | \(MarkdownText.text(units(isIn ? f.received : f.sent, f))) | \(f.payments) |\n"
            }
        }
        if r.incomplete > 0 {
            out +=
                "\n\(r.incomplete) Bitcoin transactions were left out because an input's value is unknown.\n"
        }
        return out
    }
}
