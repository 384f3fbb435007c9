// The rows of an address's report as the store reads them from the query library
// (`balance-history`, `top-counterparties`, `tag-exposure`, `address-alerts`).

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

/// One movement in or out of the address and the balance after it.
public struct AddressMovement: Sendable, Equatable {
    /// `utxo` or `account`.
    public var model: String
    public var time: Int64
    public var block: Int64?
    public var tx: String
    public var asset: String
    public var received: UInt256
    public var sent: UInt256
    public var balance: SignedAmount
    /// `received` and `sent` at the movement's day's price, scaled by 10^12 (nil: no price).
    public var receivedValue: UInt256? = nil
    public var sentValue: UInt256? = nil

    public init(
        model: String, time: Int64, block: Int64? = nil, tx: String, asset: String, received: UInt256,
        sent: UInt256, balance: SignedAmount
    ) {
        self.model = model
        self.time = time
        self.block = block
        self.tx = tx
        self.asset = asset
        self.received = received
        self.sent = sent
        self.balance = balance
    }
}

/// A counterparty with what passed between it and the address, in one asset.
public struct AddressCounterparty: Sendable, Equatable {
    public var address: String
    public var asset: String
    public var received: UInt256
    public var sent: UInt256
    public var total: UInt256
    public var payments: Int
    /// The counterparty's own tags.
    public var tags: [TagRecord]
    /// `total` at the asset's latest price, scaled by 10^12 (nil: no price).
    public var totalValue: UInt256? = nil

    public init(
        address: String, asset: String, received: UInt256, sent: UInt256, total: UInt256, payments: Int,
        tags: [TagRecord]
    ) {
        self.address = address
        self.asset = asset
        self.received = received
        self.sent = sent
        self.total = total
        self.payments = payments
        self.tags = tags
    }
}

/// A direct counterparty that carries a tag (one row per tag).
public struct AddressExposure: Sendable, Equatable {
    public var category: String
    public var label: String
    public var counterparty: String
    public var asset: String
    public var received: UInt256
    public var sent: UInt256
    public var payments: Int

    public init(
        category: String, label: String, counterparty: String, asset: String, received: UInt256,
        sent: UInt256, payments: Int
    ) {
        self.category = category
        self.label = label
        self.counterparty = counterparty
        self.asset = asset
        self.received = received
        self.sent = sent
        self.payments = payments
    }
}

/// An AML alert the address is part of.
public struct AddressAlert: Sendable, Equatable {
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

    public init(
        id: Int64, rule: String, severity: String, score: Int64, role: String, windowStart: String,
        windowEnd: String, asset: String? = nil, amount: String? = nil, explanation: String
    ) {
        self.id = id
        self.rule = rule
        self.severity = severity
        self.score = score
        self.role = role
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.asset = asset
        self.amount = amount
        self.explanation = explanation
    }
}

/// What an address report reads of the store: the profile's activity and fees per asset, the
/// balance history, the largest counterparties and the tagged ones.
public struct AddressReportRows: Sendable, Equatable {
    public var assets: [AssetActivity]
    public var fees: [AssetActivity]
    public var history: [AddressMovement]
    public var counterparties: [AddressCounterparty]
    public var exposure: [AddressExposure]

    public init(
        assets: [AssetActivity], fees: [AssetActivity], history: [AddressMovement],
        counterparties: [AddressCounterparty], exposure: [AddressExposure]
    ) {
        self.assets = assets
        self.fees = fees
        self.history = history
        self.counterparties = counterparties
        self.exposure = exposure
    }
}
