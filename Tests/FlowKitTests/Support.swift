import FlowReport
import FlowIngest
import FlowKit
import FlowModel
import FlowStore
import Foundation
import Testing

/// Paths and helpers shared by the store-level tests.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
    static let samples = packageRoot.appendingPathComponent("SampleData/bitcoin").path
    static let shared = packageRoot.appendingPathComponent("../shared/data/bitcoin").standardized.path
    static var hasShared: Bool { FileManager.default.fileExists(atPath: shared) }

    static func sample(_ relative: String) -> String { samples + "/" + relative }

    /// A fresh temporary directory for one test.
    static func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// A fresh database in a temporary directory.
    static func freshStore() throws -> (GraphStore, String) {
        let dir = try tempDir()
        return (try GraphStore(path: dir + "/test.db"), dir)
    }

    @discardableResult
    static func ingest(
        _ store: GraphStore, _ paths: [String], network: Network = .mainnet, threads: Int? = nil
    ) throws
        -> IngestReport
    {
        try BitcoinIngest.run(
            store: store, options: IngestOptions(paths: paths, network: network, threads: threads))
    }

    /// The truth file's blocks, as JSON dictionaries.
    static func truthBlocks(_ path: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(root["blocks"] as? [[String: Any]])
    }

    /// Splits a blk file into its framed blocks (magic + length + body), to rearrange them.
    static func blkFrames(_ path: String) throws -> [[UInt8]] {
        let source = try BlockSource.load(path: path)
        let bytes = [UInt8](source.bytes)
        // Each frame with its 8 bytes of magic and length in front.
        return source.frames.map { Array(bytes[($0.offset - 8)..<($0.offset + $0.length)]) }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
