public import FlowModel

/// Limits and stops of a trace.
public struct TraceLimits: Sendable, Equatable {
    /// Most transactions (UTXO) or transfers (accounts) followed from a seed, counted along the
    /// shortest tainted route.
    public var maxHops: Int
    /// Backward traces do not follow value that moved before `since`; forward traces do not
    /// follow value that moves after `until` (Unix seconds). Either is cut and counted as
    /// `cut_by_limits` where it sat.
    public var since: Int64?
    public var until: Int64?
    /// Branches carrying less than this (base units) are not followed and are summed as below
    /// threshold. Seeds are always followed.
    public var minAmount: UInt256
    /// Addresses where a trace stops: value reaching them is an endpoint (e.g. exchanges).
    public var stops: Set<UInt32>

    public init(
        maxHops: Int = 6, since: Int64? = nil, until: Int64? = nil, minAmount: UInt256 = .zero,
        stops: Set<UInt32> = []
    ) {
        self.maxHops = maxHops
        self.since = since
        self.until = until
        self.minAmount = minAmount
        self.stops = stops
    }
}

/// Why a trace ended at a place.
public enum TraceEndpointKind: String, Sendable, CaseIterable, Codable, Comparable {
    /// Forward, UTXO: an unspent output.
    case unspent
    /// Forward, accounts: still held by the address at the end of the data.
    case balance
    /// An address with a stop tag (forward: the value reached it; backward: it came from it).
    case tagged
    /// Forward, accounts: paid to no address (a burn; fees are counted apart).
    case burned
    /// Backward, UTXO: newly mined coins (block subsidy and fees).
    case coinbase
    /// Backward, accounts: minted value (a transfer from no address: rewards, withdrawals).
    case minted
    /// Backward: value whose origin is not in the store (an input whose spent output is not
    /// stored; an account that spent more than the store shows it received).
    case unknownSource = "unknown_source"
    /// UTXO: a transaction with an input of unknown value, whose shares cannot be computed.
    case unknownInputs = "unknown_inputs"
    /// Cut by the hop limit: the value would move further than `--hops` transactions.
    case hopLimit = "hop_limit"
    /// Cut by the time window.
    case timeLimit = "time_limit"
    /// Cut at a conversion (a swap or wrap): the value went into a pool and came out as another
    /// asset, which the trace does not follow (`trace --through-conversions` does).
    case conversion
    /// Followed through a conversion: the value left this asset into the other one (the trace of
    /// that asset continues from the conversion's output).
    case converted

    /// Whether the kind is a cut by limits rather than an endpoint.
    public var isCut: Bool { self == .hopLimit || self == .timeLimit || self == .conversion }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Where traced value ended (or was cut).
public enum TraceLocation: Sendable, Hashable, Comparable {
    /// `outputs.id` of a coin.
    case output(Int64)
    /// `inputs.id` of an input whose spent output is not in the store.
    case input(Int64)
    /// An account address id.
    case address(UInt32)
    /// `transfers.id` of a burn or a mint.
    case transfer(Int64)
}

/// One endpoint or cut of a trace.
public struct TraceEndpoint: Sendable, Equatable {
    public var kind: TraceEndpointKind
    public var location: TraceLocation
    /// Address id (0 when none or unknown).
    public var address: UInt32
    /// Traced amount in base units.
    public var amount: UInt256
    /// Transactions (or transfers) followed from the seed along the shortest route.
    public var hops: Int
    /// The route of the largest share among the shortest: store ids (`transactions.id` for
    /// UTXO, `transfers.id` for accounts), from the seed's transaction on. Forward UTXO paths
    /// end with the transaction that created the endpoint's output; backward UTXO paths end
    /// with the last transaction followed (the endpoint's output is the one it spent).
    public var path: [Int64]
    /// When the value was at the endpoint (Unix seconds): the time of the transaction or
    /// transfer at the endpoint, the last of its route. UTXO: the block time of the transaction
    /// that created the endpoint's output (for an input whose spent output is not stored, of the
    /// transaction with that input). Accounts: the transfer that brought the value there
    /// (forward) or took it from there (backward: the mint, the tagged payer's payment, the
    /// payment that drew funds the store does not show). An endpoint reached more than once (an
    /// account's balance, a tagged address paid several times) has its first time here and its
    /// last in `lastTime`. Nil only when unknown.
    public var time: Int64?
    /// The last of the endpoint's times (equal to `time` when it was reached once).
    public var lastTime: Int64?

    public init(
        kind: TraceEndpointKind, location: TraceLocation, address: UInt32, amount: UInt256, hops: Int,
        path: [Int64], time: Int64? = nil, lastTime: Int64? = nil
    ) {
        self.kind = kind
        self.location = location
        self.address = address
        self.amount = amount
        self.hops = hops
        self.path = path
        self.time = time
        self.lastTime = lastTime ?? time
    }
}

/// What a trace found. With haircut and FIFO, `seedTotal` equals the endpoints' amounts plus
/// `fees`, `belowThreshold` and the cuts' amounts, exactly.
public struct TraceResult: Sendable, Equatable {
    public var policy: TracePolicy
    public var direction: TraceDirection
    /// Endpoints, largest amount first (then kind and location).
    public var endpoints: [TraceEndpoint] = []
    /// Value cut by the hop limit or the time window, where it sat, largest first.
    public var cuts: [TraceEndpoint] = []
    /// What each seed (in the order given) adds: its value, less any traced value that reached
    /// it from another seed (that part is counted once, where it came from).
    public var seedAmounts: [UInt256] = []
    public var seedTotal: UInt256 = .zero
    /// Forward: the traced share of transaction fees.
    public var fees: UInt256 = .zero
    public var belowThreshold: UInt256 = .zero
    /// Branches cut for being below the threshold.
    public var belowThresholdBranches: Int = 0
    /// Transactions (UTXO) or transfers (accounts) the trace went through.
    public var steps: Int = 0
    /// Value that reached conversions the trace follows (`converted` endpoints), per arrival.
    public var conversionHits: [ConversionHit] = []

