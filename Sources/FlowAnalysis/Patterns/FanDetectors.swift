import FlowModel
import Foundation

/// Fan-in, fan-out, gather-scatter, structuring and velocity: rules about one address and its
/// counterparties inside a time window.
///
/// Hub handling (why exchanges and payroll do not flood these rules): a subject that is a hub
/// (`AmlRuleSet.hubMinCounterparties` distinct counterparties or a hub tag) is skipped, and only
/// new counterparties count, not those with an established relationship (transfers at least
/// `AmlRuleSet.establishedSpan` apart: monthly salaries, rent, a regular shop). Known false
/// positives: a new business's first busy days, collections among friends (kept out by
/// `min-amount`), a payroll in its first month when the loaded history holds no other month.
extension AmlGraph {
    /// Fan-in (AMLSim `fan_in`): at least `min-counterparties` new senders pay one address within
    /// `window`, together at least `min-amount`. Fan-out (`fan_out`) is the mirror image.
    func fan(_ rule: AmlRule, incoming: Bool, threads: Int) -> [AmlAlert] {
        let minAmount = perAsset(rule.minAmount)
        return chunked(snapshot.addressCount, threads: threads) { range in
            var alerts: [AmlAlert] = []
            for a in range {
                let subject = UInt32(a)
                if self.hub[a] { continue }
                let list = incoming ? self.incoming(subject) : self.outgoing(subject)
                if list.count < rule.minCounterparties
                    || self.busiest(list, window: rule.window) < rule.minCounterparties
                {
                    continue
                }
                let other = incoming ? self.snapshot.from : self.snapshot.to
                let rows = list.filter {
                    let c = other[Int($0)]
                    return c != subject && !self.establishedRow[Int($0)]
                }
                for (asset, group) in self.byAsset(rows) {
                    guard minAmount.applies(asset) else { continue }
                    // The subject's rate of new counterparties: distinct ones over the loaded data.
                    let counterparties = rule.maxChance < 1 ? Set(group.map { other[Int($0)] }).count : 0
                    slidingWindows(
                        group, time: self.snapshot.time, window: rule.window, key: { other[Int($0)] }
                    ) {
                        span, distinct in
                        guard distinct >= rule.minCounterparties else { return false }
                        let sum = self.total(span)
                        guard let floor = minAmount[asset, self.snapshot.time[Int(span.first!)]], sum >= floor
                        else { return false }
                        let expected = self.expectedInWindow(
                            total: counterparties, inWindow: distinct, window: rule.window)
                        let chance = poissonTail(distinct, expected)
                        guard rule.maxChance >= 1 || chance <= rule.maxChance else { return false }
                        let t0 = self.snapshot.time[Int(span.first!)]
                        let t1 = self.snapshot.time[Int(span.last!)]
                        let history =
                            rule.maxChance >= 1
                            ? ""
                            : String(
                                format: "; its own history predicts %.2f in such a window, a chance of %@",
                                expected, chanceText(chance))
                        let text =
                            incoming
                            ? "\(distinct) new senders paid \(self.format(sum, asset: asset)) into one address within \(durationText(t1 - t0))\(history) (rule: at least \(rule.minCounterparties) within \(durationText(rule.window)))"
                            : "one address paid \(self.format(sum, asset: asset)) out to \(distinct) new recipients within \(durationText(t1 - t0))\(history) (rule: at least \(rule.minCounterparties) within \(durationText(rule.window)))"
                        alerts.append(
                            self.alert(
                                rule, score: score(distinct, rule.minCounterparties), subjects: [subject],
                                rows: Array(span), asset: asset, amount: sum, explanation: text))
                        return true
                    }
                }
            }
            return alerts
        }
    }

