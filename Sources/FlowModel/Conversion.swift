/// A conversion: value in one asset went into a contract and value in another came out, in one
/// transaction, as one event of the contract states it (a DEX swap, a wrap or unwrap of ether).
///
/// Assets are named by their contract (lower-case `0x…`), or `ETH` for ether. Amounts are the
/// event's, in base units, exact: what the contract accounted as received (`amountIn`) and paid
/// (`amountOut`).
public struct Conversion: Sendable, Equatable, Hashable {
    /// `ETH`: ether as an asset of a conversion.
    public static let ether = "ETH"

    /// The decoder's protocol name: `uniswap-v2`, `uniswap-v3`, `weth`, …
    public var protocolName: String
    public var tx: String
    /// The log index of the event.
    public var logIndex: Int64
    public var block: Int64
    public var time: Int64
    /// The contract that converted (the pool; the WETH contract for a wrap).
    public var pool: String
    /// Who asked the contract (the event's `sender`: a router when the swap went through one;
    /// for a wrap, the account credited or debited).
    public var trader: String
    /// Who received the output.
    public var recipient: String
    public var assetIn: String
    public var amountIn: UInt256
    public var assetOut: String
    public var amountOut: UInt256
    /// The token transfer that paid the contract (`TokenMovement.seq`), when one did; nil for
    /// ether (its transfer is found by the trace loader) and for WETH burned by an unwrap.
    public var inSeq: Int64?
    /// The token transfer the contract paid out with, when one did; nil for ether.
    public var outSeq: Int64?

    public init(
        protocolName: String, tx: String, logIndex: Int64, block: Int64, time: Int64, pool: String,
        trader: String, recipient: String, assetIn: String, amountIn: UInt256, assetOut: String,
        amountOut: UInt256, inSeq: Int64? = nil, outSeq: Int64? = nil
    ) {
        self.protocolName = protocolName
        self.tx = tx
        self.logIndex = logIndex
        self.block = block
        self.time = time
        self.pool = pool
        self.trader = trader
        self.recipient = recipient
        self.assetIn = assetIn
        self.amountIn = amountIn
        self.assetOut = assetOut
        self.amountOut = amountOut
        self.inSeq = inSeq
        self.outSeq = outSeq
    }
}

/// The canonical wrapped-ether contract (WETH9 on Ethereum mainnet) and its events.
///
/// WETH9 emits no `Transfer` when it wraps or unwraps: `Deposit(dst, wad)` credits `dst` with
/// `wad` new WETH, `Withdrawal(src, wad)` burns `wad` WETH of `src` and pays it the ether. Only
/// this contract's events count: other contracts emit events with the same signature.
public enum WETH9 {
    public static let contract = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"
    public static let deposit = ABIWord.topic("Deposit(address,uint256)")
    public static let withdrawal = ABIWord.topic("Withdrawal(address,uint256)")

    /// The WETH a wrap mints (from no one to `dst`) or an unwrap burns (from `src` to no one), as
    /// token movements: so that WETH balances account for them. Empty for any other log.
    public static func movements(_ log: EventLog) -> [TokenMovement] {
        guard log.address == contract, log.topics.count == 2, log.data.count == 32, let wad = log.word(0),
            let sig = log.signature, sig == deposit || sig == withdrawal
        else { return [] }
        let account = ABIWord.lowAddress(log.topics[1])
        let none = "0x0000000000000000000000000000000000000000"
        return [
            TokenMovement(
                standard: .erc20, token: contract, from: sig == deposit ? none : account,
                to: sig == deposit ? account : none, amount: wad, logIndex: log.logIndex)
        ]
    }
}

/// A stored conversion with the transfers that carried its two legs, as tracing follows it:
/// value arriving at the pool by the in-leg leaves as the other asset by the out-leg.
public struct ConversionLink: Sendable, Equatable {
    /// `conversions.id`.
    public var id: Int64
    public var conversion: Conversion
    public var assetIn: Int64
    public var assetOut: Int64
    /// `transfers.id` of the transfer that paid the pool, and its amount; nil when none is stored.
    public var inTransfer: Int64?
    public var inAmount: UInt256
    /// `transfers.id` of the transfer the pool paid out with, and its amount; nil when none is
    /// stored (an unwrap whose ether payment needs a traces export).
    public var outTransfer: Int64?
    public var outAmount: UInt256
    /// Address ids of the pool and the recipient.
    public var pool: UInt32
    public var recipient: UInt32

    public init(
        id: Int64, conversion: Conversion, assetIn: Int64, assetOut: Int64, inTransfer: Int64?,
        inAmount: UInt256, outTransfer: Int64?, outAmount: UInt256, pool: UInt32, recipient: UInt32
    ) {
        self.id = id
        self.conversion = conversion
        self.assetIn = assetIn
        self.assetOut = assetOut
        self.inTransfer = inTransfer
        self.inAmount = inAmount
        self.outTransfer = outTransfer
        self.outAmount = outAmount
        self.pool = pool
        self.recipient = recipient
    }
}
