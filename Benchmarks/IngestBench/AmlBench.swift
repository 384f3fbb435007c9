import FlowAnalysis
import FlowKit
import FlowModel
import FlowReport
import FlowSim
import FlowStore
import Foundation

/// `chainflow-bench --aml`: the default rule set over a generated labelled ledger of about
/// `transfers` transfers (`generate ledger`, 180 days; generated and ingested once, cached in
/// `dir`). Each run loads the snapshot from SQLite and runs every rule; it prints load time, rule
/// time per rule, transfers per second of the rule pass (prices attached), and peak memory.
func amlBenchmark(dir: String, transfers: Int, runs: Int, threads: Int?) throws {
    // About 102 transfers per account over 180 days.
    let accounts = max(500, transfers / 102)
    let ledgerDir = "\(dir)/ledger-\(accounts)"
    let db = ledgerDir + "/ledger.db"
    if !FileManager.default.fileExists(atPath: db) {
        print("generating a ledger of \(accounts) accounts into \(ledgerDir) …")
        let start = Date()
        let report = try AmlLedger.generate(
            options: LedgerOptions(accounts: accounts, days: 180, seed: 7), directory: ledgerDir, ingest: true
        )
        print(
            "generated \(report.summary.transfers) transfers (\(report.summary.instances) planted instances) in \(String(format: "%.1f", Date().timeIntervalSince(start)))s"
        )
    }
    let store = try GraphStore(path: db, readOnly: true)
    let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
    var loads: [Double] = []
    var passes: [Double] = []
    var alerts = 0
    for run in 1...runs {
        let t0 = ContinuousClock.now
        var snapshot = try store.transferSnapshot(from: .min, until: .max)
        // Prices included: thresholds in the currency per asset and day, as `aml run` does.
        snapshot.attachPrices(try store.priceSeries(currency: "USD"), currency: "USD")
        let t1 = ContinuousClock.now
        let timing = UnsafeTiming()
        let found = AmlEngine.run(snapshot, rules: .standard, threads: threadCount, timing: timing)
        let t2 = ContinuousClock.now
        let load = seconds(t1 - t0)
        let pass = seconds(t2 - t1)
        loads.append(load)
        passes.append(pass)
        alerts = found.count
        let perRule = timing.value.rules.map { String(format: "%@ %.3f", $0.name, $0.seconds) }.joined(
            separator: ", ")
        print(
            "run \(run): \(snapshot.count) transfers, \(snapshot.addressCount) addresses: load \(String(format: "%.2f", load))s, rules \(String(format: "%.3f", pass))s = \(Int(Double(snapshot.count) / pass)) transfers/s on \(threadCount) threads, \(found.count) alerts (peak RSS so far \(Int(peakMemoryMiB())) MiB)"
        )
        print("  index \(String(format: "%.3f", timing.value.indexSeconds)); \(perRule)")
    }
    let snapshotCount = try store.transferSnapshot(from: .min, until: .max).count
    let load = loads.sorted()[runs / 2]
    let pass = passes.sorted()[runs / 2]
    print(
        "median: load \(String(format: "%.2f", load))s, rules \(String(format: "%.3f", pass))s = \(Int(Double(snapshotCount) / pass)) transfers/s after load over \(runs) runs; \(alerts) alerts; peak memory \(Int(peakMemoryMiB())) MiB"
    )
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
