package import FlowModel

/// Renderings of the cluster profile report, one file per format (`ClusterReport+JSON.swift`,
/// `+CSV`, `+Markdown`, `+HTML`: a self-contained page); this file keeps what they share.
public enum ClusterReportRender {
    package static func units(_ v: UInt256, _ f: ClusterReport.Flow) -> String {
        v == .zero ? "" : Render.amount(v, decimals: f.decimals, asset: f.asset)
    }

    /// Members beyond the listed ones.
    package static func notListed(_ r: ClusterReport) -> Int {
        max(0, r.profile.membership.size - r.profile.offset - r.profile.members.count)
    }
}
