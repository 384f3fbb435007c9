import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Graph snapshots beside the database (`DB.graph/`): a trace opens the graph from its snapshot
/// when the snapshot matches the database, and never uses one of another state, another database
/// or damaged bytes.
@Suite("Graph snapshots")
struct GraphSnapshotTests {
    static func sampleCase() throws -> (GraphStore, String) {
        let path = try Fixtures.tempDir() + "/case.db"
        return (try SampleCase.build(samples: Fixtures.sampleData, path: path), path)
    }

    static func bytes(_ g: AccountTraceGraph) -> [UInt8] { g.snapshot(state: "compare") }
    static func bytes(_ g: UTXOTraceGraph) -> [UInt8] { g.snapshot(state: "compare") }

    static func ledgerAsset(_ store: GraphStore) throws -> Int64 {
        let rows = try store.textRows(
            "SELECT asset_id FROM transfers WHERE kind = 4 GROUP BY asset_id ORDER BY COUNT(*) DESC")
        let id = rows.first?.first.flatMap { $0 }.flatMap { Int64($0) }
        return try #require(id)
    }

    @Test("built once, then opened: the same arrays as loading from the database")
    func openedEqualsBuilt() throws {
        let (store, _) = try Self.sampleCase()
        let asset = try Self.ledgerAsset(store)
        let fresh = try store.buildAccountTraceGraph(asset: asset)
        #expect(fresh.count > 0)
        let first = try store.openAccountTraceGraph(asset: asset)
        #expect(first.use.outcome == .built)
        let second = try store.openAccountTraceGraph(asset: asset)
        #expect(second.use.outcome == .opened)
        #expect(Self.bytes(second.graph) == Self.bytes(fresh))

        let utxo = try store.buildUTXOTraceGraph(threads: 2)
        #expect(utxo.transactionCount > 0)
        #expect(try store.openUTXOTraceGraph(threads: 2).use.outcome == .built)
        let opened = try store.openUTXOTraceGraph(threads: 2)
        #expect(opened.use.outcome == .opened)
        #expect(Self.bytes(opened.graph) == Self.bytes(utxo))
    }

    @Test("traces read from a snapshot are the traces read from the database")
    func tracesAgree() throws {
        let (store, path) = try Self.sampleCase()
        let ledger = TraceOptions(from: ["4"], policy: .haircut, maxHops: 6)
        let satoshi = TraceOptions(
            from: ["0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098"], maxHops: 6)
        for options in [ledger, satoshi] {
            try? FileManager.default.removeItem(atPath: store.snapshotFolder)
            let built = try Trace.run(store: store, options: options)
            #expect(FileManager.default.fileExists(atPath: store.snapshotFolder))
            let opened = try Trace.run(store: try GraphStore(path: path, readOnly: true), options: options)
            let a = built.reports.map { TraceRender.json($0).rendered() }
            let b = opened.reports.map { TraceRender.json($0).rendered() }
            #expect(!a.isEmpty && a == b)
        }
    }

    @Test("an ingest after the snapshot makes it stale: the new transfers are traced")
    func staleAfterIngest() throws {
        let (store, dir) = try Fixtures.freshStore()
        let ledger = dir + "/ledger.csv"
        let head = "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp\n"
        try (head + "1,A,B,TRANSFER,100.00,2024-03-01T09:00:00Z\n").write(
            toFile: ledger, atomically: true, encoding: .utf8)
        try TransferCSVStoreTests.ingest(store, [ledger])
        let asset = try Self.ledgerAsset(store)
        #expect(try store.openAccountTraceGraph(asset: asset).graph.count == 1)
        #expect(try store.openAccountTraceGraph(asset: asset).use.outcome == .opened)

        let more = dir + "/more.csv"
        try (head + "2,B,C,TRANSFER,60.00,2024-03-02T09:00:00Z\n").write(
            toFile: more, atomically: true, encoding: .utf8)
        try TransferCSVStoreTests.ingest(store, [more])
        let after = try store.openAccountTraceGraph(asset: asset)
        #expect(after.use.outcome == .built)
        #expect(after.use.rejected == "otherState")
        #expect(after.graph.count == 2)
        #expect(Self.bytes(after.graph) == Self.bytes(try store.buildAccountTraceGraph(asset: asset)))
    }

    @Test("a damaged or truncated snapshot is not used", arguments: ["flip", "truncate", "empty"])
    func damaged(how: String) throws {
        let (store, _) = try Self.sampleCase()
        let asset = try Self.ledgerAsset(store)
        _ = try store.openAccountTraceGraph(asset: asset)
        let names = try FileManager.default.contentsOfDirectory(atPath: store.snapshotFolder)
        let file = try #require(names.first { $0.hasPrefix("account-") })
        let url = URL(fileURLWithPath: store.snapshotFolder + "/" + file)
        var data = try Data(contentsOf: url)
        switch how {
        case "flip": data[data.count / 2] ^= 0x40
        case "truncate": data = data.prefix(data.count - 9)
        default: data = Data()
        }
        try data.write(to: url)
        let again = try store.openAccountTraceGraph(asset: asset)
        #expect(again.use.outcome == .built)
        #expect(
            again.use.rejected
                == (how == "flip" ? "badChecksum" : how == "truncate" ? "badChecksum" : "short"))
        #expect(Self.bytes(again.graph) == Self.bytes(try store.buildAccountTraceGraph(asset: asset)))
    }

    @Test("a database rebuilt at the same path does not read the old one's snapshot")
    func otherDatabase() throws {
        let (store, path) = try Self.sampleCase()
        let asset = try Self.ledgerAsset(store)
        _ = try store.openAccountTraceGraph(asset: asset)
        let rebuilt = try SampleCase.build(samples: Fixtures.sampleData, path: path)
        let use = try rebuilt.openAccountTraceGraph(asset: asset).use
        #expect(use.outcome == .built)
        #expect(use.rejected == "otherState")
    }

    @Test("random arrays come back as written; a wrong kind, version or state is refused")
    func codecRoundTrip() throws {
        var rng = SplitMix64(seed: 21)
        for _ in 0..<50 {
            var g = AccountTraceGraph()
            g.asset = Int64(rng.next() % 100)
            var t: Int64 = 0
            for k in 0..<Int(rng.next() % 40) {
                t += Int64(rng.next() % 3)
                g.append(
                    id: Int64(k + 1), time: t, from: UInt32(rng.next() % 6), to: UInt32(rng.next() % 6),
                    amount: UInt256(limbs: (rng.next(), rng.next() % 2, 0, rng.next() % 3)),
                    fee: rng.next() % 5 == 0)
            }
            g.finish()
            let bytes = g.snapshot(state: "s1")
            let back = try bytes.withUnsafeBytes { try AccountTraceGraph(snapshot: $0, state: "s1") }
            #expect(back.snapshot(state: "s1") == bytes)
            #expect(back.asset == g.asset && back.amount == g.amount && back.nextOutflow == g.nextOutflow)
            #expect(throws: SnapshotCodec.Rejection.otherState) {
                try bytes.withUnsafeBytes { try AccountTraceGraph(snapshot: $0, state: "s2") }
            }
            #expect(throws: SnapshotCodec.Rejection.otherKind) {
                try bytes.withUnsafeBytes { try UTXOTraceGraph(snapshot: $0, state: "s1") }
            }
        }
    }
}
