import FlowAnalysis
import FlowModel
import Foundation

/// Renderings of `aml run` results: JSON (the batch interface), Markdown, CSV and HTML
/// (`Reports/AmlHTML.swift`).
public enum AmlRender {
    /// The output formats `--format` takes.
    public enum Format: String, Sendable, CaseIterable {
        case json
        case md
        case csv
        case html
    }

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

    /// Markdown: a summary table, then each alert with its explanation and evidence.
    public static func markdown(_ r: AmlRunResult) -> String {
        var out = "# AML alerts\n\n"
        out += "\(r.alerts.count) alert\(r.alerts.count == 1 ? "" : "s")"
        let counts = AmlSeverity.allCases.reversed().map { s in
            (s, r.alerts.filter { $0.severity == s }.count)
        }
        .filter { $0.1 > 0 }
        if !counts.isEmpty {
            out += " (" + counts.map { "\($0.1) \($0.0.name)" }.joined(separator: ", ") + ")"
        }
        out += ".\n\n"
        for w in r.warnings { out += "> warning: \(cell(w))\n\n" }
        if r.alerts.isEmpty { return out }
        out += "| # | severity | rule | subjects | window | amount |\n| --- | --- | --- | --- | --- | --- |\n"
        for (k, a) in r.alerts.enumerated() {
            out +=
                "| \(k + 1) | \(a.severity.name) | \(cell(a.rule)) | \(cell(a.subjects.joined(separator: ", "))) | \(Render.isoTime(a.windowStart)) – \(Render.isoTime(a.windowEnd)) | \(Render.amount(a.amount, decimals: a.decimals, asset: cell(a.asset)))\(a.valueText.map { " (\($0))" } ?? "") |\n"
        }
        for (k, a) in r.alerts.enumerated() {
            out += "\n## \(k + 1). \(cell(a.rule)) — \(a.severity.name), score \(a.score)\n\n"
            out += "\(cell(a.explanation)).\n\n"
            out += "- id: `\(a.id)`\n- subjects: \(cell(a.subjects.joined(separator: ", ")))\n"
            out += "- addresses (\(a.addresses.count)): \(cell(a.addresses.joined(separator: ", ")))\n\n"
            out += "| tx | from | to | amount | time |\n| --- | --- | --- | --- | --- |\n"
            for e in a.evidence {
                out +=
                    "| \(cell(e.tx)) | \(cell(e.from)) | \(cell(e.to)) | \(Render.amount(e.amount, decimals: a.decimals, asset: cell(a.asset))) | \(Render.isoTime(e.time)) |\n"
            }
        }
        return out
    }

    /// Escapes a value for a Markdown table cell (untrusted text stays text).
    package static func cell(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "`", "*", "_", "[", "]": out += "\\\(c)"
            default: out.append(c)
            }
        }
        return out
    }

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
            out += fields.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    package static func csvField(_ s: String) -> String {
        var s = s
        // A leading =, +, -, @ would be a formula in a spreadsheet.
        if let first = s.first, "=+-@".contains(first) { s = "'" + s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}
