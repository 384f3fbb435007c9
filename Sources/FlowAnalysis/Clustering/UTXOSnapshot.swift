/// Main-chain Bitcoin transactions in chain order, as flat arrays: what the clustering
/// heuristics read. The store fills it (`FlowStore`); nothing here knows about SQL.
///
/// Inputs and outputs are stored transaction by transaction (CSR layout): the inputs of
/// transaction `t` are `inputStart[t] ..< inputStart[t + 1]`, its outputs likewise. Optional
/// columns are empty when the run does not need them.
public struct UTXOSnapshot: Sendable, Equatable {
    /// `inputAddress` of an input that spends an output without an address (multisig,
    /// nonstandard): it has a known owner script, but no address to cluster.
    public static let noAddress: UInt32 = 0
    /// `inputAddress` of an input whose spent output is not in the store (nor described by a
    /// source): its address is unknown.
    public static let unknown: UInt32 = .max
    /// `inputSource` / `outputSpentBy` when the transaction is not in this snapshot (or the
    /// output is unspent).
    public static let none: UInt32 = .max

    /// Store ids (`transactions.id`) in chain order.
    public var txIds: [Int64] = []
    public var coinbase: [Bool] = []
    public var inputStart: [Int] = [0]
    public var outputStart: [Int] = [0]

    /// Address id of the output each input spends, `noAddress` or `unknown`.
    public var inputAddress: [UInt32] = []
    /// Value in satoshi of the output each input spends; -1 when unknown. Empty unless a change
    /// heuristic needs it.
    public var inputValue: [Int64] = []
    /// `ScriptType` raw value of the spent output; 255 when unknown. Empty unless needed.
    public var inputType: [UInt8] = []
    /// Chain index (into `txIds`) of the transaction that created the spent output, or `none`.
    /// Empty unless the peeling-chain heuristic needs it.
    public var inputSource: [UInt32] = []

    /// Address id paid by each output; `noAddress` for OP_RETURN, multisig, nonstandard.
    public var outputAddress: [UInt32] = []
    public var outputValue: [Int64] = []
    /// `ScriptType` raw value. Empty unless a change heuristic needs it.
    public var outputType: [UInt8] = []
    /// Chain index of the main-chain transaction spending each output, or `none`. Empty unless
    /// the peeling-chain heuristic needs it.
    public var outputSpentBy: [UInt32] = []

    /// Addresses paid by main-chain outputs *before* this snapshot's first transaction (an
    /// incremental run only sees the new transactions); the one-time change heuristic treats
    /// them as seen.
    public var paidBefore: Set<UInt32> = []

    public init() {}

    public var transactionCount: Int { txIds.count }
    public var inputCount: Int { inputAddress.count }
    public var outputCount: Int { outputAddress.count }

    public func inputs(of t: Int) -> Range<Int> { inputStart[t]..<inputStart[t + 1] }
    public func outputs(of t: Int) -> Range<Int> { outputStart[t]..<outputStart[t + 1] }

    /// Appends a transaction: its inputs and outputs are the ones appended to the columns since
    /// the previous call.
    public mutating func closeTransaction(id: Int64, coinbase isCoinbase: Bool) {
        txIds.append(id)
        coinbase.append(isCoinbase)
        inputStart.append(inputAddress.count)
        outputStart.append(outputAddress.count)
    }

    /// The largest address id in the snapshot (0 when none).
    public var maxAddress: UInt32 {
        var m: UInt32 = 0
        for a in inputAddress where a != Self.unknown && a > m { m = a }
        for a in outputAddress where a > m { m = a }
        for a in paidBefore where a > m { m = a }
        return m
    }
}
