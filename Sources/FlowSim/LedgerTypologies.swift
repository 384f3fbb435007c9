import FlowModel

/// The planted typologies of `LedgerGenerator`: each draws fresh members from the customers (so
/// they also have normal activity), a start day, sizes, amounts and delays, and records its
/// ground truth.
extension LedgerGenerator {
    static func plant(_ b: Builder, customers: [Int32], fresh: Int, perTypology: Int) {
        var pool = customers
        for i in stride(from: pool.count - 1, to: 0, by: -1) { pool.swapAt(i, b.random.below(i + 1)) }
        var next = 0
        func take(_ k: Int) -> [Int32] {
            defer { next += k }
            return (0..<k).map { pool[(next + $0) % pool.count] }
        }
        let hour: Int64 = 3_600
        let days = b.options.days
        func startTime() -> Int64 {
            b.start + Int64(10 + b.random.below(days - 55)) * b.day + 8 * hour
                + Int64(b.random.below(10 * 3_600))
        }
        func record(_ typology: LedgerTypology, _ members: [Int32], _ events: [Int]) {
            b.instances.append((typology.rawValue, members, events))
        }
        var freshLeft = fresh
        var tagged: [Int32] = []
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
        for typology in LedgerTypology.allCases where b.options.typologies.contains(typology) {
            for _ in 0..<perTypology {
                let id = Int32(b.instances.count)
                var events: [Int] = []
                func pay(_ f: Int32, _ t: Int32, _ c: Int64, _ time: Int64) -> Int64 {
                    events.append(b.pay(f, t, c, at: time, instance: id))
                    return c
                }
                switch typology {
                case .fanIn, .fanOut:
                    let k = 6 + b.random.below(11)
                    let group = take(k + 1)
                    let t0 = startTime()
                    let span = Int64(1 + b.random.below(60)) * hour
                    for m in group.dropFirst() {
                        let t = t0 + Int64(b.random.below(Int(span)))
                        let v = b.amount(90_000, 600_000)
                        if typology == .fanIn {
                            _ = pay(m, group[0], v, t)
                        } else {
                            _ = pay(group[0], m, v, t)
                        }
                    }
                    record(typology, group, events)
                case .scatterGather:
                    let k = 3 + b.random.below(5)
                    let group = take(k + 2)
                    let (source, sink) = (group[0], group[1])
                    var t = startTime()
                    for m in group.dropFirst(2) {
                        t += Int64(b.random.below(12 * 3_600))
                        let v = pay(source, m, b.amount(200_000, 900_000), t)
                        _ = pay(
                            m, sink, v * Int64(85 + b.random.below(14)) / 100,
                            t + Int64(1 + b.random.below(36)) * hour)
                    }
                    record(typology, group, events)
                case .gatherScatter:
                    let ins = 3 + b.random.below(5)
                    let outs = 3 + b.random.below(5)
                    let group = take(1 + ins + outs)
                    let h = group[0]
                    var t = startTime()
                    var total: Int64 = 0
                    for m in group[1...ins] {
                        t += Int64(b.random.below(12 * 3_600))
                        total += pay(m, h, b.amount(150_000, 800_000), t)
                    }
                    let kept = total * Int64(85 + b.random.below(14)) / 100
                    for m in group[(ins + 1)...] {
                        t += Int64(1 + b.random.below(12 * 3_600))
                        _ = pay(h, m, kept / Int64(outs), t)
                    }
                    record(typology, group, events)
                case .cycle:
                    let hops = 3 + b.random.below(4)
                    let group = take(hops)
                    var t = startTime()
                    var v = b.amount(500_000, 5_000_000)
                    for k in 0..<hops {
                        _ = pay(group[k], group[(k + 1) % hops], v, t)
                        v = v * Int64(90 + b.random.below(10)) / 100
                        t += Int64(2 + b.random.below(46)) * hour
                    }
                    record(typology, group, events)
                case .bipartite:
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
                            _ = pay(s, d, b.amount(100_000, 900_000), t0 + Int64(b.random.below(4 * 86_400)))
                        }
                    }
                    record(typology, group, events)
                case .stack:
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
                            received[k] += pay(
                                s, d, b.amount(100_000, 600_000), t0 + Int64(b.random.below(2 * 86_400)))
                        }
                    }
                    for (k, s) in layers[1].enumerated() {
                        let share =
                            received[k] * Int64(85 + b.random.below(14)) / 100 / Int64(layers[2].count)
                        for d in layers[2] {
                            _ = pay(s, d, share, t0 + 2 * b.day + Int64(b.random.below(3 * 86_400)))
                        }
                    }
                    record(typology, group, events)
                case .randomWalk:
                    let hops = 4 + b.random.below(5)
                    let group = take(hops + 1)
                    var t = startTime()
                    var v = b.amount(300_000, 4_000_000)
                    for k in 0..<hops {
                        _ = pay(group[k], group[k + 1], v, t)
                        v = v * Int64(90 + b.random.below(10)) / 100
                        t += Int64(1 + b.random.below(60)) * hour
                    }
                    record(typology, group, events)
                case .structuring:
                    let count = 3 + b.random.below(4)
                    let t0 = startTime()
                    let span = Int64(1 + b.random.below(6)) * b.day
                    if b.random.chance(perMille: 500) {
                        let group = take(2)
                        for _ in 0..<count {
                            _ = pay(
                                group[0], group[1], b.amount(900_000, 999_000),
                                t0 + Int64(b.random.below(Int(span))))
                        }
                        record(typology, group, events)
                    } else {
                        let group = take(count + 1)
                        for s in group.dropFirst() {
                            _ = pay(
                                s, group[0], b.amount(900_000, 999_000), t0 + Int64(b.random.below(Int(span)))
                            )
                        }
                        record(typology, group, events)
                    }
                case .passThrough:
                    let group = take(3)
                    let t0 = startTime()
                    let v = pay(group[0], group[1], b.amount(300_000, 4_000_000), t0)
                    let out = v * Int64(92 + b.random.below(9)) / 100
                    let t1 = t0 + Int64(1 + b.random.below(20)) * hour
                    if b.random.chance(perMille: 500) {
                        _ = pay(group[1], group[2], out, t1)
                    } else {
                        _ = pay(group[1], group[2], out / 2, t1)
                        _ = pay(group[1], group[2], out - out / 2, t1 + Int64(b.random.below(3_600)))
                    }
                    record(typology, group, events)
                case .velocity:
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
                            _ = pay(earlier, subject, b.amount(5_000, 50_000), b.daytime(b.random.below(10)))
                        }
                        t0 = b.start + Int64(60 + b.random.below(days - 75)) * b.day
                    } else {
                        t0 = b.start + Int64(15 + b.random.below(days - 55)) * b.day
                    }
                    let span = Int64(6 + b.random.below(34)) * hour
                    for j in 0..<k {
                        let p = partners[j % partners.count]
                        let t = t0 + Int64(b.random.below(Int(span)))
                        if b.random.chance(perMille: 500) {
                            _ = pay(p, subject, b.amount(10_000, 500_000), t)
                        } else {
                            _ = pay(subject, p, b.amount(10_000, 500_000), t)
                        }
                    }
                    record(typology, [subject] + partners + earlierMembers, events)
                case .exposure:
                    let hops = 1 + b.random.below(3)
                    let group = take(hops)
                    let target = tagged[b.random.below(tagged.count)]
                    var t = startTime()
                    var v = b.amount(100_000, 2_000_000)
                    let path = b.random.chance(perMille: 700) ? group + [target] : [target] + group
                    for k in 0..<hops {
                        _ = pay(path[k], path[k + 1], v, t)
                        v = v * Int64(90 + b.random.below(10)) / 100
                        t += Int64(1 + b.random.below(48)) * hour
                    }
                    record(typology, path, events)
                }
            }
        }
    }

    /// Unix seconds as ISO-8601 UTC (civil-from-days, proleptic Gregorian).
    static func isoTime(_ t: Int64) -> String {
        TimeParser.isoString(t)
    }
}
