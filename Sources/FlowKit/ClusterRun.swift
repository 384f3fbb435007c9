public import FlowAnalysis
public import FlowModel
public import FlowReport
public import FlowStore
import Foundation

/// The heuristics a clustering run applies, as `--heuristics` names them:
/// `multi-input`, `change:EXPR` (see `ChangeRule`) and `deposit-address`, comma-separated.
public struct HeuristicSet: Sendable, Equatable, CustomStringConvertible {
    public var multiInput: Bool
    public var change: ChangeRule?
    public var depositAddress: Bool

    public init(multiInput: Bool = true, change: ChangeRule? = nil, depositAddress: Bool = true) {
        self.multiInput = multiInput
        self.change = change
        self.depositAddress = depositAddress
    }

    /// The default: multi-input and deposit-address (which does nothing without exchange tags).
    public static let standard = HeuristicSet()

    /// Parses `multi-input,change:one-time&address-type,deposit-address`.
    public static func parse(_ text: String) throws(UsageError) -> HeuristicSet {
        var set = HeuristicSet(multiInput: false, change: nil, depositAddress: false)
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            switch item {
            case "multi-input": set.multiInput = true
            case "deposit-address": set.depositAddress = true
            case let c where c.hasPrefix("change:"):
                guard set.change == nil else {
                    throw UsageError(
                        "give one change rule; combine heuristics in it with & and |", command: "cluster")
                }
                do {
                    set.change = try ChangeRule.parse(String(c.dropFirst("change:".count)))
                } catch {
                    throw UsageError(error.message, command: "cluster")
                }
            default:
                throw UsageError(
                    "unknown heuristic '\(item.prefix(60))'; known: multi-input, change:NAME[&NAME|NAME…] (\(ChangeHeuristic.allCases.map(\.rawValue).joined(separator: ", "))), deposit-address",
                    command: "cluster")
            }
        }
        guard set.multiInput || set.change != nil || set.depositAddress else {
            throw UsageError("--heuristics names no heuristic", command: "cluster")
        }
        return set
    }

    public var description: String {
        var parts: [String] = []
        if multiInput { parts.append("multi-input") }
        if let change { parts.append("change:\(change)") }
        if depositAddress { parts.append("deposit-address") }
        return parts.joined(separator: ",")
    }
}

/// Options of `chainflow cluster run`.
public struct ClusterOptions: Sendable {
    public var heuristics: HeuristicSet
    /// Leave CoinJoin-like transactions out (`CoinJoinRule`).
    public var skipCoinJoin: Bool
    /// Link change only when exactly one output qualifies.
    public var changeUnique: Bool
    /// `round-value`: payments are multiples of 10^roundDigits satoshi.
    public var roundDigits: Int
    /// Warn when a merge joins two clusters that both have at least this many addresses.
    public var superClusterSize: Int
    public var depositMaxBlocks: Int64
    /// Largest deposit − forward difference, in units of each asset ("0.01" = 0.01 ETH).
    public var depositTolerance: String
    /// Tag categories that mark exchange addresses.
    public var exchangeCategories: [String]
    /// Threads for loading and the heuristics.
    public var threads: Int
    /// Threads for the union-find pass. Its parallel form gives the same result for any count,
    /// but on multi-input links it measured slower than one thread on 2 cores (most links of a
    /// chunk survive its private filter, see docs/performance.md), so it is opt-in.
    public var unionFindThreads: Int
    /// Recluster everything even when an incremental update is possible.
    public var full: Bool

    public init(
        heuristics: HeuristicSet = .standard, skipCoinJoin: Bool = true, changeUnique: Bool = true,
        roundDigits: Int = 6, superClusterSize: Int = 10_000, depositMaxBlocks: Int64 = 3200,
        depositTolerance: String = "0.01", exchangeCategories: [String] = ["exchange"], threads: Int? = nil,
        unionFindThreads: Int = 1, full: Bool = false
    ) {
        self.heuristics = heuristics
        self.skipCoinJoin = skipCoinJoin
        self.changeUnique = changeUnique
        self.roundDigits = roundDigits
        self.superClusterSize = superClusterSize
        self.depositMaxBlocks = depositMaxBlocks
        self.depositTolerance = depositTolerance
        self.exchangeCategories = exchangeCategories
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        self.unionFindThreads = max(1, unionFindThreads)
        self.full = full
    }

    /// The change rule with this run's uniqueness and round-value settings.
    var changeRule: ChangeRule? {
        guard var rule = heuristics.change else { return nil }
        rule.requireUnique = changeUnique
        rule.roundDigits = roundDigits
        return rule
    }

