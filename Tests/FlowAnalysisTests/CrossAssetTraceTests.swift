import FlowAnalysis
import FlowModel
import Testing

/// Hand-computed traces through a conversion: asset 10 (A) and asset 20 (B). Address 1 is
/// funded with A, pays part of it into pool 9, which pays B to address 2.
@Suite("Cross-asset tracing: the executed rate, rounding, conservation per asset, limits")
struct CrossAssetTraceTests {
    /// A: 0 → 1: 100 (id 1, t 10); 5 → 1: 100 (id 2, t 11, clean); 1 → 9: `paid` (id 3, t 20).
    /// B: 9 → 2: `out` (id 4, t 20); 2 → 3: 5 (id 5, t 30).
    static func graphs(paid: UInt64, out: UInt64) -> [Int64: AccountTraceGraph] {
        var a = AccountTraceGraph()
        a.asset = 10
        a.append(id: 1, time: 10, from: 4, to: 1, amount: UInt256(100), fee: false)
        a.append(id: 2, time: 11, from: 5, to: 1, amount: UInt256(100), fee: false)
        a.append(id: 3, time: 20, from: 1, to: 9, amount: UInt256(paid), fee: false)
        a.finish()
        var b = AccountTraceGraph()
        b.asset = 20
        b.append(id: 4, time: 20, from: 9, to: 2, amount: UInt256(out), fee: false)
        b.append(id: 5, time: 30, from: 2, to: 3, amount: UInt256(5), fee: false)
        b.finish()
        return [10: a, 20: b]
    }

    static func link(paid: UInt64, out: UInt64) -> ConversionLink {
        let c = Conversion(
            protocolName: "test", tx: "0x01", logIndex: 0, block: 1, time: 20, pool: "0x09", trader: "0x01",
            recipient: "0x02", assetIn: "a", amountIn: UInt256(paid), assetOut: "b", amountOut: UInt256(out))
        return ConversionLink(
            id: 1, conversion: c, assetIn: 10, assetOut: 20, inTransfer: 3, inAmount: UInt256(paid),
            outTransfer: 4,
            outAmount: UInt256(out), pool: 9, recipient: 2)
    }

    static func run(
        paid: UInt64, out: UInt64, policy: TracePolicy, direction: TraceDirection = .forward, hops: Int = 6,
        seed: Int32 = 0, asset: Int64 = 10
    ) -> [CrossAssetTrace.AssetTrace] {
        let g = graphs(paid: paid, out: out)
        return CrossAssetTrace.trace(
            asset: asset, seeds: [seed], links: [link(paid: paid, out: out)], policy: policy,
            direction: direction,
            limits: { _ in TraceLimits(maxHops: hops) }, graph: { g[$0] ?? AccountTraceGraph() })
    }

    static func conserves(_ r: TraceResult) -> Bool {
        r.endpointTotal + r.fees + r.belowThreshold + r.cutTotal == r.seedTotal
    }

    @Test(
        "haircut: half the payer's balance is tainted, so 3 of 7 paid in; 3 × 10 / 7 = 4.28… continues as 4 units of B"
    )
    func haircutRate() {
        // Seed: the tainted 100 of the 200 address 1 holds; it pays 7 of them: 3 tainted (floor
        // 3.5; the remainder stays with the address), which the pool converts at 10 B per 7 A.
        let t = Self.run(paid: 7, out: 10, policy: .haircut)
        #expect(t.map(\.asset) == [10, 20])
        #expect(t.allSatisfy { Self.conserves($0.result) })
        let a = t[0].result
        #expect(a.seedTotal == UInt256(100))
        #expect(a.endpoints.first { $0.kind == .converted }?.amount == UInt256(3))
        #expect(a.endpoints.first { $0.kind == .balance }?.amount == UInt256(97))
        let flow = t[0].flows[0]
        #expect(flow.reached == UInt256(3) && flow.continued == UInt256(4) && flow.followed)
        // B: 4 units seeded on the pool's payment to address 2, which passes 5 of its 10 on:
        // haircut 4 × 5 / 10 = 2 to address 3, 2 stay.
        let b = t[1].result
        #expect(b.seedTotal == UInt256(4))
        #expect(b.endpoints.map(\.amount).reduce(.zero, +) == UInt256(4))
        #expect(b.endpoints.contains { $0.location == .address(3) && $0.amount == UInt256(2) })
    }

    @Test("FIFO: the oldest units go first: the 7 paid are all tainted, 7 × 10 / 7 = 10 of B")
    func fifoRate() {
        let t = Self.run(paid: 7, out: 10, policy: .fifo)
        #expect(t.allSatisfy { Self.conserves($0.result) })
        #expect(t[0].flows[0].reached == UInt256(7) && t[0].flows[0].continued == UInt256(10))
        #expect(t[1].result.seedTotal == UInt256(10))
    }

    @Test("rounding: the part below one base unit is not carried (floor)")
    func rounding() {
        // 3 A tainted of 3 paid, converted at 2 B per 3 A: exactly 2. And 1 of 3 at 2 per 3: 0.66… → 0.
        let full = Self.run(paid: 3, out: 2, policy: .fifo)
        #expect(full[0].flows[0].continued == UInt256(2))
        let g = Self.graphs(paid: 3, out: 2)
        let t = CrossAssetTrace.trace(
            asset: 10, seeds: [0], links: [Self.link(paid: 3, out: 2)], policy: .haircut, direction: .forward,
            limits: { _ in TraceLimits() }, graph: { g[$0] ?? AccountTraceGraph() })
        // Haircut: 100 of 200 tainted, 3 paid: floor(1.5) = 1 tainted reaches the pool: 1 × 2 / 3 = 0.
        #expect(t[0].flows[0].reached == UInt256(1) && t[0].flows[0].continued == .zero)
        #expect(!t[0].flows[0].followed && t.count == 1)
    }

    @Test(
        "the hop limit counts the conversion's output leg: at 1 hop the value stops as converted, unfollowed")
    func hopLimit() {
        let t = Self.run(paid: 7, out: 10, policy: .fifo, hops: 1)
        #expect(t.count == 1 && !t[0].flows[0].followed)
        #expect(Self.conserves(t[0].result))
    }

    @Test("backward: demand on B's payment goes back through the pool into A at the inverse rate")
    func backward() {
        // Seed: address 2's payment of 5 B (position 1 of B); demand 5 on the 10 B address 2 got
        // from the pool: 5 × 7 / 10 = 3 A demanded of the pool's input.
        let t = Self.run(paid: 7, out: 10, policy: .fifo, direction: .backward, seed: 1, asset: 20)
        #expect(t.map(\.asset) == [20, 10])
        #expect(t.allSatisfy { Self.conserves($0.result) })
        #expect(t[0].flows[0].reached == UInt256(5) && t[0].flows[0].continued == UInt256(3))
        #expect(t[1].result.seedTotal == UInt256(3))
    }
}
