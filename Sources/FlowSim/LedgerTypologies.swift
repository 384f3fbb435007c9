import FlowModel

/// The planted typologies of `LedgerGenerator`: each draws fresh members from the customers (so
/// they also have normal activity), a start day, sizes, amounts and delays, and records its
/// ground truth.
extension LedgerGenerator {
    static func plant(_ b: Builder, customers: [Int32], fresh: Int, perTypology: Int) {
        var planter = TypologyPlanter(b, customers: customers, fresh: fresh)
        for typology in AmlTypology.ledger where b.options.typologies.contains(typology) {
            for _ in 0..<perTypology { planter.plant(typology) }
        }
    }

    /// Unix seconds as ISO-8601 UTC (civil-from-days, proleptic Gregorian).
    static func isoTime(_ t: Int64) -> String {
        TimeParser.isoString(t)
    }
}

/// The payments of one planted instance: each is a ledger event tagged with the instance.
struct Payments {
    let b: LedgerGenerator.Builder
    let instance: Int32
    var events: [Int] = []

    mutating func pay(_ from: Int32, _ to: Int32, _ cents: Int64, _ time: Int64) -> Int64 {
        events.append(b.pay(from, to, cents, at: time, instance: instance))
        return cents
    }
}

/// Draws the members, times and amounts of planted instances, one typology per method, in the
/// order of one random stream (the same seed gives the same ledger).
struct TypologyPlanter {
    let b: LedgerGenerator.Builder
    /// The customers in a shuffled order; members are taken from it in turn.
    var pool: [Int32]
    var next = 0
    /// Fresh accounts left for velocity subjects.
    var freshLeft: Int
    /// The sanctioned and mixer accounts exposure paths lead to or come from.
    var tagged: [Int32] = []
    let hour: Int64 = 3_600

    init(_ b: LedgerGenerator.Builder, customers: [Int32], fresh: Int) {
        self.b = b
        pool = customers
        for i in stride(from: pool.count - 1, to: 0, by: -1) { pool.swapAt(i, b.random.below(i + 1)) }
        freshLeft = fresh
        if b.options.typologies.contains(.exposure) {
            for k in 0..<4 {
                let a = b.account("SDN-\(k + 1)")
                b.tags.append((a, "Sanctioned entity \(k + 1)", "sanctions"))
                tagged.append(a)
            }
            for k in 0..<2 {
                let a = b.account("MIXER-\(k + 1)")
                b.tags.append((a, "Mixing service \(k + 1)", "mixer"))
                tagged.append(a)
            }
        }
    }

    mutating func take(_ k: Int) -> [Int32] {
        defer { next += k }
        return (0..<k).map { pool[(next + $0) % pool.count] }
    }

    var days: Int { b.options.days }

    func startTime() -> Int64 {
        b.start + Int64(10 + b.random.below(days - 55)) * b.day + 8 * hour
            + Int64(b.random.below(10 * 3_600))
    }

    /// Plants one instance of `typology` and records its members and events.
    mutating func plant(_ typology: AmlTypology) {
        var p = Payments(b: b, instance: Int32(b.instances.count))
        let members: [Int32]
        switch typology {
        case .fanIn, .fanOut: members = fan(&p, typology)
        case .scatterGather: members = scatterGather(&p)
        case .gatherScatter: members = gatherScatter(&p)
        case .cycle: members = cycle(&p)
        case .bipartite: members = bipartite(&p)
        case .stack: members = stack(&p)
        case .randomWalk: members = randomWalk(&p)
        case .structuring: members = structuring(&p)
        case .passThrough: members = passThrough(&p)
        case .velocity: members = velocity(&p)
        case .exposure: members = exposure(&p)
        // Not in `AmlTypology.ledger`: peel chains are planted on UTXO chains.
        case .peelChain: return
        }
        b.instances.append((typology.rawValue, members, p.events))
    }

    /// Six to sixteen members pay one account (fan-in) or are paid by it (fan-out) within 1-60 hours.
    mutating func fan(_ p: inout Payments, _ typology: AmlTypology) -> [Int32] {
        let k = 6 + b.random.below(11)
        let group = take(k + 1)
        let t0 = startTime()
        let span = Int64(1 + b.random.below(60)) * hour
        for m in group.dropFirst() {
            let t = t0 + Int64(b.random.below(Int(span)))
            let v = b.amount(90_000, 600_000)
            if typology == .fanIn {
                _ = p.pay(m, group[0], v, t)
            } else {
                _ = p.pay(group[0], m, v, t)
            }
        }
        return group
    }

