public import FlowModel

/// Parameters of the deposit-address heuristic, with the published defaults.
public struct DepositParameters: Sendable, Equatable {
    /// Most blocks between a deposit and its forward to the exchange (Victor 2020: 3200).
    public var maxBlocks: Int64
    /// Largest `deposit − forward` per asset, in the asset's base units (Victor 2020: 0.01 ether,
    /// 10^16 wei, for ether). Assets not listed must be forwarded exactly.
    public var tolerance: [Int64: UInt256]

    public init(maxBlocks: Int64 = 3200, tolerance: [Int64: UInt256] = [:]) {
        self.maxBlocks = maxBlocks
        self.tolerance = tolerance
    }
}

/// The deposit-address heuristic for Ethereum and other account-model chains (Victor, "Address
/// Clustering Heuristics for Ethereum", Financial Cryptography 2020, algorithm 1).
///
/// Exchanges give each customer a deposit address and sweep what arrives there to their hot
/// wallet. So when an address `d` (not itself an exchange) forwards to a known exchange address
/// (a tag) an amount of the same asset at most `tolerance` below what a user sent to `d`, within
/// `maxBlocks` blocks after that deposit, `d` is that user's deposit address — and every address
/// that deposits through `d` belongs to one entity (the customer). The senders are joined, not
/// `d` itself (it is the exchange's). Transfers without a block number are not considered.
///
/// Known errors: shared deposit addresses (some exchanges, payment processors) join unrelated
/// customers; a deposit swept together with others (one forward for several deposits) is
/// missed; an exchange tag list that misses a hot wallet misses its deposits.
public enum DepositAddressHeuristic {
    /// Edges joining the users of each deposit address, in order of their matching transfer's
    /// id (the first user of `d` to every later one), and the deposit addresses found.
    public static func edges(
        _ transfers: [DepositTransfer], exchanges: Set<UInt32>, parameters: DepositParameters
    ) -> (edges: ClusterEdges, deposits: [DepositAddress]) {
        struct Forward {
            var block: Int64
            var amount: UInt256
            var exchange: UInt32
        }
        struct Key: Hashable {
            var address: UInt32
            var asset: Int64
        }
        // Forwards from non-exchange addresses to exchanges, per (sender, asset), by block.
        var forwards: [Key: [Forward]] = [:]
        for t in transfers
        where exchanges.contains(t.to) && !exchanges.contains(t.from) && t.from != 0 {
            forwards[Key(address: t.from, asset: t.asset), default: []].append(
                Forward(block: t.block, amount: t.amount, exchange: t.to))
        }
        for k in forwards.keys { forwards[k]?.sort { ($0.block, $0.amount) < ($1.block, $1.amount) } }
        // Matched deposits: per deposit address, each user's first matching transfer.
        var uses: [UInt32: [(user: UInt32, transfer: Int64)]] = [:]
        var firstExchange: [UInt32: UInt32] = [:]
        var seen = Set<UInt64>()
        for t in transfers.sorted(by: { $0.id < $1.id })
        where t.from != 0 && t.from != t.to && !exchanges.contains(t.from) && !exchanges.contains(t.to) {
            guard let list = forwards[Key(address: t.to, asset: t.asset)] else { continue }
            let tolerance = parameters.tolerance[t.asset] ?? .zero
            // First forward at or after the deposit's block.
            var lo = 0
            var hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid].block < t.block { lo = mid + 1 } else { hi = mid }
            }
            var matched: UInt32?
            var i = lo
            while i < list.count && list[i].block - t.block <= parameters.maxBlocks {
                if let diff = t.amount.subtractingReportingOverflow(list[i].amount), diff <= tolerance {
                    matched = list[i].exchange
                    break
                }
                i += 1
            }
            guard let exchange = matched else { continue }
            if firstExchange[t.to] == nil { firstExchange[t.to] = exchange }
            if seen.insert(UInt64(t.to) << 32 | UInt64(t.from)).inserted {
                uses[t.to, default: []].append((t.from, t.id))
            }
        }
        var all: [(a: UInt32, b: UInt32, evidence: Int64)] = []
        var deposits: [DepositAddress] = []
        for (d, list) in uses {
            deposits.append(DepositAddress(address: d, exchange: firstExchange[d] ?? 0, users: list.count))
            for u in list.dropFirst() { all.append((list[0].user, u.user, u.transfer)) }
        }
        all.sort { $0.evidence < $1.evidence }
        deposits.sort { $0.address < $1.address }
        var edges = ClusterEdges()
        for e in all { edges.append(e.a, e.b, evidence: e.evidence, heuristic: .depositAddress) }
        return (edges, deposits)
    }
}
