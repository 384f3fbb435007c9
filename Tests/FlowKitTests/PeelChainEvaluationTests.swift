import FlowKit
import FlowModel
import FlowReport
import FlowSim
import FlowStore
import FlowTestSupport
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

/// Exposure on Bitcoin data: a tagged address's counterparties over the UTXO graph.
@Suite struct UTXOExposureTests {
    @Test func taggedBitcoinAddressesRaiseExposureWithTheirTransactions() throws {
        let dir = try Fixtures.tempDir()
        let summary = try ChainGenerator.write(
            options: ChainGeneratorOptions(
                transactions: 3_000, seed: 3, transactionsPerBlock: 300, blocksPerFile: 64),
            to: dir)
        let store = try GraphStore(path: dir + "/chain.db")
        try Fixtures.ingest(store, summary.files.map { dir + "/" + $0 }, network: .regtest)
        let none = try AmlRun.run(store: store, options: AmlRunOptions(threads: 2, store: false))
        #expect(!none.alerts.contains { $0.rule == "exposure" }, "nothing tagged, no exposure")
        // Tag the address that spends the most inputs.
        let rows = try TransferCSVStoreTests.query(
            store,
            """
            SELECT a.address FROM inputs i JOIN outputs o ON o.id = i.spent_output_id JOIN addresses a ON a.id = o.address_id
            GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1
            """)
        let tagged = try #require(rows.first?.first)
        try "address,label,category\n\(tagged),test,mixer\n".write(
            toFile: dir + "/tags.csv", atomically: true, encoding: .utf8)
        _ = try TagImport.run(store: store, path: dir + "/tags.csv", options: TagImportOptions())
        let run = try AmlRun.run(store: store, options: AmlRunOptions(threads: 2, store: false))
        let exposure = run.alerts.filter { $0.rule == "exposure" }
        #expect(!exposure.isEmpty)
        for a in exposure {
            #expect(a.addresses.contains(tagged) || a.explanation.contains("hops"), "\(a.explanation)")
            #expect(a.transactions.allSatisfy { $0.count == 64 }, "txids as evidence")
            #expect(!a.subjects.contains(tagged))
        }
        #expect(exposure.contains { $0.explanation.contains("directly from") })
        // The same run again: the same alerts (stable ids).
        let again = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1, store: false))
        #expect(again.alerts.filter { $0.rule == "exposure" }.map(\.id) == exposure.map(\.id))
    }
}
