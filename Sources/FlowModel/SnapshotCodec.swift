import Foundation

/// The bytes of a graph snapshot file: a header (magic, kind, format version, the state key of
/// the database it was built from), then arrays of fixed-size values, each with its count and
/// element size, 8-byte aligned, then a 64-bit checksum of everything before it.
///
/// A snapshot is a cache of what an analyzer would otherwise load from the database: a reader
/// that finds another kind, version or state key, a short file or a wrong checksum treats the
/// snapshot as absent and rebuilds it.
public enum SnapshotCodec {
    public static let magic: [UInt8] = Array("CFSNAP\u{0}\u{1}".utf8)

    /// Why a file was not used (for `--timings` and tests).
    public enum Rejection: Error, Equatable, Sendable {
        case short, badMagic, otherKind, otherVersion, otherState, badChecksum, badArray
    }

    /// A 64-bit checksum of `bytes`, eight bytes at a time (the tail padded with zeros).
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        var i = 0
        while i < words {
            let w = bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 1
        }
        var tail: UInt64 = 0
        for k in (words * 8)..<bytes.count { tail |= UInt64(bytes[k]) << (8 * UInt64(k - words * 8)) }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 32)
    }
}

/// Writes a snapshot's bytes.
public struct SnapshotEncoder {
    public private(set) var bytes: [UInt8] = []

    public init(kind: UInt32, version: UInt32, state: String) {
        bytes = SnapshotCodec.magic
        append(kind)
        append(version)
        let key = Array(state.utf8)
        append(UInt32(key.count))
        bytes += key
        pad()
    }

    mutating func append<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
    }

    mutating func pad() {
        while bytes.count % 8 != 0 { bytes.append(0) }
    }

    /// Appends one scalar.
    public mutating func scalar(_ v: Int64) { append(v) }

    /// Appends an array of a fixed-size value type (integers, Bool, UInt256) as its memory.
    public mutating func array<T>(_ values: [T]) {
        precondition(_isPOD(T.self), "snapshot arrays hold plain values")
        append(UInt64(values.count))
        append(UInt64(MemoryLayout<T>.stride))
        values.withUnsafeBytes { bytes += $0 }
        pad()
    }

    /// The finished file: the bytes and their checksum.
    public func finished() -> [UInt8] {
        var out = bytes
        let sum = out.withUnsafeBytes { SnapshotCodec.checksum($0) }
        withUnsafeBytes(of: sum.littleEndian) { out += $0 }
        return out
    }
}

/// Reads a snapshot's bytes written by `SnapshotEncoder` on a machine of the same byte order.
public struct SnapshotDecoder {
    let base: UnsafeRawBufferPointer
    var offset = 0

    /// Checks the header, the state key and the checksum; throws `SnapshotCodec.Rejection`.
    public init(_ bytes: UnsafeRawBufferPointer, kind: UInt32, version: UInt32, state: String) throws {
        base = bytes
        let m = SnapshotCodec.magic.count
        guard bytes.count >= m + 12 + 8 else { throw SnapshotCodec.Rejection.short }
        guard Array(bytes[0..<m]) == SnapshotCodec.magic else { throw SnapshotCodec.Rejection.badMagic }
        offset = m
        guard try read(UInt32.self) == kind else { throw SnapshotCodec.Rejection.otherKind }
        guard try read(UInt32.self) == version else { throw SnapshotCodec.Rejection.otherVersion }
        let keyLength = Int(try read(UInt32.self))
        guard offset + keyLength <= bytes.count - 8 else { throw SnapshotCodec.Rejection.short }
        guard Array(bytes[offset..<(offset + keyLength)]) == Array(state.utf8) else {
            throw SnapshotCodec.Rejection.otherState
        }
        offset += keyLength
        offset = (offset + 7) & ~7
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 8)])
        let stored = bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        guard SnapshotCodec.checksum(body) == UInt64(littleEndian: stored) else {
            throw SnapshotCodec.Rejection.badChecksum
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
        guard offset + MemoryLayout<T>.size <= base.count - 8 else { throw SnapshotCodec.Rejection.short }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    public mutating func scalar() throws -> Int64 { try read(Int64.self) }

    /// The next array, copied out of the file.
    public mutating func array<T>(of _: T.Type = T.self) throws -> [T] {
        precondition(_isPOD(T.self), "snapshot arrays hold plain values")
        let count = Int(try read(UInt64.self))
        let stride = Int(try read(UInt64.self))
        guard stride == MemoryLayout<T>.stride, count >= 0,
            count <= (base.count - 8 - offset) / max(stride, 1)
        else { throw SnapshotCodec.Rejection.badArray }
        let length = count * stride
        let start = offset
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if length > 0 {
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: base[start..<(start + length)]))
            }
            initialized = count
        }
        offset = (offset + length + 7) & ~7
        return values
    }
}
