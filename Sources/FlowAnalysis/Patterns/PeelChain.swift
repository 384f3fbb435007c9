public import FlowModel

/// Peel chains (UTXO): a large amount moved through a run of transactions that each have one
/// input and two outputs, where the larger output (the change) is spent by the next such
/// transaction and the smaller one "peels" off a payment of at most `max-peel` of the input.
/// Described in Meiklejohn et al., "A Fistful of Bitcoins" (IMC 2013) and FATF's virtual-asset
/// red flags (funds split through many transactions). Known false positives: a wallet paying many
/// bills in sequence from one balance looks the same; `min-hops` and `min-amount` keep those out.
public enum PeelChainDetector {
    /// The peel chains of `s` under `rule` (`min-hops`, `max-peel`, `min-amount` in BTC), one alert
    /// per chain, from its first transaction.
    public static func run(_ s: PeelSnapshot, rule: AmlRule) -> [AmlAlert] {
        guard s.count > 0 else { return [] }
        let btc = TransferSnapshot.AssetInfo(id: 1, symbol: "BTC", decimals: 8)
        let minAmount = rule.minAmount.baseUnits(for: btc).flatMap(\.uint64).map { Int64(clamping: $0) } ?? 0
        var index: [Int64: Int] = [:]
        index.reserveCapacity(s.count)
        for (k, id) in s.txIds.enumerated() { index[id] = k }
        /// Which output is the change (the larger), when the smaller is a peel of at most max-peel.
        func change(_ k: Int) -> Int? {
            let a = s.outputValue[2 * k]
            let b = s.outputValue[2 * k + 1]
            let total = a + b
            guard total > 0 else { return nil }
            let (big, small) = a >= b ? (0, b) : (1, a)
            return small * 10_000 <= total * Int64(rule.maxPeel) ? big : nil
        }
        var next = [Int](repeating: -1, count: s.count)
        var hasPrevious = [Bool](repeating: false, count: s.count)
        for k in 0..<s.count {
            guard let c = change(k) else { continue }
            let spender = s.spentBy[2 * k + c]
            guard spender != 0, let j = index[spender], change(j) != nil else { continue }
            next[k] = j
            hasPrevious[j] = true
        }
        var alerts: [AmlAlert] = []
        for k in 0..<s.count where !hasPrevious[k] && next[k] >= 0 {
            var chain = [k]
            var cur = k
            while next[cur] >= 0 && chain.count < 10_000 {
                cur = next[cur]
                chain.append(cur)
            }
            guard chain.count >= rule.minHops else { continue }
            let first = s.outputValue[2 * k] + s.outputValue[2 * k + 1]
            guard first >= minAmount else { continue }
            var peeled: Int64 = 0
            var addresses = Set<Int64>()
            for j in chain {
                let c = change(j)!
                peeled += s.outputValue[2 * j + 1 - c]
                for o in 0..<2 where s.outputAddress[2 * j + o] != 0 {
                    addresses.insert(s.outputAddress[2 * j + o])
                }
                if s.inputAddress[j] != 0 { addresses.insert(s.inputAddress[j]) }
            }
            let last = chain.last!
            let origin = s.inputAddress[k] != 0 ? s.inputAddress[k] : s.outputAddress[2 * k + change(k)!]
            let remaining = s.outputValue[2 * last + change(last)!]
            let span = s.time[last] - s.time[k]
            let text =
                "\(UInt256(UInt64(first)).decimalString(decimals: 8)) BTC peeled through \(chain.count) transactions within \(durationText(span)): \(UInt256(UInt64(peeled)).decimalString(decimals: 8)) BTC paid out in small outputs, \(UInt256(UInt64(remaining)).decimalString(decimals: 8)) BTC left (rule: at least \(rule.minHops) hops, each peeling at most \(percentText(rule.maxPeel)))"
            var alert =
                AmlAlert(
                    rule: rule.name, typology: rule.detector.rawValue, severity: rule.severity,
                    score: score(chain.count, rule.minHops), subjects: [], addresses: [], rows: [],
                    windowStart: s.time[k], windowEnd: s.time[last], asset: -1,
                    amount: UInt256(UInt64(first)),
                    explanation: text, utxoTransactions: chain.map { s.txIds[$0] }.sorted(),
                    utxoAddresses: addresses.sorted())
            alert.utxoSubjects = origin == 0 ? [] : [origin]
            alerts.append(alert)
        }
        return alerts
    }
}

