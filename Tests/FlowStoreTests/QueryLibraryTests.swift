import FlowModel
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The query library's files, without a database: the embedded copy of `Queries/*.sql` and each
/// query's documentation. (Running every query on the sample case is in FlowKitTests, which can
/// build that case.)
@Suite("Query library files")
struct QueryLibraryTests {
    static let queriesDir = Fixtures.packageRoot.appendingPathComponent("Queries").path
    static let generated = Fixtures.packageRoot.appendingPathComponent(
        "Sources/FlowStore/QueryLibrary/QueryLibrarySQL.swift"
    )
    .path

    /// The Swift source embedding `Queries/*.sql`, as the generator writes it.
    static func embeddedSource() throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: queriesDir)
            .filter { $0.hasSuffix(".sql") }.sorted()
        var out = """
            // Generated from Queries/*.sql by `RECORD_QUERIES=1 swift test --filter QueryLibraryTests`: do not
            // edit. QueryLibraryTests fails when this file and Queries/ differ.
            // swift-format-ignore-file

            extension QueryLibrary {
                /// The library's files (name, text without the final newline), in name order.
                static let embedded: [(name: String, text: String)] = [

            """
        for name in names {
            let text = try String(contentsOfFile: queriesDir + "/" + name, encoding: .utf8)
            #expect(text.hasSuffix("\n"), "\(name) must end with a newline")
            #expect(
                !text.contains("\"\"\"#") && !text.contains("\\#"),
                "\(name) cannot be embedded as a raw string")
            out +=
                "        (\n            \"\(name.dropLast(4))\",\n            #\"\"\"\n\(text.dropLast())\n\"\"\"#\n        ),\n"
        }
        return out + "    ]\n}\n"
    }

    @Test("the embedded copy equals Queries/*.sql (RECORD_QUERIES=1 regenerates it)")
    func embeddedInSync() throws {
        let expected = try Self.embeddedSource()
        if ProcessInfo.processInfo.environment["RECORD_QUERIES"] == "1" {
            try expected.write(toFile: Self.generated, atomically: true, encoding: .utf8)
        }
        let actual = try String(contentsOfFile: Self.generated, encoding: .utf8)
        #expect(
            actual == expected,
            "Sources/FlowStore/QueryLibrary/QueryLibrarySQL.swift is out of date: run RECORD_QUERIES=1 swift test --filter QueryLibraryTests"
        )
    }

    @Test("at least 12 queries, each with a summary, parameters with examples, and columns")
    func documented() throws {
        let queries = try QueryLibrary.all()
        #expect(queries.count >= 12)
        for q in queries {
            #expect(!q.summary.isEmpty && q.summary.count <= 80, "\(q.name): summary '\(q.summary)'")
            #expect(q.description.count >= 2, "\(q.name): a summary paragraph and an explanation")
            #expect(!q.columns.isEmpty, "\(q.name): no Columns section")
            for p in q.parameters {
                #expect(p.example != nil && !p.meaning.isEmpty, "\(q.name): parameter \(p.name)")
            }
        }
    }

    @Test("a part (`_name.sql`) is spliced where a query includes it, and is neither listed nor run")
    func parts() throws {
        #expect(try QueryLibrary.all().allSatisfy { !$0.name.hasPrefix("_") })
        #expect(throws: UsageError.self) { try QueryLibrary.named("_counterparty-totals") }
        for name in ["top-counterparties", "tag-exposure"] {
            let sql = try QueryLibrary.named(name).sql
            #expect(!sql.contains("-- include:"), "\(name): the include line is replaced")
            #expect(
                sql.components(separatedBy: "\ntotals AS (").count == 2,
                "\(name): the part's totals CTE, once")
            #expect(sql.contains("WITH me AS (SELECT id FROM addresses WHERE address = :address)"))
        }
        // The part is written once: no other file repeats its flows CTE.
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.queriesDir).filter {
            $0.hasSuffix(".sql")
        }
        let repeating = try files.filter {
            try String(contentsOfFile: Self.queriesDir + "/" + $0, encoding: .utf8).contains("\nflows AS (")
        }
        #expect(repeating == ["_counterparty-totals.sql"])
    }
}
