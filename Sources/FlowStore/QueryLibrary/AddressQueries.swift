public import FlowModel
import Foundation

/// One row of a library query's answer, its cells found by column name (the column positions
/// are looked up once per answer, not per row).
struct QueryRow {
    let columns: [String: Int]
    let values: [SQLValue]

    subscript(_ column: String) -> SQLValue {
        guard let i = columns[column], i < values.count else { return .null }
        return values[i]
    }

    func text(_ column: String) -> String { optionalText(column) ?? "" }

    func optionalText(_ column: String) -> String? {
        switch self[column] {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .blob, .null: return nil
        }
    }

    func int(_ column: String) -> Int64? {
        switch self[column] {
        case .integer(let i): return i
        case .text(let s): return Int64(s)
        default: return nil
        }
    }

    /// An amount cell (decimal text or integer); zero when NULL.
    func amount(_ column: String) -> UInt256 {
        switch self[column] {
        case .integer(let i) where i >= 0: return UInt256(UInt64(i))
        case .text(let s): return UInt256(decimal: s) ?? .zero
        default: return .zero
        }
    }
}

extension GraphStore {
    /// The rows of library query `name` with `--param` texts, cells by column name.
    func libraryRows(_ name: String, _ params: [String]) throws -> [QueryRow] {
        let r = try QueryLibrary.run(store: self, query: try QueryLibrary.named(name), params: params).result
        var columns: [String: Int] = [:]
        for (i, c) in r.columns.enumerated() where columns[c] == nil { columns[c] = i }
        return r.rows.map { QueryRow(columns: columns, values: $0) }
    }

    /// Every movement in or out of `address` with the balance after it (`balance-history`); an
    /// account-model address's from one read of its transfers (`AddressTransfers`).
    public func addressHistory(_ address: String) throws -> [AddressMovement] {
        if let account = try accountReportRows(address, limit: 0).account { return account.history }
        return try libraryHistory(address)
    }

    /// `addressHistory` from the library query `balance-history` (any address).
    func libraryHistory(_ address: String) throws -> [AddressMovement] {
        try libraryRows("balance-history", ["address=\(address)"]).map { r in
            AddressMovement(
                model: r.text("model"), time: TimeParser.parse(r.text("time")) ?? 0, block: r.int("block"),
                tx: r.text("tx"), asset: r.text("asset"), received: r.amount("received"),
                sent: r.amount("sent"),
                balance: SignedAmount(text: r.text("balance")) ?? SignedAmount(magnitude: .zero))
        }
    }

    /// The largest counterparties of `address`, `limit` per asset (`top-counterparties`), with
    /// their tags.
    public func addressCounterparties(_ address: String, limit: Int) throws -> [AddressCounterparty] {
        if let account = try accountReportRows(address, limit: limit).account {
            return try tagged(account.counterparties)
        }
        return try tagged(libraryCounterparties(address, limit: limit))
    }

    /// `addressCounterparties` from the library query `top-counterparties` (any address; tags
    /// not filled in).
    func libraryCounterparties(_ address: String, limit: Int) throws -> [AddressCounterparty] {
        try libraryRows("top-counterparties", ["address=\(address)", "limit=\(limit)"]).map { r in
            AddressCounterparty(
                address: r.text("counterparty"), asset: r.text("asset"), received: r.amount("received"),
                sent: r.amount("sent"), total: r.amount("total"), payments: Int(r.int("payments") ?? 0),
                tags: [])
        }
    }

    private func tagged(_ counterparties: [AddressCounterparty]) throws -> [AddressCounterparty] {
        var out = counterparties
        for k in out.indices { out[k].tags = try tags(of: out[k].address) }
        return out
    }

    /// The direct counterparties of `address` that carry a tag, a row per tag (`tag-exposure`).
    public func addressExposure(_ address: String) throws -> [AddressExposure] {
        if let account = try accountReportRows(address, limit: 0).account { return account.exposure }
        return try libraryExposure(address)
    }

    /// `addressExposure` from the library query `tag-exposure` (any address).
    func libraryExposure(_ address: String) throws -> [AddressExposure] {
        try libraryRows("tag-exposure", ["address=\(address)"]).map { r in
            AddressExposure(
                category: r.text("category"), label: r.text("label"), counterparty: r.text("counterparty"),
                asset: r.text("asset"), received: r.amount("received"), sent: r.amount("sent"),
                payments: Int(r.int("payments") ?? 0))
        }
    }

    /// Everything the address report reads, from one read of an account-model address's
    /// transfers (a Bitcoin address's history, counterparties and exposure from the library
    /// queries).
    public func addressReportRows(_ address: String, counterparties limit: Int) throws -> AddressReportRows {
        let rows = try accountReportRows(address, limit: limit)
        guard let account = rows.account else {
            return AddressReportRows(
                assets: rows.activity.assets, fees: rows.activity.fees, history: try libraryHistory(address),
                counterparties: try tagged(libraryCounterparties(address, limit: limit)),
                exposure: try libraryExposure(address))
        }
        return AddressReportRows(
            assets: rows.activity.assets, fees: rows.activity.fees, history: account.history,
            counterparties: try tagged(account.counterparties), exposure: account.exposure)
    }

    /// The AML alerts `address` is part of (`address-alerts`); none in a database made before
    /// the AML tables.
    public func addressAlerts(_ address: String) throws -> [AddressAlert] {
        guard try hasTable("alert_addresses") else { return [] }
        return try libraryRows("address-alerts", ["address=\(address)"]).map { r in
            AddressAlert(
                id: r.int("alert") ?? 0, rule: r.text("rule"), severity: r.text("severity"),
                score: r.int("score") ?? 0, role: r.text("role"), windowStart: r.text("window_start"),
                windowEnd: r.text("window_end"), asset: r.optionalText("asset"),
                amount: r.optionalText("amount"), explanation: r.text("explanation"))
        }
    }

    /// Whether the database has `table`.
    public func hasTable(_ table: String) throws -> Bool {
        let r = try runQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name",
            arguments: ["name": .text(table)])
        return !r.rows.isEmpty
    }
}
