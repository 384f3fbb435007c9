import FlowAnalysis
public import FlowModel
public import FlowReport
public import FlowStore

/// Library entry points of `cluster show`, `cluster explain` and `cluster flows`.
public enum ClusterView {
    /// The cluster of `address` (any case of a hex or bech32 address); nil when unknown.
    public static func membership(store: any CaseReadStore, address: String) throws(StoreError)
        -> ClusterMembership?
    {
        guard try store.hasClusterRun() else {
            throw StoreError(
                .notFound,
                "no clustering run on this database yet; run `chainflow cluster run --db \(store.path)`",
                path: store.path)
        }
        if let m = try store.clusterMembership(address) { return m }
        if address.lowercased() != address { return try store.clusterMembership(address.lowercased()) }
        return nil
    }

    /// Links of the membership path `show` resolves and prints.
    public static let pathLimit = 10

    public static func show(store: any CaseReadStore, address: String, limit: Int = 50, offset: Int = 0)
        throws(StoreError)
        -> ClusterProfile?
    {
        guard let m = try membership(store: store, address: address) else { return nil }
        // --limit 0 lists every member, as `trace --limit 0` lists every endpoint (SQLite's LIMIT -1).
        let members = try store.clusterMembers(m.clusterId, limit: limit == 0 ? -1 : limit, offset: offset)
        let tags = try store.clusterTags(m.clusterId)
        let btc = try store.clusterBitcoinTotals(m.clusterId)
        var assets: [String: AssetActivity] = [:]
        var totals: [String: (received: AmountTotal, sent: AmountTotal)] = [:]
        var order: [String] = []
        for f in try store.clusterTransferFlows(m.clusterId) {
            var a =
                assets[f.asset]
                ?? AssetActivity(
                    asset: f.asset, chain: "", decimals: f.decimals, received: .zero, sent: .zero,
                    transfers: 0)
            if assets[f.asset] == nil { order.append(f.asset) }
            // Exact past 2^256 (spam amounts): the activity then carries the totals as an overflow.
            var t = totals[f.asset] ?? (AmountTotal(), AmountTotal())
            t.received.add(f.overflow?.received ?? AmountTotal(f.incoming))
            t.sent.add(f.overflow?.sent ?? AmountTotal(f.outgoing))
            totals[f.asset] = t
            a.received = t.received.clamped
            a.sent = t.sent.clamped
            a.overflow = AmountOverflow(checking: t.received, t.sent)
            a.transfers += f.transfers
            assets[f.asset] = a
        }
        var path: [ExplainedStep] = []
        var pathLength = 0
        if m.addressId != m.clusterId {
            let x = try explain(store: store, a: m.address, b: m.clusterAddress, limit: pathLimit)
            path = x.steps
            pathLength = x.length
        }
        return ClusterProfile(
            membership: m, members: members, offset: offset, limit: limit, tags: tags,
            bitcoin: btc.outputs > 0 ? btc : nil, assets: order.compactMap { assets[$0] }, path: path,
            pathLength: pathLength,
            clustered: try store.hasClusterRun())
    }

    /// The chain of links that joined `a` and `b` (the evidence of the first `limit` looked up).
    public static func explain(store: any CaseReadStore, a: String, b: String, limit: Int = .max)
        throws(StoreError)
        -> ClusterExplanation
    {
        guard let ma = try membership(store: store, address: a) else {
            throw StoreError(
                .notFound, "address '\(a.prefix(90))' does not occur in this database", path: store.path)
        }
        guard let mb = try membership(store: store, address: b) else {
            throw StoreError(
                .notFound, "address '\(b.prefix(90))' does not occur in this database", path: store.path)
        }
        guard ma.clusterId == mb.clusterId else {
            return ClusterExplanation(a: ma, b: mb, sameCluster: false, steps: [], length: 0)
        }
        var links: [Int64: StoredLink] = [:]
        let steps: [ExplainStep] = try store.withLinkLookup { lookup in
            let path = try ClusterExplain.path(
                from: UInt32(truncatingIfNeeded: ma.addressId), to: UInt32(truncatingIfNeeded: mb.addressId)
            ) { id in
                let link = try lookup(id)
                if let link { links[link.record.sequence] = link }
                return link?.record
            }
            return path ?? []
        }
        let runs = try runHeuristics(store)
        var out: [ExplainedStep] = []
        for s in steps.prefix(limit) {
            let link = links[s.sequence]
            let record =
                link?.record
                ?? LinkRecord(
                    address: 0, parent: 0, parentSide: s.from, childSide: s.to, heuristic: s.heuristic,
                    evidence: s.evidence, sequence: s.sequence)
            out.append(
                try explained(
                    store: store, record: record, runId: link?.runId, runs: runs, from: s.from, to: s.to))
        }
        return ClusterExplanation(a: ma, b: mb, sameCluster: true, steps: out, length: steps.count)
    }

