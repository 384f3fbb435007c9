package import FlowModel

extension Render {
    public static func addressJSON(_ p: AddressProfile) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let b = p.bitcoin, case .object(let m) = addressJSON(b) {
            members = m
        } else {
            members = [("address", .string(p.address)), ("chain", p.chain.map { .string($0) } ?? .null)]
        }
        members.append(
            (
                "assets",
                .array(
                    p.assets.map { a in
                        .object(
                            [
                                ("asset", .string(a.asset)), ("chain", .string(a.chain)),
                                ("contract", a.contract.map { .string($0) } ?? .null),
                                ("decimals", .optional(a.decimals)),
                            ] + activityJSON(a) + [
                                ("transfers", .int(a.transfers)),
                                ("first_time", .optional(a.firstTime)), ("last_time", .optional(a.lastTime)),
                            ] + (p.value(a.asset).map { [("value", valueJSON($0))] } ?? []))
                    })
            ))
        members.append(
            (
                "fees_paid",
                .array(
                    p.fees.map { f in
                        .object([
                            ("asset", .string(f.asset)), ("amount", .string(f.sent.decimalString)),
                            ("transactions", .int(f.transfers)),
                        ])
                    })
            ))
        members.append(
            (
                "tags",
                .array(
                    p.tags.map { t in
                        .object([
                            ("label", .string(t.label)), ("category", .string(t.category)),
                            ("source", .string(t.source)),
                            ("confidence", t.confidence.map { .double($0) } ?? .null),
                        ])
                    })
            ))
        members.append(
            (
                "cluster",
                p.cluster.map { c in
                    .object([
                        ("cluster_id", .int(c.clusterId)), ("cluster", .string(c.clusterAddress)),
                        ("size", .int(c.size)),
                        (
                            "member_tags",
                            .array(
                                p.clusterTags.map { t in
                                    .object([
                                        ("address", .string(t.address)), ("label", .string(t.label)),
                                        ("category", .string(t.category)), ("source", .string(t.source)),
                                    ])
                                })
                        ),
                    ])
                } ?? .null
            ))
        return .object(members)
    }

    /// An asset's value in the reporting currency: `currency`, `day` (of the price), `price` (one
    /// whole unit), `balance` at that price, and, in the full report, `received` and `sent` (each
    /// movement at its own day's price). Decimal text with 2 places; base units stay exact beside it.
    package static func valueJSON(_ v: AssetValue) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("currency", .string(v.currency)), ("day", .string(isoDay(v.day))),
            ("price", .string(v.price.decimalString(decimals: PriceSeries.scale))),
            (
                "balance",
                .string((v.balance.negative ? "-" : "") + PriceSeries.currencyText(v.balance.magnitude))
            ),
        ]
        if let r = v.received { fields.append(("received", .string(PriceSeries.currencyText(r)))) }
        if let s = v.sent { fields.append(("sent", .string(PriceSeries.currencyText(s)))) }
        return .object(fields)
    }

    /// `YYYY-MM-DD` of a Unix time.
    package static func isoDay(_ t: Int64) -> String { String(isoTime(t).prefix(10)) }

    /// An amount in base units with the asset's decimals ("1.5 ETH").
    package static func units(_ v: UInt256, _ a: AssetActivity) -> String {
        Render.amount(v, decimals: a.decimals, asset: a.asset)
    }

    public static func addressText(_ p: AddressProfile) -> String {
        var out = ""
        if let b = p.bitcoin {
            out += addressText(b)
        } else {
            out += "address   \(p.address)\(p.chain.map { " (\($0))" } ?? "")\n"
        }
        for a in p.assets where a.asset != "BTC" || p.bitcoin == nil {
            out += "  \(TerminalText.field(a.asset))\n"
            out += "    received  \(activityUnits(a, .received))\n"
            out += "    sent      \(activityUnits(a, .sent))\n"
            out += "    balance   \(activityUnits(a, .balance))\n"
            if a.overflow != nil {
                out +=
                    "    note      \(AmountOverflow.note); its movements are left out of the report's tables\n"
            }
            if let v = p.value(a.asset) {
                out += "    value     \(v.balanceText) (balance at the price of \(isoDay(v.day)))\n"
            }
            out += "    transfers \(a.transfers)"
            if let f = a.firstTime, let l = a.lastTime { out += "  first \(isoTime(f))  last \(isoTime(l))" }
            out += "\n"
        }
        if p.bitcoin != nil, let v = p.value("BTC") {
            out += "  value     \(v.balanceText) (balance at the price of \(isoDay(v.day)))\n"
        }
        for f in p.fees {
            out += "  fees paid  \(units(f.sent, f)) in \(Render.count(f.transfers, "transaction"))\n"
        }
        if let c = p.cluster, c.size > 1 {
            out +=
                "  cluster   \(c.clusterAddress) (\(Render.count(c.size, "address", "addresses")); `chainflow cluster show` for more)\n"
            for t in p.clusterTags {
                out +=
                    "    member tag  \(TerminalText.field(t.category)): \(TerminalText.field(t.label)) on \(t.address)\n"
            }
        }
        if !p.tags.isEmpty {
            out += "  tags\n"
            for t in p.tags {
                out +=
                    "    \(TerminalText.field(t.category)): \(TerminalText.field(t.label)) (source \(TerminalText.field(t.source))"
                if let c = t.confidence { out += ", confidence \(c)" }
                out += ")\n"
            }
        }
        return out
    }
}
