import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// One malformed file of `Tests/BadInputs` and what `chainflow ingest` must do with it
/// (`Tests/BadInputs/manifest.tsv`).
struct BadInputCase: Sendable, CustomTestStringConvertible {
    /// Path under Tests/BadInputs.
    var file: String
    /// The CLI's exit code.
    var exit: Int32
    /// A good file whose ingest leaves the same data as the bad file's rows before its error;
    /// nil when the bad file must add nothing.
    var kept: String?
    /// Extra `ingest` options.
    var options: [String]
    /// Text the error line must contain.
    var message: String

    var testDescription: String { file }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../BadInputs").standardized.path

    /// The manifest's rows: file, exit code, kept file (`-`: none), options (`-`: none), message.
    static let all: [BadInputCase] = {
        guard let text = try? String(contentsOfFile: folder + "/manifest.tsv", encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 5, let exit = Int32(f[1]) else { return nil }
            return BadInputCase(
                file: f[0], exit: exit, kept: f[2] == "-" ? nil : f[2],
                options: f[3] == "-" ? [] : f[3].split(separator: " ").map(String.init), message: f[4])
        }
    }()
}

/// The bad-input corpus through the real ingest path (the `chainflow` executable): each bad file
/// fails with its exit code and a message naming the file; the database keeps exactly what it
/// had plus the rows before the error (compared table by table with a database that ingested a
/// good file holding just those rows), passes SQLite's integrity check, and a second run of the
/// same bad file changes nothing.
@Suite("Bad-input corpus through chainflow ingest")
struct BadInputCorpusTests {
    /// Tables compared: the data. `sources` (file names, sizes, progress) and the blocks'
    /// `source_file` and `source_offset` differ by design between the bad file and the good file
    /// standing for its good rows.
    static let dataTables = [
        "blocks", "transactions", "inputs", "outputs", "addresses", "prevouts", "transfers", "assets", "tags",
    ]

    static let baseFiles = ["good/blocks-0-1.dat", "good/ledger-head.csv"]

    /// A database holding the base files, made once per test run.
    static let base: Swift.Result<String, any Error> = Swift.Result {
        let dir = try tempFolder()
        let db = dir + "/base.db"
        for file in baseFiles {
            let r = try CLIProcess.run(
                ["ingest", "--quiet", "--db", db, BadInputCase.folder + "/" + file], in: dir, label: "base")
            guard r.status == 0 else { throw CorpusError(text: "base ingest of \(file) failed: \(r.stderr)") }
        }
        return db
    }

    struct CorpusError: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }

    static func tempFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-badinput-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A copy of the base database in a fresh folder.
    static func copyOfBase() throws -> (folder: String, db: String) {
        let source = try base.get()
        let dir = try tempFolder()
        let db = dir + "/test.db"
        try FileManager.default.copyItem(atPath: source, toPath: db)
        return (dir, db)
    }

    /// Checksums of the data tables, leaving out where each block came from (file and offset).
    static func data(_ db: String) throws -> [String: String] {
        try GraphStore(path: db, readOnly: true).contentFingerprint(
            tables: dataTables, ignoring: ["source_file", "source_offset"])
    }

    @Test func manifestListsEveryFile() throws {
        let listed = Set(BadInputCase.all.map(\.file))
        #expect(listed.count >= 30, "manifest rows: \(listed.count)")
        let files =
            FileManager.default.enumerator(atPath: BadInputCase.folder)?.compactMap { $0 as? String } ?? []
        // A folder row (folders/…) stands for the files in it.
        let folders = listed.filter { $0.hasPrefix("folders/") }
        for f in files
        where !f.hasPrefix("good/") && f.contains(".") && !f.hasSuffix(".py") && !f.hasSuffix(".tsv")
            && !f.hasSuffix(".md") && !folders.contains(where: { f.hasPrefix($0 + "/") })
        {
            #expect(listed.contains(f), "\(f) has no manifest row")
        }
    }

    @Test(arguments: BadInputCase.all)
    func badFile(_ c: BadInputCase) throws {
        let (dir, db) = try Self.copyOfBase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = BadInputCase.folder + "/" + c.file
        let args = ["ingest", "--quiet", "--db", db] + c.options + [path]
        let first = try CLIProcess.run(args, in: dir, label: "bad")
        #expect(first.status == c.exit, "exit code; stderr: \(first.stderr)")
        #expect(first.stderr.contains(c.message), "stderr: \(first.stderr)")
        // The error names the file (the path as given, or its name).
        let name = URL(fileURLWithPath: c.file).lastPathComponent
        #expect(first.stderr.contains(name), "stderr does not name \(name): \(first.stderr)")
        #expect(!first.stderr.contains("internal error"), "stderr: \(first.stderr)")

        // What a good file with just the rows before the error leaves.
        let expectedDB = dir + "/expected.db"
        try FileManager.default.copyItem(atPath: try Self.base.get(), toPath: expectedDB)
        if let kept = c.kept {
            let r = try CLIProcess.run(
                ["ingest", "--quiet", "--db", expectedDB] + c.options + [BadInputCase.folder + "/" + kept],
                in: dir,
                label: "kept")
            try #require(r.status == 0, "ingest of \(kept): \(r.stderr)")
        }
        let expected = try Self.data(expectedDB)
        let after = try Self.data(db)
        for table in Self.dataTables {
            #expect(after[table] == expected[table], "table \(table)")
        }
        #expect(try GraphStore(path: db, readOnly: true).integrityCheck() == ["ok"])

        // Re-running is safe: the same error, nothing more stored.
        let second = try CLIProcess.run(args, in: dir, label: "again")
        #expect(second.status == c.exit, "second run; stderr: \(second.stderr)")
        #expect(try Self.data(db) == after)
    }
}
