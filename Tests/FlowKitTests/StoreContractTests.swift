import FlowAnalysis
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Synchronization
import Testing

/// The store contract (`CaseReadStore`, FlowStore/StoreContract.swift) is all the use cases
/// need: trace, AML and the address report run on a second implementation of it — here one that
/// forwards every requirement to a SQLite store and logs the calls — and give the same results.
/// A backend that implements the protocols (PostgreSQL) is therefore enough for them.
@Suite struct StoreContractTests {
    final class CallLog: Sendable {
        let names = Mutex<[String]>([])
        func record(_ name: String) { names.withLock { $0.append(name) } }
        var all: Set<String> { names.withLock { Set($0) } }
    }

    /// Every requirement forwarded to `base`, each call logged.
    struct ForwardingStore: CaseReadStore, ClusterRunStore {
        let base: GraphStore
        let calls = CallLog()
        var path: String { base.path }
        var readOnly: Bool { base.readOnly }

        func startRun(command: String, parameters: String) throws(StoreError) -> Int64 {
            calls.record("startRun")
            return try base.startRun(command: command, parameters: parameters)
        }

        func finishRun(_ id: Int64, status: String, summary: String) throws(StoreError) {
            calls.record("finishRun")
            return try base.finishRun(id, status: status, summary: summary)
        }

        func address(_ text: String) throws(StoreError) -> AddressSummary? {
            calls.record("address")
            return try base.address(text)
        }

        func assetActivity(_ text: String) throws(StoreError) -> (
            assets: [AssetActivity], fees: [AssetActivity]
        ) {
            calls.record("assetActivity")
            return try base.assetActivity(text)
        }

        func clusterMembership(_ address: String) throws(StoreError) -> ClusterMembership? {
            calls.record("clusterMembership")
            return try base.clusterMembership(address)
        }

        func clusterTags(_ clusterId: Int64, limit: Int) throws(StoreError) -> [TagRecord] {
            calls.record("clusterTags")
            return try base.clusterTags(clusterId, limit: limit)
        }

        func knownAddresses(_ addresses: Set<String>) throws(StoreError) -> Int {
            calls.record("knownAddresses")
            return try base.knownAddresses(addresses)
        }

        func priceSeries(currency: String) throws(StoreError) -> [String: PriceSeries] {
            calls.record("priceSeries")
            return try base.priceSeries(currency: currency)
        }

        func tags(of text: String) throws(StoreError) -> [TagRecord] {
            calls.record("tags")
            return try base.tags(of: text)
        }

        func tagCategories(_ ids: [UInt32]) throws(StoreError) -> [UInt32: [String]] {
            calls.record("tagCategories")
            return try base.tagCategories(ids)
        }

        func addressTexts(_ ids: [Int64]) throws(StoreError) -> [Int64: String] {
            calls.record("addressTexts")
            return try base.addressTexts(ids)
        }

        func txids(_ ids: [Int64]) throws(StoreError) -> [Int64: String] {
            calls.record("txids")
            return try base.txids(ids)
        }

        func addressIds(texts: some Sequence<String>) throws(StoreError) -> [String: Int64] {
            calls.record("addressIds")
            return try base.addressIds(texts: texts)
        }

        func transaction(_ txid: Hash256) throws(StoreError) -> TransactionDetail? {
            calls.record("transaction")
            return try base.transaction(txid)
        }

        func accountTransaction(_ id: String) throws(StoreError) -> AccountTransactionRows? {
            calls.record("accountTransaction")
            return try base.accountTransaction(id)
        }

        func conversions(tx: String) throws(StoreError) -> [Conversion] {
            calls.record("conversions")
            return try base.conversions(tx: tx)
        }

        func stats() throws(StoreError) -> StoreStats {
            calls.record("stats")
            return try base.stats()
        }

        func contentFingerprint() throws(StoreError) -> [String: String] {
            calls.record("contentFingerprint")
            return try base.contentFingerprint()
        }

        func contentFingerprint(tables: [String], ignoring: Set<String>) throws(StoreError) -> [String:
            String]
        {
            calls.record("contentFingerprint")
            return try base.contentFingerprint(tables: tables, ignoring: ignoring)
        }

        func tagSummary() throws(StoreError) -> [(category: String, source: String, count: Int)] {
            calls.record("tagSummary")
            return try base.tagSummary()
        }

        func priceSummary() throws(StoreError) -> [(
            asset: String, currency: String, days: Int, first: Int64, last: Int64
        )] {
            calls.record("priceSummary")
            return try base.priceSummary()
        }

        func hasClusterRun() throws(StoreError) -> Bool {
            calls.record("hasClusterRun")
            return try base.hasClusterRun()
        }

        func clusterRuns(limit: Int) throws(StoreError) -> [ClusterRunRecord] {
            calls.record("clusterRuns")
            return try base.clusterRuns(limit: limit)
        }

