import FlowModel

extension AddressReportRender {
    // MARK: Markdown

    public static func markdown(_ r: AddressReport) -> String {
        let p = r.profile
        var out = "# Address profile: \(MarkdownText.code(p.address))\n\n"
        out += "- chain: \(MarkdownText.text(p.chain ?? "unknown"))\n"
        if !p.tags.isEmpty {
            out +=
                "- tags: "
                + p.tags.map { "\(MarkdownText.text($0.category)): \(MarkdownText.text($0.label))" }.joined(
                    separator: "; ")
                + "\n"
        }
        if let c = p.cluster, c.size > 1 {
            out +=
                "- cluster: \(MarkdownText.code(c.clusterAddress)) (id \(c.clusterId), \(Render.count(c.size, "address", "addresses")))\n"
        }
        out += "\n## Activity\n\n| asset | received | sent | balance | transfers | first | last |\n"
        out += "| --- | ---: | ---: | ---: | ---: | --- | --- |\n"
        for a in p.assets {
            let cell = { (c: ActivityColumn) in MarkdownText.text(Render.activityUnits(a, c)) }
            out +=
                "| \(MarkdownText.text(a.asset)) | \(cell(.received)) | \(cell(.sent)) | \(cell(.balance)) | \(a.transfers) | \(a.firstTime.map(Render.isoTime) ?? "") | \(a.lastTime.map(Render.isoTime) ?? "") |\n"
        }
        for a in p.assets where a.overflow != nil {
            out +=
                "\n\(MarkdownText.text(a.asset)): \(MarkdownText.text(AmountOverflow.note)); its movements and counterparties are left out of the tables below.\n"
        }
        for f in p.fees {
            out +=
                "\nFees paid: \(mdUnits(f.sent, f.asset, r)) in \(Render.count(f.transfers, "transaction")).\n"
        }
        if let note = valuesNote(r) {
            out += "\n| asset | received | sent | balance | price | price day |\n"
            out += "| --- | ---: | ---: | ---: | ---: | --- |\n"
            for v in p.values {
                out +=
                    "| \(MarkdownText.text(v.asset)) | \(MarkdownText.text(v.received.map(v.text) ?? "")) | \(MarkdownText.text(v.sent.map(v.text) ?? "")) | \(MarkdownText.text(v.balanceText)) | \(MarkdownText.text(v.priceText)) | \(Render.isoDay(v.day)) |\n"
            }
            out += "\n\(MarkdownText.text(note))\n"
        }
        out += "\n## Balance over time\n\n"
        if r.history.isEmpty { out += "No movements.\n" }
        for asset in historyAssets(r) {
            let moves = r.history.filter { $0.asset == asset }
            out += "### \(MarkdownText.text(asset))\n\n"
            if moves.count > recentMovements {
                out +=
                    "The latest \(recentMovements) of \(moves.count) movements (JSON and CSV have all).\n\n"
            }
            out += "| time | tx | in | out | balance |\n| --- | --- | ---: | ---: | ---: |\n"
            for m in moves.suffix(recentMovements) {
                out +=
                    "| \(Render.isoTime(m.time)) | \(MarkdownText.code(m.tx)) | \(m.received == .zero ? "" : mdUnits(m.received, asset, r) + mdValueSuffix(m.receivedValue, asset, r)) | \(m.sent == .zero ? "" : mdUnits(m.sent, asset, r) + mdValueSuffix(m.sentValue, asset, r)) | \(mdUnits(m.balance, asset, r)) |\n"
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
                let tags = c.tags.map { "\(MarkdownText.text($0.category)): \(MarkdownText.text($0.label))" }
                    .joined(separator: "; ")
                let value =
                    valued
                    ? " \(c.totalValue.flatMap { t in r.profile.value(c.asset)?.text(t) }.map(MarkdownText.text) ?? "") |"
                    : ""
                out +=
                    "| \(MarkdownText.code(c.address)) | \(tags) | \(MarkdownText.text(c.asset)) | \(mdNonZero(c.received, c.asset, r)) | \(mdNonZero(c.sent, c.asset, r)) | \(c.payments) |\(value)\n"
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
                    "| \(MarkdownText.text(e.category)) | \(MarkdownText.text(e.asset)) | \(mdNonZero(e.received, e.asset, r)) | \(mdNonZero(e.sent, e.asset, r)) | \(e.counterparties) |\n"
            }
            out += "\n| category | label | counterparty | asset | received from | sent to | payments |\n"
            out += "| --- | --- | --- | --- | ---: | ---: | ---: |\n"
            for e in r.exposure {
                out +=
                    "| \(MarkdownText.text(e.category)) | \(MarkdownText.text(e.label)) | \(MarkdownText.code(e.counterparty)) | \(MarkdownText.text(e.asset)) | \(mdNonZero(e.received, e.asset, r)) | \(mdNonZero(e.sent, e.asset, r)) | \(e.payments) |\n"
            }
            out += "\n"
        }
        if let c = p.cluster, c.size > 1, !p.clusterTags.isEmpty {
            out += "## Cluster members with tags\n\n| address | category | label |\n| --- | --- | --- |\n"
            for t in p.clusterTags {
                out +=
                    "| \(MarkdownText.code(t.address)) | \(MarkdownText.text(t.category)) | \(MarkdownText.text(t.label)) |\n"
            }
            out += "\n"
        }
        if !r.alerts.isEmpty {
            out += "## AML alerts\n\n| alert | rule | severity | role | window | explanation |\n"
            out += "| ---: | --- | --- | --- | --- | --- |\n"
            for a in r.alerts {
                out +=
                    "| \(a.id) | \(MarkdownText.text(a.rule)) | \(MarkdownText.text(a.severity)) | \(a.role) | \(a.windowStart) – \(a.windowEnd) | \(MarkdownText.text(a.explanation)) |\n"
            }
            out += "\n"
        }
        return out
    }
}

extension AddressReportRender {
    /// An amount with its asset's symbol, as Markdown text (a token names its own symbol).
    fileprivate static func mdUnits(_ v: UInt256, _ asset: String, _ r: AddressReport) -> String {
        MarkdownText.text(units(v, asset, r))
    }

    fileprivate static func mdUnits(_ v: SignedAmount, _ asset: String, _ r: AddressReport) -> String {
        MarkdownText.text(units(v, asset, r))
    }

    fileprivate static func mdNonZero(_ v: UInt256, _ asset: String, _ r: AddressReport) -> String {
        MarkdownText.text(nonZero(v, asset, r))
    }

    fileprivate static func mdValueSuffix(_ scaled: UInt256?, _ asset: String, _ r: AddressReport) -> String {
        MarkdownText.text(valueSuffix(scaled, asset, r))
    }
}
