public import FlowAnalysis
public import FlowModel

/// One seed as the report shows it: the text given, what it resolved to, and what it adds.
public struct TraceSeedReport: Sendable, Equatable {
    public var text: String
    /// Outputs or transfers it stands for.
    public var count: Int
    /// Value it adds (see `TraceResult.seedAmounts`).
    public var amount: UInt256

    public init(text: String, count: Int, amount: UInt256) {
        self.text = text
        self.count = count
        self.amount = amount
    }
}

/// One endpoint or cut, named.
public struct TraceEndpointReport: Sendable, Equatable {
    public var kind: TraceEndpointKind
    public var address: String?
    /// `txid:vout` of the output; for an input whose spent output is not stored, the input
    /// (`txid:n`) and, in `prevout`, what it spends; for a burn or mint, the transfer's
    /// transaction.
    public var location: String?
    public var prevout: String?
    public var amount: UInt256
    /// Share of the seeds' total, in billionths (floor).
    public var shareBillionths: UInt64
    public var hops: Int
    /// Txids (UTXO) or transaction ids of transfers (accounts), seed first.
    public var path: [String]
    /// Tag categories of the address.
    public var categories: [String]
    /// When the value was there (Unix seconds; see `TraceEndpoint.time`): the first time, and
    /// the last for an endpoint reached more than once (equal otherwise). Nil when unknown.
    public var time: Int64?
    public var lastTime: Int64?
    /// The time of each step of `path` (block time of the transaction, or the transfer's time);
    /// nil for a transaction not in the store (the one a backward route ends at when it spends an
    /// output the store lacks).
    public var pathTimes: [Int64?]
    /// The steps of `path` where the value went through a conversion (`trace --through-conversions`):
    /// the index of the step that paid the value out in the other asset, and what converted it
    /// (`uniswap-v3 #104: WETH → USDC`).
    public var conversionSteps: [TraceConversionStep] = []

    public init(
        kind: TraceEndpointKind, address: String? = nil, location: String? = nil, prevout: String? = nil,
        amount: UInt256, shareBillionths: UInt64, hops: Int, path: [String], categories: [String],
        time: Int64? = nil, lastTime: Int64? = nil, pathTimes: [Int64?] = []
    ) {
        self.kind = kind
        self.address = address
        self.location = location
        self.prevout = prevout
        self.amount = amount
        self.shareBillionths = shareBillionths
        self.hops = hops
        self.path = path
        self.categories = categories
        self.time = time
        self.lastTime = lastTime ?? time
        self.pathTimes = pathTimes
    }

    /// Whether the value reached the endpoint at more than one time.
    public var reachedMoreThanOnce: Bool {
        if let time, let lastTime { return lastTime != time }
        return false
    }
}

/// Totals of a trace; with haircut and FIFO, `endpoints + fees + belowThreshold + cutByLimits`
/// equals `seeds` exactly.
public struct TraceTotals: Sendable, Equatable {
    public var seeds: UInt256
    public var endpoints: UInt256
    public var fees: UInt256
    public var belowThreshold: UInt256
    public var belowThresholdBranches: Int
    public var cutByLimits: UInt256

    public init(
        seeds: UInt256, endpoints: UInt256, fees: UInt256, belowThreshold: UInt256,
        belowThresholdBranches: Int, cutByLimits: UInt256
    ) {
        self.seeds = seeds
        self.endpoints = endpoints
        self.fees = fees
        self.belowThreshold = belowThreshold
        self.belowThresholdBranches = belowThresholdBranches
        self.cutByLimits = cutByLimits
    }
}

/// Traced value by tag category or by address.
public struct TraceGroup: Sendable, Equatable {
    public var name: String
    public var amount: UInt256
    public var shareBillionths: UInt64
    public var endpoints: Int
    /// For addresses: their tag categories.
    public var categories: [String]

    public init(name: String, amount: UInt256, shareBillionths: UInt64, endpoints: Int, categories: [String])
    {
        self.name = name
        self.amount = amount
        self.shareBillionths = shareBillionths
        self.endpoints = endpoints
        self.categories = categories
    }
}

/// The result of one trace, ready to render.
/// The price a trace's amounts are valued at: one asset, one day.
public struct TraceValuation: Sendable, Equatable {
    public var currency: String
    /// Unix seconds of the day valued at.
    public var time: Int64
    /// Price of one whole unit, scaled by 10^12 (`PriceSeries.scale`).
    public var price: UInt256
    /// Why that day: "--since" (the start of the trace's window) or "latest price".
    public var basis: String

    public init(currency: String, time: Int64, price: UInt256, basis: String) {
        self.currency = currency
        self.time = time
        self.price = price
        self.basis = basis
    }

