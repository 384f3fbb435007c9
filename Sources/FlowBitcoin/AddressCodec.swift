package import FlowModel

/// Converts between address keys and address text for a network.
package enum AddressCodec {
    /// The address text of `key` on `network`: Base58Check for legacy kinds, Bech32 for witness
    /// version 0, Bech32m for versions 1 to 16 (BIP350).
    package static func encode(_ key: AddressKey, network: Network) -> String {
        switch key.kind {
        case AddressKey.kindPubkeyHash:
            return Base58.encodeCheck(version: network.pubkeyHashPrefix, payload: key.program)
        case AddressKey.kindScriptHash:
            return Base58.encodeCheck(version: network.scriptHashPrefix, payload: key.program)
        default:
            return Bech32.segwitAddress(hrp: network.bech32HRP, version: key.kind, program: key.program)
        }
    }

    /// The key and network of address text, or nil when it is not a valid address.
    /// Testnet, testnet4 and signet share prefixes; they decode as `.testnet`.
    package static func decode(_ text: String) -> (key: AddressKey, network: Network)? {
        if let (hrp, version, program) = Bech32.decodeSegwit(text) {
            let network: Network
            switch hrp {
            case "bc": network = .mainnet
            case "tb": network = .testnet
            case "bcrt": network = .regtest
            default: return nil
            }
            guard let key = AddressKey(kind: version, program: program) else { return nil }
            return (key, network)
        }
        guard let (version, payload) = Base58.decodeCheck(text), payload.count == 20 else { return nil }
        switch version {
        case 0x00: return AddressKey(kind: AddressKey.kindPubkeyHash, program: payload).map { ($0, .mainnet) }
        case 0x05: return AddressKey(kind: AddressKey.kindScriptHash, program: payload).map { ($0, .mainnet) }
        case 0x6f: return AddressKey(kind: AddressKey.kindPubkeyHash, program: payload).map { ($0, .testnet) }
        case 0xc4: return AddressKey(kind: AddressKey.kindScriptHash, program: payload).map { ($0, .testnet) }
        default: return nil
        }
    }

    /// True when `text` looks like a Bitcoin address (Base58Check of a 20-byte hash starting
    /// `1`, `3`, `m`, `n` or `2`; or Bech32 with `bc`, `tb` or `bcrt`) but fails its checksum:
    /// a typo, to be reported as such instead of "not found".
    package static func hasBadChecksum(_ text: String) -> Bool {
        if Bech32.hasBadChecksum(text, hrps: ["bc", "tb", "bcrt"]) { return true }
        guard let first = text.first, "13mn2".contains(first), (25...35).contains(text.utf8.count),
            let raw = Base58.decode(text), raw.count == 25
        else { return false }
        return Base58.decodeCheck(text) == nil
    }

    /// The output script that pays `key` (the inverse of script classification for address kinds).
    package static func script(for key: AddressKey) -> [UInt8] {
        let program = key.program
        switch key.kind {
        case AddressKey.kindPubkeyHash: return [0x76, 0xa9, 0x14] + program + [0x88, 0xac]
        case AddressKey.kindScriptHash: return [0xa9, 0x14] + program + [0x87]
        default:
            let op: UInt8 = key.kind == 0 ? 0x00 : 0x50 + key.kind
            return [op, UInt8(program.count)] + program
        }
    }
}
