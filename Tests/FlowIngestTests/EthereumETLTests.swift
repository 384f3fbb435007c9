import FlowIngest
import FlowModel
import Foundation
import Testing

/// ethereum-etl samples: SampleData/ethereum-etl (shipped, see its ORIGIN.md) and
/// ../shared/data/ethereum-etl (development machines).
enum EthSamples {
    static let root = Fixtures.packageRoot.appendingPathComponent("SampleData/ethereum-etl")
    static let shared = Fixtures.packageRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/data/ethereum-etl")
    static let sharedIsAvailable = FileManager.default.fileExists(atPath: shared.path)
    static let sharedSkipReason: Comment =
        "../shared/data/ethereum-etl is absent: tests over the full ethereum-etl set are skipped (SampleData tests still run)"

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func table(_ relative: String) throws -> ETLTable { try ETLTable.open(path: path(relative)) }

    /// A table over text (the name appears in errors).
    static func table(text: String, name: String = "t.csv") throws -> ETLTable {
        try ETLTable(path: name, bytes: Array(text.utf8))
    }

    /// Every record of a table decoded with `decode`.
    static func records<T>(
        _ table: ETLTable, _ role: EthereumETLRole, _ decode: (ETLDecoder, ETLRow) throws -> T
    )
        throws -> [T]
    {
        let d = try ETLDecoder(table: table, role: role)
        var out: [T] = []
        try table.forEachRow { row in out.append(try decode(d, row)) }
        return out
    }

    /// A CSV file as dictionaries (simple files: no quoted commas in the fields read).
    static func csvDicts(_ path: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(
            String.init)
        return lines.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var d: [String: String] = [:]
            for (i, name) in header.enumerated() where i < cells.count { d[name] = cells[i] }
            return d
        }
    }
}

@Suite("ethereum-etl readers: values, records, CSV and JSON lines, errors")
struct EthereumETLTests {
    // MARK: Values

