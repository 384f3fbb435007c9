import FlowTestSupport
import Foundation
import Testing

/// `aml run` killed (SIGKILL) or cut off by a closed pipe at ten points, through the `chainflow`
/// executable (issue 15, "What it must show"): the alerts a clean run delivers are all delivered
/// by the runs that completed, in order, whatever point each failed one stopped at: an alert is
/// marked delivered only after its output is written.
@Suite("aml run interrupted at ten points loses no alert")
struct AmlKillTests {
    /// An alert's identity across runs: rule, subjects, window.
    static func keys(_ json: String) -> Set<String>? {
        guard let data = json.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let alerts = object["alerts"] as? [[String: Any]]
        else { return nil }
        return Set(
            alerts.map { a in
                let window = a["window"] as? [String: Any]
                let subjects = (a["subjects"] as? [String])?.joined(separator: ",") ?? ""
                return "\(a["rule"] ?? "")|\(subjects)|\(window?["start"] ?? "")|\(window?["end"] ?? "")"
            })
    }

    @Test("SIGKILL at ten points, then SIGPIPE: the completed runs deliver every alert of a clean run")
    func interruptedRunsLoseNothing() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gen = try CLIProcess.run(
            ["generate", "ledger", "--accounts", "500", "--days", "90", "--out", dir + "/gl"], in: dir)
        try #require(gen.status == 0, "\(gen.stderr)")
        let db = dir + "/gl/ledger.db"
        let reference = dir + "/reference.db"
        try FileManager.default.copyItem(atPath: db, toPath: reference)
        let clean = try CLIProcess.run(
            ["aml", "run", "--db", reference, "--format", "json"], in: dir, label: "clean")
        try #require(clean.status == 0, "\(clean.stderr)")
        let expected = try #require(Self.keys(clean.stdout))
        try #require(expected.count > 50, "the generated ledger raises alerts")
        let cleanStart = Date()
        _ = try CLIProcess.run(["aml", "run", "--db", reference, "--dry-run"], in: dir, label: "timing")
        let duration = max(0.2, Date().timeIntervalSince(cleanStart))

        var delivered = Set<String>()
        var killed = 0
        for point in 1...10 {
            let (process, out, _) = try CLIProcess.start(
                ["aml", "run", "--db", db, "--format", "json"], in: dir, label: "kill\(point)")
            Thread.sleep(forTimeInterval: duration * Double(point) / 11)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
            // A run killed after writing its output may have recorded it: what it printed counts.
            if let text = try? String(contentsOfFile: out, encoding: .utf8), let got = Self.keys(text) {
                delivered.formUnion(got)
            }
        }
        // A closed pipe: exit 74, not recorded.
        let piped = try CLIProcess.run(
            ["aml", "run", "--db", db, "--format", "json"], in: dir, label: "pipe", stdout: .closedPipe)
        #expect(piped.status == 74 || piped.status == 0, "\(piped.stderr)")
        let last = try CLIProcess.run(["aml", "run", "--db", db, "--format", "json"], in: dir, label: "last")
        try #require(last.status == 0, "\(last.stderr)")
        delivered.formUnion(try #require(Self.keys(last.stdout)))
        #expect(
            expected.subtracting(delivered).isEmpty,
            "lost \(expected.subtracting(delivered).count) of \(expected.count): \(expected.subtracting(delivered).sorted().prefix(3))"
        )
        #expect(killed > 0, "no run was killed while it ran (duration \(duration) s)")
    }
}
