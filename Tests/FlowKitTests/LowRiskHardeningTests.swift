import FlowTestSupport
import Foundation
import Testing

@testable import FlowStore

/// The low items of issue 15: the writer lock of a database reached through a symbolic link is
/// the lock of the file it names, and a query file cannot call `fts3_tokenizer`.
@Suite("Writer lock by real path; fts3_tokenizer refused")
struct LowRiskHardeningTests {
    /// A folder with `case.db` holding the sample ledger.
    static func ledgerCase() throws -> (dir: String, db: String) {
        let dir = try Fixtures.tempDir()
        let db = dir + "/case.db"
        let ledger = Fixtures.packageRoot.path + "/SampleData/transfers/ledger.csv"
        try #require(try CLIProcess.run(["ingest", "--quiet", "--db", db, ledger], in: dir).status == 0)
        return (dir, db)
    }

    @Test("a symbolic link and a relative path to one database share one lock file")
    func lockByRealPath() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let real = dir + "/case.db"
        _ = FileManager.default.createFile(atPath: real, contents: nil)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.db", withDestinationPath: real)
        let viaLink = WriterLock.lockPath(database: dir + "/link.db")
        #expect(viaLink == WriterLock.lockPath(database: real))
        #expect(viaLink == WriterLock.lockPath(database: dir + "/./sub/../case.db"))
        // Held through the link, the lock is the one of the real path too (one per file).
        let held = try WriterLock.acquire(database: dir + "/link.db", wait: 0)
        #expect(try WriterLock.acquire(database: real, wait: 0) === held)
    }

    @Test("query --file cannot call fts3_tokenizer")
    func tokenizerRefused() throws {
        let (dir, db) = try Self.ledgerCase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for sql in [
            "SELECT hex(fts3_tokenizer('simple'))", "SELECT fts3_tokenizer('x', x'0000000000000000')",
        ] {
            try "-- A probe.\n--\n-- Columns:\n--   t  the answer\n\(sql) AS t;\n".write(
                toFile: dir + "/probe.sql", atomically: true, encoding: .utf8)
            let r = try CLIProcess.run(["query", "--db", db, "--file", dir + "/probe.sql"], in: dir)
            #expect(r.status != 0, "\(sql): \(r.stdout)")
            #expect(r.stderr.contains("fts3_tokenizer is disabled"), "\(sql): \(r.stderr)")
        }
    }

    @Test("--map or --preset with no transfers CSV among the files is a usage error, not ignored")
    func mappingWithoutLedger() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let eth =
            Fixtures.packageRoot.path
            + "/SampleData/ethereum-etl/blocks_with_transactions/expected_transactions.csv"
        for option in [
            ["--map", "tx=hash,time=block_timestamp,from=from_address,to=to_address,amount=value"],
            ["--preset", "amlsim"],
        ] {
            let r = try CLIProcess.run(
                ["ingest", "--quiet", "--db", dir + "/case.db"] + option + [eth], in: dir)
            #expect(r.status == 64, "\(option): \(r.stderr)")
            #expect(
                r.stderr.contains(
                    "applies to transfers CSVs, but no file is one (expected_transactions.csv is ethereum-etl)"
                ),
                "\(option): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/case.db"), "a database was created")
        }
    }

    @Test("query --timeout stops a long query file with exit 74 and says so")
    func queryTimeout() throws {
        let (dir, db) = try Self.ledgerCase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // About 10^12 steps: hours without a limit.
        let sql = """
            -- A runaway.
            --
            -- Columns:
            --   n  a count
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000000)
            SELECT count(*) AS n FROM c;

            """
        try sql.write(toFile: dir + "/runaway.sql", atomically: true, encoding: .utf8)
        let r = try CLIProcess.run(
            ["query", "--db", db, "--file", dir + "/runaway.sql", "--timeout", "0.5"], in: dir)
        #expect(r.status == 74, "\(r.stderr)")
        #expect(r.stderr.contains("ran longer than --timeout 0.5 s"), "\(r.stderr)")
    }
}
