import FlowKit
import FlowModel
import FlowReport
import FlowSim
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The cluster profile on real multi-address clusters: a generated chain, clustered with the
/// default heuristics, its largest cluster reported in every format and shown in Chromium.
@Suite struct ClusterReportChainTests {
    @Test func largestClusterOfAGeneratedChain() throws {
        let dir = try Fixtures.tempDir()
        let summary = try ChainGenerator.write(
            options: ChainGeneratorOptions(transactions: 8_000, seed: 5, transactionsPerBlock: 200), to: dir)
        let store = try GraphStore(path: dir + "/chain.db")
        try Fixtures.ingest(store, summary.files.map { dir + "/" + $0 }, network: .regtest)
        _ = try Clustering.run(store: store, options: ClusterOptions(threads: 2))

        // The library's cluster-sizes query names the largest cluster.
        let sizes = try QueryLibrary.run(
            store: store, query: try QueryLibrary.named("cluster-sizes"), params: ["limit=1"])
        let top = try #require(sizes.result.rows.first)
        guard case .text(let address) = top[1], case .integer(let size) = top[2] else {
            Issue.record("unexpected row \(top)")
            return
        }
        #expect(size > 10, "a generated wallet spends many of its addresses together")

        let report = try #require(try ClusterReport.load(store: store, address: address, members: 50))
        #expect(report.profile.membership.size == Int(size))
        #expect(report.profile.members.count == min(50, Int(size)))
        #expect(report.profile.members.contains(address))
        // A busy wallet pays and is paid by other clusters.
        #expect(!report.inflows.isEmpty && !report.outflows.isEmpty)

        let json = ClusterReportRender.json(report).rendered()
        #expect(json.hasPrefix("{\n  \"schema_version\": 1,"))
        #expect(json.contains("\"size\": \(size)"))
        #expect(ClusterReportRender.markdown(report).contains(address))
        #expect(ClusterReportRender.csv(report).contains(address))

        let page = ClusterReportRender.html(report)
        #expect(page.pictures.count == 1)
        guard let seen = try Browser.open(page.html, name: "cluster-generated", size: (1280, 1600)) else {
            return
        }
        #expect(seen.consoleMessages.isEmpty, "\(seen.consoleMessages)")
        #expect(seen.pictures.count == page.pictures.count)
        for (s, drawn) in zip(seen.pictures, page.pictures) {
            #expect(s.nodes == drawn.nodeCount && s.edges == drawn.edgeCount)
        }
    }
}
