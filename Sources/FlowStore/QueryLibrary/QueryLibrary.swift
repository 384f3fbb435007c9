public import FlowModel
import Foundation

/// The SQL query library: the documented files of `Queries/`, embedded in the binary
/// (`QueryLibrarySQL.swift`, generated from them and checked by `QueryLibraryTests`).
public enum QueryLibrary {
    /// Every library query, by name.
    public static func all() throws(UsageError) -> [LibraryQuery] {
        var out: [LibraryQuery] = []
        for (name, text) in embedded { out.append(try LibraryQuery.parse(name: name, text: text)) }
        return out
    }

    /// The query called `name`; an unknown name is a usage error listing the closest names.
    public static func named(_ name: String) throws(UsageError) -> LibraryQuery {
        let wanted = name.hasSuffix(".sql") ? String(name.dropLast(4)) : name
        guard let (n, text) = embedded.first(where: { $0.name == wanted }) else {
            let names = embedded.map(\.name)
            let close = names.filter {
                $0.contains(wanted) || wanted.contains($0) || editDistance($0, wanted) <= 3
            }
            throw UsageError(
                "no query named '\(name.prefix(60))'"
                    + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?")
                    + " (`chainflow query --list` lists them)", command: "query")
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
}
