package import FlowModel

/// Renderings of the address profile report, one file per format (`AddressReport+JSON.swift`,
/// `+CSV`, `+Markdown`, `+HTML`: a self-contained page); this file keeps what they share.
public enum AddressReportRender {
    /// Movements listed in the Markdown and HTML tables (the latest ones; JSON and CSV have all).
    public static let recentMovements = 20

    package static func units(_ v: UInt256, _ asset: String, _ r: AddressReport) -> String {
        Render.amount(v, decimals: r.decimals(asset), asset: asset)
    }

    /// The amount, or nothing when it is zero (tables of in / out).
    package static func nonZero(_ v: UInt256, _ asset: String, _ r: AddressReport) -> String {
        v == .zero ? "" : units(v, asset, r)
    }

    package static func units(_ v: SignedAmount, _ asset: String, _ r: AddressReport) -> String {
        Render.amount(v, decimals: r.decimals(asset), asset: asset)
    }

    /// Assets in the order the history lists them.
    package static func historyAssets(_ r: AddressReport) -> [String] {
        var out: [String] = []
        for m in r.history where !out.contains(m.asset) { out.append(m.asset) }
        return out
    }

}
