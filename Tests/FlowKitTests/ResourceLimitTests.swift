import FlowTestSupport
import Foundation
import Testing

/// Inputs sized to exhaust memory, through the `chainflow` executable (issue 15, finding 9): a
/// 1 GB file that is one line, made in a temporary folder at test time, is refused at line 1 by
/// `ingest` (hex-looking: a block line longer than a 4,000,000-byte block can be) and by `tags
/// import` (longer than any watchlist line), after reading the first megabytes of it, not the
/// whole file (it took 267 s and 6.3 GB before). Time and memory are measured by hand
/// (docs/robustness.md), not asserted.
@Suite("One-line gigabyte files")
struct ResourceLimitTests {
    /// 1 GiB of `a` (a hex digit, and an address-looking watchlist line), no line break.
    static func gigabyteLine(_ dir: String) throws -> String {
        let path = dir + "/one-line.txt"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 8 << 20)
        for _ in 0..<128 { try handle.write(contentsOf: chunk) }
        try handle.close()
        return path
    }

    @Test("a 1 GB hex-looking line and a 1 GB watchlist line are refused at line 1")
    func gigabyteLineIsRefused() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try Self.gigabyteLine(dir)
        let db = dir + "/case.db"
        let ingest = try CLIProcess.run(["ingest", "--quiet", "--db", db, file], in: dir)
        #expect(ingest.status == 65, "\(ingest.stderr)")
        #expect(
            ingest.stderr.contains("one-line.txt:1:")
                && ingest.stderr.contains("line longer than a block can be"),
            "\(ingest.stderr)")
        let tags = try CLIProcess.run(["tags", "import", "--db", db, file], in: dir)
        #expect(tags.status == 65, "\(tags.stderr)")
        #expect(
            tags.stderr.contains("one-line.txt:1:") && tags.stderr.contains("line longer than"),
            "\(tags.stderr)")
    }
}
