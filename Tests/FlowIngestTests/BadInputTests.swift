import FlowIngest
import FlowModel
import Foundation
import Testing

/// Damaged and disguised inputs: each error must carry the right code, quote what was expected
/// and what was found, and point at the file offset (or hex line) and block index.
@Suite("Bad and unusual block input")
struct BadInputTests {
    /// blk_0_to_4.dat: five blocks; the magic of each is at these offsets (see its truth file).
    static let blkName = "blk/blk_0_to_4.dat"
    static let magicOffsets = [0, 293, 513, 926, 1596]

    static func blkBytes() throws -> [UInt8] { try Fixtures.bytes(Fixtures.sample(blkName)) }

    static func frame(_ bytes: [UInt8], path: String = "test.dat") throws(IngestError) -> BlockSource {
        try BlockSource.parse(path: path, bytes: bytes, xorKey: nil, network: .mainnet)
    }

    /// Frames `bytes`, which must fail after `goodFrames` valid frames: the frames before the
    /// problem are kept (so they can be ingested) and the problem is in `framingError`.
    static func framingError(
        _ bytes: [UInt8], path: String = "test.dat", network: Network = .mainnet, after goodFrames: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> IngestError {
        let source = try BlockSource.parse(path: path, bytes: bytes, xorKey: nil, network: network)
        #expect(source.frames.count == goodFrames, "frames before the error", sourceLocation: sourceLocation)
        for frame in source.frames { _ = try source.decode(frame) }
        return try #require(source.framingError, "expected a framing error", sourceLocation: sourceLocation)
    }

    @Test func intactFileFramesFiveBlocks() throws {
        let source = try Self.frame(Self.blkBytes())
        #expect(source.framingError == nil)
        #expect(source.frames.map { $0.offset - 8 } == Self.magicOffsets)
        #expect(source.frames.map(\.index) == [0, 1, 2, 3, 4])
    }

    // MARK: Framing

    @Test func truncatedInTheSecondBlock() throws {
        let bytes = try Self.blkBytes()
        let blockStart = Self.magicOffsets[1] + 8  // 301; the block is 212 bytes long
        let cut = Array(bytes[..<(blockStart + 100)])
        let error = try Self.framingError(cut, path: "cut.dat", after: 1)
        #expect(error.code == .truncated)
        #expect(error.blockIndex == 1)
        #expect(error.offset == blockStart)
        #expect(error.file == "cut.dat")
        #expect(error.message.contains("length says 212 bytes, 100 left"), "\(error.message)")
        #expect(
            error.description.hasPrefix("cut.dat: byte 301: block #1: error: truncated block"), "\(error)")
        #expect(error.exitCode == 65)
    }

    @Test func truncatedInsideTheFraming() throws {
        let bytes = try Self.blkBytes()
        // The file ends 5 bytes into the third block's magic and length.
        let cut = Array(bytes[..<(Self.magicOffsets[2] + 5)])
        let error = try Self.framingError(cut, after: 2)
        #expect(error.code == .truncated)
        #expect(error.blockIndex == 2)
        #expect(error.offset == Self.magicOffsets[2])
        #expect(error.message.contains("need 8 bytes"), "\(error.message)")
        #expect(error.message.contains("5 left"), "\(error.message)")
    }

    @Test func wrongMagic() throws {
        var bytes = try Self.blkBytes()
        let at = Self.magicOffsets[1]
        bytes.replaceSubrange(at..<(at + 4), with: [0xde, 0xad, 0xbe, 0xef])
        let error = try Self.framingError(bytes, after: 1)
        #expect(error.code == .badMagic)
        #expect(error.blockIndex == 1)
        #expect(error.offset == at)
        #expect(error.message.contains("expected f9beb4d9 (mainnet)"), "\(error.message)")
        #expect(error.message.contains("found deadbeef"), "\(error.message)")
    }

    @Test func magicOfAnotherNetworkInTheMiddle() throws {
        var bytes = try Self.blkBytes()
        let at = Self.magicOffsets[3]
        bytes.replaceSubrange(at..<(at + 4), with: Network.testnet.magic)
        let error = try Self.framingError(bytes, after: 3)
        #expect(error.code == .badMagic)
        #expect(error.blockIndex == 3)
        #expect(error.offset == at)
        #expect(error.message.contains("expected f9beb4d9 (mainnet)"), "\(error.message)")
        #expect(error.message.contains("found 0b110907 (testnet)"), "\(error.message)")
    }

