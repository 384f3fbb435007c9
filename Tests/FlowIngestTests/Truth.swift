import Foundation

/// A `*.truth.json` file: facts about real blocks computed by an independent decoder (see
/// ../shared/data/README.md). Only the fields the tests compare are decoded.
struct TruthFile: Decodable {
    var blocks: [TruthBlock]

    /// Reads and decodes the truth file at `url` (snake_case keys).
    static func load(_ url: URL) throws -> TruthFile {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(TruthFile.self, from: Data(contentsOf: url))
    }
}

struct TruthBlock: Decodable {
    var network: String
    var blockHash: String
    var height: Int?
    var version: Int64
    var prevBlockHash: String
    var merkleRoot: String
    var merkleRootMatchesComputed: Bool
    var time: UInt32
    /// Compact target as 8 hex digits, e.g. "1903a30c".
    var bits: String
    var nonce: UInt32
    var size: Int
    var strippedSize: Int
    var weight: Int
    var txCount: Int
    var segwitTxCount: Int
    var inputCount: Int
    var outputCount: Int
    var totalOutputValueSats: UInt64
    var coinbaseTxid: String
    var coinbaseValueSats: UInt64
    var outputTypeCounts: [String: Int]
    /// Offset of the block's magic in a blk file.
    var fileOffset: Int?
    /// Exact total fees, where the truth could resolve every input.
    var totalFeeSats: UInt64?
    var transactions: [TruthTransaction]
}

struct TruthTransaction: Decodable {
    var txid: String
    var wtxid: String
    var hasWitness: Bool
    var version: Int64
    var locktime: UInt32
    var size: Int
    var strippedSize: Int
    var weight: Int
    var vsize: Int
    var isCoinbase: Bool
    var outputValueSats: UInt64
    /// Exact fee, where the truth could resolve every input.
    var feeSats: UInt64?
    var inputs: [TruthInput]
    var outputs: [TruthOutput]
}

struct TruthInput: Decodable {
    var prevTxid: String
    var prevVout: UInt32
    var sequence: UInt32
    var witnessItems: Int
}

struct TruthOutput: Decodable {
    var n: Int
    var valueSats: UInt64
    /// Bitcoin Core's script type name.
    var type: String
    /// The decoded address; null for pay-to-pubkey, multisig, nulldata and nonstandard.
    var address: String?
    var scriptPubkeyHex: String
    /// For pay-to-pubkey outputs: the P2PKH address of the key.
    var p2pkhOfPubkey: String?
}
