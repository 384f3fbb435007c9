import FlowModel
import FlowPostgres
public import FlowStore
import Foundation

/// The case database a command works on, as the command line (and later the server) sees it:
/// opened from the `--db` text, with the checks every command needs made here, once: the path
/// is not a folder, a database to read exists, and whether a run can be recorded.
///
/// The store behind it stays inside FlowKit: commands ask a `CaseDatabase` for what they need
/// (`CaseDatabase+Commands.swift`), never for SQL or rows by column name.
public struct CaseDatabase: Sendable {
    /// How a command uses the database.
    public enum Access: Sendable {
        /// Reads only; the database must exist.
        case read
        /// Reads, and records the run in `runs` when the file can be written (trace); a
        /// write-protected evidence copy is read without recording.
        case readRecordingRuns
        /// Reads and writes; the database must exist (cluster run, aml run, reviews).
        case write
        /// Reads and writes, creating the database when it is missing (ingest, imports).
        case create
    }

    /// The `--db` text: a SQLite file path, or a `postgresql://` URL (shown without its password).
    public let location: String
    let backend: Backend

    /// The store behind a `CaseDatabase`: a SQLite file, or a PostgreSQL server (FlowPostgres,
    /// docs/postgresql.md), which serves the commands it lists and says so for the others.
    enum Backend: Sendable {
        case sqlite(GraphStore)
        case postgres(PostgresStore)
    }

    /// The SQLite store; on PostgreSQL, an error that the command is not served there yet.
    package var store: GraphStore {
        get throws(StoreError) {
            switch backend {
            case .sqlite(let store): return store
            case .postgres(let store):
                throw StoreError(
                    .unsupported,
                    "this command does not run on PostgreSQL yet (docs/postgresql.md lists those that do); use a SQLite case database for it",
                    path: store.path)
            }
        }
    }

    /// The read side of the store contract, whatever the backend.
    package var reader: any CaseReadStore {
        switch backend {
        case .sqlite(let store): store
        case .postgres(let store): store
        }
    }

    /// Opened without write access: runs are not recorded.
    public var readOnly: Bool { reader.readOnly }

    package init(store: GraphStore) {
        self.location = store.path
        self.backend = .sqlite(store)
    }

    public static func open(_ location: String, for access: Access) throws(StoreError) -> CaseDatabase {
        if PostgresURL.isPostgres(location) {
            let url = try PostgresURL.parse(location)
            let store = try PostgresStore(
                url: url, readOnly: access == .read, create: access == .create)
            return CaseDatabase(location: store.path, backend: .postgres(store))
        }
        guard !location.isEmpty else {
            throw StoreError(.cannotOpen, "--db is empty; give a database file such as case.db", path: "--db")
        }
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue {
            throw StoreError(
                .cannotOpen,
                "is a folder, not a database file; give a file in it, such as \(location.hasSuffix("/") ? location : location + "/")case.db",
                path: location)
        }
        if !exists && access != .create {
            throw StoreError(
                .cannotOpen, "no database here; create one with `chainflow ingest --db \(location) FILE…`",
                path: location)
        }
        let readOnly: Bool
        switch access {
        case .read: readOnly = true
        case .readRecordingRuns: readOnly = !GraphStore.isWritable(database: location)
        case .write, .create: readOnly = false
        }
        return CaseDatabase(store: try GraphStore(path: location, readOnly: readOnly))
    }

    /// Opens the database at `location` for writing, creating it when missing, and runs `body`
    /// on it. When `body` fails and the database was created here and still holds no data, it is
    /// removed again with its lock file: a failed first ingest or import leaves nothing behind.
    public static func creating<T>(_ location: String, _ body: (CaseDatabase) throws -> T) throws -> T {
        if PostgresURL.isPostgres(location) { return try body(try open(location, for: .create)) }
        let created = !FileManager.default.fileExists(atPath: location)
        do {
            return try body(try open(location, for: .create))
        } catch {
            if created, let store = try? GraphStore(path: location, readOnly: true),
                (try? store.holdsNoData()) == true
            {
                _ = consume store
                GraphStore.removeDatabaseFiles(location)
            }
            throw error
        }
    }

    private init(location: String, backend: Backend) {
        self.location = location
        self.backend = backend
    }

    /// The error for an address the database does not hold.
    func unknownAddress(_ address: String) -> StoreError {
        StoreError(
            .notFound, "address '\(address.prefix(90))' does not occur in this database", path: location)
    }
}
