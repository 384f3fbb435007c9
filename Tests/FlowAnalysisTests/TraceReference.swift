import FlowModel

@testable import FlowAnalysis

/// Naive reference tracers: the same rules as `UTXOTracer` and `AccountTracer`, written the
/// plain way — every transaction of the graph visited in chain order (or reverse), every
/// address's balance replayed from the first transfer, dense arrays, no heap, no lazy
/// activation — so that agreement on random graphs checks the fast tracers' bookkeeping.
enum ReferenceTracer {
    // MARK: UTXO

    static func utxo(
        _ g: UTXOTraceGraph, seeds seedList: [Int32], policy: TracePolicy, direction: TraceDirection,
        limits: TraceLimits
    ) -> TraceResult {
        var result = TraceResult(policy: policy, direction: direction)
        var collector = TraceCollector()
        let n = g.outputCount
        var taint = [UInt64](repeating: 0, count: n)
        var ranges = [TraceRanges<UInt64>](repeating: TraceRanges(), count: n)
        var hop = [Int32](repeating: 0, count: n)
        var waiting = [Bool](repeating: false, count: n)
        var isSeed = [Bool](repeating: false, count: n)
        var absorbed = [UInt64](repeating: 0, count: n)
        var parentCoin = [Int32](repeating: -1, count: g.transactionCount)
        let minAmount = limits.minAmount.uint64 ?? .max
        let forward = direction == .forward

        func path(_ c: Int) -> [Int64] {
            var out: [Int64] = []
            var x = c
            if forward {
                while true {
                    let t = Int(g.outputTx[x])
                    out.append(g.txIds[t])
                    if isSeed[x] || parentCoin[t] < 0 { break }
                    x = Int(parentCoin[t])
                }
            } else {
                while !isSeed[x] {
                    let s = g.outputSpender[x]
                    if s < 0 { break }
                    let t = Int(g.inputTx[Int(s)])
                    out.append(g.txIds[t])
                    if parentCoin[t] < 0 { break }
                    x = Int(parentCoin[t])
                }
            }
            return out.reversed()
        }
        func record(_ kind: TraceEndpointKind, _ c: Int) {
            let t = Int(g.outputTx[c])
            let id = g.firstOutputId[t] + Int64(c - Int(g.outputStart[t]))
            collector.add(
                kind, .output(id), address: g.outputAddress[c], amount: UInt256(taint[c]), hops: Int(hop[c]),
                path: path(c), time: g.time[t])
        }
        func settle(_ c: Int, seed: Bool) {
            if !seed && taint[c] < minAmount {
                result.belowThreshold = result.belowThreshold + UInt256(taint[c])
                result.belowThresholdBranches += 1
                return
            }
            let a = g.outputAddress[c]
            if !seed && a != 0 && limits.stops.contains(a) {
                record(.tagged, c)
                return
            }
            if forward && g.outputSpender[c] < 0 {
                record(.unspent, c)
                return
            }
            waiting[c] = true
        }

        var seen = Set<Int32>()
        for c in seedList where seen.insert(c).inserted {
            let k = Int(c)
            isSeed[k] = true
            taint[k] = UInt64(max(0, g.outputValue[k]))
            ranges[k] = TraceRanges(lower: 0, upper: taint[k])
            if taint[k] > 0 { settle(k, seed: true) }
        }
        let order = forward ? Array(0..<g.transactionCount) : Array((0..<g.transactionCount).reversed())
        for t in order {
            let ins = g.inputs(of: t)
            let outs = g.outputs(of: t)
            // The coins arriving: spent inputs forward, created outputs backward.
            var coins: [Int] = []
            let candidates = forward ? ins.map { Int(g.inputSpent[$0]) } : Array(outs)
            for c in candidates where c >= 0 && waiting[c] {
                waiting[c] = false
                coins.append(c)
            }
            if coins.isEmpty { continue }
            result.steps += 1
            var best = coins[0]
            for c in coins.dropFirst()
            where hop[c] < hop[best] || (hop[c] == hop[best] && taint[c] > taint[best]) {
                best = c
            }
            parentCoin[t] = Int32(best)
            let h = hop[best] + 1
            if !forward && g.coinbase[t] {
                for c in coins { record(.coinbase, c) }
                continue
            }
            if Int(h) > limits.maxHops {
                for c in coins { record(.hopLimit, c) }
                continue
            }
            if forward, let until = limits.until, g.time[t] > until {
                for c in coins { record(.timeLimit, c) }
                continue
            }
            if !forward, let since = limits.since, g.time[t] < since {
                for c in coins { record(.timeLimit, c) }
                continue
            }
            if ins.contains(where: { g.inputValue[$0] < 0 }) {
                for c in coins { record(.unknownInputs, c) }
                continue
            }
            let inputValues = ins.map { UInt64(g.inputValue[$0]) }
            let outputValues = outs.map { UInt64(max(0, g.outputValue[$0])) }
            let inputTotal = inputValues.reduce(0, +)
            let outputTotal = outputValues.reduce(0, +)
            if outputTotal > inputTotal || (!forward && inputTotal == 0) {
                for c in coins { record(.unknownInputs, c) }
                continue
            }
            let fee = inputTotal - outputTotal
            // Sources laid out on the "in" side, destinations on the "out" side.
            let sourceValues = forward ? inputValues : outputValues
            let sourceCoins: [Int] = forward ? ins.map { Int(g.inputSpent[$0]) } : Array(outs)
            var destValues = forward ? outputValues + [fee] : inputValues
            var parts: [UInt64] = []
            var partRanges: [TraceRanges<UInt64>] = []
            switch policy {
            case .poison:
                parts = destValues
            case .haircut:
                let tainted = coins.reduce(UInt64(0)) { $0 + taint[$1] }
                parts = TraceShares.split(min(tainted, inputTotal), weights: destValues, total: inputTotal)
            case .fifo:
                // Unit positions, one by one, for small values; ranges otherwise.
                var line = TraceRanges<UInt64>()
                var offset: UInt64 = 0
                for (k, v) in sourceValues.enumerated() {
                    let c = sourceCoins[k]
                    if c >= 0 && coins.contains(c) { line = line.union(ranges[c].slice(0, v, to: offset)) }
                    offset += v
                }
                var start: UInt64 = 0
                for v in destValues {
                    let r = line.slice(start, start + v, to: 0)
                    partRanges.append(r)
                    parts.append(r.measure)
                    start += v
                }
            }
            if forward {
                result.fees = result.fees + UInt256(parts.removeLast())
                destValues.removeLast()
            }
            for k in parts.indices where parts[k] > 0 {
                let c = forward ? outs.lowerBound + k : Int(g.inputSpent[ins.lowerBound + k])
                if c < 0 {
                    let route = path(best) + [g.txIds[t]]
                    collector.add(
                        .unknownSource, .input(g.firstInputId[t] + Int64(k)),
                        address: g.inputAddress[ins.lowerBound + k],
                        amount: UInt256(parts[k]), hops: Int(h), path: route, time: g.time[t])
                    continue
                }
                if isSeed[c] {
                    if policy != .poison { absorbed[c] += parts[k] }
                    continue
                }
                taint[c] = parts[k]
                if policy == .fifo { ranges[c] = partRanges[k] }
                hop[c] = h
                settle(c, seed: false)
            }
        }
        collector.finish(into: &result)
        var counted = Set<Int32>()
        result.seedAmounts = seedList.map { c in
            guard counted.insert(c).inserted else { return .zero }
            let v = UInt64(max(0, g.outputValue[Int(c)]))
            return UInt256(v - min(v, absorbed[Int(c)]))
        }
        result.seedTotal = result.seedAmounts.reduce(.zero, +)
        return result
    }
}

