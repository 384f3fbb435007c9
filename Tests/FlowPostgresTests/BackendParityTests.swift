import FlowTestSupport
import Foundation
import Testing

/// The same commands on a SQLite file and on a PostgreSQL database built from the same real input
/// give byte-identical `--json` documents; ingest into PostgreSQL resumes and repeats as on SQLite.
@Suite(.serialized, .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct BackendParityTests {
    /// Runs `chainflow args…` and returns what it printed; a non-zero exit fails the test.
    func run(_ args: [String], in dir: String, label: String) throws -> String {
        let r = try CLIProcess.run(args, in: dir, label: label)
        #expect(r.status == 0, "chainflow \(args.joined(separator: " ")) exited \(r.status): \(r.stderr)")
        return r.stdout
    }

    /// Ingests `files` into a new SQLite file and a new PostgreSQL database; returns both `--db` texts.
    func ingestBoth(_ files: [String], extra: [String] = [], label: String) throws -> (
        sqlite: String, postgres: String, dir: String
    ) {
        let dir = try Fixtures.tempDir()
        let sqlite = dir + "/case.db"
        let postgres = try PostgresServer.freshDatabase(label)
        _ = try run(["ingest", "--db", sqlite] + extra + files, in: dir, label: "ingest-sqlite")
        _ = try run(["ingest", "--db", postgres] + extra + files, in: dir, label: "ingest-postgres")
        return (sqlite, postgres, dir)
    }

    @Test(.enabled(if: SharedLedger.available, "../shared/data/amlsim-ibm is not here"))
    func amlsimStatsIdentical() throws {
        let csv = try SharedLedger.transactions()
        let (sqlite, postgres, dir) = try ingestBoth([csv], label: "amlsim")
        let a = try run(["stats", "--db", sqlite, "--json"], in: dir, label: "stats-sqlite")
        let b = try run(["stats", "--db", postgres, "--json"], in: dir, label: "stats-postgres")
        #expect(a == b)
        // Independent truth: the file's data rows (the header and blank lines left out).
        let rows =
            try String(contentsOfFile: csv, encoding: .utf8).split(whereSeparator: \.isNewline).count - 1
        #expect(b.contains("\"ledger_transfers\": \(rows)") || b.contains("\"ledger_transfers\":\(rows)"))
    }

    @Test func ledgerTransactionsIdentical() throws {
        let (sqlite, postgres, dir) = try ingestBoth([Fixtures.ledger], label: "ledger")
        #expect(
            try run(["stats", "--db", sqlite, "--json"], in: dir, label: "s1")
                == run(["stats", "--db", postgres, "--json"], in: dir, label: "s2"))
        let ids = try String(contentsOfFile: Fixtures.ledger, encoding: .utf8).split(
            whereSeparator: \.isNewline
        )
        .dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(ids.count == 10)
        for id in ids {
            let a = try run(["tx", "--db", sqlite, "--json", id], in: dir, label: "tx-sqlite")
            let b = try run(["tx", "--db", postgres, "--json", id], in: dir, label: "tx-postgres")
            #expect(a == b, "tx \(id)")
            #expect(a.contains("ACC-"))
        }
        // An unknown id is the same not-found error (exit 66) on both.
        let missing = try CLIProcess.run(["tx", "--db", postgres, "no-such-tx"], in: dir)
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no transaction 'no-such-tx'"))
    }

    @Test func reingestAddsNothing() throws {
        let (_, postgres, dir) = try ingestBoth([Fixtures.ledger], label: "again")
        let before = try run(["stats", "--db", postgres, "--json"], in: dir, label: "before")
        let again = try run(["ingest", "--db", postgres, "--json", Fixtures.ledger], in: dir, label: "again")
        #expect(again.contains("\"already_ingested\": true") || again.contains("\"already_ingested\":true"))
        #expect(try run(["stats", "--db", postgres, "--json"], in: dir, label: "after") == before)
        let runs = try PostgresServer.psql(postgres, "SELECT command || ':' || status FROM runs ORDER BY id")
        #expect(runs.stdout.split(separator: "\n") == ["ingest:ok", "ingest:ok"])
    }

    @Test func unsupportedFormatRefusedBeforeWriting() throws {
        let dir = try Fixtures.tempDir()
        let postgres = try PostgresServer.freshDatabase("refuse")
        let r = try CLIProcess.run(
            ["ingest", "--db", postgres, Fixtures.sample("blk/blk_0_to_4.dat")], in: dir)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("does not write to PostgreSQL yet"))
        #expect(try PostgresServer.psql(postgres, "SELECT COUNT(*) FROM transfers").stdout.hasPrefix("0"))
    }
}

