public import FlowModel

/// The detector of each typology: what a rule of that typology reads.
extension AmlTypology {
    /// The parameters the detector reads (rule-file keys besides `detector`, `enabled`,
    /// `severity`).
    public var parameters: [AmlParameter] {
        switch self {
        case .fanIn, .fanOut: [.window, .minCounterparties, .maxChance, .minAmount]
        case .scatterGather: [.window, .minIntermediaries, .minRatio, .minAmount]
        case .gatherScatter:
            [.window, .minSenders, .minRecipients, .minRatio, .maxRatio, .maxChance, .minAmount]
        case .cycle: [.window, .minHops, .maxHops, .minRatio, .timeOrder, .minAmount]
        case .bipartite: [.window, .minSenders, .minRecipients, .minEdges, .minDensity, .minAmount]
        case .stack: [.window, .minLayers, .minSenders, .minRecipients, .minEdges, .minDensity, .minAmount]
        case .randomWalk: [.minHops, .maxDwell, .minRatio, .minAmount]
        case .structuring: [.window, .threshold, .margin, .minCount]
        case .passThrough: [.maxDwell, .minRatio, .maxRatio, .maxChance, .minAmount]
        case .velocity: [.window, .minCount, .dormancy]
        case .exposure: [.categories, .maxHops, .maxDwell, .minRatio, .minAmount, .indirectSeverity]
        case .peelChain: [.minHops, .maxPeel, .maxDwell, .minAmount]
        }
    }
}

/// A rule-file parameter: its key and what kind of value it takes.
public enum AmlParameter: String, Sendable, CaseIterable {
    case window
    case minCounterparties = "min-counterparties"
    case minIntermediaries = "min-intermediaries"
    case minSenders = "min-senders"
    case minRecipients = "min-recipients"
    case minEdges = "min-edges"
    case minDensity = "min-density"
    case minLayers = "min-layers"
    case minHops = "min-hops"
    case maxHops = "max-hops"
    case minCount = "min-count"
    case minRatio = "min-ratio"
    case maxRatio = "max-ratio"
    case maxPeel = "max-peel"
    case margin
    case maxDwell = "max-dwell"
    case dormancy
    case minAmount = "min-amount"
    case threshold
    case categories
    case indirectSeverity = "indirect-severity"
    case timeOrder = "time-order"
    case maxChance = "max-chance"

    /// What a value of this parameter looks like, for error messages.
    public var expected: String {
        switch self {
        case .window, .maxDwell, .dormancy: "a duration such as 90m, 24h, 3d or 2w"
        case .minRatio, .maxRatio, .minDensity, .margin, .maxPeel: "a ratio such as 0.9 or 90%"
        case .minAmount, .threshold:
            "an amount in asset units (5000, 0.5) or a map of them by asset symbol ({default: 5000, ETH: 2})"
        case .categories: "a list of tag categories"
        case .indirectSeverity: "low, medium, high or critical"
        case .maxChance: "a probability such as 1e-6, 0.0001 or 0.01% (1: off)"
        case .timeOrder:
            "in-order (each hop after the one before it) or any (hops in any order within the window)"
        default: "a positive whole number"
        }
    }
}

/// An amount threshold in asset units, with per-asset overrides by symbol ("5000" for every
/// asset, "2" for ETH). Decimal text, so it is exact; converted to base units per asset.
public struct AmountThreshold: Sendable, Equatable, CustomStringConvertible {
    /// Threshold for assets not named in `perAsset`; nil: the rule does not apply to them.
    public var defaultUnits: String?
    public var perAsset: [String: String]

    public init(_ defaultUnits: String?, perAsset: [String: String] = [:]) {
        self.defaultUnits = defaultUnits
        self.perAsset = perAsset
    }

