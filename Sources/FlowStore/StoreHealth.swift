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
                let key = table == "prevouts" ? "input_id" : "id"
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
