/// Totals for one address over the main chain.
public struct AddressSummary: Sendable, Codable, Equatable {
    public var address: String
    public var chain: String
    /// Sum of outputs paying the address, in satoshi.
    public var received: Int64
    /// Sum of those outputs spent by main-chain inputs, in satoshi.
    public var sent: Int64
    public var balance: Int64
    public var txCount: Int
    public var outputCount: Int
    public var spentOutputCount: Int
    public var firstSeenTime: Int64?
    public var lastSeenTime: Int64?
    public var firstSeenHeight: Int?
    public var lastSeenHeight: Int?

    public init(
        address: String, chain: String, received: Int64, sent: Int64, balance: Int64, txCount: Int,
        outputCount: Int, spentOutputCount: Int, firstSeenTime: Int64? = nil, lastSeenTime: Int64? = nil,
        firstSeenHeight: Int? = nil, lastSeenHeight: Int? = nil
    ) {
        self.address = address
        self.chain = chain
        self.received = received
        self.sent = sent
        self.balance = balance
        self.txCount = txCount
        self.outputCount = outputCount
        self.spentOutputCount = spentOutputCount
        self.firstSeenTime = firstSeenTime
        self.lastSeenTime = lastSeenTime
        self.firstSeenHeight = firstSeenHeight
        self.lastSeenHeight = lastSeenHeight
    }
}

/// A transaction with its block, inputs, outputs and fee.
public struct TransactionDetail: Sendable, Codable, Equatable {
    public var txid: String
    public var wtxid: String
    public var blockHash: String
    public var blockHeight: Int?
    public var blockTime: Int64
    public var inMainChain: Bool
    public var position: Int
    public var size: Int
    public var weight: Int
    public var version: Int64
    public var locktime: Int64
    public var coinbase: Bool
    /// Inputs minus outputs in satoshi; nil when an input's value is unknown (and for coinbase).
    public var fee: Int64?
    public var inputValue: Int64?
    public var outputValue: Int64
    public var inputs: [InputDetail]
    public var outputs: [OutputDetail]

    public init(
        txid: String, wtxid: String, blockHash: String, blockHeight: Int? = nil, blockTime: Int64,
        inMainChain: Bool, position: Int, size: Int, weight: Int, version: Int64, locktime: Int64,
        coinbase: Bool, fee: Int64? = nil, inputValue: Int64? = nil, outputValue: Int64,
        inputs: [InputDetail], outputs: [OutputDetail]
    ) {
        self.txid = txid
        self.wtxid = wtxid
        self.blockHash = blockHash
        self.blockHeight = blockHeight
        self.blockTime = blockTime
        self.inMainChain = inMainChain
        self.position = position
        self.size = size
        self.weight = weight
        self.version = version
        self.locktime = locktime
        self.coinbase = coinbase
        self.fee = fee
        self.inputValue = inputValue
        self.outputValue = outputValue
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// Counts over the main chain (orphaned blocks are counted separately).
public struct StoreStats: Sendable, Codable, Equatable {
    public var blocks: Int
    public var orphanedBlocks: Int
    public var transactions: Int
    public var inputs: Int
    public var outputs: Int
    public var addresses: Int
    public var minHeight: Int?
    public var maxHeight: Int?
    /// Inputs whose spent output is not in the store and whose value no source gave (value and
    /// address unknown).
    public var unresolvedInputs: Int
    /// Networks present, sorted.
    public var networks: [String]
    /// Inputs whose spent output is not in the store but whose value (and address, where given)
    /// a source stated: rows of `prevouts`.
    public var knownPrevoutInputs: Int = 0
    /// Account-model transfers (Ethereum, ledgers), assets and tags.
    public var transfers: Int = 0
    public var assets: Int = 0
    public var tags: Int = 0
    /// Ethereum blocks and transactions that transfers name (a transaction counts once whatever
    /// its rows: value, fee, token transfers), and the lowest and highest block number.
    public var ethereumBlocks: Int = 0
    public var ethereumTransactions: Int = 0
    public var ethereumMinBlock: Int? = nil
    public var ethereumMaxBlock: Int? = nil
    /// Ledger (transfers CSV) transactions: distinct transaction ids, each row without an id
    /// counting as one; and the ledger rows.
    public var ledgerTransactions: Int = 0
    public var ledgerTransfers: Int = 0

    public init(
        blocks: Int, orphanedBlocks: Int, transactions: Int, inputs: Int, outputs: Int, addresses: Int,
        minHeight: Int? = nil, maxHeight: Int? = nil, unresolvedInputs: Int, networks: [String],
        knownPrevoutInputs: Int = 0, transfers: Int = 0, assets: Int = 0, tags: Int = 0
    ) {
        self.blocks = blocks
        self.orphanedBlocks = orphanedBlocks
        self.transactions = transactions
        self.inputs = inputs
        self.outputs = outputs
        self.addresses = addresses
        self.minHeight = minHeight
        self.maxHeight = maxHeight
        self.unresolvedInputs = unresolvedInputs
        self.networks = networks
        self.knownPrevoutInputs = knownPrevoutInputs
        self.transfers = transfers
        self.assets = assets
        self.tags = tags
    }
}

/// An asset as reports name it.
public struct TraceAsset: Sendable, Equatable {
    public var id: Int64
    public var chain: String
    public var symbol: String?
    public var contract: String
    public var decimals: Int?

    public init(id: Int64, chain: String, symbol: String?, contract: String, decimals: Int?) {
        self.id = id
        self.chain = chain
        self.symbol = symbol
        self.contract = contract
        self.decimals = decimals
    }

    /// Symbol, else the contract shortened (`0xf4ec…95dd`), else `asset #id` (`displayName`).
    public var name: String { shortName }
}

/// One input of a transaction as the `tx` command shows it.
public struct InputDetail: Sendable, Codable, Equatable {
    public var prevTxid: String?
    public var prevVout: Int?
    /// Value of the spent output in satoshi: from the stored output, or else from what a source
    /// stated (`prevouts`); nil when neither is known.
    public var value: Int64?
    public var address: String?
    public var sequence: Int64
    public var coinbase: Bool

    public init(
        prevTxid: String? = nil, prevVout: Int? = nil, value: Int64? = nil, address: String? = nil,
        sequence: Int64, coinbase: Bool
    ) {
        self.prevTxid = prevTxid
        self.prevVout = prevVout
        self.value = value
        self.address = address
        self.sequence = sequence
        self.coinbase = coinbase
    }
}

/// One output of a transaction.
public struct OutputDetail: Sendable, Codable, Equatable {
    public var n: Int
    public var value: Int64
    /// Bitcoin Core's script type name.
    public var type: String
    public var address: String?
    /// The txid of the main-chain transaction that spends it, if stored.
    public var spentBy: String?

    public init(n: Int, value: Int64, type: String, address: String? = nil, spentBy: String? = nil) {
        self.n = n
        self.value = value
        self.type = type
        self.address = address
        self.spentBy = spentBy
    }
}
