import FlowIngest
import FlowModel
import Foundation
import Testing

/// Fees need the values of the outputs each input spends. These tests resolve them from btcd's
/// utxostore (block 277647) or from the earlier blocks of a chain (the regtest chain), and check
/// the decoded values against the truth files and Bitcoin Core's `getblockstats`.
@Suite("Fees from decoded blocks")
struct FeeTests {
    @Test func utxostoreHoldsTheOutputsBlock277647Spends() throws {
        let entries = try UtxoStore.parse(Fixtures.bytes(Fixtures.sample("blk/277647.utxostore")))
        #expect(entries.count == 732)
        #expect(Set(entries.map(\.outpoint)).count == entries.count, "duplicate outpoints in the utxostore")

        // The entries are exactly the outputs the block's inputs spend, including the 62 that
        // earlier transactions of the block itself create (stored at the block's height).
        let block = try Self.block277647()
        let spent = block.transactions.dropFirst().flatMap(\.inputs).map {
            Outpoint(txid: $0.prevTxid, vout: $0.prevVout)
        }
        #expect(Set(spent) == Set(entries.map(\.outpoint)))

        let created = Dictionary(uniqueKeysWithValues: block.transactions.map { ($0.txid, $0) })
        let fromBlock = entries.filter { created[$0.outpoint.txid] != nil }
        #expect(fromBlock.count == 62)
        #expect(fromBlock.allSatisfy { $0.height == 277_647 })
        #expect(entries.filter { created[$0.outpoint.txid] == nil }.allSatisfy { $0.height < 277_647 })
        // btcd's values for those outputs agree with the decoded block's.
        for entry in fromBlock {
            let output = created[entry.outpoint.txid]?.outputs[Int(entry.outpoint.vout)]
            #expect(output?.value == entry.value, "\(entry.outpoint)")
        }
    }

    @Test func feesOfBlock277647() throws {
        let entries = try UtxoStore.parse(Fixtures.bytes(Fixtures.sample("blk/277647.utxostore")))
        var prevouts = [Outpoint: UInt64]()
        for entry in entries { prevouts[entry.outpoint] = entry.value }

        let block = try Self.block277647()
        let truth = try TruthFile.load(Fixtures.sample("blk/277647.truth.json"))
        let truthBlock = try #require(truth.blocks.first)
        let fees = try Fees.compute(block, prevouts: &prevouts)

        var m = Mismatches()
        for (index, (fee, truthTx)) in zip(fees, truthBlock.transactions).enumerated() {
            m.check(fee, truthTx.feeSats, "tx \(index) (\(truthTx.txid)) fee")
        }
        m.expectNone()
        let total = fees.compactMap { $0 }.reduce(0, +)
        #expect(total == 4_737_355)
        #expect(total == truthBlock.totalFeeSats)
        // The miner claimed exactly subsidy + fees.
        #expect(block.transactions[0].outputValue == 2_500_000_000 + total)
    }

    @Test func feesOfTheRegtestChain() throws {
        let (_, blocks) = try RegtestChain.load()
        let truth = try TruthFile.load(Fixtures.sample("vectors/rpc_getblockstats.truth.json"))
        var prevouts = [Outpoint: UInt64]()
        var m = Mismatches()
        for (height, (block, truthBlock)) in zip(blocks, truth.blocks).enumerated() {
            let fees = try Fees.compute(block, prevouts: &prevouts)
            for (index, (fee, truthTx)) in zip(fees, truthBlock.transactions).enumerated() {
                m.check(fee, truthTx.feeSats, "height \(height) tx \(index) fee")
            }
            m.check(
                fees.compactMap { $0 }.reduce(0, +), truthBlock.totalFeeSats, "height \(height) total fee")
        }
        m.expectNone()
    }

    /// Bitcoin Core's own `getblockstats` for heights 101–103, recorded in the vector file.
    @Test func regtestChainAgreesWithCoreGetblockstats() throws {
        let (_, blocks) = try RegtestChain.load()
        var prevouts = [Outpoint: UInt64]()
        var feesByHeight = [[UInt64?]]()
        for block in blocks { feesByHeight.append(try Fees.compute(block, prevouts: &prevouts)) }

        let stats = try RegtestChain.coreStats()
        try #require(stats.count == 3)
        for stat in stats {
            let height = try #require(stat["height"] as? Int)
            let block = blocks[height]
            let fees = feesByHeight[height].compactMap { $0 }
            let spending = block.transactions.dropFirst()
            #expect(block.hash.hex == stat["blockhash"] as? String, "height \(height)")
            #expect(block.transactions.count == stat["txs"] as? Int, "height \(height) txs")
            #expect(
                spending.reduce(0) { $0 + $1.inputs.count } == stat["ins"] as? Int, "height \(height) ins")
            #expect(
                block.transactions.reduce(0) { $0 + $1.outputs.count } == stat["outs"] as? Int,
                "height \(height) outs")
            #expect(
                spending.reduce(0) { $0 + Int($1.outputValue) } == stat["total_out"] as? Int,
                "height \(height) total_out")
            #expect(
                spending.reduce(0) { $0 + $1.size } == stat["total_size"] as? Int,
                "height \(height) total_size")
            #expect(
                spending.reduce(0) { $0 + $1.weight } == stat["total_weight"] as? Int,
                "height \(height) total_weight")
            #expect(
                fees.reduce(0, +) == (stat["totalfee"] as? Int).map(UInt64.init), "height \(height) totalfee")
            // Core reports 0 for a block without fee-paying transactions.
            #expect((fees.min() ?? 0) == (stat["minfee"] as? Int).map(UInt64.init), "height \(height) minfee")
            #expect((fees.max() ?? 0) == (stat["maxfee"] as? Int).map(UInt64.init), "height \(height) maxfee")
        }
    }

    static func block277647() throws -> BitcoinBlock {
        let source = try BlockSource.load(path: Fixtures.sample("blk/277647.dat").path)
        let frame = try #require(source.frames.first)
        return try source.decode(frame)
    }
}

/// Fee computation over decoded blocks, resolving inputs from a map of unspent output values.
enum Fees {
    struct MissingPrevout: Error, CustomStringConvertible {
        var outpoint: Outpoint
        var spender: Hash256
        var description: String {
            "transaction \(spender) spends \(outpoint), which is not a known unspent output"
        }
    }

    /// The fee of each transaction of `block` (nil for the coinbase). Inputs are looked up in
    /// `prevouts` and removed from it; each transaction's outputs are added to it, so that later
    /// transactions of the block, and later blocks, can spend them.
    static func compute(_ block: BitcoinBlock, prevouts: inout [Outpoint: UInt64]) throws -> [UInt64?] {
        var fees = [UInt64?]()
        for tx in block.transactions {
            if tx.isCoinbase {
                fees.append(nil)
            } else {
                var inputValue: UInt64 = 0
                for input in tx.inputs {
                    let outpoint = Outpoint(txid: input.prevTxid, vout: input.prevVout)
                    guard let value = prevouts.removeValue(forKey: outpoint) else {
                        throw MissingPrevout(outpoint: outpoint, spender: tx.txid)
                    }
                    inputValue += value
                }
                try #require(
                    inputValue >= tx.outputValue, "transaction \(tx.txid) spends more than its inputs")
                fees.append(inputValue - tx.outputValue)
            }
            for (index, output) in tx.outputs.enumerated() {
                prevouts[Outpoint(txid: tx.txid, vout: UInt32(index))] = output.value
            }
        }
        return fees
    }
}
