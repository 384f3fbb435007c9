/// A Bitcoin network: decides the blk-file magic, address prefixes and genesis block.
public enum Network: String, Sendable, CaseIterable, Codable {
    case mainnet
    case testnet
    case testnet4
    case signet
    case regtest

    /// The four message-start bytes that frame each block in a blk*.dat file.
    public var magic: [UInt8] {
        switch self {
        case .mainnet: [0xf9, 0xbe, 0xb4, 0xd9]
        case .testnet: [0x0b, 0x11, 0x09, 0x07]
        case .testnet4: [0x1c, 0x16, 0x3f, 0x28]
        case .signet: [0x0a, 0x03, 0xcf, 0x40]
        case .regtest: [0xfa, 0xbf, 0xb5, 0xda]
        }
    }

    /// The magic as a little-endian UInt32, as it is read from the file.
    public var magicValue: UInt32 {
        let m = magic
        return UInt32(m[0]) | UInt32(m[1]) << 8 | UInt32(m[2]) << 16 | UInt32(m[3]) << 24
    }

    /// The network whose magic is `value` (little-endian read of the four file bytes).
    public init?(magicValue value: UInt32) {
        guard let found = Network.allCases.first(where: { $0.magicValue == value }) else { return nil }
        self = found
    }

    /// Base58Check version byte of pay-to-pubkey-hash addresses.
    public var pubkeyHashPrefix: UInt8 { self == .mainnet ? 0x00 : 0x6f }
    /// Base58Check version byte of pay-to-script-hash addresses.
    public var scriptHashPrefix: UInt8 { self == .mainnet ? 0x05 : 0xc4 }
    /// Human-readable part of segwit addresses (BIP173).
    public var bech32HRP: String {
        switch self {
        case .mainnet: "bc"
        case .testnet, .testnet4, .signet: "tb"
        case .regtest: "bcrt"
        }
    }

    /// Hash of the network's genesis block (height 0).
    public var genesisHash: Hash256 {
        let hex =
            switch self {
            case .mainnet: "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
            case .testnet: "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943"
            case .testnet4: "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043"
            case .signet: "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6"
            case .regtest: "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"
            }
        return Hash256(displayHex: hex) ?? .zero
    }

    /// The network whose genesis block has this hash.
    public static func withGenesis(_ hash: Hash256) -> Network? {
        allCases.first { $0.genesisHash == hash }
    }
}
