/// The standard output script templates, named as Bitcoin Core names them in its JSON output.
///
/// Raw values are stable: they are stored in the `outputs.type` column (see docs/schema.md).
public enum ScriptType: UInt8, Sendable, CaseIterable, Codable {
    case nonstandard = 0
    case pubkey = 1
    case pubkeyhash = 2
    case scripthash = 3
    case multisig = 4
    case nulldata = 5
    case witnessV0KeyHash = 6
    case witnessV0ScriptHash = 7
    case witnessV1Taproot = 8
    case witnessUnknown = 9
    case anchor = 10

    /// Bitcoin Core's name for the type (`scriptPubKey.type` in `getblock` JSON).
    public var coreName: String {
        switch self {
        case .nonstandard: "nonstandard"
        case .pubkey: "pubkey"
        case .pubkeyhash: "pubkeyhash"
        case .scripthash: "scripthash"
        case .multisig: "multisig"
        case .nulldata: "nulldata"
        case .witnessV0KeyHash: "witness_v0_keyhash"
        case .witnessV0ScriptHash: "witness_v0_scripthash"
        case .witnessV1Taproot: "witness_v1_taproot"
        case .witnessUnknown: "witness_unknown"
        case .anchor: "anchor"
        }
    }

    /// The type with Bitcoin Core's name `name`.
    public init?(coreName name: String) {
        guard let found = ScriptType.allCases.first(where: { $0.coreName == name }) else { return nil }
        self = found
    }
}
