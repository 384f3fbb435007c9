import FlowBitcoin
import FlowIngest
import FlowModel
import Foundation
import Testing

/// One script <-> address vector from Bitcoin Core's key_io_valid.json or BIP341's wallet vectors.
struct AddressVector: Sendable, CustomTestStringConvertible {
    var address: String
    var script: [UInt8]
    var network: Network
    /// The address must also decode when written in upper case.
    var tryCaseFlip: Bool
    var testDescription: String { address }

    /// key_io_valid.json: [address, scriptPubKey hex, {chain, isPrivkey, tryCaseFlip?}]; private
    /// keys (WIF) are skipped.
    static func keyIOValid() throws -> [AddressVector] {
        let entries = try #require(
            try Fixtures.json(Fixtures.sample("vectors/key_io_valid.json")) as? [[Any]])
        return try entries.compactMap { entry in
            let metadata = try #require(entry[2] as? [String: Any], "no metadata in \(entry)")
            guard metadata["isPrivkey"] as? Bool == false else { return nil }
            let chain = try #require(metadata["chain"] as? String)
            let scriptHex = try #require(entry[1] as? String)
            return AddressVector(
                address: try #require(entry[0] as? String),
                script: try #require(Hex.decode(scriptHex), "bad script hex '\(scriptHex)'"),
                network: try #require(Network(truthName: chain), "unknown chain '\(chain)'"),
                tryCaseFlip: metadata["tryCaseFlip"] as? Bool ?? false)
        }
    }

    /// bip341_wallet_vectors.json: scriptPubKey[].expected.{scriptPubKey, bip350Address}; mainnet.
    static func bip341() throws -> [AddressVector] {
        let document = try #require(
            try Fixtures.json(Fixtures.sample("vectors/bip341_wallet_vectors.json")) as? [String: Any])
        let cases = try #require(document["scriptPubKey"] as? [[String: Any]])
        return try cases.map { item in
            let expected = try #require(item["expected"] as? [String: Any])
            let scriptHex = try #require(expected["scriptPubKey"] as? String)
            return AddressVector(
                address: try #require(expected["bip350Address"] as? String),
                script: try #require(Hex.decode(scriptHex), "bad script hex '\(scriptHex)'"),
                network: .mainnet, tryCaseFlip: false)
        }
    }
}

@Suite("Address codec")
struct AddressCodecTests {
    @Test func vectorFilesAreComplete() throws {
        // 70 entries, 16 of them private keys.
        #expect(try AddressVector.keyIOValid().count == 54)
        #expect(try AddressVector.bip341().count == 7)
    }

    /// classify(script) gives a key whose address is the vector's; the address decodes back to
    /// that key; the key rebuilds the script.
    @Test(arguments: try AddressVector.keyIOValid() + AddressVector.bip341())
    func scriptAddressRoundTrip(_ vector: AddressVector) throws {
        let (_, classified, _) = vector.script.withUnsafeBytes { ScriptClassifier.classify($0) }
        let key = try #require(classified, "script \(Hex.encode(vector.script)) has no address")
        #expect(AddressCodec.encode(key, network: vector.network) == vector.address)
        #expect(AddressCodec.script(for: key) == vector.script)

        let decoded = try #require(AddressCodec.decode(vector.address), "\(vector.address) does not decode")
        #expect(decoded.key == key)
        // Testnet, signet and regtest share the Base58 prefixes, testnet and signet the bech32
        // prefix: the decoded network need only give the same text back.
        #expect(AddressCodec.encode(decoded.key, network: decoded.network) == vector.address)
        if vector.network == .mainnet { #expect(decoded.network == .mainnet) }

        if vector.tryCaseFlip {
            let upper = try #require(
                AddressCodec.decode(vector.address.uppercased()), "upper-case form does not decode")
            #expect(upper.key == key)
        }
    }

    @Test func scriptTypesOfTheVectors() throws {
        let types = try (AddressVector.keyIOValid() + AddressVector.bip341()).map { vector in
            vector.script.withUnsafeBytes { ScriptClassifier.classify($0).0 }
        }
        #expect(
            Set(types) == [
                .pubkeyhash, .scripthash, .witnessV0KeyHash, .witnessV0ScriptHash, .witnessV1Taproot,
                .witnessUnknown,
            ])
    }

    /// Segwit strings that must not decode (from BIP350's invalid list), each with its reason.
    @Test(arguments: [
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", "mixed case"),
        ("bc1qw508d6qejxtdG4y5r3zarvary0c5xw7kv8f3t4", "mixed case"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "invalid checksum (last character changed)"),
        ("tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", "unknown human-readable part"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", "v1 with a bech32 checksum"),
        ("tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", "v2 with a bech32 checksum"),
        ("BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", "v16 with a bech32 checksum"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", "v0 with a bech32m checksum"),
        ("tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", "v0 with a bech32m checksum"),
        (
            "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
            "invalid character in the checksum"
        ),
        ("BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R", "witness version 17"),
        ("bc1pw5dgrnzv", "1-byte program"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav", "41-byte program"),
        ("BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P", "16-byte program for witness v0"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf", "more than 4 bits of padding"),
        ("tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", "non-zero padding"),
        ("bc1gmk9yu", "empty data section"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "Base58Check with a bad checksum"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a", "'0' is not in the Base58 alphabet"),
    ])
    func invalidAddressDoesNotDecode(_ text: String, reason: String) {
        #expect(AddressCodec.decode(text) == nil, "\(reason)")
    }

    /// The lower-case form of the mixed-case vector is valid: only the case makes it invalid.
    @Test func mixedCaseVectorIsValidInOneCase() throws {
        let lower = "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47zagq"
        let decoded = try #require(AddressCodec.decode(lower))
        #expect(decoded.key.kind == 1)
        #expect(decoded.key.length == 32)
        #expect(AddressCodec.decode(lower.uppercased())?.key == decoded.key)
    }

    /// The genesis output pays a 65-byte uncompressed key; its P2PKH address hashes all 65 bytes.
    @Test func genesisPayToPubkeyAddress() throws {
        let source = try BlockSource.load(path: Fixtures.sample("blk/blk_0_to_4.dat").path)
        let genesis = try source.decode(try #require(source.frames.first))
        #expect(genesis.hash == Network.mainnet.genesisHash)
        let output = try #require(genesis.transactions.first?.outputs.first)
        #expect(output.type == .pubkey)
        #expect(output.value == 5_000_000_000)
        let script = try #require(output.script, "a pay-to-pubkey output keeps its script (it holds the key)")
        #expect(script.count == 67)
        #expect(script.first == 65)
        let key = try #require(output.addressKey)
        #expect(AddressCodec.encode(key, network: .mainnet) == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    }
}
