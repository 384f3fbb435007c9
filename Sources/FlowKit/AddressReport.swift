import FlowIngest
import FlowModel
public import FlowReport
public import FlowStore

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

extension AddressReport {
    /// The report for `address`; nil when neither the graph nor the tags know it.
    public static func load(store: GraphStore, address: String, counterparties limit: Int = 10) throws
        -> AddressReport?
    {
        guard let profile = try AddressProfile.load(store: store, address: address) else { return nil }
        let a = "address=\(profile.address)"
        func rows(_ name: String, _ params: [String]) throws -> [QueryRow] {
            let r = try QueryLibrary.run(store: store, query: try QueryLibrary.named(name), params: params)
                .result
            var columns: [String: Int] = [:]
            for (i, c) in r.columns.enumerated() where columns[c] == nil { columns[c] = i }
            return r.rows.map { QueryRow(columns: columns, values: $0) }
        }
        let history = try rows("balance-history", [a]).map { r in
            Movement(
                model: r.text("model"), time: TimeParser.parse(r.text("time")) ?? 0, block: r.int("block"),
                tx: r.text("tx"), asset: r.text("asset"), received: r.amount("received"),
                sent: r.amount("sent"),
                balance: SignedAmount(text: r.text("balance")) ?? SignedAmount(magnitude: .zero))
        }
        var counterparties = try rows("top-counterparties", [a, "limit=\(limit)"]).map { r in
            Counterparty(
                address: r.text("counterparty"), asset: r.text("asset"), received: r.amount("received"),
                sent: r.amount("sent"), total: r.amount("total"), payments: Int(r.int("payments") ?? 0),
                tags: [])
        }
        for k in counterparties.indices {
            counterparties[k].tags = try store.tags(of: counterparties[k].address)
        }
        let exposure = try rows("tag-exposure", [a]).map { r in
            Exposure(
                category: r.text("category"), label: r.text("label"), counterparty: r.text("counterparty"),
                asset: r.text("asset"), received: r.amount("received"), sent: r.amount("sent"),
                payments: Int(r.int("payments") ?? 0))
        }
        var byCategory: [CategoryExposure] = []
        var seen = Set<[String]>()
        for e in exposure where seen.insert([e.category, e.asset, e.counterparty]).inserted {
            if let k = byCategory.firstIndex(where: { $0.category == e.category && $0.asset == e.asset }) {
                byCategory[k].received = byCategory[k].received + e.received
                byCategory[k].sent = byCategory[k].sent + e.sent
                byCategory[k].counterparties += 1
            } else {
                byCategory.append(
                    CategoryExposure(
                        category: e.category, asset: e.asset, received: e.received, sent: e.sent,
                        counterparties: 1))
            }
        }
        var alerts: [Alert] = []
        if try hasTable(store, "alert_addresses") {
            alerts = try rows("address-alerts", [a]).map { r in
                Alert(
                    id: r.int("alert") ?? 0, rule: r.text("rule"), severity: r.text("severity"),
                    score: r.int("score") ?? 0, role: r.text("role"), windowStart: r.text("window_start"),
                    windowEnd: r.text("window_end"), asset: r.optionalText("asset"),
                    amount: r.optionalText("amount"), explanation: r.text("explanation"))
            }
        }
        var report = AddressReport(
            profile: profile, history: history, counterparties: counterparties, counterpartyLimit: limit,
            exposure: exposure, exposureByCategory: byCategory, alerts: alerts)
        report.value(with: try store.priceSeries(currency: AddressProfile.currency))
        return report
    }

    /// Whether the database has `table` (a database made before the AML tables has no alerts).
    static func hasTable(_ store: GraphStore, _ table: String) throws -> Bool {
        let r = try store.runQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name",
            arguments: ["name": .text(table)])
        return !r.rows.isEmpty
    }
}
