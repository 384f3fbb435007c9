public import FlowModel

/// Taint traced across assets through conversions (`trace --through-conversions`): value that
/// reaches a conversion's input leg (forward: the transfer paying the pool; backward: the pool's
/// payment out) leaves its asset as a `converted` endpoint and continues in the other asset from
/// the conversion's other leg, at the conversion's executed rate.
///
/// **Rate and rounding.** A conversion's legs are the transfers the trace follows: the pool
/// received `in` units (the in-leg's amount) and paid `out` (the out-leg's). Traced value `t`
/// reaching the in-leg (summed over the routes that reach it in one round) continues as
/// `floor(t × out / in)` units of the other asset on the out-leg (backward: `floor(t × in / out)`
/// on the in-leg), computed exactly in 512-bit arithmetic; the fraction below one base unit is not
/// carried (at most one unit per conversion and round). Where the transfers show the event's
/// amounts (all but fee-on-transfer tokens and donations, docs/defi.md), the rate is the event's.
/// A conversion whose other leg is not stored (an unwrap's ether payment without a traces export)
/// ends there: its value stays a `converted` endpoint.
///
/// **Per asset**, each asset's result conserves value exactly (haircut and FIFO): its seeds (the
/// user's, or what conversions brought in) = endpoints (the `converted` ones included) + fees +
/// below threshold + cuts. Each asset is traced with the account tracer (`AccountTracer`) in rounds:
/// the seeds of one round in an asset are traced together; what reaches conversions becomes the
/// next round's seeds in the other assets. Haircut and FIFO are additive over seeds, so rounds
/// add up to one trace of all of them but for the floor rounding each round does; poison is
/// traced per round (a second round does not re-poison what the first reached). A conversion hop
/// counts as one hop: the continued value starts at the hop count of the leg it reached plus
/// one, with its route before it, and stops at the hop limit like any other.
public enum CrossAssetTrace {
    /// One asset's part of the trace.
    public struct AssetTrace: Sendable, Equatable {
        public var asset: Int64
        public var result: TraceResult
        /// The conversions value left this asset by (`inbound` false) or entered it by (true).
        public var flows: [ConversionFlow]
    }

    /// Value that went through one conversion in one round.
    public struct ConversionFlow: Sendable, Equatable {
        /// The conversion's index in the `links` given.
        public var link: Int
        /// Traced units that reached the conversion, in its input asset (forward) or demanded of
        /// it, in its output asset (backward).
        public var reached: UInt256
        /// Units that continued in the other asset.
        public var continued: UInt256
        /// Whether the continued value was traced (the other leg is in the store).
        public var followed: Bool
        public var hops: Int
    }

