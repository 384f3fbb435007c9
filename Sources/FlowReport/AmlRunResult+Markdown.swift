import FlowAnalysis
import FlowModel
import Foundation

extension AmlRender {
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
        for w in r.warnings { out += "> warning: \(MarkdownText.text(w))\n\n" }
        if r.alerts.isEmpty { return out }
        out += "| # | severity | rule | subjects | window | amount |\n| --- | --- | --- | --- | --- | --- |\n"
        for (k, a) in r.alerts.enumerated() {
            out +=
                "| \(k + 1) | \(a.severity.name) | \(MarkdownText.text(a.rule)) | \(MarkdownText.text(a.subjects.joined(separator: ", "))) | \(Render.isoTime(a.windowStart)) – \(Render.isoTime(a.windowEnd)) | \(Render.amount(a.amount, decimals: a.decimals, asset: MarkdownText.text(a.asset)))\(a.valueText.map { " (\($0))" } ?? "") |\n"
        }
        for (k, a) in r.alerts.enumerated() {
            out += "\n## \(k + 1). \(MarkdownText.text(a.rule)) — \(a.severity.name), score \(a.score)\n\n"
            out += "\(MarkdownText.text(a.explanation)).\n\n"
            out += "- id: `\(a.id)`\n- subjects: \(MarkdownText.text(a.subjects.joined(separator: ", ")))\n"
            out +=
                "- addresses (\(a.addresses.count)): \(MarkdownText.text(a.addresses.joined(separator: ", ")))\n\n"
            out += "| tx | from | to | amount | time |\n| --- | --- | --- | --- | --- |\n"
            for e in a.evidence {
                out +=
                    "| \(MarkdownText.text(e.tx)) | \(MarkdownText.text(e.from)) | \(MarkdownText.text(e.to)) | \(Render.amount(e.amount, decimals: a.decimals, asset: MarkdownText.text(a.asset))) | \(Render.isoTime(e.time)) |\n"
            }
        }
        return out
    }
}
