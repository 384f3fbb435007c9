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
/// Transactions are visited in chain order (forward) or reverse chain order (backward) through
/// a heap, so each is handled once, after all the taint reaching it has arrived; the work is
/// proportional to the part of the graph the taint reaches, not to the graph.
///
/// A transaction with an input of unknown value (its spent output not in the store) cannot be
/// split exactly: the taint reaching it is reported as an `unknownInputs` endpoint.
public struct UTXOTracer {
    let g: UTXOTraceGraph
    let policy: TracePolicy
    let direction: TraceDirection
    let limits: TraceLimits
    let minAmount: UInt64

    // Coin state, by dense output index.
    var taint: [Int32: UInt64] = [:]
    var ranges: [Int32: TraceRanges<UInt64>] = [:]
    var hop: [Int32: Int32] = [:]
    /// Coins waiting for the transaction that spends (forward) or created (backward) them.
    var pending: Set<Int32> = []
    var seeds: [Int32: Int] = [:]
    var absorbed: [Int32: UInt64] = [:]
    /// The coin each visited transaction's route came through.
    var parentCoin: [Int32: Int32] = [:]
    var queued: Set<Int32> = []
    var heap = TraceHeap()
    var collector = TraceCollector()
    var result: TraceResult

    /// Traces `seeds` (dense output indexes; duplicates count once) through `graph`.
    public static func trace(
        _ graph: UTXOTraceGraph, seeds: [Int32], policy: TracePolicy, direction: TraceDirection,
        limits: TraceLimits
    ) -> TraceResult {
        var tracer = UTXOTracer(graph, policy: policy, direction: direction, limits: limits)
        return tracer.run(seeds)
    }

    init(_ graph: UTXOTraceGraph, policy: TracePolicy, direction: TraceDirection, limits: TraceLimits) {
        g = graph
        self.policy = policy
        self.direction = direction
        self.limits = limits
        minAmount = limits.minAmount.uint64 ?? .max
        result = TraceResult(policy: policy, direction: direction)
    }

    mutating func run(_ seedList: [Int32]) -> TraceResult {
        var unique: [Int32] = []
        for (k, c) in seedList.enumerated() where seeds[c] == nil {
            seeds[c] = k
            unique.append(c)
        }
        for c in unique {
            let v = UInt64(max(0, g.outputValue[Int(c)]))
            taint[c] = v
            if policy == .fifo { ranges[c] = TraceRanges(lower: 0, upper: v) }
            hop[c] = 0
            if v > 0 { deliver(c, seed: true) }
        }
        while let key = heap.pop() {
            let t = Int(direction == .forward ? key : -key)
            result.steps += 1
            if direction == .forward { forward(t) } else { backward(t) }
        }
        collector.finish(into: &result)
        result.seedAmounts = seedList.map { c in
            guard seeds[c] != nil else { return .zero }
            let v = UInt64(max(0, g.outputValue[Int(c)]))
            return UInt256(v - min(v, absorbed[c] ?? 0))
        }
        // A coin listed twice counts once.
        var counted = Set<Int32>()
        for (k, c) in seedList.enumerated() where !counted.insert(c).inserted {
            result.seedAmounts[k] = .zero
        }
        result.seedTotal = result.seedAmounts.reduce(.zero, +)
        return result
    }

    // MARK: Coins

    /// Decides what happens to a coin that just received taint (or demand).
    mutating func deliver(_ c: Int32, seed: Bool) {
        let amount = taint[c] ?? 0
        if !seed && amount < minAmount {
            result.belowThreshold = result.belowThreshold + UInt256(amount)
            result.belowThresholdBranches += 1
            return
        }
        let address = g.outputAddress[Int(c)]
        if !seed && address != 0 && limits.stops.contains(address) {
            record(.tagged, coin: c)
            return
        }
        let next: Int32
        if direction == .forward {
            let spender = g.outputSpender[Int(c)]
            guard spender >= 0 else {
                record(.unspent, coin: c)
                return
            }
            next = g.inputTx[Int(spender)]
        } else {
            next = g.outputTx[Int(c)]
        }
        pending.insert(c)
        if queued.insert(next).inserted {
            heap.push(direction == .forward ? Int64(next) : -Int64(next))
        }
    }

    mutating func record(_ kind: TraceEndpointKind, coin c: Int32) {
        let t = Int(g.outputTx[Int(c)])
        let id = g.firstOutputId[t] + Int64(Int(c) - Int(g.outputStart[t]))
        let h = Int(hop[c] ?? 0)
        let amount = UInt256(taint[c] ?? 0)
        let route = collector.wantsPath(kind, .output(id), amount: amount, hops: h) ? path(of: c) : nil
        collector.add(
            kind, .output(id), address: g.outputAddress[Int(c)], amount: amount, hops: h, path: route)
    }

