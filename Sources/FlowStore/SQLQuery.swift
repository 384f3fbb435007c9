public import FlowModel
import Foundation
import GRDB
import GRDBSQLite

extension GraphStore {
    /// The named parameters of `sql` (without their `:`), in order of first use, as SQLite
    /// parses them. Throws when `sql` is not one valid statement.
    public func sqlParameters(_ sql: String) throws(StoreError) -> [String] {
        try read("preparing a query") { db in
            let statement = try db.makeStatement(sql: sql)
            return Self.parameterNames(statement)
        }
    }

    static func parameterNames(_ statement: Statement) -> [String] {
        guard let handle = statement.sqliteStatement as OpaquePointer? else { return [] }
        var names: [String] = []
        let count = sqlite3_bind_parameter_count(handle)
        if count == 0 { return [] }
        for k in 1...count {
            guard let c = sqlite3_bind_parameter_name(handle, k) else { continue }
            names.append(String(String(cString: c).dropFirst()))
        }
        return names
    }

    /// Runs one read-only statement with named arguments (bound by SQLite, never spliced into
    /// the text). Every parameter of the statement must have an argument; arguments the
    /// statement does not use are an error too. The connection is read-only for the query, so
    /// a statement that writes fails.
    public func runQuery(_ sql: String, arguments: [String: SQLValue]) throws(StoreError) -> SQLResult {
        try runQuery(sql, arguments: arguments, timeout: nil)
    }

    /// `runQuery`, stopped after `timeout` seconds when given (a query file that joins a large
    /// table with itself would otherwise run for hours): an error saying so, exit 74.
    public func runQuery(_ sql: String, arguments: [String: SQLValue], timeout: Double?) throws(StoreError)
        -> SQLResult
    {
        guard let timeout else { return try runQueryNow(sql, arguments: arguments) }
        let deadline = QueryDeadline(at: Date().addingTimeInterval(timeout))
        do {
            return try read("running the query") { db in
                let connection = db.sqliteConnection
                let context = Unmanaged.passUnretained(deadline).toOpaque()
                // Every 10,000 virtual-machine steps: nonzero stops the statement (SQLITE_INTERRUPT).
                sqlite3_progress_handler(
                    connection, 10_000,
                    { pointer in
                        guard let pointer else { return 0 }
                        let d = Unmanaged<QueryDeadline>.fromOpaque(pointer).takeUnretainedValue()
                        if Date() >= d.at {
                            d.passed = true
                            return 1
                        }
                        return 0
                    }, context)
                defer { sqlite3_progress_handler(connection, 0, nil, nil) }
                return try runStatement(db, sql, arguments)
            }
        } catch {
            if deadline.passed {
                throw StoreError(
                    .io, "the query ran longer than --timeout \(timeout) s and was stopped", path: path)
            }
            throw error
        }
    }

    private func runQueryNow(_ sql: String, arguments: [String: SQLValue]) throws(StoreError) -> SQLResult {
        try read("running the query") { db in try runStatement(db, sql, arguments) }
    }

    private func runStatement(_ db: Database, _ sql: String, _ arguments: [String: SQLValue]) throws
        -> SQLResult
    {
        do {
            let statement = try db.makeStatement(sql: sql)
            let names = Self.parameterNames(statement)
            let missing = names.filter { arguments[$0] == nil }
            if !missing.isEmpty {
                throw StoreError(
                    .conflict,
                    "the query needs parameter(s) \(missing.map { ":" + $0 }.joined(separator: ", "))",
                    path: path)
            }
            let unused = arguments.keys.filter { !names.contains($0) }.sorted()
            if !unused.isEmpty {
                throw StoreError(
                    .conflict,
                    "the query has no parameter(s) \(unused.map { ":" + $0 }.joined(separator: ", "))",
                    path: path)
            }
            var bound: [String: (any DatabaseValueConvertible)?] = [:]
            for name in names {
                switch arguments[name] ?? .null {
                case .null: bound[name] = DatabaseValue.null
                case .integer(let v): bound[name] = v
                case .real(let v): bound[name] = v
                case .text(let v): bound[name] = v
                case .blob(let v): bound[name] = Data(v)
                }
            }
            statement.arguments = StatementArguments(bound)
            let columns = statement.columnNames
            var rows: [[SQLValue]] = []
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                var values: [SQLValue] = []
                values.reserveCapacity(columns.count)
                for (_, value) in row {
                    switch value.storage {
                    case .null: values.append(.null)
                    case .int64(let v): values.append(.integer(v))
                    case .double(let v): values.append(.real(v))
                    case .string(let v): values.append(.text(v))
                    case .blob(let v): values.append(.blob([UInt8](v)))
                    }
                }
                rows.append(values)
            }
            return SQLResult(columns: columns, rows: rows)
        }
    }
}

/// When a query must stop; set once the progress handler stopped it.
final class QueryDeadline: @unchecked Sendable {
    let at: Date
    var passed = false
    init(at: Date) { self.at = at }
}