    @Test func impossibleBlockLength() throws {
        var bytes = try Self.blkBytes()
        bytes.replaceSubrange(4..<8, with: [0xff, 0xff, 0xff, 0xff])
        let error = try Self.framingError(bytes, after: 0)
        #expect(error.code == .badLength)
        #expect(error.blockIndex == 0)
        #expect(error.offset == 4)
        #expect(error.message.contains("4294967295"), "\(error.message)")
        #expect(error.message.contains("expected 81...4000000 bytes"), "\(error.message)")
    }

    @Test func zeroPaddingAtTheEnd() throws {
        let bytes = try Self.blkBytes()
        let plain = try Self.frame(bytes)
        let padded = try Self.frame(bytes + [UInt8](repeating: 0, count: 1000))
        #expect(padded.framingError == nil)
        #expect(padded.frames == plain.frames)
        #expect(try padded.frames.map { try padded.decode($0) } == plain.frames.map { try plain.decode($0) })
    }

    @Test func dataAfterZeroPadding() throws {
        let bytes = try Self.blkBytes()
        let junkAt = bytes.count + 500
        let error = try Self.framingError(
            bytes + [UInt8](repeating: 0, count: 500) + [0x42] + [UInt8](repeating: 0, count: 10), after: 5)
        #expect(error.code == .badMagic)
        #expect(error.offset == junkAt)
        #expect(error.blockIndex == 5)
        #expect(error.message.contains("found byte 0x42"), "\(error.message)")
    }

    // MARK: Block contents

    @Test func impossibleTransactionCount() throws {
        var bytes = try Self.blkBytes()
        let blockStart = Self.magicOffsets[2] + 8
        // 0xfe + 4-byte count 16777216: far more transactions than the block's 405 bytes hold.
        bytes.replaceSubrange((blockStart + 80)..<(blockStart + 85), with: [0xfe, 0x00, 0x00, 0x00, 0x01])
        let source = try Self.frame(bytes)
        let error = try #require(throws: IngestError.self) { try source.decode(source.frames[2]) }
        #expect(error.code == .badLength)
        #expect(error.blockIndex == 2)
        #expect(error.offset == blockStart + 80)
        #expect(error.message.contains("impossible transaction count 16777216"), "\(error.message)")
        #expect(error.message.contains("at most"), "\(error.message)")
    }

    @Test func impossibleOneByteTransactionCount() throws {
        var bytes = try Self.blkBytes()
        let blockStart = Self.magicOffsets[2] + 8
        // 200 transactions cannot fit in the block's 405 bytes (at least 60 bytes each).
        bytes[blockStart + 80] = 200
        let source = try Self.frame(bytes)
        let error = try #require(throws: IngestError.self) { try source.decode(source.frames[2]) }
        #expect(error.code == .badLength)
        #expect(error.offset == blockStart + 80)
        #expect(error.message.contains("impossible transaction count 200"), "\(error.message)")
    }

    @Test func nonCanonicalTransactionCount() throws {
        var bytes = try Self.blkBytes()
        let blockStart = Self.magicOffsets[2] + 8
        // Two transactions written with the 3-byte form, which Bitcoin rejects.
        bytes.replaceSubrange((blockStart + 80)..<(blockStart + 83), with: [0xfd, 0x02, 0x00])
        let source = try Self.frame(bytes)
        let error = try #require(throws: IngestError.self) { try source.decode(source.frames[2]) }
        #expect(error.code == .badVarint)
        #expect(error.blockIndex == 2)
        #expect(error.offset == blockStart + 80)
        #expect(error.message.contains("2 encoded with prefix 0xfd"), "\(error.message)")
    }

    /// A raw block cut inside an input script: the error names the script, what it needs and
    /// what is left, at the script's offset (not past the end of the data).
    @Test func truncatedRawBlock() throws {
        let bytes = try Fixtures.bytes(Fixtures.sample("raw/testnet_block_924634.raw"))
        let source = try BlockSource.parse(
            path: "cut.raw", bytes: Array(bytes.prefix(2000)), xorKey: nil, network: .testnet)
        #expect(source.kind == .raw)
        let error = try #require(throws: IngestError.self) { try source.decode(source.frames[0]) }
        #expect(error.code == .truncated)
        #expect(error.blockIndex == 0)
        #expect(error.offset == 1903)
        #expect(error.message == "truncated input script: need 106 bytes, 97 left", "\(error)")
    }