    /// Gather-scatter (AMLSim `gather_scatter`): at least `min-senders` new senders pay one
    /// address, which pays at least `min-ratio` of it on to `min-recipients` new recipients, all
    /// within `window`.
    func gatherScatter(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let minAmount = perAsset(rule.minAmount)
        return chunked(snapshot.addressCount, threads: threads) { range in
            var alerts: [AmlAlert] = []
            for a in range {
                let h = UInt32(a)
                if self.hub[a] { continue }
                let inList = self.incoming(h)
                let outList = self.outgoing(h)
                if inList.count < rule.minSenders || outList.count < rule.minRecipients
                    || self.busiest(inList, window: rule.window) < rule.minSenders
                    || self.busiest(outList, window: rule.window) < rule.minRecipients
                {
                    continue
                }
                let ins = inList.filter {
                    let c = self.snapshot.from[Int($0)]
                    return c != h && !self.establishedRow[Int($0)]
                }
                let outs = outList.filter {
                    let c = self.snapshot.to[Int($0)]
                    return c != h && !self.establishedRow[Int($0)]
                }
                if outs.count < rule.minRecipients { continue }
                for (asset, group) in self.byAsset(ins) {
                    guard minAmount.applies(asset) else { continue }
                    let counterparties =
                        rule.maxChance < 1 ? Set(group.map { self.snapshot.from[Int($0)] }).count : 0
                    slidingWindows(
                        group, time: self.snapshot.time, window: rule.window,
                        key: { self.snapshot.from[Int($0)] }
                    ) { span, distinct in
                        guard distinct >= rule.minSenders else { return false }
                        let inSum = self.total(span)
                        guard let floor = minAmount[asset, self.snapshot.time[Int(span.first!)]],
                            inSum >= floor
                        else { return false }
                        let inChance =
                            rule.maxChance < 1
                            ? poissonTail(
                                distinct,
                                self.expectedInWindow(
                                    total: counterparties, inWindow: distinct, window: rule.window))
                            : 1
                        let first = span.first!
                        let deadline = self.snapshot.time[Int(first)] + rule.window
                        let senders = Set(span.map { self.snapshot.from[Int($0)] })
                        let scattered = outs.filter {
                            $0 > first && self.snapshot.time[Int($0)] <= deadline
                                && Int(self.snapshot.asset[Int($0)]) == asset
                                && !senders.contains(self.snapshot.to[Int($0)])
                        }
                        let recipients = Set(scattered.map { self.snapshot.to[Int($0)] }).count
                        guard recipients >= rule.minRecipients else { return false }
                        let outSum = self.total(scattered)
                        // About the money that came in goes out: not a balance paid out on top of it.
                        guard outSum >= inSum.permyriad(rule.minRatio),
                            outSum <= inSum.permyriad(rule.maxRatio)
                        else { return false }
                        if rule.maxChance < 1 {
                            // Both bursts at the subject's own rates: the chance of seeing them together.
                            let all = Set(
                                outs.filter { Int(self.snapshot.asset[Int($0)]) == asset }
                                    .map { self.snapshot.to[Int($0)] }
                            ).count
                            let outChance = poissonTail(
                                recipients,
                                self.expectedInWindow(total: all, inWindow: recipients, window: rule.window))
                            guard inChance * outChance <= rule.maxChance else { return false }
                        }
                        let text =
                            "\(distinct) new senders paid \(self.format(inSum, asset: asset)) into one address, which paid \(self.format(outSum, asset: asset)) on to \(recipients) new recipients within \(durationText(rule.window)) (rule: at least \(rule.minSenders) in, \(rule.minRecipients) out, \(percentText(rule.minRatio)) passed on)"
                        alerts.append(
                            self.alert(
                                rule,
                                score: score(
                                    min(distinct, recipients), min(rule.minSenders, rule.minRecipients)),
                                subjects: [h], rows: Array(span) + scattered, asset: asset, amount: inSum,
                                explanation: text))
                        return true
                    }
                }
            }
            return alerts
        }
    }

    /// Structuring ("smurfing"; FATF red flag: transactions just below reporting thresholds):
    /// at least `min-count` transfers into, or out of, one address within `window`, each in
    /// [threshold × (1 − margin), threshold). Counterparties with an established relationship do
    /// not count (a salary just under the threshold, paid every month, is not structuring).
    func structuring(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let thresholds = perAsset(rule.threshold)
        // Rows just under the threshold of their asset, between addresses without an
        // established relationship: computed once, in parallel.
        let n = snapshot.count
        let parts = max(1, threads <= 1 ? 1 : threads * 4)
        let band = parallelMap(parts, threads: threads) { c -> [Bool] in
            (n * c / parts..<n * (c + 1) / parts).map { r in
                let asset = Int(self.snapshot.asset[r])
                guard let top = thresholds[asset, self.snapshot.time[r]] else { return false }
                let bottom = top.permyriad(10_000 - rule.margin)
                let v = self.snapshot.amount[r]
                return v >= bottom && v < top && self.snapshot.from[r] != self.snapshot.to[r]
                    && !self.establishedRow[r]
            }
        }
        .flatMap { $0 }
        return chunked(snapshot.addressCount, threads: threads) { range in
            var alerts: [AmlAlert] = []
            for a in range {
                let s = UInt32(a)
                if self.hub[a] { continue }
                for incoming in [true, false] {
                    let list = incoming ? self.incoming(s) : self.outgoing(s)
                    var count = 0
                    for r in list where band[Int(r)] { count += 1 }
                    if count < rule.minCount { continue }
                    let rows = list.filter { band[Int($0)] }
                    if rows.count < rule.minCount { continue }
                    for (asset, group) in self.byAsset(rows) {
                        countingWindows(group, time: self.snapshot.time, window: rule.window) { span, count in
                            guard count >= rule.minCount else { return false }
                            let sum = self.total(span)
                            let t0 = self.snapshot.time[Int(span.first!)]
                            let t1 = self.snapshot.time[Int(span.last!)]
                            let top = thresholds[asset, t0]!
                            let text =
                                "\(count) transfers just under the \(self.format(top, asset: asset)) threshold (\(self.format(top.permyriad(10_000 - rule.margin), asset: asset)) or more) \(incoming ? "into" : "out of") one address within \(durationText(t1 - t0)), \(self.format(sum, asset: asset)) in all (rule: at least \(rule.minCount) within \(durationText(rule.window)))"
                            alerts.append(
                                self.alert(
                                    rule, score: score(count, rule.minCount), subjects: [s],
                                    rows: Array(span),
                                    asset: asset, amount: sum, explanation: text))
                            return true
                        }
                    }
                }
            }
            return alerts
        }
    }

