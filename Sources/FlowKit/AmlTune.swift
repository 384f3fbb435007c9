public import FlowAnalysis
public import FlowIngest
import FlowModel
import FlowRules
public import FlowStore
import Foundation

/// `chainflow aml tune`: each rule's thresholds searched on labelled data, written as a rule file.
///
/// The transfers (up to `until`, so that one period calibrates and the next is checked) are loaded
/// once and indexed once; each rule is then tuned on its own by coordinate search: every parameter
/// in turn takes each value of its candidate list while the others stay, the best by the objective
/// is kept, and the passes repeat until nothing improves (at most three). Ties keep the earlier
/// candidate, so the result is the same on every run and thread count. A rule is scored alone:
/// precision is the share of its alerts that hit a labelled instance (with account labels only:
/// whose subject is a laundering account), recall the share of its typology's instances it hits
/// (with no instance of its typology, or account labels only: the share of laundering accounts
/// among its alerts' addresses). A rule that hits nothing, or under recall-at-precision P reaches no
/// setting with precision P, is written disabled (exposure excepted: it follows tags, which labelled
/// ledgers rarely carry). The rules run together afterwards, so each should be precise on its own:
/// the default objective is recall at precision 0.5.
public enum AmlTune {
    public enum Objective: Sendable, Equatable {
        case f1
        /// The most recall at a precision of at least this.
        case recallAtPrecision(Double)

        public var text: String {
            switch self {
            case .f1: "f1"
            case .recallAtPrecision(let p): "recall-at-precision \(p)"
            }
        }
    }

    /// One rule's figures under some parameters.
    public struct Score: Sendable, Equatable {
        public var alerts: Int
        public var hits: Int
        public var found: Int
        public var planted: Int
        /// The objective on the worse of the two halves it was scored on.
        public var worse: Double = 0
        public var precision: Double { alerts == 0 ? 0 : Double(hits) / Double(alerts) }
        public var recall: Double { planted == 0 ? 0 : Double(found) / Double(planted) }
        public var f1: Double {
            precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }

        func value(_ o: Objective) -> Double {
            switch o {
            case .f1: return f1
            case .recallAtPrecision(let p):
                return precision >= p ? recall + precision / 1_000 : precision / 1_000
            }
        }
    }

    /// What tuning gave for one rule.
    public struct RuleResult: Sendable {
        public var rule: AmlRule
        public var before: Score
        public var after: Score
        public var evaluations: Int
    }

    public struct Report: Sendable {
        public var rules: AmlRuleSet
        /// How many rules the tuned rule file holds.
        public var ruleCount: Int { rules.rules.count }
        public var results: [RuleResult]
        public var objective: Objective
        public var transfers: Int
        public var labels: AmlLabelFile.Kind
        public var until: Int64?
        public var seconds: Double
    }

    /// The labels in dense snapshot terms.
    struct Truth {
        var instanceRows: [[Int32]] = []
        var instanceMembers: [Set<UInt32>] = []
        var typology: [String] = []
        var accounts = Set<UInt32>()
        var byRow: [Int32: [Int]] = [:]
        var byMember: [UInt32: [Int]] = [:]
        /// Instances that ended in the other half (not counted as planted in this one).
        var outside = Set<Int>()
    }

