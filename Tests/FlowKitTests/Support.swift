import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// FlowKit's additions to the shared fixtures (FlowTestSupport): ingest through FlowKit, blk frames.
extension Fixtures {
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
}

/// The case database built once from SampleData (`SampleCase`) with the two extra tags of
/// `SampleCaseDB.writeTags` (FlowTestSupport).
extension SampleCaseDB {
    static let built: Result<String, any Error> = Result {
        let dir = try Fixtures.tempDir()
        let tags = try writeTags(in: dir)
        let path = dir + "/case.db"
        try SampleCase.build(samples: Fixtures.sampleData, path: path, tags: [tags])
        return path
    }

    static func store() throws -> GraphStore { try GraphStore(path: try built.get(), readOnly: true) }
}
