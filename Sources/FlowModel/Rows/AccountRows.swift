/// A watchlist or label entry for an address.
public struct TagRecord: Sendable, Equatable, Codable {
    public var address: String
    public var label: String
    public var category: String
    public var source: String
    public var confidence: Double?

    public init(address: String, label: String, category: String, source: String, confidence: Double? = nil) {
        self.address = address
        self.label = label
        self.category = category
        self.source = source
        self.confidence = confidence
    }
}

/// What an address received and sent of one asset (account-model transfers, or BTC outputs).
public struct AssetActivity: Sendable, Equatable {
    /// Symbol where known, else the token contract.
    public var asset: String
    public var chain: String
    public var contract: String?
    public var decimals: Int?
    public var received: UInt256
    public var sent: UInt256
    public var transfers: Int
    public var firstTime: Int64?
    public var lastTime: Int64?

    public init(
        asset: String, chain: String, contract: String? = nil, decimals: Int?, received: UInt256,
        sent: UInt256,
        transfers: Int, firstTime: Int64? = nil, lastTime: Int64? = nil
    ) {
        self.asset = asset
        self.chain = chain
        self.contract = contract
        self.decimals = decimals
        self.received = received
        self.sent = sent
        self.transfers = transfers
        self.firstTime = firstTime
        self.lastTime = lastTime
    }

    /// The exact totals when received or sent passes 2^256 − 1 (a spam token's amounts); then
    /// `received` and `sent` hold 2^256 − 1 where they pass it and reports show these instead.
    public var overflow: AmountOverflow?

    /// received - sent; negative when a ledger's export starts after the account was funded.
    public var balance: (negative: Bool, magnitude: UInt256) {
        received < sent
            ? (true, sent.subtractingReportingOverflow(received)!)
            : (false, received.subtractingReportingOverflow(sent)!)
    }
}
