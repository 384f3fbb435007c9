/// An 80-byte Bitcoin block header, decoded.
public struct BlockHeader: Sendable, Hashable {
    public var version: Int32
    public var prevHash: Hash256
    public var merkleRoot: Hash256
    public var time: UInt32
    public var bits: UInt32
    public var nonce: UInt32

    public init(
        version: Int32, prevHash: Hash256, merkleRoot: Hash256, time: UInt32, bits: UInt32, nonce: UInt32
    ) {
        self.version = version
        self.prevHash = prevHash
        self.merkleRoot = merkleRoot
        self.time = time
        self.bits = bits
        self.nonce = nonce
    }
}

/// One transaction input as serialized: the output it spends and its sequence number.
public struct TxInput: Sendable, Hashable {
    /// The txid of the transaction whose output this input spends (zero for a coinbase).
    public var prevTxid: Hash256
    /// The output index it spends (0xffffffff for a coinbase).
    public var prevVout: UInt32
    public var sequence: UInt32
    /// Number of witness stack items (0 for legacy inputs).
    public var witnessItems: Int

    public init(prevTxid: Hash256, prevVout: UInt32, sequence: UInt32, witnessItems: Int) {
        self.prevTxid = prevTxid
        self.prevVout = prevVout
        self.sequence = sequence
        self.witnessItems = witnessItems
    }
}

/// One transaction output: value in satoshi, script template, and the address it pays, if any.
public struct TxOutput: Sendable, Hashable {
    /// Value in satoshi (exact).
    public var value: UInt64
    public var type: ScriptType
    /// The address paid (for `pubkey` outputs: the pubkey's P2PKH address). nil when the script
    /// has no address (multisig, nulldata, nonstandard).
    public var addressKey: AddressKey?
    /// The script, kept only for outputs without an address and for pay-to-pubkey (it holds the
    /// key); nil otherwise, since it can be rebuilt from the type and address.
    public var script: [UInt8]?

    public init(
        value: UInt64, type: ScriptType, addressKey: AddressKey?, script: [UInt8]?
    ) {
        self.value = value
        self.type = type
        self.addressKey = addressKey
        self.script = script
    }
}

/// A decoded transaction with its identifiers and sizes.
public struct BitcoinTransaction: Sendable, Hashable {
    public var txid: Hash256
    /// Witness txid (BIP141); equals `txid` for a transaction without witness data.
    public var wtxid: Hash256
    public var version: Int32
    public var locktime: UInt32
    /// Serialized size with witness data, in bytes.
    public var size: Int
    /// Serialized size without witness data, in bytes.
    public var strippedSize: Int
    public var inputs: [TxInput]
    public var outputs: [TxOutput]

    public init(
        txid: Hash256, wtxid: Hash256, version: Int32, locktime: UInt32, size: Int, strippedSize: Int,
        inputs: [TxInput], outputs: [TxOutput]
    ) {
        self.txid = txid
        self.wtxid = wtxid
        self.version = version
        self.locktime = locktime
        self.size = size
        self.strippedSize = strippedSize
        self.inputs = inputs
        self.outputs = outputs
    }

    /// BIP141 weight: stripped size × 3 + total size.
    public var weight: Int { strippedSize * 3 + size }
    /// Virtual size: weight / 4, rounded up.
    public var vsize: Int { (weight + 3) / 4 }
    /// True when the transaction has witness data.
    public var hasWitness: Bool { size != strippedSize }
    /// A coinbase has one input spending the null outpoint.
    public var isCoinbase: Bool {
        inputs.count == 1 && inputs[0].prevTxid == .zero && inputs[0].prevVout == 0xffff_ffff
    }
    /// Sum of output values in satoshi.
    public var outputValue: UInt64 { outputs.reduce(0) { $0 &+ $1.value } }
}

/// A decoded block: header, hash, sizes, transactions, and where it came from.
public struct BitcoinBlock: Sendable, Hashable {
    public var hash: Hash256
    public var header: BlockHeader
    public var network: Network
    public var size: Int
    public var strippedSize: Int
    public var transactions: [BitcoinTransaction]
    /// Height claimed by the coinbase (BIP34), for version ≥ 2 blocks that encode one.
    public var coinbaseHeight: Int?

    public init(
        hash: Hash256, header: BlockHeader, network: Network, size: Int, strippedSize: Int,
        transactions: [BitcoinTransaction], coinbaseHeight: Int?
    ) {
        self.hash = hash
        self.header = header
        self.network = network
        self.size = size
        self.strippedSize = strippedSize
        self.transactions = transactions
        self.coinbaseHeight = coinbaseHeight
    }

    /// BIP141 weight of the block.
    public var weight: Int { strippedSize * 3 + size }
}

/// The value, script type and address of an output as a source other than raw block bytes states
/// it, when the funding transaction may not be in the store: Bitcoin Core `getblock` verbosity 3
/// `prevout`, enriched bitcoin-etl inputs, the outputs of a `getrawtransaction` answer. Stored in
/// `prevouts` while the input is unresolved (see docs/schema.md).
public struct SpentOutput: Sendable, Hashable {
    /// Value in satoshi.
    public var value: UInt64
    /// The script type, when the source gives it.
    public var type: ScriptType?
    /// The address paid, when the source gives one.
    public var addressKey: AddressKey?

    public init(value: UInt64, type: ScriptType?, addressKey: AddressKey?) {
        self.value = value
        self.type = type
        self.addressKey = addressKey
    }
}
