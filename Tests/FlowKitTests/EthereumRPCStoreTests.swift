import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Node JSON-RPC dumps in the store: the receipts' own fields, the same rows as ethereum-etl's
/// exports of the same blocks, re-runs and resumes.
@Suite("Ethereum node JSON-RPC dumps in the store")
struct EthereumRPCStoreTests {
    @discardableResult
    static func ingest(_ store: GraphStore, _ paths: [String], limits: EthereumETLIngest.Limits = .init())
        throws -> AccountIngestReport
    {
        let files = try paths.map { ($0, try FormatDetector.detect(path: $0)) }
        return try EthereumRPCIngest.run(store: store, files: files, progress: nil, limits: limits)
    }

    /// The JSON values of a recorded capture's responses (`response.result`, each of a batch).
    static func results(_ path: String) throws -> [Any] {
        let top = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        var out: [Any] = []
        for capture in top as? [[String: Any]] ?? [] {
            let responses =
                capture["response"] as? [[String: Any]] ?? [capture["response"] as? [String: Any] ?? [:]]
            for r in responses { if let result = r["result"] { out.append(result) } }
        }
        return out
    }

    static func hex(_ v: Any?) -> UInt256 {
        let text = (v as? String ?? "").dropFirst(2)
        var out = UInt256.zero
        for c in text.utf8 {
            out = out.multipliedReportingOverflow(by: 16, adding: UInt64(Hex.nibble(c) ?? 0)) ?? .max
        }
        return out
    }

    static func int(_ v: Any?) -> Int { Int((v as? String ?? "").dropFirst(2), radix: 16) ?? -1 }