    public static func run(
        store: any CaseReadStore, labelsPath: String, base: AmlRuleSet, objective: Objective, until: Int64?,
        threads: Int?, progress: ((String) -> Void)? = nil
    ) throws -> Report {
        let start = ContinuousClock.now
        let threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let labels =
            labelsPath == "reviews"
            ? try AmlEvaluate.reviewLabels(store: store) : try AmlLabelFile.read(path: labelsPath)
        var snapshot = try store.transferSnapshot(from: .min, until: until ?? .max)
        snapshot.attachPrices(try store.priceSeries(currency: base.currency), currency: base.currency)
        if let until { snapshot.dataEnd = until }
        progress?("loaded \(snapshot.count) transfers between \(snapshot.addressCount) addresses")
        // Two halves of the calibration period: a setting counts by its worse half, so it must
        // hold on data it was not fitted to (a burst seen once does not).
        // The graph (hubs, relationships, rates) is the whole calibration period's; the alerts are
        // split by the half their window ends in.
        let mid = snapshot.time.isEmpty ? 0 : (snapshot.time.first! + snapshot.time.last!) / 2
        let truth = try self.truth(labels, snapshot: snapshot, store: store)
        var truths = [truth, truth]
        for h in 0..<2 {
            for k in truth.instanceRows.indices where !truth.instanceRows[k].isEmpty {
                let end = truth.instanceRows[k].map { snapshot.time[Int($0)] }.max()!
                if (end <= mid) != (h == 0) { truths[h].outside.insert(k) }
            }
        }
        var tuned = base
        var results: [RuleResult] = []
        for (k, rule) in base.rules.enumerated() where rule.detector != .peelChain || snapshot.count > 0 {
            var evaluations = 0
            func score(_ r: AmlRule) -> Score {
                evaluations += 1
                let alerts = AmlEngine.runEach(snapshot, settings: base, candidates: [r], threads: threads)[0]
                let parts = (0..<2).map { h in
                    self.score(alerts.filter { ($0.windowEnd <= mid) == (h == 0) }, rule: r, truth: truths[h])
                }
                var both = Score(
                    alerts: parts[0].alerts + parts[1].alerts, hits: parts[0].hits + parts[1].hits,
                    found: parts[0].found + parts[1].found, planted: parts[0].planted + parts[1].planted)
                both.worse = min(parts[0].value(objective), parts[1].value(objective))
                return both
            }
            let before = score(rule)
            var best = rule
            var bestScore = before
            for _ in 0..<3 {
                var improved = false
                for p in rule.detector.parameters {
                    for candidate in candidates(p, of: best) {
                        let s = score(candidate)
                        if s.worse > bestScore.worse + 1e-12 {
                            best = candidate
                            bestScore = s
                            improved = true
                        }
                    }
                }
                if !improved { break }
            }
            // A rule that only raised noise here is switched off; exposure stays (it follows the
            // tags, which labelled ledgers rarely carry).
            var precise = true
            // Precise enough on both halves (the objective rewards recall only from P up).
            if case .recallAtPrecision(let p) = objective {
                precise = bestScore.worse >= p / 1_000 + 1e-12 && bestScore.precision >= p
            }
            if (bestScore.hits == 0 || !precise) && rule.detector != .exposure {
                best = rule
                best.enabled = false
            }
            tuned.rules[k] = best
            results.append(RuleResult(rule: best, before: before, after: bestScore, evaluations: evaluations))
            progress?(
                String(
                    format: "tuned %@ (%d/%d): precision %.2f, recall %.2f after %d runs", rule.name, k + 1,
                    base.rules.count, bestScore.precision, bestScore.recall, evaluations))
        }
        return Report(
            rules: tuned, results: results, objective: objective, transfers: snapshot.count,
            labels: labels.kind,
            until: until, seconds: AmlRun.seconds(ContinuousClock.now - start))
    }

    static func truth(_ labels: AmlLabelFile, snapshot s: TransferSnapshot, store: any CaseReadStore) throws
        -> Truth
    {
        var t = Truth()
        var rowOf: [Int64: Int32] = [:]
        rowOf.reserveCapacity(s.count)
        for (k, id) in s.transferIds.enumerated() { rowOf[id] = Int32(k) }
        let txIds = try store.transferIds(tx: labels.instances.flatMap(\.transactions))
        let members = Set(labels.instances.flatMap(\.members)).union(labels.accounts)
        let addressIds = try store.addressIds(texts: members)
        var dense: [Int64: UInt32] = [:]
        for (k, id) in s.addressIds.enumerated() { dense[id] = UInt32(k) }
        func denseOf(_ text: String) -> UInt32? { addressIds[text].flatMap { dense[$0] } }
        for (k, i) in labels.instances.enumerated() {
            // Transactions by id, or transfers without one by their store id ("transfer:ID").
            let rows = i.transactions.flatMap { t -> [Int64] in
                if t.hasPrefix("transfer:"), let id = Int64(t.dropFirst(9)) { return [id] }
                return txIds[t] ?? []
            }.compactMap { rowOf[$0] }
            t.instanceRows.append(rows)
            t.instanceMembers.append(Set(i.members.compactMap(denseOf)))
            t.typology.append(i.typology)
            for r in rows { t.byRow[r, default: []].append(k) }
            if i.transactions.isEmpty {
                for m in i.members.compactMap(denseOf) { t.byMember[m, default: []].append(k) }
            }
        }
        t.accounts = Set(labels.accounts.compactMap(denseOf))
        return t
    }

    static func score(_ alerts: [AmlAlert], rule: AmlRule, truth t: Truth) -> Score {
        let own = t.typology.indices.filter { t.typology[$0] == rule.detector.rawValue }
        if t.instanceRows.isEmpty {
            var hits = 0
            var flagged = Set<UInt32>()
            for a in alerts {
                if a.subjects.contains(where: t.accounts.contains) { hits += 1 }
                flagged.formUnion(a.addresses)
            }
            return Score(
                alerts: alerts.count, hits: hits, found: flagged.intersection(t.accounts).count,
                planted: t.accounts.count)
        }
        var hitInstances = Set<Int>()
        var hits = 0
        for a in alerts {
            var h = Set<Int>()
            for r in a.rows { h.formUnion(t.byRow[r] ?? []) }
            if !t.byMember.isEmpty {
                var seen: [Int: Int] = [:]
                for m in a.addresses { for k in t.byMember[m] ?? [] { seen[k, default: 0] += 1 } }
                for m in a.subjects { for k in t.byMember[m] ?? [] { seen[k, default: 0] += 2 } }
                for (k, n) in seen where n >= 2 { h.insert(k) }
            }
            if !h.isEmpty { hits += 1 }
            hitInstances.formUnion(h)
        }
        let target = (own.isEmpty ? Set(t.typology.indices) : Set(own)).subtracting(t.outside)
        return Score(
            alerts: alerts.count, hits: hits, found: hitInstances.intersection(target).count,
            planted: target.count)
    }