extension ReferenceTracer {
    // MARK: Accounts

    struct State {
        var tainted = UInt256.zero
        var clean = UInt256.zero
        var poisoned = false
        var hop = Int32.max
        var parent: Int32 = -1
        var parentAmount = UInt256.zero
        var firstArrival: Int64?
        var lastArrival: Int64?
    }

    static func account(
        _ g: AccountTraceGraph, seeds seedList: [Int32], policy: TracePolicy, direction: TraceDirection,
        limits: TraceLimits
    ) -> TraceResult {
        var r = AccountReference(g: g, policy: policy, limits: limits)
        for p in seedList where !g.isFee[Int(p)] { r.isSeed[Int(p)] = true }
        switch (policy, direction) {
        case (.fifo, .forward): r.fifoForward()
        case (.fifo, .backward): r.fifoBackward()
        case (_, .forward): r.balanceForward()
        case (_, .backward): r.balanceBackward()
        }
        var result = TraceResult(policy: policy, direction: direction)
        r.collector.finish(into: &result)
        result.fees = r.fees
        result.belowThreshold = r.below
        result.belowThresholdBranches = r.belowCount
        var counted = Set<Int32>()
        result.seedAmounts = seedList.map { p in
            guard r.isSeed[Int(p)], counted.insert(p).inserted else { return .zero }
            return g.amount[Int(p)].minus(min(g.amount[Int(p)], r.absorbed[Int(p)]))
        }
        result.seedTotal = result.seedAmounts.reduce(.zero, +)
        return result
    }
}

