public import FlowModel

/// Transaction-level taint tracing on a UTXO graph (Bitcoin).
///
/// Seeds are coins (outputs). **Forward**, a coin's taint enters the transaction that spends
/// it; the transaction passes it to its outputs and its fee by the policy (`TracePolicy`):
/// poison taints every output fully; haircut gives each output and the fee
/// `taint × value / inputs` (largest-remainder rounding, so the parts add up exactly); FIFO lays
/// the inputs end to end in their order, the outputs and then the fee likewise, and each output
/// carries the tainted units its range overlaps (Anderson et al., "Bitcoin Redux", WEIS 2018).
/// **Backward**, a coin's value is attributed to the inputs of the transaction that created it
/// by the same rules read the other way (haircut: in proportion to the input values; FIFO: the
/// input units its range overlaps), until a coinbase, a coin outside the store, a stop address or
/// a limit.
///
/// Transactions are visited in chain order (forward) or reverse chain order (backward), each
/// once, after all the taint reaching it has arrived: a bitset of queued transactions is
/// scanned in one direction, so the work is proportional to the part of the graph the taint
/// reaches. State lives in dense arrays over the graph's indexes.
///
/// A transaction with an input of unknown value (its spent output not in the store) cannot be
/// split exactly: the taint reaching it is reported as an `unknownInputs` endpoint.
public struct UTXOTracer {
    let g: UTXOTraceGraph
    let policy: TracePolicy
    let direction: TraceDirection
    let limits: TraceLimits
    let minAmount: UInt64
    let checkStops: Bool

    /// A coin's trace state: its taint (or demand), hop, and flags (bit 0: waiting for the
    /// transaction that spends (forward) or created (backward) it; bit 1: a seed). One array of
    /// these, by dense output index, so a coin costs one memory access.
    struct Coin {
        var taint: UInt64 = 0
        var hop: Int32 = 0
        var flags: UInt8 = 0
    }
    let coin: TraceZeroedBuffer<Coin>
    var ranges: [Int32: TraceRanges<UInt64>] = [:]
    var absorbed: [Int32: UInt64] = [:]
    /// The coin each visited transaction's route came through, plus one (0: none).
    let parentCoin: TraceZeroedBuffer<Int32>
    /// Queued transactions (bitset), scanned from `cursor` on in the trace's direction.
    var queued: [UInt64]
    var cursor: Int
    /// Transactions queued behind the cursor (only if the chain order were not topological).
    var late = TraceHeap()

    // Ends, as flat records; named and sorted at the end.
    var endKind: [TraceEndpointKind] = []
    /// Coin index, or `-1 - input` for an input whose spent output is not stored.
    var endAt: [Int32] = []
    var endAmount: [UInt64] = []
    var endHop: [Int32] = []
    /// For inputs: the transaction the route went through.
    var endTx: [Int32] = []
    var result: TraceResult

    // Scratch buffers, reused per transaction.
    var coins: [Int32] = []
    var weights: [UInt64] = []
    var parts: [UInt64] = []
    var remainders: [(remainder: UInt64, index: Int)] = []

    /// Traces `seeds` (dense output indexes; duplicates count once) through `graph`. Routes are
    /// computed for the largest `paths` endpoints and cuts (all by default).
    public static func trace(
        _ graph: UTXOTraceGraph, seeds: [Int32], policy: TracePolicy, direction: TraceDirection,
        limits: TraceLimits, paths: Int = .max
    ) -> TraceResult {
        var tracer = UTXOTracer(graph, policy: policy, direction: direction, limits: limits)
        return tracer.run(seeds, paths: paths)
    }

    init(_ graph: UTXOTraceGraph, policy: TracePolicy, direction: TraceDirection, limits: TraceLimits) {
        g = graph
        self.policy = policy
        self.direction = direction
        self.limits = limits
        minAmount = limits.minAmount.uint64 ?? .max
        checkStops = !limits.stops.isEmpty
        coin = TraceZeroedBuffer<Coin>(count: graph.outputCount)
        parentCoin = TraceZeroedBuffer<Int32>(count: graph.transactionCount)
        queued = [UInt64](repeating: 0, count: (graph.transactionCount + 63) / 64)
        cursor = direction == .forward ? 0 : graph.transactionCount - 1
        result = TraceResult(policy: policy, direction: direction)
    }

