import FlowModel
import GRDB
import GRDBSQLite

/// `amount_balance(received, sent)`: the running balance `Σ received − Σ sent` over a window, as
/// signed decimal text ("-12", "0", "340282366920938463463374607431768211456"), exact at any size.
///
/// An aggregate window function registered through SQLite's C API (GRDB's aggregates cannot be
/// window functions): with an inverse, SQLite keeps one accumulator per partition and moves it
/// row by row, so a running balance over n rows costs O(n):
///
///     amount_balance(received, sent) OVER (PARTITION BY asset_id ORDER BY time, id
///                                          ROWS UNBOUNDED PRECEDING)
///
/// Arguments are amounts as chainflow stores them (`AmountSQL`: an INTEGER below 2^63, a 32-byte
/// big-endian BLOB above, or decimal text); NULL counts as zero; anything else is an SQL error.
/// The accumulator is 320-bit two's complement, so sums of 2^256-sized amounts do not overflow
/// (it would take 2^63 rows). As a plain aggregate it gives the total balance.
///
/// Unsafe pointer use (the aggregate context, argument values, result text) is confined to this
/// file; `AmountWindowTests` checks it against sums in Swift, including sliding frames (the
/// inverse) and amounts beyond 2^64 and 2^256.
enum SQLiteAmountWindow {
    /// Five 64-bit limbs, least significant first: a 320-bit two's-complement integer. Zeroed
    /// memory (what `sqlite3_aggregate_context` hands out first) is zero.
    struct Accumulator {
        var limbs: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)

        subscript(i: Int) -> UInt64 {
            get {
                switch i {
                case 0: limbs.0
                case 1: limbs.1
                case 2: limbs.2
                case 3: limbs.3
                default: limbs.4
                }
            }
            set {
                switch i {
                case 0: limbs.0 = newValue
                case 1: limbs.1 = newValue
                case 2: limbs.2 = newValue
                case 3: limbs.3 = newValue
                default: limbs.4 = newValue
                }
            }
        }

        /// Adds `amount` (subtracts when `negate`), modulo 2^320.
        mutating func add(_ amount: UInt256, negate: Bool) {
            var carry: UInt64 = negate ? 1 : 0
            for i in 0..<5 {
                var word: UInt64
                switch i {
                case 0: word = amount.limbs.0
                case 1: word = amount.limbs.1
                case 2: word = amount.limbs.2
                case 3: word = amount.limbs.3
                default: word = 0
                }
                if negate { word = ~word }
                let (s1, o1) = self[i].addingReportingOverflow(word)
                let (s2, o2) = s1.addingReportingOverflow(carry)
                self[i] = s2
                carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
            }
        }

        var isNegative: Bool { limbs.4 >> 63 == 1 }

        /// The value as decimal digits, with a leading `-` when negative.
        var decimalText: String {
            var magnitude = self
            if isNegative {
                // Two's complement negation: invert and add one.
                var carry: UInt64 = 1
                for i in 0..<5 {
                    let (s, o) = (~magnitude[i]).addingReportingOverflow(carry)
                    magnitude[i] = s
                    carry = o ? 1 : 0
                }
            }
            let sign = isNegative ? "-" : ""
            if magnitude.limbs.4 == 0 {
                let small = UInt256(
                    limbs: (magnitude.limbs.0, magnitude.limbs.1, magnitude.limbs.2, magnitude.limbs.3))
                return sign + small.decimalString
            }
            // Beyond 2^256: 19 digits at a time.
            var chunks: [UInt64] = []
            while (0..<5).contains(where: { magnitude[$0] != 0 }) {
                var rem: UInt64 = 0
                for i in stride(from: 4, through: 0, by: -1) {
                    let (q, r) = UInt64(10_000_000_000_000_000_000).dividingFullWidth((rem, magnitude[i]))
                    magnitude[i] = q
                    rem = r
                }
                chunks.append(rem)
            }
            var text = String(chunks.removeLast())
            for chunk in chunks.reversed() {
                let digits = String(chunk)
                text += String(repeating: "0", count: 19 - digits.count) + digits
            }
            return sign + text
        }
    }

    /// `sqlite3_result_text`'s "copy the text now".
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Registers `amount_balance` on `db`'s connection.
    static func register(_ db: Database) {
        guard let connection = db.sqliteConnection else { return }
        sqlite3_create_window_function(
            connection, "amount_balance", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, values in SQLiteAmountWindow.step(context, count, values, inverse: false) },
            { context in SQLiteAmountWindow.result(context, final: true) },
            { context in SQLiteAmountWindow.result(context, final: false) },
            { context, count, values in SQLiteAmountWindow.step(context, count, values, inverse: true) },
            nil)
    }

    /// Reads one argument: nil for NULL (zero); `.failure` for a value that is no amount.
    static func amount(_ value: OpaquePointer?) -> Result<UInt256?, AmountArgumentError> {
        switch sqlite3_value_type(value) {
        case SQLITE_NULL:
            return .success(nil)
        case SQLITE_INTEGER:
            let v = sqlite3_value_int64(value)
            return v >= 0 ? .success(UInt256(UInt64(v))) : .failure(AmountArgumentError())
        case SQLITE_BLOB:
            let n = Int(sqlite3_value_bytes(value))
            guard n == 32, let p = sqlite3_value_blob(value) else { return .failure(AmountArgumentError()) }
            let bytes = [UInt8](UnsafeRawBufferPointer(start: p, count: n))
            return UInt256(bigEndianBytes: bytes).map { .success($0) } ?? .failure(AmountArgumentError())
        case SQLITE_TEXT:
            guard let c = sqlite3_value_text(value) else { return .failure(AmountArgumentError()) }
            let text = String(cString: c)
            return UInt256(decimal: text).map { .success($0) } ?? .failure(AmountArgumentError())
        default:
            return .failure(AmountArgumentError())
        }
    }

    struct AmountArgumentError: Error {}

    /// xStep (adds received, subtracts sent) and xInverse (the reverse, for a row leaving the frame).
    static func step(
        _ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?,
        inverse: Bool
    ) {
        guard count == 2, let values else {
            sqlite3_result_error(context, "amount_balance takes two arguments (received, sent)", -1)
            return
        }
        guard case .success(let received) = amount(values[0]), case .success(let sent) = amount(values[1])
        else {
            sqlite3_result_error(context, "amount_balance: not an amount", -1)
            return
        }
        let size = Int32(MemoryLayout<Accumulator>.size)
        guard let raw = sqlite3_aggregate_context(context, size) else {
            sqlite3_result_error_nomem(context)
            return
        }
        let accumulator = raw.bindMemory(to: Accumulator.self, capacity: 1)
        if let received { accumulator.pointee.add(received, negate: inverse) }
        if let sent { accumulator.pointee.add(sent, negate: !inverse) }
    }

    /// xValue (the current frame's balance) and xFinal (the last one; zero when no row came).
    static func result(_ context: OpaquePointer?, final: Bool) {
        // Size 0: no allocation when no row was stepped (xFinal of an empty group).
        let raw = sqlite3_aggregate_context(context, 0)
        let value = raw.map { $0.bindMemory(to: Accumulator.self, capacity: 1).pointee } ?? Accumulator()
        value.decimalText.withCString { sqlite3_result_text(context, $0, -1, transient) }
    }
}