/// The account reference's state: every address replayed from the first transfer.
struct AccountReference {
    let g: AccountTraceGraph
    let policy: TracePolicy
    let limits: TraceLimits
    var collector = TraceCollector()
    var fees = UInt256.zero
    var below = UInt256.zero
    var belowCount = 0
    var isSeed: [Bool]
    var absorbed: [UInt256]
    var hopOf: [Int32]
    var parentOf: [Int32]
    /// Taint delivered by (forward) or demanded of (backward) each transfer; nil when none.
    var carried: [UInt256?]
    var states: [ReferenceTracer.State]

    init(g: AccountTraceGraph, policy: TracePolicy, limits: TraceLimits) {
        self.g = g
        self.policy = policy
        self.limits = limits
        isSeed = [Bool](repeating: false, count: g.count)
        absorbed = [UInt256](repeating: .zero, count: g.count)
        hopOf = [Int32](repeating: 0, count: g.count)
        parentOf = [Int32](repeating: -1, count: g.count)
        carried = [UInt256?](repeating: nil, count: g.count)
        states = [ReferenceTracer.State](repeating: .init(), count: g.addressLimit + 1)
    }

    func path(_ p: Int32) -> [Int64] {
        var out: [Int64] = []
        var x = p
        while x >= 0 {
            out.append(g.ids[Int(x)])
            x = isSeed[Int(x)] ? -1 : parentOf[Int(x)]
        }
        return out.reversed()
    }

    mutating func add(
        _ kind: TraceEndpointKind, _ location: TraceLocation, _ a: UInt32, _ amount: UInt256, _ hops: Int32,
        _ route: Int32, time: Int64? = nil, lastTime: Int64? = nil
    ) {
        collector.add(
            kind, location, address: a, amount: amount, hops: Int(hops == .max ? 0 : hops),
            path: route >= 0 ? path(route) : [], time: time ?? (route >= 0 ? g.time[Int(route)] : nil),
            lastTime: lastTime)
    }

    func stop(_ a: UInt32) -> Bool { a != 0 && limits.stops.contains(a) }

    // MARK: Forward, balances

    mutating func balanceForward() {
        for k in 0..<g.count {
            let p = Int32(k)
            let x = g.from[k]
            if x != 0 {
                let amount = g.amount[k]
                var s = states[Int(x)]
                var share = UInt256.zero
                if policy == .poison {
                    if s.poisoned {
                        s.tainted = amount > s.tainted ? .zero : s.tainted.minus(amount)
                        share = amount
                    } else {
                        s.clean = s.clean.minus(min(s.clean, amount))
                    }
                } else {
                    var total = s.tainted.plus(s.clean)
                    var clean = s.clean
                    if amount > total {
                        clean = clean.plus(amount.minus(total))
                        total = amount
                    }
                    if s.tainted != .zero {
                        share = s.tainted.scaled(by: amount, dividedBy: total).quotient
                    }
                    s.tainted = s.tainted.minus(share)
                    s.clean = clean.minus(amount.minus(share))
                }
                states[Int(x)] = s
                if share != .zero {
                    if isSeed[k] {
                        if policy != .poison { absorbed[k] = absorbed[k] + share }
                    } else {
                        hopOf[k] = s.hop == .max ? 1 : s.hop + 1
                        parentOf[k] = s.parent
                        if let until = limits.until, g.time[k] > until {
                            add(.timeLimit, .address(x), x, share, s.hop, s.parent)
                        } else if Int(hopOf[k]) > limits.maxHops {
                            add(.hopLimit, .address(x), x, share, s.hop, s.parent)
                        } else {
                            arrive(k, share, seed: false)
                        }
                    }
                }
            }
            if isSeed[k] {
                hopOf[k] = 0
                arrive(k, g.amount[k], seed: true)
            }
            let y = g.to[k]
            if y != 0 {
                let taint = carried[k] ?? .zero
                var s = states[Int(y)]
                if policy == .poison {
                    if s.poisoned || taint != .zero {
                        s.poisoned = true
                        s.tainted = s.tainted.plus(s.clean).plus(g.amount[k])
                        s.clean = .zero
                    } else {
                        s.clean = s.clean.plus(g.amount[k])
                    }
                } else {
                    s.tainted = s.tainted.plus(taint)
                    s.clean = s.clean.plus(g.amount[k].minus(taint))
                }
                if taint != .zero {
                    if s.firstArrival == nil { s.firstArrival = g.time[k] }
                    s.lastArrival = g.time[k]
                }
                if taint != .zero && (hopOf[k] < s.hop || (hopOf[k] == s.hop && taint > s.parentAmount)) {
                    s.hop = hopOf[k]
                    s.parent = p
                    s.parentAmount = taint
                }
                states[Int(y)] = s
            }
        }
        for a in states.indices where states[a].tainted != .zero {
            add(
                .balance, .address(UInt32(a)), UInt32(a), states[a].tainted, states[a].hop, states[a].parent,
                time: states[a].firstArrival, lastTime: states[a].lastArrival)
        }
    }