        func runQuery(_ sql: String, arguments: [String: SQLValue]) throws(StoreError) -> SQLResult {
            calls.record("runQuery")
            return try base.runQuery(sql, arguments: arguments)
        }

        func hasTable(_ table: String) throws -> Bool {
            calls.record("hasTable")
            return try base.hasTable(table)
        }

        func addressHistory(_ address: String) throws -> [AddressMovement] {
            calls.record("addressHistory")
            return try base.addressHistory(address)
        }

        func addressCounterparties(_ address: String, limit: Int) throws -> [AddressCounterparty] {
            calls.record("addressCounterparties")
            return try base.addressCounterparties(address, limit: limit)
        }

        func addressExposure(_ address: String) throws -> [AddressExposure] {
            calls.record("addressExposure")
            return try base.addressExposure(address)
        }

        func addressAlerts(_ address: String) throws -> [AddressAlert] {
            calls.record("addressAlerts")
            return try base.addressAlerts(address)
        }

        func loadUTXOTraceGraph(threads: Int) throws(StoreError) -> UTXOTraceGraph {
            calls.record("loadUTXOTraceGraph")
            return try base.loadUTXOTraceGraph(threads: threads)
        }

        func conversionLinks() throws(StoreError) -> [ConversionLink] {
            calls.record("conversionLinks")
            return try base.conversionLinks()
        }

        func loadAccountTraceGraph(asset: Int64) throws(StoreError) -> AccountTraceGraph {
            calls.record("loadAccountTraceGraph")
            return try base.loadAccountTraceGraph(asset: asset)
        }

        func transferSnapshot(from: Int64, until: Int64) throws(StoreError) -> TransferSnapshot {
            calls.record("transferSnapshot")
            return try base.transferSnapshot(from: from, until: until)
        }

        func utxoFlowSnapshot(from: Int64, until: Int64, maxPairs: Int) throws(StoreError) -> (
            TransferSnapshot, skipped: Int
        ) {
            calls.record("utxoFlowSnapshot")
            return try base.utxoFlowSnapshot(from: from, until: until, maxPairs: maxPairs)
        }

        func peelSnapshot(from: Int64, until: Int64) throws(StoreError) -> PeelSnapshot {
            calls.record("peelSnapshot")
            return try base.peelSnapshot(from: from, until: until)
        }

        func transferIdentities(_ ids: [Int64]) throws(StoreError) -> [Int64: TransferIdentity] {
            calls.record("transferIdentities")
            return try base.transferIdentities(ids)
        }

        func transferMark(after afterId: Int64) throws(StoreError) -> (
            maxId: Int64, earliestNew: Int64?, latest: Int64?
        ) {
            calls.record("transferMark")
            return try base.transferMark(after: afterId)
        }

        func transferIds(tx: some Sequence<String>) throws(StoreError) -> [String: [Int64]] {
            calls.record("transferIds")
            return try base.transferIds(tx: tx)
        }

        func hasTaggedUTXOAddresses(categories: [String]) throws(StoreError) -> Bool {
            calls.record("hasTaggedUTXOAddresses")
            return try base.hasTaggedUTXOAddresses(categories: categories)
        }

        func taggedAddressIds(categories: [String]) throws(StoreError) -> Set<UInt32> {
            calls.record("taggedAddressIds")
            return try base.taggedAddressIds(categories: categories)
        }

        func traceSeeds(_ text: String, since: Int64?, until: Int64?) throws(StoreError) -> [TraceSeedRef] {
            calls.record("traceSeeds")
            return try base.traceSeeds(text, since: since, until: until)
        }

        func traceSeeds(_ target: TraceSeedTarget, since: Int64?, until: Int64?) throws(StoreError)
            -> [TraceSeedRef]
        {
            calls.record("traceSeeds")
            return try base.traceSeeds(target, since: since, until: until)
        }

        func isTraceAddress(_ text: String) throws(StoreError) -> Bool {
            calls.record("isTraceAddress")
            return try base.isTraceAddress(text)
        }

        func traceAddressOutflows(_ text: String, since: Int64?, until: Int64?, examples: Int)
            throws(StoreError) -> TraceAddressOutflows?
        {
            calls.record("traceAddressOutflows")
            return try base.traceAddressOutflows(text, since: since, until: until, examples: examples)
        }

        func traceAssets() throws(StoreError) -> [TraceAsset] {
            calls.record("traceAssets")
            return try base.traceAssets()
        }

        func traceOutpoints(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceOutpoint] {
            calls.record("traceOutpoints")
            return try base.traceOutpoints(ids)
        }

        func traceInputs(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceInputRef] {
            calls.record("traceInputs")
            return try base.traceInputs(ids)
        }

