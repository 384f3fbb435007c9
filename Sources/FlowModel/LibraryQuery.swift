import Foundation

// The query library's vocabulary: a documented SQL file (`LibraryQuery`), its parameters and
// columns, and the answer of running one. The library and the running live in FlowStore
// (`QueryLibrary`), the text, CSV and JSON of answers in FlowReport.

/// One value of a query's answer, as SQLite returned it.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// The answer to a read-only SQL query: column names and rows, in the query's order.
public struct SQLResult: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[SQLValue]]

    public init(columns: [String], rows: [[SQLValue]]) {
        self.columns = columns
        self.rows = rows
    }
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
    public static func parse(name: String, text: String) throws(UsageError) -> LibraryQuery {
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
            throw UsageError(
                "\(name).sql: the header comment is missing (see docs/queries.md)", command: "query")
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
                throw UsageError(
                    "\(name).sql: parameter line '\(entry.prefix(60))' is not ':name kind meaning' (kind: text, integer or time)",
                    command: "query")
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
    public func arguments(_ params: [String]) throws(UsageError) -> [String: SQLValue] {
        var given: [String: String] = [:]
        let known = parameters.map { ":" + $0.name }.joined(separator: ", ")
        for p in params {
            guard let eq = p.firstIndex(of: "=") else {
                throw UsageError(
                    "--param '\(p.prefix(60))' is not NAME=VALUE (e.g. --param limit=10)", command: "query")
            }
            var key = String(p[..<eq])
            if key.hasPrefix(":") { key.removeFirst() }
            guard parameters.contains(where: { $0.name == key }) else {
                throw UsageError(
                    "query '\(name)' has no parameter '\(key.prefix(40))'; its parameters: \(known.isEmpty ? "none" : known)",
                    command: "query")
            }
            guard given[key] == nil else {
                throw UsageError("--param \(key) is given twice", command: "query")
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
            throw UsageError(
                "query '\(name)' needs \(missing.count == 1 ? "parameter" : "parameters") \(missing.map { ":" + $0.name }.joined(separator: ", ")):\n"
                    + lines.joined(separator: "\n"), command: "query")
        }
        return out
    }
}

extension QueryParameter {
    /// `text` read as this parameter's kind.
    func value(_ text: String) throws(UsageError) -> SQLValue {
        switch kind {
        case .text: return .text(text)
        case .integer:
            guard let v = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError("--param \(name)='\(text.prefix(40))' is not an integer", command: "query")
            }
            return .integer(v)
        case .time:
            guard let v = TimeParser.parse(text) else {
                throw UsageError(
                    "--param \(name)='\(text.prefix(40))' is not a time (Unix seconds, or ISO-8601 such as 2024-03-01 or 2024-03-01T09:15:00Z)",
                    command: "query")
            }
            return .integer(v)
        }
    }
}

/// A query's answer with what was asked, ready to render.
/// The answer of one library query: the query, the values bound, the rows.
public struct QueryAnswer: Sendable {
    public var query: LibraryQuery
    /// The bound values, in the order the header lists the parameters.
    public var arguments: [(name: String, value: SQLValue)]
    public var result: SQLResult

    public init(query: LibraryQuery, arguments: [(name: String, value: SQLValue)], result: SQLResult) {
        self.query = query
        self.arguments = arguments
        self.result = result
    }
}
