import Dispatch
import FlowAnalysis
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import Foundation

/// CPU seconds of the calling thread (time it ran, not time it waited for a core: the 2-core
/// machine is shared, and wall-clock medians of short traces swing with its load).
func traceThreadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func traceMedian(_ xs: [Double]) -> Double { xs.isEmpty ? 0 : xs.sorted()[xs.count / 2] }

/// `chainflow-bench --trace`: loading the generated chain's transaction graph for tracing, and a
/// 6-hop forward haircut trace from its busiest address (the one paid by the most outputs),
/// medians of `runs`; also FIFO and poison, a backward haircut trace, and `chainflow trace`
/// end to end (`Trace.run`: seed lookup, load, trace, names, run record).
func traceBenchmark(dir: String, txs: Int, files: [String], runs: Int, threads: Int?) throws {
    let db = "\(dir)/trace-\(txs).db"
    let marker = db + ".ingested"
    if !FileManager.default.fileExists(atPath: marker) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        print("ingesting \(files.count) files into \(db) (once) …")
        let report = try BitcoinIngest.run(
            store: try GraphStore(path: db), options: IngestOptions(paths: files))
        print("ingested \(report.summary.transactions) tx in \(String(format: "%.1f", report.seconds))s")
        try Data().write(to: URL(fileURLWithPath: marker))
    }
    let store = try GraphStore(path: db)
    let allThreads = threads ?? ProcessInfo.processInfo.activeProcessorCount
    func seconds(_ start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
    func ms(_ x: Double) -> String { String(format: "%.1f ms", x * 1000) }

    var loads: [Double] = []
    var graph = UTXOTraceGraph()
    for run in 1...runs {
        let start = DispatchTime.now()
        graph = try store.loadUTXOTraceGraph(threads: allThreads)
        loads.append(seconds(start))
        print(
            "load \(run): \(graph.transactionCount) tx, \(graph.inputCount) inputs, \(graph.outputCount) outputs in \(String(format: "%.2f", loads.last ?? 0)) s; peak RSS so far \(Int(peakMemoryMiB())) MiB"
        )
    }

    // The busiest address (paid by the most outputs), and a busy one of a more common kind: the
    // 1000th busiest.
    var counts: [UInt32: Int] = [:]
    for a in graph.outputAddress where a != 0 { counts[a, default: 0] += 1 }
    let ranked: [(address: UInt32, paid: Int)] = counts.map { ($0.key, $0.value) }.sorted {
        $0.paid != $1.paid ? $0.paid > $1.paid : $0.address < $1.address
    }
    guard !ranked.isEmpty else { return }
    var name = ""
    for rank in [1, 1000] {
        let (address, paid) = ranked[min(rank, ranked.count) - 1]
        let text = try store.addressTexts([Int64(address)])[Int64(address)] ?? "#\(address)"
        if rank == 1 { name = text }
        let refs = try store.traceSeeds(text, since: nil, until: nil)
        let seeds: [Int32] = refs.compactMap { ref in
            guard case .output(let id, let tx) = ref else { return nil }
            return graph.output(storeId: id, tx: tx).map(Int32.init)
        }
        print("address of rank \(rank) by outputs, \(text): paid by \(paid) outputs (\(seeds.count) seeds)")

        func bench(_ label: String, _ policy: TracePolicy, _ direction: TraceDirection) {
            var times: [Double] = []
            var cpu: [Double] = []
            var last: TraceResult?
            for _ in 0..<max(runs, 5) {
                let start = DispatchTime.now()
                let cpuStart = traceThreadCPUSeconds()
                // Routes for the 1000 largest endpoints, as `chainflow trace` lists by default.
                last = UTXOTracer.trace(
                    graph, seeds: seeds, policy: policy, direction: direction,
                    limits: TraceLimits(maxHops: 6),
                    paths: 1000)
                times.append(seconds(start))
                cpu.append(traceThreadCPUSeconds() - cpuStart)
            }
            guard let r = last else { return }
            let accounted = r.endpointTotal + r.fees + r.belowThreshold + r.cutTotal
            print(
                "  \(label): median \(ms(traceMedian(times))) (min \(ms(times.min() ?? 0)), CPU \(ms(traceMedian(cpu)))) over \(times.count) runs; \(r.steps) transactions, \(r.endpoints.count) endpoints, \(r.cuts.count) cut; seeds \(r.seedTotal.decimalString) sat, accounted \(accounted.decimalString) sat"
            )
        }
        bench("6-hop haircut forward", .haircut, .forward)
        bench("6-hop FIFO forward", .fifo, .forward)
        bench("6-hop poison forward", .poison, .forward)
        bench("6-hop haircut backward", .haircut, .backward)
    }

    // End to end, as `chainflow trace --from ADDRESS --hops 6` runs it (JSON rendered).
    var ends: [Double] = []
    var runLoad: [Double] = []
    var runTrace: [Double] = []
    var runReport: [Double] = []
    var runRender: [Double] = []
    for _ in 1...runs {
        let start = DispatchTime.now()
        let r = try Trace.run(
            store: store, options: TraceOptions(from: [name], threads: allThreads, limit: 1000))
        let ran = seconds(start)
        let rendering = DispatchTime.now()
        _ = TraceRender.json(r).rendered()
        runRender.append(seconds(rendering))
        ends.append(seconds(start))
        runReport.append(ran - r.loadSeconds - r.traceSeconds)
        runLoad.append(r.loadSeconds)
        runTrace.append(r.traceSeconds)
    }
    print(
        "chainflow trace end to end: median \(String(format: "%.2f", traceMedian(ends))) s (load \(String(format: "%.2f", traceMedian(runLoad))) s, trace \(ms(traceMedian(runTrace))), seeds and report \(ms(traceMedian(runReport))), JSON \(ms(traceMedian(runRender)))); load alone median \(String(format: "%.2f", traceMedian(loads))) s; peak memory \(Int(peakMemoryMiB())) MiB"
    )
}