        func traceTransfers(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceTransferRef] {
            calls.record("traceTransfers")
            return try base.traceTransfers(ids)
        }

        func traceAddressTexts(_ ids: [UInt32]) throws(StoreError) -> [UInt32: String] {
            calls.record("traceAddressTexts")
            return try base.traceAddressTexts(ids)
        }

        func storeAlerts(
            runId: Int64, alerts: [StoredAlert], rules: String, reportFrom: Int64?, reportUntil: Int64?,
            maxTransferId: Int64, transfers: Int
        ) throws(StoreError) -> Int {
            calls.record("storeAlerts")
            return try base.storeAlerts(
                runId: runId, alerts: alerts, rules: rules, reportFrom: reportFrom, reportUntil: reportUntil,
                maxTransferId: maxTransferId, transfers: transfers)
        }

        func knownAlerts(_ fingerprints: [String]) throws(StoreError) -> Set<String> {
            calls.record("knownAlerts")
            return try base.knownAlerts(fingerprints)
        }

        func lastAmlRun() throws(StoreError) -> AmlRunMark? {
            calls.record("lastAmlRun")
            return try base.lastAmlRun()
        }

        func alertStatuses(_ fingerprints: [String]) throws(StoreError) -> [String: String] {
            calls.record("alertStatuses")
            return try base.alertStatuses(fingerprints)
        }

        func closedAlerts() throws(StoreError) -> [ReviewedAlert] {
            calls.record("closedAlerts")
            return try base.closedAlerts()
        }

        func review(alert id: String, status: String, note: String, reviewer: String, at: String)
            throws(StoreError) -> (fingerprint: String, history: [AlertReview])
        {
            calls.record("review")
            return try base.review(alert: id, status: status, note: note, reviewer: reviewer, at: at)
        }

        func clusterMembers(_ clusterId: Int64, limit: Int, offset: Int) throws(StoreError) -> [String] {
            calls.record("clusterMembers")
            return try base.clusterMembers(clusterId, limit: limit, offset: offset)
        }

        func clusterBitcoinTotals(_ clusterId: Int64) throws(StoreError) -> ClusterBitcoinTotals {
            calls.record("clusterBitcoinTotals")
            return try base.clusterBitcoinTotals(clusterId)
        }

        func withLinkLookup<T>(_ body: ((UInt32) throws -> StoredLink?) throws -> T) throws(StoreError) -> T {
            calls.record("withLinkLookup")
            return try base.withLinkLookup(body)
        }

        func linkEvidence(
            heuristic: LinkHeuristic, evidence: Int64, from: Int64, to: Int64, maxBlocks: Int64
        ) throws(StoreError) -> LinkEvidence {
            calls.record("linkEvidence")
            return try base.linkEvidence(
                heuristic: heuristic, evidence: evidence, from: from, to: to, maxBlocks: maxBlocks)
        }

        func clusterFlowTransactions(_ clusterId: Int64, limit: Int) throws(StoreError)
            -> [ClusterFlowTransaction]
        {
            calls.record("clusterFlowTransactions")
            return try base.clusterFlowTransactions(clusterId, limit: limit)
        }

        func clusterTransferFlows(_ clusterId: Int64) throws(StoreError) -> [ClusterTransferFlow] {
            calls.record("clusterTransferFlows")
            return try base.clusterTransferFlows(clusterId)
        }

        func clusterWarnings(runId: Int64, limit: Int) throws(StoreError) -> [ClusterWarning] {
            calls.record("clusterWarnings")
            return try base.clusterWarnings(runId: runId, limit: limit)
        }

        func clusterRows(limit: Int, offset: Int) throws(StoreError) -> [ClusterRow] {
            calls.record("clusterRows")
            return try base.clusterRows(limit: limit, offset: offset)
        }

        func withClusterSession<T>(parameters: String, _ body: (ClusterSession) throws -> T) throws -> T {
            calls.record("withClusterSession")
            return try base.withClusterSession(parameters: parameters, body)
        }
    }

    static func ledger() throws -> GraphStore {
        let (store, _) = try Fixtures.freshStore()
        _ = try TransferCSVStoreTests.ingest(
            store, [Fixtures.packageRoot.path + "/SampleData/transfers/ledger.csv"])
        _ = try TagImport.run(
            store: store, path: Fixtures.packageRoot.path + "/SampleData/transfers/labels.csv",
            options: TagImportOptions())
        return store
    }

    static func amounts(_ run: TraceRun) -> [String] {
        run.reports.flatMap { r in
            (r.endpoints + r.cuts).map {
                "\($0.kind.rawValue) \($0.address ?? "-") \($0.amount.decimalString)"
            }
        }.sorted()
    }

