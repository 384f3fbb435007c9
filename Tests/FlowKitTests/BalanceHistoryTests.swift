import FlowIngest
import FlowKit
import FlowModel
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The balance history without correlated subqueries: `amount_balance` (the window function of
/// `SQLiteAmountWindow`) against sums done digit by digit in decimal, and `balance-history` against
/// the quadratic query it replaced, kept here as the reference.
@Suite("Linear balance history")
struct BalanceHistoryTests {
    /// `Queries/balance-history.sql` before it used `amount_balance`: each account-model row's
    /// balance re-summed every earlier row of its asset with correlated subqueries (O(n²)).
    static let quadraticReference = #"""
        WITH me AS (SELECT id FROM addresses WHERE address = :address),
        btc_moves AS (
            SELECT o.tx_id, o.value AS received, 0 AS sent
            FROM outputs o
            WHERE o.address_id = (SELECT id FROM me)
            UNION ALL
            SELECT i.tx_id, 0, o.value
            FROM outputs o
            JOIN inputs i ON i.spent_output_id = o.id
            WHERE o.address_id = (SELECT id FROM me)
        ),
        btc AS (
            SELECT b.time, b.height, b.id AS block_id, t.position, t.txid,
                SUM(m.received) AS received, SUM(m.sent) AS sent
            FROM btc_moves m
            JOIN transactions t ON t.id = m.tx_id
            JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
            GROUP BY t.id
        ),
        btc_rows AS (
            SELECT 'utxo' AS model, time, height AS block, lower(hex(txid)) AS tx, 'BTC' AS asset,
                CAST(received AS TEXT) AS received, CAST(sent AS TEXT) AS sent,
                CAST(SUM(received - sent) OVER (
                    ORDER BY COALESCE(height, -1), block_id, position ROWS UNBOUNDED PRECEDING) AS TEXT) AS balance,
                1 AS asset_id, COALESCE(height, -1) AS k1, block_id AS k2, position AS k3
            FROM btc
        ),
        acct AS (
            SELECT tr.id, tr.time, tr.block, tr.tx, tr.asset_id,
                CASE WHEN tr.to_id = (SELECT id FROM me) THEN tr.amount END AS received,
                CASE WHEN tr.from_id = (SELECT id FROM me) THEN tr.amount END AS sent
            FROM transfers tr
            WHERE (tr.to_id = (SELECT id FROM me) OR tr.from_id = (SELECT id FROM me))
              AND COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
        ),
        acct_rows AS (
            SELECT 'account' AS model, x.time, x.block, x.tx, asset_name(s.symbol, s.contract, s.id) AS asset,
                amount_text(x.received) AS received, amount_text(x.sent) AS sent,
                amount_diff(
                    (SELECT amount_sum(y.received) FROM acct y
                     WHERE y.asset_id = x.asset_id AND (y.time < x.time OR (y.time = x.time AND y.id <= x.id))),
                    (SELECT amount_sum(y.sent) FROM acct y
                     WHERE y.asset_id = x.asset_id AND (y.time < x.time OR (y.time = x.time AND y.id <= x.id)))
                ) AS balance,
                x.asset_id, x.time AS k1, x.id AS k2, 0 AS k3
            FROM acct x
            JOIN assets s ON s.id = x.asset_id
        )
        SELECT model, strftime('%Y-%m-%dT%H:%M:%SZ', time, 'unixepoch') AS time, block, tx, asset, received,
            sent, balance
        FROM (SELECT * FROM btc_rows UNION ALL SELECT * FROM acct_rows)
        ORDER BY asset_id, k1, k2, k3
        """#

    /// Signed decimal arithmetic on digit strings, independent of `UInt256` and of the limbs of
    /// the window function: schoolbook addition and subtraction of magnitudes.
    struct Decimal {
        var negative = false
        /// Most significant first, no leading zeros ("0" is [0]).
        var digits: [UInt8] = [0]

        init() {}
        init(_ text: String) {
            negative = text.hasPrefix("-")
            digits = text.drop { $0 == "-" }.map { UInt8($0.asciiValue! - 48) }
            trim()
        }

        var text: String {
            (negative && digits != [0] ? "-" : "") + digits.map { String($0) }.joined()
        }

        mutating func trim() {
            while digits.count > 1 && digits[0] == 0 { digits.removeFirst() }
            if digits == [0] { negative = false }
        }

        static func less(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            a.count != b.count ? a.count < b.count : a.lexicographicallyPrecedes(b)
        }

        static func add(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var carry = 0
            var i = a.count - 1
            var j = b.count - 1
            while i >= 0 || j >= 0 || carry > 0 {
                let s = (i >= 0 ? Int(a[i]) : 0) + (j >= 0 ? Int(b[j]) : 0) + carry
                out.append(UInt8(s % 10))
                carry = s / 10
                i -= 1
                j -= 1
            }
            return out.reversed()
        }

        /// a − b for a ≥ b.
        static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var borrow = 0
            var j = b.count - 1
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                var d = Int(a[i]) - borrow - (j >= 0 ? Int(b[j]) : 0)
                borrow = d < 0 ? 1 : 0
                if d < 0 { d += 10 }
                out.append(UInt8(d))
                j -= 1
            }
            return out.reversed()
        }

        /// Adds `other` with its sign flipped when `minus`.
        mutating func add(_ other: Decimal, minus: Bool = false) {
            let otherNegative = other.negative != minus
            if negative == otherNegative {
                digits = Self.add(digits, other.digits)
            } else if Self.less(digits, other.digits) {
                digits = Self.subtract(other.digits, digits)
                negative = otherNegative
            } else {
                digits = Self.subtract(digits, other.digits)
            }
            trim()
        }
    }

    /// A random amount: zero, small, near 2^63, beyond 2^64, or up to 2^256 − 1.
    static func amount(_ rng: inout SplitMix64) -> UInt256 {
        switch rng.next() % 6 {
        case 0: return .zero
        case 1: return UInt256(rng.next() % 1_000_000)
        case 2: return UInt256(UInt64(Int64.max) - rng.next() % 3)
        case 3: return UInt256(limbs: (rng.next(), rng.next() % 1000, 0, 0))
        case 4: return UInt256(limbs: (rng.next(), rng.next(), rng.next(), rng.next() >> 8))
        default: return .max
        }
    }

    /// An SQL literal of `amount` as chainflow stores it: INTEGER below 2^63, else a 32-byte BLOB;
    /// some as decimal text, which the amount functions accept too.
    static func literal(_ amount: UInt256?, _ rng: inout SplitMix64) -> String {
        guard let amount else { return "NULL" }
        if let small = amount.uint64, small <= UInt64(Int64.max) { return String(small) }
        if rng.next() % 4 == 0 { return "'\(amount.decimalString)'" }
        return "x'" + amount.bigEndianBytes.map { String(format: "%02x", $0) }.joined() + "'"
    }

    @Test(
        "amount_balance gives Σ received − Σ sent exactly over running and sliding frames, beyond 2^64 and 2^256",
        arguments: [1, 2, 3])
    func windowFunctionIsExact(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let (store, _) = try Fixtures.freshStore()
        var rows: [(part: Int, received: UInt256?, sent: UInt256?)] = []
        for _ in 0..<300 {
            let r: UInt256? = rng.next() % 5 == 0 ? nil : Self.amount(&rng)
            let s: UInt256? = rng.next() % 5 == 0 ? nil : Self.amount(&rng)
            rows.append((Int(rng.next() % 3), r, s))
        }
        // Twelve payments of 2^256 − 1 first: running sums past what a UInt256 holds.
        for k in 0..<12 { rows[k] = (0, .max, nil) }
        let values = rows.enumerated().map { k, row in
            "(\(k), \(row.part), \(Self.literal(row.received, &rng)), \(Self.literal(row.sent, &rng)))"
        }
        let sql = """
            WITH v(k, part, r, s) AS (VALUES \(values.joined(separator: ", ")))
            SELECT k,
                amount_balance(r, s) OVER (PARTITION BY part ORDER BY k ROWS UNBOUNDED PRECEDING),
                amount_balance(r, s) OVER (PARTITION BY part ORDER BY k ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING),
                amount_balance(r, s) OVER (PARTITION BY part)
            FROM v ORDER BY k
            """
        let result = try store.runQuery(sql, arguments: [:])
        try #require(result.rows.count == rows.count)
        func decimal(_ a: UInt256?) -> Decimal { a.map { Decimal($0.decimalString) } ?? Decimal() }
        func balance(_ range: some Sequence<Int>) -> String {
            var b = Decimal()
            for i in range {
                b.add(decimal(rows[i].received))
                b.add(decimal(rows[i].sent), minus: true)
            }
            return b.text
        }
        var beyond256 = 0
        for (k, row) in rows.enumerated() {
            let same = rows.indices.filter { rows[$0].part == row.part }
            let position = try #require(same.firstIndex(of: k))
            let running = balance(same[...position])
            let sliding = balance(same[max(0, position - 3)...min(same.count - 1, position + 1)])
            let whole = balance(same)
            #expect(
                result.rows[k] == [.integer(Int64(k)), .text(running), .text(sliding), .text(whole)],
                "row \(k)")
            if running.drop(while: { $0 == "-" }).count > 78 { beyond256 += 1 }
        }
        // Sums past 2^256 (78 digits), which a UInt256 could not hold, are exact too.
        #expect(beyond256 > 0)

        // A plain aggregate; an empty group is 0; a negative integer is no amount.
        let plain = try store.runQuery(
            "SELECT amount_balance(r, s) FROM (SELECT 5 AS r, 7 AS s UNION ALL SELECT NULL, 1)",
            arguments: [:])
        #expect(plain.rows == [[.text("-3")]])
        let empty = try store.runQuery(
            "SELECT amount_balance(r, s) FROM (SELECT 1 AS r, 1 AS s) WHERE r = 0", arguments: [:])
        #expect(empty.rows == [[.text("0")]])
        #expect(throws: StoreError.self) {
            try store.runQuery("SELECT amount_balance(-1, 0)", arguments: [:])
        }
    }

    @Test(
        "amount_sum and amount_text (C API) are exact in both representations; NULL, empty groups, overflow")
    func amountFunctions() throws {
        var rng = SplitMix64(seed: 7)
        let (store, _) = try Fixtures.freshStore()
        var rows: [(group: Int, amount: UInt256?)] = []
        for _ in 0..<200 {
            var a: UInt256? = rng.next() % 6 == 0 ? nil : Self.amount(&rng)
            // Sums stay below 2^256 here; the overflow is checked below.
            if let v = a { a = UInt256(limbs: (v.limbs.0, v.limbs.1, v.limbs.2, v.limbs.3 >> 16)) }
            rows.append((Int(rng.next() % 4), a))
        }
        let values = rows.enumerated().map { k, row in
            "(\(k), \(row.group), \(Self.literal(row.amount, &rng)))"
        }
        let cte = "WITH v(k, g, a) AS (VALUES \(values.joined(separator: ", ")))"
        let texts = try store.runQuery("\(cte) SELECT amount_text(a) FROM v ORDER BY k", arguments: [:])
        #expect(texts.rows == rows.map { [$0.amount.map { .text($0.decimalString) } ?? .null] })
        let sums = try store.runQuery(
            "\(cte) SELECT g, amount_text(amount_sum(a)), typeof(amount_sum(a)) FROM v GROUP BY g ORDER BY g",
            arguments: [:])
        for row in sums.rows {
            guard case .integer(let g) = row[0] else { continue }
            var d = Decimal()
            for r in rows where r.group == g { if let a = r.amount { d.add(Decimal(a.decimalString)) } }
            // Below 2^63 an INTEGER, above a 32-byte BLOB, as amounts are stored.
            let small = d.digits.count < 19 || (d.digits.count == 19 && d.text <= String(Int64.max))
            #expect(row[1] == .text(d.text) && row[2] == .text(small ? "integer" : "blob"), "group \(g)")
        }
        let edge = try store.runQuery(
            """
            SELECT amount_text(NULL), amount_text(-1), amount_text('12'), amount_text(x'00'),
                (SELECT amount_sum(a) FROM (SELECT 1 AS a) WHERE a = 0),
                (SELECT amount_sum(a) FROM (SELECT NULL AS a)),
                (SELECT amount_sum(a) FROM (SELECT 9223372036854775807 AS a UNION ALL SELECT 1))
            """, arguments: [:])
        var twoTo63 = [UInt8](repeating: 0, count: 32)
        twoTo63[24] = 0x80
        #expect(edge.rows == [[.null, .null, .text("12"), .null, .integer(0), .integer(0), .blob(twoTo63)]])
        let max = "x'" + String(repeating: "ff", count: 32) + "'"
        // Past 2^256 (a spam token's sums): exact decimal text.
        let wide = try store.runQuery(
            "SELECT amount_sum(a), amount_text(amount_sum(a)) FROM (SELECT \(max) AS a UNION ALL SELECT \(max))",
            arguments: [:])
        let twice = "231584178474632390847141970017375815706539969331281128078915168015826259279870"
        #expect(wide.rows == [[.text(twice), .text(twice)]])
        #expect(throws: StoreError.self) { try store.runQuery("SELECT amount_sum(1.5)", arguments: [:]) }
    }

    /// Both queries' answers for `address`.
    static func both(_ store: GraphStore, _ address: String) throws -> (new: SQLResult, old: SQLResult) {
        let new = try QueryLibrary.run(
            store: store, query: try QueryLibrary.named("balance-history"), params: ["address=\(address)"]
        ).result
        let old = try store.runQuery(quadraticReference, arguments: ["address": .text(address)])
        // The reference has the first eight columns; the appended ones (decimals and the amounts
        // in units of the asset) must follow from them.
        #expect(
            new.columns.dropFirst(8)
                == ["decimals", "received_units", "sent_units", "balance_units"])
        for row in new.rows {
            for (k, units) in [(5, 9), (6, 10), (7, 11)] {
                #expect(row[units] == Self.units(row[k], decimals: row[8]), "\(address): \(row)")
            }
        }
        var first = new
        first.columns = Array(new.columns.prefix(8))
        first.rows = new.rows.map { Array($0.prefix(8)) }
        return (first, old)
    }

    /// A base-unit amount cell (signed decimal text) in whole units, as `amount_units` gives it.
    static func units(_ v: SQLValue, decimals: SQLValue) -> SQLValue {
        guard case .text(let text) = v, case .integer(let d) = decimals else { return .null }
        let negative = text.hasPrefix("-")
        guard let magnitude = UInt256(decimal: negative ? String(text.dropFirst()) : text) else {
            return .null
        }
        let whole = magnitude.decimalString(decimals: Int(d))
        return .text(negative && magnitude != .zero ? "-" + whole : whole)
    }

    @Test(
        "balance-history gives what the quadratic query gave, on every address of a random multi-asset ledger"
    )
    func sameAsQuadraticOnLedger() throws {
        var rng = SplitMix64(seed: 15)
        let (store, dir) = try Fixtures.freshStore()
        // 12 accounts, 3 assets, many transfers at the same second, self-transfers, zero amounts,
        // amounts beyond 2^64 (whole base units: no decimals).
        var csv = "id,ts,src,dst,amt,cur\n"
        for k in 0..<600 {
            let from = "ACC-\(rng.next() % 12)"
            let to = rng.next() % 10 == 0 ? from : "ACC-\(rng.next() % 12)"
            var amount = Self.amount(&rng)
            if amount == .max { amount = UInt256(limbs: (rng.next(), rng.next(), 0, 0)) }
            // Sums stay below 2^256, where the quadratic query's amount_sum stopped.
            amount = UInt256(limbs: (amount.limbs.0, amount.limbs.1, amount.limbs.2, amount.limbs.3 >> 20))
            let time = 1_700_000_000 + Int(rng.next() % 200)
            csv +=
                "t\(k),\(time),\(from),\(to),\(amount.decimalString),\(["USD", "EUR", "TOK"][Int(rng.next() % 3)])\n"
        }
        let path = dir + "/ledger.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let plan = try IngestPlan.classify(paths: [path], override: .transfersCSV)
        _ = try TransferCSVIngest.run(
            store: store, files: plan.files(.transfersCSV),
            options: TransferCSVOptions(
                mapping: try TransferCSVMapping.parse("tx=id,time=ts,from=src,to=dst,amount=amt,asset=cur"),
                chunkRows: 50_000))
        var compared = 0
        for k in 0..<12 {
            let (new, old) = try Self.both(store, "ACC-\(k)")
            #expect(new == old, "ACC-\(k)")
            #expect(new.columns == ["model", "time", "block", "tx", "asset", "received", "sent", "balance"])
            compared += new.rows.count
        }
        // Every transfer with an amount shows once per side, a self-transfer once.
        #expect(compared > 600)
    }

    @Test(
        "balance-history gives what the quadratic query gave on every address of the sample case (Bitcoin, Ethereum, ledgers)"
    )
    func sameAsQuadraticOnSampleCase() throws {
        let store = try SampleCaseDB.store()
        let addresses = try store.runQuery("SELECT address FROM addresses ORDER BY id", arguments: [:])
        var nonEmpty = 0
        for row in addresses.rows {
            guard case .text(let address) = row[0] else { continue }
            let (new, old) = try Self.both(store, address)
            #expect(new == old, "\(address)")
            if !new.rows.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 50)
    }
}
