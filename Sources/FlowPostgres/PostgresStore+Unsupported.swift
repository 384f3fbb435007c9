public import FlowModel
public import FlowStore

// The parts of the store contract the PostgreSQL backend does not serve yet. Each throws
// `StoreError.Code.unsupported` (exit 64) naming what was asked, so a command on a PostgreSQL
// database either gives SQLite's answer or says plainly that it cannot, never an empty result.
// docs/postgresql.md lists what is served.

extension PostgresStore {
    static func unsupported(_ what: String, path: String) -> StoreError {
        StoreError(
            .unsupported,
            "\(what): not served by the PostgreSQL backend yet (docs/postgresql.md lists what is); use a SQLite case database for this",
            path: path)
    }

    func unsupported(_ what: String) -> StoreError { Self.unsupported(what, path: path) }
}

extension PostgresStore: CaseReadStore {
    // CaseReader
    public func address(_ text: String) throws(StoreError) -> AddressSummary? {
        throw unsupported("address summaries")
    }
    public func assetActivity(_ text: String) throws(StoreError) -> (
        assets: [AssetActivity], fees: [AssetActivity]
    ) {
        throw unsupported("address activity")
    }
    public func clusterMembership(_ address: String) throws(StoreError) -> ClusterMembership? {
        throw unsupported("clusters")
    }
    public func clusterTags(_ clusterId: Int64, limit: Int) throws(StoreError) -> [TagRecord] {
        throw unsupported("clusters")
    }
    public func knownAddresses(_ addresses: Set<String>) throws(StoreError) -> Int {
        throw unsupported("address lookups")
    }
    public func tags(of text: String) throws(StoreError) -> [TagRecord] { throw unsupported("tags") }
    public func addressIds(texts: some Sequence<String>) throws(StoreError) -> [String: Int64] {
        throw unsupported("address lookups")
    }
    public func transaction(_ txid: Hash256) throws(StoreError) -> TransactionDetail? {
        throw unsupported("Bitcoin transactions")
    }
    public func conversions(tx: String) throws(StoreError) -> [Conversion] {
        throw unsupported("DeFi conversions")
    }
    public func contentFingerprint() throws(StoreError) -> [String: String] {
        throw unsupported("content checksums")
    }
    public func contentFingerprint(tables: [String], ignoring: Set<String>) throws(StoreError) -> [String:
        String]
    {
        throw unsupported("content checksums")
    }
    public func tagSummary() throws(StoreError) -> [(category: String, source: String, count: Int)] {
        throw unsupported("tags")
    }
    public func priceSummary() throws(StoreError) -> [(
        asset: String, currency: String, days: Int, first: Int64, last: Int64
    )] {
        throw unsupported("prices")
    }
    public func hasClusterRun() throws(StoreError) -> Bool { throw unsupported("clusters") }
    public func clusterRuns(limit: Int) throws(StoreError) -> [ClusterRunRecord] {
        throw unsupported("clusters")
    }

    // QueryLibraryReader
    public func runQuery(_ sql: String, arguments: [String: SQLValue]) throws(StoreError) -> SQLResult {
        throw unsupported("the query library")
    }
    public func hasTable(_ table: String) throws -> Bool { throw unsupported("the query library") }
    public func addressHistory(_ address: String) throws -> [AddressMovement] {
        throw unsupported("address reports")
    }
    public func addressCounterparties(_ address: String, limit: Int) throws -> [AddressCounterparty] {
        throw unsupported("address reports")
    }
    public func addressExposure(_ address: String) throws -> [AddressExposure] {
        throw unsupported("address reports")
    }
    public func addressAlerts(_ address: String) throws -> [AddressAlert] {
        throw unsupported("address reports")
    }