    /// A source pays 3-7 intermediaries, each forwards 85-98% to one sink within 36 hours.
    mutating func scatterGather(_ p: inout Payments) -> [Int32] {
        let k = 3 + b.random.below(5)
        let group = take(k + 2)
        let (source, sink) = (group[0], group[1])
        var t = startTime()
        for m in group.dropFirst(2) {
            t += Int64(b.random.below(12 * 3_600))
            let v = p.pay(source, m, b.amount(200_000, 900_000), t)
            _ = p.pay(
                m, sink, v * Int64(85 + b.random.below(14)) / 100,
                t + Int64(1 + b.random.below(36)) * hour)
        }
        return group
    }

    /// 3-7 senders pay a hub, which pays 85-98% of it on to 3-7 recipients.
    mutating func gatherScatter(_ p: inout Payments) -> [Int32] {
        let ins = 3 + b.random.below(5)
        let outs = 3 + b.random.below(5)
        let group = take(1 + ins + outs)
        let h = group[0]
        var t = startTime()
        var total: Int64 = 0
        for m in group[1...ins] {
            t += Int64(b.random.below(12 * 3_600))
            total += p.pay(m, h, b.amount(150_000, 800_000), t)
        }
        let kept = total * Int64(85 + b.random.below(14)) / 100
        for m in group[(ins + 1)...] {
            t += Int64(1 + b.random.below(12 * 3_600))
            _ = p.pay(h, m, kept / Int64(outs), t)
        }
        return group
    }

    /// Value goes round 3-6 accounts, 90-99% of it each hop, 2-47 hours apart.
    mutating func cycle(_ p: inout Payments) -> [Int32] {
        let hops = 3 + b.random.below(4)
        let group = take(hops)
        var t = startTime()
        var v = b.amount(500_000, 5_000_000)
        for k in 0..<hops {
            _ = p.pay(group[k], group[(k + 1) % hops], v, t)
            v = v * Int64(90 + b.random.below(10)) / 100
            t += Int64(2 + b.random.below(46)) * hour
        }
        return group
    }

    /// 2-4 senders each pay 2-5 recipients within four days (one pair may be missing).
    mutating func bipartite(_ p: inout Payments) -> [Int32] {
        let a = 2 + b.random.below(3)
        let r = 2 + b.random.below(4)
        let group = take(a + r)
        let t0 = startTime()
        var skipped = false
        for s in group[0..<a] {
            for d in group[a...] {
                if !skipped && a >= 3 && r >= 3 && b.random.chance(perMille: 300) {
                    skipped = true
                    continue
                }
                _ = p.pay(s, d, b.amount(100_000, 900_000), t0 + Int64(b.random.below(4 * 86_400)))
            }
        }
        return group
    }

    /// Three layers of 2-4 accounts; every account of a layer pays every one of the next.
    mutating func stack(_ p: inout Payments) -> [Int32] {
        let sizes = (0..<3).map { _ in 2 + b.random.below(3) }
        let group = take(sizes.reduce(0, +))
        let layers = [
            Array(group[0..<sizes[0]]), Array(group[sizes[0]..<(sizes[0] + sizes[1])]),
            Array(group[(sizes[0] + sizes[1])...]),
        ]
        let t0 = startTime()
        var received = [Int64](repeating: 0, count: layers[1].count)
        for s in layers[0] {
            for (k, d) in layers[1].enumerated() {
                received[k] += p.pay(
                    s, d, b.amount(100_000, 600_000), t0 + Int64(b.random.below(2 * 86_400)))
            }
        }
        for (k, s) in layers[1].enumerated() {
            let share =
                received[k] * Int64(85 + b.random.below(14)) / 100 / Int64(layers[2].count)
            for d in layers[2] {
                _ = p.pay(s, d, share, t0 + 2 * b.day + Int64(b.random.below(3 * 86_400)))
            }
        }
        return group
    }

