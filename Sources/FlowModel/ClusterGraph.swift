// The in-memory hand-off between the store and the clustering analyzers: flat arrays over dense
// address ids (no SQL, no algorithms).

/// The heuristics that can link two addresses into one cluster (the `clusters.heuristic` column).
public enum LinkHeuristic: UInt8, Sendable, CaseIterable, Codable {
    /// Common-input ownership: the inputs of one transaction are spent by one wallet.
    case multiInput = 1
    /// A change output: paid back to the wallet that funded the transaction.
    case change = 2
    /// Ethereum deposit-address reuse: addresses that pay the same exchange deposit address.
    case depositAddress = 3

    /// The name used in `--heuristics` and in reports.
    public var name: String {
        switch self {
        case .multiInput: "multi-input"
        case .change: "change"
        case .depositAddress: "deposit-address"
        }
    }
}

/// Links between addresses found by the heuristics, in processing order, as parallel arrays.
///
/// Edge `i` says "addresses `a[i]` and `b[i]` have one owner", because of heuristic
/// `heuristic[i]` applied to the transaction (or transfer) `evidence[i]`. The order is the order
/// in which a sequential clustering would apply them: chain order of the transactions, and within
/// one transaction the order the heuristics emit. It decides which edge is *recorded* as the
/// merge of two clusters (the provenance), never which addresses end up together.
public struct ClusterEdges: Sendable, Equatable {
    /// Address ids (dense, as in the store; 0 is never an address).
    public private(set) var a: [UInt32] = []
    public private(set) var b: [UInt32] = []
    /// `transactions.id` for Bitcoin heuristics, `transfers.id` for the deposit-address heuristic.
    public private(set) var evidence: [Int64] = []
    /// `LinkHeuristic` raw values.
    public private(set) var heuristic: [UInt8] = []

    public init() {}

    public var count: Int { a.count }
    public var isEmpty: Bool { a.isEmpty }

    public mutating func reserveCapacity(_ n: Int) {
        a.reserveCapacity(n)
        b.reserveCapacity(n)
        evidence.reserveCapacity(n)
        heuristic.reserveCapacity(n)
    }

    /// Appends the edge `x`–`y`; self-links are dropped (they merge nothing).
    public mutating func append(_ x: UInt32, _ y: UInt32, evidence e: Int64, heuristic h: LinkHeuristic) {
        guard x != y else { return }
        a.append(x)
        b.append(y)
        evidence.append(e)
        heuristic.append(h.rawValue)
    }

    /// Appends all edges of `other` after these.
    public mutating func append(contentsOf other: ClusterEdges) {
        a += other.a
        b += other.b
        evidence += other.evidence
        heuristic += other.heuristic
    }

    /// The largest address id mentioned (0 when empty).
    public var maxAddress: UInt32 {
        var m: UInt32 = 0
        for x in a where x > m { m = x }
        for y in b where y > m { m = y }
        return m
    }
}

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

/// One merge of two clusters: the cluster whose id is `child` joined the cluster `parent`
/// (`parent < child`, so the merged cluster keeps the smaller id), because of edge `edge`.
public struct ClusterMerge: Sendable, Equatable {
    /// The absorbed cluster's id (its smallest address id), larger than `parent`.
    public var child: UInt32
    /// The absorbing cluster's id, which the merged cluster keeps.
    public var parent: UInt32
    /// Index into the `ClusterEdges` that caused the merge.
    public var edge: Int
    /// Sizes of the two clusters just before the merge.
    public var childSize: UInt32
    public var parentSize: UInt32
    /// The edge's end in the absorbed cluster, and its end in the absorbing one.
    public var childSide: UInt32
    public var parentSide: UInt32

    public init(
        child: UInt32, parent: UInt32, edge: Int, childSize: UInt32, parentSize: UInt32, childSide: UInt32,
        parentSide: UInt32
    ) {
        self.child = child
        self.parent = parent
        self.edge = edge
        self.childSize = childSize
        self.parentSize = parentSize
        self.childSide = childSide
        self.parentSide = parentSide
    }
}

/// How one address joined its cluster: the stored record of a merge, seen from the absorbed
/// cluster's id (`address`).
///
/// Merges form a tree per cluster (the union-find links): `address` was a cluster's id until
/// merge number `sequence` joined it to the cluster whose id was `parent`, because `heuristic`
/// linked `childSide` (an address of the absorbed cluster) to `parentSide` (one of the
/// absorbing cluster) in transaction or transfer `evidence`.
public struct LinkRecord: Sendable, Equatable {
    public var address: UInt32
    public var parent: UInt32
    public var parentSide: UInt32
    public var childSide: UInt32
    public var heuristic: LinkHeuristic
    public var evidence: Int64
    /// Position of the merge among all merges (later merges have larger numbers).
    public var sequence: Int64

    public init(
        address: UInt32, parent: UInt32, parentSide: UInt32, childSide: UInt32, heuristic: LinkHeuristic,
        evidence: Int64, sequence: Int64
    ) {
        self.address = address
        self.parent = parent
        self.parentSide = parentSide
        self.childSide = childSide
        self.heuristic = heuristic
        self.evidence = evidence
        self.sequence = sequence
    }
}

/// One step of an explanation: `from` and `to` were linked by `heuristic` in `evidence`.
public struct ExplainStep: Sendable, Equatable {
    public var from: UInt32
    public var to: UInt32
    public var heuristic: LinkHeuristic
    public var evidence: Int64
    public var sequence: Int64

    public init(from: UInt32, to: UInt32, heuristic: LinkHeuristic, evidence: Int64, sequence: Int64) {
        self.from = from
        self.to = to
        self.heuristic = heuristic
        self.evidence = evidence
        self.sequence = sequence
    }
}

/// One account-model transfer as the deposit-address heuristic reads it.
public struct DepositTransfer: Sendable, Equatable {
    /// `transfers.id`: the order transfers are considered in, and the merge evidence.
    public var id: Int64
    public var from: UInt32
    public var to: UInt32
    public var asset: Int64
    public var amount: UInt256
    public var block: Int64

    public init(id: Int64, from: UInt32, to: UInt32, asset: Int64, amount: UInt256, block: Int64) {
        self.id = id
        self.from = from
        self.to = to
        self.asset = asset
        self.amount = amount
        self.block = block
    }
}
