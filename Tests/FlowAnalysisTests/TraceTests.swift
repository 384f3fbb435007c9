import FlowModel
import Testing

@testable import FlowAnalysis

/// Sum of everything a trace accounts for.
func accounted(_ r: TraceResult) -> UInt256 {
    r.endpointTotal + r.fees + r.belowThreshold + r.cutTotal
}

/// The result without its step count (the reference counts work differently).
func comparable(_ r: TraceResult) -> TraceResult {
    var c = r
    c.steps = 0
    return c
}

func u256(_ v: UInt64) -> UInt256 { UInt256(v) }

func describe(_ r: TraceResult) -> String {
    var lines = [
        "seeds \(r.seedAmounts.map(\.decimalString)) fees \(r.fees.decimalString) below \(r.belowThreshold.decimalString)"
    ]
    for e in r.endpoints + r.cuts {
        lines.append(
            "\(e.kind.rawValue) \(e.location) a\(e.address) \(e.amount.decimalString) h\(e.hops) \(e.path) t\(e.time.map(String.init) ?? "-")…\(e.lastTime.map(String.init) ?? "-")"
        )
    }
    return lines.joined(separator: "\n")
}

@Suite("Exact 256-bit arithmetic for shares")
struct TraceArithmeticTests {
    static func limbs(_ v: UInt256) -> [UInt64] { [v.limbs.0, v.limbs.1, v.limbs.2, v.limbs.3] }
    static func make(_ l: [UInt64]) -> UInt256 { UInt256(limbs: (l[0], l[1], l[2], l[3])) }

