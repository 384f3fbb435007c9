import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import Foundation

/// Writes an ethereum-etl export of `rows` transactions between `accounts` accounts: a
/// transactions.csv (with block_timestamp), its receipts.csv (status, gas used, effective gas
/// price: one in 20 failed) and a token_transfers.csv with one ERC-20 transfer per transaction
/// over 50 tokens; 100 transactions per block, one block every 12 seconds (deterministic).
func writeEthereumExport(dir: String, rows: Int, accounts: Int) throws -> [String] {
    var random = SplitMix64(seed: 0xe7e7)
    func next() -> UInt64 { random.next() }
    func hex(_ v: UInt64, _ digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
    func address(_ n: UInt64) -> String { "0x" + hex(n, 40) }
    var txs =
        "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp\n"
    var receipts =
        "transaction_hash,transaction_index,block_hash,block_number,cumulative_gas_used,gas_used,contract_address,root,status,effective_gas_price\n"
    var tokens = "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n"
    txs.reserveCapacity(rows * 250)
    receipts.reserveCapacity(rows * 200)
    tokens.reserveCapacity(rows * 230)
    for i in 0..<rows {
        let block = 15_000_000 + i / 100
        let time = 1_660_000_000 + (i / 100) * 12
        let hash = "0x" + hex(UInt64(i) &+ 1, 64)
        let from = address(next() % UInt64(accounts) + 1)
        let to = address(next() % UInt64(accounts) + 1)
        // Wei beyond 2^64 now and then.
        let value =
            i % 7 == 0 ? "\(next() % 1000)000000000000000000000" : "\(next() % 10_000_000_000_000_000)"
        let price = 10_000_000_000 + next() % 90_000_000_000
        txs += "\(hash),\(i),0x00,\(block),\(i % 100),\(from),\(to),\(value),21000,\(price),0x,\(time)\n"
        receipts +=
            "\(hash),\(i % 100),0x00,\(block),0,\(21_000 + next() % 100_000),,,\(i % 20 == 0 ? 0 : 1),\(price)\n"
        let token = address(0xffff_0000 + next() % 50)
        tokens += "\(token),\(to),\(from),\(next() % 1_000_000_000_000),\(hash),\(i % 100),\(block)\n"
    }
    let paths = ["\(dir)/transactions.csv", "\(dir)/receipts.csv", "\(dir)/token_transfers.csv"]
    for (path, text) in zip(paths, [txs, receipts, tokens]) {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return paths
}

/// ethereum-etl ingest end to end (read, decode, map, intern, write, indexes) of a synthetic
/// export: transactions with receipts and token transfers, in records per second.
func ethereumBenchmark(dir: String, rows: Int, accounts: Int, runs: Int) throws {
    let exportDir = "\(dir)/eth-\(rows)-\(accounts)"
    var paths = ["transactions.csv", "receipts.csv", "token_transfers.csv"].map { "\(exportDir)/\($0)" }
    if !paths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
        print("generating \(rows) transactions, receipts and token transfers into \(exportDir) …")
        try FileManager.default.createDirectory(atPath: exportDir, withIntermediateDirectories: true)
        paths = try writeEthereumExport(dir: exportDir, rows: rows, accounts: accounts)
    }
    let files = try paths.map { ($0, try FormatDetector.detect(path: $0)) }
    var rates: [Double] = []
    for run in 1...runs {
        let db = "\(dir)/bench-eth.db"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        let store = try GraphStore(path: db)
        let report = try EthereumETLIngest.run(store: store, files: files, progress: nil)
        rates.append(report.recordsPerSecond)
        print(
            "run \(run): \(report.files.reduce(0) { $0 + $1.records }) records, \(report.summary.transfers) transfers in \(String(format: "%.2f", report.seconds))s = \(Int(report.recordsPerSecond)) records/s"
                + String(format: " [indexes %.2fs]", report.summary.indexSeconds)
                + " (\(report.summary.newAddresses) addresses, peak RSS so far \(Int(peakMemoryMiB())) MiB)")
    }
    let sorted = rates.sorted()
    print(
        "median: \(Int(sorted[sorted.count / 2])) records/s over \(runs) runs; peak memory \(Int(peakMemoryMiB())) MiB"
    )
}