    @Test("addresses and hashes: 0x and 40/64 hex digits, canonical lower case")
    func addressesAndHashes() {
        #expect(
            ETLValue.address("0x52bc44d5378309ee2abf1539bf71de1b7d7be3b5")
                == "0x52bc44d5378309ee2abf1539bf71de1b7d7be3b5")
        #expect(
            ETLValue.address("0x52BC44d5378309EE2abf1539BF71de1b7d7BE3b5")
                == "0x52bc44d5378309ee2abf1539bf71de1b7d7be3b5")
        #expect(
            ETLValue.address("0X52bc44d5378309ee2abf1539bf71de1b7d7be3b5")
                == "0x52bc44d5378309ee2abf1539bf71de1b7d7be3b5")
        #expect(ETLValue.address("52bc44d5378309ee2abf1539bf71de1b7d7be3b5") == nil)
        #expect(ETLValue.address("0x52bc44d5378309ee2abf1539bf71de1b7d7be3b") == nil)
        #expect(ETLValue.address("0x52bc44d5378309ee2abf1539bf71de1b7d7be3g5".dropLast().description) == nil)
        #expect(ETLValue.address("0xzzbc44d5378309ee2abf1539bf71de1b7d7be3b5") == nil)
        #expect(ETLValue.addressBytes("0x52bc44d5378309ee2abf1539bf71de1b7d7be3b5").count == 20)
        let h = "0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8"
        #expect(ETLValue.hash(h) == h)
        #expect(ETLValue.hash(h.uppercased().replacingOccurrences(of: "0X", with: "0x")) == h)
        #expect(ETLValue.hash(String(h.dropLast())) == nil)
        #expect(ETHHashKey(h) == ETHHashKey(h.uppercased()))
        #expect(ETHHashKey(h) != ETHHashKey("0x" + String(repeating: "0", count: 64)))
    }

    @Test("quantities are exact up to 2^256 - 1, decimal or 0x hex; anything else is rejected")
    func quantities() throws {
        #expect(ETLValue.quantity("0") == .zero)
        #expect(ETLValue.quantity("110000000000000000000")?.decimalString == "110000000000000000000")
        #expect(ETLValue.quantity("0x5f5e100") == UInt256(100_000_000))
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(ETLValue.quantity(max) == UInt256.max)
        #expect(ETLValue.quantity(max + "0") == nil)
        #expect(ETLValue.quantity("0x1" + String(repeating: "0", count: 64)) == nil)
        for bad in ["", "-1", "1.5", "1e18", " 1", "0x", "0xg", "12a"] {
            #expect(ETLValue.quantity(bad) == nil, "\(bad)")
        }
        #expect(ETLValue.integer("9223372036854775807") == Int64.max)
        #expect(ETLValue.integer("9223372036854775808") == nil)
    }

    @Test(
        "times: Unix seconds, BigQuery's UTC text, ISO-8601 with Z or an offset",
        arguments: [
            ("1446561880", Int64(1_446_561_880)),
            ("2015-11-03 14:44:40 UTC", 1_446_561_880),
            ("2015-11-03T14:44:40Z", 1_446_561_880),
            ("2015-11-03 14:44:40", 1_446_561_880),
            ("2015-11-03T14:44:40.250Z", 1_446_561_880),
            ("2015-11-03T16:44:40+02:00", 1_446_561_880),
            ("2015-11-03 14:44:40+00:00", 1_446_561_880),
            ("1970-01-01 00:00:00 UTC", 0),
            ("2024-02-29T00:00:00Z", 1_709_164_800),
        ])
    func times(text: String, expected: Int64) {
        #expect(ETLValue.time(text) == expected)
    }

    @Test(
        "bad times are rejected",
        arguments: [
            "", "yesterday", "2015-13-03 14:44:40", "2023-02-29T00:00:00Z", "2015-11-03",
            "2015-11-03 14:44:40 CET", "-5", "1.5",
        ])
    func badTimes(text: String) {
        #expect(ETLValue.time(text) == nil)
    }

    @Test("trace addresses: comma lists, bracketed lists, empty for the top-level call")
    func traceAddresses() {
        #expect(ETLValue.traceAddress("") == [])
        #expect(ETLValue.traceAddress("0") == [0])
        #expect(ETLValue.traceAddress("0,1,12") == [0, 1, 12])
        #expect(ETLValue.traceAddress("[0, 1]") == [0, 1])
        #expect(ETLValue.traceAddress("[]") == [])
        #expect(ETLValue.traceAddress("0,,1") == nil)
        #expect(ETLValue.traceAddress("a") == nil)
        #expect(ETLValue.traceAddress("-1") == nil)
    }

    // MARK: Records from ethereum-etl's expected files

    @Test("transactions.csv: every field as ethereum-etl wrote it, 110 ETH exact")
    func transactionsCSV() throws {
        let table = try EthSamples.table("blocks_with_transactions/expected_transactions.csv")
        #expect(table.syntax == .csv)
        let txs = try EthSamples.records(table, .transactions) { try $0.transaction($1) }
        #expect(txs.count == 4)
        let first = try #require(txs.first)
        #expect(first.hash == "0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d")
        #expect(first.blockNumber == 47218)
        #expect(first.transactionIndex == 0)
        #expect(first.from == "0x1406854d149e081ac09cb4ca560da463f3123059")
        #expect(first.to == "0xa0e74ae010d51894734c308d612131056bb721ad")
        #expect(first.value.decimalString == "110000000000000000000")
        #expect(first.value.uint64 == nil)
        #expect(first.gasPrice == UInt256(62_227_241_854))
        #expect(first.blockTimestamp == 1_438_936_285)
        #expect(first.receipt == nil)
        // Each value matches the file's text.
        let dicts = try EthSamples.csvDicts(
            EthSamples.path("blocks_with_transactions/expected_transactions.csv"))
        #expect(txs.map(\.value.decimalString) == dicts.map { $0["value"] ?? "" })
        #expect(txs.map(\.hash) == dicts.map { $0["hash"] ?? "" })
    }

    @Test("receipts: CSV and JSON lines give the same records; pre-Byzantium receipts have no status")
    func receiptsBothSyntaxes() throws {
        let csv = try EthSamples.records(
            try EthSamples.table("receipts_with_logs/expected_receipts.csv"), .receipts
        ) {
            try $0.receipt($1)
        }
        let jsonTable = try EthSamples.table("receipts_with_logs/expected_receipts.json")
        #expect(jsonTable.syntax == .jsonLines)
        let json = try EthSamples.records(jsonTable, .receipts) { try $0.receipt($1) }
        #expect(csv.count == 4)
        #expect(
            csv.sorted { $0.transactionHash < $1.transactionHash }
                == json.sorted { $0.transactionHash < $1.transactionHash })
        let r = try #require(csv.first { $0.transactionHash.hasPrefix("0x04cbcb23") })
        #expect(r.gasUsed == 50853)
        #expect(r.effectiveGasPrice == UInt256(50_000_000_000))
        #expect(r.status == nil)
        #expect(r.contractAddress == nil)
        #expect(r.blockNumber == 483920)
    }

    @Test("logs: CSV and JSON lines hold the same rows")
    func logs() throws {
        var n = 0
        try EthSamples.table("receipts_with_logs/expected_logs.csv").forEachRow { _ in n += 1 }
        var m = 0
        try EthSamples.table("receipts_with_logs/expected_logs.json").forEachRow { _ in m += 1 }
        #expect(n == 2 && m == 2)
    }

    @Test("token transfers match expected_token_transfers.csv")
    func tokenTransfers() throws {
        for relative in [
            "token_transfers/expected_token_transfers.csv",
            "extract_token_transfers/expected_token_transfers.csv",
        ] {
            let transfers = try EthSamples.records(try EthSamples.table(relative), .tokenTransfers) {
                try $0.tokenTransfer($1)
            }
            let dicts = try EthSamples.csvDicts(EthSamples.path(relative))
            #expect(transfers.count == dicts.count && !dicts.isEmpty)
            for (t, d) in zip(transfers, dicts) {
                #expect(t.token == d["token_address"])
                #expect(t.from == d["from_address"])
                #expect(t.to == d["to_address"])
                #expect(t.value.decimalString == d["value"])
                #expect(t.transactionHash == d["transaction_hash"])
                #expect(String(t.logIndex) == d["log_index"])
                #expect(String(t.blockNumber) == d["block_number"])
            }
        }
    }

    @Test("tokens: symbol, name and decimals; empty name is nil")
    func tokens() throws {
        let eos = try EthSamples.records(
            try EthSamples.table("tokens/expected_tokens_alternative_return_type.csv"), .tokens
        ) {
            try $0.token($1)
        }
        #expect(
            eos == [
                ETHToken(
                    address: "0x86fa049857e0209aa7d9e616f7eb3b3b78ecfdb0", symbol: "EOS", name: nil,
                    decimals: 18)
            ])
        let odd = try EthSamples.table(
            text:
                "address,symbol,name,decimals,total_supply,block_number\n0x86fa049857e0209aa7d9e616f7eb3b3b78ecfdb0,X,Y,100000,,\n"
        )
        let t = try EthSamples.records(odd, .tokens) { try $0.token($1) }
        #expect(t.first?.decimals == nil)
    }

    @Test("Parity traces: failed traces, rewards, trace addresses, self-destructs")
    func parityTraces() throws {
        let error = try EthSamples.records(try EthSamples.table("traces/block_with_error.csv"), .traces) {
            try $0.trace($1)
        }
        #expect(error.map(\.failed) == [true, false, false])
        #expect(error[2].isBlockScoped && error[2].traceType == "reward" && error[2].from == nil)
        #expect(error[2].traceId == "reward_1000895_0")
        #expect(error[2].value.decimalString == "5000000000000000000")
        let sub = try EthSamples.records(try EthSamples.table("traces/block_with_subtraces.csv"), .traces) {
            try $0.trace($1)
        }
        #expect(sub.map(\.traceAddress) == [[], [0], [], []])
        #expect(sub[1].callType == "callcode")
        let suicide = try EthSamples.records(try EthSamples.table("traces/block_with_suicide.csv"), .traces) {
            try $0.trace($1)
        }
        #expect(suicide[1].traceType == "suicide" && suicide[1].value == UInt256(50_000_000_000_000_000))
    }

    @Test("geth traces: no transaction hash or status; the error marks the failure; empty value is zero")
    func gethTraces() throws {
        let error = try EthSamples.records(try EthSamples.table("geth_traces/block_with_error.csv"), .traces)
        { try $0.trace($1) }
        #expect(error.map(\.failed) == [true, false])
        #expect(
            error.allSatisfy { $0.transactionHash == nil && $0.transactionIndex != nil && !$0.isBlockScoped })
        let suicide = try EthSamples.records(
            try EthSamples.table("geth_traces/block_with_suicide.csv"), .traces
        ) { try $0.trace($1) }
        #expect(suicide[1].value == .zero && suicide[1].from == nil)
    }

    @Test("withdrawals: the CSV's comma-separated objects and the JSON array give the same list")
    func withdrawals() throws {
        let csv = try EthSamples.records(try EthSamples.table("withdrawals/expected_blocks.csv"), .blocks) {
            try $0.block($1)
        }
        let json = try EthSamples.records(try EthSamples.table("withdrawals/expected_blocks.json"), .blocks) {
            try $0.block($1)
        }
        #expect(csv == json)
        #expect(csv.count == 2)
        #expect(csv[0].number == 17_173_049 && csv[0].timestamp == 1_683_029_999)
        #expect(csv[0].withdrawals.count == 16)
        let w = try #require(csv[0].withdrawals.first)
        #expect(w.index == 2_210_752 && w.validatorIndex == 540_230)
        #expect(w.address == "0xb9d7934878b5fb9610b3fe8a5e441e8fad7e293f")
        #expect(w.amountWei?.decimalString == "45762059000000000")
    }

    @Test("JSON lines keep wei beyond 2^64 exact")
    func jsonBigValues() throws {
        let txs = try EthSamples.records(
            try EthSamples.table("withdrawals/expected_transactions.json"), .transactions
        ) {
            try $0.transaction($1)
        }
        #expect(txs.count == 298)
        let big = txs.filter { $0.value.uint64 == nil }
        #expect(big.count == 1)
        // The text in the file, digit for digit.
        let text = try String(
            contentsOfFile: EthSamples.path("withdrawals/expected_transactions.json"), encoding: .utf8)
        let b = try #require(big.first)
        #expect(text.contains("\"hash\": \"\(b.hash)\""))
        #expect(text.contains("\"value\": \(b.value.decimalString),"))
        #expect(txs.filter { $0.to == nil }.count == 1)
    }

    @Test(
        "CSV over the shared set equals JSON lines (transactions of the withdrawal blocks)",
        .enabled(if: EthSamples.sharedIsAvailable, EthSamples.sharedSkipReason))
    func csvEqualsJSONShared() throws {
        let dir = EthSamples.shared.appendingPathComponent(
            "test_export_blocks_job/blocks_with_transactions_and_withdrawals")
        let csv = try EthSamples.records(
            try ETLTable.open(path: dir.appendingPathComponent("expected_transactions.csv").path),
            .transactions
        ) {
            try $0.transaction($1)
        }
        let json = try EthSamples.records(
            try EthSamples.table("withdrawals/expected_transactions.json"), .transactions
        ) {
            try $0.transaction($1)
        }
        #expect(csv == json)
    }

    // MARK: Errors

    static let txHeader =
        "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp"
    static let txRow =
        "0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d,9,0x889c421abc62a48641eee140519e6da8c9dc01d85d8f5c4fbc3c13e3c6e4cb3e,47218,0,0x1406854d149e081ac09cb4ca560da463f3123059,0xa0e74ae010d51894734c308d612131056bb721ad,VALUE,40000,62227241854,0x,1438936285"

    func firstError(_ text: String, _ role: EthereumETLRole, name: String = "t.csv") throws -> IngestError {
        try #require(throws: IngestError.self) {
            let table = try EthSamples.table(text: text, name: name)
            let d = try ETLDecoder(table: table, role: role)
            try table.forEachRow { row in
                switch role {
                case .transactions: _ = try d.transaction(row)
                case .receipts: _ = try d.receipt(row)
                case .blocks: _ = try d.block(row)
                default: _ = try d.trace(row)
                }
            }
        }
    }

    @Test("a non-numeric value names file, line, column and field, and quotes the value")
    func nonNumericValue() throws {
        let text =
            Self.txHeader + "\n" + Self.txRow.replacingOccurrences(of: "VALUE", with: "1") + "\n"
            + Self.txRow.replacingOccurrences(of: "VALUE", with: "12.5e3") + "\n"
        let e = try firstError(text, .transactions, name: "transactions.csv")
        #expect(e.code == .badValue)
        #expect(e.exitCode == 65)
        #expect(e.file == "transactions.csv")
        #expect(e.line == 3)
        #expect(e.field == "value")
        let column = try #require(e.column)
        let row = Self.txRow.replacingOccurrences(of: "VALUE", with: "12.5e3")
        #expect(Array(row.utf8).dropFirst(column - 1).starts(with: Array("12.5e3".utf8)))
        #expect(e.message.contains("'12.5e3'"))
        #expect(e.description.hasPrefix("transactions.csv:3:\(column): field 'value': error: "))
    }

    @Test("a missing column is named with the header it was looked for in")
    func missingColumn() throws {
        let text = "hash,block_number,from_address,to_address,gas_price\n"
        let e = try #require(throws: IngestError.self) {
            _ = try ETLDecoder(table: try EthSamples.table(text: text), role: .transactions)
        }
        #expect(e.line == 1 && e.field == "value")
        #expect(e.message.contains("missing column 'value'"))
    }

    @Test("bad address, bad hash, bad time, bad status, short row")
    func badFields() throws {
        func tx(_ replace: (String) -> String) -> String {
            Self.txHeader + "\n" + replace(Self.txRow.replacingOccurrences(of: "VALUE", with: "1")) + "\n"
        }
        var e = try firstError(
            tx {
                $0.replacingOccurrences(of: "0x1406854d149e081ac09cb4ca560da463f3123059", with: "0x1406854d")
            }, .transactions)
        #expect(e.field == "from_address" && e.line == 2 && e.message.contains("'0x1406854d'"))
        e = try firstError(
            tx { $0.replacingOccurrences(of: "1438936285", with: "2015-08-07 nine") }, .transactions)
        #expect(e.field == "block_timestamp" && e.message.contains("'2015-08-07 nine'"))
        e = try firstError(tx { "0x99f1" + $0.dropFirst(66) }, .transactions)
        #expect(e.field == "hash" && e.column == 1)
        e = try firstError(tx { $0 + ",extra" }, .transactions)
        #expect(e.line == 2 && e.message.contains("13 fields"))
        let receipt =
            "transaction_hash,gas_used,status\n0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d,21000,2\n"
        e = try firstError(receipt, .receipts)
        #expect(e.field == "status" && e.message.contains("'2'"))
    }

    @Test("JSON lines: a syntax error names its line and column; a missing key is named")
    func jsonErrors() throws {
        let good =
            #"{"transaction_hash": "0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d", "gas_used": 21000, "status": 1}"#
        var e = try firstError(
            good + "\n" + good + "\n" + #"{"transaction_hash": "0x99", "gas_used": 21000,}"# + "\n",
            .receipts, name: "r.json")
        #expect(e.line == 3)
        #expect(e.field == "transaction_hash" || e.message.contains("JSON syntax error"))
        let broken =
            #"{"transaction_hash": "0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d", "gas_used": 21000,, }"#
        e = try firstError(good + "\n" + broken + "\n", .receipts, name: "r.json")
        #expect(e.line == 2 && e.message.contains("JSON syntax error"))
        #expect(e.column == column(of: ",, }", in: broken) + 1)
        e = try firstError(#"{"gas_used": 21000}"# + "\n", .receipts, name: "r.json")
        #expect(e.field == "transaction_hash" && e.message.contains("missing key"))
        let lots =
            #"{"transaction_hash": "0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d", "gas_used": "lots"}"#
        e = try firstError(lots + "\n", .receipts, name: "r.json")
        #expect(
            e.field == "gas_used" && e.column == column(of: #""lots""#, in: lots)
                && e.message.contains("'lots'"))
    }

    /// 1-based column of the first occurrence of `needle` in `line`.
    func column(of needle: String, in line: String) -> Int {
        guard let r = line.range(of: needle) else { return -1 }
        return line.utf8.distance(from: line.startIndex, to: r.lowerBound) + 1
    }

    @Test("rows resume from a stored byte offset with the right line numbers")
    func resumeOffsets() throws {
        let table = try EthSamples.table("withdrawals/expected_transactions.json")
        var ends: [(Int, Int)] = []
        try table.forEachRow { ends.append(($0.line, $0.endOffset)) }
        #expect(ends.count == 298)
        let (line, offset) = ends[99]
        var resumed: [Int] = []
        try table.forEachRow(from: offset) { resumed.append($0.line) }
        #expect(resumed.first == line + 1)
        #expect(resumed.count == 198)
        let csv = try EthSamples.table("block_with_logs/expected_transactions.csv")
        var csvEnds: [Int] = []
        try csv.forEachRow { csvEnds.append($0.endOffset) }
        var lines: [Int] = []
        try csv.forEachRow(from: csvEnds[1]) { lines.append($0.line) }
        #expect(lines == [4, 5])
    }
}
