import FlowModel
import GRDB
import GRDBSQLite

/// The amount functions of `AmountSQL` that run once per row of a big query, registered through
/// SQLite's C API: GRDB's function bridge boxes every argument and result, which cost more than
/// the arithmetic (1.5 s of a 2.5 s counterparty query over a million transfers).
///
/// - `amount_text(x)`: the amount as decimal digits; NULL for NULL or a value that is no amount.
/// - `amount_sum(x)`: the exact sum as chainflow stores amounts (INTEGER below 2^63, else a 32-byte
///   big-endian BLOB); 0 for no rows; an error for a value that is no amount. A sum past 2^256 − 1
///   (a spam token's transfers) is exact decimal TEXT, which `amount_text`, `amount_units` and
///   `amount_diff` read (it sorts after the INTEGER sums and before the BLOB ones).
/// - `amount_balance(received, sent)`: the running balance `Σ received − Σ sent` over a window,
///   as signed decimal text ("-12", "0", "340282366920938463463374607431768211456"), exact at any
///   size. An aggregate window function (GRDB's aggregates cannot be window functions): with an
///   inverse, SQLite keeps one accumulator per partition and moves it row by row, so a running
///   balance over n rows costs O(n):
///
///       amount_balance(received, sent) OVER (PARTITION BY asset_id ORDER BY time, id
///                                            ROWS UNBOUNDED PRECEDING)
///
///   Its accumulator is 320-bit two's complement, so sums of 2^256-sized amounts do not overflow
///   (it would take 2^63 rows). As a plain aggregate it gives the total balance.
///
/// Arguments are amounts as chainflow stores them (`AmountSQL`: an INTEGER below 2^63, a 32-byte
/// big-endian BLOB above, or decimal text); NULL counts as zero in the sums.
///
/// Unsafe pointer use (aggregate contexts, argument values, results) is confined to this file;
/// `BalanceHistoryTests.windowFunctionIsExact` and `amountFunctions` check it against arithmetic
/// in decimal digits, including sliding frames (the inverse) and amounts beyond 2^64 and 2^256.
enum SQLiteAmountFunctions {
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

        /// The absolute value (two's complement negation when negative: invert, add one).
        var magnitude: Accumulator {
            guard isNegative else { return self }
            var m = self
            var carry: UInt64 = 1
            for i in 0..<5 {
                let (s, o) = (~m[i]).addingReportingOverflow(carry)
                m[i] = s
                carry = o ? 1 : 0
            }
            return m
        }

        /// The sign and magnitude; nil when the magnitude is 2^256 or more.
        var signedAmount: SignedAmount? {
            let m = magnitude
            guard m.limbs.4 == 0 else { return nil }
            return SignedAmount(
                negative: isNegative, magnitude: UInt256(limbs: (m.limbs.0, m.limbs.1, m.limbs.2, m.limbs.3)))
        }

        /// The value as decimal digits, with a leading `-` when negative.
        var decimalText: String {
            let m = magnitude
            let low = UInt256(limbs: (m.limbs.0, m.limbs.1, m.limbs.2, m.limbs.3))
            return (isNegative ? "-" : "") + AmountTotal(low: low, high: m.limbs.4).decimalString
        }
    }

    /// `sqlite3_result_text`'s "copy the text now".
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Registers `amount_text`, `amount_sum` and `amount_balance` on `db`'s connection.
    static func register(_ db: Database) {
        guard let connection = db.sqliteConnection else { return }
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC
        sqlite3_create_function_v2(
            connection, "amount_text", 1, flags, nil,
            { context, count, values in SQLiteAmountFunctions.text(context, count, values) }, nil, nil, nil)
        sqlite3_create_function_v2(
            connection, "amount_sum", 1, flags, nil, nil,
            { context, count, values in SQLiteAmountFunctions.sumStep(context, count, values) },
            { context in SQLiteAmountFunctions.sumFinal(context) }, nil)
        sqlite3_create_window_function(
            connection, "amount_balance", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, values in SQLiteAmountFunctions.step(context, count, values, inverse: false) },
            { context in SQLiteAmountFunctions.result(context, final: true) },
            { context in SQLiteAmountFunctions.result(context, final: false) },
            { context, count, values in SQLiteAmountFunctions.step(context, count, values, inverse: true) },
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

    /// `amount_text(x)`.
    static func text(
        _ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?
    ) {
        guard count == 1, let values else {
            sqlite3_result_null(context)
            return
        }
        let digits: String
        if case .success(let value?) = amount(values[0]) {
            digits = value.decimalString
        } else if sqlite3_value_type(values[0]) == SQLITE_TEXT, let c = sqlite3_value_text(values[0]),
            let wide = AmountTotal(decimal: String(cString: c))
        {
            // A sum past 2^256 (`amount_sum`).
            digits = wide.decimalString
        } else {
            sqlite3_result_null(context)
            return
        }
        digits.withCString { sqlite3_result_text(context, $0, -1, transient) }
    }

    /// `amount_sum`'s state: the sum so far (zeroed memory: 0).
    struct Sum {
        var total = AmountTotal()
    }

    static func sumStep(
        _ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?
    ) {
        guard count == 1, let values else { return }
        guard case .success(let value) = amount(values[0]) else {
            sqlite3_result_error(context, "amount_sum: not an amount", -1)
            return
        }
        guard let raw = sqlite3_aggregate_context(context, Int32(MemoryLayout<Sum>.size)) else {
            sqlite3_result_error_nomem(context)
            return
        }
        let state = raw.bindMemory(to: Sum.self, capacity: 1)
        guard let value else { return }
        state.pointee.total.add(value)
    }

    static func sumFinal(_ context: OpaquePointer?) {
        let raw = sqlite3_aggregate_context(context, 0)
        let state = raw.map { $0.bindMemory(to: Sum.self, capacity: 1).pointee } ?? Sum()
        guard let total = state.total.exact else {
            // Beyond 2^256 (a spam token's amounts): exact decimal text, which the other amount
            // functions read.
            state.total.decimalString.withCString { sqlite3_result_text(context, $0, -1, transient) }
            return
        }
        if let small = total.uint64, small <= UInt64(Int64.max) {
            sqlite3_result_int64(context, Int64(small))
        } else {
            let bytes = total.bigEndianBytes
            bytes.withUnsafeBytes { sqlite3_result_blob(context, $0.baseAddress, Int32($0.count), transient) }
        }
    }

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