    /// The parameters that decide the clusters (an incremental run needs them unchanged), as
    /// JSON with a fixed key order.
    var clusteringParameters: String {
        JSONValue.object([
            ("skip_coinjoin", .bool(skipCoinJoin)),
            ("coinjoin_rule", .string(CoinJoinRule.summary)),
            ("change_unique", .bool(changeUnique)),
            ("round_digits", .int(roundDigits)),
            ("deposit_max_blocks", .int(depositMaxBlocks)),
            ("deposit_tolerance", .string(depositTolerance)),
            ("exchange_categories", .array(exchangeCategories.map { .string($0) })),
        ]).rendered()
    }
}

/// `chainflow cluster run`: clusters addresses into entities with the chosen heuristics and
/// stores the clusters with the provenance of every merge.
///
/// A run updates incrementally when the last run used the same heuristics and parameters, the
/// main chain it covered is unchanged, the new main-chain blocks all lie above it, and no input
/// of a covered transaction has been resolved since (and peeling-chain, which looks at later
/// spends, is not used): then only the new transactions are loaded and examined, only the rows
/// they change are written, and the clusters equal a full rerun's. Otherwise it reclusters in
/// full and says why.
public enum Clustering {
    public static func run(store: some ClusterRunStore & CaseReadStore, options: ClusterOptions) throws
        -> ClusterRunReport
    {
        let clock = ContinuousClock()
        let start = clock.now
        let runParameters = JSONValue.object([
            ("heuristics", .string(options.heuristics.description)),
            ("super_cluster_size", .int(options.superClusterSize)),
            ("threads", .int(options.threads)), ("union_find_threads", .int(options.unionFindThreads)),
            ("full", .bool(options.full)),
        ]).rendered()
        var report = try store.withClusterSession(parameters: runParameters) { session in
            try run(session: session, options: options, clock: clock, start: start)
        }
        // Resolve names for the report (outside the write lock).
        let sampleTx = try store.txids(
            report.coinJoinIds + report.warningIds.filter { $0.1 != .depositAddress }.map(\.0))
        report.report.coinJoinSample = report.coinJoinIds.compactMap { sampleTx[$0] }
        let names = try store.addressTexts(
            report.warningClusters.map(Int64.init) + [report.largestId].compactMap { $0 })
        report.report.largestCluster = report.largestId.flatMap { names[$0] }
        report.report.warningSample = zip(report.warningIds, report.warningDetails).map { (id, w) in
            (
                w.heuristic == .depositAddress ? "transfer \(id.0)" : (sampleTx[id.0] ?? "tx \(id.0)"),
                w.heuristic.name,
                names[Int64(w.clusterA)] ?? "#\(w.clusterA)", Int(w.sizeA),
                names[Int64(w.clusterB)] ?? "#\(w.clusterB)",
                Int(w.sizeB)
            )
        }
        report.report.totalSeconds = (clock.now - start).seconds
        return report.report
    }

    /// The report before names are resolved.
    struct Pending {
        var report: ClusterRunReport
        var coinJoinIds: [Int64]
        var warningIds: [(Int64, LinkHeuristic)]
        var warningDetails: [ClusterWarning]
        var warningClusters: [UInt32]
        var largestId: Int64?
    }

