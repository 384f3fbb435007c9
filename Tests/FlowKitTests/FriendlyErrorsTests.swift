import FlowTestSupport
import Foundation
import GRDB
import Testing

@testable import FlowStore

/// What a new user runs into, through the `chainflow` executable: folders where files are
/// expected, failed first ingests, clusters and tags (issue 14). Every message is located and
/// plain: none carries Foundation's error domains.
@Suite("Folders, failed ingests, clusters and tags through chainflow")
struct FriendlyErrorsTests {
    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-friendly-\(UUID())"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func run(_ args: [String], in dir: String) throws -> CLIProcess.Result {
        let r = try CLIProcess.run(args, in: dir)
        for leak in ["NSCocoaErrorDomain", "Error Domain", "internal error", "disk I/O error"] {
            #expect(!r.stderr.contains(leak), "\(args): \(r.stderr)")
        }
        return r
    }

    static let ledger = Fixtures.packageRoot.path + "/SampleData/transfers/ledger.csv"

    @Test func aFailedFirstIngestLeavesNoDatabaseOrLockFile() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = dir + "/bad.csv"
        try
            "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n1,A,B,T,-5,2024-01-01,False,\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.csv"))
        for file in [bad, dir + "/empty.csv"] {
            let r = try Self.run(["ingest", "--quiet", "--db", dir + "/case.db", file], in: dir)
            #expect(r.status == 65, "\(r.stderr)")
            #expect(r.stderr.contains(URL(fileURLWithPath: file).lastPathComponent))
            #expect(!FileManager.default.fileExists(atPath: dir + "/case.db"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/case.db.lock"))
        }
        // Imports too: a bad prices file, a watchlist without addresses.
        try "date,asset,price\nyesterday,BTC,5\n".write(
            toFile: dir + "/prices.csv", atomically: true, encoding: .utf8)
        try "# no addresses yet\n".write(toFile: dir + "/list.txt", atomically: true, encoding: .utf8)
        for args in [["prices", "import"], ["tags", "import"]] {
            let file = dir + (args[0] == "prices" ? "/prices.csv" : "/list.txt")
            let r = try Self.run(args + ["--db", dir + "/case.db", file], in: dir)
            #expect(r.status == 65, "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/case.db"), "\(args)")
        }
        // A database that existed stays, with what it held.
        #expect(
            try Self.run(["ingest", "--quiet", "--db", dir + "/case.db", Self.ledger], in: dir).status == 0)
        #expect(try Self.run(["ingest", "--quiet", "--db", dir + "/case.db", bad], in: dir).status == 65)
        #expect(try GraphStore(path: dir + "/case.db", readOnly: true).stats().transfers == 10)
    }

    @Test func foldersWhereFilesAreExpected() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        // A folder to ingest: its files, the notes skipped with a note.
        let r = try Self.run(
            ["ingest", "--db", db, Fixtures.packageRoot.path + "/SampleData/transfers"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("ORIGIN.md: note: skipped"))
        #expect(r.stdout.contains("ledger.csv (transfers-csv amlsim): 10 records, 10 added"))
        // An empty file with --format is set aside like any other.
        try Data().write(to: URL(fileURLWithPath: dir + "/empty.csv"))
        let forced = try Self.run(
            [
                "ingest", "--quiet", "--db", dir + "/forced.db", "--format", "transfers-csv", "--preset",
                "amlsim",
                dir + "/empty.csv", Self.ledger,
            ], in: dir)
        #expect(
            forced.status == 65 && forced.stderr.contains("empty.csv: error: empty file (0 bytes)"),
            "\(forced.stderr)")
        #expect(try GraphStore(path: dir + "/forced.db", readOnly: true).stats().transfers == 10)
        // A folder as the database.
        for command in [["stats"], ["tx", String(repeating: "0", count: 64)], ["address", "ACC-1001"]] {
            let s = try Self.run(command + ["--db", dir], in: dir)
            #expect(s.status == 66, "\(command): \(s.stderr)")
            #expect(s.stderr.contains("is a folder, not a database file"), "\(command): \(s.stderr)")
        }
        // A folder as --out.
        let out = dir + "/reports"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let aml = try Self.run(["aml", "run", "--db", db, "--out", out], in: dir)
        #expect(aml.status == 74, "\(aml.stderr)")
        #expect(
            aml.stderr.contains(
                "\(out): error: cannot write the output (is a folder; give a file name for the report")
        )
        let tags = try Self.run(["tags", "import", "--db", db, out], in: dir)
        #expect(
            tags.status == 65 && tags.stderr.contains("is a folder; give the watchlist files in it"),
            "\(tags.stderr)")
        // A file where a folder must be.
        let generate = try Self.run(["generate", "ledger", "--out", db + "/ledger"], in: dir)
        #expect(
            generate.status == 74 && generate.stderr.contains("\(db) is a file, not a folder"),
            "\(generate.stderr)")
        let missing = try Self.run(["aml", "run", "--db", db, "--out", dir + "/no/such/a.json"], in: dir)
        #expect(missing.stderr.contains("the folder \(dir)/no/such does not exist"), "\(missing.stderr)")
    }

    @Test func countsOfOneAreSingular() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try Self.run(
            [
                "ingest", "--db", dir + "/case.db",
                Fixtures.packageRoot.path + "/SampleData/bitcoin/raw/block_13b8a.hex",
            ],
            in: dir)
        #expect(r.stdout.contains("(hex): 1 block, 1 added"), "\(r.stdout)")
        #expect(r.stdout.contains("added 1 block, 9 transactions"), "\(r.stdout)")
    }

    @Test func clusterShowLimitZeroIsAllAndExplainExitsOneAcrossClusters() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        #expect(
            try Self.run(["generate", "bitcoin", "--txs", "300", "--out", dir + "/chain"], in: dir).status
                == 0)
        #expect(try Self.run(["ingest", "--quiet", "--db", db, dir + "/chain"], in: dir).status == 0)
        #expect(try Self.run(["cluster", "run", "--db", db], in: dir).status == 0)
        // The largest cluster, all of it, and an address outside it.
        let members = try CLIProcess.run(
            ["cluster", "show", "--db", db, "--json", "--limit", "0", try Self.largestClusterAddress(db)],
            in: dir)
        #expect(members.status == 0, "\(members.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(members.stdout.utf8)) as? [String: Any])
        let list = try #require((json["members"] as? [String: Any])?["addresses"] as? [String])
        let size = Int(
            try Self.sql(
                db, "SELECT COUNT(*) FROM clusters GROUP BY cluster_id ORDER BY COUNT(*) DESC LIMIT 1"))
        #expect(list.count > 1 && list.count == size, "size \(size ?? -1), members listed \(list.count)")
        let a = list[0]
        let b = list[1]
        let same = try Self.run(["cluster", "explain", "--db", db, a, b], in: dir)
        #expect(same.status == 0, "\(same.stderr)")
        let outsider = try Self.outsider(db, notIn: Set(list))
        let apart = try Self.run(["cluster", "explain", "--db", db, a, outsider], in: dir)
        #expect(apart.status == 1, "\(apart.stdout) \(apart.stderr)")
    }

    /// An address of the largest cluster.
    static func largestClusterAddress(_ db: String) throws -> String {
        return try Self.sql(
            db,
            "SELECT a.address FROM clusters c JOIN addresses a ON a.id = c.address_id GROUP BY c.cluster_id ORDER BY COUNT(*) DESC, c.cluster_id LIMIT 1"
        )
    }

    static func outsider(_ db: String, notIn members: Set<String>) throws -> String {
        let all = try Self.sqlAll(db, "SELECT address FROM addresses ORDER BY id LIMIT 400")
        return try #require(all.first { !members.contains($0) })
    }

    static func sql(_ db: String, _ query: String) throws -> String {
        try #require(try sqlAll(db, query).first)
    }

    static func sqlAll(_ db: String, _ query: String) throws -> [String] {
        try GraphStore(path: db, readOnly: true).read("test query") { db in
            try String.fetchAll(db, sql: query)
        }
    }

    @Test func tagsAreOnePerAddressLabelAndSourceAndReplaceDelists() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        let lists = Fixtures.packageRoot.path + "/SampleData/watchlists"
        let txt = lists + "/sanctioned_addresses_XBT.txt"
        let addresses = try String(contentsOfFile: txt, encoding: .utf8).split(separator: "\n").map(
            String.init)
        let json = dir + "/sanctioned_addresses_XBT.json"
        let body = try JSONSerialization.data(withJSONObject: addresses)
        try body.write(to: URL(fileURLWithPath: json))
        let first = try Self.run(["tags", "import", "--db", db, txt], in: dir)
        #expect(first.stdout.contains("\(addresses.count) added"), "\(first.stdout)")
        let second = try Self.run(["tags", "import", "--db", db, json], in: dir)
        #expect(second.stdout.contains("0 added, \(addresses.count) already stored"), "\(second.stdout)")
        let delisted = dir + "/sanctioned_addresses_XBT.txt"
        try (addresses.dropFirst(5).joined(separator: "\n") + "\n").write(
            toFile: delisted, atomically: true, encoding: .utf8)
        let replaced = try Self.run(["tags", "import", "--db", db, "--replace", delisted], in: dir)
        #expect(replaced.stdout.contains("5 removed (no longer listed)"), "\(replaced.stdout)")
        #expect(try GraphStore(path: db, readOnly: true).stats().tags == addresses.count - 5)
    }

    @Test func aTabIndentedRuleFileIsAPlainLocatedError() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/rules.yaml"
        try "version: 1\nrules:\n\tfan-in:\n\t\tenabled: false\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let r = try Self.run(["aml", "rules", "--check", file], in: dir)
        #expect(r.status == 65)
        #expect(
            r.stderr.contains(
                "rules.yaml:3:1: error: a tab in the indentation: YAML indents with spaces only"),
            "\(r.stderr)")
    }
}
