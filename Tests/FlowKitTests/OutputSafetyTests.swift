import FlowReport
import FlowTestSupport
import Foundation
import Testing

/// Where reports go, through the `chainflow` executable (issue 15, finding 4): a standard output
/// that cannot be written (a full disk, a closed pipe) is exit 74 with a message for every
/// command, never exit 0 or a crash; `--out` writes through a symbolic link, keeps a file's mode,
/// writes a device as it is, and refuses the case database and any other SQLite file.
@Suite("Report outputs: full disks, closed pipes, links, modes, databases")
struct OutputSafetyTests {
    static let ledger = Fixtures.packageRoot.path + "/SampleData/transfers/ledger.csv"
    static let labels = Fixtures.packageRoot.path + "/SampleData/transfers/labels.csv"

    /// A folder with `case.db`: the sample ledger and its labels.
    static func caseFolder() throws -> (dir: String, db: String) {
        let dir = try Fixtures.tempDir()
        let db = dir + "/case.db"
        let ingest = try CLIProcess.run(["ingest", "--quiet", "--db", db, ledger], in: dir)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        let tags = try CLIProcess.run(["tags", "import", "--db", db, labels], in: dir)
        try #require(tags.status == 0, "\(tags.stderr)")
        return (dir, db)
    }

    /// Commands that print to standard output, one of each kind.
    static func printing(_ db: String) -> [[String]] {
        [
            ["stats", "--db", db], ["stats", "--db", db, "--json"], ["tx", "--db", db, "tx:1"],
            ["address", "--db", db, "ACC-2001"], ["address", "--db", db, "ACC-2001", "--format", "json"],
            ["address", "--db", db, "ACC-2001", "--format", "csv"],
            ["query", "balance-history", "--db", db, "--param", "address=ACC-2001"],
            ["query", "--list"], ["tags", "list", "--db", db], ["prices", "list", "--db", db],
            ["aml", "rules"], ["aml", "run", "--db", db, "--dry-run"],
            ["trace", "--db", db, "--from", "ACC-1001", "--format", "json"],
            ["cluster", "runs", "--db", db],
        ]
    }

