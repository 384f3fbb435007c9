import FlowModel
import GRDB
import GRDBSQLite

/// Table scans through SQLite's C API, for loading millions of integer rows into arrays
/// (GRDB's row decoding costs more than the read itself). Unsafe pointer use is confined to this
/// file; `ClusterStoreTests` load every clustering snapshot through it.
struct SQLiteScan {
    private let statement: OpaquePointer

    /// Column `i` as an integer (0 for NULL).
    @inline(__always) func int(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }

    /// Column `i` as an integer, nil for NULL.
    @inline(__always) func optionalInt(_ i: Int32) -> Int64? {
        sqlite3_column_type(statement, i) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, i)
    }

    /// Column `i` as bytes (empty for NULL).
    func bytes(_ i: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(statement, i))
        guard n > 0, let p = sqlite3_column_blob(statement, i) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: n))
    }

    /// Column `i` as text, nil for NULL.
    func optionalText(_ i: Int32) -> String? {
        guard sqlite3_column_type(statement, i) != SQLITE_NULL, let c = sqlite3_column_text(statement, i)
        else {
            return nil
        }
        return String(cString: c)
    }

    /// Column `i` as an amount as chainflow stores them (`AmountSQL`: INTEGER below 2^63, a 32-byte
    /// big-endian BLOB above, decimal text): `.none` for NULL, `.invalid` for anything else.
    func amount(_ i: Int32) -> StoredAmount {
        switch sqlite3_column_type(statement, i) {
        case SQLITE_NULL:
            return .none
        case SQLITE_INTEGER:
            let v = sqlite3_column_int64(statement, i)
            return v >= 0 ? .value(UInt256(UInt64(v))) : .invalid
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(statement, i))
            guard n == 32, let p = sqlite3_column_blob(statement, i) else { return .invalid }
            let bytes = UnsafeRawBufferPointer(start: p, count: 32)
            func limb(_ k: Int) -> UInt64 {  // limb k, least significant first
                var v: UInt64 = 0
                for b in (24 - 8 * k)..<(32 - 8 * k) { v = v << 8 | UInt64(bytes[b]) }
                return v
            }
            return .value(UInt256(limbs: (limb(0), limb(1), limb(2), limb(3))))
        case SQLITE_TEXT:
            guard let text = optionalText(i), let v = UInt256(decimal: text) else { return .invalid }
            return .value(v)
        default:
            return .invalid
        }
    }

    /// What an amount column held.
    enum StoredAmount {
        case none
        case value(UInt256)
        case invalid
    }

    /// Whether column `i` holds a BLOB.
    func isBlob(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_BLOB }

    /// Runs `sql` with integer `arguments` and calls `row` for each result row.
    static func run(
        _ db: Database, _ sql: String, _ arguments: [Int64] = [], row: (SQLiteScan) throws -> Void
    )
        throws
    {
        let prepared = try db.makeStatement(sql: sql)
        guard let handle = prepared.sqliteStatement as OpaquePointer? else { return }
        sqlite3_reset(handle)
        for (k, value) in arguments.enumerated() { sqlite3_bind_int64(handle, Int32(k + 1), value) }
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let scan = SQLiteScan(statement: handle)
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_ROW {
                try row(scan)
            } else if rc == SQLITE_DONE {
                return
            } else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: rc),
                    message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: sql)
            }
        }
    }
}
