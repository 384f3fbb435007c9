import FlowModel

/// Bech32 (BIP173) and Bech32m (BIP350) segwit address encoding.
package enum Bech32 {
    package enum Variant: Sendable {
        case bech32
        case bech32m

        var constant: UInt32 { self == .bech32 ? 1 : 0x2bc8_30a3 }
    }

    private static let charset: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let generator: [UInt32] = [
        0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3,
    ]

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        var chk: UInt32 = 1
        for v in values {
            let top = chk >> 25
            chk = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 { chk ^= generator[i] }
        }
        return chk
    }

    private static func expandHRP(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Regroups bits (8 -> 5 with padding, or 5 -> 8 strictly).
    package static func convertBits(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var acc = 0
        var bits = 0
        var out = [UInt8]()
        let maxv = (1 << to) - 1
        for value in data {
            guard Int(value) >> from == 0 else { return nil }
            acc = (acc << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                out.append(UInt8((acc >> bits) & maxv))
            }
        }
        if pad {
            if bits > 0 { out.append(UInt8((acc << (to - bits)) & maxv)) }
        } else if bits >= from || ((acc << (to - bits)) & maxv) != 0 {
            return nil
        }
        return out
    }

    @inline(__always)
    private static func step(_ chk: UInt32, _ v: UInt8) -> UInt32 {
        let top = chk >> 25
        var c = (chk & 0x1ff_ffff) << 5 ^ UInt32(v)
        if top & 1 != 0 { c ^= 0x3b6a_57b2 }
        if top & 2 != 0 { c ^= 0x2650_8e6d }
        if top & 4 != 0 { c ^= 0x1ea1_19fa }
        if top & 8 != 0 { c ^= 0x3d42_33dd }
        if top & 16 != 0 { c ^= 0x2a14_62b3 }
        return c
    }

    /// Segwit address for witness `version` and `program` (Bech32 for v0, Bech32m for v1+).
    /// Written without intermediate arrays: this runs once per new address during ingest.
    package static func segwitAddress(hrp: String, version: UInt8, program: [UInt8]) -> String {
        let variant: Variant = version == 0 ? .bech32 : .bech32m
        let hrpBytes = Array(hrp.utf8)
        var out = [UInt8]()
        out.reserveCapacity(hrpBytes.count + 1 + 1 + (program.count * 8 + 4) / 5 + 6)
        var chk: UInt32 = 1
        for c in hrpBytes { chk = step(chk, c >> 5) }
        chk = step(chk, 0)
        for c in hrpBytes { chk = step(chk, c & 31) }
        out.append(contentsOf: hrpBytes)
        out.append(UInt8(ascii: "1"))
        chk = step(chk, version)
        out.append(charset[Int(version)])
        var acc: UInt32 = 0
        var bits = 0
        for byte in program {
            acc = (acc << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                let v = UInt8((acc >> UInt32(bits)) & 31)
                chk = step(chk, v)
                out.append(charset[Int(v)])
            }
        }
        if bits > 0 {
            let v = UInt8((acc << UInt32(5 - bits)) & 31)
            chk = step(chk, v)
            out.append(charset[Int(v)])
        }
        for _ in 0..<6 { chk = step(chk, 0) }
        let mod = chk ^ variant.constant
        for i in 0..<6 { out.append(charset[Int((mod >> UInt32(5 * (5 - i))) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when `text` is shaped like a segwit address of `hrps` (one case, a `1` separator,
    /// only Bech32 characters after it) but its checksum is neither Bech32's nor Bech32m's:
    /// a mistyped or truncated address rather than some other kind of text.
    package static func hasBadChecksum(_ text: String, hrps: Set<String>) -> Bool {
        let lower = text.lowercased()
        guard lower == text || text.uppercased() == text, text.utf8.count <= 90 else { return false }
        let chars = Array(lower.utf8)
        guard let sep = chars.lastIndex(of: UInt8(ascii: "1")), chars.count - sep - 1 >= 6 else {
            return false
        }
        let hrp = Array(chars[..<sep])
        guard hrps.contains(String(decoding: hrp, as: UTF8.self)) else { return false }
        var data = [UInt8]()
        for c in chars[(sep + 1)...] {
            guard let v = charset.firstIndex(of: c) else { return false }
            data.append(UInt8(v))
        }
        let check = polymod(expandHRP(hrp) + data)
        return check != Variant.bech32.constant && check != Variant.bech32m.constant
    }

    /// Decodes a segwit address; nil unless the checksum variant matches the witness version
    /// and the program length is valid (BIP173 / BIP350 rules).
    package static func decodeSegwit(_ address: String) -> (hrp: String, version: UInt8, program: [UInt8])? {
        let lower = address.lowercased()
        guard lower == address || address.uppercased() == address, address.utf8.count <= 90 else {
            return nil
        }
        let chars = Array(lower.utf8)
        guard let sep = chars.lastIndex(of: UInt8(ascii: "1")), sep >= 1, chars.count - sep - 1 >= 6 else {
            return nil
        }
        let hrp = Array(chars[..<sep])
        guard hrp.allSatisfy({ $0 >= 33 && $0 <= 126 }) else { return nil }
        var data = [UInt8]()
        for c in chars[(sep + 1)...] {
            guard let v = charset.firstIndex(of: c) else { return nil }
            data.append(UInt8(v))
        }
        let check = polymod(expandHRP(hrp) + data)
        let variant: Variant
        if check == Variant.bech32.constant {
            variant = .bech32
        } else if check == Variant.bech32m.constant {
            variant = .bech32m
        } else {
            return nil
        }
        let payload = Array(data.dropLast(6))
        guard let version = payload.first, version <= 16 else { return nil }
        guard (version == 0) == (variant == .bech32) else { return nil }
        guard let program = convertBits(Array(payload.dropFirst()), from: 5, to: 8, pad: false),
            (2...40).contains(program.count)
        else { return nil }
        if version == 0 && program.count != 20 && program.count != 32 { return nil }
        return (String(decoding: hrp, as: UTF8.self), version, program)
    }
}
