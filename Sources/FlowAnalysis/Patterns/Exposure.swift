import FlowModel

/// Exposure to tagged addresses (FATF red flags: transactions with sanctioned, mixer, darknet
/// addresses; Chainalysis/Elliptic-style direct and indirect exposure).
///
/// Direct: every address that sent value to, or received value from, an address tagged with one
/// of `categories` — any amount. Indirect, within `max-hops`: value-following paths toward the
/// tagged address (or away from it), each hop leaving within `max-dwell` of the one it follows,
/// the two amounts within `min-ratio` of each other, between addresses without an established
/// relationship, never through a hub. The amount exposed is the path's smallest transfer (the
/// most that can have gone the whole way) and must reach `min-amount`. Known limits: value is
/// matched by amount and time, not traced exactly (see the tracing analyzers for that).
extension AmlGraph {
    func exposure(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let wanted = Set(rule.categories)
        let tagged = snapshot.tags.filter { $0.value.contains(where: wanted.contains) }
        let targets = tagged.keys.sorted()
        if targets.isEmpty { return [] }
        let minAmount = perAsset(rule.minAmount)
        let taggedSet = Set(targets)
        return parallelMap(targets.count, threads: threads) { k -> [AmlAlert] in
            let x = targets[k]
            let categories = self.snapshot.tags[x]!.filter(wanted.contains).sorted().joined(separator: ", ")
            var alerts: [AmlAlert] = []
            for toward in [true, false] {
                // Direct: group the tagged address's rows by counterparty and asset.
                let direct = toward ? self.incoming(x) : self.outgoing(x)
                var byParty: [UInt64: [Int32]] = [:]
                for r in direct {
                    let y = toward ? self.snapshot.from[Int(r)] : self.snapshot.to[Int(r)]
                    if taggedSet.contains(y) { continue }
                    byParty[UInt64(y) << 16 | UInt64(self.snapshot.asset[Int(r)]), default: []].append(r)
                }
                for key in byParty.keys.sorted() {
                    let rows = byParty[key]!
                    let y = UInt32(key >> 16)
                    let asset = Int(key & 0xffff)
                    let sum = self.total(rows)
                    let text =
                        toward
                        ? "sent \(self.format(sum, asset: asset)) directly to an address tagged \(categories) in \(rows.count) transfer\(rows.count == 1 ? "" : "s")"
                        : "received \(self.format(sum, asset: asset)) directly from an address tagged \(categories) in \(rows.count) transfer\(rows.count == 1 ? "" : "s")"
                    alerts.append(
                        self.alert(
                            rule, score: 100, subjects: [y], rows: rows, asset: asset, amount: sum,
                            explanation: text))
                }
                // Indirect: breadth-first over value-following hops, best (largest) exposure per address.
                struct Label {
                    var amount: UInt256
                    var path: [Int32]
                }
                var best: [UInt32: Label] = [:]
                var frontier: [(UInt32, Label)] = []
                for r in direct {
                    let y = toward ? self.snapshot.from[Int(r)] : self.snapshot.to[Int(r)]
                    if taggedSet.contains(y) || self.hub[Int(y)] { continue }
                    let label = Label(amount: self.snapshot.amount[Int(r)], path: [r])
                    if let old = best[y], old.amount >= label.amount { continue }
                    best[y] = label
                }
                frontier = best.keys.sorted().map { ($0, best[$0]!) }
                var reported: [UInt32: Label] = [:]
                for _ in 1..<max(1, rule.maxHops) {
                    var nextBest: [UInt32: Label] = [:]
                    for (n, label) in frontier {
                        let edge = label.path.last!
                        let t = self.snapshot.time[Int(edge)]
                        let hops = toward ? self.incoming(n) : self.outgoing(n)
                        for r in hops {
                            let tr = self.snapshot.time[Int(r)]
                            if toward
                                ? (r >= edge || tr < t - rule.maxDwell)
                                : (r <= edge || tr > t + rule.maxDwell)
                            {
                                continue
                            }
                            if self.snapshot.asset[Int(r)] != self.snapshot.asset[Int(edge)] { continue }
                            let z = toward ? self.snapshot.from[Int(r)] : self.snapshot.to[Int(r)]
                            if z == x || taggedSet.contains(z) || self.hub[Int(z)]
                                || self.establishedRow[Int(r)]
                            {
                                continue
                            }
                            if label.path.contains(where: {
                                self.snapshot.from[Int($0)] == z || self.snapshot.to[Int($0)] == z
                            }) {
                                continue
                            }
                            let v = self.snapshot.amount[Int(r)]
                            guard v >= label.amount.permyriad(rule.minRatio),
                                label.amount >= v.permyriad(rule.minRatio)
                            else { continue }
                            let amount = min(v, label.amount)
                            if let old = best[z], old.amount >= amount { continue }
                            if let old = nextBest[z], old.amount >= amount { continue }
                            nextBest[z] = Label(amount: amount, path: label.path + [r])
                        }
                    }
                    for (z, label) in nextBest {
                        best[z] = label
                        reported[z] = label
                    }
                    frontier = nextBest.keys.sorted().map { ($0, nextBest[$0]!) }
                    if frontier.isEmpty { break }
                }
                for z in reported.keys.sorted() {
                    let label = reported[z]!
                    let asset = Int(self.snapshot.asset[Int(label.path[0])])
                    guard let floor = minAmount[asset, self.snapshot.time[Int(label.path[0])]],
                        label.amount >= floor
                    else { continue }
                    let hops = label.path.count
                    let text =
                        toward
                        ? "\(self.format(label.amount, asset: asset)) can have reached an address tagged \(categories) through \(hops) transfers (value-following path, rule: within \(rule.maxHops) hops, each within \(durationText(rule.maxDwell)))"
                        : "\(self.format(label.amount, asset: asset)) can have come from an address tagged \(categories) through \(hops) transfers (value-following path, rule: within \(rule.maxHops) hops, each within \(durationText(rule.maxDwell)))"
                    alerts.append(
                        self.alert(
                            rule, severity: rule.indirectSeverity, score: max(1, 100 - 20 * (hops - 1)),
                            subjects: [z],
                            rows: label.path, asset: asset, amount: label.amount, explanation: text))
                }
            }
            return alerts
        }
        .flatMap { $0 }
    }
}