    /// Checks every receipt of `receiptsFile` against the store: status of the value row (when
    /// the transaction's body was ingested), the fee = gasUsed × effectiveGasPrice from the
    /// sender, every log stored, every 3-topic Transfer log a token row of its amount.
    static func checkReceipts(_ store: GraphStore, _ receiptsFile: String, bodies: Bool) throws -> Int {
        var checked = 0
        let receipts = try results(receiptsFile).flatMap {
            $0 as? [[String: Any]] ?? [$0 as? [String: Any] ?? [:]]
        }
        for r in receipts {
            let tx = try #require(r["transactionHash"] as? String)
            let fee = hex(r["gasUsed"]).multipliedReportingOverflow(by: hex(r["effectiveGasPrice"]))
            let stored = try EthStore.transfer(store, tx, .fee)
            #expect(stored?.amount == fee?.decimalString && stored?.from == r["from"] as? String, "\(tx)")
            if bodies {
                let value = try EthStore.transfer(store, tx, .value)
                #expect(value?.status == ((r["status"] as? String) == "0x1" ? "1" : "0"), "\(tx)")
            }
            let logs = r["logs"] as? [[String: Any]] ?? []
            let storedLogs = try store.textRows(
                "SELECT l.log_index, a.address FROM logs l JOIN addresses a ON a.id = l.address_id WHERE l.tx = ? ORDER BY l.log_index",
                [tx])
            #expect(
                storedLogs == logs.map { [String(int($0["logIndex"])), $0["address"] as? String] }, "\(tx)")
            for l in logs {
                let topics = l["topics"] as? [String] ?? []
                let data = l["data"] as? String ?? ""
                guard topics.count == 3, topics[0] == TokenEvents.transfer.description, data.count == 66
                else { continue }
                let t = try EthStore.transfer(store, tx, .token, seq: Int64(int(l["logIndex"]) + 1))
                #expect(t?.amount == hex(data).decimalString, "\(tx) \(l["logIndex"] ?? "")")
                #expect(t?.from == "0x" + topics[1].suffix(40) && t?.to == "0x" + topics[2].suffix(40))
            }
            checked += 1
        }
        return checked
    }

    @Test("single receipts: the fee from the receipt's gas and price, its logs and token transfers")
    func receipts() throws {
        let (store, _) = try Fixtures.freshStore()
        let files = ["06", "08"].map {
            DefiStore.sample("erigon-misc/eth_getTransactionReceipt_test_\($0).json")
        }
        let report = try Self.ingest(store, files)
        #expect(report.summary.logs == 13)
        var n = 0
        for f in files { n += try Self.checkReceipts(store, f, bodies: false) }
        #expect(n == 2)
        // The transaction's value is not in a receipt: no value row.
        #expect(try EthStore.count(store, where: "kind = 0") == 0)
        let before = try EthStore.dump(store)
        let again = try Self.ingest(store, files.reversed())
        #expect(again.summary.transfers == 0 && again.summary.logs == 0)
        #expect(again.files.allSatisfy { $0.alreadyIngested })
        #expect(try EthStore.dump(store) == before)
    }

    @Test("an interrupted run resumes after its last committed answer and ends as an uninterrupted run")
    func resume() throws {
        let files = ["06", "08"].map {
            DefiStore.sample("erigon-misc/eth_getTransactionReceipt_test_\($0).json")
        }
        let (clean, _) = try Fixtures.freshStore()
        try Self.ingest(clean, files)
        let (store, _) = try Fixtures.freshStore()
        #expect(throws: EthereumETLIngest.Interrupted.self) {
            try Self.ingest(store, files, limits: .init(stopAfterChunks: 1))
        }
        #expect(try EthStore.count(store) > 0 && EthStore.count(store) < EthStore.count(clean))
        let resumed = try Self.ingest(store, files)
        #expect(resumed.files[0].alreadyIngested == false)
        #expect(try EthStore.dump(store) == EthStore.dump(clean))
        #expect(
            try store.textRows("SELECT tx, log_index FROM logs ORDER BY 1, 2")
                == clean.textRows("SELECT tx, log_index FROM logs ORDER BY 1, 2"))
    }

    @Test(
        "whole blocks 18000000 and 17000000: every transaction's status and exact fee, every log, every token transfer",
        .enabled(if: DefiStore.hasShared, DefiStore.sharedSkipReason))
    func wholeBlocks() throws {
        for (block, receipts) in [
            (
                "erigon-18000000/eth_getBlockByNumber_test_08.json",
                "erigon-18000000/eth_getBlockReceipts_test_02.json"
            ),
            (
                "erigon-17000000/eth_getBlockByHash_test_04.json",
                "erigon-17000000/erigon_getBlockReceiptsByBlockHash_test_01.json"
            ),
        ] {
            let (store, _) = try Fixtures.freshStore()
            let files = [DefiStore.sharedFile(receipts), DefiStore.sharedFile(block)]
            try Self.ingest(store, files)
            let n = try Self.checkReceipts(store, files[0], bodies: true)
            #expect(n == (block.contains("18000000") ? 94 : 102))
            // Every transaction of the bodies: its value.
            for b in try Self.results(files[1]) {
                for t in (b as? [String: Any])?["transactions"] as? [[String: Any]] ?? [] {
                    let hash = try #require(t["hash"] as? String)
                    #expect(
                        try EthStore.transfer(store, hash, .value)?.amount
                            == Self.hex(t["value"]).decimalString)
                }
            }
        }
    }

    @Test(
        "block 18000000 as ethereum-etl exports (the same facts as CSV) stores exactly the rows the JSON-RPC dump stores",
        .enabled(if: DefiStore.hasShared, DefiStore.sharedSkipReason))
    func sameAsEthereumETL() throws {
        let blockFile = DefiStore.sharedFile("erigon-18000000/eth_getBlockByNumber_test_08.json")
        let receiptsFile = DefiStore.sharedFile("erigon-18000000/eth_getBlockReceipts_test_02.json")
        let (rpc, dir) = try Fixtures.freshStore()
        try Self.ingest(rpc, [blockFile, receiptsFile])
        let block = try #require(try Self.results(blockFile).first as? [String: Any])
        let receipts = try #require(try Self.results(receiptsFile).first as? [[String: Any]])
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        func s(_ v: Any?) -> String { v as? String ?? "" }
        let time = String(Self.int(block["timestamp"]))
        let withdrawals = try (block["withdrawals"] as? [[String: Any]] ?? []).map {
            String(
                decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]),
                as: UTF8.self)
        }
        var blocks = "number,hash,parent_hash,miner,timestamp,withdrawals\n"
        blocks +=
            "\(s(block["number"])),\(s(block["hash"])),\(s(block["parentHash"])),\(s(block["miner"])),\(time),"
        blocks += q("[" + withdrawals.joined(separator: ",") + "]") + "\n"
        var txs =
            "hash,block_number,transaction_index,from_address,to_address,value,gas_price,block_timestamp\n"
        for t in block["transactions"] as? [[String: Any]] ?? [] {
            txs +=
                [
                    t["hash"], t["blockNumber"], t["transactionIndex"], t["from"], t["to"], t["value"],
                    t["gasPrice"],
                ]
                .map(s).joined(separator: ",") + ",\(time)\n"
        }
        var rcs = "transaction_hash,block_number,gas_used,effective_gas_price,contract_address,status\n"
        var logs = "log_index,transaction_hash,block_number,address,data,topics\n"
        for r in receipts {
            rcs +=
                [
                    r["transactionHash"], r["blockNumber"], r["gasUsed"], r["effectiveGasPrice"],
                    r["contractAddress"], r["status"],
                ]
                .map(s).joined(separator: ",") + "\n"
            for l in r["logs"] as? [[String: Any]] ?? [] {
                logs +=
                    [l["logIndex"], l["transactionHash"], l["blockNumber"], l["address"], l["data"]].map(s)
                    .joined(separator: ",") + "," + q((l["topics"] as? [String] ?? []).joined(separator: ","))
                    + "\n"
            }
        }
        let paths = try [
            ("blocks.csv", blocks), ("transactions.csv", txs), ("receipts.csv", rcs), ("logs.csv", logs),
        ].map {
            try EthStore.write($0.1, dir, $0.0)
        }
        let (etl, _) = try Fixtures.freshStore()
        try EthStore.ingest(etl, paths)
        let a = try EthStore.dump(rpc)
        // Values, fees, withdrawals, token transfers, and the WETH minted and burned by 14 wraps and 10 unwraps.
        #expect(a.count == 94 + 94 + 16 + 143 + 14 + 10)
        #expect(a == (try EthStore.dump(etl)))
        let logRows =
            "SELECT tx, log_index, block, time, hex(topic0), hex(topic1), hex(topic2), hex(topic3), hex(data) FROM logs ORDER BY 1, 2"
        #expect(try rpc.textRows(logRows) == etl.textRows(logRows))
        #expect(try rpc.textRows("SELECT COUNT(*) FROM logs") == [["291"]])
    }

    @Test("a receipt whose block's time nothing gives is an error naming the block and what to ingest")
    func noTime() throws {
        let (store, dir) = try Fixtures.freshStore()
        let tx = "0x" + String(repeating: "ab", count: 32)
        let from = "0x" + String(repeating: "11", count: 20)
        let path = try EthStore.write(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[{\"transactionHash\":\"\(tx)\",\"blockNumber\":\"0x10\",\"from\":\"\(from)\",\"gasUsed\":\"0x5208\",\"cumulativeGasUsed\":\"0x5208\",\"effectiveGasPrice\":\"0x1\",\"status\":\"0x1\",\"logs\":[]}]}\n",
            dir, "receipts.json")
        let error = try #require(throws: IngestError.self) { _ = try Self.ingest(store, [path]) }
        #expect(
            error.message.contains("no time known for block 16")
                && error.message.contains("eth_getBlockByNumber"))
        #expect(error.file == path && error.line == 1 && error.field == "blockNumber")
    }
}