    /// Bitcoin value between the cluster of `address` and other clusters, attributed per
    /// transaction with `ClusterFlows` (haircut), over its latest `limit` transactions; and
    /// account-model transfers per counterpart cluster and asset.
    public static func flows(store: any CaseReadStore, address: String, limit: Int = 100_000)
        throws(StoreError)
        -> ClusterFlowReport?
    {
        guard let m = try membership(store: store, address: address) else { return nil }
        let c = UInt32(truncatingIfNeeded: m.clusterId)
        var byCounterpart: [UInt32: (received: Int64, sent: Int64, txs: Int)] = [:]
        var toItself: Int64 = 0
        var mined: Int64 = 0
        var incomplete = 0
        let txs = try store.clusterFlowTransactions(m.clusterId, limit: limit)
        for tx in txs {
            if tx.coinbase {
                for o in tx.outputs where o.cluster == c { mined += o.value }
                continue
            }
            if tx.incomplete {
                incomplete += 1
                continue
            }
            guard let flows = ClusterFlows.transaction(inputs: tx.inputs, outputs: tx.outputs) else {
                continue
            }
            var touched = Set<UInt32>()
            for f in flows {
                if f.from == c && f.to == c {
                    toItself += f.value
                } else if f.from == c {
                    byCounterpart[f.to, default: (0, 0, 0)].sent += f.value
                    touched.insert(f.to)
                } else if f.to == c {
                    byCounterpart[f.from, default: (0, 0, 0)].received += f.value
                    touched.insert(f.from)
                }
            }
            for t in touched { byCounterpart[t, default: (0, 0, 0)].txs += 1 }
        }
        let transferFlows = try store.clusterTransferFlows(m.clusterId)
        let names = try store.addressTexts(
            byCounterpart.keys.map { Int64($0) } + transferFlows.map { Int64($0.counterpart) })
        let counterparts = byCounterpart.map { (id, v) in
            CounterpartFlow(
                cluster: Int64(id), address: id == 0 ? "(no address)" : names[Int64(id)] ?? "#\(id)",
                received: v.received, sent: v.sent, transactions: v.txs)
        }.sorted {
            ($0.received + $0.sent, -$0.cluster) > ($1.received + $1.sent, -$1.cluster)
        }
        return ClusterFlowReport(
            membership: m, counterparts: counterparts, toItself: toItself, mined: mined,
            transactions: txs.count - incomplete,
            incomplete: incomplete,
            transfers: transferFlows.map { (names[Int64($0.counterpart)] ?? "#\($0.counterpart)", $0) })
    }

    /// Heuristics text of each clustering run.
    static func runHeuristics(_ store: any CaseReadStore) throws(StoreError) -> [Int64: String] {
        var out: [Int64: String] = [:]
        for r in try store.clusterRuns(limit: 10_000) { out[r.runId] = r.heuristics }
        return out
    }

    static func explained(
        store: any CaseReadStore, record: LinkRecord, runId: Int64?, runs: [Int64: String], from: UInt32,
        to: UInt32
    ) throws(StoreError) -> ExplainedStep {
        let names = try store.addressTexts([Int64(from), Int64(to)])
        var heuristic = record.heuristic.name
        if record.heuristic == .change, let runId, let text = runs[runId],
            let change = text.split(separator: ",").first(where: { $0.hasPrefix("change:") })
        {
            heuristic = String(change)
        }
        let evidence = try store.linkEvidence(
            heuristic: record.heuristic, evidence: record.evidence, from: Int64(from), to: Int64(to))
        return ExplainedStep(
            from: names[Int64(from)] ?? "#\(from)", to: names[Int64(to)] ?? "#\(to)", heuristic: heuristic,
            evidence: evidence, runId: runId, sequence: record.sequence)
    }
}