    /// The route of coin `c`, from the seed's transaction on (see `TraceEndpoint.path`).
    func path(of c: Int32) -> [Int64] {
        var out: [Int64] = []
        if direction == .forward {
            var x = c
            while true {
                let t = g.outputTx[Int(x)]
                out.append(g.txIds[Int(t)])
                if seeds[x] != nil { break }
                guard let p = parentCoin[t] else { break }
                x = p
            }
        } else {
            // The transactions that demanded the coin, back to the seed's.
            var x = c
            while seeds[x] == nil {
                let spender = g.outputSpender[Int(x)]
                guard spender >= 0 else { break }
                let t = g.inputTx[Int(spender)]
                out.append(g.txIds[Int(t)])
                guard let p = parentCoin[t] else { break }
                x = p
            }
        }
        out.reverse()
        return out
    }

    /// The route through transaction `t`: the route of the coin it came through, then `t`.
    func path(through t: Int32) -> [Int64] {
        guard let p = parentCoin[t] else { return [g.txIds[Int(t)]] }
        return path(of: p) + [g.txIds[Int(t)]]
    }

    /// The coins of transaction `t` waiting for it, and the hop and route they arrive with.
    mutating func arrivals(_ coins: Range<Int>, spent: Bool) -> (coins: [Int32], hop: Int32, parent: Int32)? {
        var list: [Int32] = []
        var best: Int32 = -1
        var bestHop = Int32.max
        var bestAmount: UInt64 = 0
        for k in coins {
            let c = spent ? g.inputSpent[k] : Int32(k)
            guard c >= 0, pending.remove(c) != nil else { continue }
            list.append(c)
            let h = hop[c] ?? 0
            let a = taint[c] ?? 0
            if h < bestHop || (h == bestHop && a > bestAmount) {
                best = c
                bestHop = h
                bestAmount = a
            }
        }
        return list.isEmpty ? nil : (list, bestHop, best)
    }

    // MARK: Forward

    mutating func forward(_ t: Int) {
        let ins = g.inputs(of: t)
        guard let (coins, minHop, parent) = arrivals(ins, spent: true) else { return }
        let tx = Int32(t)
        parentCoin[tx] = parent
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
        var parts: [UInt64]
        var feePart: UInt64
        var partRanges: [TraceRanges<UInt64>] = []
        switch policy {
        case .poison:
            parts = outs.map { UInt64(max(0, g.outputValue[$0])) }
            feePart = fee
        case .haircut:
            var tainted: UInt64 = 0
            for c in coins { tainted += taint[c] ?? 0 }
            var weights = outs.map { UInt64(max(0, g.outputValue[$0])) }
            weights.append(fee)
            parts = TraceShares.split(min(tainted, inputTotal), weights: weights, total: inputTotal)
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
            parts = []
            var start: UInt64 = 0
            for o in outs {
                let v = UInt64(max(0, g.outputValue[o]))
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
            if seeds[c] != nil {
                absorbed[c, default: 0] += parts[k]
                continue
            }
            taint[c] = parts[k]
            if policy == .fifo { ranges[c] = partRanges[k] }
            hop[c] = h
            deliver(c, seed: false)
        }
    }

    // MARK: Backward

    mutating func backward(_ t: Int) {
        let outs = g.outputs(of: t)
        guard let (coins, minHop, parent) = arrivals(outs, spent: false) else { return }
        let tx = Int32(t)
        parentCoin[tx] = parent
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
        var parts: [UInt64]
        var partRanges: [TraceRanges<UInt64>] = []
        switch policy {
        case .poison:
            parts = ins.map { UInt64(g.inputValue[$0]) }
        case .haircut:
            var demanded: UInt64 = 0
            for c in coins { demanded += taint[c] ?? 0 }
            parts = TraceShares.split(
                min(demanded, inputTotal), weights: ins.map { UInt64(g.inputValue[$0]) }, total: inputTotal)
        case .fifo:
            // Outputs end to end; each demanded coin's units moved to its output's place.
            var line = TraceRanges<UInt64>()
            var offset: UInt64 = 0
            for o in outs {
                let v = UInt64(max(0, g.outputValue[o]))
                if let r = ranges[Int32(o)], coins.contains(Int32(o)) {
                    line = line.union(r.slice(0, v, to: offset))
                }
                offset += v
            }
            parts = []
            var start: UInt64 = 0
            for i in ins {
                let v = UInt64(g.inputValue[i])
                let r = line.slice(start, start + v, to: 0)
                partRanges.append(r)
                parts.append(r.measure)
                start += v
            }
        }
        for (k, i) in ins.enumerated() where parts[k] > 0 {
            let c = g.inputSpent[i]
            guard c >= 0 else {
                let inputId = g.firstInputId[t] + Int64(k)
                collector.add(
                    .unknownSource, .input(inputId), address: g.inputAddress[i], amount: UInt256(parts[k]),
                    hops: Int(h), path: path(through: tx))
                continue
            }
            if seeds[c] != nil {
                absorbed[c, default: 0] += parts[k]
                continue
            }
            taint[c] = parts[k]
            if policy == .fifo { ranges[c] = partRanges[k] }
            hop[c] = h
            deliver(c, seed: false)
        }
    }
}
