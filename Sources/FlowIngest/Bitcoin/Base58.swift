import FlowModel

/// Base58Check, the encoding of legacy Bitcoin addresses: version byte + payload + the first four
/// bytes of the payload's double SHA-256, written in the 58-letter alphabet.
package enum Base58 {
    private static let alphabet: [UInt8] = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let indexes: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Base58 text of `bytes` (no checksum).
    package static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        // Big-number conversion base 256 -> base 58, least significant digit first.
        var digits = [UInt8](repeating: 0, count: (bytes.count - zeros) * 138 / 100 + 1)
        var length = 0
        for byte in bytes[zeros...] {
            var carry = Int(byte)
            var i = 0
            while carry != 0 || i < length {
                carry += 256 * Int(digits[i])
                digits[i] = UInt8(carry % 58)
                carry /= 58
                i += 1
            }
            length = i
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + length)
        for i in stride(from: length - 1, through: 0, by: -1) { out.append(alphabet[Int(digits[i])]) }
        return String(decoding: out, as: UTF8.self)
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
        let body = [version] + payload
        let check = BitcoinHash.doubleSHA256(body).wireBytes.prefix(4)
        return encode(body + check)
    }

    /// Version byte and payload of Base58Check text; nil when the text or checksum is bad.
    package static func decodeCheck(_ text: String) -> (version: UInt8, payload: [UInt8])? {
        guard let raw = decode(text), raw.count >= 5 else { return nil }
        let body = Array(raw.dropLast(4))
        guard BitcoinHash.doubleSHA256(body).wireBytes.prefix(4).elementsEqual(raw.suffix(4)) else { return nil }
        return (body[0], Array(body.dropFirst()))
    }
}
