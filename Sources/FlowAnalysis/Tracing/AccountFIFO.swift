public import FlowModel

/// First-in-first-out matching of one account's inflows to its outflows (the rule of Clayton's
/// Case, as used for taint by Anderson et al., "Bitcoin Redux", WEIS 2018): the account's value
/// is a queue; an inflow joins the back, an outflow takes units from the front. Where the queue
/// runs dry, the outflow spends funds the store does not show (source -1).
///
/// The matching depends only on the account's amounts, not on taint, so it is computed once per
/// account and then read both ways: forward (where did an inflow's units go) and backward (which
/// inflow units did an outflow spend).
public enum AccountFIFO {
    /// The pieces of one account's matching: `length` units of transfer `source` (from unit
    /// `sourceOffset`) went out in transfer `destination` (at unit `destinationOffset`);
    /// destination -1 is what the account still holds at the end.
    public struct Map: Sendable {
        public var source: [Int32] = []
        public var sourceOffset: [UInt256] = []
        public var destination: [Int32] = []
        public var destinationOffset: [UInt256] = []
        public var length: [UInt256] = []
        /// Piece indexes by source and by destination transfer.
        public var bySource: [Int32: [Int32]] = [:]
        public var byDestination: [Int32: [Int32]] = [:]

        mutating func piece(_ s: Int32, _ so: UInt256, _ d: Int32, _ dOff: UInt256, _ n: UInt256) {
            let k = Int32(source.count)
            source.append(s)
            sourceOffset.append(so)
            destination.append(d)
            destinationOffset.append(dOff)
            length.append(n)
            bySource[s, default: []].append(k)
            byDestination[d, default: []].append(k)
        }
    }

    /// Matches address `a`'s transfers in `graph`.
    public static func map(_ graph: AccountTraceGraph, address a: UInt32) -> Map {
        var m = Map()
        var queue: [(source: Int32, offset: UInt256, left: UInt256)] = []
        var head = 0
        for p in graph.events(of: a) {
            let k = Int(p)
            let amount = graph.amount[k]
            if graph.to[k] == a {
                if amount != .zero { queue.append((p, .zero, amount)) }
                continue
            }
            var need = amount
            var at = UInt256.zero
            while need != .zero {
                guard head < queue.count else {
                    m.piece(-1, .zero, p, at, need)
                    break
                }
                let take = min(need, queue[head].left)
                m.piece(queue[head].source, queue[head].offset, p, at, take)
                queue[head].offset = queue[head].offset.plus(take)
                queue[head].left = queue[head].left.minus(take)
                need = need.minus(take)
                at = at.plus(take)
                if queue[head].left == .zero { head += 1 }
            }
        }
        for chunk in queue[head...] where chunk.left != .zero {
            m.piece(chunk.source, chunk.offset, -1, .zero, chunk.left)
        }
        return m
    }
}

extension AccountTracer {
    mutating func fifoMap(_ a: UInt32) -> AccountFIFO.Map {
        if let m = fifo[a] { return m }
        let m = AccountFIFO.map(g, address: a)
        fifo[a] = m
        return m
    }

    /// Records a contribution of `amount` units from transfer `from` (at hop `hop`) to transfer
    /// `p`; returns whether `p` is new.
    mutating func contribute(_ p: Int32, _ r: TraceRanges<UInt256>, from: Int32, hop: Int32) -> Bool {
        let amount = r.measure
        if seeds[p] != nil {
            absorbed[p] = (absorbed[p] ?? .zero) + amount
            return false
        }
        let isNew = ranges[p] == nil
        ranges[p] = (ranges[p] ?? TraceRanges()).union(r)
        if let c = contribution[p], !(hop < c.hop || (hop == c.hop && amount > c.amount)) {
            return isNew
        }
        contribution[p] = (hop, amount)
        hopOf[Int(p)] = hop + 1
        setParent(p, from)
        return isNew
    }

    // MARK: Forward

