import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Two analysts on one database: reads go on while an ingest writes (WAL), and a second writer
/// is told who holds the database and stops with exit 74 instead of crashing or hanging.
@Suite("Concurrent use of one database", .serialized)
struct ConcurrentUseTests {
    static let corpus = BadInputCase.folder

    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-concurrent-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func transfers(_ db: String, in dir: String) throws -> Int? {
        let r = try CLIProcess.run(["stats", "--db", db, "--json", "--checksums"], in: dir, label: "stats")
        guard r.status == 0 else { return nil }
        // "transfers": "N rows, fnv1a …" in the checksums object.
        guard let range = r.stdout.range(of: #""transfers": ""#) else { return nil }
        let rest = r.stdout[range.upperBound...]
        return Int(rest.prefix { $0.isNumber })
    }

    /// A second process that wants to write while this one holds the write lock (with an open,
    /// uncommitted transaction) waits, says so, and gives up naming this process's pid; readers in
    /// other processes meanwhile read the committed data.
    @Test func secondWriterIsToldWhoHoldsTheDatabase() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        for file in ["good/blocks-0-1.dat", "good/ledger-head.csv"] {
            let r = try CLIProcess.run(["ingest", "--quiet", "--db", db, Self.corpus + "/" + file], in: dir)
            try #require(r.status == 0, "\(r.stderr)")
        }
        let before = try GraphStore(path: db, readOnly: true).contentFingerprint()

        struct RollBack: Error {}
        let store = try GraphStore(path: db)
        var checked = false
        do {
            _ = try store.withTransferWriter { w in
                // An uncommitted write: SQLite's write lock is held from here on.
                _ = try w.address("PENDING-ACCOUNT", chain: "ledger", kind: 0)

                let second = try CLIProcess.run(
                    ["ingest", "--quiet", "--db", db, Self.corpus + "/good/ledger-rows-5-7.csv"], in: dir,
                    label: "second", environment: ["CHAINFLOW_LOCK_WAIT": "1"])
                let pid = getpid()
                #expect(second.status == 74, "stderr: \(second.stderr)")
                #expect(
                    second.stderr.contains(
                        "database is busy: chainflow pid \(pid) is writing it; retrying for up to 1s"),
                    "stderr: \(second.stderr)")
                #expect(
                    second.stderr.contains("error: locked by another chainflow process (pid \(pid))"),
                    "stderr: \(second.stderr)")

                // Readers are not blocked and see only committed rows.
                for args in [
                    ["stats", "--db", db],
                    ["address", "--db", db, "ACC-1001"],
                    ["tx", "--db", db, "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098"],
                    ["cluster", "show", "--db", db, "ACC-1001"],
                ] {
                    let r = try CLIProcess.run(args, in: dir, label: "reader")
                    #expect(r.status == 0 || r.status == 66, "\(args[0]): \(r.stderr)")
                    #expect(!r.stderr.contains("busy"), "\(args[0]): \(r.stderr)")
                    #expect(!r.stdout.contains("PENDING-ACCOUNT"))
                }
                let r = try CLIProcess.run(["stats", "--db", db, "--checksums"], in: dir, label: "reader")
                #expect(r.status == 0, "\(r.stderr)")
                checked = true
                throw RollBack()
            }
        } catch is RollBack {}
        #expect(checked)
        #expect(try GraphStore(path: db, readOnly: true).contentFingerprint() == before)

        // Once the lock is free the second writer goes through.
        let again = try CLIProcess.run(
            ["ingest", "--quiet", "--db", db, Self.corpus + "/good/ledger-rows-5-7.csv"], in: dir,
            label: "again",
            environment: ["CHAINFLOW_LOCK_WAIT": "1"])
        #expect(again.status == 0, "\(again.stderr)")
    }

    /// `stats` in other processes while `chainflow ingest` loads a 200,000-row ledger: every
    /// reading succeeds, counts never go down, and some reading lands mid-ingest.
    @Test func statsWhileIngesting() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/ledger.csv"
        var text = "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n"
        var state: UInt64 = 42
        func next(_ n: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % n
        }
        let rows = 200_000
        text.reserveCapacity(rows * 64)
        for i in 1...rows {
            text +=
                "\(i),A\(next(5000)),A\(next(5000)),TRANSFER,\(next(1_000_000)).\(next(90) + 10),\(1_700_000_000 + 7 * i),False,-1\n"
        }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let db = dir + "/busy.db"
        let (ingest, _, errPath) = try CLIProcess.start(
            ["ingest", "--quiet", "--db", db, csv], in: dir, label: "ingest")
        var readings: [Int] = []
        var failures: [String] = []
        while ingest.isRunning {
            if FileManager.default.fileExists(atPath: db) {
                let r = try CLIProcess.run(
                    ["stats", "--db", db, "--json", "--checksums"], in: dir, label: "stats")
                if r.status == 0, let range = r.stdout.range(of: #""transfers": ""#) {
                    readings.append(Int(r.stdout[range.upperBound...].prefix { $0.isNumber }) ?? -1)
                } else if r.status != 0 && !r.stderr.contains("no such table")
                    && !r.stderr.contains("no database")
                {
                    failures.append(r.stderr)
                }
            }
            usleep(50_000)
        }
        ingest.waitUntilExit()
        #expect(
            ingest.terminationStatus == 0, "\((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")")
        #expect(failures.isEmpty, "\(failures)")
        #expect(readings == readings.sorted(), "counts went down: \(readings)")
        #expect(readings.contains { $0 > 0 && $0 < rows }, "no reading mid-ingest: \(readings)")
        #expect(try Self.transfers(db, in: dir) == rows)
    }
}