/// Errors that need no server: a server that is not there is exit 74 with the URL (never a password).
@Suite struct PostgresUnreachableTests {
    @Test func unreachableServer() throws {
        let dir = try Fixtures.tempDir()
        let r = try CLIProcess.run(
            ["stats", "--db", "postgresql://someone:hunter2@127.0.0.1:1/cases?connect_timeout=2"], in: dir)
        #expect(r.status == 74)
        #expect(r.stderr.contains("postgresql://someone@127.0.0.1:1/cases"))
        #expect(r.stderr.contains("cannot reach a PostgreSQL server at 127.0.0.1:1"))
        #expect(!r.stderr.contains("hunter2"))
    }

    @Test func bareFileStaysSQLite() throws {
        let dir = try Fixtures.tempDir()
        let r = try CLIProcess.run(["stats", "--db", dir + "/missing.db"], in: dir)
        #expect(r.status == 66)
        #expect(r.stderr.contains("no database here"))
    }
}

/// `aml run` on PostgreSQL: the same alerts as on SQLite, and partitions whose union is one whole run.
@Suite(
    .serialized, .enabled(if: PostgresServer.available, PostgresServer.skipReason),
    .enabled(if: SharedLedger.available, "../shared/data/amlsim-ibm is not here"))
struct PostgresAmlTests {
    static func ids(_ path: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let alerts = try #require(object["alerts"] as? [[String: Any]])
        return alerts.compactMap { $0["id"] as? String }
    }

    static func ingest(_ db: String, _ csv: String, in dir: String) throws {
        let r = try CLIProcess.run(["ingest", "--db", db, csv], in: dir, label: "ingest")
        try #require(r.status == 0, "ingest: \(r.stderr)")
    }

    @Test func dryRunIdenticalOnBothBackends() throws {
        let csv = try SharedLedger.transactions()
        let dir = try Fixtures.tempDir()
        let sqlite = dir + "/case.db"
        let postgres = try PostgresServer.freshDatabase("amldry")
        try Self.ingest(sqlite, csv, in: dir)
        try Self.ingest(postgres, csv, in: dir)
        let a = try CLIProcess.run(
            ["aml", "run", "--dry-run", "--db", sqlite, "--format", "json"], in: dir, label: "a")
        let b = try CLIProcess.run(
            ["aml", "run", "--dry-run", "--db", postgres, "--format", "json"], in: dir, label: "b")
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(a.stdout == b.stdout)
        // The planted fan-ins are found: the run is not empty.
        #expect(a.stdout.contains("\"fan-in\""))
        // A dry run stores nothing.
        #expect(try PostgresServer.psql(postgres, "SELECT COUNT(*) FROM alerts").stdout.hasPrefix("0"))
    }

    /// A generated ledger with planted typologies (`chainflow generate ledger`), ingested into a
    /// database that one whole stored `aml run` checked: the truth partitions are compared with.
    struct WholeRun {
        var ledger: String
        var database: String
        var ids: [String]
        var stored: String
    }