    public init(policy: TracePolicy, direction: TraceDirection) {
        self.policy = policy
        self.direction = direction
    }

    /// Sum of the endpoints' amounts.
    public var endpointTotal: UInt256 { endpoints.reduce(.zero) { $0 + $1.amount } }
    /// Sum of the cuts' amounts.
    public var cutTotal: UInt256 { cuts.reduce(.zero) { $0 + $1.amount } }
}

/// Accumulates endpoints and cuts by (kind, location); keeps, for each, the path of the
/// contribution with the fewest hops, then the largest amount, then the smallest route, and the
/// earliest and latest times of its contributions.
struct TraceCollector {
    struct Key: Hashable {
        var kind: TraceEndpointKind
        var location: TraceLocation
    }
    struct Spot {
        var address: UInt32
        var amount: UInt256
        var hops: Int
        var best: UInt256
        var path: [Int64]
        var first: Int64?
        var last: Int64?
    }
    var spots: [Key: Spot] = [:]

    /// Whether a contribution of `amount` at `hops` would become the spot's route (callers
    /// compute the path only then).
    func wantsPath(_ kind: TraceEndpointKind, _ location: TraceLocation, amount: UInt256, hops: Int) -> Bool {
        guard let s = spots[Key(kind: kind, location: location)] else { return true }
        return hops < s.hops || (hops == s.hops && amount >= s.best)
    }

    /// Adds a contribution; `path` is nil when `wantsPath` said no. `time` is when it reached
    /// (or left) the place; `lastTime`, when the contribution stands for several arrivals, the
    /// last of them (nil: `time`).
    mutating func add(
        _ kind: TraceEndpointKind, _ location: TraceLocation, address: UInt32, amount: UInt256, hops: Int,
        path: [Int64]?, time: Int64?, lastTime: Int64? = nil
    ) {
        if amount == .zero { return }
        let key = Key(kind: kind, location: location)
        let last = lastTime ?? time
        if var s = spots[key] {
            s.amount = s.amount + amount
            if let time { s.first = s.first.map { Swift.min($0, time) } ?? time }
            if let last { s.last = s.last.map { Swift.max($0, last) } ?? last }
            // Fewest hops, then the largest amount, then the smallest route: independent of
            // the order contributions arrive in.
            if let path,
                hops < s.hops
                    || (hops == s.hops
                        && (amount > s.best || (amount == s.best && path.lexicographicallyPrecedes(s.path))))
            {
                s.hops = hops
                s.best = amount
                s.path = path
            }
            spots[key] = s
        } else {
            spots[key] = Spot(
                address: address, amount: amount, hops: hops, best: amount, path: path ?? [], first: time,
                last: last)
        }
    }

    /// Endpoints and cuts, each sorted by amount (largest first), kind, location.
    func finish(into result: inout TraceResult) {
        var endpoints: [TraceEndpoint] = []
        var cuts: [TraceEndpoint] = []
        for (key, s) in spots {
            let e = TraceEndpoint(
                kind: key.kind, location: key.location, address: s.address, amount: s.amount, hops: s.hops,
                path: s.path, time: s.first, lastTime: s.last)
            if key.kind.isCut { cuts.append(e) } else { endpoints.append(e) }
        }
        let order: (TraceEndpoint, TraceEndpoint) -> Bool = { a, b in
            if a.amount != b.amount { return a.amount > b.amount }
            if a.kind != b.kind { return a.kind < b.kind }
            return a.location < b.location
        }
        result.endpoints = endpoints.sorted(by: order)
        result.cuts = cuts.sorted(by: order)
    }
}

/// A seed carrying part of its transfer: the value a conversion brought into an asset, from `hops`
/// transfers and the route `prefix` (store ids) in the asset it came from.
public struct AccountSeed: Sendable, Equatable {
    public var position: Int32
    public var amount: UInt256
    public var hops: Int
    public var prefix: [Int64]

    public init(position: Int32, amount: UInt256, hops: Int = 0, prefix: [Int64] = []) {
        self.position = position
        self.amount = amount
        self.hops = hops
        self.prefix = prefix
    }
}

/// The conversion legs of one asset's graph where a trace stops: positions of the transfers that
/// pay a pool (forward) or that a pool pays out (backward), with the index of their conversion.
public struct ConversionLegs: Sendable, Equatable {
    public var legs: [Int32: Int]
    /// true: value reaching a leg is followed (a `converted` endpoint and a `ConversionHit`);
    /// false: it is a `conversion` cut.
    public var follow: Bool

    public init(legs: [Int32: Int] = [:], follow: Bool = false) {
        self.legs = legs
        self.follow = follow
    }
}

/// Traced value that reached a conversion's leg: how much, after how many hops, by which route.
public struct ConversionHit: Sendable, Equatable {
    /// The conversion's index (`ConversionLegs.legs`).
    public var link: Int
    public var amount: UInt256
    public var hops: Int
    /// The route to the leg, the leg last (store ids).
    public var path: [Int64]
    public var time: Int64
}