    /// The threshold in base units for `asset` (nil: not applicable to this asset).
    public func baseUnits(for asset: TransferSnapshot.AssetInfo) -> UInt256? {
        guard let text = perAsset[asset.symbol] ?? defaultUnits else { return nil }
        switch UInt256.parseAmount(text, decimals: asset.decimals ?? 0) {
        case .success(let v): return v
        case .failure: return nil
        }
    }

    public var description: String {
        var parts: [String] = []
        if let d = defaultUnits { parts.append(d) }
        for key in perAsset.keys.sorted() { parts.append("\(key): \(perAsset[key]!)") }
        return parts.count == 1 && perAsset.isEmpty ? parts[0] : "{" + parts.joined(separator: ", ") + "}"
    }
}

/// One rule: a detector with its parameters. Fields a detector does not read are ignored.
public struct AmlRule: Sendable, Equatable {
    public var name: String
    public var detector: AmlTypology
    public var enabled = true
    public var severity: AmlSeverity
    /// Seconds.
    public var window: Int64 = 3 * 86_400
    public var minCounterparties = 6
    public var minIntermediaries = 3
    public var minSenders = 2
    public var minRecipients = 2
    public var minEdges = 4
    /// Permyriad (1/10,000).
    public var minDensity = 6_000
    public var minLayers = 3
    public var minHops = 3
    public var maxHops = 6
    public var minCount = 3
    /// Permyriad (1/10,000).
    public var minRatio = 7_000
    public var maxRatio = 11_000
    public var maxPeel = 2_000
    public var margin = 1_000
    /// Seconds.
    public var maxDwell: Int64 = 86_400
    /// Seconds.
    public var dormancy: Int64 = 30 * 86_400
    public var minAmount = AmountThreshold("0")
    public var threshold = AmountThreshold("10000")
    public var categories: [String] = []
    public var indirectSeverity: AmlSeverity = .medium
    /// Cycles: whether each hop must follow the previous one in time (false: any order within
    /// the window, as AMLSim's cycles and pre-funded round trips are).
    public var inTimeOrder = true
    /// Counting rules: the burst must be this unlikely under the subject's own rate outside the
    /// window (Poisson); 1 turns the test off.
    public var maxChance = 1.0

    public init(name: String, detector: AmlTypology, severity: AmlSeverity) {
        self.name = name
        self.detector = detector
        self.severity = severity
    }
}

/// A full rule set: the rules plus the settings every rule shares.
public struct AmlRuleSet: Sendable, Equatable {
    /// Addresses with at least this many distinct counterparties in the loaded data are hubs
    /// (exchanges, merchants, payroll): rules do not take them as the subject of a fan, structuring
    /// or velocity alert, nor route value through them.
    public var hubMinCounterparties = 100
    /// Addresses tagged with one of these categories are hubs whatever their degree.
    public var hubCategories: [String] = ["exchange", "merchant", "payroll"]
    /// Two addresses have an established relationship when they transferred value to each other
    /// at least this far apart in time (seconds) within the loaded data: monthly salaries, rent,
    /// a regular shop. Counterparty-counting rules count only new (not established) ones.
    public var establishedSpan: Int64 = 20 * 86_400
    /// How much history before `--since` is loaded for windows, baselines and relationships.
    public var lookback: Int64 = 90 * 86_400
    /// The reporting currency: amount thresholds are in it for assets with a price (`chainflow
    /// prices import`); an asset whose symbol is the currency is worth 1.
    public var currency = "USD"
    public var rules: [AmlRule]

    public init(rules: [AmlRule]) { self.rules = rules }

