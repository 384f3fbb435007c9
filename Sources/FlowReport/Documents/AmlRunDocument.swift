import FlowAnalysis
public import FlowModel

/// One alert ready for output: the detector's alert with addresses, transactions and evidence
/// resolved to text.
public struct AmlAlertDocument: Sendable, Equatable {
    public var id: String
    public var rule: String
    public var typology: String
    public var severity: AmlSeverity
    public var score: Int
    public var subjects: [String]
    public var addresses: [String]
    public var transactions: [String]
    public var windowStart: Int64
    public var windowEnd: Int64
    public var asset: String
    public var decimals: Int?
    public var amount: UInt256
    public var explanation: String
    /// The alert's subgraph: one edge per evidence transfer (UTXO rules: per transaction).
    public var evidence: [Edge]
    /// Store ids behind the texts (for the alert tables; not part of the JSON).
    public var ids: StoreIds
    /// `amount` in the reporting currency at the price of the window's last day, scaled by
    /// 10^12 (`PriceSeries.scale`); nil without a price.
    public var value: UInt256?
    /// The reporting currency of `value`.
    public var currency: String?
    /// The latest review status (`open`, `escalated`, `closed-true`, `closed-false`); nil: not reviewed.
    public var status: String?

    /// `value` as currency text with 2 decimals (rounded down), when there is one and the asset
    /// is not itself the currency (a 38250 USD transfer is not also "38250.00 USD").
    public var valueText: String? {
        guard let value, let currency, currency.uppercased() != asset.uppercased() else { return nil }
        return "\(PriceSeries.currencyText(value)) \(currency)"
    }

    /// Store ids of the alert's subjects, addresses, evidence transfers or transactions, and asset.
    public struct StoreIds: Sendable, Equatable {
        public var subjects: [Int64]
        public var addresses: [Int64]
        public var transfers: [Int64]
        public var transactions: [Int64]
        public var asset: Int64?

        public init(
            subjects: [Int64], addresses: [Int64], transfers: [Int64], transactions: [Int64],
            asset: Int64? = nil
        ) {
            self.subjects = subjects
            self.addresses = addresses
            self.transfers = transfers
            self.transactions = transactions
            self.asset = asset
        }
    }

    /// One evidence transfer (or UTXO output): an edge of the alert's subgraph.
    public struct Edge: Sendable, Equatable {
        public var tx: String
        public var from: String
        public var to: String
        public var amount: UInt256
        public var time: Int64

        public init(tx: String, from: String, to: String, amount: UInt256, time: Int64) {
            self.tx = tx
            self.from = from
            self.to = to
            self.amount = amount
            self.time = time
        }
    }

    public init(
        id: String, rule: String, typology: String, severity: AmlSeverity, score: Int, subjects: [String],
        addresses: [String], transactions: [String], windowStart: Int64, windowEnd: Int64, asset: String,
        decimals: Int? = nil, amount: UInt256, explanation: String, evidence: [Edge], ids: StoreIds,
        value: UInt256? = nil, currency: String? = nil
    ) {
        self.value = value
        self.currency = value == nil ? nil : currency
        self.id = id
        self.rule = rule
        self.typology = typology
        self.severity = severity
        self.score = score
        self.subjects = subjects
        self.addresses = addresses
        self.transactions = transactions
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.asset = asset
        self.decimals = decimals
        self.amount = amount
        self.explanation = explanation
        self.evidence = evidence
        self.ids = ids
    }
}

/// What `aml run` did.
public struct AmlRunResult: Sendable {
    public var alerts: [AmlAlertDocument]
    /// Alerts not stored before (0 when the run stores nothing).
    public var newAlerts: Int
    public var runId: Int64?
    public var transfersLoaded: Int
    public var reportFrom: Int64?
    public var reportUntil: Int64?
    /// Incremental run: only transfers with an id above this were new.
    public var newAfterTransferId: Int64?
    public var loadSeconds: Double
    public var ruleSeconds: Double
    public var threads: Int
    /// Why nothing was checked, when nothing was ("no transfers since run 3").
    public var note: String?
    /// What the user should know about this run's thresholds (assets without prices).
    public var warnings: [String] = []

    /// Alerts at or above `severity`.
    public func count(atLeast severity: AmlSeverity) -> Int {
        alerts.filter { $0.severity >= severity }.count
    }

    public init(
        alerts: [AmlAlertDocument], newAlerts: Int, runId: Int64? = nil, transfersLoaded: Int,
        reportFrom: Int64? = nil, reportUntil: Int64? = nil, newAfterTransferId: Int64? = nil,
        loadSeconds: Double, ruleSeconds: Double, threads: Int, note: String? = nil, warnings: [String] = []
    ) {
        self.warnings = warnings
        self.alerts = alerts
        self.newAlerts = newAlerts
        self.runId = runId
        self.transfersLoaded = transfersLoaded
        self.reportFrom = reportFrom
        self.reportUntil = reportUntil
        self.newAfterTransferId = newAfterTransferId
        self.loadSeconds = loadSeconds
        self.ruleSeconds = ruleSeconds
        self.threads = threads
        self.note = note
    }
}
