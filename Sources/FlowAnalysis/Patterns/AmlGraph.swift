public import FlowModel

/// The transfer graph indexed for the detectors: per-address incoming and outgoing rows in time
/// order (CSR arrays over dense ids), degrees and hubs, and for each row whether its two
/// addresses have an established relationship.
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
    /// Whether each row is between two addresses with an established relationship: transfers
    /// between them (either way) at least `settings.establishedSpan` apart in the loaded data.
    let establishedRow: [Bool]

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
        // Relationships: for each address, the first and last time it transferred with each
        // counterparty (either way), from scratch arrays indexed by counterparty; a row is
        // established when its pair's span reaches `establishedSpan`. Each chunk of addresses
        // returns its degrees and its established outgoing rows.
        let chunks = max(1, min(threads, n))
        let oS = outStart
        let oR = outRows
        let iS = inStart
        let iR = inRows
        let span = settings.establishedSpan
        struct Part: Sendable {
            var degree: [Int32] = []
            var established: [Int32] = []
        }
        let parts = parallelMap(chunks, threads: threads) { c -> Part in
            let lo = n * c / chunks
            let hi = n * (c + 1) / chunks
            var p = Part()
            p.degree.reserveCapacity(hi - lo)
            var first = [Int64](repeating: .max, count: n)
            var last = [Int64](repeating: .min, count: n)
            var touched: [UInt32] = []
            for a in lo..<hi {
                for k in Int(oS[a])..<Int(oS[a + 1]) {
                    let r = Int(oR[k])
                    let cp = Int(s.to[r])
                    if first[cp] == .max { touched.append(UInt32(cp)) }
                    first[cp] = min(first[cp], s.time[r])
                    last[cp] = max(last[cp], s.time[r])
                }
                for k in Int(iS[a])..<Int(iS[a + 1]) {
                    let r = Int(iR[k])
                    let cp = Int(s.from[r])
                    if first[cp] == .max { touched.append(UInt32(cp)) }
                    first[cp] = min(first[cp], s.time[r])
                    last[cp] = max(last[cp], s.time[r])
                }
                p.degree.append(Int32(touched.count))
                for k in Int(oS[a])..<Int(oS[a + 1]) {
                    let r = Int(oR[k])
                    let cp = Int(s.to[r])
                    if last[cp] - first[cp] >= span { p.established.append(Int32(r)) }
                }
                for cp in touched {
                    first[Int(cp)] = .max
                    last[Int(cp)] = .min
                }
                touched.removeAll(keepingCapacity: true)
            }
            return p
        }
        var degree: [Int32] = []
        degree.reserveCapacity(n)
        var establishedRow = [Bool](repeating: false, count: s.count)
        for p in parts {
            degree += p.degree
            for r in p.established { establishedRow[Int(r)] = true }
        }
        self.degree = degree
        self.establishedRow = establishedRow
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

    /// A rule's threshold in base units for each asset of the snapshot and day (see
    /// `AssetThresholds`).
    func perAsset(_ threshold: AmountThreshold) -> AssetThresholds {
        AssetThresholds(threshold, snapshot: snapshot)
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
