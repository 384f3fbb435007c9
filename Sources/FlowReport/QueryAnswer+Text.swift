public import FlowModel
import Foundation

/// The query library's own pages: `chainflow query --list` and `--describe`.
extension LibraryQuery {
    /// The `--list` text: each query's name and summary.
    public static func listText(_ queries: [LibraryQuery]) -> String {
        let width = queries.map(\.name.count).max() ?? 0
        return queries.map { q in
            q.name + String(repeating: " ", count: width - q.name.count + 2) + q.summary + "\n"
        }.joined()
    }

    /// A query's documentation as text (`chainflow query NAME --describe`).
    public static func describeText(_ q: LibraryQuery) -> String {
        var out = "\(q.name): \(q.summary)\n\n"
        for p in q.description { out += wrap(p, indent: "") + "\n" }
        if !q.parameters.isEmpty {
            out += "Parameters (--param NAME=VALUE):\n"
            let heads = q.parameters.map { p in
                "  \(p.name) (\(p.kind.rawValue)\(p.defaultValue.map { ", default \($0)" } ?? ", required"))"
            }
            let width = heads.map(\.count).max() ?? 0
            for (head, p) in zip(heads, q.parameters) {
                var line = head + String(repeating: " ", count: width - head.count) + "  \(p.meaning)"
                if let e = p.example { line += "; e.g. \(e)" }
                out += line + "\n"
            }
        }
        out += "Columns:\n"
        let width = q.columns.map(\.name.count).max() ?? 0
        for c in q.columns {
            out += "  \(c.name)\(String(repeating: " ", count: width - c.name.count))  \(c.meaning)\n"
        }
        return out
    }

    static func wrap(_ text: String, indent: String, width: Int = 100) -> String {
        var out = ""
        var line = indent
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width && line.count > indent.count {
                out += line + "\n"
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        return out + line + "\n"
    }
}

// MARK: - Rendering

extension QueryAnswer {
    /// A cell as text: integers and reals as written, BLOBs as lowercase hex, NULL as "".
    static func cell(_ v: SQLValue) -> String {
        switch v {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let s): return s
        case .blob(let b): return b.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Control characters shown as escapes, so that a stored label cannot break a table row.
    static func visible(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20 || c.value == 0x7f:
                out += "\\u{\(String(c.value, radix: 16))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func isNumber(_ v: SQLValue) -> Bool {
        switch v {
        case .integer, .real: return true
        case .text(let s):
            let digits = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
            return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
        default: return false
        }
    }

    /// Aligned columns with a header line; numbers right-aligned.
    public func tableText() -> String {
        let columns = result.columns
        let cells = result.rows.map { $0.map { Self.visible(Self.cell($0)) } }
        var widths = columns.map(\.count)
        for row in cells {
            for (i, c) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) }
        }
        let numeric = columns.indices.map { i in
            result.rows.allSatisfy { i < $0.count && ($0[i] == .null || Self.isNumber($0[i])) }
                && result.rows.contains { i < $0.count && $0[i] != .null }
        }
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (i, v) in values.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - v.count))
                parts.append(numeric[i] ? pad + v : (i + 1 == values.count ? v : v + pad))
            }
            return parts.joined(separator: "  ") + "\n"
        }
        var out = line(columns)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for row in cells { out += line(row) }
        out += "(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"))\n"
        return out
    }

    /// RFC 4180 CSV with a header row. A text cell that a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `@`, or `-` not followed by a digit) gets a leading `'`.
    public func csvText() -> String {
        var out = result.columns.map(CSVText.cell).joined(separator: ",") + "\n"
        for row in result.rows {
            out +=
                row.map { v -> String in
                    if case .text(let s) = v { return CSVText.cell(s) }
                    return CSVText.field(Self.cell(v))
                }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// `{schema_version, query, parameters, columns, rows: [{column: value}]}`; integers as
    /// numbers, text as strings (amounts are decimal text), BLOBs as hex strings.
    public func json() -> JSONValue {
        func value(_ v: SQLValue) -> JSONValue {
            switch v {
            case .null: return .null
            case .integer(let i): return .int(i)
            case .real(let d): return .double(d)
            case .text(let s): return .string(s)
            case .blob: return .string(Self.cell(v))
            }
        }
        return .object([
            ("schema_version", .int(1)),
            ("query", .string(query.name)),
            ("parameters", .object(arguments.map { ($0.name, value($0.value)) })),
            ("columns", .array(result.columns.map { .string($0) })),
            ("row_count", .int(result.rows.count)),
            (
                "rows",
                .array(
                    result.rows.map { row in
                        .object(zip(result.columns, row).map { ($0, value($1)) })
                    })
            ),
        ])
    }
}
