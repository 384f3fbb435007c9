import FlowIngest
import FlowModel
import FlowSim
import Foundation
import Testing

/// `generate bitcoin --peel-chains N`: the planted chains are real 1-input, 2-output hops in the
/// generated blocks, each spending the previous hop's change, and labels.csv lists them.
@Suite("Peel-chain planting")
struct PeelChainPlantingTests {
    static let options: ChainGeneratorOptions = {
        var o = ChainGeneratorOptions(
            transactions: 20_000, seed: 3, transactionsPerBlock: 200, blocksPerFile: 64)
        o.peelChains = 12
        return o
    }()

    /// labels.csv rows: id, typology, members, txids.
    static func labels(_ directory: String) throws -> [(Int, String, [String], [String])] {
        let text = try String(
            contentsOfFile: directory + "/" + ChainGenerator.labelsFileName, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "instance_id,typology,members,transactions")
        return lines.dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (
                Int(f[0]) ?? -1, f[1], f[2].split(separator: ";").map(String.init),
                f[3].split(separator: ";").map(String.init)
            )
        }
    }

    @Test("every planted chain is a run of peel hops in the blocks, as labels.csv says")
    func plantedChainsAreInTheBlocks() throws {
        let chain = try DecodedChain.generate(Self.options, label: "peel")
        defer { try? FileManager.default.removeItem(atPath: chain.directory) }
        #expect(chain.summary.peelChains == 12)
        #expect(chain.summary.transactions == 20_000)
        let rows = try Self.labels(chain.directory)
        #expect(rows.map(\.0) == Array(1...12))
        var byTxid: [String: BitcoinTransaction] = [:]
        for block in chain.blocks {
            for tx in block.transactions { byTxid[tx.txid.hex] = tx }
        }
        var spenders: [String: String] = [:]  // "txid:vout" -> spending txid
        for tx in byTxid.values {
            for input in tx.inputs { spenders["\(input.prevTxid.hex):\(input.prevVout)"] = tx.txid.hex }
        }
        for (id, typology, members, txids) in rows {
            #expect(typology == "peel-chain")
            #expect((5...16).contains(txids.count), "chain \(id): \(txids.count) hops")
            #expect(Set(txids).count == txids.count)
            for (k, txid) in txids.enumerated() {
                let tx = try #require(byTxid[txid], "chain \(id): \(txid) is not in the blocks")
                #expect(tx.inputs.count == 1 && tx.outputs.count == 2, "chain \(id) hop \(k)")
                let values = tx.outputs.map(\.value)
                let change = values[0] >= values[1] ? 0 : 1
                // The peel is at most 15 % of the outputs (the rule's default limit is 20 %).
                #expect(
                    values[1 - change] * 100 <= (values[0] + values[1]) * 15 + 100, "chain \(id) hop \(k)")
                if k + 1 < txids.count {
                    #expect(spenders["\(txid):\(change)"] == txids[k + 1], "chain \(id): hop \(k) change")
                }
            }
            // Members: the first coin's address, and a payee and a change address per hop.
            #expect(members.count >= txids.count + 1 && members.count <= 2 * txids.count + 1)
            #expect(
                members.allSatisfy {
                    $0.hasPrefix("bcrt1") || $0.hasPrefix("m") || $0.hasPrefix("n") || $0.hasPrefix("2")
                })
        }
    }

    @Test("planting is deterministic, and without it the chain is unchanged")
    func deterministicAndOptIn() throws {
        let a = try DecodedChain.generate(Self.options, label: "peel-a")
        let b = try DecodedChain.generate(Self.options, label: "peel-b")
        var plain = Self.options
        plain.peelChains = 0
        let c = try DecodedChain.generate(plain, label: "peel-c")
        defer {
            for d in [a, b, c] { try? FileManager.default.removeItem(atPath: d.directory) }
        }
        #expect(a.summary == b.summary)
        for name in a.summary.files + [ChainGenerator.labelsFileName] {
            #expect(
                FileManager.default.contentsEqual(
                    atPath: a.directory + "/" + name, andPath: b.directory + "/" + name))
        }
        #expect(c.summary.peelChains == nil)
        #expect(!FileManager.default.fileExists(atPath: c.directory + "/" + ChainGenerator.labelsFileName))
        #expect(a.summary.tipHash != c.summary.tipHash)
    }
}