    // GraphSnapshotLoader
    public func loadUTXOTraceGraph(threads: Int) throws(StoreError) -> UTXOTraceGraph {
        throw unsupported("Bitcoin traces")
    }
    public func conversionLinks() throws(StoreError) -> [ConversionLink] {
        throw unsupported("DeFi conversions")
    }
    public func transferIds(tx: some Sequence<String>) throws(StoreError) -> [String: [Int64]] {
        throw unsupported("AML evaluation")
    }

    // TraceReader
    public func traceOutpoints(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceOutpoint] {
        throw unsupported("Bitcoin traces")
    }
    public func traceInputs(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceInputRef] {
        throw unsupported("Bitcoin traces")
    }

    // AlertReader
    public func closedAlerts() throws(StoreError) -> [ReviewedAlert] { throw unsupported("alert reviews") }
    public func review(alert id: String, status: String, note: String, reviewer: String, at: String)
        throws(StoreError) -> (fingerprint: String, history: [AlertReview])
    {
        throw unsupported("alert reviews")
    }

    // ClusterReader
    public func clusterMembers(_ clusterId: Int64, limit: Int, offset: Int) throws(StoreError) -> [String] {
        throw unsupported("clusters")
    }
    public func clusterBitcoinTotals(_ clusterId: Int64) throws(StoreError) -> ClusterBitcoinTotals {
        throw unsupported("clusters")
    }
    public func withLinkLookup<T>(_ body: ((UInt32) throws -> StoredLink?) throws -> T) throws(StoreError)
        -> T
    {
        throw unsupported("clusters")
    }
    public func linkEvidence(
        heuristic: LinkHeuristic, evidence: Int64, from: Int64, to: Int64, maxBlocks: Int64
    )
        throws(StoreError) -> LinkEvidence
    {
        throw unsupported("clusters")
    }
    public func clusterFlowTransactions(_ clusterId: Int64, limit: Int) throws(StoreError)
        -> [ClusterFlowTransaction]
    {
        throw unsupported("clusters")
    }
    public func clusterTransferFlows(_ clusterId: Int64) throws(StoreError) -> [ClusterTransferFlow] {
        throw unsupported("clusters")
    }
    public func clusterWarnings(runId: Int64, limit: Int) throws(StoreError) -> [ClusterWarning] {
        throw unsupported("clusters")
    }
    public func clusterRows(limit: Int, offset: Int) throws(StoreError) -> [ClusterRow] {
        throw unsupported("clusters")
    }
    // Read by `trace` (not served yet).
    public func txids(_ ids: [Int64]) throws(StoreError) -> [Int64: String] {
        throw unsupported("Bitcoin transactions")
    }
    public func loadAccountTraceGraph(asset: Int64) throws(StoreError) -> AccountTraceGraph {
        throw unsupported("traces")
    }
    public func taggedAddressIds(categories: [String]) throws(StoreError) -> Set<UInt32> {
        throw unsupported("tags")
    }
    public func traceSeeds(_ text: String, since: Int64?, until: Int64?) throws(StoreError) -> [TraceSeedRef]
    {
        throw unsupported("traces")
    }
    public func traceSeeds(_ target: TraceSeedTarget, since: Int64?, until: Int64?) throws(StoreError)
        -> [TraceSeedRef]
    {
        throw unsupported("traces")
    }
    public func isTraceAddress(_ text: String) throws(StoreError) -> Bool { throw unsupported("traces") }
    public func traceAddressOutflows(_ text: String, since: Int64?, until: Int64?, examples: Int)
        throws(StoreError)
        -> TraceAddressOutflows?
    {
        throw unsupported("traces")
    }
    public func traceAssets() throws(StoreError) -> [TraceAsset] { throw unsupported("traces") }
    public func traceTransfers(_ ids: [Int64]) throws(StoreError) -> [Int64: TraceTransferRef] {
        throw unsupported("traces")
    }
    public func traceAddressTexts(_ ids: [UInt32]) throws(StoreError) -> [UInt32: String] {
        throw unsupported("traces")
    }
}
