import Crypto
import FlowTestSupport
import Foundation
import Testing

/// The workspace's pages and writes, without a browser (scripts/browser-workspace.py drives one).
@Suite("chainflow serve: workspace pages, case file, reviews", .serialized)
struct WorkspaceTests {
    /// A copy of the sample case: the workspace writes its own tables into it.
    static func copy() throws -> (db: String, dir: String) {
        let dir = try Fixtures.tempDir()
        let db = dir + "/case.db"
        try FileManager.default.copyItem(atPath: try ServeSample.built.get(), toPath: db)
        return (db, dir)
    }

    /// The address page of the clustered address, whose tag label is a `<script>` tag: the label
    /// is escaped, the only script is ours, and the policy header allows no other.
    @Test func pagesKeepUntrustedLabelsInert() async throws {
        let server = try ServerHarness(db: try ServeSample.built.get())
        let page = try await server.call("/address/\(SampleCaseDB.clustered)")
        #expect(page.status == 200)
        #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.text.contains(SampleCaseDB.scriptLabel))
        let scripts = page.text.components(separatedBy: "<script").count - 1
        #expect(scripts == 1, "only /static/app.js: \(scripts) script tags")
        #expect(page.text.contains("<script src=\"/static/app.js\" defer></script>"))
        #expect(page.text.contains("id=\"flow-graph\" data-root=\"\(SampleCaseDB.clustered)\""))
        #expect(page.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        for path in [
            "/", "/?q=12cbQ", "/tx/\(ServeSample.block170)", "/cluster/\(SampleCaseDB.clustered)",
            "/trace?from=tx:\(ServeSample.block170)&hops=3", "/alerts", "/case",
        ] {
            let r = try await server.call(path)
            #expect(r.status == 200, "\(path): \(r.status)")
            #expect(!r.text.contains(SampleCaseDB.scriptLabel), "\(path) carries the raw label")
        }
        let missing = try await server.call("/address/1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
        #expect(missing.status == 404)
    }

    /// Pins, notes and the log are stored; a write without the workspace's header is refused;
    /// the export's files hash to what SHA256SUMS says.
    @Test func caseFileIsStoredAndExported() async throws {
        let (db, dir) = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ServerHarness(db: db)
        let form = ["Content-Type": "application/x-www-form-urlencoded", "X-Chainflow-Request": "1"]
        let refused = try await server.call(
            "/api/v1/case/notes", method: "POST",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Data("text=x".utf8))
        #expect(refused.status == 403)
        let pin = try await server.call(
            "/api/v1/case/pins", method: "POST", headers: form, body: Data("address=\(SampleCaseDB.hal)".utf8)
        )
        #expect(pin.status == 200, "\(pin.text)")
        let note = try await server.call(
            "/api/v1/case/notes", method: "POST", headers: form,
            body: Data("subject=\(SampleCaseDB.hal)&text=%3Cb%3Epaid%3C%2Fb%3E+by+Satoshi".utf8))
        #expect(note.text.contains("\"text\": \"<b>paid</b> by Satoshi\""))
        let page = try await server.call("/case")
        #expect(page.text.contains("&lt;b&gt;paid&lt;/b&gt; by Satoshi"))

        let export = try await server.call("/api/v1/case/export", method: "POST", headers: form)
        let doc = try #require(try JSONSerialization.jsonObject(with: export.body) as? [String: Any])
        let folder = try #require(doc["folder"] as? String)
        let sums = try String(contentsOfFile: folder + "/SHA256SUMS", encoding: .utf8)
        var names: [String] = []
        for line in sums.split(separator: "\n") {
            let parts = line.components(separatedBy: "  ")
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + parts[1]))
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            #expect(digest == parts[0], "\(parts[1])")
            names.append(parts[1])
        }
        #expect(names.contains("address-\(SampleCaseDB.hal).json") && names.contains("database-state.json"))
        let report = try String(contentsOfFile: folder + "/address-\(SampleCaseDB.hal).json", encoding: .utf8)
        let cli = try CLIProcess.run(["address", SampleCaseDB.hal, "--format", "json", "--db", db], in: dir)
        #expect(report == cli.stdout, "the exported report is the command's document")
        let caseDoc = try String(contentsOfFile: folder + "/case.json", encoding: .utf8)
        #expect(caseDoc.contains("\"kind\": \"pin\"") && caseDoc.contains("\"kind\": \"note\""))
    }

    /// A review through the API is the one `chainflow query alerts` (and `aml review`) sees.
    @Test func reviewGoesWhereAmlReviewWrites() async throws {
        let (db, dir) = try Self.copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try ServerHarness(db: db)
        let inbox = try await server.call("/api/v1/alerts?status=open&limit=1")
        let doc = try #require(try JSONSerialization.jsonObject(with: inbox.body) as? [String: Any])
        let row = try #require((doc["rows"] as? [[String: Any]])?.first)
        let fingerprint = try #require(row["fingerprint"] as? String)
        let r = try await server.call(
            "/api/v1/alerts/\(fingerprint)/review", method: "POST",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Chainflow-Request": "1"],
            body: Data("status=closed-false&note=known+payroll".utf8))
        #expect(r.status == 200, "\(r.text)")
        let cli = try CLIProcess.run(
            ["query", "alerts", "--param", "status=closed-false", "--format", "csv", "--db", db], in: dir)
        #expect(cli.stdout.contains(fingerprint) && cli.stdout.contains("known payroll"))
        let bad = try await server.call(
            "/api/v1/alerts/\(fingerprint)/review", method: "POST",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Chainflow-Request": "1"],
            body: Data("status=maybe".utf8))
        #expect(bad.status == 422 || bad.status == 400, "\(bad.status): \(bad.text)")
    }
}
