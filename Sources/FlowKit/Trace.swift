import Dispatch
import FlowAnalysis
public import FlowModel
public import FlowReport
public import FlowStore
import Foundation

/// Options of `chainflow trace`.
public struct TraceOptions: Sendable {
    /// Seed texts (see `TraceSeed`): `address:X`, `sent:X`, `tx:X`, `output:TXID:N`, or bare
    /// addresses, txids, `txid:vout`, Ethereum transaction hashes and ledger transaction ids.
    public var from: [String]
    /// A seed file (one seed per line, `#` comments) whose seeds follow those of `from`.
    public var fromFile: String?
    public var direction: TraceDirection
    public var policy: TracePolicy
    public var maxHops: Int
    /// Window (Unix seconds): address seeds are what the address received within it; a forward
    /// trace does not follow value that moves after `until`, a backward trace value that moved
    /// before `since`.
    public var since: Int64?
    public var until: Int64?
    /// Branches carrying less are cut (decimal, in units of the asset: "0.001" BTC).
    public var minAmount: String?
    /// Tag categories where the trace stops (e.g. `exchange`).
    public var stopCategories: [String]
    /// The asset to trace when the seeds hold several (symbol, contract or asset id).
    public var asset: String?
    /// Trace each seed on its own (in parallel) instead of all together.
    public var each: Bool
    public var threads: Int
    /// Endpoints, cuts and addresses listed per trace (0: all); totals always cover everything.
    public var limit: Int
    /// Follow traced value through conversions (swaps, wraps) into the other asset
    /// (`CrossAssetTrace`); without it a conversion is a cut.
    public var throughConversions = false

    public init(
        from: [String], fromFile: String? = nil, direction: TraceDirection = .forward,
        policy: TracePolicy = .haircut, maxHops: Int = 6,
        since: Int64? = nil, until: Int64? = nil, minAmount: String? = nil, stopCategories: [String] = [],
        asset: String? = nil, each: Bool = false, threads: Int? = nil, limit: Int = 1000
    ) {
        self.from = from
        self.fromFile = fromFile
        self.direction = direction
        self.policy = policy
        self.maxHops = maxHops
        self.since = since
        self.until = until
        self.minAmount = minAmount
        self.stopCategories = stopCategories
        self.asset = asset
        self.each = each
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.limit = limit
    }

    /// Whether the trace runs backward (where the value came from) instead of forward.
    public var backward: Bool {
        get { direction == .backward }
        set { direction = newValue ? .backward : .forward }
    }

    /// The options as recorded in the `runs` table (fixed key order): `seeds` are every seed
    /// traced, those of the seed file included.
    func parametersJSON(seeds: [TraceSeed]) -> JSONValue {
        .object(
            [
                ("from", .array(seeds.map { .string($0.text) })),
                ("direction", .string(direction.rawValue)),
                ("policy", .string(policy.rawValue)),
                ("hops", .int(maxHops)),
                ("since", .optional(since)),
                ("until", .optional(until)),
                ("min_amount", .optional(minAmount)),
                ("stop_at_tag", .array(stopCategories.map { .string($0) })),
                ("asset", .optional(asset)),
                ("each", .bool(each)),
                ("threads", .int(threads)),
            ] + (throughConversions ? [("through_conversions", .bool(true))] : []))
    }
}

/// A bad `trace` request (exit code 64): the message says what to change.
/// `chainflow trace`: follows value forward or backward from seeds through the transaction
/// graph, by a taint policy, with limits and stops (see `UTXOTracer` and `AccountTracer`).
///
/// The graph of the traced asset is loaded once into memory; the seeds are traced together as
/// one tainted set, or with `each` one by one, in parallel, results in the order given (the same
/// bytes with any thread count). Each run is recorded in the `runs` table (`command` = `trace`).
public enum Trace {
    /// Traces in the database file at `database`: the seeds (and seed file) are read first, then
    /// the database is opened, read-only when its file or folder is not writable (the run is
    /// then not recorded). A missing database is an error saying how to make one.
    public static func run(database: String, options: TraceOptions) throws -> TraceRun {
        let seeds = try TraceSeed.list(from: options.from, file: options.fromFile)
        let db = try CaseDatabase.open(database, for: .readRecordingRuns)
        return try run(store: db.store, options: options, seeds: seeds)
    }

