import FlowModel

/// Base58Check, the encoding of legacy Bitcoin addresses: version byte + payload + the first four
/// bytes of the payload's double SHA-256, written in the 58-letter alphabet.
package enum Base58 {
    private static let alphabet: [UInt8] = Array(
        "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let indexes: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// 58^9: the largest power of 58 whose product with 256 plus a carry still fits in 64 bits.
    private static let limbBase: UInt64 = 7_427_658_739_644_928  // 58^9

    /// Base58 text of `bytes` (no checksum). The number is converted in limbs of nine base-58
    /// digits, so a 25-byte address takes about a hundred 64-bit operations.
    package static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var limbs = [UInt64]()
        limbs.reserveCapacity(bytes.count / 6 + 1)
        for byte in bytes[zeros...] {
            var carry = UInt64(byte)
            for i in 0..<limbs.count {
                let x = limbs[i] &* 256 &+ carry
                limbs[i] = x % limbBase
                carry = x / limbBase
            }
            while carry > 0 {
                limbs.append(carry % limbBase)
                carry /= limbBase
            }
        }
        var digits = [UInt8]()
        digits.reserveCapacity(limbs.count * 9 + zeros)
        for (i, limb) in limbs.enumerated() {
            var v = limb
            // Every limb but the most significant holds exactly nine digits.
            let last = i == limbs.count - 1
            var n = 0
            while (last && v > 0) || (!last && n < 9) {
                digits.append(alphabet[Int(v % 58)])
                v /= 58
                n += 1
            }
        }
        digits.append(contentsOf: repeatElement(alphabet[0], count: zeros))
        digits.reverse()
        return String(decoding: digits, as: UTF8.self)
    }

    /// Bytes of Base58 text (no checksum); nil on a character outside the alphabet.
    package static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        let zeros = chars.prefix { $0 == alphabet[0] }.count
        var bytes = [UInt8](repeating: 0, count: chars.count * 733 / 1000 + 1)
        var length = 0
        for c in chars[zeros...] {
            guard c < 128, indexes[Int(c)] >= 0 else { return nil }
            var carry = Int(indexes[Int(c)])
            var i = 0
            while carry != 0 || i < length {
                carry += 58 * Int(bytes[i])
                bytes[i] = UInt8(carry & 0xff)
                carry >>= 8
                i += 1
            }
            length = i
        }
        return [UInt8](repeating: 0, count: zeros) + bytes[0..<length].reversed()
    }

    /// Base58Check of `version` + `payload`.
    package static func encodeCheck(version: UInt8, payload: [UInt8]) -> String {
        var body = [UInt8]()
        body.reserveCapacity(payload.count + 5)
        body.append(version)
        body.append(contentsOf: payload)
        let check = BitcoinHash.doubleSHA256(body).w0
        for i in 0..<4 { body.append(UInt8(truncatingIfNeeded: check >> UInt64(8 * i))) }
        return encode(body)
    }

    /// Version byte and payload of Base58Check text; nil when the text or checksum is bad.
    package static func decodeCheck(_ text: String) -> (version: UInt8, payload: [UInt8])? {
        guard let raw = decode(text), raw.count >= 5 else { return nil }
        let body = Array(raw.dropLast(4))
        guard BitcoinHash.doubleSHA256(body).wireBytes.prefix(4).elementsEqual(raw.suffix(4)) else {
            return nil
        }
        return (body[0], Array(body.dropFirst()))
    }
}
