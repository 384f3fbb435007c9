import FlowAnalysis
import FlowModel
import Testing

/// The peel-chain rule over a hand-built UTXO snapshot.
@Suite struct AmlPeelChainTests {
    /// A chain of `hops` 1-in-2-out transactions: each spends the previous change and peels
    /// `peel` satoshi to a fresh address.
    static func chain(hops: Int, start: Int64, peel: Int64, firstId: Int64 = 100) -> PeelSnapshot {
        var s = PeelSnapshot()
        var value = start
        for k in 0..<hops {
            let id = firstId + Int64(k)
            s.txIds.append(id)
            s.time.append(1_700_000_000 + Int64(k) * 600)
            s.inputAddress.append(k == 0 ? 1 : 1_000 + Int64(k - 1))
            value -= peel + 1_000
            // Output 0: the peel, output 1: the change, spent by the next transaction.
            s.outputValue += [peel, value]
            s.outputAddress += [2_000 + Int64(k), 1_000 + Int64(k)]
            s.spentBy += [0, k + 1 < hops ? id + 1 : 0]
        }
        return s
    }

    static var rule: AmlRule { AmlRuleSet.standard.rules.first { $0.detector == .peelChain }! }

    @Test func peelChainIsFound() {
        let s = Self.chain(hops: 6, start: 5_000_000_000, peel: 20_000_000)
        let alerts = PeelChainDetector.run(s, rule: Self.rule)
        #expect(alerts.count == 1)
        let a = alerts.first
        #expect(a?.utxoTransactions == Array(100...105))
        #expect(a?.utxoSubjects == [1])
        #expect(a?.amount == UInt256(5_000_000_000 - 1_000), "the first transaction's outputs")
        #expect(a?.explanation.contains("6 transactions") == true)
    }

    @Test func shortChainsAndLargeSplitsAreNotPeelChains() {
        #expect(
            PeelChainDetector.run(
                Self.chain(hops: 3, start: 5_000_000_000, peel: 20_000_000), rule: Self.rule
            ).isEmpty)
        // Each step pays out 40%: a split, not a peel.
        #expect(
            PeelChainDetector.run(
                Self.chain(hops: 6, start: 500_000_000_000, peel: 100_000_000_000), rule: Self.rule
            ).isEmpty)
        // Below min-amount (0.1 BTC).
        #expect(
            PeelChainDetector.run(Self.chain(hops: 6, start: 5_000_000, peel: 10_000), rule: Self.rule)
                .isEmpty)
    }
}
