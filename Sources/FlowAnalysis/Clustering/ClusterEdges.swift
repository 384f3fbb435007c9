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
