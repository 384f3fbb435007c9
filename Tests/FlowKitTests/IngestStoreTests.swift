import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

@Suite("Ingest into the graph store")
struct IngestStoreTests {
    static let truthCases: [(files: [String], network: Network)] = [
        (["blk/blocks1-256.dat", "blk/277647.dat"], .mainnet),
        (["raw/testnet_block_924634.raw"], .testnet),
        (["core-json/block766390.raw", "raw/block_13b8a.hex"], .mainnet),
    ]

    @Test(
        "every stored output equals the truth file: value, Core type name, address",
        arguments: 0..<truthCases.count)
    func outputsMatchTruth(caseIndex: Int) throws {
        let (files, network) = Self.truthCases[caseIndex]
        let (store, _) = try Fixtures.freshStore()
        try Fixtures.ingest(store, files.map(Fixtures.sample), network: network)
        var checked = 0
        var expectedOutputs = 0
        for file in files {
            let truthPath = Fixtures.sample(
                (file as NSString).deletingPathExtension + ".truth.json")
            for block in try Fixtures.truthBlocks(truthPath) {
                expectedOutputs += try #require(block["output_count"] as? Int)
                let txs = try #require(block["transactions"] as? [[String: Any]])
                for truthTx in txs {
                    let txid = try #require(truthTx["txid"] as? String)
                    let hash = try #require(Hash256(displayHex: txid))
                    let tx = try #require(try store.transaction(hash))
                    #expect(tx.blockHash == block["block_hash"] as? String)
                    #expect(tx.blockHeight == block["height"] as? Int)
                    #expect(tx.wtxid == truthTx["wtxid"] as? String)
                    let outs = try #require(truthTx["outputs"] as? [[String: Any]])
                    #expect(tx.outputs.count == outs.count)
                    for (ours, truth) in zip(tx.outputs, outs) {
                        #expect(ours.value == truth["value_sats"] as? Int64)
                        #expect(ours.type == truth["type"] as? String)
                        let expected = (truth["address"] as? String) ?? (truth["p2pkh_of_pubkey"] as? String)
                        #expect(ours.address == expected, "\(txid):\(ours.n)")
                        checked += 1
                    }
                    #expect(tx.inputs.count == (truthTx["inputs"] as? [Any])?.count)
                }
            }
        }
        #expect(checked == expectedOutputs)
        #expect(checked > 0)
        let stats = try store.stats()
        #expect(stats.orphanedBlocks == 0)
        if caseIndex == 0 {
            #expect(stats.blocks == 256)
            #expect(stats.minHeight == 1)
            #expect(stats.maxHeight == 277647)
        }
    }

    @Test("fees and block figures equal Bitcoin Core's getblockstats (regtest 0-103)")
    func feesMatchGetBlockStats() throws {
        let data = try Data(
            contentsOf: URL(fileURLWithPath: Fixtures.sample("vectors/rpc_getblockstats.json")))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let blocks = try #require(root["blocks"] as? [String])
        let stats = try #require(root["stats"] as? [[String: Any]])
        let (store, dir) = try Fixtures.freshStore()
        let hexPath = dir + "/chain.hex"
        try blocks.joined(separator: "\n").write(toFile: hexPath, atomically: true, encoding: .utf8)
        let report = try Fixtures.ingest(store, [hexPath], network: .regtest)
        #expect(report.summary.blocksAdded == 104)
        #expect(report.summary.unresolvedInputs == 0)
        let s = try store.stats()
        #expect(s.minHeight == 0 && s.maxHeight == 103)
        for core in stats {
            let hash = try #require(core["blockhash"] as? String)
            let blockHash = try #require(Hash256(displayHex: hash))
            let fees = try store.blockFees(blockHash)
            #expect(fees.height == core["height"] as? Int)
            #expect(fees.totalFee == core["totalfee"] as? Int64, "height \(core["height"] ?? "?")")
            #expect(fees.minFee == core["minfee"] as? Int64)
            #expect(fees.maxFee == core["maxfee"] as? Int64)
            #expect(fees.transactions == core["txs"] as? Int)
            #expect(fees.inputs == core["ins"] as? Int)
            #expect(fees.outputs == core["outs"] as? Int)
            #expect(fees.totalOut == core["total_out"] as? Int64)
        }
        // Value is conserved in every transaction with known inputs: inputs = outputs + fee,
        // checked from the rows themselves rather than the stored fee's own arithmetic.
        let violations = try store.conservationViolations()
        #expect(violations.isEmpty, "\(violations)")
    }

    @Test("re-ingesting a file changes nothing and says so")
    func idempotent() throws {
        let (store, _) = try Fixtures.freshStore()
        let file = Fixtures.sample("blk/blocks1-256.dat")
        try Fixtures.ingest(store, [file])
        let before = try store.contentFingerprint()
        let again = try Fixtures.ingest(store, [file])
        #expect(again.summary.blocksAdded == 0)
        #expect(again.files[0].alreadyPresent == 255)
        #expect(IngestRender.text(again).contains("all already in the database: nothing changed"))
        #expect(try store.contentFingerprint() == before)
    }

    @Test(
        "the store follows the chain with the most work; orphaned blocks do not count",
        arguments: [false, true])
    func reorg(reversedOrder: Bool) throws {
        let (store, _) = try Fixtures.freshStore()
        var files = ["blk/blk_0_to_4.dat", "blk/blk_3A.dat", "blk/blk_4A.dat", "blk/blk_5A.dat"].map(
            Fixtures.sample)
        if reversedOrder { files.reverse() }
        // One file per run, as blocks arrive over time.
        for file in files { try Fixtures.ingest(store, [file]) }
        let stats = try store.stats()
        #expect(stats.blocks == 6)
        #expect(stats.orphanedBlocks == 2)
        #expect(stats.maxHeight == 5)
        #expect(stats.unresolvedInputs == 0)
        // Block 3 (orphaned) paid 1JyMKvPH... 10 BTC via 509866fa; 3A paid the same coins to 1NiEGXeU.
        let winner = try #require(try store.address("1NiEGXeURREqqMjCvjCeZn6SwEBZ9AdVet"))
        #expect(winner.balance == 1_000_000_000)
        // 1JyMKvPH…: 50 (3A coinbase) + 40 (d75b0bc6 in 3A) + 50 (94dfb6d6 in 5A); the 10 BTC of
        // 509866fa in orphaned block 3 does not count.
        let other = try #require(try store.address("1JyMKvPHkrCQd8jQrqTR1rBsAd1VpRhTiE"))
        #expect(other.received == 14_000_000_000)
        #expect(other.balance == 14_000_000_000)
    }
}
