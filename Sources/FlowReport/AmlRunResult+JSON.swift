import FlowAnalysis
import FlowModel
import Foundation

extension AmlRender {
    /// One alert as JSON: `id` (stable across runs: the rule and its evidence), `rule`,
    /// `typology`, `severity`, `score`, `subjects`, `addresses`, `transactions`, `window`,
    /// `asset`, `amount` (base units, decimal text), `amount_units`, `explanation` and `evidence`
    /// (the alert's subgraph: one edge per transfer).
    public static func json(_ a: AmlAlertDocument) -> JSONValue {
        var fields = alertFields(a)
        if let v = a.value, let c = a.currency {
            // Beside the exact base units: the value in the reporting currency.
            fields.insert(
                (
                    "value",
                    .object([("currency", .string(c)), ("amount", .string(PriceSeries.currencyText(v)))])
                ),
                at: fields.firstIndex { $0.0 == "amount_units" }! + 1)
        }
        return .object(fields)
    }

    static func alertFields(_ a: AmlAlertDocument) -> [(String, JSONValue)] {
        [
            ("id", .string(a.id)),
            ("rule", .string(a.rule)),
            ("typology", .string(a.typology)),
            ("severity", .string(a.severity.name)),
            ("score", .int(a.score)),
            ("subjects", .array(a.subjects.map { .string($0) })),
            ("addresses", .array(a.addresses.map { .string($0) })),
            ("transactions", .array(a.transactions.map { .string($0) })),
            (
                "window",
                .object([
                    ("start", .string(Render.isoTime(a.windowStart))),
                    ("end", .string(Render.isoTime(a.windowEnd))),
                ])
            ),
            ("asset", .string(a.asset)),
            ("amount", .string(a.amount.decimalString)),
            ("amount_units", .string(a.amount.decimalString(decimals: a.decimals ?? 0))),
            // Nil when the asset's decimals are unknown: amount_units is then the base units.
            ("decimals", .optional(a.decimals)),
            ("explanation", .string(a.explanation)),
            (
                "evidence",
                .array(
                    a.evidence.map { e in
                        .object([
                            ("tx", .string(e.tx)), ("from", .string(e.from)), ("to", .string(e.to)),
                            ("amount", .string(e.amount.decimalString)),
                            ("time", .string(Render.isoTime(e.time))),
                        ])
                    })
            ),
        ]
    }

    /// The whole run: `schema_version` (`AmlRender.schemaVersion`), alerts, counts by severity.
    /// Nothing run-specific (ids, timings), so the same data and rules give the same bytes.
    public static func json(_ r: AmlRunResult) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("schema_version", .int(schemaVersion)),
            ("alerts", .array(r.alerts.map(json))),
            (
                "summary",
                .object(
                    [("alerts", .int(r.alerts.count))]
                        + AmlSeverity.allCases.map { s in
                            (s.name, .int(r.alerts.filter { $0.severity == s }.count))
                        })
            ),
        ]
        if !r.warnings.isEmpty { fields.append(("warnings", .array(r.warnings.map { .string($0) }))) }
        return .object(fields)
    }
}
