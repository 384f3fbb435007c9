import FlowModel

/// Bipartite and stack (layered) typologies: groups of addresses paying groups of addresses
/// many-to-many (AMLSim `bipartite` and `stack`). Only transfers between non-hub addresses
/// without an established relationship take part.
extension AmlGraph {
    /// A group of senders and the recipients at least two of them paid, with the rows between them.
    struct Biclique: Sendable {
        var senders: [UInt32]
        var recipients: [UInt32]
        var rows: [Int32]
        var start: Int64
        var end: Int64
        var asset: Int
    }

    /// Finds groups of at least `min-senders` senders that each paid at least `min-recipients`
    /// common recipients: senders are linked when they share that many recipients, linked
    /// senders form a group (connected components), and its recipients are those paid by two or
    /// more of the group. A group is kept when its rows span at most `window`, number at least
    /// `min-edges` distinct sender–recipient pairs and fill `min-density` of all pairs.
    func bicliques(_ rule: AmlRule, threads: Int) -> [Biclique] {
        struct Pair: Sendable {
            var a: UInt32
            var b: UInt32
            var recipient: UInt32
        }
        let n = snapshot.addressCount
        let chunks = max(1, min(n, threads <= 1 ? 1 : threads * 8))
        let qualifies: @Sendable (Int32) -> Bool = { r in
            let a = self.snapshot.from[Int(r)]
            let b = self.snapshot.to[Int(r)]
            return a != b && !self.hub[Int(a)] && !self.hub[Int(b)] && !self.establishedRow[Int(r)]
        }
        let pairs = parallelMap(chunks, threads: threads) { c -> [Pair] in
            var pairs: [Pair] = []
            for b in n * c / chunks..<n * (c + 1) / chunks {
                if self.hub[b] { continue }
                let list = self.incoming(UInt32(b))
                if list.count < 2 { continue }
                var senders: [UInt32] = []
                for r in list where qualifies(r) { senders.append(self.snapshot.from[Int(r)]) }
                senders = Array(Set(senders)).sorted()
                if senders.count < 2 || senders.count > 40 { continue }
                for i in 0..<senders.count {
                    for j in i + 1..<senders.count {
                        pairs.append(Pair(a: senders[i], b: senders[j], recipient: UInt32(b)))
                    }
                }
            }
            return pairs
        }
        .flatMap { $0 }
        .sorted { ($0.a, $0.b, $0.recipient) < ($1.a, $1.b, $1.recipient) }
        // Link sender pairs sharing enough recipients (union-find keyed by address).
        var parent: [UInt32: UInt32] = [:]
        func find(_ x: UInt32) -> UInt32 {
            var x = x
            while let p = parent[x], p != x {
                parent[x] = parent[p] ?? p
                x = p
            }
            return x
        }
        var i = 0
        while i < pairs.count {
            var j = i
            while j + 1 < pairs.count && pairs[j + 1].a == pairs[i].a && pairs[j + 1].b == pairs[i].b {
                j += 1
            }
            if j - i + 1 >= rule.minRecipients {
                let ra = find(pairs[i].a)
                let rb = find(pairs[i].b)
                if parent[ra] == nil { parent[ra] = ra }
                if parent[rb] == nil { parent[rb] = rb }
                if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
            }
            i = j + 1
        }
        var groups: [UInt32: [UInt32]] = [:]
        for x in parent.keys { groups[find(x), default: []].append(x) }
        var result: [Biclique] = []
        for root in groups.keys.sorted() {
            let senders = groups[root]!.sorted()
            if senders.count < rule.minSenders { continue }
            let senderSet = Set(senders)
            var paidBy: [UInt32: Set<UInt32>] = [:]
            var rowsTo: [UInt32: [Int32]] = [:]
            for s in senders {
                for r in outgoing(s) where qualifies(r) {
                    let b = snapshot.to[Int(r)]
                    if senderSet.contains(b) { continue }
                    paidBy[b, default: []].insert(s)
                    rowsTo[b, default: []].append(r)
                }
            }
            let recipients = paidBy.keys.filter { paidBy[$0]!.count >= 2 }.sorted()
            if recipients.count < rule.minRecipients { continue }
            let rows = recipients.flatMap { rowsTo[$0]! }.sorted()
            for (asset, unpeeled) in byAsset(rows) {
                let all = peel(unpeeled, minRecipients: rule.minRecipients)
                if all.isEmpty { continue }
                // The busiest stretch of `window` (a group's members may also have met before or after).
                var best = 0..<0
                var lo = 0
                for hi in all.indices {
                    while snapshot.time[Int(all[hi])] - snapshot.time[Int(all[lo])] > rule.window { lo += 1 }
                    if hi + 1 - lo > best.count { best = lo..<(hi + 1) }
                }
                let group = peel(Array(all[best]), minRecipients: rule.minRecipients)
                if group.isEmpty { continue }
                let edges = Set(
                    group.map { UInt64(snapshot.from[Int($0)]) << 32 | UInt64(snapshot.to[Int($0)]) })
                let usedSenders = Set(group.map { snapshot.from[Int($0)] }).sorted()
                let usedRecipients = Set(group.map { snapshot.to[Int($0)] }).sorted()
                guard usedSenders.count >= rule.minSenders, usedRecipients.count >= rule.minRecipients,
                    edges.count >= rule.minEdges,
                    edges.count * 10_000 >= rule.minDensity * usedSenders.count * usedRecipients.count
                else { continue }
                let start = snapshot.time[Int(group.first!)]
                let end = snapshot.time[Int(group.last!)]
                guard end - start <= rule.window else { continue }
                result.append(
                    Biclique(
                        senders: usedSenders, recipients: usedRecipients, rows: group, start: start, end: end,
                        asset: asset))
            }
        }
        return result
    }

