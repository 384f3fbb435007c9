import ArgumentParser
import FlowKit
import FlowModel
import FlowReport
import Foundation

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a documented SQL query of the query library with bound parameters.",
        discussion: """
            The library's queries answer common questions: largest flows, top counterparties, balance
            history, first funders, fees by block, exposure to tagged addresses, cluster mates of a
            tagged address, … (`chainflow query --list`; docs/queries.md). Parameters are bound by
            SQLite, never spliced into the SQL text. `--describe` shows a query's parameters and
            columns, `--sql` prints its SQL to start a query of your own, which `--file` runs with
            the same header conventions.
            """)

    @Argument(help: "The query's name (see --list).")
    var name: String?

    @Option(name: .long, help: "A parameter as NAME=VALUE (repeatable), e.g. --param address=1A1z…")
    var param: [String] = []

    @Option(name: .long, help: "The chainflow database file (SQLite).")
    var db: String?

    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: QueryFormat = .table

    @Option(name: .long, help: "Run this SQL file (with a query-library header) instead of a named query.")
    var file: String?

    @Flag(name: .long, help: "List the queries with their one-line descriptions.")
    var list = false

    @Flag(name: .long, help: "Describe the query: what it answers, its parameters and columns.")
    var describe = false

    @Option(
        name: .long, help: "Stop the query after this many seconds (exit 74), e.g. for a --file of your own.")
    var timeout: Double?

    @Flag(name: .long, help: "Print the query's SQL file.")
    var sql = false

    func validate() throws {
        if let timeout, !(timeout > 0) {
            throw ValidationError("--timeout must be a positive number of seconds, got \(timeout)")
        }
        if list {
            guard name == nil, file == nil else {
                throw ValidationError("--list takes no query name or --file")
            }
            return
        }
        guard (name == nil) != (file == nil) else {
            throw ValidationError(
                "name one query (`chainflow query --list` lists them) or give --file, not both")
        }
        if !describe && !sql && db == nil {
            throw ValidationError("--db is required to run a query")
        }
    }

    func run() throws {
        do {
            if list {
                try emit(LibraryQuery.listText(try Queries.all()), terminator: "")
                return
            }
            let query = try file.map(Queries.file) ?? Queries.named(name ?? "")
            if sql {
                try emit(query.sql, terminator: query.sql.hasSuffix("\n") ? "" : "\n")
                return
            }
            if describe {
                try emit(LibraryQuery.describeText(query), terminator: "")
                return
            }
            let answer = try CaseDatabase.open(db ?? "", for: .read).query(
                query, params: param, timeout: timeout)
            switch format {
            case .table: try emit(answer.tableText(), terminator: "")
            case .csv: try emitData(answer.csvText(), terminator: "")
            case .json: try emit(answer.json().rendered(), terminator: "")
            }
        } catch {
            throw fail(error)
        }
    }
}

enum QueryFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}
