public import FlowModel

package import struct Foundation.Data
package import class Foundation.FileManager
package import struct Foundation.URL

/// Where one block's bytes are in an input file.
public struct BlockFrame: Sendable, Hashable {
    /// Byte offset of the block (after any framing) in the file.
    public var offset: Int
    public var length: Int
    public var network: Network
    /// 0-based position of the block in the file.
    public var index: Int
}

/// The kinds of Bitcoin block input chainflow reads.
public enum BlockInputKind: String, Sendable, CaseIterable {
    /// Bitcoin Core blk*.dat: network magic + little-endian length + block, repeated.
    case blk
    /// One serialized block, nothing else.
    case raw
    /// Hex text: one block per line (whitespace ignored).
    case hex
}

/// An input file loaded into memory and split into blocks.
public struct BlockSource: Sendable {
    public var path: String
    public var kind: BlockInputKind
    /// The block bytes: the file itself, memory-mapped, for blk and raw input (no copy); a
    /// de-obfuscated copy for XORed blk files; the decoded bytes for hex.
    package var bytes: Data
    public var frames: [BlockFrame]
    /// For hex input: the 1-based line of each frame, so errors can name the line.
    public var lines: [Int]
    /// True when the file was XOR-obfuscated (Bitcoin Core 28+).
    public var deobfuscated: Bool
    /// A framing problem after the last good frame (truncated block, bad magic, bad hex): the
    /// frames before it are valid and should be ingested before reporting it.
    public var framingError: IngestError? = nil

    /// Reads `path`, detects its kind from the content, and frames its blocks.
    ///
    /// - Parameters:
    ///   - xorKey: an explicit obfuscation key; when nil, `xor.dat` beside the file is used if the
    ///     file only makes sense de-obfuscated.
    ///   - network: the network of raw and hex blocks (blk files say it with their magic).
    public static func load(path: String, xorKey: [UInt8]? = nil, network: Network = .mainnet)
        throws(IngestError)
        -> BlockSource
    {
        let data = try InputFile.map(path)
        return try parse(path: path, data: data, xorKey: xorKey, network: network)
    }

    /// Detects the kind of `bytes` and frames its blocks (see `load`).
    public static func parse(path: String, bytes: [UInt8], xorKey: [UInt8]?, network: Network)
        throws(IngestError) -> BlockSource
    {
        try parse(path: path, data: Data(bytes), xorKey: xorKey, network: network)
    }

    static func parse(path: String, data input: Data, xorKey: [UInt8]?, network: Network)
        throws(IngestError) -> BlockSource
    {
        var bytes = input
        var deobfuscated = false
        let head = [UInt8](input.prefix(8))
        var key: [UInt8]?
        if let given = xorKey, given.contains(where: { $0 != 0 }) {
            key = given
        } else if !startsWithMagic(head), let beside = xorKeyBeside(path),
            startsWithMagic(xored(prefix: head, key: beside))
        {
            key = beside
        }
        if let key {
            var copy = [UInt8](input)
            xor(&copy, key: key)
            bytes = Data(copy)
            deobfuscated = true
        }
        if bytes.isEmpty {
            throw IngestError(
                .truncated, "empty file: expected a blk*.dat file, a raw block or block hex", file: path)
        }
        if startsWithMagic([UInt8](bytes.prefix(4))) {
            var frames = [BlockFrame]()
            let failure: IngestError? = bytes.withUnsafeBytes { raw in
                do {
                    try frameBlockFile(path: path, bytes: raw, into: &frames)
                    return nil
                } catch {
                    return error as? IngestError
                }
            }
            return BlockSource(
                path: path, kind: .blk, bytes: bytes, frames: frames, lines: [], deobfuscated: deobfuscated,
                framingError: failure)
        }
        if looksLikeHex([UInt8](bytes.prefix(1024))) {
            var decoded = [UInt8]()
            var frames = [BlockFrame]()
            var lines = [Int]()
            var failure: IngestError?
            // Read in place (the file is mapped): a 1 GB line costs no copy.
            failure = bytes.withUnsafeBytes { text in
                do {
                    try decodeHexLines(
                        path: path, text: text, network: network, out: &decoded, frames: &frames,
                        lines: &lines)
                    return nil
                } catch {
                    return error as? IngestError
                }
            }
            return BlockSource(
                path: path, kind: .hex, bytes: Data(decoded), frames: frames, lines: lines,
                deobfuscated: false,
                framingError: failure)
        }
        // A raw block starts with an 80-byte header; anything shorter cannot be one.
        if bytes.count < 81 {
            throw IngestError(
                .unknownFormat,
                "not a block file: \(bytes.count) bytes, no network magic, not hex text (formats: blk, raw, hex)",
                file: path, offset: 0)
        }
        let frame = BlockFrame(offset: 0, length: bytes.count, network: network, index: 0)
        return BlockSource(
            path: path, kind: .raw, bytes: bytes, frames: [frame], lines: [], deobfuscated: false)
    }