    @Test func trailingBytesAfterARawBlock() throws {
        let bytes = try Fixtures.bytes(Fixtures.sample("raw/testnet_block_924634.raw"))
        let source = try BlockSource.parse(
            path: "long.raw", bytes: bytes + [0x00, 0x01], xorKey: nil, network: .testnet)
        let error = try #require(throws: IngestError.self) { try source.decode(source.frames[0]) }
        #expect(error.code == .trailingData)
        #expect(error.offset == bytes.count)
        #expect(error.message.contains("2 unexpected bytes"), "\(error.message)")
    }

    /// One byte of a txid changed in the body: the header, and so the block hash, is intact;
    /// only the merkle root check reveals it.
    @Test func alteredBodyFailsTheMerkleCheck() throws {
        let url = Fixtures.sample("blk/277647.dat")
        let original = try BlockSource.load(path: url.path)
        let frame = try #require(original.frames.first)
        let block = try original.decode(frame)
        // Transaction 1 starts after the header, the 1-byte transaction count and the coinbase;
        // its first input's previous txid follows its version and 1-byte input count.
        let tx1 = frame.offset + 80 + 1 + block.transactions[0].size
        let prevTxidByte = tx1 + 4 + 1
        var bytes = [UInt8](original.bytes)
        bytes[prevTxidByte] ^= 0x01
        let altered = try BlockSource.parse(path: url.path, bytes: bytes, xorKey: nil, network: .mainnet)

        let error = try #require(throws: IngestError.self) { try altered.decode(frame) }
        #expect(error.code == .merkleMismatch)
        #expect(error.blockIndex == 0)
        #expect(error.offset == frame.offset + 36)
        #expect(
            error.message.contains("0000000000000000054a714e580b16c583701712ab91060e92dbde6eb1e052a8"),
            "\(error.message)")
        #expect(error.message.contains(block.header.merkleRoot.hex), "\(error.message)")

