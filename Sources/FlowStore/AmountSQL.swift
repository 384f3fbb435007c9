import FlowModel
import Foundation
import GRDB

/// How exact amounts beyond 2^63 live in SQLite.
///
/// An amount below 2^63 is an INTEGER; a larger one is a 32-byte big-endian BLOB. SQLite sorts
/// every INTEGER before every BLOB and BLOBs bytewise, so `ORDER BY amount` is exact numeric
/// order. `amount_sum(x)` sums exactly (same representation out) and `amount_text(x)` gives
/// decimal digits; `amount_diff(x, y)` gives x − y as signed decimal digits (a balance:
/// received − sent). All three are registered on every connection chainflow opens, with the
/// window function `amount_balance(received, sent)`, a running balance (`SQLiteAmountWindow`).
public enum AmountSQL {
    /// The value to store for `amount`.
    static func databaseValue(_ amount: UInt256) -> DatabaseValue {
        if let small = amount.uint64, small <= UInt64(Int64.max) { return Int64(small).databaseValue }
        return Data(amount.bigEndianBytes).databaseValue
    }

    /// Reads an amount column (INTEGER or 32-byte BLOB); nil for NULL or anything else.
    static func amount(_ value: DatabaseValue) -> UInt256? {
        switch value.storage {
        case .int64(let v) where v >= 0: return UInt256(UInt64(v))
        case .blob(let data): return UInt256(bigEndianBytes: [UInt8](data))
        case .string(let text): return UInt256(decimal: text)
        default: return nil
        }
    }

    static let text = DatabaseFunction("amount_text", argumentCount: 1, pure: true) { values in
        if values[0].isNull { return nil }
        return amount(values[0])?.decimalString
    }

    /// x − y as decimal digits, with a leading `-` when negative; NULL counts as 0.
    static let diff = DatabaseFunction("amount_diff", argumentCount: 2, pure: true) { values in
        let x = values[0].isNull ? UInt256.zero : amount(values[0])
        let y = values[1].isNull ? UInt256.zero : amount(values[1])
        guard let x, let y else { throw DatabaseError(message: "amount_diff: not an amount") }
        if let d = x.subtractingReportingOverflow(y) { return d.decimalString }
        return "-" + (y.subtractingReportingOverflow(x) ?? .zero).decimalString
    }

    static let sum = DatabaseFunction("amount_sum", argumentCount: 1, pure: true, aggregate: Sum.self)

    final class Sum: DatabaseAggregate {
        var total = UInt256.zero
        var overflow = false
        init() {}
        func step(_ values: [DatabaseValue]) throws {
            if values[0].isNull { return }
            guard let v = amount(values[0]) else {
                throw DatabaseError(message: "amount_sum: not an amount: \(values[0])")
            }
            guard let t = total.addingReportingOverflow(v) else {
                overflow = true
                return
            }
            total = t
        }
        func finalize() throws -> (any DatabaseValueConvertible)? {
            if overflow { throw DatabaseError(message: "amount_sum: the sum exceeds 2^256") }
            return databaseValue(total)
        }
    }

    static func register(_ db: Database) {
        db.add(function: text)
        db.add(function: sum)
        db.add(function: diff)
        SQLiteAmountWindow.register(db)
    }
}