    mutating func run(_ seedList: [Int32], paths: Int) -> TraceResult {
        var unique: [Int32] = []
        for c in seedList where coin[Int(c)].flags & 2 == 0 {
            coin[Int(c)].flags |= 2
            unique.append(c)
        }
        for c in unique {
            let v = UInt64(max(0, g.outputValue[Int(c)]))
            coin[Int(c)].taint = v
            if policy == .fifo { ranges[c] = TraceRanges(lower: 0, upper: v) }
            if v > 0 { deliver(c, seed: true) }
        }
        while let t = next() {
            result.steps += 1
            if direction == .forward { forward(t) } else { backward(t) }
        }
        finish(paths: paths)
        var counted = Set<Int32>()
        result.seedAmounts = seedList.map { c in
            guard counted.insert(c).inserted else { return .zero }
            let v = UInt64(max(0, g.outputValue[Int(c)]))
            return UInt256(v - min(v, absorbed[c] ?? 0))
        }
        result.seedTotal = result.seedAmounts.reduce(.zero, +)
        return result
    }

    // MARK: Queue

    mutating func enqueue(_ t: Int32) {
        let k = Int(t)
        let bit: UInt64 = 1 << UInt64(k & 63)
        if queued[k >> 6] & bit != 0 { return }
        queued[k >> 6] |= bit
        let behind = direction == .forward ? k < cursor : k > cursor
        if behind { late.push(direction == .forward ? Int64(k) : -Int64(k)) }
    }

    /// The next queued transaction in the trace's direction.
    mutating func next() -> Int? {
        if let key = late.pop() { return Int(direction == .forward ? key : -key) }
        let words = queued.count
        if direction == .forward {
            while cursor < g.transactionCount {
                var w = cursor >> 6
                var bits = w < words ? queued[w] & (~0 << UInt64(cursor & 63)) : 0
                while bits == 0 {
                    w += 1
                    guard w < words else {
                        cursor = g.transactionCount
                        return nil
                    }
                    bits = queued[w]
                }
                let t = w << 6 + bits.trailingZeroBitCount
                queued[w] &= ~(1 << UInt64(t & 63))
                cursor = t
                return t
            }
        } else {
            while cursor >= 0 {
                var w = cursor >> 6
                let keep: UInt64 = cursor & 63 == 63 ? ~0 : (1 << UInt64(cursor & 63 + 1)) - 1
                var bits = queued[w] & keep
                while bits == 0 {
                    w -= 1
                    guard w >= 0 else {
                        cursor = -1
                        return nil
                    }
                    bits = queued[w]
                }
                let t = w << 6 + 63 - bits.leadingZeroBitCount
                queued[w] &= ~(1 << UInt64(t & 63))
                cursor = t
                return t
            }
        }
        return nil
    }

    // MARK: Coins

    /// Decides what happens to a coin that just received taint (or demand).
    @inline(__always)
    mutating func deliver(_ c: Int32, seed: Bool) {
        let k = Int(c)
        let amount = coin[k].taint
        if !seed && amount < minAmount {
            result.belowThreshold = result.belowThreshold + UInt256(amount)
            result.belowThresholdBranches += 1
            return
        }
        if checkStops && !seed {
            let address = g.outputAddress[k]
            if address != 0 && limits.stops.contains(address) {
                record(.tagged, coin: c)
                return
            }
        }
        let next: Int32
        if direction == .forward {
            next = g.outputSpenderTx[k]
            guard next >= 0 else {
                record(.unspent, coin: c)
                return
            }
        } else {
            next = g.outputTx[k]
        }
        coin[k].flags |= 1
        enqueue(next)
    }

    @inline(__always)
    mutating func record(_ kind: TraceEndpointKind, coin c: Int32) {
        endKind.append(kind)
        endAt.append(c)
        endAmount.append(coin[Int(c)].taint)
        endHop.append(coin[Int(c)].hop)
        endTx.append(-1)
    }

    /// The route of coin `c`, from the seed's transaction on (see `TraceEndpoint.path`).
    func path(of c: Int32) -> [Int64] {
        var out: [Int64] = []
        var x = Int(c)
        if direction == .forward {
            while true {
                let t = Int(g.outputTx[x])
                out.append(g.txIds[t])
                if coin[x].flags & 2 != 0 || parentCoin[t] == 0 { break }
                x = Int(parentCoin[t] - 1)
            }
        } else {
            // The transactions that demanded the coin, back to the seed's.
            while coin[x].flags & 2 == 0 {
                let spender = g.outputSpenderTx[x]
                guard spender >= 0 else { break }
                let t = Int(spender)
                out.append(g.txIds[t])
                guard parentCoin[t] > 0 else { break }
                x = Int(parentCoin[t] - 1)
            }
        }
        out.reverse()
        return out
    }

