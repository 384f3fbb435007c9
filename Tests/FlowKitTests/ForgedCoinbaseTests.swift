import FlowModel
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Forged coinbases in a real bitcoin-etl export, through the `chainflow` executable.
///
/// bitcoin-etl's blocks 50001–50002 (`SampleData/bitcoin-json/bitcoin-etl/bitcoin/block_with_transactions`,
/// a byte copy of the shared sample `bitcoin-etl/test_export_blocks_job/bitcoin/block_with_transactions`)
/// with block 50002's coinbase changed: its value raised to 20,000,000 BTC, or its payee replaced by
/// the genesis block's key. The export states the coinbase's txid and the merkle root commits to
/// that txid, so only rebuilding the coinbase from the exported fields and hashing it can tell the
/// forgery: the ingest must refuse the block (exit 65, naming the file, block and txid), store
/// nothing of it, keep block 50001 read before it, and stay so on a second run.
@Suite("Forged bitcoin-etl coinbases through chainflow ingest")
struct ForgedCoinbaseTests {
    static let folder = JSONFixtures.path("bitcoin-etl/bitcoin/block_with_transactions")
    static let block50002 = "000000002066d7f9b134c30b5005b7bf5fbfa52f279883f1fde793dcdc964266"
    static let coinbase50002 = "5164dc2785549f9efe14eb1c54522ec1874a02b7eda164fde370c05412f037ad"
    static let genesisKey =
        "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f"
    static let genesisAddress = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"

    enum Forgery: String, CaseIterable, Sendable {
        case value, payee
    }

    /// The sample's transaction lines with block 50002's coinbase (the last line) forged.
    static func forgedTransactions(_ forgery: Forgery) throws -> String {
        let text = try String(contentsOfFile: folder + "/expected_transactions.json", encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let last = try #require(lines.last)
        try #require(last.contains("\"hash\": \"\(coinbase50002)\""))
        let forged: String
        switch forgery {
        case .value:
            forged = last.replacingOccurrences(of: "5000000000", with: "2000000000000000")
        case .payee:
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            let output = try #require((object["outputs"] as? [[String: Any]])?.first)
            let script = try #require(output["script_hex"] as? String)
            let address = try #require((output["addresses"] as? [String])?.first)
            // A pay-to-pubkey script: 41 <65-byte key> ac.
            let key = String(script.dropFirst(2).dropLast(2))
            forged = last.replacingOccurrences(of: key, with: genesisKey)
                .replacingOccurrences(of: address, with: genesisAddress)
        }
        try #require(forged != last)
        lines[lines.count - 1] = forged
        return lines.joined(separator: "\n") + "\n"
    }

    @Test(
        "a forged coinbase is refused with exit 65 naming file, block and txid; nothing of its block is stored",
        arguments: Forgery.allCases)
    func forgedCoinbaseIsRefused(_ forgery: Forgery) throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        let blocks = Self.folder + "/expected_blocks.json"
        let transactions = dir + "/transactions.json"
        try JSONFixtures.write(try Self.forgedTransactions(forgery), to: transactions)
        let args = ["ingest", "--quiet", "--db", db, blocks, transactions]

        let first = try CLIProcess.run(args, in: dir, label: "forged")
        #expect(first.status == 65, "stderr: \(first.stderr)")
        // The coinbase is the fourth line of transactions.json; the column is its "hash".
        #expect(
            first.stderr.contains(
                "transactions.json:4:10: field 'hash': error: block 50002 \(Self.block50002): coinbase \(Self.coinbase50002) is unproven"
            ), "stderr: \(first.stderr)")
        #expect(!first.stderr.contains("note:"), "stderr: \(first.stderr)")

        let store = try GraphStore(path: db, readOnly: true)
        let stats = try store.stats()
        #expect(stats.blocks == 1 && stats.minHeight == 50001 && stats.maxHeight == 50001)
        #expect(try store.transaction(try #require(Hash256(displayHex: Self.coinbase50002))) == nil)
        let stored = try store.runQuery(
            "SELECT COUNT(*) FROM blocks WHERE lower(hex(hash)) = :hash",
            arguments: ["hash": .text(Self.block50002)])
        #expect(stored.rows == [[.integer(0)]])
        // Neither the genesis address nor 20,000,000 BTC appears anywhere.
        #expect(try store.address(Self.genesisAddress) == nil)
        let total = try store.runQuery("SELECT COALESCE(SUM(value), 0) FROM outputs", arguments: [:])
        // Block 50001's outputs: 50 (coinbase) + 100 + 50 BTC.
        #expect(total.rows == [[.integer(20_000_000_000)]])
        #expect(try store.integrityCheck() == ["ok"])
        let before = try store.contentFingerprint()

        // Re-running is safe: the same refusal, nothing more stored.
        let second = try CLIProcess.run(args, in: dir, label: "again")
        #expect(second.status == 65 && second.stderr == first.stderr)
        #expect(try GraphStore(path: db, readOnly: true).contentFingerprint() == before)

        // The unmodified export then completes the database.
        let fixed = try CLIProcess.run(
            ["ingest", "--quiet", "--db", db, blocks, Self.folder + "/expected_transactions.json"], in: dir,
            label: "fixed")
        #expect(fixed.status == 0, "stderr: \(fixed.stderr)")
        #expect(try GraphStore(path: db, readOnly: true).stats().maxHeight == 50002)
    }

    @Test(
        "the unmodified export ingests without a note and stores what Bitcoin Core's getblock JSON (hex, proven by hashing) stores"
    )
    func unmodifiedEqualsCoreJSON() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let etl = dir + "/etl.db"
        let r = try CLIProcess.run(
            [
                "ingest", "--db", etl, Self.folder + "/expected_blocks.json",
                Self.folder + "/expected_transactions.json",
            ], in: dir, label: "etl")
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(!r.stderr.contains("note:") && !r.stdout.contains("note:"), "\(r.stdout)\(r.stderr)")
        let core = dir + "/core.db"
        let c = try CLIProcess.run(
            [
                "ingest", "--quiet", "--db", core,
                Self.folder
                    + "/rpc_response_getblock_000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141_2.json",
                Self.folder + "/rpc_response_getblock_\(Self.block50002)_2.json",
            ], in: dir, label: "core")
        #expect(c.status == 0, "stderr: \(c.stderr)")
        let a = try GraphStore(path: etl, readOnly: true)
        let b = try GraphStore(path: core, readOnly: true)
        for txid in [
            "e1882d41800d96d0fddc196cd8d3f0b45d65b030c652d97eaba79a1174e64d58",
            "7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a",
            "f84761459a00c6df3176ae5d94c99e69f25100d09548e5686bd0c354bb8cc60a", Self.coinbase50002,
        ] {
            let hash = try #require(Hash256(displayHex: txid))
            let ours = try #require(try a.transaction(hash))
            #expect(ours == (try b.transaction(hash)), "\(txid)")
        }
        #expect(try a.stats().transactions == 4)
    }
}
