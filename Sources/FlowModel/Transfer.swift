/// What moved value in an account-model transfer (the `transfers.kind` column).
public enum TransferKind: Int64, Sendable, CaseIterable, Codable {
    /// A transaction's own value (Ethereum `value`).
    case value = 0
    /// An internal transfer from a call trace.
    case internalCall = 1
    /// A token transfer (ERC-20 `Transfer` event).
    case token = 2
    /// A gas fee paid by the sender (to no one: burnt or paid to the block producer).
    case fee = 3
    /// A row of a generic transfers CSV (bank-style ledger).
    case ledger = 4

    public var name: String {
        switch self {
        case .value: "value"
        case .internalCall: "internal"
        case .token: "token"
        case .fee: "fee"
        case .ledger: "ledger"
        }
    }
}

/// Address kinds of account-model addresses (Bitcoin kinds are in `AddressKey`).
public enum AccountKind {
    /// An Ethereum account; the program is its 20 bytes.
    public static let ethereum: UInt8 = 0xe0
    /// An account of a ledger (transfers CSV); the address text is its identity, no program.
    public static let ledger: UInt8 = 0xe1
}

/// Built-in asset ids (rows of the `assets` table created with the schema).
public enum BuiltinAsset {
    public static let btc: Int64 = 1
    public static let eth: Int64 = 2
}
