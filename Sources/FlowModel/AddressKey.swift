/// The network-independent identity of an address: its kind and its hash or witness program.
///
/// Two outputs pay the same address exactly when their keys are equal (and the network is the
/// same). A pay-to-pubkey output gets the key of the pubkey's P2PKH address, so that both forms
/// of one key land on one address id. The key is a fixed-size value so that interning millions of
/// addresses hashes 48 bytes instead of strings.
public struct AddressKey: Hashable, Sendable {
    /// Legacy pay-to-pubkey-hash (20-byte hash160).
    public static let kindPubkeyHash: UInt8 = 0xf0
    /// Legacy pay-to-script-hash (20-byte hash160).
    public static let kindScriptHash: UInt8 = 0xf1
    // Kinds 0...16 are segwit witness versions; the program is 2...40 bytes.

    /// `kindPubkeyHash`, `kindScriptHash`, or a witness version 0...16.
    public let kind: UInt8
    /// Number of program bytes (20 or 32 for the common kinds, 2...40 for witness programs).
    public let length: UInt8
    // Program bytes, little-endian packed, zero beyond `length`.
    let p0: UInt64
    let p1: UInt64
    let p2: UInt64
    let p3: UInt64
    let p4: UInt64

    /// Builds a key from a kind and its program bytes (at most 40).
    public init?(kind: UInt8, program: UnsafeRawBufferPointer) {
        guard program.count <= 40 else { return nil }
        self.kind = kind
        self.length = UInt8(program.count)
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { dst in
            dst.copyMemory(from: program)
        }
        p0 = UInt64(littleEndian: words.0)
        p1 = UInt64(littleEndian: words.1)
        p2 = UInt64(littleEndian: words.2)
        p3 = UInt64(littleEndian: words.3)
        p4 = UInt64(littleEndian: words.4)
    }

    /// Builds a key from a kind and its program bytes (at most 40).
    public init?(kind: UInt8, program: [UInt8]) {
        guard let key = program.withUnsafeBytes({ AddressKey(kind: kind, program: $0) }) else { return nil }
        self = key
    }

    /// The program (hash or witness program) bytes.
    public var program: [UInt8] {
        var words = (p0.littleEndian, p1.littleEndian, p2.littleEndian, p3.littleEndian, p4.littleEndian)
        return withUnsafeBytes(of: &words) { Array($0.prefix(Int(length))) }
    }

    /// Hashes the kind and the first program word: programs are hashes or keys, uniformly
    /// distributed (equality still compares everything).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(UInt16(kind) << 8 | UInt16(length))
        hasher.combine(p0)
    }

}
