/// One stored account-model movement of a transaction (an Ethereum value, internal call, token
/// transfer or fee, or a ledger row), as `chainflow tx` shows it.
public struct AccountTransferRow: Sendable, Equatable {
    public var kind: TransferKind
    /// Position within the transaction (`transfers.seq`: log index + 1 for tokens, the row
    /// number for ledgers).
    public var seq: Int64
    public var from: String?
    public var to: String?
    public var asset: TraceAsset
    /// Base units, exact.
    public var amount: UInt256
    public var time: Int64
    public var block: Int64?
    /// 1 moved, 0 failed (moved nothing), nil not known.
    public var status: Int64?
    /// The row of the source file, where one was recorded (ledgers).
    public var line: Int64?
    /// The token id of an ERC-721 or ERC-1155 transfer (`asset` is its collection).
    public var tokenId: UInt256?

    public init(
        kind: TransferKind, seq: Int64, from: String?, to: String?, asset: TraceAsset, amount: UInt256,
        time: Int64, block: Int64?, status: Int64?, line: Int64? = nil, tokenId: UInt256? = nil
    ) {
        self.kind = kind
        self.seq = seq
        self.from = from
        self.to = to
        self.asset = asset
        self.amount = amount
        self.time = time
        self.block = block
        self.status = status
        self.line = line
        self.tokenId = tokenId
    }

    /// Whether the row moved value: failed rows (status 0) did not; unknown counts as moved.
    public var moved: Bool { status != 0 }
}

/// Every stored transfer row of one account-model transaction id: an Ethereum transaction hash
/// or a ledger's transaction id, ordered by kind and position.
public struct AccountTransactionRows: Sendable, Equatable {
    /// The id as stored (`transfers.tx`).
    public var id: String
    public var rows: [AccountTransferRow]

    public init(id: String, rows: [AccountTransferRow]) {
        self.id = id
        self.rows = rows
    }
}

extension TraceAsset {
    /// The symbol, else the contract shortened to `0x1234…abcd`, else `asset #id`: how a token
    /// without a tokens export is named everywhere (its decimals are then unknown).
    public var shortName: String { Self.displayName(symbol: symbol, contract: contract, id: id) }

    /// How every report, table and query names an asset: its symbol, else its contract
    /// shortened (`shortContract`: `0xf4ec…95dd`), else `asset #ID`. The one rule, so that a token
    /// without a tokens export has the same name everywhere (FlowStore's SQL function
    /// `asset_name(symbol, contract, id)` calls this).
    /// A token whose symbol is a native asset's (a contract calling itself `ETH`) is named with
    /// its contract, `ETH (token 0xe7e7…e7e7)`, so that it never reads as the chain's own asset.
    public static func displayName(symbol: String?, contract: String, id: Int64) -> String {
        if let symbol, !symbol.isEmpty {
            if !contract.isEmpty, nativeSymbols.contains(symbol.uppercased()) {
                return "\(symbol) (token \(shortContract(contract)))"
            }
            return symbol
        }
        return contract.isEmpty ? "asset #\(id)" : shortContract(contract)
    }

    /// The symbols of the chains' own assets (ether, bitcoin).
    static let nativeSymbols: Set<String> = ["ETH", "BTC"]

    /// `0x` + the first and last 4 hex digits of a contract (`0xf4ec…95dd`); shorter text as is.
    public static func shortContract(_ contract: String) -> String {
        guard contract.count > 14 else { return contract }
        return String(contract.prefix(6)) + "…" + String(contract.suffix(4))
    }
}
