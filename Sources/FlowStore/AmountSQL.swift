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
/// window function `amount_balance(received, sent)`, a running balance, and `asset_name(symbol,
/// contract, id)`, an asset's name as the reports write it, and `amount_units(x, decimals)`, an
/// amount in whole units of its asset; `amount_text`,
/// `amount_sum` and `amount_balance` run on SQLite's C API (`SQLiteAmountFunctions`), because
/// they run once per row of big queries.
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

    /// An amount or a sum of amounts past 2^256 (`amount_sum`'s decimal text); nil for NULL or
    /// anything else.
    static func total(_ value: DatabaseValue) -> AmountTotal? {
        if case .string(let text) = value.storage { return AmountTotal(decimal: text) }
        return amount(value).map(AmountTotal.init)
    }

    /// x − y as decimal digits, with a leading `-` when negative; NULL counts as 0.
    static let diff = DatabaseFunction("amount_diff", argumentCount: 2, pure: true) { values in
        let x = values[0].isNull ? AmountTotal() : total(values[0])
        let y = values[1].isNull ? AmountTotal() : total(values[1])
        guard let x, let y else { throw DatabaseError(message: "amount_diff: not an amount") }
        return AmountTotal.difference(x, y)
    }

    /// `asset_name(symbol, contract, id)`: the asset as every report names it
    /// (`TraceAsset.displayName`: symbol, else the contract shortened, else `asset #id`).
    static let assetName = DatabaseFunction("asset_name", argumentCount: 3, pure: true) { values in
        TraceAsset.displayName(
            symbol: String.fromDatabaseValue(values[0]), contract: String.fromDatabaseValue(values[1]) ?? "",
            id: Int64.fromDatabaseValue(values[2]) ?? 0)
    }

    /// `amount_units(x, decimals)`: an amount (as stored, or signed decimal text such as a
    /// balance) in whole units of an asset with `decimals`, exact decimal text (`150000000, 8` →
    /// `1.5`); NULL when either is NULL (a token whose decimals are unknown).
    static let units = DatabaseFunction("amount_units", argumentCount: 2, pure: true) { values in
        guard !values[0].isNull, let decimals = Int.fromDatabaseValue(values[1]), decimals >= 0 else {
            return nil as String?
        }
        var negative = false
        var magnitude: AmountTotal?
        switch values[0].storage {
        case .int64(let v):
            negative = v < 0
            magnitude = AmountTotal(UInt256(v.magnitude))
        case .string(let text):
            // Signed decimal text (a balance), of any size (a sum past 2^256).
            negative = text.hasPrefix("-")
            magnitude = AmountTotal(decimal: negative ? text.dropFirst() : Substring(text))
        default:
            magnitude = amount(values[0]).map(AmountTotal.init)
        }
        guard let magnitude else { throw DatabaseError(message: "amount_units: not an amount") }
        let text = magnitude.decimalString(decimals: decimals)
        return negative && magnitude != AmountTotal() ? "-" + text : text
    }

    /// `fts3_tokenizer` replaced on every connection: with one argument SQLite's returns a
    /// tokenizer's memory address, with two it installs a pointer given as a BLOB (a query file
    /// could run native code). chainflow has no full-text tables; the function is refused.
    static let noTokenizer: [DatabaseFunction] = [1, 2].map { (n: Int) in
        DatabaseFunction("fts3_tokenizer", argumentCount: n, pure: false) { _ -> DatabaseValue in
            throw DatabaseError(message: "fts3_tokenizer is disabled in chainflow databases")
        }
    }

    static func register(_ db: Database) {
        for f in noTokenizer { db.add(function: f) }
        db.add(function: diff)
        db.add(function: assetName)
        db.add(function: units)
        SQLiteAmountFunctions.register(db)
    }
}
