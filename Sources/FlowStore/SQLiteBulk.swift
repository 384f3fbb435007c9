import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API, for the bulk-load hot path where GRDB's
/// per-row argument boxing would cost more than the insert itself. Unsafe pointer use is confined
/// to this file; every ingest test in FlowKitTests goes through it.
final class BulkStatement {
    private var stmt: OpaquePointer?
    private let connection: OpaquePointer
    let sql: String

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, _ sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "closed database")
        }
        self.connection = connection
        self.sql = sql
        let rc = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)),
                sql: sql)
        }
    }

    deinit { sqlite3_finalize(stmt) }

    @inline(__always) func bind(_ i: Int32, _ value: Int64) { sqlite3_bind_int64(stmt, i, value) }
    @inline(__always) func bind(_ i: Int32, _ value: Int) { sqlite3_bind_int64(stmt, i, Int64(value)) }
    @inline(__always) func bindNull(_ i: Int32) { sqlite3_bind_null(stmt, i) }

    @inline(__always) func bind(_ i: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(stmt, i, value) } else { sqlite3_bind_null(stmt, i) }
    }

    func bind(_ i: Int32, text: String) {
        var text = text
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(
                stmt, i, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self),
                Int32(utf8.count), Self.transient)
        }
    }

    /// Binds UTF-8 text that stays valid and unchanged until the statement's next step ends
    /// (no copy).
    @inline(__always) func bindInPlace(_ i: Int32, text: UnsafeRawBufferPointer) {
        guard let base = text.baseAddress, text.count > 0 else {
            _ = sqlite3_bind_text(stmt, i, "", 0, Self.transient)
            return
        }
        _ = sqlite3_bind_text(stmt, i, base.assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
    }

    func bind(_ i: Int32, blob: UnsafeRawBufferPointer) {
        _ = sqlite3_bind_blob(stmt, i, blob.baseAddress, Int32(blob.count), Self.transient)
    }

    func bind(_ i: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { bind(i, blob: $0) }
    }

    /// Steps once (an INSERT or UPDATE), resets and clears bindings.
    func run() throws {
        let rc = sqlite3_step(stmt)
        sqlite3_reset(stmt)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(connection)),
                sql: sql)
        }
    }
}
