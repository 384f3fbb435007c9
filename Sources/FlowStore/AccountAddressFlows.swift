import FlowModel
import GRDB

/// An address's account-model transfers, read once through SQLite's C API (`SQLiteScan`), from
/// which the profile's totals per asset and the report's history, counterparties and exposure are
/// computed in Swift.
///
/// They are the rows the library queries `balance-history`, `top-counterparties` and
/// `tag-exposure` give, in the same order (`AccountAddressFlowsTests` compares them on random
/// ledgers and the samples), without what made those slow on a hub: each query reading the
/// address's rows again, a window function and a final sort of every row in SQLite, a `strftime`
/// and three amount functions per row through GRDB's bridge. A hub that takes part in a large
/// share of the table is read in one sequential scan instead of a row lookup per index entry.
/// An address with Bitcoin outputs or prevouts gets its history, counterparties and exposure
/// from the library queries, whose UTXO rules (change, the payers of a transaction) live there.
struct AddressTransfers {
    let me: Int64
    var id: [Int64] = []
    var time: [Int64] = []
    var block: [Int64?] = []
    var tx: [String] = []
    var asset: [Int64] = []
    var amount: [UInt256] = []
    var kind: [Int64] = []
    var status: [Int64?] = []
    var from: [Int64?] = []
    var to: [Int64?] = []

    var count: Int { id.count }

