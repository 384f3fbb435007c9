import Foundation
import Testing

@testable import chainflow

/// Runs `chainflow` commands inside the test process, as `main` would: parse, validate, run,
/// and map any error to its message and exit code. Standard output and error are captured by
/// pointing file descriptors 1 and 2 at files for the length of one command (one at a time).
enum InProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let lock = NSLock()

    static func run(_ arguments: [String]) throws -> Result {
        lock.lock()
        defer { lock.unlock() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outPath = folder.appendingPathComponent("stdout").path
        let errPath = folder.appendingPathComponent("stderr").path
        fflush(nil)
        let savedOut = dup(1)
        let savedErr = dup(2)
        let out = open(outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let err = open(errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        dup2(out, 1)
        dup2(err, 2)
        var status: Int32 = 0
        do {
            var command = try Chainflow.parseAsRoot(arguments)
            try command.run()
        } catch {
            status = Chainflow.exitCode(for: error).rawValue
            let message = Chainflow.fullMessage(for: error)
            if !message.isEmpty {
                FileHandle(fileDescriptor: status == 0 ? 1 : 2).write(Data((message + "\n").utf8))
            }
        }
        fflush(nil)
        dup2(savedOut, 1)
        dup2(savedErr, 2)
        close(out)
        close(err)
        close(savedOut)
        close(savedErr)
        return Result(
            status: status,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}

/// The command line's contract, asserted in-process: exit codes (0, 64 usage, 65 bad data, 66 no
/// input, 74 I/O) and located messages that say what to do, never a system error domain.
@Suite(.serialized) struct InProcessCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A case database of the sample ledger (SampleData/transfers/ledger.csv) in a new folder.
    static func ledgerCase() throws -> (folder: String, db: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-cli-case-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/case.db"
        let r = try InProcess.run(["ingest", "--db", db, root + "/SampleData/transfers/ledger.csv"])
        try #require(r.status == 0, "\(r.stderr)")
        return (folder, db)
    }

    static func clean(_ r: InProcess.Result, sourceLocation: SourceLocation = #_sourceLocation) {
        for leak in ["NSCocoaErrorDomain", "Error Domain", "error 256", "error 512"] {
            #expect(!r.stderr.contains(leak), "\(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test("--version prints the version and exits 0")
    func version() throws {
        let r = try InProcess.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == "chainflow 0.2.0-dev\n")
    }

    @Test("a mistyped option is a usage error with a suggestion; a bad --policy lists the policies")
    func usage() throws {
        let hop = try InProcess.run(["trace", "--db", "x.db", "--from", "4", "--hop", "3"])
        #expect(hop.status == 64)
        #expect(hop.stderr.contains("Did you mean '--hops'?"))
        let policy = try InProcess.run(["trace", "--db", "x.db", "--from", "4", "--policy", "lifo"])
        #expect(policy.status == 64)
        #expect(policy.stderr.contains("The value 'lifo' is invalid for '--policy <policy>'"))
        #expect(policy.stderr.contains("'haircut'"))
        let format = try InProcess.run(["trace", "--db", "x.db", "--from", "4", "--format", "pdf"])
        #expect(format.status == 64)
        #expect(format.stderr.contains("'pdf' is invalid for '--format <format>'"))
    }

    @Test("a missing database, a folder as --db, a report --out to a folder: located, with a remedy")
    func databaseAndOutput() throws {
        let (folder, db) = try Self.ledgerCase()
        let missing = try InProcess.run(["address", "--db", folder + "/none.db", "ACC-2001"])
        #expect(missing.status == 66)
        #expect(
            missing.stderr
                == "\(folder)/none.db: error: no database here; create one with `chainflow ingest --db \(folder)/none.db FILE…`\n"
        )
        let isFolder = try InProcess.run(["trace", "--db", folder, "--from", "4"])
        #expect(isFolder.status == 66)
        #expect(isFolder.stderr.contains("\(folder): error: is a folder, not a database file"))
        let out = try InProcess.run(["address", "--db", db, "ACC-2001", "--format", "md", "--out", folder])
        #expect(out.status == 74)
        #expect(
            out.stderr.contains(
                "error: cannot write the report: is a folder; give a file name for the report"))
        for r in [missing, isFolder, out] { Self.clean(r) }
        #expect(
            !FileManager.default.fileExists(atPath: folder + "/none.db"), "a read command creates no database"
        )
    }

    @Test("time windows: one rule and one message for trace and aml; an empty window is refused")
    func windows() throws {
        let (_, db) = try Self.ledgerCase()
        let bad = try InProcess.run(["trace", "--db", db, "--from", "4", "--until", "2024-13-01"])
        #expect(bad.status == 64)
        #expect(
            bad.stderr.contains("--until: not a time: '2024-13-01'; give Unix seconds, a date (2024-03-01)"))
        let amlBad = try InProcess.run(["aml", "run", "--db", db, "--dry-run", "--until", "2024-13-01"])
        #expect(amlBad.status == 64)
        #expect(
            amlBad.stderr.contains(
                "--until: not a time: '2024-13-01'; give Unix seconds, a date (2024-03-01)"))
        let empty = try InProcess.run([
            "aml", "run", "--db", db, "--dry-run", "--since", "2024-03-02", "--until", "2024-03-01",
        ])
        #expect(empty.status == 64)
        #expect(
            empty.stderr.contains("--since (2024-03-02) is after --until (2024-03-01): the window is empty"))
    }

    @Test("a trace of the planted deposit gives its exact haircut shares; query and address errors")
    func traceAndQuery() throws {
        let (_, db) = try Self.ledgerCase()
        // Deposit 4 (9,650.00) into ACC-2001, which held 38,250.00 and passed 38,000.00 on:
        // ACC-2001 keeps 965000 - 965000 × 3800000 / 3825000 = 6308 cents of it.
        let trace = try InProcess.run(["trace", "--db", db, "--from", "tx:4", "--format", "csv"])
        #expect(trace.status == 0, "\(trace.stderr)")
        #expect(trace.stdout.contains(",endpoint,balance,ACC-2001,,,,6308,63.08,"))
        let query = try InProcess.run(["query", "nope", "--db", db])
        #expect(query.status == 64)
        #expect(query.stderr.hasPrefix("chainflow query: error: no query named 'nope'"))
        // The genesis address with its last character mistyped.
        let checksum = try InProcess.run(["address", "--db", db, " 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"])
        #expect(checksum.status == 64)
        #expect(checksum.stderr.contains("is not a valid Bitcoin address: invalid checksum"))
        let unknown = try InProcess.run(["address", "--db", db, "ACC-9999"])
        #expect(unknown.status == 66)
        #expect(unknown.stderr.contains("address 'ACC-9999' does not occur in this database"))
    }

    @Test("ingest --json is one document shape for one file and for a mix of formats")
    func ingestJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-cli-json-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let ledger = Self.root + "/SampleData/transfers/ledger.csv"
        let blocks = Self.root + "/SampleData/bitcoin/blk/blocks1-256.dat"
        let one = try InProcess.run(["ingest", "--db", folder + "/one.db", "--json", ledger])
        let mixed = try InProcess.run(["ingest", "--db", folder + "/mixed.db", "--json", ledger, blocks])
        #expect(one.status == 0 && mixed.status == 0, "\(one.stderr) \(mixed.stderr)")
        func document(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        let a = try document(one.stdout)
        let b = try document(mixed.stdout)
        #expect(Set(a.keys) == ["schema_version", "files", "utxo", "account", "seconds"])
        #expect(Set(b.keys) == Set(a.keys))
        let files = try #require(b["files"] as? [[String: Any]])
        #expect(files.map { $0["model"] as? String } == ["utxo", "account"])
        // blocks1-256.dat holds blocks 1 to 255 (the genesis block is not in it); the ledger 10 rows.
        #expect(files[0]["blocks"] as? Int == 255)
        #expect(files[1]["records"] as? Int == 10)
        #expect((a["utxo"] as? [Any])?.isEmpty == true)
        #expect((a["account"] as? [Any])?.count == 1)
    }
}