    static func run(
        session: some ClusterRunSession, options: ClusterOptions, clock: ContinuousClock,
        start: ContinuousClock.Instant
    ) throws -> Pending {
        let heuristics = options.heuristics.description
        let parameters = options.clusteringParameters
        let last = try session.lastRun()
        let (blocks, coverage) = try session.chain()
        let (reason, newBlocks) = try fullReason(
            session: session, options: options, last: last, blocks: blocks)
        let incremental = reason == nil
        let input = try load(
            session: session, options: options, blocks: incremental ? newBlocks : blocks,
            last: incremental ? last : nil)
        let loaded = clock.now

        // Heuristics.
        let (bitcoinEdges, bitcoinReport) = BitcoinEdges.build(
            input.snapshot,
            options: BitcoinHeuristicOptions(
                multiInput: options.heuristics.multiInput, skipCoinJoin: options.skipCoinJoin,
                change: options.changeRule),
            threads: options.threads)
        var edges = bitcoinEdges
        var deposits: [DepositAddress] = []
        if !input.depositTransfers.isEmpty {
            let (depositEdges, found) = DepositAddressHeuristic.edges(
                input.depositTransfers, exchanges: input.exchanges,
                parameters: DepositParameters(maxBlocks: options.depositMaxBlocks, tolerance: input.tolerance)
            )
            edges.append(contentsOf: depositEdges)
            deposits = found
        }
        let examined = clock.now

        // Union-find.
        let addressCount = Int(max(UInt32(clamping: coverage.maxAddressId), edges.maxAddress)) + 1
        var uf =
            incremental
            ? ClusterUnionFind(addressCount: addressCount, clusters: input.state.pairs)
            : ClusterUnionFind(addressCount: addressCount)
        let merges = uf.merge(edges, threads: options.unionFindThreads)
        let ids = uf.clusterIds()
        let merged = clock.now

        // Guard, counts, write.
        let warnings = superClusterWarnings(merges, edges: edges, threshold: options.superClusterSize)
        let counts = ClusterCounts(ids: ids, sizes: uf.size)
        let before = incremental ? previousIds(input.state.pairs, addressCount: addressCount) : nil
        try session.write(
            ClusterWrite(
                edges: edges, merges: merges, firstSequence: input.state.lastSequence + 1, clusterIds: ids,
                sizes: uf.size,
                previousIds: before?.ids, hadRow: before?.hadRow, coinJoins: bitcoinReport.coinJoins,
                pendingInputs: input.pending,
                warnings: warnings,
                deposits: deposits
            ))
        let written = clock.now

        var report = ClusterRunReport(
            runId: session.runId, mode: incremental ? "incremental" : "full", fullReason: reason,
            heuristics: heuristics, parameters: parameters, maxHeight: coverage.maxHeight,
            transactions: input.snapshot.transactionCount, inputs: bitcoinReport.inputs,
            edges: countByHeuristic(edges.heuristic),
            merges: countByHeuristic(merges.map { edges.heuristic[$0.edge] }),
            coinJoinsSkipped: bitcoinReport.coinJoins.count, coinJoinSample: [],
            changeLinked: bitcoinReport.changeLinked, changeAmbiguous: bitcoinReport.changeAmbiguous,
            changeUnknownInputs: bitcoinReport.changeUnknownInputs, depositAddresses: deposits.count,
            pendingInputs: input.pending.count, clusters: counts.clusters,
            clusteredAddresses: counts.clustered,
            largestCluster: nil,
            largestSize: counts.largest.size, warnings: warnings.count, warningSample: [],
            superClusterSize: options.superClusterSize, loadSeconds: (loaded - start).seconds,
            heuristicSeconds: (examined - loaded).seconds, unionFindSeconds: (merged - examined).seconds,
            writeSeconds: (written - merged).seconds, totalSeconds: 0, threads: options.threads,
            unionFindThreads: options.unionFindThreads)
        report.totalSeconds = (clock.now - start).seconds
        let largestId = counts.largest.size > 1 ? Int64(counts.largest.id) : nil
        try session.finish(
            ClusterRunRecord(
                runId: session.runId, mode: report.mode, heuristics: heuristics, parameters: parameters,
                coverage: coverage, transactions: report.transactions, inputs: report.inputs,
                edges: edges.count,
                merges: merges.count, coinJoins: report.coinJoinsSkipped, clusters: counts.clusters,
                clusteredAddresses: counts.clustered, largestCluster: largestId,
                largestSize: counts.largest.size, warnings: warnings.count, finishedAt: ""),
            summary: ClusterRender.runJSON(report).rendered())
        let sample = Array(warnings.prefix(20))
        return Pending(
            report: report, coinJoinIds: Array(bitcoinReport.coinJoins.prefix(20)),
            warningIds: sample.map { ($0.evidence, $0.heuristic) }, warningDetails: sample,
            warningClusters: sample.flatMap { [$0.clusterA, $0.clusterB] },
            largestId: largestId)
    }

    /// Why this run must recluster in full, or nil when it can update the last run
    /// incrementally; and the main-chain blocks above the last run.
    static func fullReason(
        session: some ClusterRunSession, options: ClusterOptions, last: ClusterRunRecord?,
        blocks: [ChainBlock]
    ) throws -> (reason: String?, newBlocks: [ChainBlock]) {
        if options.full { return ("--full was given", []) }
        guard let last else { return ("first run on this database", []) }
        let newBlocks = blocks.filter { $0.id > last.coverage.maxBlockId }
        if last.heuristics != options.heuristics.description
            || last.parameters != options.clusteringParameters
        {
            return (
                "the heuristics or their parameters differ from the last run's (\(last.heuristics))",
                newBlocks
            )
        }
        if options.changeRule?.dependsOnLaterTransactions == true {
            return ("peeling-chain looks at later transactions", newBlocks)
        }
        if try session.mainDigest(upTo: last.coverage.maxBlockId)
            != (last.coverage.mainBlocks, last.coverage.blocksDigest)
        {
            return ("the main chain changed below the last run's tip (a reorganisation)", newBlocks)
        }
        if newBlocks.contains(where: { $0.height == nil || $0.height! <= (last.coverage.maxHeight ?? -1) }) {
            return ("new blocks lie at or below the height the last run covered", newBlocks)
        }
        let resolved = try session.resolvedPendingInputs()
        if resolved > 0 {
            return (
                "\(resolved) inputs of already clustered transactions have been resolved since", newBlocks
            )
        }
        return (nil, newBlocks)
    }

