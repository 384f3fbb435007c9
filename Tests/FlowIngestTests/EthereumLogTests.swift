import FlowIngest
import FlowModel
import Foundation
import Testing

/// The DeFi samples: SampleData/ethereum-defi (shipped, see its ORIGIN.md) and
/// ../shared/data/ethereum-defi (whole blocks; development machines and CI).
enum DefiSamples {
    static let root = Fixtures.packageRoot.appendingPathComponent("SampleData/ethereum-defi")
    static let shared = Fixtures.packageRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/data/ethereum-defi")
    static let sharedIsAvailable = FileManager.default.fileExists(atPath: shared.path)
    static let sharedSkipReason: Comment =
        "../shared/data/ethereum-defi is absent: tests over its whole blocks are skipped (SampleData tests still run)"

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
    static func sharedPath(_ relative: String) -> String { shared.appendingPathComponent(relative).path }

    /// Every log of an ethereum-etl logs file, with the time `time` where the file has none.
    static func etlLogs(_ path: String, time: Int64 = 0) throws -> [EventLog] {
        var mapper = EthereumMapper(roles: [.logs])
        let table = try ETLTable.open(path: path)
        return try EthSamples.records(table, .logs) { d, row in
            try mapper.log(try d.log(row), line: row.line) { _ in time }.log
        }
    }

    /// The rows of an ethereum-etl token_transfers file.
    static func etlTokenTransfers(_ path: String) throws -> [ETHTokenTransfer] {
        try EthSamples.records(try ETLTable.open(path: path), .tokenTransfers) { try $0.tokenTransfer($1) }
    }

    /// A decoded movement and an ethereum-etl token_transfers row state the same transfer:
    /// token, from, to, transaction, log index, token id, and the amount (an ERC-721 row says
    /// value 0: it moves one unit).
    static func same(_ m: TokenMovement, tx: String, _ row: ETHTokenTransfer) -> Bool {
        m.token == row.token && m.from == row.from && m.to == row.to && tx == row.transactionHash
            && m.logIndex == row.logIndex && m.tokenId == row.tokenId
            && (m.standard == .erc721 ? row.value == .zero && row.isNonFungible : m.amount == row.value)
            && (row.operatorAddress == nil || row.operatorAddress == m.operatorAddress)
            && (row.standard == nil || row.standard == m.standard.rawValue)
    }
}