    /// Sorts the ends (largest amount first, then kind, then location) and names the first
    /// `paths` of endpoints and of cuts with their routes.
    mutating func finish(paths: Int) {
        func location(_ k: Int) -> TraceLocation {
            let at = endAt[k]
            if at >= 0 {
                let t = Int(g.outputTx[Int(at)])
                return .output(g.firstOutputId[t] + Int64(Int(at) - Int(g.outputStart[t])))
            }
            let i = Int(-1 - at)
            let t = Int(g.inputTx[i])
            return .input(g.firstInputId[t] + Int64(i - Int(g.inputStart[t])))
        }
        var order = Array(0..<endKind.count)
        let locations = order.map(location)
        order.sort { a, b in
            if endAmount[a] != endAmount[b] { return endAmount[a] > endAmount[b] }
            if endKind[a] != endKind[b] { return endKind[a] < endKind[b] }
            return locations[a] < locations[b]
        }
        var endpoints: [TraceEndpoint] = []
        var cuts: [TraceEndpoint] = []
        for k in order {
            let isCut = endKind[k].isCut
            let listed = isCut ? cuts.count : endpoints.count
            var route: [Int64] = []
            if listed < paths {
                let at = endAt[k]
                if at >= 0 {
                    route = path(of: at)
                } else {
                    let t = Int(endTx[k])
                    route = (parentCoin[t] > 0 ? path(of: parentCoin[t] - 1) : []) + [g.txIds[t]]
                }
            }
            let address = endAt[k] >= 0 ? g.outputAddress[Int(endAt[k])] : g.inputAddress[Int(-1 - endAt[k])]
            // The block time of the transaction that created the coin, or that has the input.
            let t = endAt[k] >= 0 ? g.outputTx[Int(endAt[k])] : g.inputTx[Int(-1 - endAt[k])]
            let e = TraceEndpoint(
                kind: endKind[k], location: locations[k], address: address, amount: UInt256(endAmount[k]),
                hops: Int(endHop[k]), path: route, time: g.time[Int(t)])
            if isCut { cuts.append(e) } else { endpoints.append(e) }
        }
        result.endpoints = endpoints
        result.cuts = cuts
    }

    /// The coins of transaction `t` waiting for it; returns the hop and the coin of the route.
    mutating func arrivals(_ range: Range<Int>, spent: Bool) -> (hop: Int32, parent: Int32)? {
        coins.removeAll(keepingCapacity: true)
        var best: Int32 = -1
        var bestHop = Int32.max
        var bestAmount: UInt64 = 0
        for k in range {
            let c = spent ? g.inputSpent[k] : Int32(k)
            guard c >= 0, coin[Int(c)].flags & 1 != 0 else { continue }
            coin[Int(c)].flags &= ~1
            coins.append(c)
            let h = coin[Int(c)].hop
            let a = coin[Int(c)].taint
            if h < bestHop || (h == bestHop && a > bestAmount) {
                best = c
                bestHop = h
                bestAmount = a
            }
        }
        return coins.isEmpty ? nil : (bestHop, best)
    }

    /// `parts` = `amount` split over `weights` (sum `total`), largest remainder.
    mutating func splitParts(_ amount: UInt64, total: UInt64) {
        parts.removeAll(keepingCapacity: true)
        remainders.removeAll(keepingCapacity: true)
        if amount == total {
            // Fully tainted: every part is its weight.
            parts.append(contentsOf: weights)
            return
        }
        var given: UInt64 = 0
        for (i, w) in weights.enumerated() {
            if w == 0 || amount == 0 {
                parts.append(0)
                continue
            }
            let product = amount.multipliedFullWidth(by: w)
            // A 64-bit division when the product fits (one instruction, not a 128-bit routine).
            let (q, r) =
                product.high == 0
                ? product.low.quotientAndRemainder(dividingBy: total) : total.dividingFullWidth(product)
            parts.append(q)
            given += q
            if r != 0 { remainders.append((r, i)) }
        }
        var left = amount - given
        if left == 0 { return }
        remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
        var k = 0
        while left > 0 && k < remainders.count {
            parts[remainders[k].index] += 1
            left -= 1
            k += 1
        }
    }

    // MARK: Forward

