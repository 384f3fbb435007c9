import FlowModel

/// Recognises CoinJoin-like transactions, whose inputs belong to several owners, so that the
/// multi-input heuristic can leave them out.
///
/// The rule is the JoinMarket-style test of BlockSci's `isCoinjoin` (Kalodner et al., "BlockSci:
/// Design and applications of a blockchain analysis platform", USENIX Security 2020; after
/// Möser and Böhme, "Anonymous Alone? Measuring Bitcoin's Second-Generation Anonymization
/// Techniques", IEEE EuroS&PW 2017): every participant contributes a spend and gets one output of
/// the common denomination plus, usually, a change output. A transaction is CoinJoin-like when
/// - it has at least 2 inputs and at least 3 outputs;
/// - with p = ⌊(outputs + 1) / 2⌋ participants, p ≤ inputs and p ≤ distinct input addresses;
/// - the most frequent output value occurs exactly p times (no value occurs more often), and
///   that value is neither 546 nor 2730 satoshi (dust amounts that batch payouts and spam repeat).
///
/// When several values share the top count, the transaction qualifies if any of them is not a
/// dust amount (BlockSci leaves the tie to hash-map order; this makes it deterministic). Inputs
/// whose address is unknown or absent count as distinct addresses, which can only make a
/// transaction look *more* like a CoinJoin: the safe side for clustering.
///
/// Known errors: CoinJoins of other layouts do not match and their inputs are merged — Whirlpool
/// (5 inputs, 5 equal outputs: the top count 5 is not p = 3) and Wasabi 2 (many denominations,
/// none occurring exactly p times) — a known source of false merges, which the super-cluster
/// guard helps to notice. Batch payouts of one amount to about half of the outputs are skipped
/// (a missed merge, never a wrong one).
public enum CoinJoinRule {
    /// The rule as reports print it.
    public static let summary =
        "JoinMarket-style: >= 2 inputs, >= 3 outputs, the most common output value occurs exactly p = floor((outputs+1)/2) times with p <= inputs and p <= distinct input addresses, value not 546 or 2730 sat"

    /// Output values that are dust payouts rather than a mixing denomination.
    public static let dustValues: Set<Int64> = [546, 2730]

    /// Whether a transaction with these counts and output values is CoinJoin-like. `scratch`
    /// is reused between calls to avoid allocations.
    public static func isCoinJoinLike(
        inputCount: Int, distinctInputAddresses: Int, outputValues: ArraySlice<Int64>,
        scratch: inout [Int64]
    ) -> Bool {
        let outputs = outputValues.count
        guard inputCount >= 2, outputs >= 3 else { return false }
        let participants = (outputs + 1) / 2
        guard participants <= inputCount, participants <= distinctInputAddresses else { return false }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: outputValues)
        scratch.sort()
        var best = 0
        var bestHasMixValue = false
        var i = 0
        while i < scratch.count {
            var j = i + 1
            while j < scratch.count && scratch[j] == scratch[i] { j += 1 }
            let run = j - i
            let mix = !dustValues.contains(scratch[i])
            if run > best {
                best = run
                bestHasMixValue = mix
            } else if run == best {
                bestHasMixValue = bestHasMixValue || mix
            }
            i = j
        }
        return best == participants && bestHasMixValue
    }
}
