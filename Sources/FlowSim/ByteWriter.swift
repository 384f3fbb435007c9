import FlowBitcoin
import FlowModel

/// An append-only byte buffer with Bitcoin's little-endian and CompactSize encodings.
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always)
    mutating func u8(_ value: UInt8) { bytes.append(value) }

    @inline(__always)
    mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The first `count` bytes (at most 32) of four little-endian words.
    @inline(__always)
    mutating func words(_ w: (UInt64, UInt64, UInt64, UInt64), count: Int) {
        let le = (w.0.littleEndian, w.1.littleEndian, w.2.littleEndian, w.3.littleEndian)
        withUnsafeBytes(of: le) { bytes.append(contentsOf: $0.prefix(count)) }
    }

    @inline(__always)
    mutating func hash(_ h: Hash256) {
        words((h.w0, h.w1, h.w2, h.w3), count: 32)
    }

    /// `count` pseudo-random bytes.
    @inline(__always)
    mutating func random(_ count: Int, _ random: inout SimRandom) {
        var left = count
        while left >= 8 {
            u64(random.next())
            left -= 8
        }
        if left > 0 {
            let w = random.next().littleEndian
            withUnsafeBytes(of: w) { bytes.append(contentsOf: $0.prefix(left)) }
        }
    }

    mutating func compactSize(_ n: Int) {
        if n < 0xfd {
            u8(UInt8(n))
        } else if n <= 0xffff {
            u8(0xfd)
            withUnsafeBytes(of: UInt16(n).littleEndian) { bytes.append(contentsOf: $0) }
        } else {
            u8(0xfe)
            u32(UInt32(truncatingIfNeeded: n))
        }
    }
}