    /// `a - b` modulo 2^256.
    static func wrappingSubtract(_ a: UInt256, _ b: UInt256) -> UInt256 {
        let x = limbs(a)
        let y = limbs(b)
        var out: [UInt64] = [0, 0, 0, 0]
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (d1, o1) = x[i].subtractingReportingOverflow(y[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            out[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return make(out)
    }

    /// floor(a × b / c) by shift-and-subtract over 512 bits, the slow obvious way.
    static func slowMultiplyDivide(_ a: UInt256, _ b: UInt256, _ c: UInt256) -> (UInt256, UInt256) {
        let (high, low) = a.multipliedFullWidth(by: b)
        let h = limbs(high)
        let l = limbs(low)
        var bits: [Bool] = []
        for i in stride(from: 255, through: 0, by: -1) { bits.append((h[i / 64] >> UInt64(i % 64)) & 1 == 1) }
        for i in stride(from: 255, through: 0, by: -1) { bits.append((l[i / 64] >> UInt64(i % 64)) & 1 == 1) }
        var q: [UInt64] = [0, 0, 0, 0]
        var r = UInt256.zero
        for (k, bit) in bits.enumerated() {
            // r < c ≤ 2^256 - 1 and the quotient fits, so 2r + 1 fits in 257 bits: track the carry.
            let overflow = r.limbs.3 >> 63 == 1
            r = r.shiftedLeft(1)
            if bit { r = r.plus(UInt256(1)) }
            if overflow || !(r < c) {
                // With overflow, r + 2^256 - c = r - c (mod 2^256).
                r = wrappingSubtract(r, c)
                let i = 511 - k
                if i < 256 { q[i / 64] |= 1 << UInt64(i % 64) }
            }
        }
        return (make(q), r)
    }

    @Test("multiplyDivide equals slow long division, random widths")
    func multiplyDivide() {
        var random = TestRandom(seed: 11)
        func value(_ limbs: Int) -> UInt256 {
            var v = UInt256.zero
            var l: [UInt64] = [0, 0, 0, 0]
            for i in 0..<limbs { l[i] = random.next() >> UInt64(random.below(64)) }
            v = Self.make(l)
            return v
        }
        for _ in 0..<3000 {
            let c = value(1 + random.below(4))
            if c == .zero { continue }
            // Keep a ≤ c so the quotient fits (the tracers' case).
            var a = value(1 + random.below(4))
            if a > c { a = c.minus(UInt256(UInt64(random.below(3)))) }
            let b = value(1 + random.below(4))
            guard let (q, r) = UInt256.multiplyDivide(a, b, c) else {
                Issue.record("nil for \(a) \(b) \(c)")
                continue
            }
            let (sq, sr) = Self.slowMultiplyDivide(a, b, c)
            #expect(q == sq && r == sr, "\(a) × \(b) / \(c)")
        }
        #expect(UInt256.multiplyDivide(UInt256(5), UInt256(5), .zero) == nil)
        #expect(UInt256(100).quotientAndRemainder(dividingBy: UInt256(7))! == (UInt256(14), UInt256(2)))
    }

    @Test("shares add up exactly; remainders go to the largest, then the lower index")
    func shares() {
        #expect(TraceShares.split(UInt64(10), weights: [1, 1, 1], total: 3) == [4, 3, 3])
        #expect(TraceShares.split(UInt64(2), weights: [3, 3, 4], total: 10) == [1, 0, 1])
        var random = TestRandom(seed: 5)
        for _ in 0..<2000 {
            let weights = (0..<(1 + random.below(6))).map { _ in UInt64(random.below(1_000_000)) }
            let total = weights.reduce(0, +)
            if total == 0 { continue }
            let amount = UInt64(random.below(Int(total) + 1))
            let parts = TraceShares.split(amount, weights: weights, total: total)
            #expect(parts.reduce(0, +) == amount)
            for (p, w) in zip(parts, weights) {
                let exact = Double(amount) * Double(w) / Double(total)
                #expect(abs(Double(p) - exact) < 1.0001)
            }
        }
    }

    @Test("zeroed trace buffers start at zero, hold what is written, and free their memory")
    func zeroedBuffer() {
        struct Record {
            var a: UInt64 = 0
            var b: Int32 = 0
            var c: UInt8 = 0
        }
        for count in [1, 1000, 5_000_000] {
            let buffer = TraceZeroedBuffer<Record>(count: count)
            #expect(buffer[0].a == 0 && buffer[count - 1].b == 0 && buffer[count / 2].c == 0)
            buffer[count - 1].a = 7
            buffer[count / 2].c |= 2
            #expect(buffer[count - 1].a == 7 && buffer[count / 2].c == 2)
            if count > 2 { #expect(buffer[0].a == 0 && buffer[1].c == 0) }
        }
    }

    @Test("unit ranges: union, slice")
    func ranges() {
        let a = TraceRanges<UInt64>(lower: 0, upper: 5).union(TraceRanges(lower: 8, upper: 10))
        #expect(a.measure == 7)
        #expect(a.union(TraceRanges(lower: 4, upper: 9)).bounds == [0, 10])
        #expect(a.slice(3, 9, to: 100).bounds == [100, 102, 105, 106])
    }
}

@Suite("UTXO tracing")
struct UTXOTraceTests {
    /// Two inputs (3 BTC clean, then 2 BTC tainted) into outputs of 4 and 0.9 BTC, fee 0.1.
    static func twoInTwoOut() -> (UTXOTraceGraph, tainted: Int32) {
        var b = TraceGraphs.UTXOBuilder()
        let clean = b.tx(spends: [(-1, 0)], pays: [.init(address: 1, value: 300_000_000)], coinbase: true)[0]
        let tainted = b.tx(spends: [(-1, 0)], pays: [.init(address: 2, value: 200_000_000)], coinbase: true)[
            0]
        _ = b.spend(
            [clean, tainted],
            pays: [.init(address: 3, value: 400_000_000), .init(address: 4, value: 90_000_000)])
        return (b.finished(), tainted)
    }

    static func amounts(_ r: TraceResult) -> [UInt32: UInt64] {
        var out: [UInt32: UInt64] = [:]
        for e in r.endpoints { out[e.address, default: 0] += e.amount.uint64 ?? 0 }
        return out
    }

    @Test("2-in/2-out, tainted second input: FIFO gives 1 BTC and 0.9 BTC, fee 0.1 BTC")
    func fifoSplit() {
        let (g, seed) = Self.twoInTwoOut()
        let r = UTXOTracer.trace(g, seeds: [seed], policy: .fifo, direction: .forward, limits: TraceLimits())
        #expect(Self.amounts(r) == [3: 100_000_000, 4: 90_000_000])
        #expect(r.fees == UInt256(10_000_000))
        #expect(r.seedTotal == UInt256(200_000_000))
        #expect(r.endpoints.allSatisfy { $0.kind == .unspent && $0.hops == 1 && $0.path == [20, 30] })
    }

    @Test("times: an endpoint's time is the block time of the transaction that created its output")
    func utxoTimes() {
        var b = TraceGraphs.UTXOBuilder()
        let outs = b.tx(spends: [(-1, 0)], pays: [.init(address: 1, value: 10)], time: 100, coinbase: true)
        let next = b.spend([outs[0]], pays: [.init(address: 5, value: 10)], time: 150)
        _ = b.spend([next[0]], pays: [.init(address: 6, value: 10)], time: 170)
        let g = b.finished()
        let f = UTXOTracer.trace(
            g, seeds: [outs[0]], policy: .haircut, direction: .forward, limits: TraceLimits())
        #expect(f.endpoints.map(\.time) == [170] && f.endpoints.map(\.lastTime) == [170])
        let cut = UTXOTracer.trace(
            g, seeds: [outs[0]], policy: .haircut, direction: .forward, limits: TraceLimits(maxHops: 1))
        #expect(cut.cuts.map(\.time) == [150], "\(describe(cut))")
        let back = UTXOTracer.trace(
            g, seeds: [Int32(g.outputCount - 1)], policy: .fifo, direction: .backward, limits: TraceLimits())
        #expect(back.endpoints.map(\.kind) == [.coinbase] && back.endpoints.map(\.time) == [100])
    }

    @Test("2-in/2-out: haircut gives 2/5 of each output and of the fee; poison taints all")
    func haircutAndPoison() {
        let (g, seed) = Self.twoInTwoOut()
        let h = UTXOTracer.trace(
            g, seeds: [seed], policy: .haircut, direction: .forward, limits: TraceLimits())
        #expect(Self.amounts(h) == [3: 160_000_000, 4: 36_000_000])
        #expect(h.fees == UInt256(4_000_000))
        let p = UTXOTracer.trace(
            g, seeds: [seed], policy: .poison, direction: .forward, limits: TraceLimits())
        #expect(Self.amounts(p) == [3: 400_000_000, 4: 90_000_000])
        #expect(p.fees == UInt256(10_000_000))
    }

    @Test("2-in/2-out backward: the 4 BTC output came 3 BTC from the first input (FIFO), 60/40 (haircut)")
    func backward() {
        let (g, _) = Self.twoInTwoOut()
        let big: Int32 = 2
        let f = UTXOTracer.trace(g, seeds: [big], policy: .fifo, direction: .backward, limits: TraceLimits())
        #expect(Self.amounts(f) == [1: 300_000_000, 2: 100_000_000])
        #expect(f.endpoints.allSatisfy { $0.kind == .coinbase && $0.hops == 1 })
        let h = UTXOTracer.trace(
            g, seeds: [big], policy: .haircut, direction: .backward, limits: TraceLimits())
        #expect(Self.amounts(h) == [1: 240_000_000, 2: 160_000_000])
        #expect(h.fees == .zero)
    }

    @Test("an odd split goes to the largest remainder; hop limit and stop tags end the trace")
    func limitsAndStops() {
        var b = TraceGraphs.UTXOBuilder()
        let seed = b.tx(spends: [(-1, 0)], pays: [.init(address: 1, value: 10)], coinbase: true)[0]
        let other = b.tx(spends: [(-1, 0)], pays: [.init(address: 9, value: 20)], coinbase: true)[0]
        let outs = b.spend(
            [seed, other],
            pays: [.init(address: 2, value: 10), .init(address: 3, value: 10), .init(address: 4, value: 10)])
        let next = b.spend([outs[0]], pays: [.init(address: 5, value: 10)], time: 50)
        _ = b.spend([next[0]], pays: [.init(address: 6, value: 10)], time: 60)
        let g = b.finished()
        // 10 tainted of 30 over three outputs of 10: 3.33 each, the extra unit to the first.
        let r = UTXOTracer.trace(
            g, seeds: [seed], policy: .haircut, direction: .forward, limits: TraceLimits())
        #expect(Self.amounts(r) == [6: 4, 3: 3, 4: 3])
        let hop1 = UTXOTracer.trace(
            g, seeds: [seed], policy: .haircut, direction: .forward, limits: TraceLimits(maxHops: 1))
        #expect(hop1.cuts.map(\.kind) == [.hopLimit])
        #expect(hop1.cutTotal == UInt256(4))
        let stop = UTXOTracer.trace(
            g, seeds: [seed], policy: .haircut, direction: .forward, limits: TraceLimits(stops: [2]))
        #expect(stop.endpoints.first { $0.address == 2 }?.kind == .tagged)
        let window = UTXOTracer.trace(
            g, seeds: [seed], policy: .haircut, direction: .forward, limits: TraceLimits(until: 55))
        #expect(window.cuts.map(\.kind) == [.timeLimit])
        let small = UTXOTracer.trace(
            g, seeds: [seed], policy: .haircut, direction: .forward,
            limits: TraceLimits(minAmount: UInt256(4)))
        #expect(small.belowThreshold == UInt256(6) && small.belowThresholdBranches == 2)
        for x in [r, hop1, stop, window, small] { #expect(accounted(x) == x.seedTotal) }
    }

    @Test("a transaction with an input of unknown value stops the trace there")
    func unknownInputs() {
        var b = TraceGraphs.UTXOBuilder()
        let seed = b.tx(spends: [(-1, 0)], pays: [.init(address: 1, value: 10)], coinbase: true)[0]
        _ = b.tx(spends: [(seed, 0), (-1, -1)], pays: [.init(address: 2, value: 15)])
        let g = b.finished()
        let r = UTXOTracer.trace(
            g, seeds: [seed], policy: .haircut, direction: .forward, limits: TraceLimits())
        #expect(r.endpoints.map(\.kind) == [.unknownInputs])
        #expect(accounted(r) == UInt256(10))
    }

    @Test(
        "fast = reference, and haircut/FIFO conserve value exactly, on random graphs",
        arguments: [TracePolicy.haircut, .fifo, .poison], [TraceDirection.forward, .backward])
    func randomGraphs(policy: TracePolicy, direction: TraceDirection) {
        var steps = 0
        var deepest = 0
        var kinds = Set<TraceEndpointKind>()
        defer {
            // The graphs must make the tracers work: long routes, every kind of end.
            #expect(steps > 500 && deepest >= 4, "steps \(steps), deepest \(deepest)")
            #expect(kinds.count >= 4, "\(kinds)")
        }
        for seed in UInt64(1)...30 {
            let (g, seeds) = TraceGraphs.randomUTXO(transactions: 400, addresses: 40, seed: seed)
            var random = TestRandom(seed: seed * 7)
            let limitSets = [
                TraceLimits(maxHops: 1000),
                TraceLimits(maxHops: 1 + random.below(5)),
                TraceLimits(
                    maxHops: 2 + random.below(8),
                    since: direction == .backward ? 1000 + Int64(random.below(2000)) : nil,
                    until: direction == .forward ? 1000 + Int64(random.below(4000)) : nil,
                    minAmount: UInt256(UInt64(random.below(100_000))),
                    stops: Set((0..<3).map { _ in UInt32(1 + random.below(40)) })),
            ]
            for limits in limitSets {
                let fast = UTXOTracer.trace(
                    g, seeds: seeds, policy: policy, direction: direction, limits: limits)
                steps += fast.steps
                deepest = max(deepest, (fast.endpoints + fast.cuts).map(\.hops).max() ?? 0)
                kinds.formUnion((fast.endpoints + fast.cuts).map(\.kind))
                let slow = ReferenceTracer.utxo(
                    g, seeds: seeds, policy: policy, direction: direction, limits: limits)
                #expect(
                    comparable(fast) == comparable(slow),
                    "seed \(seed)\nfast:\n\(describe(fast))\nreference:\n\(describe(slow))")
                if policy.conservesValue {
                    #expect(accounted(fast) == fast.seedTotal, "seed \(seed): \(describe(fast))")
                }
                if direction == .backward { #expect(fast.fees == .zero) }
            }
        }
    }

    @Test(
        "poison reaches every place haircut reaches, with at least as much",
        arguments: [TraceDirection.forward, .backward])
    func poisonCoversHaircut(direction: TraceDirection) {
        for seed in UInt64(1)...20 {
            let (g, seeds) = TraceGraphs.randomUTXO(transactions: 300, addresses: 30, seed: seed)
            let limits = TraceLimits(maxHops: 4)
            let h = UTXOTracer.trace(g, seeds: seeds, policy: .haircut, direction: direction, limits: limits)
            let p = UTXOTracer.trace(g, seeds: seeds, policy: .poison, direction: direction, limits: limits)
            var poisoned: [TraceLocation: UInt256] = [:]
            for e in p.endpoints + p.cuts {
                poisoned[e.location] = (poisoned[e.location] ?? .zero) + e.amount
            }
            for e in h.endpoints + h.cuts where e.kind != .hopLimit {
                #expect((poisoned[e.location] ?? .zero) >= e.amount, "seed \(seed): \(e)")
            }
        }
    }
}

@Suite("Account tracing")
struct AccountTraceTests {

    /// A (seed 100 in) → B; B also got 300 clean earlier; B pays C 200, then D 200.
    static func layered() -> AccountTraceGraph {
        TraceGraphs.accounts(
            [
                (9, 2, u256(300), 10, false),  // clean into B
                (1, 2, u256(100), 20, false),  // tainted into B (the seed, position 1)
                (2, 3, u256(200), 30, false),  // B → C
                (2, 4, u256(200), 40, false),  // B → D
                (3, 5, u256(50), 5, false),  // before: an earlier C payment (time order puts it first)
            ].sorted { $0.3 < $1.3 })
    }

    static func amounts(_ r: TraceResult) -> [UInt32: UInt64] {
        var out: [UInt32: UInt64] = [:]
        for e in r.endpoints + r.cuts { out[e.address, default: 0] += e.amount.uint64 ?? 0 }
        return out
    }

    @Test("haircut: an outflow carries the tainted share of the balance at that moment")
    func haircut() {
        let g = Self.layered()
        let seed: Int32 = 2  // (1 → 2, 100) after sorting by time
        #expect(g.from[Int(seed)] == 1)
        let r = AccountTracer.trace(
            g, seeds: [seed], policy: .haircut, direction: .forward, limits: TraceLimits())
        // B holds 400 (100 tainted): C gets 50, D gets 50 (200 × 50/200).
        #expect(Self.amounts(r) == [3: 50, 4: 50])
        #expect(accounted(r) == u256(100))
    }

    @Test("FIFO: B spends its oldest value first, so C gets clean value and D the taint")
    func fifo() {
        let g = Self.layered()
        let r = AccountTracer.trace(g, seeds: [2], policy: .fifo, direction: .forward, limits: TraceLimits())
        // B's queue: 300 clean, 100 tainted. C takes 200 clean; D takes 100 clean + 100 tainted.
        #expect(Self.amounts(r) == [4: 100])
        let back = AccountTracer.trace(
            g, seeds: [4], policy: .fifo, direction: .backward, limits: TraceLimits())
        // D's 200 came 100 from A's seed transfer and 100 from the clean source 9: both unknown
        // beyond (nothing earlier), so the sources are A and 9 (shortfalls).
        #expect(Self.amounts(back) == [1: 100, 9: 100])
        #expect(accounted(back) == u256(200))
    }

    @Test("time-respecting: value that arrives after a transfer is not carried by it")
    func timeRespecting() {
        let g = TraceGraphs.accounts([
            (2, 3, u256(50), 10, false),  // B pays C before the taint arrives
            (1, 2, u256(100), 20, false),  // seed into B
        ])
        let r = AccountTracer.trace(
            g, seeds: [1], policy: .poison, direction: .forward, limits: TraceLimits())
        #expect(Self.amounts(r) == [2: 100])
        #expect(r.endpoints.first?.kind == .balance)
    }

    @Test(
        "times: a balance reached twice has its first and last tainted arrival; tagged, burned, minted and unknown sources the time of their transfer",
        arguments: [TracePolicy.haircut, .fifo, .poison])
    func times(policy: TracePolicy) {
        let g = TraceGraphs.accounts([
            (0, 1, u256(1000), 5, false),  // minted into A
            (1, 2, u256(400), 10, false),  // seed A → B
            (1, 2, u256(300), 20, false),  // seed A → B again
            (2, 7, u256(100), 30, false),  // B → 7 (tagged)
            (2, 0, u256(50), 40, false),  // B burns
            (8, 9, u256(5), 50, false),  // unrelated, later
        ])
        let f = AccountTracer.trace(
            g, seeds: [1, 2], policy: policy, direction: .forward, limits: TraceLimits(stops: [7]))
        let balance = f.endpoints.first { $0.kind == .balance }
        #expect(balance?.address == 2 && balance?.time == 10 && balance?.lastTime == 20, "\(describe(f))")
        #expect(f.endpoints.first { $0.kind == .tagged }?.time == 30)
        #expect(
            f.endpoints.first { $0.kind == .burned }.map { ($0.time, $0.lastTime) } ?? (nil, nil) == (40, 40))
        // Backward from B's payment to 7: the value left A at 10 or 20 and was minted at 5.
        let b = AccountTracer.trace(
            g, seeds: [3], policy: policy, direction: .backward, limits: TraceLimits(stops: [1]))
        let tagged = b.endpoints.first { $0.kind == .tagged }
        #expect(
            tagged?.address == 1 && (tagged?.time ?? 0) >= 10 && (tagged?.lastTime ?? 0) <= 20,
            "\(describe(b))")
        let minted = AccountTracer.trace(
            g, seeds: [3], policy: policy, direction: .backward, limits: TraceLimits())
        #expect(minted.endpoints.first { $0.kind == .minted }?.time == 5, "\(describe(minted))")
        // More paid than the store shows arrived: the unknown funds are dated by that payment.
        let short = TraceGraphs.accounts([(1, 2, u256(10), 7, false), (2, 3, u256(25), 9, false)])
        let u = AccountTracer.trace(
            short, seeds: [1], policy: policy, direction: .backward, limits: TraceLimits())
        #expect(u.endpoints.first { $0.kind == .unknownSource }?.time == 9, "\(describe(u))")
    }

    @Test("fees carry their share; minted and unknown sources end backward traces")
    func feesAndSources() {
        let g = TraceGraphs.accounts([
            (0, 1, u256(1000), 1, false),  // minted into A
            (1, 0, u256(10), 2, true),  // A pays a fee
            (1, 2, u256(990), 3, false),  // A → B (seed)
            (2, 3, u256(1500), 4, false),  // B → C, more than B shows: 510 from outside the store
        ])
        let f = AccountTracer.trace(
            g, seeds: [0], policy: .haircut, direction: .forward, limits: TraceLimits())
        #expect(f.fees == u256(10))
        #expect(Self.amounts(f) == [3: 990])
        let b = AccountTracer.trace(
            g, seeds: [3], policy: .haircut, direction: .backward, limits: TraceLimits())
        #expect(b.endpoints.map(\.kind).sorted() == [TraceEndpointKind.minted, .unknownSource])
        #expect(b.endpoints.first { $0.kind == .unknownSource }?.amount == u256(510))
        #expect(accounted(b) == u256(1500))
    }

    @Test(
        "fast = reference, and haircut/FIFO conserve value exactly, on random transfers",
        arguments: [TracePolicy.haircut, .fifo, .poison], [TraceDirection.forward, .backward])
    func randomGraphs(policy: TracePolicy, direction: TraceDirection) {
        var steps = 0
        var deepest = 0
        var kinds = Set<TraceEndpointKind>()
        defer {
            #expect(steps > 500 && deepest >= 4, "steps \(steps), deepest \(deepest)")
            #expect(kinds.count >= 4, "\(kinds)")
        }
        for seed in UInt64(1)...30 {
            let (g, seeds) = TraceGraphs.randomAccounts(
                transfers: 300, addresses: 25, seed: seed, big: seed % 3 == 0)
            var random = TestRandom(seed: seed * 13)
            let limitSets = [
                TraceLimits(maxHops: 1000),
                TraceLimits(maxHops: 1 + random.below(4)),
                TraceLimits(
                    maxHops: 2 + random.below(8),
                    since: direction == .backward ? 1000 + Int64(random.below(1500)) : nil,
                    until: direction == .forward ? 1000 + Int64(random.below(3000)) : nil,
                    minAmount: UInt256(UInt64(random.below(500))),
                    stops: Set((0..<2).map { _ in UInt32(1 + random.below(25)) })),
            ]
            for limits in limitSets {
                let fast = AccountTracer.trace(
                    g, seeds: seeds, policy: policy, direction: direction, limits: limits)
                steps += fast.steps
                deepest = max(deepest, (fast.endpoints + fast.cuts).map(\.hops).max() ?? 0)
                kinds.formUnion((fast.endpoints + fast.cuts).map(\.kind))
                let slow = ReferenceTracer.account(
                    g, seeds: seeds, policy: policy, direction: direction, limits: limits)
                #expect(
                    comparable(fast) == comparable(slow),
                    "seed \(seed)\nfast:\n\(describe(fast))\nreference:\n\(describe(slow))")
                if policy.conservesValue {
                    #expect(accounted(fast) == fast.seedTotal, "seed \(seed): \(describe(fast))")
                }
            }
        }
    }

    @Test(
        "poison reaches every place haircut reaches, with at least as much",
        arguments: [TraceDirection.forward, .backward])
    func poisonCoversHaircut(direction: TraceDirection) {
        for seed in UInt64(1)...20 {
            let (g, seeds) = TraceGraphs.randomAccounts(transfers: 200, addresses: 20, seed: seed, big: false)
            let h = AccountTracer.trace(
                g, seeds: seeds, policy: .haircut, direction: direction, limits: TraceLimits(maxHops: 5))
            let p = AccountTracer.trace(
                g, seeds: seeds, policy: .poison, direction: direction, limits: TraceLimits(maxHops: 5))
            var poisoned: [TraceLocation: UInt256] = [:]
            for e in p.endpoints + p.cuts where e.kind != .unknownSource {
                poisoned[e.location] = (poisoned[e.location] ?? .zero) + e.amount
            }
            for e in h.endpoints + h.cuts where e.kind != .unknownSource && e.kind != .hopLimit {
                #expect((poisoned[e.location] ?? .zero) >= e.amount, "seed \(seed): \(e)")
            }
        }
    }
}
