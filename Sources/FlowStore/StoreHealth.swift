import Foundation
import GRDB

extension GraphStore {
    /// SQLite's `PRAGMA integrity_check`: `["ok"]` for a sound database, else its findings.
    public func integrityCheck() throws(StoreError) -> [String] {
        try read("checking the database's integrity") { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check")
        }
    }

    /// True when this process may write the database at `path`: the file (when it exists) and its
    /// folder are writable. Read commands that also record something (`trace` records its run)
    /// open a database that is not writable read-only and skip the record.
    public static func isWritable(database path: String) -> Bool {
        writeProblem(path) == nil
    }

    /// How a read-only connection opens the database at `path`.
    enum SealedMode {
        /// As usual (SQLite creates or uses the -shm file beside the database).
        case normal
        /// A WAL database in a folder nobody may write (a read-only mount, a write-protected
        /// evidence copy) has no -shm file and cannot get one, so SQLite cannot open it as
        /// usual. Closed cleanly (no -wal file), it is opened immutable: no locks, no WAL index
        /// (no writer can exist there).
        case immutable
        /// The same with a -wal file left beside it: exclusive locking mode, where SQLite keeps
        /// the WAL index in memory.
        case exclusive
    }

    static func sealedMode(_ path: String) -> SealedMode {
        let files = FileManager.default
        guard !folderIsWritable(path), !files.fileExists(atPath: path + "-shm") else { return .normal }
        return files.fileExists(atPath: path + "-wal") ? .exclusive : .immutable
    }

    /// A read-only connection (`configuration.readonly` is set) that also opens a database in a
    /// read-only folder (see `SealedMode`).
    static func openReader(path: String, configuration: Configuration) throws -> DatabaseQueue {
        var config = configuration
        config.readonly = true
        let mode = sealedMode(path)
        if mode == .exclusive {
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE") }
        }
        return try DatabaseQueue(path: mode == .immutable ? immutableURI(path) : path, configuration: config)
    }

    /// An SQLite URI that opens the file at `path` read-only and immutable (`?`, `#` and `%` in
    /// the path escaped).
    static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for c in path {
            switch c {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.append(c)
            }
        }
        return "file:\(escaped)?mode=ro&immutable=1"
    }

    static func folderIsWritable(_ path: String) -> Bool {
        FileManager.default.isWritableFile(atPath: folder(of: path))
    }

    static func folder(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    /// Why the database at `path` cannot be written, or nil when it can: a read-only file, or a
    /// folder where the file (or SQLite's -wal and -shm beside it) cannot be created.
    static func writeProblem(_ path: String) -> String? {
        let files = FileManager.default
        let readers =
            "read commands (stats, tx, address, trace, cluster show, aml run --dry-run) work on it as it is"
        if files.fileExists(atPath: path) && !files.isWritableFile(atPath: path) {
            return "the database file is read-only: writing needs a writable copy; \(readers)"
        }
        let folder = folder(of: path)
        // A missing folder is SQLite's "cannot open" (exit 66), as before.
        if files.fileExists(atPath: folder) && !files.isWritableFile(atPath: folder) {
            return files.fileExists(atPath: path)
                ? "the database's folder \(folder) is read-only: SQLite needs to create its -wal and -shm files beside the database to write; copy it to a writable folder; \(readers)"
                : "cannot create a database in the read-only folder \(folder)"
        }
        return nil
    }
}

extension GraphStore {
    /// Row count and FNV-1a checksum of each of `tables`, as `contentFingerprint()` computes them,
    /// leaving out `ignoring` columns besides the wall-clock ones: e.g. `source_file` and
    /// `source_offset`, to compare what two different files stored.
    public func contentFingerprint(tables: [String], ignoring: Set<String>) throws(StoreError) -> [String:
        String]
    {
        try read("fingerprinting the database") { db in
            var out = [String: String]()
            let skipped = ignoring.union(["started_at", "finished_at", "imported_at"])
            for table in tables {
                let columns = try db.columns(in: table).map(\.name).filter { !skipped.contains($0) }
                let expr = columns.map { "quote(\($0))" }.joined(separator: " || ',' || ")
                var hasher = FNV1a()
                var count = 0
                let all = try db.columns(in: table).map(\.name)
                // Tables without an id (prices) are ordered by every column.
                let key =
                    table == "prevouts" ? "input_id" : all.contains("id") ? "id" : all.joined(separator: ", ")
                let rows = try String.fetchCursor(db, sql: "SELECT \(expr) FROM \(table) ORDER BY \(key)")
                while let line = try rows.next() {
                    hasher.add(line)
                    count += 1
                }
                out[table] = "\(count) rows, fnv1a \(String(hasher.value, radix: 16))"
            }
            return out
        }
    }
}

extension GraphStore {
    /// Whether the database holds no chain or ledger data, tags or prices: what a failed first
    /// ingest leaves, which `Ingest.run` then removes rather than leave an empty database behind.
    package func holdsNoData() throws(StoreError) -> Bool {
        try read("checking the database") { db in
            for table in ["blocks", "transactions", "transfers", "tags", "prices"] {
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))") == true {
                    return false
                }
            }
            return true
        }
    }

    /// Removes the database file at `path` with its WAL, shared-memory and writer-lock files.
    package static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal", ".lock"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
}