    public static func run(store: any CaseReadStore, options: TraceOptions) throws -> TraceRun {
        try run(
            store: store, options: options,
            seeds: try TraceSeed.list(from: options.from, file: options.fromFile))
    }

    static func run(store: any CaseReadStore, options: TraceOptions, seeds: [TraceSeed]) throws -> TraceRun {
        // A read-only database (no write permission on the file or its folder): the trace is not
        // recorded in `runs` (run id 0).
        if store.readOnly { return try perform(store: store, options: options, seeds: seeds, runId: 0) }
        return try RunLog.record(
            store, command: "trace", parameters: options.parametersJSON(seeds: seeds), summary: summary
        ) { runId in
            try perform(store: store, options: options, seeds: seeds, runId: runId)
        }
    }

    static func summary(_ r: TraceRun) -> JSONValue {
        .object([
            ("traces", .int(r.reports.count)),
            (
                "totals",
                .array(
                    r.reports.map { rep in
                        .object([
                            ("asset", .string(rep.asset.name)),
                            ("seeds", .string(rep.totals.seeds.decimalString)),
                            ("endpoints", .string(rep.totals.endpoints.decimalString)),
                            ("fees", .string(rep.totals.fees.decimalString)),
                            ("below_threshold", .string(rep.totals.belowThreshold.decimalString)),
                            ("cut_by_limits", .string(rep.totals.cutByLimits.decimalString)),
                            ("endpoint_count", .int(rep.endpointCount)),
                            ("steps", .int(rep.steps)),
                        ])
                    })
            ),
            (
                "seconds",
                .object([
                    ("load", .double(Render.rounded(r.loadSeconds))),
                    ("trace", .double(Render.rounded(r.traceSeconds))),
                ])
            ),
            ("threads", .int(r.threads)),
        ])
    }

    /// A seed item resolved to the asset it traces.
    struct Item {
        var text: String
        var refs: [TraceSeedRef]
    }

