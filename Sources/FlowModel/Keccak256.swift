/// Keccak-256 as Ethereum uses it (the original Keccak padding `0x01 … 0x80`, not NIST SHA3-256's
/// `0x06`): event topics are the hash of the event's signature text, contract addresses made by
/// `CREATE2` the low 20 bytes of a hash. Written from the Keccak reference (FIPS 202 section 3
/// for the permutation, rate 1088 bits, capacity 512); checked against published vectors in
/// `FlowModelTests`.
public enum Keccak256 {
    /// The 32-byte hash of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var state = [UInt64](repeating: 0, count: 25)
        let rate = 136
        var block = [UInt8]()
        block.reserveCapacity(rate)
        for b in bytes {
            block.append(b)
            if block.count == rate {
                absorb(block, into: &state)
                block.removeAll(keepingCapacity: true)
            }
        }
        // Padding: a 1 bit after the message, a 1 bit at the end of the block.
        let used = block.count
        block += [UInt8](repeating: 0, count: rate - used)
        block[used] ^= 0x01
        block[rate - 1] ^= 0x80
        absorb(block, into: &state)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for lane in state.prefix(4) {
            for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: lane >> (8 * UInt64(k)))) }
        }
        return out
    }

    /// The hash of a text's UTF-8 bytes (an event signature such as `Transfer(address,address,uint256)`).
    public static func hash(text: String) -> [UInt8] { hash(Array(text.utf8)) }

    private static func absorb(_ block: [UInt8], into state: inout [UInt64]) {
        for i in 0..<(block.count / 8) {
            var lane: UInt64 = 0
            for k in 0..<8 { lane |= UInt64(block[8 * i + k]) << (8 * UInt64(k)) }
            state[i] ^= lane
        }
        permute(&state)
    }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808a, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808b, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008a, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000a,
        0x0000_0000_8000_808b, 0x8000_0000_0000_008b, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800a, 0x8000_0000_8000_000a,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Rotation offsets r[x][y], indexed x + 5y.
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    ]

    private static func rotl(_ v: UInt64, _ n: UInt64) -> UInt64 { n == 0 ? v : (v << n) | (v >> (64 - n)) }

    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι over lanes indexed x + 5y.
    private static func permute(_ a: inout [UInt64]) {
        var b = [UInt64](repeating: 0, count: 25)
        var c = [UInt64](repeating: 0, count: 5)
        for round in 0..<24 {
            for x in 0..<5 { c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] }
            for x in 0..<5 {
                let d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1)
                for y in 0..<5 { a[x + 5 * y] ^= d }
            }
            // ρ and π: B[y, 2x + 3y] = rot(A[x, y], r[x, y]).
            for x in 0..<5 {
                for y in 0..<5 {
                    b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], rotations[x + 5 * y])
                }
            }
            for x in 0..<5 {
                for y in 0..<5 {
                    a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y])
                }
            }
            a[0] ^= roundConstants[round]
        }
    }
}
