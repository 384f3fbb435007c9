// libFuzzer target: the address codec — Base58 / Base58Check and Bech32 / Bech32m text, both
// ways. Text that decodes must encode back to itself (lower-cased for Bech32); bytes read as an
// address key must encode to text that decodes back to the same key.
// Built and run by scripts/fuzz.sh; see docs/robustness.md.
import FlowBitcoin
import FlowIngest
import FlowModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAddress(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)

    // Text -> key -> text.
    if let (key, network) = AddressCodec.decode(text) {
        let again = AddressCodec.encode(key, network: network)
        let expected = isSegwitText(text) ? text.lowercased() : text
        if again != expected {
            fatalError("address round trip: \(text) -> \(again)")
        }
    }
    if let raw = Base58.decode(text) {
        let again = Base58.encode(raw)
        if again != text { fatalError("Base58 round trip: \(text) -> \(again)") }
    }
    _ = Base58.decodeCheck(text)
    _ = Bech32.decodeSegwit(text)

    // Bytes -> key -> text -> key: the first byte is the kind, the rest the program.
    if let first = bytes.first {
        let program = Array(bytes.dropFirst().prefix(40))
        // Witness versions 0...16, then pubkey hash and script hash.
        let pick = first % 19
        let kind = pick == 17 ? AddressKey.kindPubkeyHash : pick == 18 ? AddressKey.kindScriptHash : pick
        let legacy = kind == AddressKey.kindPubkeyHash || kind == AddressKey.kindScriptHash
        let valid =
            legacy
            ? program.count == 20
            : (kind == 0 ? (program.count == 20 || program.count == 32) : (2...40).contains(program.count))
        if valid, let key = AddressKey(kind: kind, program: program) {
            for network in [Network.mainnet, .testnet, .regtest] {
                let text = AddressCodec.encode(key, network: network)
                guard let (back, _) = AddressCodec.decode(text), back == key else {
                    fatalError("key round trip: kind \(kind), \(program.count) bytes -> \(text)")
                }
                _ = AddressCodec.script(for: key)
            }
        }
    }
    return 0
}

/// Bech32 text is case-insensitive; Base58 text is not.
func isSegwitText(_ text: String) -> Bool {
    Bech32.decodeSegwit(text) != nil
}