    static func perform(store: any CaseReadStore, options: TraceOptions, seeds: [TraceSeed], runId: Int64)
        throws
        -> TraceRun
    {
        guard !seeds.isEmpty else {
            throw UsageError("give at least one seed with --from or --from-file", command: "trace")
        }
        guard options.maxHops >= 0 else { throw UsageError("--hops must not be negative", command: "trace") }
        let start = DispatchTime.now()
        // Resolve the seeds.
        var items: [Item] = []
        for seed in seeds {
            let refs = try seed.refs(store: store, since: options.since, until: options.until)
            items.append(Item(text: seed.text, refs: refs))
        }
        let assets = try store.traceAssets()
        let asset = try chooseAsset(items, assets: assets, wanted: options.asset)
        var notes: [String] = []
        for item in items {
            let other = item.refs.filter { assetId($0) != asset.id }.count
            if other > 0 {
                notes.append(
                    "\(item.text): \(other) outputs or transfers of other assets left out (trace them with --asset)"
                )
            }
        }
        let minAmount = try parseMinAmount(options.minAmount, asset: asset)
        let stopIds =
            options.stopCategories.isEmpty
            ? [] : try store.taggedAddressIds(categories: options.stopCategories)

        // Load the graph and map the seeds onto it.
        let utxo =
            asset.id == BuiltinAsset.btc
            && items.contains { $0.refs.contains { if case .output = $0 { true } else { false } } }
        var utxoGraph = UTXOTraceGraph()
        var accountGraph = AccountTraceGraph()
        var dense: [[Int32]] = []
        if utxo {
            utxoGraph = try store.loadUTXOTraceGraph(threads: options.threads)
            for item in items {
                var list: [Int32] = []
                var missing = 0
                for ref in item.refs {
                    guard case .output(let id, let tx) = ref else { continue }
                    if let o = utxoGraph.output(storeId: id, tx: tx) {
                        list.append(Int32(o))
                    } else {
                        missing += 1
                    }
                }
                if missing > 0 {
                    notes.append("\(item.text): \(missing) outputs not on the main chain left out")
                }
                dense.append(list)
            }
        } else {
            accountGraph = try store.loadAccountTraceGraph(asset: asset.id)
            var wanted = Set<Int64>()
            for item in items {
                for ref in item.refs {
                    if case .transfer(let id, let a) = ref, a == asset.id { wanted.insert(id) }
                }
            }
            let positions = accountGraph.positions(ofTransfers: wanted)
            for item in items {
                var list: [Int32] = []
                for ref in item.refs {
                    guard case .transfer(let id, let a) = ref, a == asset.id else { continue }
                    if let p = positions[id] { list.append(Int32(p)) }
                }
                dense.append(list)
            }
        }
        let loaded = DispatchTime.now()

        // Stops: tagged addresses, except the seeds' own.
        var stops = stopIds
        for list in dense {
            for s in list {
                if utxo {
                    stops.remove(utxoGraph.outputAddress[Int(s)])
                } else {
                    stops.remove(accountGraph.from[Int(s)])
                    stops.remove(accountGraph.to[Int(s)])
                }
            }
        }
        let limits = TraceLimits(
            maxHops: options.maxHops, since: options.since, until: options.until, minAmount: minAmount,
            stops: stops)
        let groups: [[Int]] = options.each ? items.indices.map { [$0] } : [Array(items.indices)]
        let policy = options.policy
        let direction = options.direction
        let traceGraphU = utxoGraph
        let traceGraphA = accountGraph
        let denseSeeds = dense
        let paths = options.limit > 0 ? options.limit : Int.max
        // Conversions (swaps, wraps) of account assets: cuts, or followed into the other asset.
        let links = utxo ? [] : try store.conversionLinks()
        if options.throughConversions && !links.isEmpty {
            return try throughConversions(
                store: store, options: options, items: items, dense: dense, groups: groups, asset: asset,
                assets: assets, graph: accountGraph, links: links, limits: limits, minAmount: minAmount,
                notes: notes, start: start, loaded: loaded, runId: runId)
        }
        let legs = Self.legs(links, graph: accountGraph, direction: direction, follow: false)
        let results: [TraceResult] = parallelMap(groups.count, threads: options.each ? options.threads : 1) {
            k in
            let seeds = groups[k].flatMap { denseSeeds[$0] }
            if utxo {
                return UTXOTracer.trace(
                    traceGraphU, seeds: seeds, policy: policy, direction: direction, limits: limits,
                    paths: paths)
            }
            if legs.legs.isEmpty {
                return AccountTracer.trace(
                    traceGraphA, seeds: seeds, policy: policy, direction: direction, limits: limits)
            }
            return AccountTracer.trace(
                traceGraphA,
                seeds: seeds.map { AccountSeed(position: $0, amount: traceGraphA.amount[Int($0)]) },
                policy: policy, direction: direction, limits: limits, conversions: legs)
        }
        let traced = DispatchTime.now()
        if results.contains(where: { r in r.cuts.contains { $0.kind == .conversion } }) {
            notes.append(
                "the trace stopped at conversions (swaps, wraps: cuts of kind conversion); --through-conversions follows the value into the other asset"
            )
        }

        var reports: [TraceReport] = []
        for (k, result) in results.enumerated() {
            var seedReports: [TraceSeedReport] = []
            var offset = 0
            for i in groups[k] {
                let n = dense[i].count
                let amount = result.seedAmounts[offset..<(offset + n)].reduce(UInt256.zero, +)
                seedReports.append(TraceSeedReport(text: items[i].text, count: n, amount: amount))
                offset += n
            }
            reports.append(
                try name(
                    result, store: store, model: utxo ? "utxo" : "account", asset: asset, options: options,
                    blockTime: { id in traceGraphU.transaction(storeId: id).map { traceGraphU.time[$0] } },
                    minAmount: minAmount, seeds: seedReports,
                    notes: options.each
                        ? notes.filter { note in
                            groups[k].contains { note.hasPrefix(items[$0].text + ":") }
                        } : notes))
        }
        return TraceRun(
            reports: reports, runId: runId,
            loadSeconds: Double(loaded.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9,
            traceSeconds: Double(traced.uptimeNanoseconds - loaded.uptimeNanoseconds) / 1e9,
            threads: options.threads)
    }

    /// The legs of `links` in `graph` where value leaves its asset: the transfers paying a pool
    /// (forward) or paid by it (backward).
    static func legs(
        _ links: [ConversionLink], graph: AccountTraceGraph, direction: TraceDirection, follow: Bool
    )
        -> ConversionLegs
    {
        var wanted: [Int64: Int] = [:]
        for (i, l) in links.enumerated() {
            let leg =
                direction == .forward
                ? (l.assetIn == graph.asset ? l.inTransfer : nil)
                : (l.assetOut == graph.asset ? l.outTransfer : nil)
            if let t = leg { wanted[t] = i }
        }
        var out = ConversionLegs(follow: follow)
        for (id, p) in graph.positions(ofTransfers: Set(wanted.keys)) {
            if let i = wanted[id] { out.legs[Int32(p)] = i }
        }
        return out
    }

    /// `trace --through-conversions`: each seed group traced through conversions; one report per
    /// asset the value reached, the seed asset first.
    static func throughConversions(
        store: any CaseReadStore, options: TraceOptions, items: [Item], dense: [[Int32]], groups: [[Int]],
        asset: TraceAsset, assets: [TraceAsset], graph: AccountTraceGraph, links: [ConversionLink],
        limits: TraceLimits, minAmount: UInt256, notes: [String], start: DispatchTime, loaded: DispatchTime,
        runId: Int64
    ) throws -> TraceRun {
        var other = limits
        other.minAmount = .zero
        var traces: [[CrossAssetTrace.AssetTrace]] = []
        for group in groups {
            let seeds = group.flatMap { dense[$0] }
            traces.append(
                try CrossAssetTrace.trace(
                    asset: asset.id, seeds: seeds, links: links, policy: options.policy,
                    direction: options.direction, limits: { $0 == asset.id ? limits : other },
                    graph: { a in a == asset.id ? graph : try store.loadAccountTraceGraph(asset: a) }))
        }
        let traced = DispatchTime.now()
        func traceAsset(_ id: Int64) -> TraceAsset {
            assets.first { $0.id == id }
                ?? TraceAsset(id: id, chain: asset.chain, symbol: nil, contract: "", decimals: nil)
        }
        // The legs traced value continued on after a conversion, named for the paths.
        var continuedLegs: [Int64: String] = [:]
        for l in links {
            let leg = options.direction == .forward ? l.outTransfer : l.inTransfer
            if let t = leg {
                continuedLegs[t] =
                    "\(l.conversion.protocolName) #\(l.conversion.logIndex): \(traceAsset(l.assetIn).shortName) → \(traceAsset(l.assetOut).shortName)"
            }
        }
        var reports: [TraceReport] = []
        for (k, parts) in traces.enumerated() {
            for part in parts {
                let a = traceAsset(part.asset)
                var seedReports: [TraceSeedReport] = []
                if part.asset == asset.id {
                    var offset = 0
                    for i in groups[k] {
                        let n = dense[i].count
                        let amount = part.result.seedAmounts[
                            offset..<min(offset + n, part.result.seedAmounts.count)
                        ]
                        .reduce(UInt256.zero, +)
                        seedReports.append(TraceSeedReport(text: items[i].text, count: n, amount: amount))
                        offset += n
                    }
                }
                var conversions: [TraceConversionReport] = []
                for f in part.flows {
                    let l = links[f.link]
                    let out = (options.direction == .forward ? l.assetIn : l.assetOut) == part.asset
                    if !out {
                        seedReports.append(
                            TraceSeedReport(
                                text:
                                    "conversion \(l.conversion.tx)#\(l.conversion.logIndex) (\(l.conversion.protocolName))",
                                count: 1, amount: f.continued))
                    }
                    conversions.append(
                        TraceConversionReport(
                            direction: out ? "out" : "in", conversion: l.conversion,
                            assetIn: traceAsset(l.assetIn),
                            assetOut: traceAsset(l.assetOut), reached: f.reached, continued: f.continued,
                            followed: f.followed, hops: f.hops))
                }
                var report = try name(
                    part.result, store: store, model: "account", asset: a, options: options,
                    blockTime: { _ in nil },
                    minAmount: part.asset == asset.id ? minAmount : .zero, seeds: seedReports,
                    notes: part.asset == asset.id ? notes : [], conversionLegs: continuedLegs)
                report.conversions = conversions
                reports.append(report)
            }
        }
        var run = TraceRun(
            reports: reports, runId: runId,
            loadSeconds: Double(loaded.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9,
            traceSeconds: Double(traced.uptimeNanoseconds - loaded.uptimeNanoseconds) / 1e9,
            threads: options.threads)
        run.throughConversions = true
        return run
    }

    static func assetId(_ ref: TraceSeedRef) -> Int64 {
        switch ref {
        case .output: BuiltinAsset.btc
        case .transfer(_, let asset): asset
        }
    }

    /// The asset the seeds hold, or the one `wanted` names.
    static func chooseAsset(_ items: [Item], assets: [TraceAsset], wanted: String?) throws -> TraceAsset {
        let byId = Dictionary(assets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var present: [Int64: Int] = [:]
        for item in items { for ref in item.refs { present[assetId(ref), default: 0] += 1 } }
        if let wanted {
            let matches = assets.filter {
                String($0.id) == wanted || $0.symbol?.lowercased() == wanted.lowercased()
                    || (!$0.contract.isEmpty && $0.contract == wanted.lowercased())
            }.filter { present[$0.id] != nil }
            guard matches.count == 1, let a = matches.first else {
                let names = present.keys.sorted().map { id in
                    let a = byId[id]
                    return "\(a?.name ?? "?") (id \(id), \(a?.chain ?? "?"))"
                }
                throw UsageError(
                    matches.isEmpty
                        ? "no seed holds asset '\(wanted.prefix(60))'; the seeds hold: \(names.joined(separator: ", "))"
                        : "asset '\(wanted.prefix(60))' is ambiguous; give its id: \(names.joined(separator: ", "))",
                    command: "trace")
            }
            return a
        }
        guard present.count == 1, let id = present.keys.first else {
            let names = present.keys.sorted().map { id in
                let a = byId[id]
                return "\(a?.name ?? "?") (id \(id), \(present[id] ?? 0) seeds)"
            }
            throw UsageError(
                "the seeds hold several assets: \(names.joined(separator: ", ")); choose one with --asset",
                command: "trace")
        }
        return byId[id] ?? TraceAsset(id: id, chain: "?", symbol: nil, contract: "", decimals: nil)
    }

    static func parseMinAmount(_ text: String?, asset: TraceAsset) throws -> UInt256 {
        guard let text else { return .zero }
        switch UInt256.parseAmount(text, decimals: asset.decimals ?? 0) {
        case .success(let v): return v
        case .failure(let f):
            throw UsageError(
                "--min-amount '\(text.prefix(40))' is not an amount of \(asset.name) (\(asset.decimals ?? 0) decimals): \(f)",
                command: "trace")
        }
    }

    /// Resolves ids to names, adds shares, tags and groups.
    /// `blockTime` gives the block time of a main-chain transaction by store id (UTXO traces).
    static func name(
        _ r: TraceResult, store: any CaseReadStore, model: String, asset: TraceAsset, options: TraceOptions,
        blockTime: (Int64) -> Int64?, minAmount: UInt256, seeds: [TraceSeedReport], notes: [String],
        conversionLegs: [Int64: String] = [:]
    ) throws -> TraceReport {
        // Every total of a trace is a part of the seeds' sum: past 2^256 it would be clamped and the
        // conservation the report states would not hold. Refused, with what to trace instead.
        var seedSum = AmountTotal()
        for a in r.seedAmounts { seedSum.add(a) }
        guard seedSum.exact != nil else {
            throw TraceSeedError(
                "the seeds carry \(seedSum.decimalString) base units of \(asset.name), beyond 2^256 − 1: "
                    + "a trace that large cannot conserve value exactly (\(AmountOverflow.note)); "
                    + "trace fewer seeds, e.g. one transfer with --from tx:ID",
                location: "chainflow trace", exitCode: ExitStatus.dataError)
        }
        let total = r.seedTotal
        func share(_ a: UInt256) -> UInt64 {
            guard total != .zero else { return 0 }
            return UInt256.multiplyDivide(a, UInt256(1_000_000_000), total)?.quotient.uint64 ?? 0
        }
        let limit = options.limit > 0 ? options.limit : Int.max
        let listed = Array(r.endpoints.prefix(limit)) + Array(r.cuts.prefix(limit))
        // Names of what is listed, and tags of every endpoint address (for the totals).
        var outputIds: [Int64] = []
        var inputIds: [Int64] = []
        var transferIds: [Int64] = []
        var txIds: [Int64] = []
        for e in listed {
            switch e.location {
            case .output(let id): outputIds.append(id)
            case .input(let id): inputIds.append(id)
            case .transfer(let id): transferIds.append(id)
            case .address: break
            }
            if model == "utxo" { txIds += e.path } else { transferIds += e.path }
        }
        // Value by address (endpoints only: cuts are not where the value ended), largest first,
        // then by address id; only the listed ones are named.
        var byAddress: [UInt32: (UInt256, Int)] = [:]
        for e in r.endpoints where e.address != 0 {
            let (a, n) = byAddress[e.address] ?? (.zero, 0)
            byAddress[e.address] = (a + e.amount, n + 1)
        }
        let ranked = byAddress.sorted { $0.value.0 != $1.value.0 ? $0.value.0 > $1.value.0 : $0.key < $1.key }
        let listedAddresses = listed.map(\.address) + ranked.prefix(limit).map(\.key)
        let addressNames = try store.traceAddressTexts(listedAddresses.filter { $0 != 0 })
        let categories = try store.tagCategories(
            Array(Set(r.endpoints.map(\.address) + r.cuts.map(\.address)).filter { $0 != 0 }))
        let outpoints = try store.traceOutpoints(outputIds)
        let inputs = try store.traceInputs(inputIds)
        let transfers = try store.traceTransfers(transferIds)
        let txids = try store.txids(txIds)

        func describe(_ e: TraceEndpoint) -> TraceEndpointReport {
            var location: String?
            var prevout: String?
            var path: [String] =
                model == "utxo"
                ? e.path.map { txids[$0] ?? "#\($0)" }
                : e.path.map { transfers[$0]?.tx ?? "transfer #\($0)" }
            var pathTimes: [Int64?] =
                model == "utxo" ? e.path.map(blockTime) : e.path.map { transfers[$0]?.time }
            switch e.location {
            case .output(let id):
                if let o = outpoints[id] {
                    location = "\(o.txid):\(o.n)"
                    // Backward routes end with the transaction that created the coin (the
                    // endpoint's time is its block time).
                    if r.direction == .backward && path.last != o.txid {
                        path.append(o.txid)
                        pathTimes.append(e.time)
                    }
                }
            case .input(let id):
                if let i = inputs[id] {
                    location = "\(i.txid):\(i.n)"
                    if let prev = i.prevTxid {
                        prevout = "\(prev):\(i.prevVout.map(String.init) ?? "?")"
                        // Not in the store: no time.
                        path.append(prev)
                        pathTimes.append(nil)
                    }
                }
            case .transfer(let id):
                location = transfers[id]?.tx ?? "transfer #\(id)"
            case .address: break
            }
            var report = TraceEndpointReport(
                kind: e.kind, address: e.address == 0 ? nil : addressNames[e.address],
                location: location,
                prevout: prevout, amount: e.amount, shareBillionths: share(e.amount), hops: e.hops,
                path: path,
                categories: categories[e.address] ?? [], time: e.time, lastTime: e.lastTime,
                pathTimes: pathTimes)
            // A conversion's other leg in the route: the value went on there as another asset.
            report.conversionSteps = e.path.enumerated().compactMap { k, id in
                guard k > 0, let label = conversionLegs[id] else { return nil }
                return TraceConversionStep(step: k, conversion: label)
            }
            return report
        }

        // Value by tag category, over every endpoint.
        var byCategory: [String: (UInt256, Int)] = [:]
        for e in r.endpoints {
            for c in categories[e.address] ?? [] {
                let (a, n) = byCategory[c] ?? (.zero, 0)
                byCategory[c] = (a + e.amount, n + 1)
            }
        }
        let categoryGroups = byCategory.map {
            TraceGroup(
                name: $0.key, amount: $0.value.0, shareBillionths: share($0.value.0), endpoints: $0.value.1,
                categories: [])
        }.sorted { $0.amount != $1.amount ? $0.amount > $1.amount : $0.name < $1.name }
        let addressGroups = ranked.prefix(limit).map {
            TraceGroup(
                name: addressNames[$0.key] ?? "#\($0.key)", amount: $0.value.0,
                shareBillionths: share($0.value.0),
                endpoints: $0.value.1, categories: categories[$0.key] ?? [])
        }

        var report = TraceReport(
            policy: r.policy, direction: r.direction, model: model, asset: asset, since: options.since,
            until: options.until, maxHops: options.maxHops, minAmount: minAmount,
            stopCategories: options.stopCategories, seeds: seeds,
            endpoints: r.endpoints.prefix(limit).map(describe), cuts: r.cuts.prefix(limit).map(describe),
            endpointCount: r.endpoints.count, cutCount: r.cuts.count,
            totals: TraceTotals(
                seeds: r.seedTotal, endpoints: r.endpointTotal, fees: r.fees,
                belowThreshold: r.belowThreshold,
                belowThresholdBranches: r.belowThresholdBranches, cutByLimits: r.cutTotal),
            byCategory: categoryGroups, byAddress: addressGroups,
            addressCount: byAddress.count, steps: r.steps, notes: notes)
        report.valuation = try valuation(store: store, asset: asset, since: options.since)
        return report
    }

    /// The asset's USD price on the day the trace's window starts (`--since`), else on the latest
    /// day with a price; nil without prices (`chainflow prices import`).
    static func valuation(store: any CaseReadStore, asset: TraceAsset, since: Int64?) throws
        -> TraceValuation?
    {
        let currency = "USD"
        // Imported prices only (currency ""): a trace of USD itself is not valued.
        guard
            let series = PriceSeries.lookup(
                try store.priceSeries(currency: currency), symbol: asset.symbol, contract: asset.contract,
                currency: ""),
            let last = series.days.last
        else { return nil }
        let time = since ?? last * 86_400
        guard let price = series.price(at: time) else { return nil }
        return TraceValuation(
            currency: currency, time: time / 86_400 * 86_400, price: price,
            basis: since == nil ? "latest price" : "--since")
    }
}
