import FlowModel

extension ClusterReportRender {
    /// One table, a `section` column saying what each row is: `cluster`, `member`, `tag`,
    /// `inflow`, `outflow`. Amounts in base units.
    public static func csv(_ r: ClusterReport) -> String {
        var rows: [[String]] = [
            ["section", "cluster_id", "address", "asset", "category", "label", "received", "sent", "count"]
        ]
        let m = r.profile.membership
        rows.append(["cluster", String(m.clusterId), m.clusterAddress, "", "", "", "", "", String(m.size)])
        for a in r.profile.members {
            rows.append(["member", String(m.clusterId), a, "", "", "", "", "", ""])
        }
        for t in r.profile.tags {
            rows.append(["tag", String(m.clusterId), t.address, "", t.category, t.label, "", "", ""])
        }
        for (section, list) in [("inflow", r.inflows), ("outflow", r.outflows)] {
            for f in list {
                rows.append([
                    section, String(f.cluster), f.address, f.asset, f.categories.joined(separator: "; "), "",
                    f.received.decimalString, f.sent.decimalString, String(f.payments),
                ])
            }
        }
        return rows.map { $0.map { CSVText.cell($0) }.joined(separator: ",") }
            .joined(separator: "\n") + "\n"
    }
}
