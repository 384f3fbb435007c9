import FlowIngest
import FlowKit
import FlowModel
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The DeFi samples for store tests (see SampleData/ethereum-defi/ORIGIN.md).
enum DefiStore {
    static let samples = Fixtures.packageRoot.appendingPathComponent("SampleData/ethereum-defi").path
    static let shared = Fixtures.packageRoot.appendingPathComponent("../shared/data/ethereum-defi")
        .standardized.path
    static var hasShared: Bool { FileManager.default.fileExists(atPath: shared) }
    static let sharedSkipReason: Comment =
        "../shared/data/ethereum-defi is absent: tests over its whole blocks are skipped (SampleData tests still run)"

    static func sample(_ relative: String) -> String { samples + "/" + relative }
    static func sharedFile(_ relative: String) -> String { shared + "/" + relative }

    /// The files of block 19528783 (ethereum-etl JSON lines, dex-guru's stream output).
    static var block19528783: [String] {
        ["blocks", "transactions", "logs", "token_transfers"].map {
            sample("ethetl-19528783/expected_\($0).json")
        }
    }
}

@Suite("ethereum-etl logs in the store")
struct EthereumLogStoreTests {
    @Test("every log is stored (contract, topics, data, transaction, log index) and its transfers once")
    func logsStored() throws {
        let (store, _) = try Fixtures.freshStore()
        let report = try EthStore.ingest(store, DefiStore.block19528783.reversed())
        #expect(report.summary.logs == 20)
        let stored = try store.textRows(
            """
            SELECT l.tx, l.log_index, a.address, lower(hex(l.topic0)), lower(hex(l.topic1)), lower(hex(l.topic2)),
              lower(hex(l.topic3)), lower(hex(l.data)), l.block, l.time
            FROM logs l JOIN addresses a ON a.id = l.address_id ORDER BY l.log_index
            """)
        // Independent of the decoder: the file's own JSON read with Foundation.
        let text = try String(contentsOfFile: DefiStore.block19528783[2], encoding: .utf8)
        var expected: [[String?]] = []
        for line in text.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let topics = (o["topics"] as? [String] ?? []).map { String($0.dropFirst(2)) }
            let data = String((o["data"] as? String ?? "0x").dropFirst(2))
            var row: [String?] = [
                o["transaction_hash"] as? String, (o["log_index"] as? Int).map(String.init),
                o["address"] as? String,
            ]
            for i in 0..<4 { row.append(i < topics.count ? topics[i] : "") }
            row.append(data)
            row.append((o["block_number"] as? Int).map(String.init))
            row.append((o["block_timestamp"] as? Int).map(String.init))
            expected.append(row)
        }
        expected.sort { Int($0[1] ?? "") ?? 0 < Int($1[1] ?? "") ?? 0 }
        #expect(stored == expected)
        // The 7 Transfer logs and the token_transfers file state the same 7 transfers: stored once.
        #expect(try EthStore.count(store, where: "kind = 2") == 7)
        let before = try EthStore.dump(store)
        let again = try EthStore.ingest(store, DefiStore.block19528783)
        #expect(again.summary.transfers == 0 && again.summary.logs == 0)
        #expect(try EthStore.dump(store) == before)
    }

    @Test("without a logs file the stored transfers are the same (token_transfers alone)")
    func sameWithoutLogs() throws {
        let (a, _) = try Fixtures.freshStore()
        let (b, _) = try Fixtures.freshStore()
        try EthStore.ingest(a, DefiStore.block19528783)
        try EthStore.ingest(b, DefiStore.block19528783.filter { !$0.hasSuffix("logs.json") })
        #expect(try EthStore.dump(a) == EthStore.dump(b))
        #expect(try b.textRows("SELECT COUNT(*) FROM logs") == [["0"]])
    }

    @Test(
        "NFT transfers from logs: one unit of the collection with the token id; ERC-1155 its value",
        .enabled(if: DefiStore.hasShared, DefiStore.sharedSkipReason))
    func nftTransfers() throws {
        let (store, _) = try Fixtures.freshStore()
        let dir = DefiStore.sharedFile("ethetl-17179063")
        try EthStore.ingest(store, ["blocks", "transactions", "logs"].map { "\(dir)/expected_\($0).json" })
        let rows = try store.textRows(
            "SELECT tx, seq, amount_text(amount), amount_text(token_id) FROM transfers WHERE token_id IS NOT NULL ORDER BY tx, seq"
        )
        // ethereum-etl's rows for the same events (token_standard, token_id, value).
        var expected: [[String?]] = []
        let text = try String(contentsOfFile: "\(dir)/expected_token_transfers.json", encoding: .utf8)
        for line in text.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard let id = o["token_id"] as? Int, let standard = o["token_standard"] as? String else {
                continue
            }
            let value = o["value"] as? Int ?? -1
            expected.append([
                o["transaction_hash"] as? String, String((o["log_index"] as? Int ?? -2) + 1),
                standard == "ERC-721" ? "1" : String(value), String(id),
            ])
        }
        expected.sort { ($0[0] ?? "", Int($0[1] ?? "") ?? 0) < ($1[0] ?? "", Int($1[1] ?? "") ?? 0) }
        #expect(expected.count == 5)
        #expect(rows == expected)
        // `chainflow tx` names the token.
        let tx = try CaseDatabase.open(store.path, for: .read).transaction(
            "0x06e63d266ec2278172139865202e893234c5d81415ceb1761b027b923aad19cd")
        #expect(tx.text.contains("(token id 55307)"))
        #expect(tx.json.rendered().contains("\"token_id\": \"55307\""))
    }
}
