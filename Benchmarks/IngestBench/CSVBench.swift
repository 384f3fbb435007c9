import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import Foundation

/// Writes a transfers CSV with AMLSim's columns: `rows` transfers between `accounts` accounts,
/// amounts with 2 decimals, one transfer every 10 seconds from 2017-01-01 (deterministic).
func writeTransfersCSV(path: String, rows: Int, accounts: Int) throws {
    var random = SplitMix64(seed: 0x5eed)
    func next() -> UInt64 { random.next() }
    var out = "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n"
    out.reserveCapacity(rows * 80)
    let start = 1_483_228_800  // 2017-01-01T00:00:00Z
    for i in 1...rows {
        let from = next() % UInt64(accounts)
        var to = next() % UInt64(accounts)
        if to == from { to = (to + 1) % UInt64(accounts) }
        let cents = next() % 10_000_000
        let fraction = cents % 100 < 10 ? "0\(cents % 100)" : "\(cents % 100)"
        let time = Render.isoTime(Int64(start + i * 10))
        out += "\(i),\(from),\(to),TRANSFER,\(cents / 100).\(fraction),\(time),False,-1\n"
    }
    try out.write(toFile: path, atomically: true, encoding: .utf8)
}

func csvBenchmark(dir: String, rows: Int, accounts: Int, runs: Int) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let csv = "\(dir)/transfers-\(rows)-\(accounts).csv"
    if !FileManager.default.fileExists(atPath: csv) {
        print("generating \(rows) transfers between \(accounts) accounts into \(csv) …")
        try writeTransfersCSV(path: csv, rows: rows, accounts: accounts)
    }
    let size = ((try? FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0) >> 20
    var rates: [Double] = []
    for run in 1...runs {
        let db = "\(dir)/bench-csv.db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let store = try GraphStore(path: db)
        let detected = try FormatDetector.detect(path: csv)
        let report = try TransferCSVIngest.run(
            store: store, files: [(csv, detected)], options: TransferCSVOptions(mapping: .amlsim))
        rates.append(report.recordsPerSecond)
        let dbSize = ((try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) ?? 0) >> 20
        print(
            "run \(run): \(report.summary.transfers) transfers (\(size) MiB CSV) in \(String(format: "%.2f", report.seconds))s = \(Int(report.recordsPerSecond)) transfers/s"
                + String(format: " [indexes %.2fs]", report.summary.indexSeconds)
                + " (\(report.summary.newAddresses) addresses, db \(dbSize) MiB, peak RSS so far \(Int(peakMemoryMiB())) MiB)"
        )
    }
    let sorted = rates.sorted()
    print(
        "median: \(Int(sorted[sorted.count / 2])) transfers/s over \(runs) runs; peak memory \(Int(peakMemoryMiB())) MiB"
    )
}