    @Test(
        "a trace through another implementation of the contract gives the same endpoints and records its run")
    func trace() throws {
        let sqlite = try Self.ledger()
        let other = ForwardingStore(base: sqlite)
        let options = TraceOptions(from: ["tx:4"], policy: .haircut, stopCategories: ["high-risk"])
        let direct = try Trace.run(store: sqlite, options: options)
        let through = try Trace.run(store: other, options: options)
        #expect(Self.amounts(through) == Self.amounts(direct))
        // The planted deposit's haircut shares (TraceStoreTests.ledgerLayering).
        #expect(
            Self.amounts(through) == [
                "balance ACC-2001 6308", "balance ACC-3001 2523", "tagged ACC-4001 956169",
            ])
        #expect(
            other.calls.all.isSuperset(of: ["traceSeeds", "loadAccountTraceGraph", "startRun", "finishRun"]))
        #expect(through.runId == direct.runId + 1)
    }

    @Test("an AML run and an address report through another implementation equal the SQLite ones")
    func amlAndAddress() throws {
        let sqlite = try Self.ledger()
        let other = ForwardingStore(base: sqlite)
        let options = AmlRunOptions(store: false)
        let direct = try AmlRun.run(store: sqlite, options: options)
        let through = try AmlRun.run(store: other, options: options)
        #expect(!direct.alerts.isEmpty, "the sample ledger's planted structuring raises alerts")
        #expect(AmlRender.csv(through) == AmlRender.csv(direct))
        #expect(other.calls.all.contains("transferSnapshot"))
        let a = try #require(try AddressReport.load(store: sqlite, address: "ACC-2001"))
        let b = try #require(try AddressReport.load(store: other, address: "ACC-2001"))
        #expect(AddressReportRender.json(b).rendered() == AddressReportRender.json(a).rendered())
        #expect(
            other.calls.all.isSuperset(of: ["addressHistory", "addressCounterparties", "addressExposure"]))
    }

    @Test("clustering and the cluster views through another implementation equal the SQLite ones")
    func clusters() throws {
        func blocks() throws -> GraphStore {
            let (store, _) = try Fixtures.freshStore()
            let etl = Fixtures.sampleData + "/bitcoin-json/bitcoin-etl/bitcoin/stream_50001_50002"
            _ = try BitcoinJSONIngest.run(
                store: store,
                files: try IngestPlan.classify(paths: [
                    "\(etl)/expected_blocks.json", "\(etl)/expected_transactions.json",
                ]).files, network: .mainnet)
            _ = try TagImport.run(
                store: store, path: Fixtures.sampleData + "/watchlists/sanctioned_addresses_XBT.txt",
                options: TagImportOptions(category: "sanctions"))
            return store
        }
        let sqlite = try blocks()
        let other = ForwardingStore(base: try blocks())
        let direct = try Clustering.run(store: sqlite, options: ClusterOptions(threads: 1))
        let through = try Clustering.run(store: other, options: ClusterOptions(threads: 1))
        #expect(
            through.clusters == direct.clusters && through.clusteredAddresses == direct.clusteredAddresses)
        #expect(direct.clusteredAddresses > 0, "blocks 50001-50002 have multi-input spends")
        #expect(
            try other.clusterRows(limit: 1000, offset: 0).map(\.description)
                == sqlite.clusterRows(limit: 1000, offset: 0).map(\.description))
        // The views of a cluster made by a merge, through both.
        let top = try #require(try sqlite.clusterRows(limit: 100_000, offset: 0).first { $0.parentId != nil })
        let address = try #require(try sqlite.clusterMembers(top.clusterId, limit: 2, offset: 0).last)
        let first = try #require(try sqlite.clusterMembers(top.clusterId, limit: 1, offset: 0).first)
        let a = try #require(try ClusterView.show(store: sqlite, address: address))
        let b = try #require(try ClusterView.show(store: other, address: address))
        #expect(ClusterRender.showJSON(b).rendered() == ClusterRender.showJSON(a).rendered())
        let fa = try #require(try ClusterView.flows(store: sqlite, address: address))
        let fb = try #require(try ClusterView.flows(store: other, address: address))
        #expect(
            ClusterRender.flowsJSON(fb, limit: 100).rendered()
                == ClusterRender.flowsJSON(fa, limit: 100).rendered())
        let xa = try ClusterView.explain(store: sqlite, a: address, b: first)
        let xb = try ClusterView.explain(store: other, a: address, b: first)
        #expect(xa.sameCluster && !xa.steps.isEmpty)
        #expect(ClusterRender.explainJSON(xb).rendered() == ClusterRender.explainJSON(xa).rendered())
        #expect(
            other.calls.all.isSuperset(of: [
                "withClusterSession", "clusterMembers", "clusterBitcoinTotals", "withLinkLookup",
                "linkEvidence",
                "clusterFlowTransactions",
            ]))
    }
}
