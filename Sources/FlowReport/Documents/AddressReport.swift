public import FlowModel

/// The address profile report (`chainflow address ADDR --format md|json|csv|html`): one document
/// that every renderer draws. Its sections come from the query library (`balance-history`,
/// `top-counterparties`, `tag-exposure`, `address-alerts`), so an analyst can reproduce each one
/// with `chainflow query`.
public struct AddressReport: Sendable {
    /// Version of the JSON layout (`schema_version`); raised when a field changes meaning or goes.
    public static let schemaVersion = 1

    public typealias Movement = AddressMovement
    public typealias Counterparty = AddressCounterparty
    public typealias Exposure = AddressExposure
    public typealias Alert = AddressAlert

    /// Exposure summed per tag category and asset (a counterparty counts once per category).
    public struct CategoryExposure: Sendable, Equatable {
        public var category: String
        public var asset: String
        public var received: UInt256
        public var sent: UInt256
        public var counterparties: Int

        public init(category: String, asset: String, received: UInt256, sent: UInt256, counterparties: Int) {
            self.category = category
            self.asset = asset
            self.received = received
            self.sent = sent
            self.counterparties = counterparties
        }
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

    public init(
        profile: AddressProfile, history: [Movement], counterparties: [Counterparty], counterpartyLimit: Int,
        exposure: [Exposure], exposureByCategory: [CategoryExposure], alerts: [Alert]
    ) {
        self.profile = profile
        self.history = history
        self.counterparties = counterparties
        self.counterpartyLimit = counterpartyLimit
        self.exposure = exposure
        self.exposureByCategory = exposureByCategory
        self.alerts = alerts
    }
}
