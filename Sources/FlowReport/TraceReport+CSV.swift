import FlowAnalysis
import FlowModel
import Foundation

extension TraceRender {
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
                out += fields.map(CSVText.cell).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}
