import Foundation
import GRDB

/// The address/transfer graph database: an SQLite file behind this API.
///
/// Open one per database path. Writes go through one writer at a time (SQLite's own lock);
/// readers can read while a write is in progress (WAL journal).
public final class GraphStore: Sendable {
    public let path: String
    /// Opened read-only: reads work, writes fail (`StoreError.Code.io`, "read-only").
    public let readOnly: Bool
    let queue: DatabaseQueue

    /// Opens (creating when needed) the database at `path` and brings its schema up to date.
    public init(path: String, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        self.readOnly = readOnly
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(10)
        // References are documented in the schema but not enforced: the bulk writer inserts a
        // transaction's outputs and inputs before its row, inside one SQLite transaction.
        config.foreignKeysEnabled = false
        config.label = "chainflow"
        let sealed = readOnly ? GraphStore.sealedMode(path) : .normal
        config.prepareDatabase { db in
            if sealed == .exclusive { try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
            AmountSQL.register(db)
            if !readOnly {
                // 16 KiB pages: about 10% faster bulk loads than the 4 KiB default (no effect on an
                // existing database).
                try db.execute(sql: "PRAGMA page_size = 16384")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -262144")
            // temp_store stays FILE: with MEMORY, SQLite's sorter does not sort index builds in
            // parallel (measured 2.2x slower CREATE INDEX).
        }
        do {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
            {
                throw StoreError(
                    .cannotOpen,
                    "is a folder, not a database file; give a file in it, such as \(path.hasSuffix("/") ? path : path + "/")case.db",
                    path: path)
            }
            if readOnly && !FileManager.default.fileExists(atPath: path) {
                throw StoreError(
                    .cannotOpen, "no database here; create one with `chainflow ingest --db \(path) FILE…`",
                    path: path)
            }
            if !readOnly, let problem = GraphStore.writeProblem(path) {
                throw StoreError(.io, problem, path: path)
            }
            // Before anything writes to it (tables, WAL): another program's database is refused.
            if let foreign = GraphStore.foreignTables(path) {
                let shown = foreign.prefix(8).joined(separator: ", ") + (foreign.count > 8 ? ", …" : "")
                throw StoreError(
                    .io,
                    "not a chainflow database: an SQLite database of another program (\(foreign.count) table\(foreign.count == 1 ? "" : "s"): \(shown)); chainflow adds its tables only to a new or empty file or its own database, so it is left as it is: give another --db",
                    path: path)
            }
            queue = try DatabaseQueue(
                path: sealed == .immutable ? GraphStore.immutableURI(path) : path, configuration: config)
            if !readOnly {
                try Schema.migrator.migrate(queue)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.wrap(error, path: path, doing: "opening the database")
        }
    }

    /// The tables of the SQLite database at `path` when it holds some and none of chainflow's
    /// migrations (another program's database); nil for a missing or empty file, a chainflow
    /// database, or a file that cannot be read here (opening it the usual way reports that).
    /// Read through a read-only connection that changes nothing.
    static func foreignTables(_ path: String) -> [String]? {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0
        else { return nil }
        var config = Configuration()
        config.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: config),
            let tables = try? queue.read({ db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            }), !tables.isEmpty
        else { return nil }
        if tables.contains("grdb_migrations"),
            (try? queue.read({ db in
                try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM grdb_migrations WHERE identifier = 'v1-bitcoin-graph')"
                )
            })) == true
        {
            return nil
        }
        return tables
    }

    /// Runs `body` with the database, mapping SQLite errors to `StoreError`.
    func read<T>(_ doing: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.wrap(error, path: path, doing: doing)
        }
    }

    func write<T>(_ doing: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.writeWithoutTransaction(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.wrap(error, path: path, doing: doing)
        }
    }
}

extension StoreError {
    static func wrap(_ error: any Error, path: String, doing: String) -> StoreError {
        if let db = error as? DatabaseError {
            let code: Code = db.resultCode == .SQLITE_BUSY || db.resultCode == .SQLITE_LOCKED ? .busy : .io
            let hint: String
            switch db.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                hint = "another process is writing this database; retry when it is done"
            case .SQLITE_FULL: hint = "the disk is full; free space and re-run (completed blocks are kept)"
            case .SQLITE_READONLY: hint = "the database or its folder is read-only"
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                hint = "this file is not a chainflow database (or it is damaged)"
            case .SQLITE_CANTOPEN: hint = "cannot open the file; check the path and permissions"
            default: hint = db.message ?? "\(db.resultCode)"
            }
            return StoreError(
                code, "\(doing) failed: \(hint) (SQLite \(db.resultCode.primaryResultCode.rawValue))",
                path: path)
        }
        return StoreError(.io, "\(doing) failed: \(error)", path: path)
    }
}

extension GraphStore {
    /// Runs SQL that changes the file outside any writer; for tests that turn a database back into
    /// what an older schema left.
    package func executeForTesting(_ sql: String) throws(StoreError) {
        try write("changing the schema") { db in try db.execute(sql: sql) }
    }
}
