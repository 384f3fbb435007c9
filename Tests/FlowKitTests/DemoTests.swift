import FlowKit
import FlowReport
import FlowTestSupport
import Foundation
import Testing

/// `chainflow demo` on the bundled SampleData: it ends by writing the reports, and every page
/// opens cleanly in a browser.
@Suite struct DemoTests {
    @Test func demoWritesReportsThatOpenCleanly() throws {
        let workdir = try Fixtures.tempDir()
        let samples = Fixtures.packageRoot.appendingPathComponent("SampleData").path
        var output = ""
        try Demo.run(samples: samples, workdir: workdir) { output += $0 }
        let folder = workdir + "/reports"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(
            names == [
                "address-acc-2001.html", "address-satoshi.html", "aml-alerts.csv", "aml-alerts.html",
                "aml-alerts.md", "cluster-satoshi.html", "trace-ledger.html", "trace-satoshi.html",
                "trace-satoshi.json", "trace-satoshi.md",
            ])
        // The demo prints every path it wrote.
        for name in names { #expect(output.contains(folder + "/" + name), "\(name)") }

        // Satoshi's 50 BTC from block 9 are accounted for exactly: 18 BTC still at his address,
        // the rest at the addresses the block 170-… payments reached.
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/trace-satoshi.json"))
        let trace = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(trace["schema_version"] as? Int == 1)
        let totals = try #require(trace["totals"] as? [String: Any])
        #expect(totals["seeds"] as? Int == 5_000_000_000)
        #expect(totals["endpoints"] as? Int == 5_000_000_000)
        let endpoints = try #require(trace["endpoints"] as? [[String: Any]])
        #expect(endpoints.first?["address"] as? String == "12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S")
        #expect(endpoints.first?["amount"] as? Int == 1_800_000_000)
        let alerts = try String(contentsOfFile: folder + "/aml-alerts.csv", encoding: .utf8)
        #expect(alerts.contains("structuring") && alerts.contains("ACC-2001"))

        for name in names where name.hasSuffix(".html") {
            let html = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            #expect(!html.contains("<script"), "\(name): a report carries no script")
            guard
                let page = try Browser.open(
                    html, name: "demo-" + name.replacingOccurrences(of: ".html", with: ""))
            else { continue }
            #expect(page.consoleMessages.isEmpty, "\(name): \(page.consoleMessages)")
            #expect(!page.pictures.isEmpty, "\(name): a picture")
        }
    }
}