    mutating func arrive(_ k: Int, _ amount: UInt256, seed: Bool) {
        if g.isFee[k] {
            fees = fees + amount
            return
        }
        let y = g.to[k]
        if y == 0 {
            add(.burned, .transfer(g.ids[k]), 0, amount, hopOf[k], Int32(k))
            return
        }
        if !seed && amount < limits.minAmount {
            below = below + amount
            belowCount += 1
            return
        }
        if !seed && stop(y) {
            add(.tagged, .address(y), y, amount, hopOf[k], Int32(k))
            return
        }
        carried[k] = amount
    }

    // MARK: Backward, balances

    mutating func balanceBackward() {
        // Balances before each transfer, for payer and payee, and unknown funds drawn.
        var balance = [UInt256](repeating: .zero, count: g.addressLimit + 1)
        var beforeTo = [UInt256](repeating: .zero, count: g.count)
        var beforeFrom = [UInt256](repeating: .zero, count: g.count)
        var shortfall = [UInt256](repeating: .zero, count: g.count)
        for k in 0..<g.count {
            let x = Int(g.from[k])
            let y = Int(g.to[k])
            let a = g.amount[k]
            if x != 0 {
                beforeFrom[k] = balance[x]
                shortfall[k] = a > balance[x] ? a.minus(balance[x]) : .zero
                balance[x] = balance[x].plus(shortfall[k]).minus(a)
            }
            if y != 0 {
                beforeTo[k] = balance[y]
                balance[y] = balance[y].plus(a)
            }
        }
        for k in (0..<g.count).reversed() where isSeed[k] {
            hopOf[k] = 0
            departBack(k, g.amount[k], seed: true)
        }
        for k in (0..<g.count).reversed() {
            let p = Int32(k)
            let y = g.to[k]
            if y != 0 && (states[Int(y)].tainted != .zero || states[Int(y)].poisoned) {
                let part: UInt256
                if policy == .poison {
                    part = g.amount[k]
                } else {
                    let parts = TraceShares.split(
                        states[Int(y)].tainted, weights: [g.amount[k], beforeTo[k]],
                        total: g.amount[k].plus(beforeTo[k]))
                    part = parts[0]
                    states[Int(y)].tainted = parts[1]
                }
                if part != .zero {
                    let s = states[Int(y)]
                    if isSeed[k] {
                        if policy != .poison { absorbed[k] = absorbed[k] + part }
                    } else {
                        hopOf[k] = s.hop == .max ? 1 : s.hop + 1
                        parentOf[k] = s.parent
                        if let since = limits.since, g.time[k] < since {
                            add(.timeLimit, .address(y), y, part, s.hop, s.parent)
                        } else if Int(hopOf[k]) > limits.maxHops {
                            add(.hopLimit, .address(y), y, part, s.hop, s.parent)
                        } else {
                            departBack(k, part, seed: false)
                        }
                    }
                }
            }
            let x = g.from[k]
            if x != 0 {
                var s = states[Int(x)]
                if let demand = carried[k] {
                    if policy == .poison { s.poisoned = true } else { s.tainted = s.tainted.plus(demand) }
                    if hopOf[k] < s.hop || (hopOf[k] == s.hop && demand > s.parentAmount) {
                        s.hop = hopOf[k]
                        s.parent = p
                        s.parentAmount = demand
                    }
                }
                if shortfall[k] != .zero && (s.tainted != .zero || s.poisoned) {
                    let unknown: UInt256
                    if policy == .poison {
                        unknown = shortfall[k]
                    } else {
                        let parts = TraceShares.split(
                            s.tainted, weights: [shortfall[k], beforeFrom[k]],
                            total: shortfall[k].plus(beforeFrom[k]))
                        unknown = parts[0]
                        s.tainted = parts[1]
                    }
                    states[Int(x)] = s
                    add(.unknownSource, .address(x), x, unknown, s.hop, s.parent, time: g.time[k])
                } else {
                    states[Int(x)] = s
                }
            }
        }
        for a in states.indices where states[a].tainted != .zero {
            add(
                .unknownSource, .address(UInt32(a)), UInt32(a), states[a].tainted, states[a].hop,
                states[a].parent)
        }
    }

