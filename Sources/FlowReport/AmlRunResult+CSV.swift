import FlowAnalysis
import FlowModel
import Foundation

extension AmlRender {
    /// CSV, one row per alert; lists are `;`-separated. `amount` is in base units of `asset`
    /// (satoshi, wei, cents); appended after the first columns (so scripts reading them keep
    /// working): `decimals` of the asset (empty when unknown) and `amount_units`, the amount in
    /// units of the asset (base units ÷ 10^decimals, exact; empty when the decimals are unknown).
    public static func csv(_ r: AmlRunResult) -> String {
        var out =
            "id,rule,typology,severity,score,window_start,window_end,asset,amount,subjects,addresses,transactions,explanation,decimals,amount_units\n"
        for a in r.alerts {
            let fields = [
                a.id, a.rule, a.typology, a.severity.name, String(a.score), Render.isoTime(a.windowStart),
                Render.isoTime(a.windowEnd), a.asset, a.amount.decimalString,
                a.subjects.joined(separator: ";"),
                a.addresses.joined(separator: ";"), a.transactions.joined(separator: ";"), a.explanation,
                a.decimals.map(String.init) ?? "",
                a.decimals.map { a.amount.decimalString(decimals: $0) } ?? "",
            ]
            out += fields.map(CSVText.cell).joined(separator: ",") + "\n"
        }
        return out
    }
}
