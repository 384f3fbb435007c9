public import FlowModel

/// The transfer graph indexed for the detectors: per-address incoming and outgoing rows in time
/// order (CSR arrays over dense ids), hubs, and each address's relationships (counterparty, first
/// and last transfer time) for the "established relationship" test.
public struct AmlGraph: Sendable {
    public let snapshot: TransferSnapshot
    public let settings: AmlRuleSet
    let outStart: [Int32]
    let outRows: [Int32]
    let inStart: [Int32]
    let inRows: [Int32]
    /// Distinct counterparties of each address (in and out).
    let degree: [Int32]
    let hub: [Bool]
    let relStart: [Int32]
    let relCounterparty: [UInt32]
    let relFirst: [Int64]
    let relLast: [Int64]

    /// Builds the index on up to `threads` threads (the result does not depend on the count).
    public init(snapshot s: TransferSnapshot, settings: AmlRuleSet, threads: Int) {
        snapshot = s
        self.settings = settings
        let n = s.addressCount
        func csr(_ key: [UInt32]) -> ([Int32], [Int32]) {
            var start = [Int32](repeating: 0, count: n + 1)
            for k in key { start[Int(k) + 1] += 1 }
            for i in 0..<n { start[i + 1] += start[i] }
            var fill = start
            var rows = [Int32](repeating: 0, count: key.count)
            for (r, k) in key.enumerated() {
                rows[Int(fill[Int(k)])] = Int32(r)
                fill[Int(k)] += 1
            }
            return (start, rows)
        }
        (outStart, outRows) = csr(s.from)
        (inStart, inRows) = csr(s.to)
        // Relationships per address, in parallel over address chunks.
        let chunks = max(1, min(threads * 4, n / 4096 + 1))
        let oS = outStart
        let oR = outRows
        let iS = inStart
        let iR = inRows
        struct Part: Sendable {
            var counts: [Int32] = []
            var cp: [UInt32] = []
            var first: [Int64] = []
            var last: [Int64] = []
        }
        let parts = parallelMap(chunks, threads: threads) { c -> Part in
            let lo = n * c / chunks
            let hi = n * (c + 1) / chunks
            var p = Part()
            var scratch: [(UInt32, Int64)] = []
            for a in lo..<hi {
                scratch.removeAll(keepingCapacity: true)
                for k in Int(oS[a])..<Int(oS[a + 1]) {
                    let r = Int(oR[k])
                    scratch.append((s.to[r], s.time[r]))
                }
                for k in Int(iS[a])..<Int(iS[a + 1]) {
                    let r = Int(iR[k])
                    scratch.append((s.from[r], s.time[r]))
                }
                scratch.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                var count: Int32 = 0
                var i = 0
                while i < scratch.count {
                    let cp = scratch[i].0
                    var j = i
                    while j + 1 < scratch.count && scratch[j + 1].0 == cp { j += 1 }
                    p.cp.append(cp)
                    p.first.append(scratch[i].1)
                    p.last.append(scratch[j].1)
                    count += 1
                    i = j + 1
                }
                p.counts.append(count)
            }
            return p
        }
        var relStart = [Int32](repeating: 0, count: n + 1)
        var degree = [Int32](repeating: 0, count: n)
        var cps: [UInt32] = []
        var firsts: [Int64] = []
        var lasts: [Int64] = []
        var a = 0
        for p in parts {
            for c in p.counts {
                degree[a] = c
                relStart[a + 1] = relStart[a] + c
                a += 1
            }
            cps += p.cp
            firsts += p.first
            lasts += p.last
        }
        self.relStart = relStart
        self.degree = degree
        relCounterparty = cps
        relFirst = firsts
        relLast = lasts
        var hub = degree.map { Int($0) >= settings.hubMinCounterparties }
        let hubCategories = Set(settings.hubCategories)
        for (address, categories) in s.tags where categories.contains(where: hubCategories.contains) {
            hub[Int(address)] = true
        }
        self.hub = hub
    }

    @inline(__always) func outgoing(_ a: UInt32) -> ArraySlice<Int32> {
        outRows[Int(outStart[Int(a)])..<Int(outStart[Int(a) + 1])]
    }

    @inline(__always) func incoming(_ a: UInt32) -> ArraySlice<Int32> {
        inRows[Int(inStart[Int(a)])..<Int(inStart[Int(a) + 1])]
    }

    /// Whether `a` and `b` have an established relationship: transfers between them (either
    /// way) at least `settings.establishedSpan` apart.
    @inline(__always) func established(_ a: UInt32, _ b: UInt32) -> Bool {
        var lo = Int(relStart[Int(a)])
        var hi = Int(relStart[Int(a) + 1])
        while lo < hi {
            let mid = (lo + hi) / 2
            if relCounterparty[mid] < b { lo = mid + 1 } else { hi = mid }
        }
        guard lo < Int(relStart[Int(a) + 1]), relCounterparty[lo] == b else { return false }
        return relLast[lo] - relFirst[lo] >= settings.establishedSpan
    }

    /// The first index in `rows` (time-ordered) whose time is greater than `t`.
    @inline(__always) func firstAfter(_ t: Int64, in rows: ArraySlice<Int32>) -> Int {
        var lo = rows.startIndex
        var hi = rows.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if snapshot.time[Int(rows[mid])] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Thresholds in base units for each asset of the snapshot (nil where not applicable).
    func perAsset(_ threshold: AmountThreshold) -> [UInt256?] {
        snapshot.assets.map { threshold.baseUnits(for: $0) }
    }

    /// `amount` with its asset's symbol, in asset units ("9,500.00 USD" style without grouping).
    func format(_ amount: UInt256, asset: Int) -> String {
        guard asset >= 0, asset < snapshot.assets.count else {
            return "\(amount.decimalString(decimals: 8)) BTC"
        }
        let info = snapshot.assets[asset]
        return "\(amount.decimalString(decimals: info.decimals ?? 0)) \(info.symbol)"
    }
}

/// "3d 4h", "2h 5m", "45s": a duration for explanations.
func durationText(_ seconds: Int64) -> String {
    if seconds >= 86_400 {
        let h = (seconds % 86_400) / 3_600
        return h == 0 ? "\(seconds / 86_400)d" : "\(seconds / 86_400)d \(h)h"
    }
    if seconds >= 3_600 {
        let m = (seconds % 3_600) / 60
        return m == 0 ? "\(seconds / 3_600)h" : "\(seconds / 3_600)h \(m)m"
    }
    if seconds >= 60 { return "\(seconds / 60)m" }
    return "\(seconds)s"
}

/// A percentage from permyriad: 9000 -> "90%", 9050 -> "90.5%".
func percentText(_ p: Int) -> String {
    p % 100 == 0 ? "\(p / 100)%" : "\(p / 100).\(p % 100 < 10 ? "0" : "")\(p % 100)%"
}

/// 1–100: 50 when `observed` equals `threshold`, 100 at twice it.
func score(_ observed: Int, _ threshold: Int) -> Int {
    guard threshold > 0 else { return 50 }
    return max(1, min(100, observed * 50 / threshold))
}