    /// Drops, until none is left to drop, the rows of senders paying fewer than `minRecipients`
    /// of the recipients and of recipients paid by fewer than two senders: what remains is the
    /// group's dense core (a member's one-off payment elsewhere in the group does not join it).
    func peel(_ rows: [Int32], minRecipients: Int) -> [Int32] {
        var rows = rows
        while true {
            var recipientsOf: [UInt32: Set<UInt32>] = [:]
            var sendersOf: [UInt32: Set<UInt32>] = [:]
            for r in rows {
                let a = snapshot.from[Int(r)]
                let b = snapshot.to[Int(r)]
                recipientsOf[a, default: []].insert(b)
                sendersOf[b, default: []].insert(a)
            }
            let kept = rows.filter {
                recipientsOf[snapshot.from[Int($0)]]!.count >= minRecipients
                    && sendersOf[snapshot.to[Int($0)]]!.count >= 2
            }
            if kept.count == rows.count { return rows }
            rows = kept
        }
    }

    /// Bipartite: one alert per group (see `bicliques`) paying at least `min-amount` in all.
    func bipartite(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let minAmount = perAsset(rule.minAmount)
        return bicliques(rule, threads: threads).compactMap { g in
            let sum = total(g.rows)
            guard let floor = minAmount[g.asset, g.start], sum >= floor else { return nil }
            let pairs = Set(
                g.rows.map { UInt64(snapshot.from[Int($0)]) << 32 | UInt64(snapshot.to[Int($0)]) }
            ).count
            let text =
                "\(g.senders.count) addresses paid \(g.recipients.count) common new counterparties many-to-many (\(pairs) of \(g.senders.count * g.recipients.count) pairs, \(g.rows.count) transfers, \(format(sum, asset: g.asset))) within \(durationText(g.end - g.start)) (rule: at least \(rule.minSenders)×\(rule.minRecipients), \(rule.minEdges) pairs, density \(percentText(rule.minDensity)) within \(durationText(rule.window)))"
            return alert(
                rule, score: score(pairs, rule.minEdges), subjects: g.senders, rows: g.rows, asset: g.asset,
                amount: sum, explanation: text)
        }
    }

    /// Stack (layered many-to-many): at least `min-layers` groups of addresses where each
    /// group's recipients are the next group's senders (two or more in common), paying on
    /// after they were paid, all within `window`.
    func stack(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        var loose = rule
        loose.window = rule.window
        let groups = bicliques(loose, threads: threads)
        let minAmount = perAsset(rule.minAmount)
        var bySender: [UInt32: [Int]] = [:]
        for (k, g) in groups.enumerated() {
            for s in g.senders { bySender[s, default: []].append(k) }
        }
        // Links g -> h when h's senders include two of g's recipients and h starts after g does.
        var links: [[Int]] = Array(repeating: [], count: groups.count)
        var isTarget = [Bool](repeating: false, count: groups.count)
        for (k, g) in groups.enumerated() {
            var shared: [Int: Int] = [:]
            for b in g.recipients { for h in bySender[b] ?? [] where h != k { shared[h, default: 0] += 1 } }
            for (h, count) in shared.sorted(by: { $0.key < $1.key })
            where count >= 2 && groups[h].asset == g.asset && groups[h].start >= g.start
                && groups[h].end - g.start <= rule.window
            {
                links[k].append(h)
                isTarget[h] = true
            }
        }
        var alerts: [AmlAlert] = []
        for k in groups.indices where !isTarget[k] && !links[k].isEmpty {
            // Longest chain from k (groups are few; depth-first).
            func longest(_ k: Int, _ depth: Int) -> [Int] {
                guard depth < 8 else { return [k] }
                var best: [Int] = []
                for h in links[k] {
                    let c = longest(h, depth + 1)
                    if c.count > best.count { best = c }
                }
                return [k] + best
            }
            let chain = longest(k, 0)
            let layers = chain.count + 1
            guard layers >= rule.minLayers else { continue }
            let rows = chain.flatMap { groups[$0].rows }
            let asset = groups[k].asset
            let entered = total(groups[k].rows)
            guard let floor = minAmount[asset, groups[k].start], entered >= floor else { continue }
            let start = groups[k].start
            let end = chain.map { groups[$0].end }.max()!
            let sizes = [groups[k].senders.count] + chain.map { groups[$0].recipients.count }
            let text =
                "\(format(entered, asset: asset)) moved through \(layers) layers of addresses (\(sizes.map(String.init).joined(separator: " → "))) many-to-many within \(durationText(end - start)) (rule: at least \(rule.minLayers) layers within \(durationText(rule.window)))"
            alerts.append(
                alert(
                    rule, score: score(layers, rule.minLayers), subjects: groups[k].senders, rows: rows,
                    asset: asset,
                    amount: entered, explanation: text))
        }
        return alerts
    }
}