    static func startsWithMagic(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let value = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        return Network(magicValue: value) != nil
    }

    static func xored(prefix bytes: [UInt8], key: [UInt8]) -> [UInt8] {
        var head = Array(bytes.prefix(8))
        xor(&head, key: key)
        return head
    }

    /// XORs `bytes` with `key` repeated from file offset 0, as Bitcoin Core obfuscates blk files.
    static func xor(_ bytes: inout [UInt8], key: [UInt8]) {
        guard !key.isEmpty else { return }
        let k = key.count
        bytes.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<buffer.count { buffer[i] ^= key[i % k] }
        }
    }

    /// The key in `xor.dat` next to `path`, when present and not all zero.
    static func xorKeyBeside(_ path: String) -> [UInt8]? {
        let url = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("xor.dat")
        guard let data = try? Data(contentsOf: url), !data.isEmpty, data.contains(where: { $0 != 0 }) else {
            return nil
        }
        return [UInt8](data)
    }

    /// Splits a blk file into blocks: 4-byte magic, 4-byte little-endian length, block; stops at
    /// the zero padding Bitcoin Core leaves at the end of a preallocated file.
    static func frameBlockFile(path: String, bytes: UnsafeRawBufferPointer, into frames: inout [BlockFrame])
        throws(IngestError)
    {
        var offset = 0
        let count = bytes.count
        while offset < count {
            let remaining = count - offset
            if bytes[offset..<min(count, offset + 8)].allSatisfy({ $0 == 0 }) {
                // Zero padding: the rest of the file must be zeros too.
                if let junk = bytes[offset...].firstIndex(where: { $0 != 0 }) {
                    throw IngestError(
                        .badMagic,
                        "data after zero padding: expected zeros or network magic, found byte 0x\(String(bytes[junk], radix: 16))",
                        file: path, offset: junk, blockIndex: frames.count)
                }
                break
            }
            guard remaining >= 8 else {
                throw IngestError(
                    .truncated, "truncated block header: need 8 bytes (magic + length), \(remaining) left",
                    file: path, offset: offset, blockIndex: frames.count)
            }
            let magic =
                UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
            guard let network = Network(magicValue: magic) else {
                let expected = frames.first?.network ?? .mainnet
                throw IngestError(
                    .badMagic,
                    "bad network magic: expected \(Hex.encode(expected.magic)) (\(expected.rawValue)), found \(Hex.encode(bytes[offset..<(offset + 4)]))",
                    file: path, offset: offset, blockIndex: frames.count)
            }
            if let first = frames.first, first.network != network {
                throw IngestError(
                    .badMagic,
                    "network magic changes within the file: expected \(Hex.encode(first.network.magic)) (\(first.network.rawValue)), found \(Hex.encode(network.magic)) (\(network.rawValue))",
                    file: path, offset: offset, blockIndex: frames.count)
            }
            let length = Int(
                UInt32(bytes[offset + 4]) | UInt32(bytes[offset + 5]) << 8 | UInt32(bytes[offset + 6]) << 16
                    | UInt32(bytes[offset + 7]) << 24)
            guard length >= 81, length <= maxBlockBytes else {
                throw IngestError(
                    .badLength, "impossible block length \(length): expected 81...4000000 bytes",
                    file: path, offset: offset + 4, blockIndex: frames.count)
            }
            guard length <= remaining - 8 else {
                throw IngestError(
                    .truncated,
                    "truncated block: length says \(length) bytes, \(remaining - 8) left in the file",
                    file: path, offset: offset + 8, blockIndex: frames.count)
            }
            frames.append(
                BlockFrame(offset: offset + 8, length: length, network: network, index: frames.count))
            offset += 8 + length
        }
    }

    /// The largest block a file may hold: 4,000,000 bytes (the block weight limit makes a block
    /// at most 4 MB serialized).
    static let maxBlockBytes = 4_000_000

    static func isHexOrSpace(_ c: UInt8) -> Bool {
        Hex.nibble(c) != nil || c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09
    }

    /// Text that is (almost) only hex digits and whitespace in its first kilobyte. A few stray
    /// characters still count as hex, so that a damaged hex file gets an error naming the bad
    /// character's line and column rather than being misread as a raw block.
    static func looksLikeHex(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(1024)
        let hexDigits = head.reduce(0) { $0 + (Hex.nibble($1) != nil ? 1 : 0) }
        let other = head.reduce(0) { $0 + (isHexOrSpace($1) ? 0 : 1) }
        guard hexDigits > 0 else { return false }
        return other == 0 || (head.count >= 160 && other * 50 <= head.count)
    }

    /// Decodes hex text, one block per non-empty line (LF or CRLF; a leading byte-order mark is
    /// skipped); errors name the line and column.
    /// A line holds one block, so it is stopped as soon as it passes `maxBlockBytes` (a 1 GB
    /// line fails after its first 8 MB, not after decoding 512 MB).
    static func decodeHexLines(
        path: String, text: UnsafeRawBufferPointer, network: Network, out: inout [UInt8],
        frames: inout [BlockFrame], lines: inout [Int]
    ) throws(IngestError) {
        out.reserveCapacity(min(text.count / 2, 64 << 20))
        var line = 1
        // A UTF-8 byte-order mark (Windows editors write one) is not part of the text; columns
        // count from after it.
        var i = text.starts(with: [0xef, 0xbb, 0xbf]) ? 3 : 0
        var lineStart = i
        var blockStart = 0
        var high: UInt8?
        func finishLine() throws(IngestError) {
            if high != nil {
                throw IngestError(
                    .badHex, "odd number of hex digits in the block", file: path, line: line,
                    blockIndex: frames.count)
            }
            if out.count > blockStart {
                frames.append(
                    BlockFrame(
                        offset: blockStart, length: out.count - blockStart, network: network,
                        index: frames.count))
                lines.append(line)
                blockStart = out.count
            }
        }
        while i < text.count {
            let c = text[i]
            if c == 0x0a {
                try finishLine()
                line += 1
                lineStart = i + 1
            } else if let v = Hex.nibble(c) {
                if let h = high {
                    out.append(h << 4 | v)
                    high = nil
                    if out.count - blockStart > maxBlockBytes {
                        throw IngestError(
                            .badLength,
                            "line longer than a block can be: more than \(maxBlockBytes) bytes (\(2 * maxBlockBytes) hex digits) by column \(i - lineStart + 1); a block is at most \(maxBlockBytes) bytes, one block per line",
                            file: path, offset: i, line: line, blockIndex: frames.count)
                    }
                } else {
                    high = v
                }
            } else if c != 0x20 && c != 0x0d && c != 0x09 {
                let shown = String(decoding: text[i..<min(text.count, i + 8)], as: UTF8.self)
                throw IngestError(
                    .badHex,
                    "bad hex at column \(i - lineStart + 1): expected a hex digit, found \(quoted(shown, limit: 8))",
                    file: path, offset: i, line: line, blockIndex: frames.count)
            }
            i += 1
        }
        try finishLine()
    }
}

extension BlockSource {
    /// Decodes the block in `frame`, turning a decoding problem into an error that names this
    /// file, the byte offset in it (or the hex line) and the block's index.
    public func decode(_ frame: BlockFrame, verifyMerkleRoot: Bool = true)
        throws(IngestError)
        -> BitcoinBlock
    {
        let result: Result<BitcoinBlock, DecodeFailure> = bytes.withUnsafeBytes { all in
            let slice = UnsafeRawBufferPointer(rebasing: all[frame.offset..<(frame.offset + frame.length)])
            return Result { () throws(DecodeFailure) in
                try BlockDecoder.decode(slice, network: frame.network, verifyMerkleRoot: verifyMerkleRoot)
            }
        }
        do {
            return try result.get()
        } catch {
            if kind == .hex {
                let line = frame.index < lines.count ? lines[frame.index] : nil
                throw IngestError(
                    error.code, "\(error.message) (decoded byte \(error.offset) of the block)", file: path,
                    line: line,
                    blockIndex: frame.index)
            }
            throw IngestError(
                error.code, error.message, file: path, offset: frame.offset + error.offset,
                blockIndex: frame.index)
        }
    }
}
