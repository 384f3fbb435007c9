public import FlowModel
import Foundation

/// The SQL query library: the documented files of `Queries/`, embedded in the binary
/// (`QueryLibrarySQL.swift`, generated from them and checked by `QueryLibraryTests`).
public enum QueryLibrary {
    /// Every library query, by name.
    public static func all() throws(UsageError) -> [LibraryQuery] {
        var out: [LibraryQuery] = []
        for (name, text) in embedded where !name.hasPrefix("_") {
            out.append(try LibraryQuery.parse(name: name, text: try expanded(text, in: name)))
        }
        return out
    }

    /// The query called `name`; an unknown name is a usage error listing the closest names.
    public static func named(_ name: String) throws(UsageError) -> LibraryQuery {
        let wanted = name.hasSuffix(".sql") ? String(name.dropLast(4)) : name
        guard let (n, text) = embedded.first(where: { $0.name == wanted && !wanted.hasPrefix("_") }) else {
            let names = embedded.map(\.name).filter { !$0.hasPrefix("_") }
            let close = names.filter {
                $0.contains(wanted) || wanted.contains($0) || editDistance($0, wanted) <= 3
            }
            throw UsageError(
                "no query named '\(name.prefix(60))'"
                    + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?")
                    + " (`chainflow query --list` lists them)", command: "query")
        }
        return try LibraryQuery.parse(name: n, text: try expanded(text, in: n))
    }

    /// `text` with each `-- include: _PART` line replaced by that part's statement (the part file
    /// without its header comment): the way two queries share CTEs that take their parameters (a
    /// SQLite view cannot). An unknown part is an error naming the query.
    static func expanded(_ text: String, in name: String) throws(UsageError) -> String {
        guard text.contains("\n-- include: ") else { return text }
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("-- include: ") else {
                lines.append(line)
                continue
            }
            let part = line.dropFirst("-- include: ".count).trimmingCharacters(in: .whitespaces)
            guard part.hasPrefix("_"), let (_, partText) = embedded.first(where: { $0.name == part }) else {
                throw UsageError(
                    "\(name).sql includes '\(part.prefix(60))', which is not a part of the library",
                    command: "query")
            }
            let partLines = partText.split(separator: "\n", omittingEmptySubsequences: false)
            lines.append(contentsOf: partLines.drop { $0.hasPrefix("--") || $0.isEmpty })
        }
        return lines.joined(separator: "\n")
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

    /// Runs `query` with `--param` values against `store` (read-only), stopped after `timeout`
    /// seconds when given.
    public static func run(store: GraphStore, query: LibraryQuery, params: [String], timeout: Double? = nil)
        throws -> QueryAnswer
    {
        let arguments = try query.arguments(params)
        let result = try store.runQuery(query.sql, arguments: arguments, timeout: timeout)
        return QueryAnswer(
            query: query,
            arguments: query.parameters.compactMap { p in arguments[p.name].map { (p.name, $0) } },
            result: result)
    }
}