    /// Every transfer from or to address `me`, in no particular order.
    static func load(_ db: Database, me: Int64, path: String) throws -> AddressTransfers {
        var rows = AddressTransfers(me: me)
        let columns = "id, time, block, tx, asset_id, amount, kind, status, from_id, to_id"
        // Index lookups cost about three times a sequential row: scan the table when the address
        // is in more than a third of it (counted on the indexes alone).
        let mine =
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT (SELECT COUNT(*) FROM transfers WHERE to_id = ?1)
                        + (SELECT COUNT(*) FROM transfers WHERE from_id = ?1)
                    """, arguments: [me]) ?? 0
        guard mine > 0 else { return rows }
        let table = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM transfers") ?? 0
        let sql =
            mine * 3 > table
            ? "SELECT \(columns) FROM transfers NOT INDEXED WHERE to_id = ?1 OR from_id = ?1"
            : """
            SELECT \(columns) FROM transfers WHERE to_id = ?1
            UNION ALL
            SELECT \(columns) FROM transfers WHERE from_id = ?1 AND to_id IS NOT ?1
            """
        rows.reserve(Int(mine))
        try SQLiteScan.run(db, sql, [me]) { row in
            guard case .value(let value) = row.amount(5) else {
                throw StoreError(.io, "transfer \(row.int(0)): its amount is not an amount", path: path)
            }
            rows.id.append(row.int(0))
            rows.time.append(row.int(1))
            rows.block.append(row.optionalInt(2))
            rows.tx.append(row.optionalText(3) ?? "")
            rows.asset.append(row.int(4))
            rows.amount.append(value)
            rows.kind.append(row.int(6))
            rows.status.append(row.optionalInt(7))
            rows.from.append(row.optionalInt(8))
            rows.to.append(row.optionalInt(9))
        }
        return rows
    }

    private mutating func reserve(_ n: Int) {
        id.reserveCapacity(n)
        time.reserveCapacity(n)
        block.reserveCapacity(n)
        tx.reserveCapacity(n)
        asset.reserveCapacity(n)
        amount.reserveCapacity(n)
        kind.reserveCapacity(n)
        status.reserveCapacity(n)
        from.reserveCapacity(n)
        to.reserveCapacity(n)
    }

    static let fee = TransferKind.fee.rawValue

    /// Moved value: not failed (`COALESCE(status, 1) = 1`) and not zero.
    func moved(_ k: Int) -> Bool { (status[k] ?? 1) == 1 && amount[k] != .zero }

    /// The profile's totals per asset (`GraphStore.assetActivity`), by asset id: received and
    /// sent by transfers that did not fail (fees left out), their count and first and last time
    /// (a fee's time counts), and the fees the address paid (failed transactions' too).
    /// Sums are exact past 2^256 (a spam token's amounts: `AmountTotal`).
    struct Activity {
        var received = AmountTotal()
        var sent = AmountTotal()
        var transfers = 0
        var first: Int64?
        var last: Int64?
        var fees = AmountTotal()
        var feeCount = 0

        /// Whether a sum passed 2^256 − 1.
        var overflows: Bool { received.exact == nil || sent.exact == nil || fees.exact == nil }
    }

    func activity() -> [(asset: Int64, Activity)] {
        var byAsset: [Int64: Activity] = [:]
        for k in 0..<count {
            let paidTo = to[k] == me
            let paidBy = from[k] == me
            let succeeded = status[k] != 0
            var t = byAsset[asset[k]] ?? Activity()
            if paidBy && kind[k] == Self.fee {
                t.fees.add(amount[k])
                t.feeCount += 1
            }
            if succeeded || (!paidTo && kind[k] == Self.fee) {
                if kind[k] != Self.fee {
                    if paidTo { t.received.add(amount[k]) }
                    if paidBy { t.sent.add(amount[k]) }
                    t.transfers += 1
                }
                t.first = Swift.min(t.first ?? time[k], time[k])
                t.last = Swift.max(t.last ?? time[k], time[k])
            }
            byAsset[asset[k]] = t
        }
        return byAsset.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// `balance-history`'s rows: every transfer that moved value in or out (fees included), by
    /// asset, time and row id, with the running balance per asset.
    func history(names: [Int64: String]) -> [AddressMovement] {
        let order = (0..<count).filter(moved).sorted { a, b in
            (asset[a], time[a], id[a]) < (asset[b], time[b], id[b])
        }
        var out: [AddressMovement] = []
        out.reserveCapacity(order.count)
        var balance = SQLiteAmountFunctions.Accumulator()
        var current: Int64?
        for k in order {
            if asset[k] != current {
                current = asset[k]
                balance = SQLiteAmountFunctions.Accumulator()
            }
            // Received when paid to the address, sent when paid by it (both: it paid itself).
            let inward = to[k] == me
            let outward = from[k] == me
            if inward { balance.add(amount[k], negate: false) }
            if outward { balance.add(amount[k], negate: true) }
            out.append(
                AddressMovement(
                    model: "account", time: Self.reportTime(time[k]), block: block[k], tx: tx[k],
                    asset: names[asset[k]] ?? "", received: inward ? amount[k] : .zero,
                    sent: outward ? amount[k] : .zero,
                    balance: balance.signedAmount ?? SignedAmount(magnitude: .zero)))
        }
        return out
    }

    /// A stored time as the library queries hand it on (`strftime` to ISO-8601 and back): the
    /// same second from the year 0 to 9999, 0 outside (where `strftime` gives NULL or a year it
    /// cannot print in four digits).
    static func reportTime(_ t: Int64) -> Int64 {
        (-62_167_219_200...253_402_300_799).contains(t) ? t : 0
    }

    /// What passed between the address and one counterparty in one asset.
    struct CounterpartyTotals {
        var counterparty: Int64
        var asset: Int64
        var received = UInt256.zero
        var sent = UInt256.zero
        var total = UInt256.zero
        var payments = 0
    }

    /// `top-counterparties`' `totals`: transfers that moved value to or from another address,
    /// fees left out; by asset, then largest total first, then counterparty id.
    /// The transfers without those of `assets` (whose sums pass 2^256: left out of the history,
    /// counterparties and exposure, which the activity row's overflow stands for).
    func without(assets: Set<Int64>) -> AddressTransfers {
        guard !assets.isEmpty else { return self }
        var out = AddressTransfers(me: me)
        for k in 0..<count where !assets.contains(asset[k]) {
            out.id.append(id[k])
            out.time.append(time[k])
            out.block.append(block[k])
            out.tx.append(tx[k])
            out.asset.append(asset[k])
            out.amount.append(amount[k])
            out.kind.append(kind[k])
            out.status.append(status[k])
            out.from.append(from[k])
            out.to.append(to[k])
        }
        return out
    }

    func counterpartyTotals() -> [CounterpartyTotals] {
        var index: [SIMD2<Int64>: Int] = [:]
        var totals: [CounterpartyTotals] = []
        for k in 0..<count where kind[k] != Self.fee && moved(k) && from[k] != to[k] {
            let paidTo = to[k] == me
            guard let counterparty = paidTo ? from[k] : to[k] else { continue }
            let key = SIMD2(counterparty, asset[k])
            let n: Int
            if let found = index[key] {
                n = found
            } else {
                n = totals.count
                index[key] = n
                totals.append(CounterpartyTotals(counterparty: counterparty, asset: asset[k]))
            }
            // Below 2^256 each: the address's own totals of the asset are (`without(assets:)`).
            if paidTo {
                totals[n].received = totals[n].received + amount[k]
            } else {
                totals[n].sent = totals[n].sent + amount[k]
            }
            // received + sent, the order of the rows only: 2^256 − 1 at most.
            totals[n].total = totals[n].total + amount[k]
            totals[n].payments += 1
        }
        totals.sort { a, b in
            if a.asset != b.asset { return a.asset < b.asset }
            if a.total != b.total { return a.total > b.total }
            return a.counterparty < b.counterparty
        }
        return totals
    }
}

extension GraphStore {
    /// Which way an address's report rows are read.
    enum AddressRows {
        /// No such address: no rows.
        case unknown
        /// It has Bitcoin outputs or prevouts: the library queries (its id).
        case bitcoin(Int64)
        /// Only account-model transfers: the Swift pass over them (its id).
        case account(Int64)
    }

    func addressRows(_ db: Database, _ address: String) throws -> AddressRows {
        guard
            let id = try Int64.fetchOne(
                db, sql: "SELECT id FROM addresses WHERE address = ?", arguments: [address])
        else { return .unknown }
        let utxo = try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM outputs WHERE address_id = ?1)
                    OR EXISTS (SELECT 1 FROM prevouts WHERE address_id = ?1)
                """, arguments: [id])
        return utxo == true ? .bitcoin(id) : .account(id)
    }

    /// Every asset's name as the reports write it (`asset_name`), by id.
    func assetNames(_ db: Database) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        try SQLiteScan.run(db, "SELECT id, symbol, COALESCE(contract, '') FROM assets") { row in
            names[row.int(0)] = TraceAsset.displayName(
                symbol: row.optionalText(1), contract: row.optionalText(2) ?? "", id: row.int(0))
        }
        return names
    }

    /// The profile's activity and fee rows from `rows` (`assetActivity`).
    /// Also the assets whose sums pass 2^256 − 1.
    func activityRows(_ db: Database, _ rows: AddressTransfers) throws -> (
        assets: [AssetActivity], fees: [AssetActivity], overflowed: Set<Int64>
    ) {
        var assets: [AssetActivity] = []
        var fees: [AssetActivity] = []
        let describe = try db.makeStatement(
            sql: """
                SELECT asset_name(symbol, contract, id), chain, NULLIF(contract, ''), decimals
                FROM assets WHERE id = ?
                """)
        var overflowed = Set<Int64>()
        for (asset, t) in rows.activity() {
            guard let r = try Row.fetchOne(describe, arguments: [asset]) else { continue }
            if t.overflows { overflowed.insert(asset) }
            if t.transfers > 0 {
                var a = AssetActivity(
                    asset: r[0], chain: r[1], contract: r[2], decimals: r[3], received: t.received.clamped,
                    sent: t.sent.clamped, transfers: t.transfers, firstTime: t.first, lastTime: t.last)
                a.overflow = AmountOverflow(checking: t.received, t.sent)
                assets.append(a)
            }
            if t.feeCount > 0 {
                var f = AssetActivity(
                    asset: r[0], chain: r[1], decimals: r[3], received: .zero, sent: t.fees.clamped,
                    transfers: t.feeCount)
                f.overflow = AmountOverflow(checking: AmountTotal(), t.fees)
                fees.append(f)
            }
        }
        return (assets, fees, overflowed)
    }

    /// `top-counterparties`' rows from `totals`: the `limit` largest per asset (tags not yet
    /// filled in).
    func counterpartyRows(
        _ db: Database, _ totals: [AddressTransfers.CounterpartyTotals], names: [Int64: String], limit: Int
    ) throws -> [AddressCounterparty] {
        let text = try db.makeStatement(sql: "SELECT address FROM addresses WHERE id = ?")
        var out: [AddressCounterparty] = []
        var asset: Int64?
        var rank = 0
        for t in totals {
            if t.asset != asset {
                asset = t.asset
                rank = 0
            }
            rank += 1
            guard rank <= limit else { continue }
            out.append(
                AddressCounterparty(
                    address: try String.fetchOne(text, arguments: [t.counterparty]) ?? "",
                    asset: names[t.asset] ?? "", received: t.received, sent: t.sent, total: t.total,
                    payments: t.payments, tags: []))
        }
        return out
    }

    /// `tag-exposure`'s rows from `totals`: the tagged counterparties, a row per category and
    /// label, by category, asset, total (largest first), address and label.
    func exposureRows(_ db: Database, _ totals: [AddressTransfers.CounterpartyTotals], names: [Int64: String])
        throws -> [AddressExposure]
    {
        guard !totals.isEmpty else { return [] }
        // A counterparty's tags: looked up one counterparty at a time, or the tags read once when
        // there are fewer of them than counterparties.
        var tagged: [Int64: (address: String, tags: [(category: String, label: String)])] = [:]
        let lastTag = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM tags") ?? 0
        let counterparties = Set(totals.map(\.counterparty))
        func add(_ id: Int64, _ address: String?, _ category: String?, _ label: String?) {
            guard let address else { return }
            tagged[id, default: (address, [])].tags.append((category ?? "", label ?? ""))
        }
        if lastTag < Int64(counterparties.count) {
            try SQLiteScan.run(
                db,
                """
                SELECT DISTINCT a.id, a.address, t.category, t.label
                FROM tags t JOIN addresses a ON a.address = t.address
                """
            ) { row in
                guard counterparties.contains(row.int(0)) else { return }
                add(row.int(0), row.optionalText(1), row.optionalText(2), row.optionalText(3))
            }
        } else {
            for cp in counterparties {
                try SQLiteScan.run(
                    db,
                    """
                    SELECT DISTINCT a.address, t.category, t.label
                    FROM addresses a JOIN tags t ON t.address = a.address WHERE a.id = ?1
                    """, [cp]
                ) { row in add(cp, row.optionalText(0), row.optionalText(1), row.optionalText(2)) }
            }
        }
        var rows: [(exposure: AddressExposure, asset: Int64, total: UInt256)] = []
        for t in totals {
            guard let cp = tagged[t.counterparty] else { continue }
            for tag in cp.tags {
                let exposure = AddressExposure(
                    category: tag.category, label: tag.label, counterparty: cp.address,
                    asset: names[t.asset] ?? "", received: t.received, sent: t.sent, payments: t.payments)
                rows.append((exposure, t.asset, t.total))
            }
        }
        // SQLite's order: text bytewise (BINARY), not Swift's Unicode order.
        func before(_ a: String, _ b: String) -> Bool? {
            a.utf8.elementsEqual(b.utf8) ? nil : a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        rows.sort { a, b in
            if let o = before(a.exposure.category, b.exposure.category) { return o }
            if a.asset != b.asset { return a.asset < b.asset }
            if a.total != b.total { return a.total > b.total }
            if let o = before(a.exposure.counterparty, b.exposure.counterparty) { return o }
            return before(a.exposure.label, b.exposure.label) ?? false
        }
        return rows.map(\.exposure)
    }

    /// The rows of `address`'s report: its activity and fees, and for an account-model address
    /// its history, counterparties and exposure from the same read of its transfers (nil for
    /// those three when the address has Bitcoin rows: the library queries give them).
    func accountReportRows(_ address: String, limit: Int) throws(StoreError) -> (
        activity: (assets: [AssetActivity], fees: [AssetActivity]),
        account: (
            history: [AddressMovement], counterparties: [AddressCounterparty], exposure: [AddressExposure]
        )?
    ) {
        try read("reading an address's transfers") { db in
            let id: Int64
            var account = false
            switch try addressRows(db, address) {
            case .unknown: return (([], []), ([], [], []))
            case .bitcoin(let i): id = i
            case .account(let i):
                id = i
                account = true
            }
            let all = try AddressTransfers.load(db, me: id, path: path)
            let (assets, fees, overflowed) = try activityRows(db, all)
            let activity = (assets, fees)
            guard account else { return (activity, nil) }
            let names = try assetNames(db)
            let rows = all.without(assets: overflowed)
            let totals = rows.counterpartyTotals()
            return (
                activity,
                (
                    rows.history(names: names), try counterpartyRows(db, totals, names: names, limit: limit),
                    try exposureRows(db, totals, names: names)
                )
            )
        }
    }
}
