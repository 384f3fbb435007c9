/// A minimal unsigned 256-bit integer for proof-of-work arithmetic (targets and chain work).
///
/// Only what chain selection needs: compact-target decoding, addition, comparison, division,
/// and a big-endian byte form that SQLite orders correctly as a BLOB.
public struct UInt256: Hashable, Sendable, BitwiseCopyable, Comparable, CustomStringConvertible {
    /// Limbs, least significant first.
    public var limbs: (UInt64, UInt64, UInt64, UInt64)

    public static let zero = UInt256(limbs: (0, 0, 0, 0))
    public static let max = UInt256(limbs: (.max, .max, .max, .max))

    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }
    public init(_ value: UInt64) { limbs = (value, 0, 0, 0) }

    subscript(i: Int) -> UInt64 {
        get {
            switch i {
            case 0: limbs.0
            case 1: limbs.1
            case 2: limbs.2
            default: limbs.3
            }
        }
        set {
            switch i {
            case 0: limbs.0 = newValue
            case 1: limbs.1 = newValue
            case 2: limbs.2 = newValue
            default: limbs.3 = newValue
            }
        }
    }

    public static func == (a: UInt256, b: UInt256) -> Bool {
        a.limbs.0 == b.limbs.0 && a.limbs.1 == b.limbs.1 && a.limbs.2 == b.limbs.2 && a.limbs.3 == b.limbs.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(limbs.0)
        hasher.combine(limbs.1)
        hasher.combine(limbs.2)
        hasher.combine(limbs.3)
    }

    public static func < (a: UInt256, b: UInt256) -> Bool {
        for i in stride(from: 3, through: 0, by: -1) where a[i] != b[i] {
            return a[i] < b[i]
        }
        return false
    }

    /// Sum, saturating at `max` (chain work never gets near it on a real chain).
    public static func + (a: UInt256, b: UInt256) -> UInt256 {
        a.addingReportingOverflow(b) ?? .max
    }

    static func - (a: UInt256, b: UInt256) -> UInt256 {
        var r = UInt256.zero
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (d1, o1) = a[i].subtractingReportingOverflow(b[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            r[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return r
    }

    static prefix func ~ (a: UInt256) -> UInt256 {
        UInt256(limbs: (~a.limbs.0, ~a.limbs.1, ~a.limbs.2, ~a.limbs.3))
    }

    func bit(_ i: Int) -> Bool { (self[i / 64] >> UInt64(i % 64)) & 1 == 1 }

    func shiftedLeftOne() -> UInt256 {
        UInt256(
            limbs: (
                limbs.0 << 1,
                limbs.1 << 1 | limbs.0 >> 63,
                limbs.2 << 1 | limbs.1 >> 63,
                limbs.3 << 1 | limbs.2 >> 63
            ))
    }

    /// Shifts left by `n` bits (bits beyond 256 are dropped).
    public func shiftedLeft(_ n: Int) -> UInt256 {
        var r = self
        for _ in 0..<n { r = r.shiftedLeftOne() }
        return r
    }

    /// Quotient of schoolbook binary long division; division by zero gives `max`.
    public static func / (a: UInt256, b: UInt256) -> UInt256 {
        if b == .zero { return .max }
        var quotient = UInt256.zero
        var remainder = UInt256.zero
        for i in stride(from: 255, through: 0, by: -1) {
            remainder = remainder.shiftedLeftOne()
            if a.bit(i) { remainder[0] |= 1 }
            if !(remainder < b) {
                remainder = remainder - b
                quotient[i / 64] |= 1 << UInt64(i % 64)
            }
        }
        return quotient
    }

    /// Decodes a compact target (`bits` in the block header). Negative or overflowing encodings
    /// give nil, as Bitcoin Core rejects them.
    public init?(compact bits: UInt32) {
        let exponent = Int(bits >> 24)
        let mantissa = UInt64(bits & 0x007f_ffff)
        if bits & 0x0080_0000 != 0 && mantissa != 0 { return nil }
        if mantissa == 0 {
            self = .zero
            return
        }
        if exponent <= 3 {
            self = UInt256(mantissa >> UInt64(8 * (3 - exponent)))
            return
        }
        let shift = 8 * (exponent - 3)
        // Overflow: the mantissa's top byte would land above bit 255.
        let mantissaBits = 64 - mantissa.leadingZeroBitCount
        if shift + mantissaBits > 256 { return nil }
        self = UInt256(mantissa).shiftedLeft(shift)
    }

    /// Expected number of hashes to find a block at this target: 2^256 / (target + 1),
    /// computed as Bitcoin Core does, (~target / (target + 1)) + 1.
    public static func work(target: UInt256) -> UInt256 {
        if target == .max { return UInt256(1) }
        return (~target / (target + UInt256(1))) + UInt256(1)
    }

    /// The work of a block with compact target `bits` (zero for an invalid target).
    public static func work(bits: UInt32) -> UInt256 {
        guard let target = UInt256(compact: bits), target != .zero else { return .zero }
        return work(target: target)
    }

    /// 32 bytes, most significant first, so that SQLite BLOB order is numeric order.
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for i in stride(from: 3, through: 0, by: -1) {
            let limb = self[i]
            for s in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: limb >> UInt64(s)))
            }
        }
        return out
    }

    /// Reads 32 big-endian bytes; nil for another length.
    public init?(bigEndianBytes bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        var r = UInt256.zero
        for i in 0..<4 {
            var limb: UInt64 = 0
            for j in 0..<8 { limb = limb << 8 | UInt64(bytes[(3 - i) * 8 + j]) }
            r[i] = limb
        }
        self = r
    }

    public var description: String { "0x" + Hex.encode(bigEndianBytes) }
}
