package import FlowStore
package import Foundation

/// Paths and fresh databases shared by the test targets: the package root, SampleData, temporary
/// folders. Every test gets its own temporary folder and database (nothing is shared on disk).
package enum Fixtures {
    /// The package root, three levels above this file (Tests/FlowTestSupport/Fixtures.swift).
    package static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
    /// SampleData (all chains and formats).
    package static let sampleData = packageRoot.appendingPathComponent("SampleData").path
    /// SampleData/bitcoin: small real Bitcoin files.
    package static let samples = packageRoot.appendingPathComponent("SampleData/bitcoin").path
    /// ../shared/data/bitcoin: the full set of real chain data, on development machines and CI only.
    package static let shared = packageRoot.appendingPathComponent("../shared/data/bitcoin").standardized.path
    package static var hasShared: Bool { FileManager.default.fileExists(atPath: shared) }

    /// A file under SampleData/bitcoin.
    package static func sample(_ relative: String) -> String { samples + "/" + relative }

    /// The sample ledger (SampleData/transfers/ledger.csv) and its labels.
    package static let ledger = sampleData + "/transfers/ledger.csv"
    package static let ledgerLabels = sampleData + "/transfers/labels.csv"

    /// A fresh temporary directory for one test.
    package static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// A fresh database in a temporary directory.
    package static func freshStore() throws -> (GraphStore, String) {
        let dir = try tempDir()
        return (try GraphStore(path: dir + "/test.db"), dir)
    }

    package static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
