import FlowModel

/// A bounds-checked cursor over block bytes. Every read checks the remaining length first and
/// throws a `DecodeFailure` naming the field, so that no input can trap the decoder.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    mutating func need(_ n: Int, _ field: StaticString) throws(DecodeFailure) {
        guard n >= 0, n <= remaining else {
            throw DecodeFailure(
                .truncated, offset: position,
                "truncated \(field): need \(n) bytes, \(remaining) left")
        }
    }

    mutating func u8(_ field: StaticString) throws(DecodeFailure) -> UInt8 {
        try need(1, field)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u32(_ field: StaticString) throws(DecodeFailure) -> UInt32 {
        try need(4, field)
        defer { position += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    }

    mutating func u64(_ field: StaticString) throws(DecodeFailure) -> UInt64 {
        try need(8, field)
        defer { position += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    mutating func hash(_ field: StaticString) throws(DecodeFailure) -> Hash256 {
        try need(32, field)
        defer { position += 32 }
        return Hash256(wire: bytes, at: position)
    }

    /// Bitcoin's CompactSize integer, canonical encodings only, at most `limit`. Counts pass the
    /// most that could fit in what is left; lengths pass `.max` and are checked by the `slice`
    /// that follows, so a short buffer reads as "truncated".
    mutating func compactSize(_ field: StaticString, limit: Int) throws(DecodeFailure) -> Int {
        let start = position
        let first = try u8(field)
        let value: UInt64
        let minimum: UInt64
        switch first {
        case 0xfd:
            try need(2, field)
            value = UInt64(bytes[position]) | UInt64(bytes[position + 1]) << 8
            position += 2
            minimum = 0xfd
        case 0xfe:
            value = UInt64(try u32(field))
            minimum = 0x1_0000
        case 0xff:
            value = try u64(field)
            minimum = 0x1_0000_0000
        default:
            value = UInt64(first)
            minimum = 0
        }
        guard value >= minimum else {
            throw DecodeFailure(
                .badVarint, offset: start,
                "non-canonical \(field) varint: \(value) encoded with prefix 0x\(String(first, radix: 16))")
        }
        guard value <= UInt64(limit) else {
            throw DecodeFailure(
                .badLength, offset: start,
                "impossible \(field) \(value): at most \(limit) fit in the \(remaining) bytes left")
        }
        return Int(value)
    }

    /// A view of the next `n` bytes, advancing past them.
    mutating func slice(_ n: Int, _ field: StaticString) throws(DecodeFailure) -> UnsafeRawBufferPointer {
        try need(n, field)
        defer { position += n }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)])
    }
}

/// A decoding problem inside one block: what, and the byte offset within the block.
package struct DecodeFailure: Error {
    package var code: IngestError.Code
    package var offset: Int
    package var message: String

    init(_ code: IngestError.Code, offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }
}
