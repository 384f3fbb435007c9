import FlowModel

/// Rules that follow value from transfer to transfer: rapid pass-through, forwarding chains
/// (random walk), scatter-gather and cycles. Value "follows" when the next transfer leaves the
/// receiving address after the one that arrived and carries between `min-ratio` of it and all of
/// it (laundering loses fees on the way, and a chain that gains value is not the same money).
/// Hubs are never routed through: their incoming and outgoing transfers cannot be matched.
extension AmlGraph {
    /// Rows of `list` (time-ordered rows of one address) after row `r`, up to `deadline`.
    @inline(__always) func after(_ r: Int32, until deadline: Int64, in list: ArraySlice<Int32>) -> ArraySlice<
        Int32
    > {
        var lo = list.startIndex
        var hi = list.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] <= r { lo = mid + 1 } else { hi = mid }
        }
        // Rows are in time order: the end is found by binary search too.
        var end = lo
        var top = list.endIndex
        while end < top {
            let mid = (end + top) / 2
            if snapshot.time[Int(list[mid])] <= deadline { end = mid + 1 } else { top = mid }
        }
        return list[lo..<end]
    }

    /// Whether `next` carries value on from `previous`: same asset, between `minRatio` of it and all of it.
    @inline(__always) func follows(_ next: Int32, _ previous: Int32, minRatio: Int) -> Bool {
        let n = Int(next)
        let p = Int(previous)
        guard snapshot.asset[n] == snapshot.asset[p] else { return false }
        let v = snapshot.amount[n]
        let base = snapshot.amount[p]
        return v <= base && v >= base.permyriad(minRatio)
    }

    /// Whether `row` joins `path` with every amount within `minRatio` of the largest: same asset,
    /// smallest ≥ largest × min-ratio.
    @inline(__always) func withinBand(_ row: Int32, _ path: [Int32], minRatio: Int) -> Bool {
        let n = Int(row)
        guard snapshot.asset[n] == snapshot.asset[Int(path[0])] else { return false }
        var lo = snapshot.amount[n]
        var hi = lo
        for p in path {
            let v = snapshot.amount[Int(p)]
            if v < lo { lo = v }
            if v > hi { hi = v }
        }
        return lo >= hi.permyriad(minRatio)
    }

    /// Rapid pass-through (FATF red flag: funds received and sent on at once): a transfer from a
    /// new counterparty of at least `min-amount`, and transfers out of the receiver within
    /// `max-dwell` adding up to between `min-ratio` and `max-ratio` of it. Known false
    /// positives: someone paying a large bill right after an unusual payment from a new payer.
    func passThrough(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let minAmount = perAsset(rule.minAmount)
        let population = AmountPopulation(snapshot)
        return chunked(snapshot.addressCount, threads: threads) { range in
            var alerts: [AmlAlert] = []
            var used = Set<Int32>()
            for a in range {
                let m = UInt32(a)
                if self.hub[a] { continue }
                let outs = self.outgoing(m)
                if outs.isEmpty { continue }
                used.removeAll(keepingCapacity: true)
                for e in self.incoming(m) {
                    let r = Int(e)
                    let source = self.snapshot.from[r]
                    let asset = Int(self.snapshot.asset[r])
                    guard source != m, let floor = minAmount[asset, self.snapshot.time[r]],
                        self.snapshot.amount[r] >= floor,
                        !self.establishedRow[r]
                    else { continue }
                    let amount = self.snapshot.amount[r]
                    let lo = amount.permyriad(rule.minRatio)
                    let hi = amount.permyriad(rule.maxRatio)
                    var sum = UInt256.zero
                    var taken: [Int32] = []
                    for f in self.after(e, until: self.snapshot.time[r] + rule.maxDwell, in: outs) {
                        let k = Int(f)
                        if used.contains(f) || self.snapshot.to[k] == source || self.snapshot.to[k] == m {
                            continue
                        }
                        if Int(self.snapshot.asset[k]) != asset { continue }
                        sum += self.snapshot.amount[k]
                        taken.append(f)
                        if sum >= lo { break }
                    }
                    guard sum >= lo, sum <= hi, let last = taken.last else { continue }
                    if rule.maxChance < 1, population.isLarge(asset) {
                        // By chance: as many outflows within the dwell at the subject's own rate of
                        // outflows (this one included), one of them in the amount band as often
                        // as its other outflows are. Skipped for an asset with under 1,000
                        // transfers: too little ordinary traffic to judge by.
                        var inBand = 0
                        var others = 0
                        let bandLow = lo.permyriad(10_000 / max(1, taken.count))
                        for f in outs where Int(self.snapshot.asset[Int(f)]) == asset && !taken.contains(f) {
                            others += 1
                            let v = self.snapshot.amount[Int(f)]
                            if v >= bandLow && v <= hi { inBand += 1 }
                        }
                        let share = Double(inBand + 1) / Double(others + 1)
                        let rate = self.expectedInWindow(
                            total: outs.count, inWindow: 0, window: rule.maxDwell)
                        let chance = poissonTail(taken.count, rate) * min(1, share * max(1, rate))
                        guard chance <= rule.maxChance else { continue }
                    }
                    for f in taken { used.insert(f) }
                    let dwell = self.snapshot.time[Int(last)] - self.snapshot.time[r]
                    let ratio = sum.ratioPermyriad(to: amount)
                    let text =
                        "received \(self.format(amount, asset: asset)) from a new counterparty and sent \(percentText(ratio)) of it on in \(taken.count) transfer\(taken.count == 1 ? "" : "s") within \(durationText(dwell)) (rule: \(percentText(rule.minRatio))–\(percentText(rule.maxRatio)) within \(durationText(rule.maxDwell)))"
                    let speed = Int((rule.maxDwell - dwell) * 100 / max(1, rule.maxDwell))
                    alerts.append(
                        self.alert(
                            rule, score: max(1, min(100, 50 + speed / 2)), subjects: [m], rows: [e] + taken,
                            asset: asset, amount: amount, explanation: text))
                }
            }
            return alerts
        }
    }

    /// For each row, the first later row that carries its value on from the receiver within
    /// `maxDwell` (not straight back to the sender, not through a hub); -1 when none.
    func successors(minRatio: Int, maxDwell: Int64, threads: Int) -> [Int32] {
        let n = snapshot.count
        let chunks = max(1, threads <= 1 ? 1 : threads * 8)
        return parallelMap(chunks, threads: threads) { c -> [Int32] in
            var next: [Int32] = []
            for r in n * c / chunks..<n * (c + 1) / chunks {
                let v = self.snapshot.to[r]
                let u = self.snapshot.from[r]
                var found: Int32 = -1
                if !self.hub[Int(v)] && u != v {
                    for f in self.after(
                        Int32(r), until: self.snapshot.time[r] + maxDwell, in: self.outgoing(v))
                    {
                        let y = self.snapshot.to[Int(f)]
                        if y != u && y != v && self.follows(f, Int32(r), minRatio: minRatio) {
                            found = f
                            break
                        }
                    }
                }
                next.append(found)
            }
            return next
        }
        .flatMap { $0 }
    }

    /// Random-walk forwarding chains (AMLSim `random`): value passed along at least `min-hops`
    /// transfers between distinct addresses, each leaving within `max-dwell` of the one before
    /// and carrying at least `min-ratio` of it; the first at least `min-amount`. A chain that
    /// returns to its origin is a cycle and left to the cycle rule.
    func randomWalk(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let minAmount = perAsset(rule.minAmount)
        let next = successors(minRatio: rule.minRatio, maxDwell: rule.maxDwell, threads: threads)
        var hasPrevious = [Bool](repeating: false, count: snapshot.count)
        for f in next where f >= 0 { hasPrevious[Int(f)] = true }
        var alerts: [AmlAlert] = []
        for r in 0..<snapshot.count where !hasPrevious[r] && next[r] >= 0 {
            let asset = Int(snapshot.asset[r])
            guard let floor = minAmount[asset, snapshot.time[r]], snapshot.amount[r] >= floor,
                !hub[Int(snapshot.from[r])]
            else {
                continue
            }
            var nodes = [snapshot.from[r], snapshot.to[r]]
            var rows = [Int32(r)]
            var closed = false
            var cur = r
            while next[cur] >= 0 && rows.count < 64 {
                let f = Int(next[cur])
                let y = snapshot.to[f]
                if nodes.contains(y) {
                    closed = y == nodes[0]
                    break
                }
                nodes.append(y)
                rows.append(Int32(f))
                cur = f
            }
            guard rows.count >= rule.minHops, !closed else { continue }
            let first = snapshot.amount[r]
            let last = snapshot.amount[Int(rows.last!)]
            let span = snapshot.time[Int(rows.last!)] - snapshot.time[r]
            let text =
                "\(self.format(first, asset: asset)) forwarded along \(rows.count) transfers through \(nodes.count - 2) intermediaries within \(durationText(span)), \(self.format(last, asset: asset)) arriving at the end (rule: at least \(rule.minHops) hops, each within \(durationText(rule.maxDwell)) keeping \(percentText(rule.minRatio)))"
            alerts.append(
                alert(
                    rule, score: score(rows.count, rule.minHops), subjects: [nodes[0], nodes.last!],
                    rows: rows,
                    asset: asset, amount: first, explanation: text))
        }
        return alerts
    }

    /// Scatter-gather (AMLSim `scatter_gather`): one source pays at least `min-intermediaries`
    /// new counterparties, each of which passes at least `min-ratio` of it on to one sink,
    /// within `window`; together at least `min-amount`.
    func scatterGather(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        struct Leg: Sendable {
            var source: UInt32
            var sink: UInt32
            var asset: UInt16
            var time: Int64
            var middle: UInt32
            var inRow: Int32
            var outRow: Int32
        }
        let n = snapshot.addressCount
        let chunks = max(1, min(n, threads <= 1 ? 1 : threads * 8))
        let legs = parallelMap(chunks, threads: threads) { c -> [Leg] in
            var legs: [Leg] = []
            for a in n * c / chunks..<n * (c + 1) / chunks {
                let m = UInt32(a)
                if self.hub[a] { continue }
                let outs = self.outgoing(m)
                if outs.isEmpty { continue }
                for e in self.incoming(m) {
                    let r = Int(e)
                    let s = self.snapshot.from[r]
                    if s == m || self.hub[Int(s)] || self.establishedRow[r] { continue }
                    for f in self.after(e, until: self.snapshot.time[r] + rule.window, in: outs) {
                        let t = self.snapshot.to[Int(f)]
                        if t == s || t == m || self.hub[Int(t)] || self.establishedRow[Int(f)] { continue }
                        if self.follows(f, e, minRatio: rule.minRatio) {
                            legs.append(
                                Leg(
                                    source: s, sink: t, asset: self.snapshot.asset[r],
                                    time: self.snapshot.time[r],
                                    middle: m, inRow: e, outRow: f))
                            break
                        }
                    }
                }
            }
            return legs
        }
        .flatMap { $0 }
        .sorted {
            ($0.source, $0.sink, $0.asset, $0.time, $0.inRow) < (
                $1.source, $1.sink, $1.asset, $1.time, $1.inRow
            )
        }
        let minAmount = perAsset(rule.minAmount)
        var alerts: [AmlAlert] = []
        var i = 0
        while i < legs.count {
            var j = i
            while j + 1 < legs.count && legs[j + 1].source == legs[i].source
                && legs[j + 1].sink == legs[i].sink
                && legs[j + 1].asset == legs[i].asset
            {
                j += 1
            }
            // Greedy windows over the group's legs (ordered by time).
            var k = i
            while k <= j {
                var end = k
                while end + 1 <= j && legs[end + 1].time - legs[k].time <= rule.window { end += 1 }
                let group = legs[k...end]
                let middles = Set(group.map(\.middle)).count
                let asset = Int(legs[k].asset)
                let sum = total(group.map(\.inRow))
                if middles >= rule.minIntermediaries, let floor = minAmount[asset, legs[k].time], sum >= floor
                {
                    let gathered = total(group.map(\.outRow))
                    let text =
                        "one source scattered \(format(sum, asset: asset)) to \(middles) new counterparties, which passed \(format(gathered, asset: asset)) on to one sink within \(durationText(rule.window)) (rule: at least \(rule.minIntermediaries) intermediaries keeping \(percentText(rule.minRatio)))"
                    alerts.append(
                        alert(
                            rule, score: score(middles, rule.minIntermediaries),
                            subjects: [legs[k].source, legs[k].sink],
                            rows: group.flatMap { [$0.inRow, $0.outRow] },
                            asset: asset, amount: sum, explanation: text))
                    k = end + 1
                } else {
                    k += 1
                }
            }
            i = j + 1
        }
        return alerts
    }

    /// Cycles / round-tripping (AMLSim `cycle`): value leaves an address and returns to it
    /// through `min-hops`…`max-hops` transfers between distinct addresses, in time order within
    /// `window`, each carrying at least `min-ratio` of the one before; the first at least
    /// `min-amount`. Each cycle is reported once, from its earliest transfer. The search visits at
    /// most 10,000 partial paths per start, so a dense cluster cannot stall the pass.
    func cycles(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let minAmount = perAsset(rule.minAmount)
        return chunked(snapshot.count, threads: threads) { range in
            var alerts: [AmlAlert] = []
            var path: [Int32] = []
            var nodes: [UInt32] = []
            var cursor: [ArraySlice<Int32>] = []
            for r in range {
                let u = self.snapshot.from[r]
                let v = self.snapshot.to[r]
                let asset = Int(self.snapshot.asset[r])
                guard u != v, !self.hub[Int(u)], !self.hub[Int(v)],
                    let floor = minAmount[asset, self.snapshot.time[r]],
                    self.snapshot.amount[r] >= floor
                else { continue }
                let deadline = self.snapshot.time[r] + rule.window
                // The value has to come back: skip starts where no later transfer into u within
                // the window keeps min-ratio of this one (most starts, and cheap to check).
                let a = self.snapshot.amount[r]
                // In time order each hop keeps min-ratio of the one before: the last keeps at
                // least min-ratio^max-hops of the first.
                var low = a.permyriad(rule.minRatio)
                if rule.inTimeOrder {
                    for _ in 1..<max(1, rule.maxHops) { low = low.permyriad(rule.minRatio) }
                }
                var closes = false
                for e in self.after(Int32(r), until: deadline, in: self.incoming(u))
                where self.snapshot.asset[Int(e)] == self.snapshot.asset[r] {
                    let b = self.snapshot.amount[Int(e)]
                    if rule.inTimeOrder ? (b <= a && b >= low) : (b >= low && a >= b.permyriad(rule.minRatio))
                    {
                        closes = true
                        break
                    }
                }
                if !closes { continue }
                path = [Int32(r)]
                nodes = [u, v]
                // In time order each hop comes after the one before it; in any order, each hop
                // comes after the first (the cycle's earliest transfer, so each cycle is found
                // from one start) and within the window.
                let ordered = rule.inTimeOrder
                cursor = [self.after(Int32(r), until: deadline, in: self.outgoing(v))]
                var budget = 10_000
                var found = false
                while !cursor.isEmpty && !found && budget > 0 {
                    guard let f = cursor[cursor.count - 1].popFirst() else {
                        cursor.removeLast()
                        path.removeLast()
                        nodes.removeLast()
                        continue
                    }
                    budget -= 1
                    // In time order value only shrinks along the path; in any order each hop
                    // stays within min-ratio of the first, either way (the hop that closes the
                    // ring may carry more than the one the search started from).
                    guard
                        ordered
                            ? self.follows(f, path.last!, minRatio: rule.minRatio)
                            : self.withinBand(f, path, minRatio: rule.minRatio)
                    else { continue }
                    let y = self.snapshot.to[Int(f)]
                    if y == u {
                        if path.count + 1 >= rule.minHops {
                            path.append(f)
                            found = true
                        }
                        continue
                    }
                    if nodes.contains(y) || self.hub[Int(y)] || path.count + 1 >= rule.maxHops { continue }
                    path.append(f)
                    nodes.append(y)
                    cursor.append(self.after(ordered ? f : Int32(r), until: deadline, in: self.outgoing(y)))
                }
                guard found else { continue }
                let first = self.snapshot.amount[r]
                let back = self.snapshot.amount[Int(path.last!)]
                let span = path.map { self.snapshot.time[Int($0)] }.max()! - self.snapshot.time[r]
                let order = ordered ? "" : ", in any time order"
                let text =
                    "\(self.format(first, asset: asset)) left an address and \(self.format(back, asset: asset)) came back to it through \(path.count) transfers within \(durationText(span))\(order) (rule: \(rule.minHops)–\(rule.maxHops) hops within \(durationText(rule.window)), each keeping \(percentText(rule.minRatio)))"
                alerts.append(
                    self.alert(
                        rule, score: max(1, min(100, 50 + 10 * (rule.maxHops - path.count + 1))),
                        subjects: [u],
                        rows: path, asset: asset, amount: first, explanation: text))
            }
            return alerts
        }
    }
}

/// How many transfers each asset has: the chance tests need ordinary traffic to judge by.
struct AmountPopulation: Sendable {
    let counts: [Int]

    init(_ s: TransferSnapshot) {
        var counts = [Int](repeating: 0, count: s.assets.count)
        for a in s.asset { counts[Int(a)] += 1 }
        self.counts = counts
    }

    /// Whether `asset` has at least 1,000 transfers.
    func isLarge(_ asset: Int) -> Bool { asset < counts.count && counts[asset] >= 1_000 }
}
