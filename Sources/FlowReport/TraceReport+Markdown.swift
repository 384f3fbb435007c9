import FlowAnalysis
package import FlowModel
import Foundation

extension TraceRender {
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
                "| seed | \(MarkdownText.code(s.text)): \(units(s.amount)) (\(Render.count(s.count, r.model == "utxo" ? "output" : "transfer"))) |\n"
        }
        out += "| policy | \(policyLine(r.policy)) |\n"
        out +=
            "| graph | \(r.model == "utxo" ? "Bitcoin transactions (main chain)" : "transfers of \(MarkdownText.text(r.asset.name)) (\(MarkdownText.text(r.asset.chain))\(r.asset.decimals == nil ? "; decimals unknown: amounts in base units" : ""))") |\n"
        out += "| window | \(window(r)) |\n"
        var limits = ["\(Render.count(r.maxHops, "hop"))"]
        if r.minAmount != .zero { limits.append("branches under \(units(r.minAmount)) cut") }
        if !r.stopCategories.isEmpty {
            limits.append("stop at tags: \(r.stopCategories.map(MarkdownText.text).joined(separator: ", "))")
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

        out += conversionsMarkdown(r)
        if !r.byCategory.isEmpty {
            out +=
                "## By tag category\n\n| category | amount | share | endpoints |\n| --- | ---: | ---: | ---: |\n"
            for g in r.byCategory {
                out +=
                    "| \(MarkdownText.text(g.name)) | \(units(g.amount)) | \(percent(g.amount, of: t.seeds)) | \(g.endpoints) |\n"
            }
            out += "\n"
        }
        if !r.byAddress.isEmpty {
            out +=
                "## By address\n\n| address | tags | amount | share | endpoints |\n| --- | --- | ---: | ---: | ---: |\n"
            for g in r.byAddress {
                out +=
                    "| \(MarkdownText.code(g.name)) | \(g.categories.map(MarkdownText.text).joined(separator: ", ")) | \(units(g.amount)) | \(percent(g.amount, of: t.seeds)) | \(g.endpoints) |\n"
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
            out += "## Notes\n\n" + r.notes.map { "- \(MarkdownText.text($0))\n" }.joined() + "\n"
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
                    MarkdownText.code($0)
                        + (e.categories.isEmpty
                            ? "" : " (\(e.categories.map(MarkdownText.text).joined(separator: ", ")))")
                } ?? ""
            let place = [e.location, e.prevout.map { "spends \($0)" }].compactMap { $0 }.map(
                MarkdownText.code
            )
            .joined(separator: " ")
            // Each step with its time: "`f4184fc5…` 2009-01-12T03:30:25Z → …".
            let path = e.path.enumerated().map { k, id in
                let via =
                    e.conversionSteps.first { $0.step == k }.map { " (\(MarkdownText.text($0.conversion)))" }
                    ?? ""
                return MarkdownText.code(short(id)) + (stepTime(e, k).map { " " + Render.isoTime($0) } ?? "")
                    + via
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

    /// The conversions the traced value went through (`trace --through-conversions`).
    static func conversionsMarkdown(_ r: TraceReport) -> String {
        guard !r.conversions.isEmpty else { return "" }
        var out = "## Conversions\n\n"
        out += "| | conversion | transaction | pool | traced in | traced out | hops |\n"
        out += "| --- | --- | --- | --- | ---: | ---: | ---: |\n"
        for c in r.conversions {
            let what = c.direction == "out" ? "out of \(r.asset.name)" : "into \(r.asset.name)"
            let reached = r.direction == .forward ? c.assetIn : c.assetOut
            let continued = r.direction == .forward ? c.assetOut : c.assetIn
            let note = c.followed ? "" : " (not followed: its other leg is not stored)"
            out +=
                "| \(MarkdownText.text(what)) | \(MarkdownText.text(c.conversion.protocolName)) #\(c.conversion.logIndex): \(MarkdownText.text(c.assetIn.shortName)) → \(MarkdownText.text(c.assetOut.shortName)) | \(MarkdownText.code(c.conversion.tx)) | \(MarkdownText.code(c.conversion.pool)) | \(formatAmount(c.reached, reached)) | \(formatAmount(c.continued, continued))\(note) | \(c.hops) |\n"
        }
        return out + "\n"
    }
}