@Suite("ethereum-etl logs: records, token transfers decoded from them, errors")
struct EthereumLogTests {
    @Test("logs: CSV (topics joined by commas) and JSON lines (topics a list) give the same records")
    func csvAndJSON() throws {
        let csv = try DefiSamples.etlLogs(EthSamples.path("receipts_with_logs/expected_logs.csv"))
        let json = try DefiSamples.etlLogs(EthSamples.path("receipts_with_logs/expected_logs.json"))
        #expect(csv.count == 2)
        #expect(
            csv.map {
                var l = $0
                l.line = 0
                return l
            }
                == json.map {
                    var l = $0
                    l.line = 0
                    return l
                })
        let first = try #require(csv.first)
        #expect(first.tx == "0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8")
        #expect(first.logIndex == 0 && first.block == 483920 && first.line == 2)
        #expect(first.address == "0xf4eced2f682ce333f96f2d8966c613ded8fc95dd")
        #expect(first.topics.count == 3 && first.topics[0] == TokenEvents.transfer)
        #expect(first.word(0) == UInt256(100_000))
    }

    @Test("token transfers decoded from logs.csv equal ethereum-etl's extract_token_transfers output")
    func extractTokenTransfers() throws {
        let logs = try DefiSamples.etlLogs(EthSamples.path("extract_token_transfers/logs.csv"))
        let expected = try DefiSamples.etlTokenTransfers(
            EthSamples.path("extract_token_transfers/expected_token_transfers.csv"))
        let decoded = logs.flatMap { l in TokenEvents.movements(l).map { (l.tx, $0) } }
        #expect(decoded.count == expected.count && expected.count == 2)
        for (row, (tx, m)) in zip(expected, decoded) {
            #expect(DefiSamples.same(m, tx: tx, row), "\(row)")
            #expect(m.standard == .erc20)
        }
        // The other log of the file (one topic, not Transfer) states no transfer.
        #expect(logs.count > decoded.count)
    }

    @Test("a post-Dencun block: every Transfer log decoded as ethereum-etl (dex-guru) decoded it")
    func block19528783() throws {
        let logs = try DefiSamples.etlLogs(DefiSamples.path("ethetl-19528783/expected_logs.json"))
        let expected = try DefiSamples.etlTokenTransfers(
            DefiSamples.path("ethetl-19528783/expected_token_transfers.json"))
        #expect(logs.count == 20)
        // The rows carry block_timestamp: the block's timestamp (expected_blocks.json).
        #expect(logs.allSatisfy { $0.time == 1_711_582_283 })
        let decoded = logs.flatMap { l in TokenEvents.movements(l).map { (l.tx, $0) } }
        #expect(decoded.count == 7 && expected.count == 7)
        for (row, (tx, m)) in zip(expected, decoded) { #expect(DefiSamples.same(m, tx: tx, row), "\(row)") }
    }

    @Test(
        "block 17179063: 546 ERC-20, 3 ERC-721 and 2 ERC-1155 transfers decoded from its 1125 logs equal ethereum-etl's 551 rows",
        .enabled(if: DefiSamples.sharedIsAvailable, DefiSamples.sharedSkipReason))
    func block17179063() throws {
        let logs = try DefiSamples.etlLogs(DefiSamples.sharedPath("ethetl-17179063/expected_logs.json"))
        let expected = try DefiSamples.etlTokenTransfers(
            DefiSamples.sharedPath("ethetl-17179063/expected_token_transfers.json"))
        #expect(logs.count == 1125)
        let decoded = logs.flatMap { l in TokenEvents.movements(l).map { (l.tx, $0) } }
        #expect(decoded.count == 551 && expected.count == 551)
        var counts: [TokenStandard: Int] = [:]
        for (row, (tx, m)) in zip(expected, decoded) {
            #expect(DefiSamples.same(m, tx: tx, row), "\(row)")
            counts[m.standard, default: 0] += 1
        }
        #expect(counts == [.erc20: 546, .erc721: 3, .erc1155: 2])
    }

    @Test(
        "block 16896735: the Transfer and TransferSingle logs a node answered decode to ethereum-etl's 126 rows with NFTs"
    )
    func nftFilterLogs() throws {
        let dir = "ethetl-16896735-nft/web3_response.eth_getFilterLogs_0x10ff10dbd83"
        var decoded: [(String, TokenMovement)] = []
        for file in [
            "5c01f78a14d982f7e492a69bc32b81583", "622a7a6d92db0d1b9e7771f33adeef5d1",
            "41a5e8b3cf188ab4ad520420b72b254ae",
        ] {
            for record in try EthereumRPC.read(path: DefiSamples.path(dir + file + ".json")) {
                for case .log(let l) in record.items {
                    let log = EventLog(
                        tx: l.value.transactionHash, logIndex: l.value.logIndex, block: l.value.blockNumber,
                        time: 0,
                        address: l.value.address, topics: l.value.topics, data: l.value.data)
                    decoded += TokenEvents.movements(log).map { (log.tx, $0) }
                }
            }
        }
        let expected = try DefiSamples.etlTokenTransfers(
            DefiSamples.path("ethetl-16896735-nft/expected_token_transfers_with_nft.csv"))
        #expect(expected.count == 126 && decoded.count == 126)
        let byKey = Dictionary(uniqueKeysWithValues: decoded.map { ("\($0.0)|\($0.1.logIndex)", $0) })
        var counts: [TokenStandard: Int] = [:]
        for row in expected {
            let m = try #require(byKey["\(row.transactionHash)|\(row.logIndex)"], "\(row)")
            #expect(DefiSamples.same(m.1, tx: m.0, row), "\(row)")
            counts[m.1.standard, default: 0] += 1
        }
        #expect(counts == [.erc20: 112, .erc721: 13, .erc1155: 1])
    }

    @Test("bad topics and data are errors at the row's line and the field's column")
    func badValues() throws {
        let header = "log_index,transaction_hash,block_number,address,data,topics\n"
        let tx = "0x" + String(repeating: "ab", count: 32)
        let address = "0x" + String(repeating: "cd", count: 20)
        let topic = "0x" + String(repeating: "0", count: 64)
        let cases: [(String, String, String)] = [
            ("0,\(tx),5,\(address),0x,0xzz", "topics", "'0xzz' is not a topic"),
            ("0,\(tx),5,\(address),0x1,\(topic)", "data", "'0x1' is not hex data"),
            (
                "0,\(tx),5,\(address),0x,\"\(Array(repeating: topic, count: 5).joined(separator: ","))\"",
                "topics",
                "5 topics; a log has at most 4"
            ),
        ]
        for (row, field, message) in cases {
            let table = try EthSamples.table(
                text: header + "0,\(tx),5,\(address),0x,\(topic)\n" + row + "\n", name: "logs.csv")
            let d = try ETLDecoder(table: table, role: .logs)
            var seen: IngestError?
            do {
                try table.forEachRow { r in _ = try d.log(r) }
            } catch let e as IngestError {
                seen = e
            }
            let e = try #require(seen)
            #expect(e.line == 3 && e.field == field && e.message.contains(message), "\(e)")
            #expect(e.column != nil)
        }
        // JSON lines may write the topics joined by commas too.
        let json = try EthSamples.table(
            text:
                "{\"log_index\": 1, \"transaction_hash\": \"\(tx)\", \"block_number\": 5, \"address\": \"\(address)\", \"data\": \"0x\", \"topics\": \"\(topic),\(topic)\"}\n",
            name: "logs.json")
        let logs = try EthSamples.records(json, .logs) { try $0.log($1) }
        #expect(logs.first?.topics == [.zero, .zero])
    }

    @Test("a TransferBatch states one movement per element; a malformed one states none")
    func transferBatch() {
        func word(_ v: UInt64) -> [UInt8] { UInt256(v).bigEndianBytes }
        let topics = [TokenEvents.transferBatch, UInt256(1), UInt256(2), UInt256(3)]
        // ids at offset 64: [7, 8]; values at offset 160: [10, 20].
        let data = word(64) + word(160) + word(2) + word(7) + word(8) + word(2) + word(10) + word(20)
        let log = EventLog(
            tx: "0x01", logIndex: 9, block: 1, time: 0, address: "0x" + String(repeating: "e", count: 40),
            topics: topics, data: data)
        let m = TokenEvents.movements(log)
        #expect(m.map(\.tokenId) == [UInt256(7), UInt256(8)])
        #expect(m.map(\.amount) == [UInt256(10), UInt256(20)])
        #expect(m.map(\.seq) == [10, 10 + (1 << 32)])
        #expect(
            m.allSatisfy {
                $0.from == ABIWord.lowAddress(UInt256(2))
                    && $0.operatorAddress == ABIWord.lowAddress(UInt256(1))
            })
        var short = log
        short.data = Array(data.dropLast(32))
        #expect(TokenEvents.movements(short).isEmpty)
        var lengths = log
        lengths.data = word(64) + word(160) + word(2) + word(7) + word(8) + word(1) + word(10)
        #expect(TokenEvents.movements(lengths).isEmpty)
    }
}