    /// The default rules, with the parameters documented in `chainflow aml rules`.
    public static var standard: AmlRuleSet {
        func rule(_ d: AmlTypology, _ s: AmlSeverity, _ configure: (inout AmlRule) -> Void) -> AmlRule {
            var r = AmlRule(name: d.rawValue, detector: d, severity: s)
            configure(&r)
            return r
        }
        return AmlRuleSet(rules: [
            // The counting rules test each burst against the subject's own rate of new
            // counterparties (max-chance): on 1,000,000 ordinary Zipf-distributed transfers a fixed
            // count alone raised 7,000 fan alerts; at 1e-6 it raises 8 (docs/performance.md). The
            // structural rules' floors are 1,000 in the currency: AMLSim-style laundering moves a
            // few hundred per transfer.
            rule(.fanIn, .medium) {
                $0.window = 3 * 86_400
                $0.minCounterparties = 6
                $0.maxChance = 1e-6
                $0.minAmount = AmountThreshold("1000")
            },
            rule(.fanOut, .medium) {
                $0.window = 3 * 86_400
                $0.minCounterparties = 6
                $0.maxChance = 1e-6
                $0.minAmount = AmountThreshold("1000")
            },
            rule(.scatterGather, .high) {
                $0.window = 7 * 86_400
                $0.minIntermediaries = 3
                $0.minRatio = 7_000
                $0.minAmount = AmountThreshold("1000")
            },
            rule(.gatherScatter, .high) {
                $0.window = 7 * 86_400
                $0.minSenders = 3
                $0.minRecipients = 3
                $0.minRatio = 7_000
                $0.maxRatio = 12_000
                $0.maxChance = 1e-6
                $0.minAmount = AmountThreshold("1000")
            },
            // Any time order within 60 days: pre-funded round trips and AMLSim's cycles do not
            // keep it, and ordinary traffic makes no value-keeping cycles either way.
            rule(.cycle, .high) {
                $0.window = 60 * 86_400
                $0.minHops = 3
                $0.maxHops = 6
                $0.minRatio = 7_000
                $0.inTimeOrder = false
                $0.minAmount = AmountThreshold("0")
            },
            rule(.bipartite, .medium) {
                $0.window = 7 * 86_400
                $0.minSenders = 2
                $0.minRecipients = 2
                $0.minEdges = 4
                $0.minDensity = 6_000
                $0.minAmount = AmountThreshold("1000")
            },
            rule(.stack, .high) {
                $0.window = 10 * 86_400
                $0.minLayers = 3
                $0.minSenders = 2
                $0.minRecipients = 2
                $0.minEdges = 3
                $0.minDensity = 5_000
                $0.minAmount = AmountThreshold("1000")
            },
            rule(.randomWalk, .medium) {
                $0.minHops = 4
                $0.maxDwell = 3 * 86_400
                $0.minRatio = 7_000
                $0.minAmount = AmountThreshold("1000")
            },
            rule(.structuring, .high) {
                $0.window = 7 * 86_400
                $0.threshold = AmountThreshold("10000")
                $0.margin = 1_000
                $0.minCount = 3
            },
            rule(.passThrough, .low) {
                $0.maxDwell = 86_400
                $0.minRatio = 9_000
                $0.maxRatio = 11_000
                $0.maxChance = 1e-2
                $0.minAmount = AmountThreshold("2000")
            },
            rule(.velocity, .medium) {
                $0.window = 2 * 86_400
                $0.minCount = 10
                $0.dormancy = 30 * 86_400
            },
            rule(.exposure, .high) {
                $0.categories = ["sanctions", "mixer", "darknet", "ransomware", "scam"]
                $0.maxHops = 3
                $0.maxDwell = 3 * 86_400
                $0.minRatio = 5_000
                $0.minAmount = AmountThreshold("1000", perAsset: ["BTC": "0.01"])
                $0.indirectSeverity = .medium
            },
            // Bitcoin (UTXO) and account-model peel chains; the account-model form needs each
            // hop within max-dwell. BTC's floor is in BTC, every other asset's in the currency.
            rule(.peelChain, .medium) {
                $0.minHops = 4
                $0.maxPeel = 2_000
                $0.maxDwell = 3 * 86_400
                $0.minAmount = AmountThreshold("1000", perAsset: ["BTC": "0.1"])
            },
        ])
    }
}