    mutating func departBack(_ k: Int, _ amount: UInt256, seed: Bool) {
        let x = g.from[k]
        if x == 0 {
            add(.minted, .transfer(g.ids[k]), 0, amount, hopOf[k], Int32(k))
            return
        }
        if !seed && amount < limits.minAmount {
            below = below + amount
            belowCount += 1
            return
        }
        if !seed && stop(x) {
            add(.tagged, .address(x), x, amount, hopOf[k], Int32(k))
            return
        }
        carried[k] = amount
    }

    // MARK: FIFO

    struct Piece {
        var source: Int32
        var sourceOffset: UInt256
        var destination: Int32
        var destinationOffset: UInt256
        var length: UInt256
    }

    /// Every address's FIFO matching, by one replay of all transfers.
    func allPieces() -> [Piece] {
        var queues = [[(Int32, UInt256, UInt256)]](repeating: [], count: g.addressLimit + 1)
        var pieces: [Piece] = []
        for k in 0..<g.count {
            let x = Int(g.from[k])
            if x != 0 {
                var need = g.amount[k]
                var at = UInt256.zero
                while need != .zero {
                    if queues[x].isEmpty {
                        pieces.append(
                            Piece(
                                source: -1, sourceOffset: .zero, destination: Int32(k), destinationOffset: at,
                                length: need))
                        break
                    }
                    let (src, off, left) = queues[x][0]
                    let take = min(need, left)
                    pieces.append(
                        Piece(
                            source: src, sourceOffset: off, destination: Int32(k), destinationOffset: at,
                            length: take))
                    if take == left {
                        queues[x].removeFirst()
                    } else {
                        queues[x][0] = (src, off.plus(take), left.minus(take))
                    }
                    need = need.minus(take)
                    at = at.plus(take)
                }
            }
            let y = Int(g.to[k])
            if y != 0 { queues[y].append((Int32(k), .zero, g.amount[k])) }
        }
        for q in queues {
            for (src, off, left) in q {
                pieces.append(
                    Piece(
                        source: src, sourceOffset: off, destination: -1, destinationOffset: .zero,
                        length: left))
            }
        }
        return pieces
    }