    /// Value walks 4-8 hops along a path of accounts, 90-99% of it each hop.
    mutating func randomWalk(_ p: inout Payments) -> [Int32] {
        let hops = 4 + b.random.below(5)
        let group = take(hops + 1)
        var t = startTime()
        var v = b.amount(300_000, 4_000_000)
        for k in 0..<hops {
            _ = p.pay(group[k], group[k + 1], v, t)
            v = v * Int64(90 + b.random.below(10)) / 100
            t += Int64(1 + b.random.below(60)) * hour
        }
        return group
    }

    /// 3-6 payments just under 10,000 (900,000-999,000 cents) within 1-6 days: one sender to one recipient, or many senders to one.
    mutating func structuring(_ p: inout Payments) -> [Int32] {
        let count = 3 + b.random.below(4)
        let t0 = startTime()
        let span = Int64(1 + b.random.below(6)) * b.day
        if b.random.chance(perMille: 500) {
            let group = take(2)
            for _ in 0..<count {
                _ = p.pay(
                    group[0], group[1], b.amount(900_000, 999_000),
                    t0 + Int64(b.random.below(Int(span))))
            }
            return group
        } else {
            let group = take(count + 1)
            for s in group.dropFirst() {
                _ = p.pay(
                    s, group[0], b.amount(900_000, 999_000), t0 + Int64(b.random.below(Int(span)))
                )
            }
            return group
        }
    }

    /// One account receives and sends 92-100% on within 20 hours, in one or two payments.
    mutating func passThrough(_ p: inout Payments) -> [Int32] {
        let group = take(3)
        let t0 = startTime()
        let v = p.pay(group[0], group[1], b.amount(300_000, 4_000_000), t0)
        let out = v * Int64(92 + b.random.below(9)) / 100
        let t1 = t0 + Int64(1 + b.random.below(20)) * hour
        if b.random.chance(perMille: 500) {
            _ = p.pay(group[1], group[2], out, t1)
        } else {
            _ = p.pay(group[1], group[2], out / 2, t1)
            _ = p.pay(group[1], group[2], out - out / 2, t1 + Int64(b.random.below(3_600)))
        }
        return group
    }

    /// A burst of 10-25 payments with 4-7 partners within 6-39 hours; half the fresh subjects were dormant before it.
    mutating func velocity(_ p: inout Payments) -> [Int32] {
        let subject: Int32
        var quietBefore = false
        if freshLeft > 0 {
            subject = b.account("ACC-\(String(900_000 + freshLeft))")
            freshLeft -= 1
            quietBefore = b.random.chance(perMille: 500)
        } else {
            subject = take(1)[0]
        }
        let k = 10 + b.random.below(16)
        let partners = take(4 + b.random.below(4))
        let t0: Int64
        var earlierMembers: [Int32] = []
        if quietBefore {
            // Dormant then active: a little activity early on, silence, then the burst.
            earlierMembers = take(3)
            for earlier in earlierMembers {
                _ = p.pay(earlier, subject, b.amount(5_000, 50_000), b.daytime(b.random.below(10)))
            }
            t0 = b.start + Int64(60 + b.random.below(days - 75)) * b.day
        } else {
            t0 = b.start + Int64(15 + b.random.below(days - 55)) * b.day
        }
        let span = Int64(6 + b.random.below(34)) * hour
        for j in 0..<k {
            let partner = partners[j % partners.count]
            let t = t0 + Int64(b.random.below(Int(span)))
            if b.random.chance(perMille: 500) {
                _ = p.pay(partner, subject, b.amount(10_000, 500_000), t)
            } else {
                _ = p.pay(subject, partner, b.amount(10_000, 500_000), t)
            }
        }
        return [subject] + partners + earlierMembers
    }

    /// A 1-3 hop path to or from a sanctioned or mixer account.
    mutating func exposure(_ p: inout Payments) -> [Int32] {
        let hops = 1 + b.random.below(3)
        let group = take(hops)
        let target = tagged[b.random.below(tagged.count)]
        var t = startTime()
        var v = b.amount(100_000, 2_000_000)
        let path = b.random.chance(perMille: 700) ? group + [target] : [target] + group
        for k in 0..<hops {
            _ = p.pay(path[k], path[k + 1], v, t)
            v = v * Int64(90 + b.random.below(10)) / 100
            t += Int64(1 + b.random.below(48)) * hour
        }
        return path
    }
}
