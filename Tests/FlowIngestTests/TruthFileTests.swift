import FlowIngest
import FlowModel
import Foundation
import Testing

/// Decodes every real block we have and compares it with the facts an independent decoder
/// recorded beside it (`*.truth.json`): hashes, sizes, every txid and wtxid, every output's value,
/// type and address.
@Suite("Blocks match their truth files")
struct TruthFileTests {
    /// Block files copied into SampleData/bitcoin: always tested.
    static let sampleFiles = [
        "blk/blk_0_to_4.dat",
        "blk/blk_3A.dat",
        "blk/blk_4A.dat",
        "blk/blk_5A.dat",
        "blk/blocks1-256.dat",
        "blk/277647.dat",
        "raw/block_13b8a.hex",
        "raw/testnet_block_924634.raw",
        "core-json/block766390.raw",
    ]

    /// Larger block files only in ../shared/data/bitcoin.
    static let sharedFiles = [
        "raw/mainnet_block_702861.raw",
        "raw/block-2582756-testnet.hex",
        "core-json/block766393.raw",
    ]

    /// Truth files of JSON test vectors, tested by their own tests below.
    static let vectorTruthFiles = [
        "vectors/blockfilters.truth.json",
        "vectors/rpc_getblockstats.truth.json",
    ]

    @Test("SampleData block file matches its truth", arguments: sampleFiles)
    func sampleBlockFile(_ name: String) throws {
        try checkBlockFile(root: Fixtures.sample, name: name)
    }

    @Test(
        "Shared block file matches its truth",
        .enabled(if: Fixtures.sharedIsAvailable, Fixtures.sharedSkipReason),
        arguments: sharedFiles)
    func sharedBlockFile(_ name: String) throws {
        try checkBlockFile(root: Fixtures.shared, name: name)
    }

