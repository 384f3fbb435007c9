import FlowIngest
public import FlowModel
public import FlowStore

/// A signed exact amount: a balance, which can be negative when an export starts after the
/// address was funded.
public struct SignedAmount: Sendable, Equatable {
    public var negative: Bool
    public var magnitude: UInt256

    public init(negative: Bool = false, magnitude: UInt256) {
        self.negative = negative && magnitude != .zero
        self.magnitude = magnitude
    }

    /// Reads `-123` or `123`.
    public init?(text: String) {
        let negative = text.hasPrefix("-")
        guard let m = UInt256(decimal: negative ? text.dropFirst() : Substring(text)) else { return nil }
        self.init(negative: negative, magnitude: m)
    }

    /// Decimal digits in base units, `-` in front when negative.
    public var text: String { (negative ? "-" : "") + magnitude.decimalString }

    /// With `decimals` places (base units / 10^decimals), exact.
    public func text(decimals: Int?) -> String {
        (negative ? "-" : "")
            + (decimals.map { magnitude.decimalString(decimals: $0) } ?? magnitude.decimalString)
    }
}

/// The address profile report (`chainflow address ADDR --format md|json|csv|html`): one document
/// that every renderer draws. Its sections come from the query library (`balance-history`,
/// `top-counterparties`, `tag-exposure`, `address-alerts`), so an analyst can reproduce each one
/// with `chainflow query`.
public struct AddressReport: Sendable {
    /// Version of the JSON layout (`schema_version`); raised when a field changes meaning or goes.
    public static let schemaVersion = 1

    /// One movement in or out of the address and the balance after it.
    public struct Movement: Sendable, Equatable {
        /// `utxo` or `account`.
        public var model: String
        public var time: Int64
        public var block: Int64?
        public var tx: String
        public var asset: String
        public var received: UInt256
        public var sent: UInt256
        public var balance: SignedAmount
    }

    /// A counterparty with what passed between it and the address, in one asset.
    public struct Counterparty: Sendable, Equatable {
        public var address: String
        public var asset: String
        public var received: UInt256
        public var sent: UInt256
        public var total: UInt256
        public var payments: Int
        /// The counterparty's own tags.
        public var tags: [TagRecord]
    }

    /// A direct counterparty that carries a tag (one row per tag).
    public struct Exposure: Sendable, Equatable {
        public var category: String
        public var label: String
        public var counterparty: String
        public var asset: String
        public var received: UInt256
        public var sent: UInt256
        public var payments: Int
    }

    /// Exposure summed per tag category and asset (a counterparty counts once per category).
    public struct CategoryExposure: Sendable, Equatable {
        public var category: String
        public var asset: String
        public var received: UInt256
        public var sent: UInt256
        public var counterparties: Int
    }

    /// An AML alert the address is part of.
    public struct Alert: Sendable, Equatable {
        public var id: Int64
        public var rule: String
        public var severity: String
        public var score: Int64
        /// `subject` or `involved`.
        public var role: String
        public var windowStart: String
        public var windowEnd: String
        public var asset: String?
        public var amount: String?
        public var explanation: String
    }

    public var profile: AddressProfile
    /// Every movement, per asset in time order (assets in the order the store numbers them).
    public var history: [Movement]
    /// The largest counterparties of each asset (at most `counterpartyLimit` each).
    public var counterparties: [Counterparty]
    public var counterpartyLimit: Int
    public var exposure: [Exposure]
    public var exposureByCategory: [CategoryExposure]
    public var alerts: [Alert]

    /// Decimals of `asset` as the address's activity states them (nil: unknown).
    public func decimals(_ asset: String) -> Int? {
        if asset == "BTC" { return 8 }
        return (profile.assets + profile.fees).first { $0.asset == asset }?.decimals
    }

    /// The report for `address`; nil when neither the graph nor the tags know it.
    public static func load(store: GraphStore, address: String, counterparties limit: Int = 10) throws
        -> AddressReport?
    {
        guard let profile = try AddressProfile.load(store: store, address: address) else { return nil }
        let a = "address=\(profile.address)"
        func rows(_ name: String, _ params: [String]) throws -> [[String: SQLValue]] {
            let r = try QueryLibrary.run(store: store, query: try QueryLibrary.named(name), params: params)
                .result
            return r.rows.map { Dictionary(uniqueKeysWithValues: zip(r.columns, $0)) }
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
        return AddressReport(
            profile: profile, history: history, counterparties: counterparties, counterpartyLimit: limit,
            exposure: exposure, exposureByCategory: byCategory, alerts: alerts)
    }

    /// Whether the database has `table` (a database made before the AML tables has no alerts).
    static func hasTable(_ store: GraphStore, _ table: String) throws -> Bool {
        let r = try store.runQuery(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name",
            arguments: ["name": .text(table)])
        return !r.rows.isEmpty
    }
}

extension Dictionary where Key == String, Value == SQLValue {
    func text(_ column: String) -> String { optionalText(column) ?? "" }

    func optionalText(_ column: String) -> String? {
        switch self[column] ?? .null {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .blob, .null: return nil
        }
    }

    func int(_ column: String) -> Int64? {
        switch self[column] ?? .null {
        case .integer(let i): return i
        case .text(let s): return Int64(s)
        default: return nil
        }
    }

    /// An amount cell (decimal text or integer); zero when NULL.
    func amount(_ column: String) -> UInt256 {
        switch self[column] ?? .null {
        case .integer(let i) where i >= 0: return UInt256(UInt64(i))
        case .text(let s): return UInt256(decimal: s) ?? .zero
        default: return .zero
        }
    }
}
