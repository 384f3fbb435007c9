/// The account-model transfers an AML rule pass reads: the hand-off from the store's loader to
/// the detectors (`FlowAnalysis/Patterns`), columnar and sorted by (time, transfer id).
///
/// Addresses are dense indexes `0..<addressCount` in the order of their store ids (so the
/// numbering, and everything derived from it, does not depend on how the rows were read). Only
/// transfers that moved value are here: no fee rows, no failed transactions.
public struct TransferSnapshot: Sendable, Equatable {
    /// `transfers.id` of each row.
    public var transferIds: [Int64] = []
    /// Unix seconds.
    public var time: [Int64] = []
    public var from: [UInt32] = []
    public var to: [UInt32] = []
    /// Index into `assets`.
    public var asset: [UInt16] = []
    /// Exact amount in the asset's base units.
    public var amount: [UInt256] = []
    /// Store id (`addresses.id`) of each dense address.
    public var addressIds: [Int64] = []
    public var assets: [AssetInfo] = []
    /// Daily prices of each asset (aligned with `assets`) in `currency`; nil where none is known.
    public var prices: [PriceSeries?] = []
    /// The reporting currency amount thresholds are in when an asset has a price (`USD`).
    public var currency = "USD"
    /// Tag categories of dense addresses (only tagged addresses appear).
    public var tags: [UInt32: [String]] = [:]
    /// Alerts are reported when their window ends inside this range (Unix seconds, inclusive);
    /// rows before it are context (baselines, established relationships, windows that started
    /// earlier).
    public var reportFrom: Int64 = .min
    public var reportUntil: Int64 = .max
    /// Rows with a transfer id above this are new since the last run; an alert is reported only
    /// when it includes at least one of them (nil: no such filter).
    public var newAfterTransferId: Int64?
    /// The end of the loaded data (the latest time the store had, or `--until`), for rules that
    /// need to know how long an address stayed silent.
    public var dataEnd: Int64 = 0

    public init() {}

    public var count: Int { transferIds.count }
    public var addressCount: Int { addressIds.count }

    /// One asset of the snapshot.
    public struct AssetInfo: Sendable, Equatable {
        public var id: Int64
        public var symbol: String
        /// Fraction digits of the asset's unit; nil when unknown (amounts are then shown in base units).
        public var decimals: Int?
        /// Token contract (lower case) where the asset has one.
        public var contract: String?
        public init(id: Int64, symbol: String, decimals: Int?, contract: String? = nil) {
            self.id = id
            self.symbol = symbol
            self.decimals = decimals
            self.contract = contract
        }
    }

    /// Sorts rows by (time, transfer id); loaders call it after reading in any order.
    public mutating func sortByTime() {
        let order = (0..<count).sorted {
            time[$0] != time[$1] ? time[$0] < time[$1] : transferIds[$0] < transferIds[$1]
        }
        if order.elementsEqual(0..<count) { return }
        transferIds = order.map { transferIds[$0] }
        time = order.map { time[$0] }
        from = order.map { from[$0] }
        to = order.map { to[$0] }
        asset = order.map { asset[$0] }
        amount = order.map { amount[$0] }
    }

    /// Appends one row (callers sort with `sortByTime()` afterwards).
    public mutating func append(
        transferId: Int64, time t: Int64, from f: UInt32, to d: UInt32, asset a: UInt16, amount v: UInt256
    ) {
        transferIds.append(transferId)
        time.append(t)
        from.append(f)
        to.append(d)
        asset.append(a)
        amount.append(v)
    }
}

/// How urgent an alert is; `--fail-on` compares against it.
public enum AmlSeverity: Int, Sendable, Comparable, CaseIterable, Codable {
    case low = 1
    case medium = 2
    case high = 3
    case critical = 4

    public var name: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    public init?(name: String) {
        guard let s = AmlSeverity.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }

    /// Severities order low < medium < high < critical.
    public static func < (a: AmlSeverity, b: AmlSeverity) -> Bool { a.rawValue < b.rawValue }
}

/// One alert as a detector raises it: the rule, the central and involved addresses (dense ids of
/// the snapshot), the evidence rows and the time window they span.
public struct AmlAlert: Sendable, Equatable {
    /// The rule's name in the rule file (`fan-in`, or a user's copy such as `fan-in-large`).
    public var rule: String
    /// The typology the rule detects (`fan-in`, `cycle`, `structuring`, …).
    public var typology: String
    public var severity: AmlSeverity
    /// 1–100: 50 at the rule's threshold, more the further past it.
    public var score: Int
    /// The central addresses (the fan-in's receiver, a cycle's origin).
    public var subjects: [UInt32]
    /// Every address involved, sorted.
    public var addresses: [UInt32]
    /// Evidence: snapshot rows of the account-model transfers, sorted.
    public var rows: [Int32]
    /// Evidence of UTXO rules: `transactions.id` values, sorted.
    public var utxoTransactions: [Int64]
    /// UTXO rules: addresses by store id (`addresses.id`), since UTXO evidence is not in the snapshot.
    public var utxoAddresses: [Int64]
    /// UTXO rules: the central addresses by store id.
    public var utxoSubjects: [Int64] = []
    public var windowStart: Int64
    public var windowEnd: Int64
    /// Index into the snapshot's assets (UTXO rules: -1, satoshi).
    public var asset: Int
    public var amount: UInt256
    /// One line for a person: what was seen, against which threshold.
    public var explanation: String

    public init(
        rule: String, typology: String, severity: AmlSeverity, score: Int, subjects: [UInt32],
        addresses: [UInt32], rows: [Int32], windowStart: Int64, windowEnd: Int64, asset: Int,
        amount: UInt256, explanation: String, utxoTransactions: [Int64] = [], utxoAddresses: [Int64] = []
    ) {
        self.rule = rule
        self.typology = typology
        self.severity = severity
        self.score = score
        self.subjects = subjects
        self.addresses = addresses
        self.rows = rows
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.asset = asset
        self.amount = amount
        self.explanation = explanation
        self.utxoTransactions = utxoTransactions
        self.utxoAddresses = utxoAddresses
    }
}

/// Bitcoin transactions with one input and two outputs (the links of a peel chain), for the
/// peel-chain rule: each with its two outputs' values, addresses and spending transactions.
public struct PeelSnapshot: Sendable, Equatable {
    /// `transactions.id`, ascending.
    public var txIds: [Int64] = []
    /// Block time (Unix seconds).
    public var time: [Int64] = []
    /// Two entries per transaction (output 0, output 1): satoshi.
    public var outputValue: [Int64] = []
    /// `addresses.id` of each output (0: no address).
    public var outputAddress: [Int64] = []
    /// `transactions.id` of the transaction spending each output (0: unspent or not stored).
    public var spentBy: [Int64] = []
    /// `addresses.id` of the spent output's address (0: unknown).
    public var inputAddress: [Int64] = []

    public init() {}

    public var count: Int { txIds.count }
}
