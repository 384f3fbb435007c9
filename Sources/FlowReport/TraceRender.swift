import FlowAnalysis
public import FlowModel
import Foundation

/// JSON, Markdown and HTML (`Reports/TraceHTML.swift`) renderings of traces. All are
/// deterministic: the same trace gives the same bytes (no timings, no run id).
///
/// Amounts are base units: JSON integers for Bitcoin (satoshi, as elsewhere in chainflow),
/// decimal strings for account-model assets (wei and token amounts exceed 2^63). Shares are
/// fractions of the seeds' total, rounded down to 9 decimals.
public enum TraceRender {
    // MARK: JSON

    /// The run as JSON: one trace's document, or (`--each`) `{schema_version, traces: [...]}`.
    /// Every document starts with `schema_version` (`TraceRender.schemaVersion`).
    public static func json(_ run: TraceRun) -> JSONValue {
        if run.reports.count == 1, let only = run.reports.first { return json(only) }
        return .object([
            ("schema_version", .int(schemaVersion)), ("traces", .array(run.reports.map(json))),
        ])
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

    // MARK: Markdown

    public static func markdown(_ run: TraceRun) -> String {
        run.reports.map(markdown).joined(separator: "\n")
    }

    public static func markdown(_ r: TraceReport) -> String {
        let units = { (v: UInt256) -> String in formatAmount(v, r.asset) }
        var out = "# Trace \(r.direction == .forward ? "forward" : "backward") (\(r.policy.rawValue))\n\n"
        out += "| | |\n| --- | --- |\n"
        for s in r.seeds {
            out +=
                "| seed | \(code(s.text)): \(units(s.amount)) (\(Render.count(s.count, r.model == "utxo" ? "output" : "transfer"))) |\n"
        }
        out += "| policy | \(policyLine(r.policy)) |\n"
        out +=
            "| graph | \(r.model == "utxo" ? "Bitcoin transactions (main chain)" : "transfers of \(md(r.asset.name)) (\(md(r.asset.chain))\(r.asset.decimals == nil ? "; decimals unknown: amounts in base units" : ""))") |\n"
        out += "| window | \(window(r)) |\n"
        var limits = ["\(Render.count(r.maxHops, "hop"))"]
        if r.minAmount != .zero { limits.append("branches under \(units(r.minAmount)) cut") }
        if !r.stopCategories.isEmpty {
            limits.append("stop at tags: \(r.stopCategories.map(md).joined(separator: ", "))")
        }
        out += "| limits | \(limits.joined(separator: "; ")) |\n"
        out +=
            "| steps | \(Render.count(r.steps, r.model == "utxo" ? "transaction" : "transfer")) followed |\n\n"

        out += "## Totals\n\n| | amount | share |\n| --- | ---: | ---: |\n"
        let t = r.totals
        func row(_ name: String, _ v: UInt256) -> String {
            "| \(name) | \(units(v)) | \(percent(v, of: t.seeds)) |\n"
        }
        out += row("endpoints (\(Render.grouped(r.endpointCount)))", t.endpoints)
        out += row(r.direction == .forward ? "fees" : "fees (none backward)", t.fees)
        out += row(
            "below threshold (\(Render.count(t.belowThresholdBranches, "branch", "branches")))",
            t.belowThreshold)
        out += row("cut by limits (\(Render.grouped(r.cutCount)))", t.cutByLimits)
        out += "| **seeds** | **\(units(t.seeds))** | |\n\n"
        if !r.policy.conservesValue {
            out +=
                "Poison taints every output of a tainted transaction fully: amounts exceed the seeds by design.\n\n"
        }

        if !r.byCategory.isEmpty {
            out +=
                "## By tag category\n\n| category | amount | share | endpoints |\n| --- | ---: | ---: | ---: |\n"
            for g in r.byCategory {
                out +=
                    "| \(md(g.name)) | \(units(g.amount)) | \(percent(g.amount, of: t.seeds)) | \(g.endpoints) |\n"
            }
            out += "\n"
        }
        if !r.byAddress.isEmpty {
            out +=
                "## By address\n\n| address | tags | amount | share | endpoints |\n| --- | --- | ---: | ---: | ---: |\n"
            for g in r.byAddress {
                out +=
                    "| \(code(g.name)) | \(g.categories.map(md).joined(separator: ", ")) | \(units(g.amount)) | \(percent(g.amount, of: t.seeds)) | \(g.endpoints) |\n"
            }
            if r.addressCount > r.byAddress.count {
                out +=
                    "\n\(Render.grouped(r.addressCount - r.byAddress.count)) more addresses not listed (see --limit).\n"
            }
            out += "\n"
        }
        out += "## Endpoints\n\n"
        out += table(r.endpoints, r, total: r.endpointCount)
        if !r.cuts.isEmpty {
            out += "## Cut by limits\n\n"
            out += table(r.cuts, r, total: r.cutCount)
        }
        if !r.notes.isEmpty {
            out += "## Notes\n\n" + r.notes.map { "- \(md($0))\n" }.joined() + "\n"
        }
        return out
    }

    package static func table(_ rows: [TraceEndpointReport], _ r: TraceReport, total: Int) -> String {
        if rows.isEmpty { return "None.\n\n" }
        var out = "| # | kind | address | where | amount | share | hops | time | path |\n"
        out += "| ---: | --- | --- | --- | ---: | ---: | ---: | --- | --- |\n"
        for (i, e) in rows.enumerated() {
            let address =
                e.address.map {
                    code($0)
                        + (e.categories.isEmpty ? "" : " (\(e.categories.map(md).joined(separator: ", ")))")
                } ?? ""
            let place = [e.location, e.prevout.map { "spends \($0)" }].compactMap { $0 }.map(code)
                .joined(separator: " ")
            // Each step with its time: "`f4184fc5…` 2009-01-12T03:30:25Z → …".
            let path = e.path.enumerated().map { k, id in
                code(short(id)) + (stepTime(e, k).map { " " + Render.isoTime($0) } ?? "")
            }.joined(separator: " → ")
            let time = e.reachedMoreThanOnce ? timeText(e) + " (first … last)" : timeText(e)
            out +=
                "| \(i + 1) | \(e.kind.rawValue) | \(address) | \(place) | \(formatAmount(e.amount, r.asset)) | \(percent(e.shareBillionths)) | \(e.hops) | \(time) | \(path) |\n"
        }
        if total > rows.count {
            out +=
                "\n\(Render.grouped(total - rows.count)) more not listed (see --limit); the totals include them.\n"
        }
        return out + "\n"
    }

    package static func policyLine(_ p: TracePolicy) -> String {
        switch p {
        case .poison: "poison: any tainted input taints every output fully"
        case .haircut:
            "haircut: each output carries the tainted share of its inputs (exact, largest remainder)"
        case .fifo: "FIFO: first in, first out; outputs carry the tainted units their range overlaps"
        }
    }

    package static func window(_ r: TraceReport) -> String {
        if r.since == nil && r.until == nil { return "all" }
        let since = r.since.map(Render.isoTime) ?? "start"
        let until = r.until.map(Render.isoTime) ?? "end"
        return "\(since) … \(until)"
    }

    /// The trace as CSV: one row per endpoint and per cut (as many as the report lists), with the
    /// trace's number (for `--each`), the amount in base units and in units of the asset, the
    /// share of the seeds in billionths, and the full path of txids or transaction ids separated
    /// by spaces; then (appended, so earlier columns keep their place) the endpoint's time and
    /// last time (ISO-8601 UTC; they differ for an endpoint reached more than once) and each
    /// step's time, space-separated like the path (`?` where unknown). Text from the data is
    /// quoted and guarded against spreadsheet formulas.
    public static func csv(_ run: TraceRun) -> String {
        var out =
            "trace,policy,direction,asset,row,kind,address,categories,location,prevout,amount_base_units,amount,share_billionths,hops,path,time,last_time,path_times\n"
        for (k, r) in run.reports.enumerated() {
            for (row, e) in r.endpoints.map({ ("endpoint", $0) }) + r.cuts.map({ ("cut", $0) }) {
                let decimals = r.asset.decimals
                let fields: [String] = [
                    String(k + 1), r.policy.rawValue, r.direction.rawValue, r.asset.name, row,
                    e.kind.rawValue, e.address ?? "",
                    e.categories.joined(separator: " "), e.location ?? "", e.prevout ?? "",
                    e.amount.decimalString,
                    decimals.map { e.amount.decimalString(decimals: $0) } ?? e.amount.decimalString,
                    String(e.shareBillionths), String(e.hops), e.path.joined(separator: " "),
                    e.time.map(Render.isoTime) ?? "", e.lastTime.map(Render.isoTime) ?? "",
                    e.path.indices.map { stepTime(e, $0).map(Render.isoTime) ?? "?" }.joined(separator: " "),
                ]
                out += fields.map(AmlRender.csvField).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// `amount` in units of the asset, exact, with its symbol.
    public static func formatAmount(_ v: UInt256, _ asset: TraceAsset) -> String {
        Render.amount(v, decimals: asset.decimals, asset: md(asset.name))
    }

    package static func percent(_ v: UInt256, of total: UInt256) -> String {
        guard total != .zero else { return "" }
        return percent(UInt256.multiplyDivide(v, UInt256(1_000_000_000), total)?.quotient.uint64 ?? 0)
    }

    /// Billionths as a percentage with 2 decimals (rounded down).
    package static func percent(_ billionths: UInt64) -> String {
        let hundredths = billionths / 100_000
        let frac = String(hundredths % 100)
        return "\(hundredths / 100).\(frac.count == 1 ? "0" + frac : frac)%"
    }

    /// A txid shortened for tables (full ids are in the JSON).
    package static func short(_ id: String) -> String {
        id.count == 64 ? String(id.prefix(8)) + "…" : id
    }

    /// Untrusted text as a code span in a table cell (backticks become quotes, pipes escaped).
    package static func code(_ s: String) -> String {
        var out = "`"
        for c in s {
            switch c {
            case "`": out += "'"
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out + "`"
    }

    /// Escapes untrusted text for a Markdown table cell.
    package static func md(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "|", "\\", "`", "*", "_", "[", "]", "<", ">", "#": out += "\\" + String(c)
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }
}
