public import FlowModel

/// What `chainflow tx` shows for one transaction id: a Bitcoin transaction with its inputs and
/// outputs, an Ethereum transaction with its status, fee and transfers, or the rows of a ledger
/// transaction.
public enum TransactionReport: Sendable, Equatable {
    case bitcoin(TransactionDetail)
    case ethereum(EthereumTransactionView)
    case ledger(LedgerTransactionView)
}

/// An Ethereum transaction from its stored transfer rows.
public struct EthereumTransactionView: Sendable, Equatable {
    /// The transaction hash (`0x` + 64 lowercase hex digits).
    public var hash: String
    /// The value row (kind 0): sender, recipient, the transaction's own value and its status.
    public var value: AccountTransferRow?
    /// The fee row (kind 3) when a receipt gave the gas used; nil when no receipt was ingested.
    public var fee: AccountTransferRow?
    /// Every other row: internal calls and token transfers, by kind and position.
    public var transfers: [AccountTransferRow]
    /// The swaps and wraps decoded from its logs, by log index.
    public var conversions: [Conversion]

    public init(hash: String, rows: [AccountTransferRow], conversions: [Conversion] = []) {
        self.hash = hash
        self.conversions = conversions
        self.value = rows.first { $0.kind == .value }
        self.fee = rows.first { $0.kind == .fee }
        self.transfers = rows.filter { $0.kind != .value && $0.kind != .fee }
    }

    /// 1 success, 0 failed (it moved nothing but paid its fee), nil unknown (no receipt or trace
    /// ingested, or a pre-Byzantium receipt).
    public var status: Int64? { value?.status ?? transfers.first(where: { $0.kind == .token })?.status }
    public var sender: String? { value?.from ?? fee?.from }
    public var block: Int64? { (value ?? fee ?? transfers.first)?.block }
    public var time: Int64? { (value ?? fee ?? transfers.first)?.time }
    /// Token transfers exist only in successful transactions (ethereum-etl reads them from logs).
    public var statusText: String {
        switch status {
        case 1: "success"
        case 0: "failed"
        default: "unknown"
        }
    }
}

/// The rows of one ledger (transfers CSV) transaction id.
public struct LedgerTransactionView: Sendable, Equatable {
    public var id: String
    public var transfers: [AccountTransferRow]

    public init(id: String, transfers: [AccountTransferRow]) {
        self.id = id
        self.transfers = transfers
    }
}

extension TransactionReport {
    /// Picks the view of stored account rows: ledger rows (kind 4) are a ledger transaction,
    /// on-chain rows an Ethereum one.
    public init(account: AccountTransactionRows, conversions: [Conversion] = []) {
        let onchain = account.rows.filter { $0.kind != .ledger }
        if onchain.isEmpty {
            self = .ledger(LedgerTransactionView(id: account.id, transfers: account.rows))
        } else {
            self = .ethereum(
                EthereumTransactionView(hash: account.id, rows: onchain, conversions: conversions))
        }
    }

    /// `amount` in whole units with the asset's name ("1.5 ETH"), or, when its decimals are
    /// unknown, in base units with the contract named ("1000 base units of 0xf4ec…95dd,
    /// decimals unknown").
    public static func amountText(_ amount: UInt256, _ asset: TraceAsset) -> String {
        Render.amount(amount, decimals: asset.decimals, asset: asset.shortName)
    }
}
