import FlowModel

/// Value moving between clusters (entities) in UTXO transactions, attributed exactly.
///
/// A transaction's inputs may come from several clusters (a CoinJoin left unmerged, or inputs of
/// unrelated owners). Each output's value is attributed to the input clusters in proportion to
/// what they put in — the haircut policy of taint analysis (Möser, Böhme and Breuker, "Towards
/// Risk Scoring of Bitcoin Transactions", FC 2014) — with integer largest-remainder rounding, so
/// the attributed parts of every output add up to its value exactly (conservation).
public enum ClusterFlows {
    /// Splits `value` in proportion to `weights` (all ≥ 0, not all 0): floor shares, then one
    /// unit each to the largest remainders, ties to the lower index. The parts sum to `value`.
    public static func split(_ value: Int64, weights: [Int64]) -> [Int64] {
        precondition(value >= 0)
        let total = weights.reduce(UInt64(0)) { $0 + UInt64($1) }
        guard total > 0 else { return weights.map { _ in 0 } }
        var parts = [Int64](repeating: 0, count: weights.count)
        var remainders: [(remainder: UInt64, index: Int)] = []
        var given: Int64 = 0
        for (i, w) in weights.enumerated() {
            let product = UInt64(value).multipliedFullWidth(by: UInt64(w))
            let (q, r) = total.dividingFullWidth(product)
            parts[i] = Int64(q)
            given += Int64(q)
            remainders.append((r, i))
        }
        remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
        var left = value - given
        var k = 0
        while left > 0 {
            parts[remainders[k].index] += 1
            left -= 1
            k += 1
        }
        return parts
    }

    /// The flows of one transaction: for each (input cluster, output cluster) pair, the value of
    /// outputs attributed to that input cluster. Pairs are sorted by (from, to); a cluster paying
    /// itself (change) is included with `from == to`. Returns nil when no input value is known.
    public static func transaction(
        inputs: [(cluster: UInt32, value: Int64)], outputs: [(cluster: UInt32, value: Int64)]
    ) -> [(from: UInt32, to: UInt32, value: Int64)]? {
        var byCluster: [UInt32: Int64] = [:]
        for i in inputs { byCluster[i.cluster, default: 0] += i.value }
        let sources = byCluster.keys.sorted()
        let weights = sources.map { byCluster[$0] ?? 0 }
        guard weights.contains(where: { $0 > 0 }) else { return nil }
        var flows: [Pair: Int64] = [:]
        for o in outputs where o.value > 0 {
            for (k, part) in split(o.value, weights: weights).enumerated() where part > 0 {
                flows[Pair(from: sources[k], to: o.cluster), default: 0] += part
            }
        }
        return flows.sorted { ($0.key.from, $0.key.to) < ($1.key.from, $1.key.to) }.map {
            ($0.key.from, $0.key.to, $0.value)
        }
    }

    struct Pair: Hashable {
        var from: UInt32
        var to: UInt32
    }
}
