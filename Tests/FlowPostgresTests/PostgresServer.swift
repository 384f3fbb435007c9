import FlowTestSupport
import Foundation
import Testing

/// The PostgreSQL server the tests use: `CHAINFLOW_TEST_POSTGRES_URL` (`.ci/run` starts a
/// throw-away cluster and sets it; locally `scripts/pg-test-cluster.sh start` prints one). Each
/// test gets a database of its own, created with `psql`.
enum PostgresServer {
    static let url = ProcessInfo.processInfo.environment["CHAINFLOW_TEST_POSTGRES_URL"]
    static let available = url != nil
    static let skipReason: Comment =
        "CHAINFLOW_TEST_POSTGRES_URL is not set: no PostgreSQL server for these tests (.ci/run starts one; locally: eval $(scripts/pg-test-cluster.sh start))"

    /// A fresh, empty database on the server; returns its URL.
    static func freshDatabase(_ label: String) throws -> String {
        let base = try #require(url)
        let name = "cf_\(label)_\(UUID().uuidString.prefix(8).lowercased())"
        let result = try psql(base, "CREATE DATABASE \(name)")
        #expect(result.status == 0, "createdb failed: \(result.stderr)")
        guard let slash = base.range(of: "/", options: .backwards), base[..<slash.lowerBound].contains("://")
        else { throw CocoaError(.fileReadUnknown) }
        var rest = String(base[slash.upperBound...])
        if let q = rest.firstIndex(of: "?") { rest = String(rest[q...]) } else { rest = "" }
        return String(base[..<slash.upperBound]) + name + rest
    }

    /// Runs one statement with psql on the database `url` names.
    static func psql(_ url: String, _ sql: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self)
        )
    }
}

/// Real data for the comparisons: an AMLSim ledger from ../shared/data/amlsim-ibm, unpacked once.
enum SharedLedger {
    static let archive = Fixtures.packageRoot.appendingPathComponent(
        "../shared/data/amlsim-ibm/20K_fanin200.tgz"
    )
    .standardized.path
    static var available: Bool { FileManager.default.fileExists(atPath: archive) }

    /// `transactions.csv` of the 20K_fanin200 sample, unpacked into a temporary folder.
    static func transactions() throws -> String {
        let dir = try Fixtures.tempDir()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "xzf", archive, "-C", dir, "20K_fanin200/transactions.csv"]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "tar could not unpack \(archive)")
        return dir + "/20K_fanin200/transactions.csv"
    }
}
