public import FlowModel

/// Runs a rule set over a transfer snapshot: builds the graph index, runs every enabled
/// account-model rule (each over partitions of the graph on up to `threads` threads), keeps the
/// alerts the snapshot's report range asks for, and sorts them. The result is the same, element
/// for element, whatever the thread count.
public enum AmlEngine {
    /// Timings of one pass, for the benchmark and progress lines.
    public struct Timing: Sendable {
        public var indexSeconds: Double = 0
        public var rules: [(name: String, seconds: Double, alerts: Int)] = []
    }

    /// Runs every enabled account-model rule of `rules` over `snapshot` on up to `threads` threads
    /// (UTXO rules run separately: `PeelChainDetector`). `timing`, when given, receives the time of
    /// the index and of each rule.
    public static func run(
        _ snapshot: TransferSnapshot, rules: AmlRuleSet, threads: Int, timing: UnsafeTiming? = nil
    ) -> [AmlAlert] {
        let clock = ContinuousClock()
        let t0 = clock.now
        let graph = AmlGraph(snapshot: snapshot, settings: rules, threads: threads)
        timing?.value.indexSeconds = seconds(clock.now - t0)
        var alerts: [AmlAlert] = []
        for rule in rules.rules where rule.enabled {
            let t = clock.now
            let found = graph.run(rule, threads: threads)
            timing?.value.rules.append((rule.name, seconds(clock.now - t), found.count))
            alerts += found
        }
        return finish(alerts, snapshot: snapshot)
    }

    /// Runs each of `candidates` (account-model rules; any detector, any parameters) on its own
    /// over one graph index built with `settings`, for calibration: the alerts of each, filtered
    /// and sorted as `run` does.
    public static func runEach(
        _ snapshot: TransferSnapshot, settings: AmlRuleSet, candidates: [AmlRule], threads: Int
    ) -> [[AmlAlert]] {
        let graph = AmlGraph(snapshot: snapshot, settings: settings, threads: threads)
        return candidates.map { finish(graph.run($0, threads: threads), snapshot: snapshot) }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Keeps alerts whose window ends in the report range (and that include a new transfer when
    /// the snapshot says which are new), then sorts them.
    static func finish(_ alerts: [AmlAlert], snapshot: TransferSnapshot) -> [AmlAlert] {
        alerts.filter { a in
            guard a.windowEnd >= snapshot.reportFrom, a.windowEnd <= snapshot.reportUntil else {
                return false
            }
            guard let hwm = snapshot.newAfterTransferId, a.utxoTransactions.isEmpty else { return true }
            return a.rows.contains { snapshot.transferIds[Int($0)] > hwm }
        }
        .sorted(by: ordered)
    }

    /// The output order: window start, window end, rule, subjects, evidence.
    public static func ordered(_ a: AmlAlert, _ b: AmlAlert) -> Bool {
        if a.windowStart != b.windowStart { return a.windowStart < b.windowStart }
        if a.windowEnd != b.windowEnd { return a.windowEnd < b.windowEnd }
        if a.rule != b.rule { return a.rule < b.rule }
        if a.subjects != b.subjects { return a.subjects.lexicographicallyPrecedes(b.subjects) }
        if a.rows != b.rows { return a.rows.lexicographicallyPrecedes(b.rows) }
        return a.utxoTransactions.lexicographicallyPrecedes(b.utxoTransactions)
    }
}

/// A timing record a caller hands in and reads afterwards (the pass itself is synchronous).
public final class UnsafeTiming: @unchecked Sendable {
    public var value = AmlEngine.Timing()
    public init() {}
}

extension AmlGraph {
    /// Runs one account-model rule (the UTXO form of peel chains runs in `PeelChainDetector`).
    func run(_ rule: AmlRule, threads: Int) -> [AmlAlert] {
        switch rule.detector {
        case .fanIn: fan(rule, incoming: true, threads: threads)
        case .fanOut: fan(rule, incoming: false, threads: threads)
        case .gatherScatter: gatherScatter(rule, threads: threads)
        case .scatterGather: scatterGather(rule, threads: threads)
        case .cycle: cycles(rule, threads: threads)
        case .bipartite: bipartite(rule, threads: threads)
        case .stack: stack(rule, threads: threads)
        case .randomWalk: randomWalk(rule, threads: threads)
        case .structuring: structuring(rule, threads: threads)
        case .passThrough: passThrough(rule, threads: threads)
        case .velocity: velocity(rule, threads: threads)
        case .exposure: exposure(rule, threads: threads)
        case .peelChain: accountPeelChains(rule, threads: threads)
        }
    }
}