    mutating func forward(_ t: Int) {
        let ins = g.inputs(of: t)
        guard let (minHop, parent) = arrivals(ins, spent: true) else { return }
        parentCoin[t] = parent + 1
        let h = minHop + 1
        if Int(h) > limits.maxHops {
            for c in coins { record(.hopLimit, coin: c) }
            return
        }
        if let until = limits.until, g.time[t] > until {
            for c in coins { record(.timeLimit, coin: c) }
            return
        }
        var inputTotal: UInt64 = 0
        for i in ins {
            guard g.inputValue[i] >= 0 else {
                for c in coins { record(.unknownInputs, coin: c) }
                return
            }
            inputTotal += UInt64(g.inputValue[i])
        }
        let outs = g.outputs(of: t)
        var outputTotal: UInt64 = 0
        for o in outs { outputTotal += UInt64(max(0, g.outputValue[o])) }
        guard outputTotal <= inputTotal else {
            for c in coins { record(.unknownInputs, coin: c) }
            return
        }
        let fee = inputTotal - outputTotal
        var feePart: UInt64
        var partRanges: [TraceRanges<UInt64>] = []
        weights.removeAll(keepingCapacity: true)
        for o in outs { weights.append(UInt64(max(0, g.outputValue[o]))) }
        switch policy {
        case .poison:
            parts = weights
            feePart = fee
        case .haircut:
            var tainted: UInt64 = 0
            for c in coins { tainted += coin[Int(c)].taint }
            weights.append(fee)
            splitParts(min(tainted, inputTotal), total: inputTotal)
            feePart = parts.removeLast()
        case .fifo:
            // Inputs end to end; each coin's tainted units moved to its input's place.
            var line = TraceRanges<UInt64>()
            var offset: UInt64 = 0
            for i in ins {
                let v = UInt64(g.inputValue[i])
                let c = g.inputSpent[i]
                if c >= 0, coins.contains(c), let r = ranges[c] {
                    line = line.union(r.slice(0, v, to: offset))
                }
                offset += v
            }
            parts.removeAll(keepingCapacity: true)
            var start: UInt64 = 0
            for v in weights {
                let r = line.slice(start, start + v, to: 0)
                partRanges.append(r)
                parts.append(r.measure)
                start += v
            }
            feePart = line.slice(outputTotal, inputTotal, to: 0).measure
        }
        result.fees = result.fees + UInt256(feePart)
        for (k, o) in outs.enumerated() where parts[k] > 0 {
            let c = Int32(o)
            if coin[o].flags & 2 != 0 {
                if policy != .poison { absorbed[c, default: 0] += parts[k] }
                continue
            }
            coin[o].taint = parts[k]
            if policy == .fifo { ranges[c] = partRanges[k] }
            coin[o].hop = h
            deliver(c, seed: false)
        }
    }

    // MARK: Backward

    mutating func backward(_ t: Int) {
        let outs = g.outputs(of: t)
        guard let (minHop, parent) = arrivals(outs, spent: false) else { return }
        parentCoin[t] = parent + 1
        if g.coinbase[t] {
            for c in coins { record(.coinbase, coin: c) }
            return
        }
        let h = minHop + 1
        if Int(h) > limits.maxHops {
            for c in coins { record(.hopLimit, coin: c) }
            return
        }
        if let since = limits.since, g.time[t] < since {
            for c in coins { record(.timeLimit, coin: c) }
            return
        }
        let ins = g.inputs(of: t)
        var inputTotal: UInt64 = 0
        for i in ins {
            guard g.inputValue[i] >= 0 else {
                for c in coins { record(.unknownInputs, coin: c) }
                return
            }
            inputTotal += UInt64(g.inputValue[i])
        }
        var outputTotal: UInt64 = 0
        for o in outs { outputTotal += UInt64(max(0, g.outputValue[o])) }
        guard outputTotal <= inputTotal, inputTotal > 0 else {
            for c in coins { record(.unknownInputs, coin: c) }
            return
        }
        var partRanges: [TraceRanges<UInt64>] = []
        weights.removeAll(keepingCapacity: true)
        for i in ins { weights.append(UInt64(g.inputValue[i])) }
        switch policy {
        case .poison:
            parts = weights
        case .haircut:
            var demanded: UInt64 = 0
            for c in coins { demanded += coin[Int(c)].taint }
            splitParts(min(demanded, inputTotal), total: inputTotal)
        case .fifo:
            // Outputs end to end; each demanded coin's units moved to its output's place.
            var line = TraceRanges<UInt64>()
            var offset: UInt64 = 0
            for o in outs {
                let v = UInt64(max(0, g.outputValue[o]))
                if coins.contains(Int32(o)), let r = ranges[Int32(o)] {
                    line = line.union(r.slice(0, v, to: offset))
                }
                offset += v
            }
            parts.removeAll(keepingCapacity: true)
            var start: UInt64 = 0
            for v in weights {
                let r = line.slice(start, start + v, to: 0)
                partRanges.append(r)
                parts.append(r.measure)
                start += v
            }
        }
        for (k, i) in ins.enumerated() where parts[k] > 0 {
            let c = g.inputSpent[i]
            guard c >= 0 else {
                endKind.append(.unknownSource)
                endAt.append(Int32(-1 - i))
                endAmount.append(parts[k])
                endHop.append(h)
                endTx.append(Int32(t))
                continue
            }
            if coin[Int(c)].flags & 2 != 0 {
                if policy != .poison { absorbed[c, default: 0] += parts[k] }
                continue
            }
            coin[Int(c)].taint = parts[k]
            if policy == .fifo { ranges[c] = partRanges[k] }
            coin[Int(c)].hop = h
            deliver(c, seed: false)
        }
    }
}
