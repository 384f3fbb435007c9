import FlowModel

extension ClusterReportRender {
    package static func flowJSON(_ f: ClusterReport.Flow) -> JSONValue {
        .object([
            ("cluster_id", .int(f.cluster)), ("cluster", .string(f.address)), ("asset", .string(f.asset)),
            ("received", .string(f.received.decimalString)), ("sent", .string(f.sent.decimalString)),
            ("payments", .int(f.payments)), ("categories", .array(f.categories.map { .string($0) })),
        ])
    }

    /// `cluster show --format json` (and `--json`): the fields of `cluster show --json` plus
    /// `schema_version`, `members.count_not_listed` and `flows`.
    public static func json(_ r: ClusterReport) -> JSONValue {
        var fields: [(String, JSONValue)] = [("schema_version", .int(ClusterReport.schemaVersion))]
        if case .object(let show) = ClusterRender.showJSON(r.profile) {
            fields += show.map { key, value in
                guard key == "members", case .object(var m) = value else { return (key, value) }
                m.append(("count_not_listed", .int(notListed(r))))
                return (key, .object(m))
            }
        }
        fields.append(
            (
                "flows",
                .object([
                    ("limit_per_asset", .int(r.flowLimit)),
                    (
                        "counterpart_clusters",
                        .object(r.counterparts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
                    ),
                    ("bitcoin_transactions", .int(r.transactions)),
                    ("bitcoin_incomplete_transactions", .int(r.incomplete)),
                    ("to_itself", .int(r.toItself)), ("mined", .int(r.mined)),
                    ("inflows", .array(r.inflows.map(flowJSON))),
                    ("outflows", .array(r.outflows.map(flowJSON))),
                ])
            ))
        return .object(fields)
    }
}
