public import FlowModel

/// Uniswap V3 `Swap(address indexed sender, address indexed recipient, int256 amount0,
/// int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)`: the pool's balance
/// changes, positive = paid into the pool. A pool pays out first, takes its input in the swap
/// callback, then emits the event: both transfers lie between its previous swap and the event.
///
/// The pool's tokens are the two it received and paid (token0 the smaller address). The pool is
/// Uniswap's when its address is the factory's `CREATE2` address for the tokens and one of the
/// fee tiers 100, 500, 3000, 10000 (factory 0x1f98431c8ad98523631ae4a59f267346ea31f984, init code
/// hash 0xe34f199b…8b54); other contracts emitting the event are `uniswap-v3-fork` when the
/// transfers show exactly the event's amounts. One amount must be positive and the other negative.
public struct UniswapV3Swap: ConversionDecoder {
    public let protocolName: String
    public let factory: (address: String, initCodeHash: String, fees: [UInt64])?

    public static let uniswap = UniswapV3Swap(
        protocolName: "uniswap-v3",
        factory: (
            "0x1f98431c8ad98523631ae4a59f267346ea31f984",
            "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54", [100, 500, 3000, 10000]
        ))
    public static let fork = UniswapV3Swap(protocolName: "uniswap-v3-fork", factory: nil)

    public static let signature = "Swap(address,address,int256,int256,uint160,uint128,int24)"
    public var signatures: [String] { [Self.signature] }

    public init(protocolName: String, factory: (address: String, initCodeHash: String, fees: [UInt64])?) {
        self.protocolName = protocolName
        self.factory = factory
    }

    /// The pool address the factory gives tokens `a < b` and `fee`.
    public static func pool(factory: String, initCodeHash: String, _ a: String, _ b: String, fee: UInt64)
        -> String?
    {
        let salt = Keccak256.hash(
            ContractAddress.word(a) + ContractAddress.word(b) + UInt256(fee).bigEndianBytes)
        return ContractAddress.create2(deployer: factory, salt: salt, initCodeHash: initCodeHash)
    }

    public func decode(_ log: EventLog, in tx: TransactionEvents) -> Conversion? {
        guard log.topics.count == 3, log.data.count == 160 else { return nil }
        return tx.swap(log, afterToo: factory == nil) { decode(log, $0) }
    }

    /// The conversion of `log` with the pool's flows `flows`.
    func decode(_ log: EventLog, _ flows: PoolFlows) -> Conversion? {
        guard let w0 = log.word(0), let w1 = log.word(1) else { return nil }
        let pool = log.address
        let tokens = flows.tokens
        guard tokens.count == 2 else { return nil }
        if let f = factory {
            guard
                f.fees.contains(where: {
                    Self.pool(factory: f.address, initCodeHash: f.initCodeHash, tokens[0], tokens[1], fee: $0)
                        == pool
                })
            else { return nil }
        }
        let a0 = ABIWord.signed(w0)
        let a1 = ABIWord.signed(w1)
        let inIndex: Int
        if !a0.negative && a0.magnitude != .zero && a1.negative {
            inIndex = 0
        } else if !a1.negative && a1.magnitude != .zero && a0.negative {
            inIndex = 1
        } else {
            return nil
        }
        let amountIn = inIndex == 0 ? a0.magnitude : a1.magnitude
        let amountOut = inIndex == 0 ? a1.magnitude : a0.magnitude
        let assetIn = tokens[inIndex]
        let assetOut = tokens[1 - inIndex]
        let received = flows.received[assetIn]
        let paid = flows.paid[assetOut]
        if factory == nil {
            guard received?.total == amountIn, paid?.total == amountOut else { return nil }
        }
        return Conversion(
            protocolName: protocolName, tx: log.tx, logIndex: log.logIndex, block: log.block, time: log.time,
            pool: pool, trader: ABIWord.lowAddress(log.topics[1]),
            recipient: ABIWord.lowAddress(log.topics[2]),
            assetIn: assetIn, amountIn: amountIn, assetOut: assetOut, amountOut: amountOut,
            inSeq: received?.largestSeq, outSeq: paid?.largestSeq)
    }
}