    /// The values tried for one parameter (the rule's current value among them).
    static func candidates(_ p: AmlParameter, of r: AmlRule) -> [AmlRule] {
        let day: Int64 = 86_400
        func each<T>(_ values: [T], _ set: (inout AmlRule, T) -> Void) -> [AmlRule] {
            values.map { v in
                var c = r
                set(&c, v)
                return c
            }
        }
        switch p {
        case .window: return each([1, 2, 3, 7, 14, 30, 60].map { $0 * day }) { $0.window = $1 }
        case .maxDwell: return each([day / 4, day, 3 * day, 7 * day]) { $0.maxDwell = $1 }
        case .dormancy: return each([14 * day, 30 * day, 60 * day]) { $0.dormancy = $1 }
        case .minCounterparties: return each([3, 4, 5, 6, 8, 10, 15]) { $0.minCounterparties = $1 }
        case .minIntermediaries: return each([2, 3, 4, 5]) { $0.minIntermediaries = $1 }
        case .minSenders: return each([2, 3, 4, 5]) { $0.minSenders = $1 }
        case .minRecipients: return each([2, 3, 4, 5]) { $0.minRecipients = $1 }
        case .minEdges: return each([3, 4, 6, 8]) { $0.minEdges = $1 }
        case .minLayers: return each([2, 3, 4]) { $0.minLayers = $1 }
        case .minHops:
            return each([2, 3, 4, 5, 6].filter { $0 <= r.maxHops || r.detector != .cycle }) {
                $0.minHops = $1
            }
        case .maxHops: return each([4, 6, 8].filter { $0 >= r.minHops }) { $0.maxHops = $1 }
        case .minCount: return each([2, 3, 4, 6, 10]) { $0.minCount = $1 }
        case .minRatio:
            return each([5_000, 7_000, 8_000, 9_000, 9_500].filter { $0 <= r.maxRatio }) { $0.minRatio = $1 }
        case .maxRatio:
            return each([10_500, 11_000, 12_000, 15_000].filter { $0 >= r.minRatio }) { $0.maxRatio = $1 }
        case .minDensity: return each([4_000, 6_000, 8_000]) { $0.minDensity = $1 }
        case .margin: return each([500, 1_000, 2_000]) { $0.margin = $1 }
        case .maxPeel: return each([1_000, 2_000, 3_000]) { $0.maxPeel = $1 }
        case .maxChance: return each([1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8]) { $0.maxChance = $1 }
        case .timeOrder: return each([true, false]) { $0.inTimeOrder = $1 }
        case .minAmount:
            return each(["0", "100", "500", "1000", "2000", "5000", "10000"]) {
                $0.minAmount = AmountThreshold($1, perAsset: r.minAmount.perAsset)
            }
        // Regulatory thresholds, tag categories and severities are the user's, not the data's.
        case .threshold, .categories, .indirectSeverity: return []
        }
    }

    /// The tuned rule file: documented like the default one, each rule with the figures it
    /// reached and had before.
    public static func ruleFile(_ r: Report, labelsPath: String) -> String {
        var out = """
            # chainflow AML rules (version 1), tuned by `chainflow aml tune` on \(labelsPath)
            # (\(r.labels.rawValue)), \(r.transfers) transfers\(r.until.map { " up to \(TimeParser.isoString($0))" } ?? ""),
            # objective \(r.objective.text). Figures are each rule alone on that data; check them on a
            # later period with `chainflow aml evaluate --since …` before relying on them.
            version: 1

            settings:
              currency: \(r.rules.currency)
              hub-min-counterparties: \(r.rules.hubMinCounterparties)
              hub-categories: [\(r.rules.hubCategories.joined(separator: ", "))]
              established-span: \(AmlRuleFile.durationText(r.rules.establishedSpan))
              lookback: \(AmlRuleFile.durationText(r.rules.lookback))

            rules:

            """
        for rule in r.rules.rules {
            if let res = r.results.first(where: { $0.rule.name == rule.name }) {
                out += String(
                    format:
                        "  # %@: precision %.2f, recall %.2f (%d alerts, %d hits) tuned; %.2f, %.2f before\n",
                    rule.name, res.after.precision, res.after.recall, res.after.alerts, res.after.hits,
                    res.before.precision, res.before.recall)
                if !rule.enabled && res.after.hits == 0 {
                    out += "  # (disabled: it hit nothing in the labelled data)\n"
                } else if !rule.enabled, case .recallAtPrecision(let p) = r.objective, res.after.precision < p
                {
                    out += "  # (disabled: it reached no setting with precision \(p) or more)\n"
                }
            }
            out += "  \(rule.name):\n"
            if AmlRuleSet.standard.rules.first(where: { $0.name == rule.name }) == nil {
                out += "    detector: \(rule.detector.rawValue)\n"
            }
            out += "    enabled: \(rule.enabled)\n    severity: \(rule.severity.name)\n"
            for p in rule.detector.parameters {
                out += "    \(p.rawValue): \(AmlRuleFile.value(p, of: rule))\n"
            }
            out += "\n"
        }
        return out
    }
}