    /// `amount` base units (of an asset with `decimals`) in the currency, 2 decimals, rounded down.
    public func text(_ amount: UInt256, decimals: Int) -> String {
        let micro = UInt256.multiplyDivide(amount, price, UInt256.pow10(decimals))?.quotient ?? .zero
        return PriceSeries.currencyText(micro)
    }
}

/// A step of an endpoint's path where the value went through a conversion.
public struct TraceConversionStep: Sendable, Equatable {
    /// Index into the path: the step that carried the value on in the other asset.
    public var step: Int
    /// What converted it: `uniswap-v3 #104: WETH → USDC`.
    public var conversion: String

    public init(step: Int, conversion: String) {
        self.step = step
        self.conversion = conversion
    }
}

/// Traced value that went through a conversion (a swap or wrap) out of or into a trace's asset
/// (`trace --through-conversions`; a trace without it lists the conversions it stopped at as
/// `conversion` cuts).
public struct TraceConversionReport: Sendable, Equatable {
    /// `out`: the value left this trace's asset; `in`: it entered it (the trace starts there).
    public var direction: String
    public var conversion: Conversion
    /// Names of the conversion's two assets.
    public var assetIn: TraceAsset
    public var assetOut: TraceAsset
    /// Traced units that reached the conversion (of its input asset forward, its output asset
    /// backward) and the units that continued in the other asset (rounded down).
    public var reached: UInt256
    public var continued: UInt256
    /// Whether the continued value was traced further (its leg is in the store).
    public var followed: Bool
    public var hops: Int

    public init(
        direction: String, conversion: Conversion, assetIn: TraceAsset, assetOut: TraceAsset,
        reached: UInt256,
        continued: UInt256, followed: Bool, hops: Int
    ) {
        self.direction = direction
        self.conversion = conversion
        self.assetIn = assetIn
        self.assetOut = assetOut
        self.reached = reached
        self.continued = continued
        self.followed = followed
        self.hops = hops
    }
}

public struct TraceReport: Sendable {
    /// Set when the asset has prices: amounts are also shown in the currency.
    public var valuation: TraceValuation?
    public var policy: TracePolicy
    public var direction: TraceDirection
    /// `utxo` (Bitcoin transactions) or `account` (transfers).
    public var model: String
    public var asset: TraceAsset
    public var since: Int64?
    public var until: Int64?
    public var maxHops: Int
    public var minAmount: UInt256
    public var stopCategories: [String]
    public var seeds: [TraceSeedReport]
    public var endpoints: [TraceEndpointReport]
    public var cuts: [TraceEndpointReport]
    /// Endpoints and cuts beyond `--limit`, left out of the lists (not of the totals).
    public var endpointCount: Int
    public var cutCount: Int
    public var totals: TraceTotals
    public var byCategory: [TraceGroup]
    public var byAddress: [TraceGroup]
    public var addressCount: Int
    /// Transactions or transfers the trace went through.
    public var steps: Int
    /// Notes: seeds left out (not on the main chain, failed, another asset).
    public var notes: [String]
    /// Conversions the traced value went through, out of this asset or into it.
    public var conversions: [TraceConversionReport] = []

    public init(
        policy: TracePolicy, direction: TraceDirection, model: String, asset: TraceAsset, since: Int64? = nil,
        until: Int64? = nil, maxHops: Int, minAmount: UInt256, stopCategories: [String],
        seeds: [TraceSeedReport], endpoints: [TraceEndpointReport], cuts: [TraceEndpointReport],
        endpointCount: Int, cutCount: Int, totals: TraceTotals, byCategory: [TraceGroup],
        byAddress: [TraceGroup], addressCount: Int, steps: Int, notes: [String]
    ) {
        self.policy = policy
        self.direction = direction
        self.model = model
        self.asset = asset
        self.since = since
        self.until = until
        self.maxHops = maxHops
        self.minAmount = minAmount
        self.stopCategories = stopCategories
        self.seeds = seeds
        self.endpoints = endpoints
        self.cuts = cuts
        self.endpointCount = endpointCount
        self.cutCount = cutCount
        self.totals = totals
        self.byCategory = byCategory
        self.byAddress = byAddress
        self.addressCount = addressCount
        self.steps = steps
        self.notes = notes
    }
}

/// What `chainflow trace` did.
public struct TraceRun: Sendable {
    public var reports: [TraceReport]
    /// The reports are one trace's assets (`trace --through-conversions`), not one per seed.
    public var throughConversions = false
    public var runId: Int64
    public var loadSeconds: Double
    public var traceSeconds: Double
    public var threads: Int

    public init(reports: [TraceReport], runId: Int64, loadSeconds: Double, traceSeconds: Double, threads: Int)
    {
        self.reports = reports
        self.runId = runId
        self.loadSeconds = loadSeconds
        self.traceSeconds = traceSeconds
        self.threads = threads
    }
}
