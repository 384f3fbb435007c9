import FlowTestSupport
import Foundation
import Testing

/// Watchlist CSV through `chainflow tags import` (issue 15, finding 10): RFC 4180 records read by
/// the project's CSV reader over the whole file, so a quoted field keeps its commas and line
/// breaks, comment lines stay comments, and errors name the line a record starts on.
@Suite("Watchlist CSV is RFC 4180")
struct WatchlistCSVTests {
    static let ledger = Fixtures.packageRoot.path + "/SampleData/transfers/ledger.csv"

    @Test(
        "quoted commas and line breaks stay in one field; comments are skipped; later lines keep their numbers"
    )
    func quotedFields() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        try #require(try CLIProcess.run(["ingest", "--quiet", "--db", db, Self.ledger], in: dir).status == 0)
        let csv = #"""
            # Hal's "list", hand made
            address,label,category
            ACC-1001,"Hal, Finney",person
            ACC-2001,"two
            lines",note
            ACC-3001,"say ""hi""",x

            """#
        try csv.write(toFile: dir + "/w.csv", atomically: true, encoding: .utf8)
        let r = try CLIProcess.run(["tags", "import", "--db", db, "--json", dir + "/w.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let one = try CLIProcess.run(["address", "ACC-1001", "--db", db, "--json"], in: dir)
        #expect(
            one.stdout.contains("\"label\": \"Hal, Finney\"")
                && one.stdout.contains("\"category\": \"person\""), "\(one.stdout)")
        let two = try CLIProcess.run(["address", "ACC-2001", "--db", db, "--json"], in: dir)
        #expect(two.stdout.contains("\"label\": \"two\\nlines\""), "\(two.stdout)")
        let three = try CLIProcess.run(["address", "ACC-3001", "--db", db, "--json"], in: dir)
        #expect(three.stdout.contains("\"label\": \"say \\\"hi\\\"\""), "\(three.stdout)")

        // An error after a two-line record names its physical line (7).
        let bad = csv + "ACC-4001,x,y,2\n"
        try bad.write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        let e = try CLIProcess.run(["tags", "import", "--db", db, dir + "/bad.csv"], in: dir)
        #expect(e.status == 65, "\(e.stderr)")
        #expect(e.stderr.contains("bad.csv:7:4: field 'confidence'"), "\(e.stderr)")
    }
}
