import Crypto
package import FlowModel

/// Bitcoin's hash functions over byte buffers.
package enum BitcoinHash {
    /// SHA-256 of `bytes`.
    package static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// SHA-256 applied twice, as a `Hash256` in wire order (txid, block hash, merkle nodes).
    package static func doubleSHA256(_ bytes: UnsafeRawBufferPointer) -> Hash256 {
        let first = SHA256.hash(data: bytes)
        let second = first.withUnsafeBytes { SHA256.hash(data: $0) }
        return second.withUnsafeBytes { Hash256(wire: $0, at: 0) }
    }

    /// SHA-256 applied twice to `bytes`.
    package static func doubleSHA256(_ bytes: [UInt8]) -> Hash256 {
        bytes.withUnsafeBytes { doubleSHA256($0) }
    }

    /// RIPEMD-160 of SHA-256 (Bitcoin's hash160).
    package static func hash160(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        RIPEMD160.hash(sha256(bytes))
    }

    /// Merkle root of `hashes` as Bitcoin computes it (odd levels duplicate their last node).
    package static func merkleRoot(_ hashes: [Hash256]) -> Hash256 {
        guard !hashes.isEmpty else { return .zero }
        var level = hashes
        var pair = [UInt8](repeating: 0, count: 64)
        while level.count > 1 {
            if level.count % 2 == 1, let last = level.last { level.append(last) }
            var next = [Hash256]()
            next.reserveCapacity(level.count / 2)
            var i = 0
            while i < level.count {
                pair.withUnsafeMutableBytes { buffer in
                    level[i].storeWire(into: buffer, at: 0)
                    level[i + 1].storeWire(into: buffer, at: 32)
                }
                next.append(doubleSHA256(pair))
                i += 2
            }
            level = next
        }
        return level[0]
    }
}
