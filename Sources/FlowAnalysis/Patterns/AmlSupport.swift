import FlowModel
import Foundation

extension AmlGraph {
    /// Runs `body` over `count` items cut into chunks, on up to `threads` threads, and joins the
    /// alerts in chunk order (the result never depends on the thread count).
    func chunked(_ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> [AmlAlert]) -> [AmlAlert] {
        let chunks = max(1, min(count, threads <= 1 ? 1 : threads * 8))
        return parallelMap(chunks, threads: threads) { c in
            body(count * c / chunks..<count * (c + 1) / chunks)
        }
        .flatMap { $0 }
    }

    /// Splits time-ordered rows by asset (one group, without copying, for a one-asset snapshot).
    func byAsset(_ rows: [Int32]) -> [(asset: Int, rows: [Int32])] {
        if snapshot.assets.count <= 1 { return rows.isEmpty ? [] : [(0, rows)] }
        var groups: [Int: [Int32]] = [:]
        for r in rows { groups[Int(snapshot.asset[Int(r)]), default: []].append(r) }
        return groups.keys.sorted().map { ($0, groups[$0]!) }
    }

    /// Sum of the rows' amounts.
    func total(_ rows: some Sequence<Int32>) -> UInt256 {
        var sum = UInt256.zero
        for r in rows { sum += snapshot.amount[Int(r)] }
        return sum
    }

    /// An alert over `rows`: addresses are the subjects plus both ends of every row, the window
    /// spans the rows' times.
    func alert(
        _ rule: AmlRule, severity: AmlSeverity? = nil, score: Int, subjects: [UInt32], rows: [Int32],
        asset: Int, amount: UInt256, explanation: String
    ) -> AmlAlert {
        let sorted = Array(Set(rows)).sorted()
        var addresses = Set(subjects)
        var start = Int64.max
        var end = Int64.min
        for r in sorted {
            addresses.insert(snapshot.from[Int(r)])
            addresses.insert(snapshot.to[Int(r)])
            start = min(start, snapshot.time[Int(r)])
            end = max(end, snapshot.time[Int(r)])
        }
        return AmlAlert(
            rule: rule.name, typology: rule.detector.rawValue, severity: severity ?? rule.severity,
            score: score,
            subjects: subjects, addresses: addresses.sorted(), rows: sorted, windowStart: start,
            windowEnd: end,
            asset: asset, amount: amount, explanation: explanation)
    }
}

extension AmlGraph {
    /// The most rows of `list` (time-ordered) inside any span of `window` seconds: a cheap
    /// upper bound that lets window rules skip most addresses before filtering.
    @inline(__always) func busiest(_ list: ArraySlice<Int32>, window: Int64) -> Int {
        var best = 0
        var lo = list.startIndex
        for hi in list.indices {
            let t = snapshot.time[Int(list[hi])]
            while t - snapshot.time[Int(list[lo])] > window { lo += 1 }
            best = max(best, hi - lo + 1)
        }
        return best
    }
}

/// Greedy maximal windows like `slidingWindows`, counting rows instead of distinct keys.
func countingWindows(
    _ rows: [Int32], time: [Int64], window: Int64, accept: (ArraySlice<Int32>, Int) -> Bool
) {
    var i = 0
    var j = 0
    while i < rows.count {
        while j < rows.count && time[Int(rows[j])] - time[Int(rows[i])] <= window { j += 1 }
        if accept(rows[i..<j], j - i) {
            i = j
            continue
        }
        i += 1
    }
}

/// A multiset of addresses with a count of distinct members, for sliding windows.
struct DistinctCounter {
    private var counts: [UInt32: Int] = [:]
    private(set) var distinct = 0

    mutating func add(_ a: UInt32) {
        counts[a, default: 0] += 1
        if counts[a] == 1 { distinct += 1 }
    }

    mutating func remove(_ a: UInt32) {
        guard let c = counts[a] else { return }
        if c == 1 {
            counts[a] = nil
            distinct -= 1
        } else {
            counts[a] = c - 1
        }
    }

    mutating func removeAll() {
        counts.removeAll(keepingCapacity: true)
        distinct = 0
    }
}

/// Greedy maximal windows over time-ordered `rows`: from each start, the rows within `window`
/// seconds; when `accept` takes that span it becomes an alert and the scan continues after it,
/// otherwise the start moves on by one. Spans never overlap, so each burst gives one alert.
func slidingWindows(
    _ rows: [Int32], time: [Int64], window: Int64, key: (Int32) -> UInt32,
    accept: (ArraySlice<Int32>, Int) -> Bool
) {
    var counter = DistinctCounter()
    var i = 0
    var j = 0
    while i < rows.count {
        while j < rows.count && time[Int(rows[j])] - time[Int(rows[i])] <= window {
            counter.add(key(rows[j]))
            j += 1
        }
        if accept(rows[i..<j], counter.distinct) {
            counter.removeAll()
            i = j
            continue
        }
        counter.remove(key(rows[i]))
        i += 1
    }
}

extension AmlGraph {
    /// How many new counterparties a subject would see in a window of `window` seconds at its own
    /// rate: its `total` distinct counterparties less the `inWindow` ones of the window itself,
    /// spread over the rest of the loaded data, plus one.
    func expectedInWindow(total: Int, inWindow: Int, window: Int64) -> Double {
        let first = snapshot.time.first ?? 0
        let span = max(window, snapshot.dataEnd - first)
        let rest = Double(max(1, span - window))
        // One more than seen: a subject with nothing outside the window has an unknown rate, not
        // zero (so a window as long as the data proves nothing).
        return Double(max(0, total - inWindow) + 1) * Double(window) / rest
    }
}

/// P(X ≥ k) for X Poisson with mean `lambda`: the chance of a burst of `k` at that rate.
func poissonTail(_ k: Int, _ lambda: Double) -> Double {
    if k <= 0 { return 1 }
    if lambda <= 0 { return 0 }
    // The first term e^-λ λ^k / k! in logs, then the terms after it until they vanish.
    var logTerm = -lambda + Double(k) * log(lambda)
    for i in 1...k { logTerm -= log(Double(i)) }
    var term = exp(logTerm)
    var sum = 0.0
    var i = k
    while term > sum * 1e-12 && i < k + 10_000 {
        sum += term
        i += 1
        term *= lambda / Double(i)
    }
    return min(1, sum)
}

/// "0.4%", "1 in 3.2e+06": a chance for explanations.
func chanceText(_ p: Double) -> String {
    if p <= 0 { return "0" }
    if p >= 0.001 { return String(format: "%.1f%%", p * 100) }
    return String(format: "1 in %.2g", 1 / p)
}
