/// A 32-byte hash (block hash, txid, wtxid, merkle root) stored in the byte order it has on the wire.
///
/// Bitcoin shows these hashes reversed ("display order"); `hex` gives that form and
/// `init(displayHex:)` parses it, so that values round-trip with explorers and Bitcoin Core.
public struct Hash256: Hashable, Sendable, CustomStringConvertible {
    /// Four little-endian words holding bytes 0..<32 in wire order.
    public var w0: UInt64
    public var w1: UInt64
    public var w2: UInt64
    public var w3: UInt64

    public static let zero = Hash256(w0: 0, w1: 0, w2: 0, w3: 0)

    @inlinable
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Reads 32 bytes in wire order from `bytes` starting at `offset`. The caller checks bounds.
    @inlinable
    public init(wire bytes: UnsafeRawBufferPointer, at offset: Int) {
        w0 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        w1 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        w2 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
        w3 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
    }

    /// Builds a hash from exactly 32 bytes in wire order.
    public init?(wireBytes: some Collection<UInt8>) {
        guard wireBytes.count == 32 else { return nil }
        let array = Array(wireBytes)
        self = array.withUnsafeBytes { Hash256(wire: $0, at: 0) }
    }

    /// Parses 64 hex digits in display (reversed) order, as Bitcoin Core prints txids.
    public init?(displayHex: some StringProtocol) {
        guard let bytes = Hex.decode(displayHex), bytes.count == 32 else { return nil }
        self.init(wireBytes: bytes.reversed())
    }

    /// Writes the 32 bytes in wire order into `buffer` at `offset`. The caller checks bounds.
    @inlinable
    public func storeWire(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.storeBytes(of: w0.littleEndian, toByteOffset: offset, as: UInt64.self)
        buffer.storeBytes(of: w1.littleEndian, toByteOffset: offset + 8, as: UInt64.self)
        buffer.storeBytes(of: w2.littleEndian, toByteOffset: offset + 16, as: UInt64.self)
        buffer.storeBytes(of: w3.littleEndian, toByteOffset: offset + 24, as: UInt64.self)
    }

    /// The 32 bytes in wire order.
    public var wireBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { storeWire(into: $0, at: 0) }
        return out
    }

    /// The 32 bytes in display order (reversed wire order), as stored in the database.
    public var displayBytes: [UInt8] { wireBytes.reversed() }

    /// Builds a hash from 32 bytes in display order (as stored in the database).
    public init?(displayBytes: some Collection<UInt8>) {
        guard displayBytes.count == 32 else { return nil }
        self.init(wireBytes: displayBytes.reversed())
    }

    /// Hex in display order, as Bitcoin Core and explorers print it.
    public var hex: String { Hex.encode(displayBytes) }

    public var description: String { hex }

    /// Hashes one word: hashes of chain data are uniformly distributed, so 64 bits separate them
    /// as well as 256 and cost a quarter (equality still compares all 32 bytes).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(w0)
    }

}