    /// Velocity burst and dormancy (FATF red flag: a dormant account suddenly active, or one
    /// used in a burst and then abandoned): at least `min-count` transfers in or out with new
    /// counterparties within `window`, with no activity at all for at least `dormancy` after the
    /// burst (the loaded data reaching that far) or before it (after earlier activity). Transfers
    /// with established counterparties (a payroll's monthly run) do not make a burst.
    func velocity(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        let dataEnd = snapshot.dataEnd
        return chunked(snapshot.addressCount, threads: threads) { range in
            var alerts: [AmlAlert] = []
            for a in range {
                let s = UInt32(a)
                if self.hub[a] { continue }
                let ins = self.incoming(s)
                let outs = self.outgoing(s)
                if ins.count + outs.count < rule.minCount
                    || self.busiest(ins, window: rule.window) + self.busiest(outs, window: rule.window)
                        < rule.minCount
                {
                    continue
                }
                var rows: [Int32] = []
                rows.reserveCapacity(ins.count + outs.count)
                var i = ins.startIndex
                var o = outs.startIndex
                while i < ins.endIndex || o < outs.endIndex {
                    if o == outs.endIndex || (i < ins.endIndex && ins[i] < outs[o]) {
                        rows.append(ins[i])
                        i += 1
                    } else {
                        // A transfer to itself is in both lists: take it once.
                        if i < ins.endIndex && ins[i] == outs[o] { i += 1 }
                        rows.append(outs[o])
                        o += 1
                    }
                }
                let time = self.snapshot.time
                // The burst counts transfers with new counterparties; silence counts everything.
                let fresh = rows.filter { !self.establishedRow[Int($0)] }
                if fresh.count < rule.minCount { continue }
                countingWindows(fresh, time: time, window: rule.window) { span, count in
                    guard count >= rule.minCount else { return false }
                    let start = time[Int(span.first!)]
                    let end = time[Int(span.last!)]
                    // Neighbours of the burst in all of the address's rows.
                    var lo = 0
                    var hi = rows.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if rows[mid] < span.first! { lo = mid + 1 } else { hi = mid }
                    }
                    let firstIndex = lo
                    lo = firstIndex
                    hi = rows.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if rows[mid] <= span.last! { lo = mid + 1 } else { hi = mid }
                    }
                    let afterIndex = lo
                    let after = afterIndex < rows.count ? time[Int(rows[afterIndex])] - end : dataEnd - end
                    let before: Int64? = firstIndex > 0 ? start - time[Int(rows[firstIndex - 1])] : nil
                    let quietAfter = after >= rule.dormancy
                    let quietBefore = (before ?? 0) >= rule.dormancy
                    guard quietAfter || quietBefore else { return false }
                    let asset = Int(self.snapshot.asset[Int(span.first!)])
                    let sum = self.total(span.filter { Int(self.snapshot.asset[Int($0)]) == asset })
                    var text = "\(count) transfers within \(durationText(end - start))"
                    if quietBefore { text += " after \(durationText(before!)) without activity" }
                    if quietAfter {
                        text +=
                            afterIndex < rows.count
                            ? ", then \(durationText(after)) without activity"
                            : ", then none in the \(durationText(after)) to the end of the data"
                    }
                    text +=
                        " (rule: at least \(rule.minCount) within \(durationText(rule.window)), dormancy \(durationText(rule.dormancy)))"
                    alerts.append(
                        self.alert(
                            rule, score: score(count, rule.minCount), subjects: [s], rows: Array(span),
                            asset: asset,
                            amount: sum, explanation: text))
                    return true
                }
            }
            return alerts
        }
    }
}
