import FlowTestSupport
import Foundation
import Testing

/// The API's documents are the command line's: for each route, the body `chainflow serve` sends
/// equals, byte for byte, what the matching command prints for the same database.
@Suite("chainflow serve: API documents equal the CLI's", .serialized)
struct ApiDocumentTests {
    static let satoshi = SampleCaseDB.satoshi
    static let hal = SampleCaseDB.hal

    /// (API path, the command's arguments after `--db DB`).
    static let pairs: [(String, [String])] = [
        ("/api/v1/address/\(satoshi)", ["address", satoshi, "--format", "json"]),
        ("/api/v1/address/\(satoshi)?limit=3", ["address", satoshi, "--format", "json", "--limit", "3"]),
        ("/api/v1/address/ACC-2001", ["address", "ACC-2001", "--format", "json"]),
        ("/api/v1/tx/\(ServeSample.block170)", ["tx", ServeSample.block170, "--json"]),
        (
            "/api/v1/cluster/\(SampleCaseDB.clustered)",
            ["cluster", "show", SampleCaseDB.clustered, "--format", "json"]
        ),
        (
            "/api/v1/trace?from=tx:\(ServeSample.block170)&hops=4&policy=fifo",
            ["trace", "--from", "tx:\(ServeSample.block170)", "--hops", "4", "--policy", "fifo"]
        ),
        (
            "/api/v1/trace?from=address:\(hal)&backward=true&hops=3",
            ["trace", "--from", "address:\(hal)", "--backward", "--hops", "3"]
        ),
        ("/api/v1/alerts", ["query", "alerts", "--format", "json"]),
        (
            "/api/v1/alerts?severity=high&status=open",
            ["query", "alerts", "--param", "severity=high", "--param", "status=open", "--format", "json"]
        ),
        ("/api/v1/search?q=12cbQ", ["query", "search", "--param", "q=12cbQ", "--format", "json"]),
        ("/api/v1/search?q=Hal%20F", ["query", "search", "--param", "q=Hal F", "--format", "json"]),
        (
            "/api/v1/links?from=\(satoshi)&to=\(hal)",
            [
                "query", "transactions-between", "--param", "a=\(satoshi)", "--param", "b=\(hal)", "--format",
                "json",
            ]
        ),
        (
            "/api/v1/neighbors/\(satoshi)?direction=out",
            [
                "query", "neighbors", "--param", "address=\(satoshi)", "--param", "direction=out", "--format",
                "json",
            ]
        ),
    ]