    mutating func fifoForward(_ seedPositions: [Int32]) {
        for p in seedPositions { heap.push(Int64(p)) }
        while let key = heap.pop() {
            let p = Int32(key)
            result.steps += 1
            let r = ranges[p] ?? TraceRanges()
            let seed = seeds[p] != nil
            let amount = r.measure
            if !seed {
                let w = g.from[Int(p)]
                let h = Swift.max(hopOf[Int(p)], 1)  // set (>= 1) when contributed
                let route = parentOf(p)
                if let until = limits.until, g.time[Int(p)] > until {
                    add(.timeLimit, .address(w), address: w, amount: amount, hops: h - 1, route: route)
                    continue
                }
                if Int(h) > limits.maxHops {
                    add(.hopLimit, .address(w), address: w, amount: amount, hops: h - 1, route: route)
                    continue
                }
            }
            let k = Int(p)
            if g.isFee[k] {
                result.fees = result.fees + amount
                continue
            }
            if let link = legs.legs[p] {
                convert(p, amount, link: link)
                continue
            }
            let y = g.to[k]
            if y == 0 {
                add(.burned, .transfer(g.ids[k]), address: 0, amount: amount, hops: hopOf[Int(p)], route: p)
                continue
            }
            if !seed && amount < limits.minAmount {
                below(amount)
                continue
            }
            if !seed && isStop(y) {
                add(.tagged, .address(y), address: y, amount: amount, hops: hopOf[Int(p)], route: p)
                continue
            }
            let m = fifoMap(y)
            for piece in m.bySource[p] ?? [] {
                let i = Int(piece)
                let part = r.slice(
                    m.sourceOffset[i], m.sourceOffset[i].plus(m.length[i]), to: m.destinationOffset[i])
                if part.isEmpty { continue }
                let q = m.destination[i]
                if q < 0 {
                    add(
                        .balance, .address(y), address: y, amount: part.measure, hops: hopOf[Int(p)], route: p
                    )
                } else if contribute(q, part, from: p, hop: hopOf[Int(p)]) {
                    heap.push(Int64(q))
                }
            }
        }
    }

    // MARK: Backward

    mutating func fifoBackward(_ seedPositions: [Int32]) {
        for p in seedPositions { heap.push(-Int64(p)) }
        while let key = heap.pop() {
            let p = Int32(-key)
            result.steps += 1
            let r = ranges[p] ?? TraceRanges()
            let seed = seeds[p] != nil
            let amount = r.measure
            let k = Int(p)
            if !seed {
                let y = g.to[k]
                let h = Swift.max(hopOf[Int(p)], 1)  // set (>= 1) when contributed
                let route = parentOf(p)
                if let since = limits.since, g.time[k] < since {
                    add(.timeLimit, .address(y), address: y, amount: amount, hops: h - 1, route: route)
                    continue
                }
                if Int(h) > limits.maxHops {
                    add(.hopLimit, .address(y), address: y, amount: amount, hops: h - 1, route: route)
                    continue
                }
            }
            if let link = legs.legs[p] {
                convert(p, amount, link: link)
                continue
            }
            let x = g.from[k]
            if x == 0 {
                add(.minted, .transfer(g.ids[k]), address: 0, amount: amount, hops: hopOf[Int(p)], route: p)
                continue
            }
            if !seed && amount < limits.minAmount {
                below(amount)
                continue
            }
            if !seed && isStop(x) {
                add(.tagged, .address(x), address: x, amount: amount, hops: hopOf[Int(p)], route: p)
                continue
            }
            let m = fifoMap(x)
            for piece in m.byDestination[p] ?? [] {
                let i = Int(piece)
                let part = r.slice(
                    m.destinationOffset[i], m.destinationOffset[i].plus(m.length[i]), to: m.sourceOffset[i])
                if part.isEmpty { continue }
                let source = m.source[i]
                if source < 0 {
                    add(
                        .unknownSource, .address(x), address: x, amount: part.measure, hops: hopOf[Int(p)],
                        route: p)
                } else if contribute(source, part, from: p, hop: hopOf[Int(p)]) {
                    heap.push(-Int64(source))
                }
            }
        }
    }
}