        // Without the check the block decodes: same hash, a different txid for transaction 1.
        let unchecked = try altered.decode(frame, verifyMerkleRoot: false)
        #expect(unchecked.hash == block.hash)
        #expect(unchecked.transactions[1].txid != block.transactions[1].txid)
        #expect(unchecked.transactions[1].inputs[0].prevTxid != block.transactions[1].inputs[0].prevTxid)
        #expect(unchecked.transactions[2...] == block.transactions[2...])
    }

    // MARK: Hex text

    @Test func garbageInHexText() throws {
        let text = try String(contentsOf: Fixtures.sample("raw/block_13b8a.hex"), encoding: .utf8)
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // Second line: the same block with "zz" at columns 101-102.
        var damaged = Array(line.utf8)
        damaged.replaceSubrange(100..<102, with: Array("zz".utf8))
        let input = Array(line.utf8) + [0x0a] + damaged + [0x0a]

        let error = try Self.framingError(input, path: "blocks.hex", after: 1)
        #expect(error.code == .badHex)
        #expect(error.line == 2)
        #expect(error.blockIndex == 1)
        #expect(error.offset == line.utf8.count + 1 + 100)
        #expect(error.message.contains("column 101"), "\(error.message)")
        #expect(error.message.contains("expected a hex digit, found 'zz"), "\(error.message)")
        #expect(error.description.hasPrefix("blocks.hex:2: "), "\(error)")
    }

    @Test func garbageInTheFirstHexLineIsStillReadAsHex() throws {
        let text = try String(contentsOf: Fixtures.sample("raw/block_13b8a.hex"), encoding: .utf8)
        var damaged = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        damaged.replaceSubrange(200..<202, with: Array("zz".utf8))
        let source = try BlockSource.parse(
            path: "one.hex", bytes: damaged + [0x0a], xorKey: nil, network: .mainnet)
        #expect(source.kind == .hex)
        let error = try #require(source.framingError)
        #expect(error.code == .badHex)
        #expect(error.line == 1)
        #expect(error.offset == 200)
        #expect(error.message.contains("column 201"), "\(error.message)")
    }

    @Test func oddNumberOfHexDigits() throws {
        let text = try String(contentsOf: Fixtures.sample("raw/block_13b8a.hex"), encoding: .utf8)
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let input = Array((line + "\n" + line.dropLast() + "\n").utf8)
        let error = try Self.framingError(input, path: "blocks.hex", after: 1)
        #expect(error.code == .badHex)
        #expect(error.line == 2)
        #expect(error.blockIndex == 1)
        #expect(error.message.contains("odd number of hex digits"), "\(error.message)")
    }

    @Test func errorInsideAHexBlockNamesItsLine() throws {
        let text = try String(contentsOf: Fixtures.sample("raw/block_13b8a.hex"), encoding: .utf8)
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // Third line: the block without its last transaction's locktime (8 hex digits).
        let input = Array((line + "\n\n" + line.dropLast(8) + "\n").utf8)
        let source = try BlockSource.parse(path: "blocks.hex", bytes: input, xorKey: nil, network: .mainnet)
        #expect(source.frames.count == 2)
        #expect(source.lines == [1, 3])
        let error = try #require(throws: IngestError.self) { try source.decode(source.frames[1]) }
        #expect(error.code == .truncated)
        #expect(error.line == 3)
        #expect(error.blockIndex == 1)
        #expect(error.message.contains("locktime"), "\(error.message)")
    }

    // MARK: Files

    @Test func missingFile() throws {
        let error = try #require(throws: IngestError.self) {
            try BlockSource.load(path: "/nonexistent/chainflow/blk00000.dat")
        }
        #expect(error.code == .missingFile)
        #expect(error.file == "/nonexistent/chainflow/blk00000.dat")
        #expect(error.exitCode == 66)
    }

    @Test func emptyFile() throws {
        let error = try #require(throws: IngestError.self) { try Self.frame([], path: "empty.dat") }
        #expect(error.code == .truncated)
        #expect(error.message.contains("empty file"), "\(error.message)")
    }

    /// Bitcoin Core 28+ XORs blk files with the 8-byte key in xor.dat beside them.
    @Test func xorObfuscatedBlkFile() throws {
        let plainBytes = try Self.blkBytes()
        let plain = try Self.frame(plainBytes)
        let plainBlocks = try plain.frames.map { try plain.decode($0) }

        let key: [UInt8] = [0x5a, 0x17, 0xc3, 0x00, 0x9e, 0x41, 0xf8, 0x2d]
        let obfuscated = plainBytes.enumerated().map { $0.element ^ key[$0.offset % key.count] }
        #expect(Array(obfuscated.prefix(4)) != Network.mainnet.magic)

        let directory = try Fixtures.makeTemporaryDirectory()
        defer { Fixtures.removeTemporaryDirectory(directory) }
        let blkURL = directory.appendingPathComponent("blk00000.dat")
        try Data(obfuscated).write(to: blkURL)

        // Explicit key, no xor.dat yet.
        let explicit = try BlockSource.load(path: blkURL.path, xorKey: key)
        #expect(explicit.deobfuscated)
        #expect(explicit.kind == .blk)
        #expect(explicit.frames == plain.frames)
        #expect(try explicit.frames.map { try explicit.decode($0) } == plainBlocks)

        // Without a key the file is not a blk file.
        let unkeyed = try? BlockSource.load(path: blkURL.path)
        #expect(unkeyed?.kind != .blk)

        // The key in xor.dat beside the file.
        try Data(key).write(to: directory.appendingPathComponent("xor.dat"))
        let beside = try BlockSource.load(path: blkURL.path)
        #expect(beside.deobfuscated)
        #expect(beside.kind == .blk)
        #expect(beside.frames == plain.frames)
        #expect(try beside.frames.map { try beside.decode($0) } == plainBlocks)

        // A plain file next to the same xor.dat is read as it is.
        let plainURL = directory.appendingPathComponent("blk00001.dat")
        try Data(plainBytes).write(to: plainURL)
        let untouched = try BlockSource.load(path: plainURL.path)
        #expect(!untouched.deobfuscated)
        #expect(untouched.frames == plain.frames)
    }
}