    @Test func documentsEqualTheCommandLines() async throws {
        let db = try ServeSample.built.get()
        let server = try ServerHarness(db: db)
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (path, arguments) in Self.pairs {
            let cli = try CLIProcess.run(arguments + ["--db", db], in: dir)
            try #require(cli.status == 0, "\(arguments): \(cli.stderr)")
            let reply = try await server.call(path)
            #expect(reply.status == 200, "\(path): \(reply.text)")
            #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(
                reply.text == cli.stdout, "\(path) differs from chainflow \(arguments.joined(separator: " "))"
            )
            #expect(reply.body.count > 50, "\(path) is nearly empty")
        }
    }

    /// The documents hold the facts: block 170's transaction pays Hal 10 BTC, the trace from it
    /// conserves the seeds, the search finds Satoshi's address and Hal's tag.
    @Test func documentsHoldTheSampleFacts() async throws {
        let server = try ServerHarness(db: try ServeSample.built.get())
        let tx = try await server.call("/api/v1/tx/\(ServeSample.block170)")
        #expect(tx.text.contains("\"value\": 1000000000,"))
        #expect(tx.text.contains(Self.hal))
        let search = try await server.call("/api/v1/search?q=hal%20f")
        #expect(search.text.contains("Hal Finney") && search.text.contains(Self.hal))
        let links = try await server.call("/api/v1/links?from=\(Self.satoshi)&to=\(Self.hal)")
        #expect(links.text.contains(ServeSample.block170))
        let alerts = try await server.call("/api/v1/alerts")
        let inbox = try #require(try JSONSerialization.jsonObject(with: alerts.body) as? [String: Any])
        #expect((inbox["row_count"] as? Int ?? 0) > 0, "the sample case's rule run stores alerts")
        let neighbors = try await server.call("/api/v1/neighbors/\(Self.hal)?direction=in")
        #expect(neighbors.text.contains(Self.satoshi))
        #expect(!neighbors.text.contains("\"out\""))
    }

    /// Errors are JSON with the command line's message and an HTTP status for their kind.
    @Test func errorsAreJSONWithTheCLIMessage() async throws {
        let db = try ServeSample.built.get()
        let server = try ServerHarness(db: db)
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
        let cli = try CLIProcess.run(["address", "--db", db, missing, "--format", "json"], in: dir)
        #expect(cli.status == 66)
        let reply = try await server.call("/api/v1/address/\(missing)")
        #expect(reply.status == 404)
        let object = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["message"] as? String == cli.stderr.trimmingCharacters(in: .newlines))
        #expect(error["exit_code"] as? Int == 66)

        for (path, status) in [
            ("/api/v1/address/\(Self.satoshi)?limt=3", 400), ("/api/v1/trace", 400),
            ("/api/v1/trace?from=\(Self.hal)&policy=lifo", 400), ("/api/v1/tx/xyz", 404),
            ("/api/v1/tx/tx:", 400),
            ("/api/v1/alerts?severity=severe", 400), ("/api/v1/nothing", 404),
            ("/api/v1/neighbors/\(Self.hal)?direction=up", 400),
        ] {
            let r = try await server.call(path)
            #expect(r.status == status, "\(path): \(r.text)")
            #expect(r.text.contains("\"message\""), "\(path): \(r.text)")
        }
    }

    /// `/api/v1/openapi.json` describes every route, and the server sends its security headers.
    @Test func openAPIListsTheRoutes() async throws {
        let server = try ServerHarness(db: try ServeSample.built.get())
        let reply = try await server.call("/api/v1/openapi.json")
        let object = try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: Any])
        let paths = try #require(object["paths"] as? [String: Any])
        for route in [
            "address/{address}", "tx/{id}", "cluster/{address}", "trace", "alerts", "search", "links",
            "neighbors/{address}",
        ] {
            #expect(paths["/api/v1/" + route] != nil, "\(route) missing")
        }
        #expect(reply.headers["content-security-policy"]?.contains("default-src 'none'") == true)
    }
}

/// Where the server listens and who may call it.
@Suite("chainflow serve: binding and the token", .serialized)
struct ServeAccessTests {
    @Test func nonLoopbackWithoutTokenIsAUsageError() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLIProcess.run(
            ["serve", "--db", try ServeSample.built.get(), "--host", "0.0.0.0"], in: dir)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--token"))
    }

    @Test func tokenIsRequiredOnEveryCall() async throws {
        let token = "s3cret-token-for-tests"
        let server = try ServerHarness(db: try ServeSample.built.get(), extra: ["--token", token])
        let path = "/api/v1/address/\(SampleCaseDB.satoshi)"
        let none = try await server.call(path)
        #expect(none.status == 401)
        #expect(none.text.contains("Authorization: Bearer"))
        let wrong = try await server.call(path, headers: ["Authorization": "Bearer s3cret-token-for-tesTS"])
        #expect(wrong.status == 401)
        let right = try await server.call(path, headers: ["Authorization": "Bearer \(token)"])
        #expect(right.status == 200)
        #expect(right.text.contains(SampleCaseDB.satoshi))
        // Pages take the cookie /login sets; the API does not.
        let page = try await server.call("/", headers: ["Cookie": "chainflow_token=\(token)"])
        #expect(page.status == 200)
        #expect(try await server.call("/").status == 401)
        #expect(try await server.call(path, headers: ["Cookie": "chainflow_token=\(token)"]).status == 401)
        #expect(try await server.call("/static/app.js").status == 200)
    }
}
