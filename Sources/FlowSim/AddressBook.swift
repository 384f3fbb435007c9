import FlowBitcoin
import FlowModel

/// The script templates the generator pays to, with their target share of payments.
enum SimScript: UInt8, CaseIterable {
    case p2pkh = 0
    case p2wpkh = 1
    case p2tr = 2
    /// Pay-to-script-hash, always spent as nested P2WPKH (P2SH-P2WPKH), like most P2SH today.
    case p2sh = 3

    /// A payee's template, drawn with the target shares 30 / 40 / 20 / 10 %.
    static func draw(_ random: inout SimRandom) -> SimScript {
        let x = random.below(1000)
        if x < 300 { return .p2pkh }
        if x < 700 { return .p2wpkh }
        if x < 900 { return .p2tr }
        return .p2sh
    }

    /// Serialized scriptPubKey length (without its CompactSize prefix).
    var scriptLength: Int {
        switch self {
        case .p2pkh: 25
        case .p2wpkh: 22
        case .p2tr: 34
        case .p2sh: 23
        }
    }

    /// Approximate virtual size of an input spending this type, for fee estimates.
    var inputVsize: Int {
        switch self {
        case .p2pkh: 148
        case .p2wpkh: 68
        case .p2tr: 58
        case .p2sh: 91
        }
    }
}

/// Every address the simulation has created: its script type and its owning wallet.
///
/// Key material is not stored: an address's 20- or 32-byte program (and the public key it is
/// spent with) is a pure function of the seed and the address id, see `program(of:)`.
///
/// Payees are drawn by preferential attachment over a bounded window of recent payments: with a
/// fixed probability a fresh address, otherwise an address that was paid recently, chosen with
/// probability proportional to how often it was paid within the window (a Yule–Simon process).
/// That yields a heavy-tailed activity distribution: most addresses are paid once or twice, a few
/// (exchange-like hubs) very often, and hubs can emerge at any time rather than being fixed.
struct AddressBook {
    /// Recent payments per script type, each a ring buffer of address ids.
    struct Ring {
        var slots: [UInt32] = []
        var cursor = 0
        let capacity: Int

        mutating func push(_ address: UInt32) {
            if slots.count < capacity {
                slots.append(address)
            } else {
                slots[cursor] = address
                cursor = cursor + 1 == capacity ? 0 : cursor + 1
            }
        }
    }

    private(set) var types: [SimScript] = []
    private(set) var owners: [UInt32] = []
    private(set) var walletCount: UInt32 = 0
    private var rings: [Ring]
    private let keySalt: UInt64

    /// Probability (thousandths) that a payee is a fresh address rather than a recently paid one.
    static let freshPayeePerMille = 330
    /// Probability (thousandths) that a fresh payee address starts a new wallet rather than being
    /// a new deposit address of a recently paid wallet.
    static let freshWalletPerMille = 300

    init(seed: UInt64, ringCapacity: Int) {
        keySalt = SplitMix64.mix(seed ^ 0x6b65_7973_616c_7421)
        rings = SimScript.allCases.map { _ in Ring(capacity: ringCapacity) }
    }

    var count: Int { types.count }

    /// Allocates a wallet id.
    mutating func newWallet() -> UInt32 {
        defer { walletCount += 1 }
        return walletCount
    }

    /// Creates an address of `type` owned by `wallet`.
    mutating func newAddress(_ type: SimScript, wallet: UInt32) -> UInt32 {
        let id = UInt32(types.count)
        types.append(type)
        owners.append(wallet)
        return id
    }

    /// A payee of script `type`: fresh or recently paid (see the type's documentation).
    mutating func payee(_ type: SimScript, random: inout SimRandom) -> UInt32 {
        let ring = Int(type.rawValue)
        // Index the ring in place: binding `rings[ring].slots` to a local would make the push
        // below copy the whole buffer.
        let recent = rings[ring].slots.count
        let address: UInt32
        if recent == 0 || random.chance(perMille: AddressBook.freshPayeePerMille) {
            let wallet: UInt32
            if recent == 0 || random.chance(perMille: AddressBook.freshWalletPerMille) {
                wallet = newWallet()
            } else {
                wallet = owners[Int(rings[ring].slots[random.below(recent)])]
            }
            address = newAddress(type, wallet: wallet)
        } else {
            address = rings[ring].slots[random.below(recent)]
        }
        rings[ring].push(address)
        return address
    }

    /// The 32 bytes of key material of `address`, as four little-endian words: the first 20 (or all
    /// 32) bytes are its hash or witness program.
    @inline(__always)
    func program(of address: UInt32) -> (UInt64, UInt64, UInt64, UInt64) {
        let base = keySalt &+ UInt64(address) &* 0x9e37_79b9_7f4a_7c15
        return (
            SplitMix64.mix(base), SplitMix64.mix(base ^ 0x0101_0101_0101_0101),
            SplitMix64.mix(base ^ 0x0202_0202_0202_0202), SplitMix64.mix(base ^ 0x0303_0303_0303_0303)
        )
    }

    /// The 32-byte x coordinate of the public key `address` is spent with (stable per address).
    @inline(__always)
    func publicKey(of address: UInt32) -> (UInt64, UInt64, UInt64, UInt64) {
        let base = (keySalt ^ 0x7075_626b_6579_7321) &+ UInt64(address) &* 0xd1b5_4a32_d192_ed03
        return (
            SplitMix64.mix(base), SplitMix64.mix(base ^ 0x0101_0101_0101_0101),
            SplitMix64.mix(base ^ 0x0202_0202_0202_0202), SplitMix64.mix(base ^ 0x0303_0303_0303_0303)
        )
    }
}
