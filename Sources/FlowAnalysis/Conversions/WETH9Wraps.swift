public import FlowModel

/// WETH9 `Deposit(address indexed dst, uint wad)` (ether in, WETH out: a wrap) and
/// `Withdrawal(address indexed src, uint wad)` (WETH in, ether out: an unwrap), of the canonical
/// contract only (`WETH9.contract`; other contracts emit the same signatures). The pool is the
/// WETH contract; trader and recipient the account credited or debited. The WETH side is the
/// mint or burn the store keeps for the event (`WETH9.movements`, seq log index + 1); the ether
/// side is a transfer into or out of the contract the trace loader finds.
public struct WETH9Wraps: ConversionDecoder {
    public let protocolName = "weth"
    public var signatures: [String] { ["Deposit(address,uint256)", "Withdrawal(address,uint256)"] }

    public init() {}

    public func decode(_ log: EventLog, in tx: TransactionEvents) -> Conversion? {
        guard log.address == WETH9.contract, log.topics.count == 2, log.data.count == 32,
            let wad = log.word(0),
            let sig = log.signature
        else { return nil }
        let account = ABIWord.lowAddress(log.topics[1])
        let wrap = sig == WETH9.deposit
        return Conversion(
            protocolName: protocolName, tx: log.tx, logIndex: log.logIndex, block: log.block, time: log.time,
            pool: WETH9.contract, trader: account, recipient: account,
            assetIn: wrap ? Conversion.ether : WETH9.contract, amountIn: wad,
            assetOut: wrap ? WETH9.contract : Conversion.ether, amountOut: wad,
            inSeq: wrap ? nil : log.logIndex + 1, outSeq: wrap ? log.logIndex + 1 : nil)
    }
}
