public import FlowReport
import FlowModel
import FlowIngest
public import FlowStore
import Foundation

/// A usage error of `chainflow query`: an unknown query or parameter, a missing or malformed
/// value. The message says what is wrong and what would be accepted.
public struct QueryUsageError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ message: String) { description = message }
}

/// One named parameter of a library query, as its header documents it.
public struct QueryParameter: Sendable, Equatable {
    /// How a `--param` value is read before it is bound.
    public enum Kind: String, Sendable {
        /// Bound as text, unchanged.
        case text
        /// A decimal integer, bound as an integer.
        case integer
        /// Unix seconds or ISO-8601 (`2024-03-01`, `2024-03-01T09:15:00Z`), bound as Unix seconds.
        case time
    }

    /// The name without its `:`.
    public var name: String
    public var kind: Kind
    public var meaning: String
    /// The value used when the parameter is not given; nil: the parameter is required.
    public var defaultValue: String?
    public var example: String?
}

/// One output column of a library query, as its header documents it.
public struct QueryColumn: Sendable, Equatable {
    public var name: String
    public var meaning: String
}

/// A documented SQL file of the query library (`Queries/NAME.sql`).
///
/// The file starts with a header of `--` comment lines: a first paragraph whose text up to the
/// first `: ` is the one-line summary, more paragraphs of description, then a `Parameters:` section
/// (`:name  kind  meaning; default V; e.g. V`, kind `text`, `integer` or `time`) and a `Columns:`
/// section (`name  meaning`). An entry continues on lines indented deeper than its name.
public struct LibraryQuery: Sendable {
    public var name: String
    /// One line for `chainflow query --list`.
    public var summary: String
    /// The header's prose (every paragraph before the sections), lines joined per paragraph.
    public var description: [String]
    public var parameters: [QueryParameter]
    public var columns: [QueryColumn]
    /// The whole file: header and statement.
    public var sql: String

    /// Reads a query file's header. Throws when a section entry is malformed.
    public static func parse(name: String, text: String) throws(QueryUsageError) -> LibraryQuery {
        var paragraphs: [String] = []
        var current = ""
        var section: String?
        var parameterLines: [String] = []
        var columnLines: [String] = []
        func flush() {
            if !current.isEmpty { paragraphs.append(current) }
            current = ""
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard raw.hasPrefix("--") else { break }
            let line = String(raw.dropFirst(2))
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "Parameters:" || trimmed == "Columns:" {
                flush()
                section = trimmed
                continue
            }
            switch section {
            case "Parameters:":
                if !trimmed.isEmpty { Self.addEntry(line, to: &parameterLines) }
            case "Columns:":
                if !trimmed.isEmpty { Self.addEntry(line, to: &columnLines) }
            default:
                if trimmed.isEmpty {
                    flush()
                } else {
                    current += (current.isEmpty ? "" : " ") + trimmed
                }
            }
        }
        flush()
        guard let first = paragraphs.first else {
            throw QueryUsageError("\(name).sql: the header comment is missing (see docs/queries.md)")
        }
        var summary = first
        if let colon = first.range(of: ": ") { summary = String(first[..<colon.lowerBound]) }
        if summary.hasSuffix(".") { summary.removeLast() }
        var parameters: [QueryParameter] = []
        for entry in parameterLines {
            let words = entry.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard words.count == 3, words[0].hasPrefix(":"),
                let kind = QueryParameter.Kind(rawValue: String(words[1]))
            else {
                throw QueryUsageError(
                    "\(name).sql: parameter line '\(entry.prefix(60))' is not ':name kind meaning' (kind: text, integer or time)"
                )
            }
            var meaning: [String] = []
            var defaultValue: String?
            var example: String?
            for part in words[2].components(separatedBy: "; ") {
                let p = part.trimmingCharacters(in: .whitespaces)
                if p.hasPrefix("default ") {
                    defaultValue = String(p.dropFirst("default ".count))
                } else if p.hasPrefix("e.g. ") {
                    example = String(p.dropFirst("e.g. ".count))
                } else {
                    meaning.append(p)
                }
            }
            parameters.append(
                QueryParameter(
                    name: String(words[0].dropFirst()), kind: kind, meaning: meaning.joined(separator: "; "),
                    defaultValue: defaultValue, example: example))
        }
        let columns = columnLines.map { entry in
            let words = entry.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            return QueryColumn(
                name: String(words[0]),
                meaning: words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : "")
        }
        return LibraryQuery(
            name: name, summary: summary, description: paragraphs, parameters: parameters, columns: columns,
            sql: text)
    }

    /// Appends a section line: a new entry when indented like the first, else a continuation.
    static func addEntry(_ line: String, to entries: inout [String]) {
        let indent = line.prefix { $0 == " " }.count
        let text = line.trimmingCharacters(in: .whitespaces)
        if !entries.isEmpty, indent > Self.entryIndent {
            entries[entries.count - 1] += " " + text
        } else {
            entries.append(text)
        }
    }

