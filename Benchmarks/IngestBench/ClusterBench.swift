import FlowAnalysis
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import Foundation

/// Resets the peak-RSS counter (VmHWM) of this process (Linux ≥ 4.0), so that what follows is
/// measured alone.
func resetPeakMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

/// CPU seconds (user + system) used by this process so far: unlike wall-clock time, it does not
/// grow when other processes compete for the cores.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// CPU seconds used by the calling thread so far.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func format(_ x: Double) -> String { String(format: "%.3f", x) }

/// The 1-minute load average, to judge how much other processes competed for the cores.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(
        String.init)
        ?? "?"
}

/// `chainflow-bench --cluster`: multi-input clustering of the generated chain, end to end
/// (`Clustering.run` with `full`: load from the store, heuristics, union-find, write), and the
/// union-find pass alone on the loaded edges with 1 thread and with all threads. Medians of
/// `runs`; peak memory of the clustering runs alone.
func clusterBenchmark(dir: String, txs: Int, files: [String], runs: Int, threads: Int?) throws {
    let db = "\(dir)/cluster-\(txs).db"
    let marker = db + ".ingested"
    if !FileManager.default.fileExists(atPath: marker) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        print("ingesting \(files.count) files into \(db) (once) …")
        let report = try BitcoinIngest.run(
            store: try GraphStore(path: db), options: IngestOptions(paths: files))
        print("ingested \(report.summary.transactions) tx in \(format(report.seconds))s")
        try Data().write(to: URL(fileURLWithPath: marker))
    }
    let store = try GraphStore(path: db)
    let allThreads = threads ?? ProcessInfo.processInfo.activeProcessorCount
    let heuristics = try HeuristicSet.parse("multi-input")
    resetPeakMemory()

    var load: [Double] = []
    var examine: [Double] = []
    var unionFind: [Double] = []
    var write: [Double] = []
    var total: [Double] = []
    var inputsPerSecond: [Double] = []
    var cpu: [Double] = []
    var last: ClusterRunReport?
    for run in 1...runs {
        let cpuStart = processCPUSeconds()
        let r = try Clustering.run(
            store: store, options: ClusterOptions(heuristics: heuristics, threads: allThreads, full: true))
        cpu.append(processCPUSeconds() - cpuStart)
        load.append(r.loadSeconds)
        examine.append(r.heuristicSeconds)
        unionFind.append(r.unionFindSeconds)
        write.append(r.writeSeconds)
        total.append(r.totalSeconds)
        inputsPerSecond.append(r.inputsPerSecond)
        last = r
        print(
            "run \(run): load \(format(r.loadSeconds))s, heuristics \(format(r.heuristicSeconds))s, union-find \(format(r.unionFindSeconds))s (\(Int(r.inputsPerSecond)) inputs/s), write \(format(r.writeSeconds))s, total \(format(r.totalSeconds))s (CPU \(format(cpu.last ?? 0))s); peak RSS so far \(Int(peakMemoryMiB())) MiB"
        )
    }
    let clusterPeak = peakMemoryMiB()
    if let r = last {
        print(
            "\(r.transactions) tx, \(r.inputs) inputs, \(r.edges["multi-input"] ?? 0) links, \(r.merges["multi-input"] ?? 0) merges, \(r.coinJoinsSkipped) CoinJoin-like skipped; \(r.clusters) clusters of 2+ holding \(r.clusteredAddresses) addresses, largest \(r.largestSize)"
        )
    }
    print(
        "median of \(runs) (cluster run, \(allThreads) threads): load \(format(median(load)))s, heuristics \(format(median(examine)))s, union-find \(format(median(unionFind)))s = \(Int(median(inputsPerSecond))) inputs/s, write \(format(median(write)))s, end to end \(format(median(total)))s, CPU \(format(median(cpu)))s; peak memory \(Int(clusterPeak)) MiB; load average \(loadAverage())"
    )

    // The union-find pass alone, on the edges of the loaded snapshot.
    var snapshot = UTXOSnapshot()
    do {
        try store.withClusterSession(parameters: "{\"benchmark\":true}") { session in
            let (blocks, _) = try session.chain()
            snapshot = try session.loadSnapshot(
                blocks: blocks, columns: SnapshotColumns(), scanAll: true, threads: allThreads
            ).snapshot
            throw CancellationError()  // roll the session back: nothing to record
        }
    } catch is CancellationError {}
    let (edges, report) = BitcoinEdges.build(
        snapshot, options: BitcoinHeuristicOptions(), threads: allThreads)
    let addressCount = Int(snapshot.maxAddress) + 1
    for t in Set([1, allThreads]).sorted() {
        var times: [Double] = []
        var cpuTimes: [Double] = []
        var merges = 0
        for _ in 1...runs {
            let start = DispatchTime.now()
            let cpuStart = t == 1 ? threadCPUSeconds() : processCPUSeconds()
            var uf = ClusterUnionFind(addressCount: addressCount)
            merges = uf.merge(edges, threads: t).count
            _ = uf.clusterIds()
            cpuTimes.append((t == 1 ? threadCPUSeconds() : processCPUSeconds()) - cpuStart)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        }
        let m = median(times)
        let c = median(cpuTimes)
        print(
            "union-find pass alone, \(t) thread\(t == 1 ? "" : "s"): \(format(m))s median of \(runs) = \(Int(Double(report.inputs) / m)) inputs/s; CPU \(format(c))s = \(Int(Double(report.inputs) / c)) inputs per CPU-second (\(edges.count) links, \(merges) merges)"
        )
    }
}
