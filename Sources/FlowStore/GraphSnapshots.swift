public import FlowModel
import Foundation
import GRDB

/// The analyzers' graphs kept as files beside the database (`DB.graph/`), so that a trace opens
/// its graph instead of reading and joining the database's rows.
///
/// The SQLite file stays the source of truth. Each snapshot names the state of the database it
/// was built from: the database's random identity and what every ingest changes (the last ids of
/// the graph tables, the main chain's block count, the sources' progress and the last ingest
/// run). A snapshot of another state, another format version, a short file or a wrong checksum
/// is never used: the graph is loaded from the database and the snapshot written again. A
/// database that cannot be written next to (a read-only folder) is loaded every time.
public struct GraphSnapshotUse: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// Read from a snapshot that matched the database.
        case opened
        /// Loaded from the database, and the snapshot written for next time.
        case built
        /// Loaded from the database; no snapshot could be kept (read-only folder, old schema).
        case loaded
    }
    public var outcome: Outcome
    /// Why an existing snapshot was not used (nil when none existed or it was used).
    public var rejected: String?
}

extension GraphStore {
    /// The folder of this database's snapshots.
    public var snapshotFolder: String { path + ".graph" }

    /// The state key of the database (nil when it has no identity yet: opened read-only before
    /// that migration).
    func snapshotState() throws(StoreError) -> String? {
        try read("reading the database state") { db in
            guard try db.tableExists("store_identity") else { return nil }
            guard let id = try String.fetchOne(db, sql: "SELECT id FROM store_identity LIMIT 1") else {
                return nil
            }
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT
                      (SELECT COALESCE(MAX(id), 0) FROM blocks),
                      (SELECT COUNT(*) FROM blocks WHERE in_main_chain = 1),
                      (SELECT COALESCE(MAX(id), 0) FROM transactions),
                      (SELECT COALESCE(MAX(id), 0) FROM inputs),
                      (SELECT COALESCE(MAX(id), 0) FROM outputs),
                      (SELECT COUNT(*) FROM prevouts),
                      (SELECT COALESCE(MAX(id), 0) FROM transfers),
                      (SELECT COUNT(*) || '/' || COALESCE(SUM(bytes_done), 0) || '/' || COALESCE(SUM(rows_done), 0)
                         || '/' || COALESCE(MAX(finished_at), '') FROM sources),
                      (SELECT COALESCE(MAX(id), 0) || '/' || COALESCE(MAX(started_at), '') FROM runs
                         WHERE command = 'ingest')
                    """)
            guard let row else { return nil }
            let parts = (0..<row.count).map { i -> String in
                let v: DatabaseValue = row[i]
                return String(describing: v)
            }
            return ([id] + parts).joined(separator: ";")
        }
    }

    /// The graph in snapshot `name`, else `build()`'s, written as that snapshot.
    func snapshotted<G>(
        _ name: String, open: (UnsafeRawBufferPointer, String) throws -> G, encode: (G, String) -> [UInt8],
        build: () throws(StoreError) -> G
    ) throws(StoreError) -> (graph: G, use: GraphSnapshotUse) {
        guard let state = try snapshotState() else {
            return (try build(), GraphSnapshotUse(outcome: .loaded))
        }
        let file = snapshotFolder + "/" + name
        var rejected: String? = nil
        if let data = try? Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped) {
            do {
                let graph = try data.withUnsafeBytes { try open($0, state) }
                return (graph, GraphSnapshotUse(outcome: .opened))
            } catch let why as SnapshotCodec.Rejection {
                rejected = "\(why)"
            } catch {
                rejected = "\(error)"
            }
        }
        let graph = try build()
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: snapshotFolder, withIntermediateDirectories: true)
            try Data(encode(graph, state)).write(to: URL(fileURLWithPath: file), options: .atomic)
            return (graph, GraphSnapshotUse(outcome: .built, rejected: rejected))
        } catch {
            return (graph, GraphSnapshotUse(outcome: .loaded, rejected: rejected))
        }
    }

    /// The UTXO trace graph (see `buildUTXOTraceGraph`), from its snapshot when it matches.
    public func openUTXOTraceGraph(threads: Int) throws(StoreError) -> (
        graph: UTXOTraceGraph, use: GraphSnapshotUse
    ) {
        try snapshotted(
            "utxo.v\(UTXOTraceGraph.snapshotVersion)",
            open: { try UTXOTraceGraph(snapshot: $0, state: $1) }, encode: { $0.snapshot(state: $1) },
            build: { () throws(StoreError) in try buildUTXOTraceGraph(threads: threads) })
    }

    /// The account trace graph of `asset` (see `buildAccountTraceGraph`), from its snapshot when
    /// it matches.
    public func openAccountTraceGraph(asset: Int64) throws(StoreError) -> (
        graph: AccountTraceGraph, use: GraphSnapshotUse
    ) {
        try snapshotted(
            "account-\(asset).v\(AccountTraceGraph.snapshotVersion)",
            open: { try AccountTraceGraph(snapshot: $0, state: $1) }, encode: { $0.snapshot(state: $1) },
            build: { () throws(StoreError) in try buildAccountTraceGraph(asset: asset) })
    }

    public func loadUTXOTraceGraph(threads: Int) throws(StoreError) -> UTXOTraceGraph {
        try openUTXOTraceGraph(threads: threads).graph
    }

    public func loadAccountTraceGraph(asset: Int64) throws(StoreError) -> AccountTraceGraph {
        try openAccountTraceGraph(asset: asset).graph
    }
}