    /// Traces `seeds` (positions in the graph of `asset`) through `links`; `graph(asset)` loads
    /// an asset's graph (called once per asset reached). Assets in the order first reached.
    public static func trace(
        asset: Int64, seeds: [Int32], links: [ConversionLink], policy: TracePolicy, direction: TraceDirection,
        limits: (Int64) -> TraceLimits, graph: (Int64) throws -> AccountTraceGraph
    ) rethrows -> [AssetTrace] {
        var graphs: [Int64: AccountTraceGraph] = [:]
        var positions: [Int64: [Int64: Int]] = [:]
        var order: [Int64] = []
        var traces: [Int64: AssetTrace] = [:]

        func load(_ a: Int64) throws -> AccountTraceGraph {
            if let g = graphs[a] { return g }
            let g = try graph(a)
            graphs[a] = g
            var wanted = Set<Int64>()
            for l in links {
                if l.assetIn == a, let t = l.inTransfer { wanted.insert(t) }
                if l.assetOut == a, let t = l.outTransfer { wanted.insert(t) }
            }
            positions[a] = g.positions(ofTransfers: wanted)
            return g
        }

        var pending: [Int64: [AccountSeed]] = [:]
        let g0 = try load(asset)
        pending[asset] = seeds.map { AccountSeed(position: $0, amount: g0.amount[Int($0)]) }
        var round = 0
        let maxRounds = limits(asset).maxHops + 1
        while !pending.isEmpty && round < maxRounds {
            round += 1
            var next: [Int64: [AccountSeed]] = [:]
            for a in pending.keys.sorted(by: { firstSeen(order, $0) < firstSeen(order, $1) }) {
                guard let roundSeeds = pending[a], !roundSeeds.isEmpty else { continue }
                if !order.contains(a) { order.append(a) }
                let g = try load(a)
                let pos = positions[a] ?? [:]
                // The legs where value leaves this asset.
                var legs: [Int32: Int] = [:]
                for (i, l) in links.enumerated() {
                    let leg =
                        direction == .forward
                        ? (l.assetIn == a ? l.inTransfer : nil) : (l.assetOut == a ? l.outTransfer : nil)
                    if let t = leg, let p = pos[t] { legs[Int32(p)] = i }
                }
                let r = AccountTracer.trace(
                    g, seeds: roundSeeds, policy: policy, direction: direction, limits: limits(a),
                    conversions: ConversionLegs(legs: legs, follow: true))
                var trace =
                    traces[a]
                    ?? AssetTrace(
                        asset: a, result: TraceResult(policy: policy, direction: direction), flows: [])
                trace.result = merged(trace.result, r)
                // What reached each conversion this round, then its continuation.
                var reached: [Int: (amount: UInt256, hit: ConversionHit)] = [:]
                for h in r.conversionHits {
                    if let (sum, best) = reached[h.link] {
                        reached[h.link] = (sum + h.amount, h.hops < best.hops ? h : best)
                    } else {
                        reached[h.link] = (h.amount, h)
                    }
                }
                for (i, (amount, hit)) in reached.sorted(by: { $0.key < $1.key }) {
                    let l = links[i]
                    let (from, to) =
                        direction == .forward ? (l.inAmount, l.outAmount) : (l.outAmount, l.inAmount)
                    let other = direction == .forward ? l.assetOut : l.assetIn
                    let otherLeg = direction == .forward ? l.outTransfer : l.inTransfer
                    let continued =
                        from == .zero ? .zero : (UInt256.multiplyDivide(amount, to, from)?.quotient ?? .zero)
                    var followed = false
                    if let t = otherLeg, continued != .zero, hit.hops + 1 <= limits(other).maxHops {
                        let og = try load(other)
                        if let p = positions[other]?[t] {
                            next[other, default: []].append(
                                AccountSeed(
                                    position: Int32(p), amount: min(continued, og.amount[p]),
                                    hops: hit.hops + 1, prefix: hit.path))
                            followed = true
                        }
                    }
                    let flow = ConversionFlow(
                        link: i, reached: amount, continued: continued, followed: followed, hops: hit.hops)
                    trace.flows.append(flow)
                    if followed {
                        var o =
                            traces[other]
                            ?? AssetTrace(
                                asset: other, result: TraceResult(policy: policy, direction: direction),
                                flows: [])
                        o.flows.append(flow)
                        traces[other] = o
                        if !order.contains(other) { order.append(other) }
                    }
                }
                traces[a] = trace
            }
            pending = next
        }
        return order.compactMap { traces[$0] }
    }

    static func firstSeen(_ order: [Int64], _ a: Int64) -> Int { order.firstIndex(of: a) ?? Int.max }

    /// Two traces of the same asset as one: endpoints and cuts of the same kind and place summed
    /// (the route of the fewer hops kept, then the larger amount), the totals summed.
    static func merged(_ a: TraceResult, _ b: TraceResult) -> TraceResult {
        var out = a
        out.endpoints = mergedEndpoints(a.endpoints, b.endpoints)
        out.cuts = mergedEndpoints(a.cuts, b.cuts)
        out.seedAmounts = a.seedAmounts + b.seedAmounts
        out.seedTotal = a.seedTotal + b.seedTotal
        out.fees = a.fees + b.fees
        out.belowThreshold = a.belowThreshold + b.belowThreshold
        out.belowThresholdBranches = a.belowThresholdBranches + b.belowThresholdBranches
        out.steps = a.steps + b.steps
        out.conversionHits = a.conversionHits + b.conversionHits
        return out
    }

    static func mergedEndpoints(_ a: [TraceEndpoint], _ b: [TraceEndpoint]) -> [TraceEndpoint] {
        var byKey: [String: TraceEndpoint] = [:]
        var keys: [String] = []
        for e in a + b {
            let key = "\(e.kind.rawValue)|\(e.location)"
            guard var x = byKey[key] else {
                byKey[key] = e
                keys.append(key)
                continue
            }
            let better = e.hops < x.hops || (e.hops == x.hops && e.amount > x.amount)
            x.amount = x.amount + e.amount
            if better {
                x.hops = e.hops
                x.path = e.path
            }
            x.time = [x.time, e.time].compactMap { $0 }.min()
            x.lastTime = [x.lastTime, e.lastTime].compactMap { $0 }.max()
            byKey[key] = x
        }
        return keys.compactMap { byKey[$0] }.sorted {
            if $0.amount != $1.amount { return $0.amount > $1.amount }
            if $0.kind != $1.kind { return $0.kind < $1.kind }
            return $0.location < $1.location
        }
    }
}