    /// Every truth file in ../shared/data is exercised by one of the tests here, so that a new
    /// data file cannot be forgotten.
    @Test(.enabled(if: Fixtures.sharedIsAvailable, Fixtures.sharedSkipReason))
    func everySharedTruthFileIsTested() throws {
        let tested = Set((Self.sampleFiles + Self.sharedFiles).map(truthPath(for:)) + Self.vectorTruthFiles)
        var found = Set<String>()
        for folder in ["blk", "raw", "core-json", "vectors"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.shared(folder).path)
            for name in names where name.hasSuffix(".truth.json") { found.insert("\(folder)/\(name)") }
        }
        #expect(
            found.subtracting(tested).isEmpty,
            "truth files without a test: \(found.subtracting(tested).sorted())")
        #expect(
            tested.subtracting(found).isEmpty,
            "tested files missing from ../shared/data: \(tested.subtracting(found).sorted())")
    }

    /// blockfilters.json: rows of [height, hash, block hex, ...] after a header row; testnet3.
    @Test(.enabled(if: Fixtures.sharedIsAvailable, Fixtures.sharedSkipReason))
    func blockfiltersVectors() throws {
        let url = Fixtures.shared("vectors/blockfilters.json")
        let rows = try #require(try Fixtures.json(url) as? [[Any]])
        let blockRows = rows.dropFirst()
        let hexLines = try blockRows.map { row in try #require(row[2] as? String, "block hex in row \(row)") }
        let source = try BlockSource.parse(
            path: url.path, bytes: Array(hexLines.joined(separator: "\n").utf8), xorKey: nil,
            network: .testnet)
        #expect(source.kind == .hex)
        #expect(source.framingError == nil)
        let truth = try TruthFile.load(Fixtures.shared("vectors/blockfilters.truth.json"))
        try #require(source.frames.count == truth.blocks.count)

        var m = Mismatches()
        for (frame, (row, truthBlock)) in zip(source.frames, zip(blockRows, truth.blocks)) {
            let block = try source.decode(frame)
            let label = "row \(frame.index + 1) (height \(row[0]))"
            m.check(block.hash.hex, row[1] as? String ?? "", "\(label) hash in the vector")
            compare(block, with: truthBlock, label: label, into: &m)
        }
        m.expectNone()
    }

    /// rpc_getblockstats.json: a regtest chain 0–103, one block hex per list item.
    @Test func getblockstatsRegtestChain() throws {
        let (source, blocks) = try RegtestChain.load()
        let truth = try TruthFile.load(Fixtures.sample("vectors/rpc_getblockstats.truth.json"))
        #expect(source.kind == .hex)
        #expect(source.framingError == nil)
        try #require(blocks.count == 104)
        try #require(truth.blocks.count == blocks.count)

        var m = Mismatches()
        for (height, (block, truthBlock)) in zip(blocks, truth.blocks).enumerated() {
            compare(block, with: truthBlock, label: "height \(height)", into: &m)
            // Each block builds on the one before it.
            if height > 0 {
                m.check(block.header.prevHash, blocks[height - 1].hash, "height \(height) prev hash")
            }
        }
        m.expectNone()
        #expect(blocks[0].hash == Network.regtest.genesisHash)
    }

    // MARK: Helpers

    /// Loads a blk, raw or hex file, decodes every block and compares it with the truth file beside it.
    func checkBlockFile(root: URL, name: String) throws {
        let url = root.appendingPathComponent(name)
        let truthURL = root.appendingPathComponent(truthPath(for: name))
        let truth = try TruthFile.load(truthURL)
        let first = try #require(truth.blocks.first, "\(truthURL.lastPathComponent) has no blocks")
        let network = try #require(Network(truthName: first.network), "unknown network '\(first.network)'")

        let source = try BlockSource.load(path: url.path, network: network)
        let expectedKind: BlockInputKind =
            switch url.pathExtension {
            case "dat": .blk
            case "hex": .hex
            default: .raw
            }
        #expect(source.kind == expectedKind)
        #expect(source.framingError == nil, "\(source.framingError.map(String.init(describing:)) ?? "")")
        #expect(!source.deobfuscated)
        try #require(
            source.frames.count == truth.blocks.count,
            "\(name): \(source.frames.count) frames, truth has \(truth.blocks.count) blocks")

        var m = Mismatches()
        for (frame, truthBlock) in zip(source.frames, truth.blocks) {
            let label = "\(name) block \(frame.index)"
            if let fileOffset = truthBlock.fileOffset {
                // The truth gives the offset of the magic; a frame starts after magic and length.
                m.check(frame.offset - 8, fileOffset, "\(label) file offset")
            }
            m.check(frame.network, network, "\(label) frame network")
            m.check(frame.length, truthBlock.size, "\(label) frame length")
            let block = try source.decode(frame)
            compare(block, with: truthBlock, label: label, into: &m)
        }
        m.expectNone()
    }
}

/// `blk/277647.dat` -> `blk/277647.truth.json`.
func truthPath(for dataPath: String) -> String {
    guard let dot = dataPath.lastIndex(of: ".") else { return dataPath + ".truth.json" }
    return dataPath[..<dot] + ".truth.json"
}

/// The regtest chain of rpc_getblockstats.json (heights 0–103), decoded.
enum RegtestChain {
    static let url = Fixtures.sample("vectors/rpc_getblockstats.json")

    static func load() throws -> (BlockSource, [BitcoinBlock]) {
        let document = try #require(try Fixtures.json(url) as? [String: Any])
        let hexBlocks = try #require(
            document["blocks"] as? [String], "rpc_getblockstats.json has no 'blocks' list")
        // One block per line: the hex reader frames them.
        let text = Array(hexBlocks.joined(separator: "\n").utf8)
        let source = try BlockSource.parse(path: url.path, bytes: text, xorKey: nil, network: .regtest)
        let blocks = try source.frames.map { try source.decode($0) }
        return (source, blocks)
    }

    /// Bitcoin Core's own `getblockstats` results for the last heights of the chain.
    static func coreStats() throws -> [[String: Any]] {
        let document = try #require(try Fixtures.json(url) as? [String: Any])
        return try #require(
            document["stats"] as? [[String: Any]], "rpc_getblockstats.json has no 'stats' list")
    }
}
