public import FlowModel

/// Uniswap V2 `Swap(address indexed sender, uint amount0In, uint amount1In, uint amount0Out,
/// uint amount1Out, address indexed to)`, emitted by a pair after it paid out and checked its
/// balances.
///
/// The pair's tokens are the two it received and paid in the transaction since its previous
/// swap (token0 is the smaller address, as the factory orders them). The pair is Uniswap's when
/// its address is the factory's `CREATE2` address for those tokens (factory
/// 0x5c69bee701ef814a2b6a3edd4b1652cb9cc5aa6f, init code hash 0x96e8ac42…845f); forks (SushiSwap
/// and others) use the same event from other factories and are decoded as `uniswap-v2-fork` when
/// the transfers show exactly the event's amounts (so that a contract that only emits the event,
/// moving nothing, is not a conversion).
///
/// Amounts are the event's: per side, net = in − out; the side the pair gained on is the input,
/// the other the output (a flash swap that repays with the same token nets out). Events whose
/// sides do not net to one in and one out are no conversion.
public struct UniswapV2Swap: ConversionDecoder {
    public let protocolName: String
    /// The factory and its pair init code hash; nil: any contract whose transfers match exactly.
    public let factory: (address: String, initCodeHash: String)?

    public static let uniswap = UniswapV2Swap(
        protocolName: "uniswap-v2",
        factory: (
            "0x5c69bee701ef814a2b6a3edd4b1652cb9cc5aa6f",
            "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f"
        ))
    public static let fork = UniswapV2Swap(protocolName: "uniswap-v2-fork", factory: nil)

    public static let signature = "Swap(address,uint256,uint256,uint256,uint256,address)"
    public var signatures: [String] { [Self.signature] }

    public init(protocolName: String, factory: (address: String, initCodeHash: String)?) {
        self.protocolName = protocolName
        self.factory = factory
    }

    /// The pair address the factory gives tokens `a < b`.
    public static func pair(factory: String, initCodeHash: String, _ a: String, _ b: String) -> String? {
        let salt = Keccak256.hash(
            ContractAddress.word(a).suffix(20) + ContractAddress.word(b).suffix(20))
        return ContractAddress.create2(deployer: factory, salt: salt, initCodeHash: initCodeHash)
    }

    public func decode(_ log: EventLog, in tx: TransactionEvents) -> Conversion? {
        guard log.topics.count == 3, log.data.count == 128 else { return nil }
        return tx.swap(log, afterToo: factory == nil) { decode(log, $0) }
    }

    /// The conversion of `log` with the pool's flows `flows`.
    func decode(_ log: EventLog, _ flows: PoolFlows) -> Conversion? {
        guard let in0 = log.word(0), let in1 = log.word(1), let out0 = log.word(2), let out1 = log.word(3)
        else {
            return nil
        }
        let pool = log.address
        let tokens = flows.tokens
        guard tokens.count == 2 else { return nil }
        if let factory {
            guard
                Self.pair(factory: factory.address, initCodeHash: factory.initCodeHash, tokens[0], tokens[1])
                    == pool
            else { return nil }
        }
        // Net per side: token0 gained (in) and token1 lost (out), or the reverse.
        let side: (inIndex: Int, amountIn: UInt256, amountOut: UInt256)
        if in0 > out0 && out1 > in1 {
            side = (0, in0.minus(out0), out1.minus(in1))
        } else if in1 > out1 && out0 > in0 {
            side = (1, in1.minus(out1), out0.minus(in0))
        } else {
            return nil
        }
        let assetIn = tokens[side.inIndex]
        let assetOut = tokens[1 - side.inIndex]
        let received = flows.received[assetIn]
        let paid = flows.paid[assetOut]
        if factory == nil {
            guard received?.total == side.amountIn, paid?.total == side.amountOut else { return nil }
        }
        return Conversion(
            protocolName: protocolName, tx: log.tx, logIndex: log.logIndex, block: log.block, time: log.time,
            pool: pool, trader: ABIWord.lowAddress(log.topics[1]),
            recipient: ABIWord.lowAddress(log.topics[2]),
            assetIn: assetIn, amountIn: side.amountIn, assetOut: assetOut, amountOut: side.amountOut,
            inSeq: received?.largestSeq, outSeq: paid?.largestSeq)
    }
}
