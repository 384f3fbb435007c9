public import FlowAnalysis
import FlowIngest
import FlowModel
public import FlowReport
import FlowRules
public import FlowStore
import Foundation

/// Options of `chainflow aml run`.
public struct AmlRunOptions: Sendable {
    public var rules: AmlRuleSet
    /// The rule file's text (or "default"), recorded with the run.
    public var rulesSource: String
    /// Report alerts whose window ends at or after this time (Unix seconds).
    public var since: Int64?
    /// … and at or before this one; transfers after it are not loaded.
    public var until: Int64?
    /// nil: all cores.
    public var threads: Int?
    /// Store the alerts and record the run (the default); false for a dry run or an evaluation.
    public var store: Bool
    /// Report only this partition's alerts (`--partition K/N`); such a run checks the whole range
    /// (not only what is new) and does not move the incremental high-water mark.
    public var partition: AmlPartition? = nil

    public init(
        rules: AmlRuleSet = .standard, rulesSource: String = "default", since: Int64? = nil,
        until: Int64? = nil,
        threads: Int? = nil, store: Bool = true, partition: AmlPartition? = nil
    ) {
        self.partition = partition
        self.rules = rules
        self.rulesSource = rulesSource
        self.since = since
        self.until = until
        self.threads = threads
        self.store = store
    }
}

