import FlowAnalysis
public import FlowModel
import Foundation

/// Renderings of traces, one file per format (`TraceReport+JSON.swift`, `+Markdown`, `+CSV`,
/// `+HTML`); this file keeps what they share. All are
/// deterministic: the same trace gives the same bytes (no timings, no run id).
///
/// Amounts are base units: JSON integers for Bitcoin (satoshi, as elsewhere in chainflow),
/// decimal strings for account-model assets (wei and token amounts exceed 2^63). Shares are
/// fractions of the seeds' total, rounded down to 9 decimals.
public enum TraceRender {

    /// `amount` in units of the asset, exact, with its symbol.
    public static func formatAmount(_ v: UInt256, _ asset: TraceAsset) -> String {
        Render.amount(v, decimals: asset.decimals, asset: MarkdownText.text(asset.name))
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
}
