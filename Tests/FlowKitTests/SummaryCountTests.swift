import FlowKit
import FlowModel
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// `stats` reads counts that ingest keeps (per-block input and output counts, dense ids) instead
/// of scanning the chain's tables: they must equal what a scan counts, on every kind of data, after
/// a reorganisation, and on a database written before the per-block counts existed.
@Suite("Counts kept by ingest equal a scan")
struct SummaryCountTests {
    /// The counts `stats` reported when it scanned: inputs and outputs of main-chain transactions,
    /// address and transfer rows.
    static let scan = """
        SELECT
          (SELECT COALESCE(SUM(t.input_count), 0) FROM blocks b
             JOIN transactions t ON t.id BETWEEN b.first_tx_id AND b.first_tx_id + b.tx_count - 1
             WHERE b.in_main_chain = 1),
          (SELECT COALESCE(SUM(t.output_count), 0) FROM blocks b
             JOIN transactions t ON t.id BETWEEN b.first_tx_id AND b.first_tx_id + b.tx_count - 1
             WHERE b.in_main_chain = 1),
          (SELECT COUNT(*) FROM addresses), (SELECT COUNT(*) FROM transfers),
          (SELECT COUNT(*) FROM inputs WHERE spent_output_id IS NULL AND prev_txid IS NOT NULL
             AND id NOT IN (SELECT input_id FROM prevouts))
        """

    static func expectCountsEqualScan(_ store: GraphStore, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let row = try #require(try store.textRows(Self.scan).first)
        let s = try store.stats()
        let kept = [s.inputs, s.outputs, s.addresses, s.transfers, s.unresolvedInputs].map(String.init)
        #expect(kept == row.map { $0 ?? "" }, sourceLocation: sourceLocation)
    }

    @Test("the sample case: Bitcoin blocks, bitcoin-etl, Ethereum exports, ledgers")
    func sampleCase() throws {
        let path = try Fixtures.tempDir() + "/case.db"
        let store = try SampleCase.build(samples: Fixtures.sampleData, path: path)
        let s = try store.stats()
        #expect(s.transactions > 0 && s.transfers > 0 && s.inputs > 0)
        try Self.expectCountsEqualScan(store)
    }

    @Test("a reorganisation: inputs and outputs of orphaned blocks stop counting", arguments: [false, true])
    func reorg(reversed: Bool) throws {
        let (store, _) = try Fixtures.freshStore()
        var files = ["blk/blk_0_to_4.dat", "blk/blk_3A.dat", "blk/blk_4A.dat", "blk/blk_5A.dat"].map(
            Fixtures.sample)
        if reversed { files.reverse() }
        var seen: [Int] = []
        for file in files {
            try Fixtures.ingest(store, [file])
            try Self.expectCountsEqualScan(store)
            seen.append(try store.stats().outputs)
        }
        #expect(try store.stats().orphanedBlocks == 2)
        // The counts moved with the chain (not only grew).
        #expect(Set(seen).count > 1)
    }

    @Test("a database written before the per-block counts gets them from its migration")
    func migrationCountsOldBlocks() throws {
        let path = try Fixtures.tempDir() + "/case.db"
        let before = try SampleCase.build(samples: Fixtures.sampleData, path: path).stats()
        // What the previous schema left: no count columns, the migration not applied.
        let old = try GraphStore(path: path)
        try old.executeForTesting(
            """
            ALTER TABLE blocks DROP COLUMN input_count;
            ALTER TABLE blocks DROP COLUMN output_count;
            DELETE FROM grdb_migrations WHERE identifier = 'v10-block-io-counts';
            """)
        #expect(
            try old.textRows("SELECT COUNT(*) FROM pragma_table_info('blocks') WHERE name = 'input_count'")
                == [["0"]])
        let migrated = try GraphStore(path: path)
        #expect(try migrated.stats() == before)
        try Self.expectCountsEqualScan(migrated)
    }
}