/// `chainflow aml run`: load the transfers of the range, run the rules, store and return alerts.
public enum AmlRun {
    /// Loads the range (or everything new since the last run), runs the rules, resolves the alerts
    /// to text, hands them to `deliver` (the CLI writes its output there) and only then, unless
    /// `options.store` is false, stores them and records the run: an output that cannot be
    /// written leaves the run unrecorded, so the next run delivers the same alerts again.
    /// Incremental runs re-check the whole history for every rule that is new or changed since
    /// the last run (its parameters or the shared settings). `progress` receives one-line status
    /// messages (the CLI prints them on stderr).
    public static func run(
        store: any CaseReadStore, options: AmlRunOptions, progress: ((String) -> Void)? = nil,
        deliver: ((AmlRunResult) throws -> Void)? = nil
    ) throws -> AmlRunResult {
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        var reportFrom = options.since
        let reportUntil = options.until
        var newAfter: Int64?
        let mark = try store.transferMark(after: Int64.max)
        var note: String?
        var incremental = false
        let signatures = AmlRuleFile.signatures(options.rules)
        var changed = Set<String>()
        if options.since == nil && options.until == nil, options.store, options.partition == nil,
            let last = try store.lastAmlRun()
        {
            incremental = true
            for r in options.rules.rules where r.enabled {
                let before = last.ruleSignatures.isEmpty ? nil : last.ruleSignatures[r.name]
                if last.ruleSignatures.isEmpty
                    ? last.rules != options.rulesSource : before != signatures[r.name]
                {
                    changed.insert(r.name)
                }
            }
            // Everything new since the last run: transfers stored after its high-water mark.
            let fresh = try store.transferMark(after: last.maxTransferId)
            if let earliest = fresh.earliestNew {
                reportFrom = earliest
                newAfter = last.maxTransferId
            } else if changed.isEmpty {
                note = "no new transfers since run \(last.runId)"
            }
            if !changed.isEmpty {
                progress?(
                    "rules new or changed since run \(last.runId): \(changed.sorted().joined(separator: ", ")); checking them over the whole history"
                )
            }
        }
        var parameterFields: [(String, JSONValue)] = [
            ("rules", .string(options.rulesSource)), ("since", .optional(options.since)),
            ("until", .optional(options.until)), ("threads", .int(threads)),
            ("rule_signatures", .object(signatures.keys.sorted().map { ($0, .string(signatures[$0]!)) })),
        ]
        if let p = options.partition { parameterFields.append(("partition", .string(p.description))) }
        let parameters = JSONValue.object(parameterFields)
        let body = { () throws -> AmlRunResult in
            let clock = ContinuousClock()
            let t0 = clock.now
            var snapshot = TransferSnapshot()
            if note == nil {
                // Changed rules read the whole history; the others what the range needs.
                let from =
                    !changed.isEmpty ? Int64.min : reportFrom.map { $0 - options.rules.lookback } ?? .min
                snapshot = try store.transferSnapshot(from: from, until: reportUntil ?? .max)
            }
            let prices = try store.priceSeries(currency: options.rules.currency)
            snapshot.attachPrices(prices, currency: options.rules.currency)
            let warnings = options.rules.unpricedWarnings(snapshot)
            for w in warnings { progress?("warning: \(w)") }
            if let until = reportUntil { snapshot.dataEnd = until }
            // UTXO rules (peel chains) read the Bitcoin tables.
            let peelRules = options.rules.rules.filter { $0.enabled && $0.detector == .peelChain }
            var peel = PeelSnapshot()
            if !peelRules.isEmpty {
                let from = options.since.map { $0 - options.rules.lookback } ?? .min
                peel = try store.peelSnapshot(from: from, until: reportUntil ?? .max)
            }
            let loaded = clock.now
            progress?("loaded \(snapshot.count) transfers between \(snapshot.addressCount) addresses")
            var alerts: [AmlAlert] = []
            if note == nil {
                var unchangedRules = options.rules
                unchangedRules.rules.removeAll { changed.contains($0.name) }
                var ranged = snapshot
                ranged.reportFrom = reportFrom ?? .min
                ranged.reportUntil = reportUntil ?? .max
                ranged.newAfterTransferId = newAfter
                if newAfter != nil || !incremental {
                    alerts = AmlEngine.run(ranged, rules: unchangedRules, threads: threads)
                }
                if !changed.isEmpty {
                    var changedRules = options.rules
                    changedRules.rules.removeAll { !changed.contains($0.name) }
                    var whole = snapshot
                    whole.reportUntil = reportUntil ?? .max
                    alerts = (alerts + AmlEngine.run(whole, rules: changedRules, threads: threads))
                        .sorted(by: AmlEngine.ordered)
                }
            }
            var utxo: [AmlAlert] = []
            for rule in peelRules {
                utxo += PeelChainDetector.run(peel, rule: rule).filter {
                    $0.windowEnd >= (options.since ?? .min) && $0.windowEnd <= (options.until ?? .max)
                }
            }
            // Exposure on Bitcoin: tagged addresses' flows over the UTXO graph seen as
            // address-to-address payments.
            let exposureRules = options.rules.rules.filter { $0.enabled && $0.detector == .exposure }
            var utxoExposure: [AmlAlert] = []
            var flows = TransferSnapshot()
            if !exposureRules.isEmpty,
                try store.hasTaggedUTXOAddresses(
                    categories: Array(Set(exposureRules.flatMap(\.categories))).sorted())
            {
                let from = options.since.map { $0 - options.rules.lookback } ?? .min
                let (f, skipped) = try store.utxoFlowSnapshot(from: from, until: reportUntil ?? .max)
                flows = f
                flows.attachPrices(prices, currency: options.rules.currency)
                flows.reportFrom = options.since ?? .min
                flows.reportUntil = reportUntil ?? .max
                if skipped > 0 {
                    progress?(
                        "exposure on Bitcoin: \(skipped) transactions with too many input-output pairs left out"
                    )
                }
                utxoExposure = AmlEngine.runEach(
                    flows, settings: options.rules, candidates: exposureRules, threads: threads
                ).flatMap { $0 }
            }
            let ruled = clock.now
            var documents = try resolve(alerts, snapshot: snapshot, store: store)
            var utxoDocuments =
                try resolveUTXO(utxo, peel: peel, store: store)
                + resolveFlows(utxoExposure, flows: flows, store: store)
            if incremental {
                // Incremental: peel chains are re-checked in full; report those not stored before
                // (all of a changed rule's).
                let known = try store.knownAlerts(utxoDocuments.map(\.id))
                utxoDocuments.removeAll { known.contains($0.id) && !changed.contains($0.rule) }
            }
            if !utxoDocuments.isEmpty {
                alerts += utxo + utxoExposure
                documents = (documents + utxoDocuments).sorted {
                    ($0.windowStart, $0.windowEnd, $0.rule, $0.id) < (
                        $1.windowStart, $1.windowEnd, $1.rule, $1.id
                    )
                }
            }
            if let p = options.partition { documents.removeAll { !p.keeps(subjects: $0.ids.subjects) } }
            let statuses = try store.alertStatuses(documents.map(\.id))
            for k in documents.indices { documents[k].status = statuses[documents[k].id] }
            progress?("\(documents.count) alerts")
            return AmlRunResult(
                alerts: documents, newAlerts: 0, runId: nil, transfersLoaded: snapshot.count,
                reportFrom: reportFrom,
                reportUntil: reportUntil, newAfterTransferId: newAfter, loadSeconds: seconds(loaded - t0),
                ruleSeconds: seconds(ruled - loaded), threads: threads, note: note, warnings: warnings)
        }
        guard options.store else {
            let result = try body()
            try deliver?(result)
            return result
        }
        let summary: (AmlRunResult) -> JSONValue = { result in
            JSONValue.object([
                ("alerts", .int(result.alerts.count)), ("new_alerts", .int(result.newAlerts)),
                ("transfers", .int(result.transfersLoaded)),
            ])
        }
        return try RunLog.record(store, command: "aml run", parameters: parameters, summary: summary) {
            runId in
            var result = try body()
            // Deliver first: only a run whose alerts reached their reader is recorded as done.
            try deliver?(result)
            result.newAlerts = try store.storeAlerts(
                runId: runId, alerts: result.alerts.map(storedAlert), rules: options.rulesSource,
                reportFrom: reportFrom,
                reportUntil: reportUntil, maxTransferId: mark.maxId, transfers: result.transfersLoaded)
            result.runId = runId
            return result
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Resolves dense addresses and snapshot rows to text.
    static func resolve(_ alerts: [AmlAlert], snapshot s: TransferSnapshot, store: any CaseReadStore) throws
        -> [AmlAlertDocument]
    {
        var addressIds = Set<Int64>()
        var transferIds = Set<Int64>()
        for a in alerts {
            for d in a.addresses { addressIds.insert(s.addressIds[Int(d)]) }
            for r in a.rows { transferIds.insert(s.transferIds[Int(r)]) }
        }
        let texts = try store.addressTexts(Array(addressIds))
        let identities = try store.transferIdentities(Array(transferIds))
        func text(_ dense: UInt32) -> String {
            let id = s.addressIds[Int(dense)]
            return texts[id] ?? "address:\(id)"
        }
        return alerts.map { a in
            let rowIds = a.rows.map { s.transferIds[Int($0)] }
            let txText: (Int64) -> String = { id in
                guard let ident = identities[id] else { return "transfer:\(id)" }
                return ident.tx ?? "transfer:\(id)"
            }
            let evidence = a.rows.map { r -> AmlAlertDocument.Edge in
                let k = Int(r)
                return AmlAlertDocument.Edge(
                    tx: txText(s.transferIds[k]), from: text(s.from[k]), to: text(s.to[k]),
                    amount: s.amount[k],
                    time: s.time[k])
            }
            let asset = a.asset >= 0 && a.asset < s.assets.count ? s.assets[a.asset] : nil
            var transactions: [String] = []
            var seen = Set<String>()
            for id in rowIds {
                let t = txText(id)
                if seen.insert(t).inserted { transactions.append(t) }
            }
            return AmlAlertDocument(
                id: fingerprint(
                    rule: a.rule, subjects: a.subjects.map { s.addressIds[Int($0)] }, transfers: rowIds,
                    utxo: a.utxoTransactions), rule: a.rule,
                typology: a.typology, severity: a.severity, score: a.score, subjects: a.subjects.map(text),
                addresses: a.addresses.map(text).sorted(), transactions: transactions,
                windowStart: a.windowStart,
                windowEnd: a.windowEnd, asset: asset?.symbol ?? "BTC",
                decimals: asset == nil ? 8 : asset?.decimals,
                amount: a.amount, explanation: a.explanation, evidence: evidence,
                ids: AmlAlertDocument.StoreIds(
                    subjects: a.subjects.map { s.addressIds[Int($0)] },
                    addresses: a.addresses.map { s.addressIds[Int($0)] } + a.utxoAddresses, transfers: rowIds,
                    transactions: a.utxoTransactions, asset: asset?.id),
                value: a.asset >= 0 && a.asset < s.prices.count
                    ? s.prices[a.asset]?.value(of: a.amount, decimals: asset?.decimals ?? 0, at: a.windowEnd)
                    : nil,
                currency: s.currency)
        }
    }

    /// Resolves peel-chain alerts: txids, address texts, one evidence edge per output.
    static func resolveUTXO(_ alerts: [AmlAlert], peel: PeelSnapshot, store: any CaseReadStore) throws
        -> [AmlAlertDocument]
    {
        if alerts.isEmpty { return [] }
        var index: [Int64: Int] = [:]
        for (k, id) in peel.txIds.enumerated() { index[id] = k }
        let txids = try store.txids(alerts.flatMap(\.utxoTransactions))
        let texts = try store.addressTexts(alerts.flatMap { $0.utxoAddresses + $0.utxoSubjects })
        func text(_ id: Int64) -> String { id == 0 ? "(no address)" : texts[id] ?? "address:\(id)" }
        return alerts.map { a in
            var evidence: [AmlAlertDocument.Edge] = []
            for t in a.utxoTransactions {
                guard let k = index[t] else { continue }
                for o in 0..<2 {
                    evidence.append(
                        AmlAlertDocument.Edge(
                            tx: txids[t] ?? "tx:\(t)", from: text(peel.inputAddress[k]),
                            to: text(peel.outputAddress[2 * k + o]),
                            amount: UInt256(UInt64(max(0, peel.outputValue[2 * k + o]))), time: peel.time[k]))
                }
            }
            return AmlAlertDocument(
                id: fingerprint(
                    rule: a.rule, subjects: a.utxoSubjects, transfers: [], utxo: a.utxoTransactions),
                rule: a.rule,
                typology: a.typology, severity: a.severity, score: a.score,
                subjects: a.utxoSubjects.map(text),
                addresses: a.utxoAddresses.map(text).sorted(),
                transactions: a.utxoTransactions.map { txids[$0] ?? "tx:\($0)" },
                windowStart: a.windowStart, windowEnd: a.windowEnd, asset: "BTC", decimals: 8,
                amount: a.amount,
                explanation: a.explanation, evidence: evidence,
                ids: AmlAlertDocument.StoreIds(
                    subjects: a.utxoSubjects, addresses: a.utxoAddresses, transfers: [],
                    transactions: a.utxoTransactions,
                    asset: BuiltinAsset.btc))
        }
    }

    /// Resolves alerts raised over `utxoFlowSnapshot` flows: Bitcoin transactions as evidence,
    /// one edge per address-to-address flow.
    static func resolveFlows(_ alerts: [AmlAlert], flows s: TransferSnapshot, store: any CaseReadStore) throws
        -> [AmlAlertDocument]
    {
        if alerts.isEmpty { return [] }
        let txIds = Array(Set(alerts.flatMap { $0.rows.map { s.transferIds[Int($0)] } }))
        let txids = try store.txids(txIds)
        let texts = try store.addressTexts(alerts.flatMap { $0.addresses.map { s.addressIds[Int($0)] } })
        func text(_ dense: UInt32) -> String {
            let id = s.addressIds[Int(dense)]
            return texts[id] ?? "address:\(id)"
        }
        return alerts.map { a in
            let transactions = Array(Set(a.rows.map { s.transferIds[Int($0)] })).sorted()
            let subjects = a.subjects.map { s.addressIds[Int($0)] }
            return AmlAlertDocument(
                id: fingerprint(rule: a.rule, subjects: subjects, transfers: [], utxo: transactions),
                rule: a.rule,
                typology: a.typology, severity: a.severity, score: a.score, subjects: a.subjects.map(text),
                addresses: a.addresses.map(text).sorted(),
                transactions: transactions.map { txids[$0] ?? "tx:\($0)" },
                windowStart: a.windowStart, windowEnd: a.windowEnd, asset: "BTC", decimals: 8,
                amount: a.amount,
                explanation: a.explanation,
                evidence: a.rows.map { r in
                    let k = Int(r)
                    return AmlAlertDocument.Edge(
                        tx: txids[s.transferIds[k]] ?? "tx:\(s.transferIds[k])", from: text(s.from[k]),
                        to: text(s.to[k]), amount: s.amount[k], time: s.time[k])
                },
                ids: AmlAlertDocument.StoreIds(
                    subjects: subjects, addresses: a.addresses.map { s.addressIds[Int($0)] }, transfers: [],
                    transactions: transactions, asset: BuiltinAsset.btc),
                value: s.prices.first.flatMap { $0 }?.value(of: a.amount, decimals: 8, at: a.windowEnd),
                currency: s.currency)
        }
    }

    /// Identity of an alert across runs: the rule, its subjects and its evidence (store ids of
    /// addresses, transfers and transactions). One structuring run seen from both ends is two
    /// alerts (two subjects) over the same transfers.
    static func fingerprint(rule: String, subjects: [Int64], transfers: [Int64], utxo: [Int64]) -> String {
        var text = rule + "|" + subjects.map(String.init).joined(separator: ",") + "|"
        text += transfers.sorted().map(String.init).joined(separator: ",")
        if !utxo.isEmpty { text += "|utxo:" + utxo.sorted().map(String.init).joined(separator: ",") }
        let digest = text.utf8CString.withUnsafeBytes { raw in
            SourceFingerprint.sha256(UnsafeRawBufferPointer(rebasing: raw.dropLast()))
        }
        return digest.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    static func storedAlert(_ d: AmlAlertDocument) -> StoredAlert {
        StoredAlert(
            fingerprint: d.id, rule: d.rule, typology: d.typology, severity: d.severity.rawValue,
            score: d.score,
            windowStart: d.windowStart, windowEnd: d.windowEnd, assetId: d.ids.asset, amount: d.amount,
            explanation: d.explanation, evidence: AmlRender.json(d).rendered(), subjectIds: d.ids.subjects,
            addressIds: d.ids.addresses, transferIds: d.ids.transfers, transactionIds: d.ids.transactions)
    }
}