    /// Spaces after `--` before a section entry.
    static let entryIndent = 3

    /// Reads `--param` values (`name=value`, the name with or without `:`) into bound values,
    /// filling defaults. Unknown, repeated, missing and malformed parameters are usage errors.
    public func arguments(_ params: [String]) throws(QueryUsageError) -> [String: SQLValue] {
        var given: [String: String] = [:]
        let known = parameters.map { ":" + $0.name }.joined(separator: ", ")
        for p in params {
            guard let eq = p.firstIndex(of: "=") else {
                throw QueryUsageError("--param '\(p.prefix(60))' is not NAME=VALUE (e.g. --param limit=10)")
            }
            var key = String(p[..<eq])
            if key.hasPrefix(":") { key.removeFirst() }
            guard parameters.contains(where: { $0.name == key }) else {
                throw QueryUsageError(
                    "query '\(name)' has no parameter '\(key.prefix(40))'; its parameters: \(known.isEmpty ? "none" : known)"
                )
            }
            guard given[key] == nil else {
                throw QueryUsageError("--param \(key) is given twice")
            }
            given[key] = String(p[p.index(after: eq)...])
        }
        var out: [String: SQLValue] = [:]
        var missing: [QueryParameter] = []
        for parameter in parameters {
            guard let text = given[parameter.name] ?? parameter.defaultValue else {
                missing.append(parameter)
                continue
            }
            out[parameter.name] = try parameter.value(text)
        }
        if !missing.isEmpty {
            let lines = missing.map { p in
                "  --param \(p.name)=\(p.example ?? "…")   \(p.meaning)"
            }
            throw QueryUsageError(
                "query '\(name)' needs \(missing.count == 1 ? "parameter" : "parameters") \(missing.map { ":" + $0.name }.joined(separator: ", ")):\n"
                    + lines.joined(separator: "\n"))
        }
        return out
    }
}

extension QueryParameter {
    /// `text` read as this parameter's kind.
    func value(_ text: String) throws(QueryUsageError) -> SQLValue {
        switch kind {
        case .text: return .text(text)
        case .integer:
            guard let v = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw QueryUsageError("--param \(name)='\(text.prefix(40))' is not an integer")
            }
            return .integer(v)
        case .time:
            guard let v = TimeParser.parse(text) else {
                throw QueryUsageError(
                    "--param \(name)='\(text.prefix(40))' is not a time (Unix seconds, or ISO-8601 such as 2024-03-01 or 2024-03-01T09:15:00Z)"
                )
            }
            return .integer(v)
        }
    }
}

/// A query's answer with what was asked, ready to render.
public struct QueryAnswer: Sendable {
    public var query: LibraryQuery
    /// The bound values, in the order the header lists the parameters.
    public var arguments: [(name: String, value: SQLValue)]
    public var result: SQLResult
}

/// The SQL query library: the documented files of `Queries/`, embedded in the binary
/// (`QueryLibrarySQL.swift`, generated from them and checked by `QueryLibraryTests`).
public enum QueryLibrary {
    /// Every library query, by name.
    public static func all() throws(QueryUsageError) -> [LibraryQuery] {
        var out: [LibraryQuery] = []
        for (name, text) in embedded { out.append(try LibraryQuery.parse(name: name, text: text)) }
        return out
    }

    /// The query called `name`; an unknown name is a usage error listing the closest names.
    public static func named(_ name: String) throws(QueryUsageError) -> LibraryQuery {
        let wanted = name.hasSuffix(".sql") ? String(name.dropLast(4)) : name
        guard let (n, text) = embedded.first(where: { $0.name == wanted }) else {
            let names = embedded.map(\.name)
            let close = names.filter {
                $0.contains(wanted) || wanted.contains($0) || editDistance($0, wanted) <= 3
            }
            throw QueryUsageError(
                "no query named '\(name.prefix(60))'"
                    + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?")
                    + " (`chainflow query --list` lists them)")
        }
        return try LibraryQuery.parse(name: n, text: text)
    }

    /// Levenshtein distance, for suggesting a query name.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        var previous = Array(0...y.count)
        for i in 1...max(1, x.count) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(1, y.count) where !y.isEmpty {
                current[j] = min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return x.isEmpty ? y.count : previous[y.count]
    }

    /// Runs `query` with `--param` values against `store` (read-only).
    public static func run(store: GraphStore, query: LibraryQuery, params: [String]) throws -> QueryAnswer {
        let arguments = try query.arguments(params)
        let result = try store.runQuery(query.sql, arguments: arguments)
        return QueryAnswer(
            query: query,
            arguments: query.parameters.compactMap { p in arguments[p.name].map { (p.name, $0) } },
            result: result)
    }

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
        var out = result.columns.map(CSVText.field).joined(separator: ",") + "\n"
        for row in result.rows {
            out +=
                row.map { v -> String in
                    if case .text(let s) = v { return CSVText.field(CSVText.defused(s)) }
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
