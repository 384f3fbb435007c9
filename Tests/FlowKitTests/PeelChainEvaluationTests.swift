import FlowReport
import FlowKit
import FlowModel
import FlowSim
import FlowStore
import Foundation
import Testing

/// The peel-chain rule measured against planted chains (`generate bitcoin --peel-chains`).
@Suite struct PeelChainEvaluationTests {
    @Test func plantedPeelChainsAreFoundWithFewFalseAlerts() throws {
        let dir = try Fixtures.tempDir()
        var options = ChainGeneratorOptions(
            transactions: 20_000, seed: 3, transactionsPerBlock: 200, blocksPerFile: 64)
        options.peelChains = 12
        let summary = try ChainGenerator.write(options: options, to: dir)
        let store = try GraphStore(path: dir + "/chain.db")
        try Fixtures.ingest(store, summary.files.map { dir + "/" + $0 }, network: .regtest)
        let e = try AmlEvaluate.run(
            store: store, labelsPath: dir + "/" + ChainGenerator.labelsFileName, rules: .standard,
            threads: nil)
        let row = try #require(e.rows.first { $0.typology == "peel-chain" })
        #expect(row.planted == 12)
        #expect(row.found == 12, "missed: \(e.missed)")
        #expect(
            (row.precision ?? 0) >= 0.8, "\(row.hits)/\(row.alerts) peel-chain alerts hit a planted chain")
        // Every planted member is flagged.
        #expect(e.flaggedLaundering == e.launderingAccounts)
    }

    @Test func labelsWithTxidsAndBadLabelsAreRead() throws {
        let dir = try Fixtures.tempDir()
        let good = dir + "/labels.csv"
        let txid = String(repeating: "ab", count: 32)
        try
            "instance_id,typology,members,transactions\n1,peel-chain,a;b,\(txid.uppercased())\n2,fan-in,x,17;18\n"
            .write(toFile: good, atomically: true, encoding: .utf8)
        let labels = try AmlEvaluate.readLabels(path: good)
        #expect(labels.instances.map(\.transactions) == [[txid], ["17", "18"]])
        let bad = dir + "/bad.csv"
        try "instance_id,typology,members,transactions\n1,peel-chain,a,xyz\n".write(
            toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try AmlEvaluate.readLabels(path: bad) }
        do {
            _ = try AmlEvaluate.readLabels(path: bad)
        } catch {
            #expect("\(error)".contains("bad.csv:2") && "\(error)".contains("'xyz'"), "\(error)")
        }
    }
}
