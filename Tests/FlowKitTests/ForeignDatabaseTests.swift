import FlowTestSupport
import Foundation
import GRDB
import Testing

/// Another program's SQLite database given as `--db`, through the `chainflow` executable (issue
/// 15, finding 8): every command refuses it with exit 74 saying what it is, before any table is
/// added or its journal mode changed; the file stays byte for byte as it was.
@Suite("A foreign SQLite database as --db")
struct ForeignDatabaseTests {
    /// An application's database: two tables (one named like a chainflow table) and a row.
    static func foreign(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
            try db.execute(sql: "CREATE TABLE tags (id INTEGER PRIMARY KEY, customer INTEGER, tag TEXT)")
            try db.execute(sql: "INSERT INTO customers (name) VALUES ('Ada')")
        }
    }

    @Test("every command refuses it with exit 74 naming its tables; nothing in it changes")
    func refused() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/app.sqlite"
        try Self.foreign(db)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let ledger = Fixtures.packageRoot.path + "/SampleData/transfers/ledger.csv"
        let labels = Fixtures.packageRoot.path + "/SampleData/transfers/labels.csv"
        for args in [
            ["ingest", "--db", db, ledger], ["tags", "import", "--db", db, labels],
            ["aml", "run", "--db", db],
            ["trace", "--db", db, "--from", "ACC-1001"], ["cluster", "run", "--db", db],
            ["stats", "--db", db],
            ["address", "ACC-1001", "--db", db],
        ] {
            let r = try CLIProcess.run(args, in: dir)
            #expect(r.status == 74, "\(args): exit \(r.status): \(r.stderr)")
            #expect(
                r.stderr.contains("app.sqlite: error: not a chainflow database")
                    && r.stderr.contains("customers, tags"), "\(args): \(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before, "the file changed")
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"), "switched to WAL")
        let tables = try DatabaseQueue(path: db).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["customers", "tags"])
    }

    @Test("an empty file and a chainflow database still open")
    func ownAndEmpty() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = dir + "/empty.db"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let ledger = Fixtures.packageRoot.path + "/SampleData/transfers/ledger.csv"
        let r = try CLIProcess.run(["ingest", "--quiet", "--db", empty, ledger], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let again = try CLIProcess.run(["stats", "--db", empty], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
    }
}