    /// What the heuristics read: the spend snapshot of `blocks`, the deposit-address input and,
    /// when updating `last` incrementally, the clusters it left.
    struct Input {
        var snapshot: UTXOSnapshot
        var pending: [Int64]
        var depositTransfers: [DepositTransfer] = []
        var exchanges = Set<UInt32>()
        var tolerance: [Int64: UInt256] = [:]
        var state: (pairs: [(address: UInt32, cluster: UInt32)], lastSequence: Int64) = ([], -1)
    }

    static func load(
        session: some ClusterRunSession, options: ClusterOptions, blocks: [ChainBlock],
        last: ClusterRunRecord?
    ) throws -> Input {
        let rule = options.changeRule
        let heuristicsUsed = rule?.heuristics ?? []
        let columns = SnapshotColumns(
            values: heuristicsUsed.contains(.optimalChange), types: heuristicsUsed.contains(.addressType),
            spends: heuristicsUsed.contains(.peelingChain))
        let bitcoinNeeded = options.heuristics.multiInput || rule != nil
        let (snapshot, pending) =
            bitcoinNeeded
            ? try session.loadSnapshot(
                blocks: blocks, columns: columns, scanAll: last == nil, threads: options.threads)
            : (UTXOSnapshot(), [])
        var input = Input(snapshot: snapshot, pending: pending)
        if let last, heuristicsUsed.contains(.oneTime) {
            var seen = Set<UInt32>()
            for a in input.snapshot.outputAddress
            where a != UTXOSnapshot.noAddress && Int64(a) <= last.coverage.maxAddressId {
                seen.insert(a)
            }
            input.snapshot.paidBefore = try session.paidBefore(seen, maxBlockId: last.coverage.maxBlockId)
        }
        if options.heuristics.depositAddress {
            let deposit = try session.depositInput(categories: options.exchangeCategories)
            input.depositTransfers = deposit.transfers
            input.exchanges = deposit.exchanges
            for (asset, decimals) in deposit.decimals {
                if case .success(let units) = UInt256.parseAmount(
                    options.depositTolerance, decimals: decimals)
                {
                    input.tolerance[asset] = units
                }
            }
        }
        if last != nil { input.state = try session.clusterState() }
        return input
    }

    /// Merges that joined two clusters both at least `threshold` addresses large: the guard
    /// against one false link fusing two big entities.
    static func superClusterWarnings(_ merges: [ClusterMerge], edges: ClusterEdges, threshold: Int)
        -> [ClusterWarning]
    {
        let threshold = UInt32(clamping: max(threshold, 1))
        return merges.filter { $0.childSize >= threshold && $0.parentSize >= threshold }.map { m in
            ClusterWarning(
                heuristic: LinkHeuristic(rawValue: edges.heuristic[m.edge]) ?? .multiInput,
                evidence: edges.evidence[m.edge], clusterA: m.parent, sizeA: m.parentSize,
                clusterB: m.child,
                sizeB: m.childSize)
        }
    }

    /// Clusters of more than one address, the addresses in them, and the largest (lowest id
    /// among equals).
    struct ClusterCounts {
        var clusters = 0
        var clustered = 0
        var largest: (id: Int, size: Int) = (0, 0)

        init(ids: [UInt32], sizes: [UInt32]) {
            for a in 0..<ids.count where ids[a] == UInt32(a) && sizes[a] > 1 {
                clusters += 1
                clustered += Int(sizes[a])
                if Int(sizes[a]) > largest.size { largest = (a, Int(sizes[a])) }
            }
        }
    }

    /// The cluster of every address before this run (itself when it had no row), for writing
    /// only the rows an incremental run changes.
    static func previousIds(_ pairs: [(address: UInt32, cluster: UInt32)], addressCount: Int) -> (
        ids: [UInt32], hadRow: [Bool]
    ) {
        var ids = (0..<UInt32(addressCount)).map { $0 }
        var hadRow = [Bool](repeating: false, count: addressCount)
        for (a, c) in pairs where Int(a) < addressCount {
            ids[Int(a)] = c
            hadRow[Int(a)] = true
        }
        return (ids, hadRow)
    }

    static func countByHeuristic(_ heuristics: [UInt8]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for h in heuristics { counts[LinkHeuristic(rawValue: h)?.name ?? "?", default: 0] += 1 }
        return counts
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
