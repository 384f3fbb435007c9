import FlowBitcoin
public import FlowModel

/// An output identified by its transaction and index, with what a source says it holds.
public struct KnownOutput: Sendable, Hashable {
    public var txid: Hash256
    public var vout: UInt32
    public var output: SpentOutput
}

/// A block read from a JSON export, decoded and verified, ready for the store.
public struct JSONBlock: Sendable {
    public var block: BitcoinBlock
    /// Where the block's record is (file, line, byte offset).
    public var location: JSONLocation
    /// The height the source states (Core `height`, bitcoin-etl `number`): the block's height
    /// while its parent is not stored, and the only placement of a block whose previous hash the
    /// source does not give (`block.header.prevHash` is then zero): see `ChainSelector`.
    public var declaredHeight: Int?
    /// Per transaction, per input: what the source says the input spends (nil: not given).
    /// Empty when the source gives nothing.
    public var prevouts: [[SpentOutput?]]
    /// Per transaction: the `fee` Bitcoin Core states (getblock verbosity 2, Core ≥ 22) when the
    /// answer does not give the inputs' values (with verbosity 3 `prevout`s it is checked at
    /// once); nil for coinbases and transactions without one. Empty when no transaction has one.
    public var fees: [StatedFee?] = []
}

/// A transaction's fee as a Bitcoin Core answer states it (exact satoshi from the decimal BTC
/// text), with where it is, for the error when the inputs turn out to say otherwise.
public struct StatedFee: Sendable {
    public var satoshi: UInt64
    let fields: JSONFields

    /// The located error for a stated fee that is not inputs − outputs.
    public func mismatch(inputs: UInt64, outputs: UInt64) -> IngestError {
        fields.fail(
            "fee",
            "fee \(JSONFields.shown(fields.node["fee"] ?? .null)) BTC (\(satoshi) satoshi) is not inputs − outputs (\(inputs) − \(outputs) = \(Int64(inputs) - Int64(outputs)) satoshi from the spent outputs already known)",
            value: fields.node["fee"])
    }
}

extension BitcoinSerial {
    /// Decodes exactly one transaction.
    static func decodeTransaction(_ bytes: [UInt8]) -> Result<BitcoinTransaction, DecodeFailure> {
        bytes.withUnsafeBytes { raw in
            Result { () throws(DecodeFailure) -> BitcoinTransaction in
                var r = ByteReader(raw)
                let tx = try BlockDecoder.decodeTransaction(&r)
                if r.remaining != 0 {
                    throw DecodeFailure(
                        .trailingData, offset: r.position,
                        "\(r.remaining) unexpected bytes after the transaction")
                }
                return tx
            }
        }
    }

    /// Decodes a whole block.
    static func decodeBlock(_ bytes: [UInt8], network: Network) -> Result<BitcoinBlock, DecodeFailure> {
        bytes.withUnsafeBytes { raw in
            Result { () throws(DecodeFailure) -> BitcoinBlock in
                try BlockDecoder.decode(raw, network: network)
            }
        }
    }

    /// Type and address of an output script.
    static func classify(_ script: [UInt8]) -> (ScriptType, AddressKey?) {
        script.withUnsafeBytes { raw in
            let (type, key, _) = ScriptClassifier.classify(raw)
            return (type, key)
        }
    }
}

/// Checks address text in an export against the address chainflow derives from the script, so
/// that an export of another network or another chain is an error rather than wrong data.
enum AddressCheck {
    /// Networks that write addresses the same way.
    static func family(_ n: Network) -> Int {
        switch n {
        case .mainnet: 0
        case .testnet, .testnet4, .signet: 1
        case .regtest: 2
        }
    }

    static let otherChains =
        "chainflow reads Bitcoin only (mainnet, testnet, testnet4, signet, regtest); bitcoin-etl also exports Bitcoin Cash, Dogecoin, Litecoin and Zcash, which it cannot read"

    /// Why `text` cannot be the address of `key` on `network`, or nil when it fits. Text of the
    /// right network that differs from ours (Bitcoin Core 0.21 wrote taproot addresses with the
    /// old bech32 checksum) is accepted: the script, verified by the txid, is what is stored.
    static func problem(_ text: String, key: AddressKey, network: Network) -> String? {
        if AddressCodec.encode(key, network: network) == text { return nil }
        return problem(text, network: network)
    }

    /// Why `text` is not an address of `network`, or nil when it is one (or looks like a segwit
    /// address of it).
    static func problem(_ text: String, network: Network) -> String? {
        if let (_, other) = AddressCodec.decode(text) {
            if family(other) == family(network) { return nil }
            // Base58 testnet prefixes are also regtest's.
            if network == .regtest && other == .testnet && !text.lowercased().hasPrefix("tb1") { return nil }
            let name = other == .testnet ? "testnet (or signet)" : other.rawValue
            return
                "\(quoted(text, limit: 64)) is a \(name) address, but the input is read as \(network.rawValue): name the network with --network \(other.rawValue)"
        }
        if text.lowercased().hasPrefix(network.bech32HRP + "1") { return nil }
        return "\(quoted(text, limit: 64)) is not a Bitcoin \(network.rawValue) address: \(otherChains)"
    }
}

extension JSONNode {
    /// The value as compact JSON text; numbers keep their source text. Lets tools and tests
    /// rewrite an export without passing its amounts through floating point.
    package var compactText: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let t): out += t
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                Self.writeString(key, into: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
