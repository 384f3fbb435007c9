import FlowModel

/// CSV cells of every CSV the project writes (RFC 4180 quoting; formula-looking text defused).
package enum CSVText {
    /// A field quoted when it holds a comma, quote, CR or LF.
    package static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// A cell of any CSV report: defused, then quoted where needed. The one field rule of the
    /// trace, AML, query, address and cluster CSVs.
    package static func cell(_ s: String) -> String { field(defused(s)) }

    /// Untrusted text that a spreadsheet would evaluate as a formula, prefixed with `'`.
    package static func defused(_ s: String) -> String {
        guard let first = s.first else { return s }
        if first == "=" || first == "+" || first == "@" || first == "\t" || first == "\r" {
            return "'" + s
        }
        if first == "-", let second = s.dropFirst().first, !second.isNumber { return "'" + s }
        return s
    }
}