    static let whole: Result<WholeRun, any Error> = Result {
        let dir = try Fixtures.tempDir()
        let g = try CLIProcess.run(
            [
                "generate", "ledger", "--accounts", "500", "--days", "90", "--out", dir + "/gen",
                "--no-ingest",
            ],
            in: dir, label: "generate")
        guard g.status == 0 else { throw CocoaError(.fileWriteUnknown) }
        let ledger = dir + "/gen/transactions.csv"
        let database = try PostgresServer.freshDatabase("whole")
        let i = try CLIProcess.run(["ingest", "--db", database, ledger], in: dir, label: "ingest")
        let w = try CLIProcess.run(
            ["aml", "run", "--db", database, "--out", dir + "/whole.json"], in: dir, label: "w")
        guard i.status == 0, w.status == 0 else { throw CocoaError(.fileReadUnknown) }
        let stored = try PostgresServer.psql(database, "SELECT fingerprint FROM alerts ORDER BY fingerprint")
            .stdout
        return WholeRun(
            ledger: ledger, database: database, ids: try PostgresAmlTests.ids(dir + "/whole.json"),
            stored: stored)
    }

    /// A fresh database holding the whole run's ledger.
    func ledgerDatabase(_ label: String, in dir: String) throws -> (WholeRun, String) {
        let whole = try Self.whole.get()
        let db = try PostgresServer.freshDatabase(label)
        try Self.ingest(db, whole.ledger, in: dir)
        return (whole, db)
    }

    @Test func partitionsAtOnceMakeOneWholeRun() throws {
        let dir = try Fixtures.tempDir()
        let (whole, parted) = try ledgerDatabase("parted", in: dir)
        // Both partitions at once, as two workers on two machines would run them.
        let one = try CLIProcess.start(
            ["aml", "run", "--db", parted, "--partition", "1/2", "--out", dir + "/p1.json"], in: dir,
            label: "p1")
        let two = try CLIProcess.start(
            ["aml", "run", "--db", parted, "--partition", "2/2", "--out", dir + "/p2.json"], in: dir,
            label: "p2")
        one.0.waitUntilExit()
        two.0.waitUntilExit()
        #expect(one.0.terminationStatus == 0 && two.0.terminationStatus == 0)
        let p1 = try Self.ids(dir + "/p1.json")
        let p2 = try Self.ids(dir + "/p2.json")
        #expect(!whole.ids.isEmpty)
        #expect(!p1.isEmpty && !p2.isEmpty)
        #expect(Set(p1).isDisjoint(with: p2))
        #expect(Set(p1).union(p2) == Set(whole.ids))
        #expect(p1.count + p2.count == whole.ids.count)
        // Stored once each: the same alerts as the whole run stored.
        let stored = try PostgresServer.psql(parted, "SELECT fingerprint FROM alerts ORDER BY fingerprint")
            .stdout
        #expect(stored == whole.stored)
        #expect(stored.split(separator: "\n").count == whole.ids.count)
        // Running a partition again adds nothing.
        let again = try CLIProcess.run(
            ["aml", "run", "--db", parted, "--partition", "1/2"], in: dir, label: "again")
        #expect(again.status == 0)
        #expect(again.stderr.contains("(0 new"))
    }

    @Test func workersClaimEveryPartitionOnce() throws {
        let dir = try Fixtures.tempDir()
        let (whole, jobbed) = try ledgerDatabase("workers", in: dir)
        let r = try CLIProcess.run(
            ["aml", "run", "--db", jobbed, "--workers", "3"], in: dir, label: "workers")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"status\": \"done\""))
        let statuses = try PostgresServer.psql(
            jobbed,
            """
            SELECT p.k || ':' || p.status || ':' || (SELECT COUNT(*) FROM aml_partition_attempts a WHERE a.k = p.k)
            FROM aml_partitions p ORDER BY p.k
            """)
        #expect(statuses.stdout.split(separator: "\n") == ["1:done:1", "2:done:1", "3:done:1"])
        let stored = try PostgresServer.psql(jobbed, "SELECT fingerprint FROM alerts ORDER BY fingerprint")
            .stdout
        #expect(stored == whole.stored)
    }

    @Test func partitionNeedsPostgres() throws {
        let dir = try Fixtures.tempDir()
        let sqlite = dir + "/case.db"
        let r0 = try CLIProcess.run(["ingest", "--db", sqlite, Fixtures.ledger], in: dir, label: "i")
        try #require(r0.status == 0)
        let r = try CLIProcess.run(["aml", "run", "--db", sqlite, "--partition", "1/2"], in: dir)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--partition needs a PostgreSQL database"))
    }
}
