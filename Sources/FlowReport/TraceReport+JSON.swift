import FlowAnalysis
import FlowModel
import Foundation

extension TraceRender {
    // MARK: JSON

    /// The run as JSON: one trace's document, or (`--each`) `{schema_version, traces: [...]}`.
    /// Every document starts with `schema_version` (`TraceRender.schemaVersion`).
    public static func json(_ run: TraceRun) -> JSONValue {
        if run.reports.count == 1, let only = run.reports.first { return json(only) }
        return .object(
            [("schema_version", .int(schemaVersion))]
                + (run.throughConversions ? [("through_conversions", .bool(true))] : [])
                + [("traces", .array(run.reports.map(json)))])
    }

    /// A conversion the traced value went through (the report's `conversions`).
    static func json(_ c: TraceConversionReport, _ amount: (UInt256) -> JSONValue) -> JSONValue {
        var fields: [(String, JSONValue)] = [("direction", .string(c.direction))]
        if case .object(let pairs) = TransactionReport.json(c.conversion) {
            fields += [("transaction", .string(c.conversion.tx))] + pairs
        }
        fields += [
            ("asset_in_name", .string(c.assetIn.shortName)),
            ("asset_out_name", .string(c.assetOut.shortName)),
            ("traced_in", .string(c.reached.decimalString)),
            ("traced_out", .string(c.continued.decimalString)),
            ("followed", .bool(c.followed)),
            ("hops", .int(c.hops)),
        ]
        return .object(fields)
    }

    /// One trace as JSON, `schema_version` first.
    public static func json(_ r: TraceReport) -> JSONValue {
        let amount: (UInt256) -> JSONValue = { v in
            if r.model == "utxo", let small = v.uint64, small <= UInt64(Int64.max) {
                return .int(Int64(small))
            }
            return .string(v.decimalString)
        }
        let decimals = r.asset.decimals ?? (r.model == "utxo" ? 8 : 0)
        func endpoint(_ e: TraceEndpointReport) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("kind", .string(e.kind.rawValue)),
                ("address", .optional(e.address)),
            ]
            if r.model == "utxo" {
                fields.append((e.kind == .unknownSource ? "input" : "outpoint", .optional(e.location)))
                if e.kind == .unknownSource { fields.append(("prevout", .optional(e.prevout))) }
            } else if e.location != nil {
                fields.append(("transaction", .optional(e.location)))
            }
            fields += [("amount", amount(e.amount))]
            if let v = r.valuation { fields.append(("value", .string(v.text(e.amount, decimals: decimals)))) }
            fields += [
                ("share", share(e.shareBillionths)),
                ("hops", .int(e.hops)),
                ("time", .optional(e.time.map(Render.isoTime))),
                ("last_time", .optional(e.lastTime.map(Render.isoTime))),
                ("path", .array(e.path.map { .string($0) })),
                (
                    "steps",
                    .array(
                        e.path.enumerated().map { k, id in
                            .object([
                                ("id", .string(id)),
                                ("time", .optional(stepTime(e, k).map(Render.isoTime))),
                            ])
                        })
                ),
                ("tags", .array(e.categories.map { .string($0) })),
            ]
            if !e.conversionSteps.isEmpty {
                fields.append(
                    (
                        "conversion_steps",
                        .array(
                            e.conversionSteps.map {
                                .object([("step", .int($0.step)), ("conversion", .string($0.conversion))])
                            })
                    ))
            }
            return .object(fields)
        }
        var document: [(String, JSONValue)] = [
            ("schema_version", .int(schemaVersion)),
            ("policy", .string(r.policy.rawValue)),
            ("direction", .string(r.direction.rawValue)),
            ("model", .string(r.model)),
            (
                "asset",
                .object([
                    ("id", .int(r.asset.id)), ("chain", .string(r.asset.chain)),
                    ("symbol", .optional(r.asset.symbol)),
                    ("contract", r.asset.contract.isEmpty ? .null : .string(r.asset.contract)),
                    ("decimals", .optional(r.asset.decimals)),
                ])
            ),
            (
                "seeds",
                .array(
                    r.seeds.map { s in
                        .object([
                            ("seed", .string(s.text)), ("items", .int(s.count)), ("amount", amount(s.amount)),
                        ])
                    })
            ),
            (
                "window",
                .object([("since", .optional(r.since)), ("until", .optional(r.until))])
            ),
            (
                "limits",
                .object([
                    ("hops", .int(r.maxHops)),
                    ("min_amount", amount(r.minAmount)),
                    ("stop_at_tags", .array(r.stopCategories.map { .string($0) })),
                ])
            ),
            ("conserves_value", .bool(r.policy.conservesValue)),
            (
                "totals",
                .object([
                    ("seeds", amount(r.totals.seeds)),
                    ("endpoints", amount(r.totals.endpoints)),
                    ("fees", amount(r.totals.fees)),
                    ("below_threshold", amount(r.totals.belowThreshold)),
                    ("below_threshold_branches", .int(r.totals.belowThresholdBranches)),
                    ("cut_by_limits", amount(r.totals.cutByLimits)),
                ])
            ),
            (
                "by_category",
                .array(
                    r.byCategory.map { g in
                        .object([
                            ("category", .string(g.name)), ("amount", amount(g.amount)),
                            ("share", share(g.shareBillionths)), ("endpoints", .int(g.endpoints)),
                        ])
                    })
            ),
            (
                "by_address",
                .array(
                    r.byAddress.map { g in
                        .object([
                            ("address", .string(g.name)), ("amount", amount(g.amount)),
                            ("share", share(g.shareBillionths)), ("endpoints", .int(g.endpoints)),
                            ("tags", .array(g.categories.map { .string($0) })),
                        ])
                    })
            ),
            ("address_count", .int(r.addressCount)),
            ("endpoint_count", .int(r.endpointCount)),
            ("endpoints", .array(r.endpoints.map(endpoint))),
            ("cut_count", .int(r.cutCount)),
            ("cut", .array(r.cuts.map(endpoint))),
            ("steps", .int(r.steps)),
            ("notes", .array(r.notes.map { .string($0) })),
        ]
        if !r.conversions.isEmpty {
            document.append(("conversions", .array(r.conversions.map { json($0, amount) })))
        }
        if let v = r.valuation {
            // Beside the exact base units: the amounts in the currency at one day's price.
            document.append(
                (
                    "valuation",
                    .object([
                        ("currency", .string(v.currency)),
                        ("date", .string(String(Render.isoTime(v.time).prefix(10)))),
                        ("basis", .string(v.basis)),
                        ("price", .string(v.price.decimalString(decimals: 12))),
                        ("seeds", .string(v.text(r.totals.seeds, decimals: decimals))),
                        ("endpoints", .string(v.text(r.totals.endpoints, decimals: decimals))),
                    ])
                ))
        }
        return .object(document)
    }

    /// The time of step `k` of an endpoint's path, when known.
    package static func stepTime(_ e: TraceEndpointReport, _ k: Int) -> Int64? {
        k < e.pathTimes.count ? e.pathTimes[k] : nil
    }

    /// An endpoint's time as text: one ISO-8601 time, or "FIRST … LAST" for an endpoint reached
    /// more than once; "" when unknown.
    package static func timeText(_ e: TraceEndpointReport) -> String {
        guard let first = e.time else { return "" }
        guard let last = e.lastTime, last != first else { return Render.isoTime(first) }
        return Render.isoTime(first) + " … " + Render.isoTime(last)
    }

    package static func share(_ billionths: UInt64) -> JSONValue {
        .double(Double(billionths) / 1e9)
    }
}
