import FlowModel

extension AddressReportRender {
    // MARK: CSV

    /// One table for the whole report, a `section` column saying what each row is:
    /// `asset` (totals per asset), `tag`, `cluster`, `balance` (one per movement), `counterparty`,
    /// `exposure`, `alert`. Amounts in base units.
    public static func csv(_ r: AddressReport) -> String {
        let header = [
            "section", "asset", "time", "tx", "address", "category", "label", "received", "sent", "balance",
            "count", "currency", "received_value", "sent_value", "balance_value",
        ]
        // A hub's report has a million balance rows: written cell by cell.
        var out = CSVWriter()
        for h in header { out.cell(h) }
        out.endLine()
        func row(
            _ section: String, asset: String = "", time: String = "", tx: String = "", address: String = "",
            category: String = "", label: String = "", received: String = "", sent: String = "",
            balance: String = "", count: String = "", values: [String]? = nil
        ) {
            for cell in [section, asset, time, tx, address, category, label, received, sent, balance, count] {
                out.cell(cell)
            }
            if let values {
                for v in values { out.cell(v) }
            } else {
                for _ in 0..<4 { out.cell("") }
            }
            out.endLine()
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
                })
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
                    ? nil : [p.value(m.asset)?.currency ?? "", text(m.receivedValue), text(m.sentValue), ""])
        }
        for c in r.counterparties {
            row(
                "counterparty", asset: c.asset, address: c.address,
                category: c.tags.map(\.category).joined(separator: "; "),
                label: c.tags.map(\.label).joined(separator: "; "), received: c.received.decimalString,
                sent: c.sent.decimalString, count: String(c.payments),
                values: c.totalValue == nil
                    ? nil : [p.value(c.asset)?.currency ?? "", "", "", text(c.totalValue)])
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
        return out.text
    }
}
