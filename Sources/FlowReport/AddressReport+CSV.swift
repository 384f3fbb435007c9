import FlowModel

extension AddressReportRender {
    // MARK: CSV

    /// One table for the whole report, a `section` column saying what each row is:
    /// `asset` (totals per asset), `sum_overflow` (an asset whose sums pass 2^256), `tag`, `cluster`, `balance` (one per movement), `counterparty`,
    /// `exposure`, `alert`. Amounts in base units.
    public static func csv(_ r: AddressReport) -> String {
        var text: [UInt8] = []
        // Appending to memory cannot fail.
        try? csv(r) { text += $0 }
        return String(decoding: text, as: UTF8.self)
    }

    /// The CSV handed to `emit` in pieces of about `chunk` bytes (a hub's report is a million
    /// lines); the first error `emit` throws stops the writing and is thrown.
    public static func csv(_ r: AddressReport, chunk: Int = 1 << 20, _ emit: ([UInt8]) throws -> Void) throws
    {
        try withoutActuallyEscaping(emit) { emit in try csv(r, chunk: chunk, escaping: emit) }
    }

    private static func csv(_ r: AddressReport, chunk: Int, escaping emit: @escaping ([UInt8]) throws -> Void)
        throws
    {
        let header = [
            "section", "asset", "time", "tx", "address", "category", "label", "received", "sent", "balance",
            "count", "currency", "received_value", "sent_value", "balance_value",
        ]
        // A hub's report has a million balance rows: written cell by cell.
        var out = CSVWriter { bytes in
            guard bytes.count >= chunk else { return }
            try emit(bytes)
            bytes.removeAll(keepingCapacity: true)
        }
        for h in header { out.cell(h) }
        try out.endLine()
        func row(
            _ section: String, asset: String = "", time: String = "", tx: String = "", address: String = "",
            category: String = "", label: String = "", received: String = "", sent: String = "",
            balance: String = "", count: String = "", values: [String]? = nil
        ) throws {
            for cell in [section, asset, time, tx, address, category, label, received, sent, balance, count] {
                out.cell(cell)
            }
            if let values {
                for v in values { out.cell(v) }
            } else {
                for _ in 0..<4 { out.cell("") }
            }
            try out.endLine()
        }
        func text(_ v: UInt256?) -> String { v.map(PriceSeries.currencyText) ?? "" }
        let p = r.profile
        for a in p.assets {
            try row(
                "asset", asset: a.asset, time: a.lastTime.map(Render.isoTime) ?? "", address: p.address,
                received: Render.baseUnits(a, .received), sent: Render.baseUnits(a, .sent),
                balance: Render.baseUnits(a, .balance),
                count: String(a.transfers),
                values: p.value(a.asset).map {
                    [
                        $0.currency, text($0.received), text($0.sent),
                        ($0.balance.negative ? "-" : "") + text($0.balance.magnitude),
                    ]
                })
            // Sums past 2^256: exact above, said here; the asset's movements are not listed.
            if a.overflow != nil { try row("sum_overflow", asset: a.asset, label: AmountOverflow.note) }
        }
        for t in p.tags { try row("tag", address: p.address, category: t.category, label: t.label) }
        if let c = p.cluster {
            try row(
                "cluster", address: c.clusterAddress, label: "cluster \(c.clusterId)", count: String(c.size))
            for t in p.clusterTags {
                try row("cluster", address: t.address, category: t.category, label: t.label)
            }
        }
        for m in r.history {
            // row("balance", …) cell by cell: a million of them.
            out.cell("balance")
            out.cell(m.asset)
            out.cell(Render.isoTime(m.time))
            out.cell(m.tx)
            out.cell(p.address)
            out.cell("")
            out.cell("")
            out.cell(m.received.decimalString)
            out.cell(m.sent.decimalString)
            out.cell(m.balance.text)
            out.cell("")
            if m.receivedValue == nil {
                for _ in 0..<4 { out.cell("") }
            } else {
                for v in [p.value(m.asset)?.currency ?? "", text(m.receivedValue), text(m.sentValue), ""] {
                    out.cell(v)
                }
            }
            try out.endLine()
        }
        for c in r.counterparties {
            try row(
                "counterparty", asset: c.asset, address: c.address,
                category: c.tags.map(\.category).joined(separator: "; "),
                label: c.tags.map(\.label).joined(separator: "; "), received: c.received.decimalString,
                sent: c.sent.decimalString, count: String(c.payments),
                values: c.totalValue == nil
                    ? nil : [p.value(c.asset)?.currency ?? "", "", "", text(c.totalValue)])
        }
        for e in r.exposure {
            try row(
                "exposure", asset: e.asset, address: e.counterparty, category: e.category, label: e.label,
                received: e.received.decimalString, sent: e.sent.decimalString, count: String(e.payments))
        }
        for a in r.alerts {
            try row(
                "alert", asset: a.asset ?? "", time: a.windowStart, tx: String(a.id), address: p.address,
                category: a.rule, label: a.explanation, received: a.amount ?? "", count: String(a.score))
        }
        try emit(out.bytes)
    }
}
