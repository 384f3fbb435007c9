import FlowIngest
import FlowKit
// Ingest benchmark: generates a synthetic chain (once, cached in the work folder) and ingests it
// into a fresh database several times, printing transactions per second end to end (read,
// decode, resolve prevouts, write, build indexes) for each run, their median, and peak memory.
// With --csv, the same for a generic transfers CSV (AMLSim columns; parse, intern addresses,
// write, build indexes), in transfers per second; with --eth, for an ethereum-etl export
// (transactions, receipts, token transfers: read, decode, map, intern, write, build indexes), in
// records per second.
//
//   swift run -c release chainflow-bench [--txs 1000000] [--runs 3] [--dir /tmp/chainflow-bench] [--threads N]
//   swift run -c release chainflow-bench --csv [--rows 1000000] [--accounts 100000] [--runs 3]
//   swift run -c release chainflow-bench --eth [--rows 200000] [--accounts 50000] [--runs 3]
//   swift run -c release chainflow-bench --trace [--txs 1000000] [--runs 3] [--threads N]
//   swift run -c release chainflow-bench --cluster [--txs 1000000] [--runs 3] [--threads N]
//   swift run -c release chainflow-bench --aml [--transfers 1000000] [--runs 3] [--threads N]
import FlowReport
import FlowSim
import FlowStore
import Foundation

func argument(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}

let txs = Int(argument("--txs") ?? "") ?? 1_000_000
let runs = Int(argument("--runs") ?? "") ?? 3
let dir = argument("--dir") ?? "/tmp/chainflow-bench"
let threads = Int(argument("--threads") ?? "")
let batchMiB = Int(argument("--batch-mib") ?? "") ?? 4
let chainDir = "\(dir)/chain-\(txs)"

if CommandLine.arguments.contains("--aml") {
    try amlBenchmark(
        dir: dir, transfers: Int(argument("--transfers") ?? "") ?? 1_000_000, runs: runs, threads: threads)
    exit(0)
}

if CommandLine.arguments.contains("--eth") {
    try ethereumBenchmark(
        dir: dir, rows: Int(argument("--rows") ?? "") ?? 200_000,
        accounts: Int(argument("--accounts") ?? "") ?? 50_000, runs: runs)
    exit(0)
}

if CommandLine.arguments.contains("--csv") {
    try csvBenchmark(
        dir: dir, rows: Int(argument("--rows") ?? "") ?? 1_000_000,
        accounts: Int(argument("--accounts") ?? "") ?? 100_000, runs: runs)
    exit(0)
}

if !FileManager.default.fileExists(atPath: chainDir + "/truth.json") {
    print("generating \(txs) transactions into \(chainDir) …")
    try? FileManager.default.removeItem(atPath: chainDir)
    try FileManager.default.createDirectory(atPath: chainDir, withIntermediateDirectories: true)
    let start = Date()
    let summary = try ChainGenerator.write(
        options: ChainGeneratorOptions(transactions: txs, seed: 7), to: chainDir)
    print(
        "generated \(summary.blocks) blocks, \(summary.transactions) tx, \(summary.bytes) bytes in \(String(format: "%.1f", Date().timeIntervalSince(start)))s"
    )
}
let files = try FileManager.default.contentsOfDirectory(atPath: chainDir).filter {
    $0.hasPrefix("blk") && $0.hasSuffix(".dat")
}
.sorted().map { "\(chainDir)/\($0)" }

if CommandLine.arguments.contains("--cluster") {
    try clusterBenchmark(dir: dir, txs: txs, files: files, runs: runs, threads: threads)
    exit(0)
}

if CommandLine.arguments.contains("--trace") {
    try traceBenchmark(dir: dir, txs: txs, files: files, runs: runs, threads: threads)
    exit(0)
}

if CommandLine.arguments.contains("--decode-only") {
    let start = Date()
    var count = 0
    for file in files {
        let source = try BlockSource.load(path: file)
        for frame in source.frames { count += try source.decode(frame).transactions.count }
    }
    print(
        "decode only (1 thread): \(count) tx in \(String(format: "%.2f", Date().timeIntervalSince(start)))s")
    exit(0)
}

var rates = [Double]()
for run in 1...runs {
    let db = "\(dir)/bench.db"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
    let store = try GraphStore(path: db)
    let report = try BitcoinIngest.run(
        store: store, options: IngestOptions(paths: files, threads: threads, batchBytes: batchMiB << 20))
    rates.append(report.transactionsPerSecond)
    let dbSize = ((try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0) >> 20
    print(
        "run \(run): \(report.summary.transactions) tx in \(String(format: "%.2f", report.seconds))s = \(Int(report.transactionsPerSecond)) tx/s"
            + String(
                format: " [indexes %.2fs, chain %.2fs, late prevouts %.2fs]", report.summary.indexSeconds,
                report.summary.chainSeconds, report.summary.resolveSeconds)
            + " (unresolved inputs \(report.summary.unresolvedInputs), db \(dbSize) MiB, peak RSS so far \(Int(peakMemoryMiB())) MiB)"
    )
}
let sorted = rates.sorted()
print(
    "median: \(Int(sorted[sorted.count / 2])) tx/s over \(runs) runs; peak memory \(Int(peakMemoryMiB())) MiB"
)