extension AmlGraph {
    /// Account-model peel chains: an address receives an amount and, within `max-dwell`, sends a
    /// small part of it (at most `max-peel`) to one address and the rest, less at most 5% in fees,
    /// on to a new address, which does the same; at least `min-hops` such hand-offs, the first at
    /// least `min-amount`. Known false positives: an account paying one bill and moving its
    /// balance to a new account of its own, repeatedly; `min-hops` keeps those out.
    func accountPeelChains(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let minAmount = perAsset(rule.minAmount)
        let n = snapshot.count
        let chunks = max(1, threads <= 1 ? 1 : threads * 8)
        // For each row into a non-hub address: the change row that carries it on and the peel row.
        let links = parallelMap(chunks, threads: threads) { c -> [(Int32, Int32)] in
            var out: [(Int32, Int32)] = []
            for r in n * c / chunks..<n * (c + 1) / chunks {
                let u = self.snapshot.from[r]
                let v = self.snapshot.to[r]
                var link: (Int32, Int32) = (-1, -1)
                if !self.hub[Int(v)] && u != v {
                    let x = self.snapshot.amount[r]
                    let maxPeel = x.permyriad(rule.maxPeel)
                    let outs = self.after(
                        Int32(r), until: self.snapshot.time[r] + rule.maxDwell, in: self.outgoing(v))
                    var peel: Int32 = -1
                    var change: Int32 = -1
                    for f in outs where self.snapshot.asset[Int(f)] == self.snapshot.asset[r] {
                        let y = self.snapshot.to[Int(f)]
                        if y == u || y == v { continue }
                        let a = self.snapshot.amount[Int(f)]
                        if peel < 0 && a <= maxPeel && a != .zero {
                            peel = f
                        } else if change < 0 && a <= x && a > maxPeel {
                            change = f
                        }
                        if peel >= 0 && change >= 0 { break }
                    }
                    if peel >= 0 && change >= 0
                        && self.snapshot.to[Int(peel)] != self.snapshot.to[Int(change)]
                    {
                        let both = self.snapshot.amount[Int(peel)] + self.snapshot.amount[Int(change)]
                        if both <= x && both >= x.permyriad(9_500) { link = (change, peel) }
                    }
                }
                out.append(link)
            }
            return out
        }
        .flatMap { $0 }
        var hasPrevious = [Bool](repeating: false, count: n)
        for l in links where l.0 >= 0 { hasPrevious[Int(l.0)] = true }
        var alerts: [AmlAlert] = []
        for r in 0..<n where !hasPrevious[r] && links[r].0 >= 0 {
            let asset = Int(snapshot.asset[r])
            guard let floor = minAmount[asset, snapshot.time[r]], snapshot.amount[r] >= floor,
                !hub[Int(snapshot.from[r])]
            else { continue }
            var nodes = [snapshot.from[r], snapshot.to[r]]
            var rows = [Int32(r)]
            var peels: [Int32] = []
            var cur = r
            while links[cur].0 >= 0 && peels.count < 256 {
                let (f, p) = links[cur]
                let y = snapshot.to[Int(f)]
                if nodes.contains(y) { break }
                nodes.append(y)
                rows.append(f)
                peels.append(p)
                cur = Int(f)
            }
            guard peels.count >= rule.minHops else { continue }
            let first = snapshot.amount[r]
            let last = snapshot.amount[Int(rows.last!)]
            let peeled = total(peels)
            let span = snapshot.time[Int(rows.last!)] - snapshot.time[r]
            let text =
                "\(format(first, asset: asset)) moved through \(peels.count) addresses that each peeled off at most \(percentText(rule.maxPeel)) and passed the rest on, \(format(peeled, asset: asset)) peeled in all, \(format(last, asset: asset)) at the end, within \(durationText(span)) (rule: at least \(rule.minHops) hops, each within \(durationText(rule.maxDwell)))"
            alerts.append(
                alert(
                    rule, score: score(peels.count, rule.minHops), subjects: [nodes[1]], rows: rows + peels,
                    asset: asset, amount: first, explanation: text))
        }
        return alerts
    }
}
