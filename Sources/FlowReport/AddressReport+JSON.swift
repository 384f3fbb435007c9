import FlowModel

extension AddressReportRender {
    // MARK: JSON

    /// `chainflow address --format json` (and `--json`): the profile's fields as before, plus
    /// `schema_version`, `balance_history`, `counterparties`, `exposure` and `alerts`.
    public static func json(_ r: AddressReport) -> JSONValue {
        var fields: [(String, JSONValue)] = [("schema_version", .int(AddressReport.schemaVersion))]
        if case .object(let profile) = Render.addressJSON(r.profile) { fields += profile }
        fields.append(
            (
                "balance_history",
                .rows(
                    count: r.history.count,
                    object: { k, o in
                        let m = r.history[k]
                        o.string("model", m.model)
                        o.int("time", m.time)
                        o.value("block", .optional(m.block))
                        o.string("tx", m.tx)
                        o.string("asset", m.asset)
                        o.string("received", m.received.decimalString)
                        o.string("sent", m.sent.decimalString)
                        o.string("balance", m.balance.text)
                        for (key, value) in movementValueJSON(m, r) { o.value(key, value) }
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
}