    @Test("a full disk on stdout is exit 74 naming stdout and the reason, for every printing command")
    func fullDiskOnStdout() throws {
        let (dir, db) = try Self.caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for args in Self.printing(db) {
            let ok = try CLIProcess.run(args, in: dir)
            try #require(ok.status == 0 && !ok.stdout.isEmpty, "\(args) prints: \(ok.stderr)")
            let full = try CLIProcess.run(args, in: dir, stdout: .path("/dev/full"))
            #expect(full.status == 74, "\(args): exit \(full.status); \(full.stderr)")
            #expect(
                full.stderr.contains("stdout: error:") && full.stderr.contains("no space left"),
                "\(args): \(full.stderr)")
        }
    }

    @Test("a closed pipe on stdout is exit 74 (not a kill by SIGPIPE, not exit 0)")
    func closedPipeOnStdout() throws {
        let (dir, db) = try Self.caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for args in Self.printing(db) {
            let r = try CLIProcess.run(args, in: dir, stdout: .closedPipe)
            #expect(r.status == 74, "\(args): exit \(r.status); \(r.stderr)")
            #expect(r.stderr.contains("broken pipe"), "\(args): \(r.stderr)")
        }
    }

    @Test("--out follows a symbolic link, keeps a 0600 file's mode, writes a device as it is")
    func writesThrough() throws {
        let (dir, db) = try Self.caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        // A link to a report file: the file gets the report, the link stays a link.
        let target = dir + "/reports/profile.json"
        try fm.createDirectory(atPath: dir + "/reports", withIntermediateDirectories: true)
        try "old".write(toFile: target, atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/latest.json", withDestinationPath: target)
        let linked = try CLIProcess.run(
            ["address", "--db", db, "ACC-2001", "--format", "json", "--out", dir + "/latest.json"], in: dir)
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(try fm.destinationOfSymbolicLink(atPath: dir + "/latest.json") == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"address\": \"ACC-2001\""))
        // A private file stays private.
        let secret = dir + "/private.md"
        try "old".write(toFile: secret, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secret)
        let kept = try CLIProcess.run(
            ["address", "--db", db, "ACC-2001", "--format", "md", "--out", secret], in: dir)
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect((try fm.attributesOfItem(atPath: secret)[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: secret, encoding: .utf8).hasPrefix("# Address profile"))
        // A device is written, not replaced by a file.
        for args in [
            ["address", "--db", db, "ACC-2001", "--format", "md", "--out", "/dev/null"],
            ["aml", "run", "--db", db, "--dry-run", "--out", "/dev/null"],
        ] {
            let r = try CLIProcess.run(args, in: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        // --out on a full device is exit 74 like stdout.
        let full = try CLIProcess.run(
            ["trace", "--db", db, "--from", "ACC-1001", "--format", "md", "--out", "/dev/full"], in: dir)
        #expect(full.status == 74 && full.stderr.contains("/dev/full: error:"), "\(full.stderr)")
    }

    @Test("--out naming the case database, its files or another SQLite database is refused; nothing changes")
    func refusesDatabases() throws {
        let (dir, db) = try Self.caseFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: dir + "/alias.db", withDestinationPath: db)
        let other = dir + "/other.sqlite"
        try fm.copyItem(atPath: db, toPath: other)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let otherBefore = try Data(contentsOf: URL(fileURLWithPath: other))
        for (out, words) in [
            (db, "is the file of the case database"), (dir + "/alias.db", "is the file of the case database"),
            (other, "holds an SQLite database"),
        ] {
            for args in [
                ["address", "--db", db, "ACC-2001", "--format", "json", "--out", out],
                ["aml", "run", "--db", db, "--dry-run", "--out", out],
                ["trace", "--db", db, "--from", "ACC-1001", "--out", out],
            ] {
                let r = try CLIProcess.run(args, in: dir)
                #expect(r.status == 64, "\(args): exit \(r.status); \(r.stderr)")
                #expect(r.stderr.contains(words), "\(args): \(r.stderr)")
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == otherBefore)
        let still = try CLIProcess.run(["stats", "--db", db], in: dir)
        #expect(still.status == 0 && still.stdout.contains("transfers"), "\(still.stderr)")
    }
}

/// The streamed writers give the bytes of the whole-text ones.
@Suite("Reports written in pieces")
struct StreamedReportTests {
    @Test("JSONValue.render in small pieces equals rendered(); .rows objects equal an array of .object")
    func jsonPieces() throws {
        let names = ["a", "b\"q", "tab\there", "ünï", "\u{1}"]
        let array = JSONValue.object([
            ("n", .int(3)),
            (
                "rows",
                .array(
                    names.enumerated().map { k, s in
                        .object([
                            ("name", .string(s)), ("k", .int(Int64(k))), ("none", .null),
                            ("list", .array([.bool(true)])),
                        ])
                    })
            ),
            ("empty", .array([])),
        ])
        let rows = JSONValue.object([
            ("n", .int(3)),
            (
                "rows",
                .rows(
                    count: names.count,
                    object: { k, o in
                        o.string("name", names[k])
                        o.int("k", Int64(k))
                        o.value("none", .null)
                        o.value("list", .array([.bool(true)]))
                    })
            ),
            ("empty", .rows(count: 0, object: { _, _ in })),
        ])
        #expect(rows.rendered() == array.rendered())
        for chunk in [1, 7, 1 << 20] {
            var pieces: [UInt8] = []
            var count = 0
            try rows.render(chunk: chunk) {
                pieces += $0
                count += 1
            }
            #expect(String(decoding: pieces, as: UTF8.self) == array.rendered())
            if chunk == 1 { #expect(count > names.count) }
        }
    }
}
