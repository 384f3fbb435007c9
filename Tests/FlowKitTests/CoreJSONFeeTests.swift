import FlowIngest
import FlowKit
import FlowModel
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Bitcoin Core getblock verbosity 2 states each transaction's `fee`: it is stored exactly, and
/// checked against inputs − outputs wherever the spent outputs are known.
@Suite("Core getblock fees: stored, and checked against known inputs")
struct CoreJSONFeeTests {
    static let path = JSONFixtures.block766390

    /// The block's transactions as JSON.
    static func transactions() throws -> [JSONNode] {
        let node = try JSONFixtures.node(path)
        return try #require((node["result"] ?? node)["tx"]?.array)
    }

    @Test(
        "every stated fee of block 766390 is stored exactly; the one whose input is in the block equals inputs − outputs"
    )
    func statedFeesStored() throws {
        let (store, _) = try Fixtures.freshStore()
        try JSONFixtures.ingest(store, [Self.path])
        let txs = try Self.transactions()
        var outputsByTxid: [String: [UInt64]] = [:]
        for t in txs {
            let txid = try #require(t["txid"]?.string)
            let vout = try #require(t["vout"]?.array)
            outputsByTxid[txid] = try vout.map { try JSONFixtures.sats($0["value"]) }
        }
        var stated = 0
        var checked = 0
        for t in txs {
            let txid = try #require(t["txid"]?.string)
            let hash = try #require(Hash256(displayHex: txid))
            let stored = try #require(try store.transaction(hash))
            guard let fee = t["fee"] else {
                #expect(stored.coinbase && stored.fee == nil)
                continue
            }
            stated += 1
            #expect(stored.fee == Int64(try JSONFixtures.sats(fee)), "\(txid)")
            // Inputs whose funding transaction is in this block: their values are known.
            let vin = try #require(t["vin"]?.array)
            let spent = vin.compactMap { v -> UInt64? in
                guard let prev = v["txid"]?.string, let n = v["vout"]?.numberText.flatMap(Int.init),
                    let outs = outputsByTxid[prev], n < outs.count
                else { return nil }
                return outs[n]
            }
            if spent.count == vin.count {
                let outputs = outputsByTxid[txid]?.reduce(0, +) ?? 0
                #expect(Int64(spent.reduce(0, +)) - Int64(outputs) == stored.fee)
                #expect(stored.inputValue == Int64(spent.reduce(0, +)))
                checked += 1
            }
        }
        #expect(stated == txs.count - 1)
        #expect(checked == 1, "7582e835… spends e9fb1349…:0 of the same block")
        #expect(try store.conservationViolations() == [])
    }

    /// The sample with one transaction's fee text replaced.
    static func tampered(_ old: String, _ new: String, _ dir: String) throws -> (path: String, line: Int) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let needle = "\"fee\":\(old),"
        let lines = text.components(separatedBy: "\n")
        let line = try #require(lines.firstIndex { $0.contains(needle) }) + 1
        #expect(lines.filter { $0.contains(needle) }.count == 1)
        let out = dir + "/tampered.json"
        try JSONFixtures.write(text.replacingOccurrences(of: needle, with: "\"fee\":\(new),"), to: out)
        return (out, line)
    }

    @Test(
        "a stated fee that the known inputs contradict: exit 65 naming the file, line and field; nothing stored"
    )
    func tamperedFeeRefused() throws {
        _ = try CLIProcess.requireBinary()
        let dir = try Fixtures.tempDir()
        // 7582e835… (tx[15]) pays 226 sat: 1000 in, 774 out.
        let (path, line) = try Self.tampered("0.00000226", "0.00000227", dir)
        let db = dir + "/case.db"
        let run = try CLIProcess.run(["ingest", "--db", db, path], in: dir)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("tampered.json:\(line):"), "\(run.stderr)")
        #expect(run.stderr.contains("tx[15].fee"), "\(run.stderr)")
        #expect(
            run.stderr.contains(
                "'0.00000227' BTC (227 satoshi) is not inputs − outputs (1000 − 774 = 226 satoshi"))
        let (store, _) = try Fixtures.freshStore()
        #expect(throws: IngestError.self) { try JSONFixtures.ingest(store, [path]) }
        #expect(try store.stats().blocks == 0)
    }

    @Test(
        "a stated fee of a transaction whose inputs are unknown is stored as stated (nothing to check it by)")
    func uncheckableFeeStored() throws {
        let (store, dir) = try Fixtures.freshStore()
        // tx 1 (24c46ce8…) states 0.00010228; its input is in an earlier block.
        let (path, _) = try Self.tampered("0.00010228", "0.00010229", dir)
        try JSONFixtures.ingest(store, [path])
        let txid = try #require(
            Hash256(displayHex: "24c46ce83a3c502d56baba8db14474fd2b44264fe94f25b8e3506563baaf5392"))
        let tx = try #require(try store.transaction(txid))
        #expect(tx.fee == 10_229)
        #expect(tx.inputs.map(\.value) == [nil])
    }
}