    mutating func fifoForward() {
        let pieces = allPieces()
        var into = [[Int]](repeating: [], count: g.count)
        var leftovers = [[Int]](repeating: [], count: g.count)
        for (i, piece) in pieces.enumerated() {
            if piece.destination >= 0 {
                into[Int(piece.destination)].append(i)
            } else {
                leftovers[Int(piece.source)].append(i)
            }
        }
        var ranges = [TraceRanges<UInt256>?](repeating: nil, count: g.count)
        var best = [(hop: Int32, amount: UInt256)?](repeating: nil, count: g.count)
        var delivered = [TraceRanges<UInt256>?](repeating: nil, count: g.count)
        for k in 0..<g.count {
            // What the transfer carries: the tainted units of the pieces it took.
            for i in into[k] {
                let piece = pieces[i]
                guard piece.source >= 0, let from = delivered[Int(piece.source)] else { continue }
                let part = from.slice(
                    piece.sourceOffset, piece.sourceOffset.plus(piece.length), to: piece.destinationOffset)
                if part.isEmpty { continue }
                if isSeed[k] {
                    absorbed[k] = absorbed[k] + part.measure
                    continue
                }
                ranges[k] = (ranges[k] ?? TraceRanges()).union(part)
                let h = hopOf[Int(piece.source)]
                if let b = best[k], !(h < b.hop || (h == b.hop && part.measure > b.amount)) { continue }
                best[k] = (h, part.measure)
                hopOf[k] = h + 1
                parentOf[k] = piece.source
            }
            if isSeed[k] {
                hopOf[k] = 0
                ranges[k] = TraceRanges(lower: .zero, upper: g.amount[k])
            }
            guard let r = ranges[k] else { continue }
            let amount = r.measure
            if !isSeed[k] {
                let w = g.from[k]
                if let until = limits.until, g.time[k] > until {
                    add(.timeLimit, .address(w), w, amount, hopOf[k] - 1, parentOf[k])
                    continue
                }
                if Int(hopOf[k]) > limits.maxHops {
                    add(.hopLimit, .address(w), w, amount, hopOf[k] - 1, parentOf[k])
                    continue
                }
            }
            if g.isFee[k] {
                fees = fees + amount
                continue
            }
            let y = g.to[k]
            if y == 0 {
                add(.burned, .transfer(g.ids[k]), 0, amount, hopOf[k], Int32(k))
                continue
            }
            if !isSeed[k] && amount < limits.minAmount {
                below = below + amount
                belowCount += 1
                continue
            }
            if !isSeed[k] && stop(y) {
                add(.tagged, .address(y), y, amount, hopOf[k], Int32(k))
                continue
            }
            delivered[k] = r
            for i in leftovers[k] {
                let piece = pieces[i]
                let part = r.slice(piece.sourceOffset, piece.sourceOffset.plus(piece.length), to: .zero)
                if !part.isEmpty { add(.balance, .address(y), y, part.measure, hopOf[k], Int32(k)) }
            }
        }
    }

    mutating func fifoBackward() {
        let pieces = allPieces()
        var outOf = [[Int]](repeating: [], count: g.count)
        for (i, piece) in pieces.enumerated() where piece.destination >= 0 {
            outOf[Int(piece.destination)].append(i)
        }
        var ranges = [TraceRanges<UInt256>?](repeating: nil, count: g.count)
        var best = [(hop: Int32, amount: UInt256)?](repeating: nil, count: g.count)
        for k in (0..<g.count).reversed() where isSeed[k] {
            hopOf[k] = 0
            ranges[k] = TraceRanges(lower: .zero, upper: g.amount[k])
        }
        for k in (0..<g.count).reversed() {
            guard let r = ranges[k] else { continue }
            let amount = r.measure
            if !isSeed[k] {
                let y = g.to[k]
                if let since = limits.since, g.time[k] < since {
                    add(.timeLimit, .address(y), y, amount, hopOf[k] - 1, parentOf[k])
                    continue
                }
                if Int(hopOf[k]) > limits.maxHops {
                    add(.hopLimit, .address(y), y, amount, hopOf[k] - 1, parentOf[k])
                    continue
                }
            }
            let x = g.from[k]
            if x == 0 {
                add(.minted, .transfer(g.ids[k]), 0, amount, hopOf[k], Int32(k))
                continue
            }
            if !isSeed[k] && amount < limits.minAmount {
                below = below + amount
                belowCount += 1
                continue
            }
            if !isSeed[k] && stop(x) {
                add(.tagged, .address(x), x, amount, hopOf[k], Int32(k))
                continue
            }
            for i in outOf[k] {
                let piece = pieces[i]
                let part = r.slice(
                    piece.destinationOffset, piece.destinationOffset.plus(piece.length),
                    to: piece.sourceOffset)
                if part.isEmpty { continue }
                if piece.source < 0 {
                    add(.unknownSource, .address(x), x, part.measure, hopOf[k], Int32(k))
                    continue
                }
                let s = Int(piece.source)
                if isSeed[s] {
                    absorbed[s] = absorbed[s] + part.measure
                    continue
                }
                ranges[s] = (ranges[s] ?? TraceRanges()).union(part)
                let h = hopOf[k]
                if let b = best[s], !(h < b.hop || (h == b.hop && part.measure > b.amount)) { continue }
                best[s] = (h, part.measure)
                hopOf[s] = h + 1
                parentOf[s] = Int32(k)
            }
        }
    }
}
