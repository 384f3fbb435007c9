import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Helpers for the ethereum-etl store tests: samples, ingest, and the stored transfers as text.
enum EthStore {
    static let samples = Fixtures.packageRoot.appendingPathComponent("SampleData/ethereum-etl").path
    static let shared = Fixtures.packageRoot.appendingPathComponent("../shared/data/ethereum-etl")
        .standardized.path
    static var hasShared: Bool { FileManager.default.fileExists(atPath: shared) }
    static let sharedSkipReason: Comment =
        "../shared/data/ethereum-etl is absent: tests over the full ethereum-etl set are skipped (SampleData tests still run)"

    static func sample(_ relative: String) -> String { samples + "/" + relative }

    @discardableResult
    static func ingest(
        _ store: GraphStore, _ paths: [String], limits: EthereumETLIngest.Limits = .init()
    ) throws -> AccountIngestReport {
        let files = try paths.map { ($0, try FormatDetector.detect(path: $0)) }
        return try EthereumETLIngest.run(store: store, files: files, progress: nil, limits: limits)
    }

    /// Writes `text` to `dir/name` and returns the path.
    @discardableResult
    static func write(_ text: String, _ dir: String, _ name: String) throws -> String {
        let path = dir + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every stored transfer as text: kind, tx, seq, from, to, asset (symbol or contract),
    /// amount, time, block, status; ordered by (tx, kind, seq).
    static func dump(_ store: GraphStore, where filter: String = "1", _ args: [String] = []) throws
        -> [[String?]]
    {
        try store.textRows(
            """
            SELECT t.kind, t.tx, t.seq, fa.address, ta.address, COALESCE(s.symbol, s.contract),
              amount_text(t.amount), t.time, t.block, t.status
            FROM transfers t LEFT JOIN addresses fa ON fa.id = t.from_id LEFT JOIN addresses ta ON ta.id = t.to_id
            JOIN assets s ON s.id = t.asset_id WHERE \(filter) ORDER BY t.tx, t.kind, t.seq
            """, args)
    }

    /// The one stored transfer of (tx, kind, seq), or nil.
    static func transfer(_ store: GraphStore, _ tx: String, _ kind: TransferKind, seq: Int64 = 0) throws
        -> Transfer?
    {
        let rows = try dump(
            store, where: "t.tx = ? AND t.kind = ? AND t.seq = ?", [tx, String(kind.rawValue), String(seq)])
        return rows.first.map(Transfer.init)
    }

    struct Transfer: Equatable {
        var from: String?
        var to: String?
        var asset: String?
        var amount: String?
        var time: String?
        var block: String?
        var status: String?
        init(_ r: [String?]) {
            (from, to, asset, amount, time, block, status) = (r[3], r[4], r[5], r[6], r[7], r[8], r[9])
        }
    }

    static func count(_ store: GraphStore, where filter: String = "1") throws -> Int {
        Int(
            try store.textRows("SELECT COUNT(*) FROM transfers t WHERE \(filter)").first?.first??.description
                ?? "0") ?? 0
    }

    /// A CSV file as dictionaries (simple files: no quoted commas in the fields read).
    static func csvDicts(_ path: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
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

    /// A synthetic address / hash from a number (for hand-made files).
    static func addr(_ n: Int) -> String { "0x" + String(repeating: "0", count: 36) + hex(n, 4) }
    static func hash(_ n: Int) -> String { "0x" + String(repeating: "0", count: 56) + hex(n, 8) }
    static func hex(_ n: Int, _ width: Int) -> String {
        let s = String(n, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static let txHeader =
        "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp"

    /// A transactions.csv row: transaction `n` in block 100 + n / 10 at time 1_600_000_000 + block.
    static func txRow(_ n: Int, from: Int = 1, to: Int? = 2, value: String = "1", gasPrice: String = "10")
        -> String
    {
        let block = 100 + n / 10
        return
            "\(hash(n)),0,0x00,\(block),\(n % 10),\(addr(from)),\(to.map(addr) ?? ""),\(value),21000,\(gasPrice),0x,\(1_600_000_000 + block)"
    }

    static let receiptHeader =
        "transaction_hash,transaction_index,block_hash,block_number,cumulative_gas_used,gas_used,contract_address,root,status,effective_gas_price"
}

@Suite("ethereum-etl into the store: values, fees, statuses, traces, safety")
struct EthereumStoreTests {
    typealias T = EthStore.Transfer

    @Test(
        "transactions with their receipts: each value as exported, fee = gas used × effective gas price, no status before Byzantium"
    )
    func transactionsAndReceipts() throws {
        let (store, _) = try Fixtures.freshStore()
        let report = try EthStore.ingest(
            store,
            [
                EthStore.sample("block_with_logs/expected_transactions.csv"),
                EthStore.sample("receipts_with_logs/expected_receipts.csv"),
                EthStore.sample("block_with_logs/expected_blocks.csv"),
            ])
        #expect(report.files.map(\.role) == ["transactions", "receipts", "blocks"])
        #expect(report.files.map(\.records) == [4, 4, 1])
        #expect(report.files.map(\.added) == [8, 0, 0])
        #expect(report.summary.transfers == 8)
        let receipts = Dictionary(
            uniqueKeysWithValues: try EthStore.csvDicts(
                EthStore.sample("receipts_with_logs/expected_receipts.csv")
            ).map {
                ($0["transaction_hash"] ?? "", $0)
            })
        for tx in try EthStore.csvDicts(EthStore.sample("block_with_logs/expected_transactions.csv")) {
            let hash = try #require(tx["hash"])
            let value = try #require(try EthStore.transfer(store, hash, .value))
            #expect(value.from == tx["from_address"])
            #expect(value.to == tx["to_address"])
            #expect(value.amount == tx["value"])
            #expect(value.asset == "ETH")
            #expect(value.time == tx["block_timestamp"])
            #expect(value.block == tx["block_number"])
            #expect(value.status == nil, "pre-Byzantium receipts have no status: unknown")
            let receipt = try #require(receipts[hash])
            let fee = try #require(try EthStore.transfer(store, hash, .fee))
            let gasUsed = try #require(UInt64(receipt["gas_used"] ?? ""))
            let price = try #require(UInt256(decimal: receipt["effective_gas_price"] ?? ""))
            #expect(fee.amount == price.multipliedReportingOverflow(by: gasUsed)?.decimalString)
            #expect(fee.from == tx["from_address"] && fee.to == nil && fee.status == "1")
        }
        // Addresses are Ethereum accounts: chain, kind and the 20 bytes.
        let a = try store.textRows(
            "SELECT chain, kind, hex(program) FROM addresses WHERE address = ?",
            ["0x1b63142628311395ceafeea5667e7c9026c862ca"])
        #expect(
            a == [["ethereum", String(AccountKind.ethereum), "1B63142628311395CEAFEEA5667E7C9026C862CA"]])
    }

    @Test("without receipts: no fee and an unknown status")
    func noReceipts() throws {
        let (store, _) = try Fixtures.freshStore()
        try EthStore.ingest(store, [EthStore.sample("blocks_with_transactions/expected_transactions.csv")])
        #expect(try EthStore.count(store, where: "kind = 3") == 0)
        #expect(try EthStore.count(store, where: "kind = 0 AND status IS NULL") == 4)
    }

    @Test(
        "every row of expected_token_transfers.csv is a stored token transfer; tokens give symbol and decimals"
    )
    func tokenTransfers() throws {
        let (store, dir) = try Fixtures.freshStore()
        let token = "0xf4eced2f682ce333f96f2d8966c613ded8fc95dd"
        // A tokens file for the contract of the sample's transfers (hand-made: the sample set has
        // no tokens.csv for it).
        let tokens = try EthStore.write(
            "address,symbol,name,decimals,total_supply,block_number\n\(token),TKN,Token,4,1000000,483920\n",
            dir,
            "tokens.csv")
        let path = EthStore.sample("token_transfers/expected_token_transfers.csv")
        try EthStore.ingest(store, [path, tokens, EthStore.sample("block_with_logs/expected_blocks.csv")])
        let expected = try EthStore.csvDicts(path)
        #expect(expected.count == 2)
        for row in expected {
            let seq = try #require(Int64(row["log_index"] ?? "")) + 1
            let t = try #require(
                try EthStore.transfer(store, row["transaction_hash"] ?? "", .token, seq: seq))
            #expect(t.from == row["from_address"])
            #expect(t.to == row["to_address"])
            #expect(t.amount == row["value"])
            #expect(t.asset == "TKN")
            #expect(t.block == row["block_number"])
            #expect(t.time == "1446561880")
            #expect(t.status == "1")
        }
        #expect(
            try store.textRows("SELECT symbol, decimals, name FROM assets WHERE contract = ?", [token]) == [
                ["TKN", "4", "Token"]
            ])
    }

    @Test("token transfers need a time: an error says which block and how to give it; a blocks file fixes it")
    func tokenTransferTimes() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = EthStore.sample("extract_token_transfers/expected_token_transfers.csv")
        let error = try #require(throws: IngestError.self) { try EthStore.ingest(store, [path]) }
        #expect(error.code == .badValue && error.line == 2 && error.field == "block_number")
        #expect(error.message.contains("no time known for block 1452581"))
        #expect(try EthStore.count(store) == 0)
        let blocks = try EthStore.write(
            "number,hash,parent_hash,miner,timestamp\n1452581,0x00,0x00,\(EthStore.addr(9)),1460000000\n",
            dir, "blocks.csv")
        try EthStore.ingest(store, [path, blocks])
        let t = try #require(
            try EthStore.transfer(
                store, "0x5cb4fc2e3d217f3c286358d6bc042259c8befb0dabe450567a987f5770043157", .token, seq: 4))
        #expect(t.amount == "109000000000000000000")
        #expect(t.time == "1460000000")
        #expect(t.asset == "0xc66ea802717bfb9833400264dd12c2bceaa34a6d")
    }

    @Test("a token transfer takes its time from its transaction stored by an earlier run")
    func tokenTimeFromStoredTransaction() throws {
        let (store, _) = try Fixtures.freshStore()
        try EthStore.ingest(store, [EthStore.sample("block_with_logs/expected_transactions.csv")])
        try EthStore.ingest(store, [EthStore.sample("token_transfers/expected_token_transfers.csv")])
        #expect(try EthStore.count(store, where: "kind = 2 AND time = 1446561880") == 2)
    }

    @Test("tokens.csv rows become assets; a token calling itself ETH stays its contract, not Ether")
    func tokenAssets() throws {
        let (store, _) = try Fixtures.freshStore()
        try EthStore.ingest(
            store,
            [
                EthStore.sample("tokens/expected_tokens_alternative_return_type.csv"),
                EthStore.sample("tokens/expected_tokens_invalid_data.csv"),
            ])
        let rows = try store.textRows(
            "SELECT id, chain, symbol, contract, decimals, name FROM assets WHERE contract != '' ORDER BY contract"
        )
        #expect(
            rows == [
                ["3", "ethereum", "EOS", "0x86fa049857e0209aa7d9e616f7eb3b3b78ecfdb0", "18", nil],
                ["4", "ethereum", "ETH", "0xf763be8b3263c268e9789abfb3934564a7b80054", "18", "ETH"],
            ])
        #expect(try store.textRows("SELECT symbol FROM assets WHERE id = 2") == [["ETH"]])
    }

    /// Block times for the Parity/geth trace samples (hand-made: the trace samples come without
    /// their blocks).
    static func traceBlocks(_ dir: String) throws -> String {
        try EthStore.write(
            """
            number,hash,parent_hash,miner,timestamp
            1000000,0x00,0x00,0x2a65aca4d5fc5b5c859090a6c34d164135398226,1455404053
            1000690,0x00,0x00,0xf8b483dba2c3b7176a3da549ad41a48bb3121069,1455413500
            1000895,0x00,0x00,0x63a9975ba31b0b9626b34300f7f627147df1f526,1455416600
            1011973,0x00,0x00,0x738db714c08b8a32a29e0e68af00215079aa9c5c,1455570000

            """, dir, "blocks.csv")
    }

    static let traceCases = [
        "block_with_create", "block_with_error", "block_with_subtraces", "block_with_suicide",
    ]

    @Test(
        "Parity traces: failed traces move nothing, rewards are minted to the miner, callcode moves nothing, a self-destruct moves the balance"
    )
    func parityTraces() throws {
        let (store, dir) = try Fixtures.freshStore()
        let files = Self.traceCases.map { EthStore.sample("traces/\($0).csv") }
        try EthStore.ingest(store, files + [try Self.traceBlocks(dir)])
        var failedTraces = 0
        for file in files {
            for row in try EthStore.csvDicts(file) {
                let value = row["value"] ?? ""
                if row["trace_type"] == "reward" {
                    let t = try #require(try EthStore.transfer(store, row["trace_id"] ?? "", .internalCall))
                    #expect(
                        t.from == nil && t.to == row["to_address"] && t.amount == value && t.status == "1")
                    continue
                }
                let tx = row["transaction_hash"] ?? ""
                let failed = row["status"] == "0"
                if (row["trace_address"] ?? "").isEmpty {
                    // The transaction's own value, with the trace's outcome as its status.
                    let t = try #require(try EthStore.transfer(store, tx, .value))
                    #expect(t.from == row["from_address"] && t.to == row["to_address"] && t.amount == value)
                    #expect(t.status == (failed ? "0" : "1"))
                }
                if failed {
                    failedTraces += 1
                    #expect(try EthStore.count(store, where: "tx = '\(tx)' AND kind = 1") == 0)
                }
            }
        }
        #expect(failedTraces == 1)
        // callcode runs code in the caller's own account: nothing moves.
        #expect(
            try EthStore.count(
                store,
                where:
                    "tx = '0xea1093d492a1dcb1bef708f771a99a96ff05dcab81ca76c31940300177fcf49f' AND kind = 1")
                == 0)
        // The self-destruct sends the contract's balance to its beneficiary.
        let suicide = try #require(
            try EthStore.transfer(
                store, "0x91acb43c5f141c393a189e091c190c9ffb20e4e8a502e4cc3087be9587bdbc89", .internalCall,
                seq: 1 << 48))
        #expect(suicide.from == "0x474faa5018639791952fae334e2911700ac7fe9b")
        #expect(suicide.to == "0x83973747eec131bf9a08ac64fb1a518e891bdf4b")
        #expect(
            suicide.amount == "50000000000000000" && suicide.status == "1" && suicide.time == "1455570000")
        #expect(try EthStore.count(store, where: "kind = 1") == 5)  // 4 rewards, 1 self-destruct
        #expect(try EthStore.count(store, where: "kind = 0") == 7)
    }

    /// The transactions behind the trace samples (hash, block, index, from, to, value from the
    /// Parity traces' top-level rows), for the geth traces, which name no transaction hash.
    static func traceTransactions(_ dir: String) throws -> String {
        var text =
            "hash,block_number,transaction_index,from_address,to_address,value,gas_price,block_timestamp\n"
        for c in traceCases {
            for row in try EthStore.csvDicts(EthStore.sample("traces/\(c).csv"))
            where row["trace_type"] != "reward" && (row["trace_address"] ?? "").isEmpty {
                text +=
                    "\(row["transaction_hash"] ?? ""),\(row["block_number"] ?? ""),\(row["transaction_index"] ?? ""),\(row["from_address"] ?? ""),\(row["to_address"] ?? ""),\(row["value"] ?? ""),1,1455400000\n"
            }
        }
        return try EthStore.write(text, dir, "transactions.csv")
    }

    @Test(
        "geth traces name no transaction: they need the transactions of the same run, then give the same outcome as Parity's"
    )
    func gethTraces() throws {
        let (store, dir) = try Fixtures.freshStore()
        let geth = Self.traceCases.map { EthStore.sample("geth_traces/\($0).csv") }
        let error = try #require(throws: IngestError.self) { try EthStore.ingest(store, [geth[1]]) }
        #expect(error.field == "transaction_hash" && error.line == 2)
        #expect(error.message.contains("ingest the transactions export"))

        let txs = try Self.traceTransactions(dir)
        let (parity, _) = try Fixtures.freshStore()
        try EthStore.ingest(store, geth + [txs])
        try EthStore.ingest(parity, Self.traceCases.map { EthStore.sample("traces/\($0).csv") } + [txs])
        // Statuses come from the traces (the transactions file has no receipts).
        let failed = "0xa2f089480e6fd907e786a88d928ba20feeca2ca37ffa84c2d54bae42f5d989c9"
        #expect(try EthStore.transfer(store, failed, .value)?.status == "0")
        #expect(try EthStore.count(store, where: "kind = 0 AND status = 1") == 6)
        // The same value transfers and statuses; geth's export has no rewards and loses the
        // self-destruct's value, Parity's has both.
        let values = "t.kind = 0"
        #expect(try EthStore.dump(store, where: values) == EthStore.dump(parity, where: values))
        #expect(try EthStore.count(store, where: "kind = 1") == 0)
    }

    @Test("a failed trace and everything under it move nothing, whatever the row order")
    func failedSubtraces() throws {
        let (store, dir) = try Fixtures.freshStore()
        let (ok, bad) = (EthStore.hash(1), EthStore.hash(2))
        let a = EthStore.addr
        func row(
            _ tx: String, _ path: String, _ type: String, _ call: String, _ from: Int, _ to: Int,
            _ value: Int, error: String = ""
        )
            -> String
        {
            "7,\(tx),0,\(a(from)),\(a(to)),\(value),\(type),\(call),\"\(path)\",\(error),,1500000000"
        }
        let text =
            "block_number,transaction_hash,transaction_index,from_address,to_address,value,trace_type,call_type,trace_address,error,status,block_timestamp\n"
            + [
                row(ok, "0,0", "call", "call", 3, 4, 7),  // under the failed [0], listed before it
                row(ok, "", "call", "call", 1, 2, 10),
                row(ok, "0", "call", "call", 2, 3, 5, error: "Reverted"),
                row(ok, "1", "call", "call", 2, 5, 3),
                row(ok, "1,0", "call", "delegatecall", 5, 6, 3),
                row(ok, "1,1", "create", "", 5, 7, 4),
                row(ok, "0,1", "suicide", "", 3, 8, 9),
                row(ok, "2", "suicide", "", 2, 1, 2),
                row(ok, "3", "call", "staticcall", 2, 9, 0),
                row(ok, "4", "call", "call", 2, 9, 0),
                row(bad, "0", "call", "call", 2, 3, 1),
                row(bad, "", "call", "call", 1, 2, 6, error: "Out of gas"),
            ].joined(separator: "\n") + "\n"
        try EthStore.ingest(store, [try EthStore.write(text, dir, "traces.csv")])
        let internals = try EthStore.dump(store, where: "t.kind = 1")
        let got: [[String?]] = internals.map { [$0[1], $0[2], $0[3], $0[4], $0[6]] }
        let seqs: [Int64] = [2 << 48, 2 << 48 | 2 << 40, 3 << 48]
        let want: [[String?]] = [
            [ok, String(seqs[0]), a(2), a(5), "3"],
            [ok, String(seqs[1]), a(5), a(7), "4"],
            [ok, String(seqs[2]), a(2), a(1), "2"],
        ]
        #expect(got == want)
        #expect(
            try EthStore.transfer(store, ok, .value)
                == T([nil, nil, nil, a(1), a(2), "ETH", "10", "1500000000", "7", "1"]))
        #expect(try EthStore.transfer(store, bad, .value)?.status == "0")
    }

    @Test("wei beyond 2^64 is stored exactly, read back, ordered and summed in SQL")
    func bigValues() throws {
        let (store, dir) = try Fixtures.freshStore()
        let values = [
            "18446744073709551617",  // 2^64 + 1
            "1606938044258990275541962092341162602522202993782792835301376",  // 2^200
            "5",
            "9223372036854775807",  // 2^63 - 1: the largest INTEGER
            "9223372036854775808",  // 2^63: the smallest BLOB
            "115792089237316195423570985008687907853269984665640564039457584007913129639935",  // 2^256 - 1
        ]
        let text =
            EthStore.txHeader + "\n"
            + values.enumerated().map { EthStore.txRow($0.offset, value: $0.element) }.joined(separator: "\n")
        try EthStore.ingest(store, [try EthStore.write(text, dir, "transactions.csv")])
        let back = try store.textRows("SELECT amount_text(amount) FROM transfers WHERE kind = 0 ORDER BY tx")
            .map { $0[0] }
        #expect(back == values)
        let ordered = try store.textRows(
            "SELECT amount_text(amount) FROM transfers WHERE kind = 0 ORDER BY amount"
        ).map { $0[0] ?? "" }
        let numeric = values.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
        #expect(ordered == numeric)
        let types = try store.textRows("SELECT typeof(amount) FROM transfers WHERE kind = 0 ORDER BY tx").map
        { $0[0] }
        #expect(types == ["blob", "blob", "integer", "integer", "blob", "blob"])
        // The sum without the largest value (with it, the sum passes 2^256 and is exact text).
        let sum = try store.textRows(
            "SELECT amount_text(amount_sum(amount)) FROM transfers WHERE kind = 0 AND tx != ?",
            [EthStore.hash(5)])
        var total = UInt256.zero
        for v in values.dropLast() {
            let value = try #require(UInt256(decimal: v))
            total = try #require(total.addingReportingOverflow(value))
        }
        #expect(sum == [[total.decimalString]])
        #expect(total.decimalString == "1606938044258990275541962092341162602522239887270940254404613")
        var wide = AmountTotal()
        for v in values { wide.add(try #require(UInt256(decimal: v))) }
        #expect(wide.exact == nil)
        #expect(
            try store.textRows("SELECT amount_text(amount_sum(amount)) FROM transfers") == [
                [wide.decimalString]
            ])
        // A real one: 110 ETH from ethereum-etl's sample.
        let (real, _) = try Fixtures.freshStore()
        try EthStore.ingest(real, [EthStore.sample("blocks_with_transactions/expected_transactions.csv")])
        #expect(
            try EthStore.transfer(
                real, "0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d", .value)?.amount
                == "110000000000000000000")
        #expect(
            try real.textRows("SELECT amount_text(amount_sum(amount)) FROM transfers")
                == [["128445185037751432000"]])
    }

    /// Every sample file of one consistent set.
    static var allSamples: [String] {
        [
            "block_with_logs/expected_blocks.csv", "block_with_logs/expected_transactions.csv",
            "receipts_with_logs/expected_receipts.csv", "receipts_with_logs/expected_logs.csv",
            "token_transfers/expected_token_transfers.csv",
            "tokens/expected_tokens_alternative_return_type.csv",
            "blocks_with_transactions/expected_blocks.csv",
            "blocks_with_transactions/expected_transactions.csv",
            "withdrawals/expected_blocks.csv", "withdrawals/expected_transactions.json",
        ].map(EthStore.sample)
    }

    @Test("re-ingesting changes nothing; the same rows in another export add no duplicates")
    func reingest() throws {
        let (store, _) = try Fixtures.freshStore()
        let first = try EthStore.ingest(store, Self.allSamples)
        #expect(first.summary.transfers > 0)
        let before = try EthStore.dump(store)
        let sources = try store.textRows("SELECT id, status, rows_done FROM sources ORDER BY id")
        let again = try EthStore.ingest(store, Self.allSamples)
        #expect(again.summary.transfers == 0)
        #expect(again.files.allSatisfy { $0.alreadyIngested && $0.records == 0 && $0.added == 0 })
        #expect(try EthStore.dump(store) == before)
        #expect(try store.textRows("SELECT id, status, rows_done FROM sources ORDER BY id") == sources)
        // Same content as JSON lines (other bytes, so a new source): nothing new.
        let json = try EthStore.ingest(
            store,
            [
                EthStore.sample("receipts_with_logs/expected_receipts.json"),
                EthStore.sample("withdrawals/expected_blocks.json"),
            ])
        #expect(json.summary.transfers == 0 && json.files.allSatisfy { !$0.alreadyIngested })
        #expect(try EthStore.dump(store) == before)
    }

    @Test("files are processed lookups first, whatever their order on the command line")
    func anyOrder() throws {
        let (a, _) = try Fixtures.freshStore()
        let (b, _) = try Fixtures.freshStore()
        try EthStore.ingest(a, Self.allSamples)
        try EthStore.ingest(b, Self.allSamples.reversed())
        #expect(try EthStore.dump(a) == EthStore.dump(b))
        #expect(try EthStore.count(a, where: "kind = 3") == 4)
    }

    @Test("an interrupted run resumes after its last chunk and ends as an uninterrupted run")
    func resume() throws {
        let files = [
            EthStore.sample("withdrawals/expected_transactions.json"),
            EthStore.sample("withdrawals/expected_blocks.csv"),
        ]
        let (clean, _) = try Fixtures.freshStore()
        try EthStore.ingest(clean, files)

        let (store, _) = try Fixtures.freshStore()
        #expect(throws: EthereumETLIngest.Interrupted.self) {
            try EthStore.ingest(store, files, limits: .init(chunkRows: 40, stopAfterChunks: 3))
        }
        // blocks (complete), then two chunks of 40 transactions.
        #expect(
            try store.textRows("SELECT format, status, rows_done FROM sources ORDER BY id") == [
                ["ethereum-etl", "complete", "2"], ["ethereum-etl", "partial", "80"],
            ])
        #expect(try EthStore.count(store, where: "kind = 0") == 80)
        let resumed = try EthStore.ingest(store, files)
        #expect(resumed.files.map(\.resumedAfter) == [80, nil])
        #expect(resumed.files.map(\.alreadyIngested) == [false, true])
        #expect(resumed.files.map(\.records) == [218, 0])
        #expect(try EthStore.dump(store) == EthStore.dump(clean))
        #expect(
            try store.textRows("SELECT COUNT(*) FROM transfers")
                == clean.textRows("SELECT COUNT(*) FROM transfers"))
    }

    @Test("bad input stops with file, line, column and field; chunks before it stay; exit 65")
    func badInput() throws {
        let (store, dir) = try Fixtures.freshStore()
        var rows = (0..<40).map { EthStore.txRow($0) }
        rows[30] = EthStore.txRow(30, value: "12abc")
        let path = try EthStore.write(
            EthStore.txHeader + "\n" + rows.joined(separator: "\n") + "\n", dir, "transactions.csv")
        let error = try #require(throws: IngestError.self) {
            try EthStore.ingest(store, [path], limits: .init(chunkRows: 10))
        }
        #expect(error.code == .badValue && error.exitCode == 65)
        #expect(error.file == path && error.line == 32 && error.field == "value")
        #expect(error.message == "value '12abc' is not an unsigned integer (base units, e.g. wei)")
        let column = try #require(error.column)
        #expect(error.description == "\(path):32:\(column): field 'value': error: \(error.message)")
        #expect(try EthStore.count(store) == 30)
        #expect(try store.textRows("SELECT status, rows_done FROM sources") == [["partial", "30"]])
        // The corrected file: the first 30 rows are not added twice.
        rows[30] = EthStore.txRow(30)
        try EthStore.write(
            EthStore.txHeader + "\n" + rows.joined(separator: "\n") + "\n", dir, "transactions.csv")
        try EthStore.ingest(store, [path])
        #expect(try EthStore.count(store) == 40)
    }

    @Test(
        "each kind of bad input is named",
        arguments: [
            (
                "token_transfers.csv",
                "token_address,from_address,to_address,value,transaction_hash,block_number\n\(EthStore.addr(1)),\(EthStore.addr(2)),\(EthStore.addr(3)),5,\(EthStore.hash(1)),7",
                1, "log_index", "missing column 'log_index'"
            ),
            (
                "transactions.csv",
                EthStore.txHeader + "\n"
                    + EthStore.txRow(1, from: 1).replacingOccurrences(of: EthStore.addr(1), with: "0xabc"), 2,
                "from_address", "'0xabc' is not an address"
            ),
            (
                "transactions.csv",
                EthStore.txHeader + "\n"
                    + EthStore.txRow(1).replacingOccurrences(of: ",1600000100", with: ",soon"), 2,
                "block_timestamp", "'soon' is not a time"
            ),
            (
                "receipts.json",
                #"{"transaction_hash": "\#(EthStore.hash(1))", "gas_used": 1, "status": 1}"# + "\n"
                    + #"{"transaction_hash": "\#(EthStore.hash(2))", "gas_used": 1 "status": 1}"#, 2, nil,
                "JSON syntax error"
            ),
        ] as [(String, String, Int, String?, String)])
    func badInputKinds(name: String, text: String, line: Int, field: String?, message: String) throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = try EthStore.write(text + "\n", dir, name)
        let error = try #require(throws: IngestError.self) { try EthStore.ingest(store, [path]) }
        #expect(error.exitCode == 65 && error.file == path)
        #expect(error.line == line && error.field == field)
        #expect(error.message.contains(message), "\(error)")
        if line > 1 { #expect(error.column != nil) }
    }

    @Test("a receipt ingested after its transaction sets the status, the fee and the created contract")
    func lateReceipts() throws {
        let (store, dir) = try Fixtures.freshStore()
        let txs = [
            EthStore.txRow(1, value: "100"), EthStore.txRow(2, value: "200"),
            EthStore.txRow(3, to: nil, value: "0"),
        ]
        try EthStore.ingest(
            store, [try EthStore.write(EthStore.txHeader + "\n" + txs.joined(separator: "\n"), dir, "tx.csv")]
        )
        #expect(try EthStore.count(store, where: "kind = 3") == 0)
        #expect(try EthStore.transfer(store, EthStore.hash(3), .value)?.to == nil)
        let contract = EthStore.addr(77)
        let receipts =
            EthStore.receiptHeader + "\n"
            + [
                "\(EthStore.hash(1)),1,0x00,100,21000,21000,,,1,10",
                "\(EthStore.hash(2)),2,0x00,100,51000,30000,,,0,7",
                "\(EthStore.hash(3)),3,0x00,100,151000,100000,\(contract),,1,3",
                "\(EthStore.hash(99)),4,0x00,100,171000,20000,,,1,3",  // a transaction not stored
            ].joined(separator: "\n")
        let report = try EthStore.ingest(store, [try EthStore.write(receipts, dir, "receipts.csv")])
        #expect(report.summary.transfers == 3)
        #expect(try EthStore.transfer(store, EthStore.hash(1), .value)?.status == "1")
        // A failed transaction moves nothing, but its fee is paid.
        #expect(try EthStore.transfer(store, EthStore.hash(2), .value)?.status == "0")
        #expect(
            try EthStore.transfer(store, EthStore.hash(2), .fee)
                == T([nil, nil, nil, EthStore.addr(1), nil, "ETH", "210000", "1600000100", "100", "1"]))
        #expect(try EthStore.transfer(store, EthStore.hash(3), .value)?.to == contract)
        #expect(try EthStore.transfer(store, EthStore.hash(3), .fee)?.amount == "300000")
        #expect(try EthStore.count(store, where: "tx = '\(EthStore.hash(99))'") == 0)
        // The same in one run gives the same rows.
        let (one, _) = try Fixtures.freshStore()
        try EthStore.ingest(one, [dir + "/tx.csv", dir + "/receipts.csv"])
        #expect(try EthStore.dump(one) == EthStore.dump(store))
    }

    @Test("a contract creation goes to the created contract when a receipt names it, else to no one")
    func contractCreation() throws {
        let (store, _) = try Fixtures.freshStore()
        try EthStore.ingest(store, [EthStore.sample("withdrawals/expected_transactions.json")])
        #expect(try EthStore.count(store, where: "kind = 0 AND to_id IS NULL") == 1)
    }

    @Test("validator withdrawals are minted to their address in wei; CSV and JSON blocks agree")
    func withdrawals() throws {
        let (csv, _) = try Fixtures.freshStore()
        let (json, _) = try Fixtures.freshStore()
        try EthStore.ingest(csv, [EthStore.sample("withdrawals/expected_blocks.csv")])
        try EthStore.ingest(json, [EthStore.sample("withdrawals/expected_blocks.json")])
        let rows = try EthStore.dump(csv)
        #expect(rows == (try EthStore.dump(json)))
        #expect(rows.count == 32)
        #expect(
            rows.allSatisfy {
                $0[0] == "1" && $0[3] == nil && $0[9] == "1" && ($0[1] ?? "").hasPrefix("withdrawal_")
            })
        let first = try #require(try EthStore.transfer(csv, "withdrawal_2210752", .internalCall))
        #expect(first.to == "0xb9d7934878b5fb9610b3fe8a5e441e8fad7e293f")
        #expect(
            first.amount == "45762059000000000" && first.time == "1683029999" && first.block == "17173049")
    }

    @Test("empty exports (no bytes, or a header only) add nothing and are reported")
    func emptyFiles() throws {
        let (store, dir) = try Fixtures.freshStore()
        let empty = try EthStore.write("", dir, "expected_transactions.csv")
        let header = try EthStore.write(EthStore.txHeader + "\n", dir, "header.csv")
        let report = try EthereumETLIngest.run(
            store: store,
            files: [
                (empty, DetectedFormat(.ethereumETL)), (header, try FormatDetector.detect(path: header)),
            ],
            progress: nil)
        #expect(report.files.map(\.path) == [empty, header])
        #expect(report.files.map(\.records) == [0, 0])
        #expect(report.files.map(\.role) == [nil, "transactions"])
        #expect(try EthStore.count(store) == 0)
    }

    @Test("progress reports the rows read after each chunk")
    func progress() throws {
        let (store, _) = try Fixtures.freshStore()
        let seen = Seen()
        let file = EthStore.sample("withdrawals/expected_transactions.json")
        _ = try EthereumETLIngest.run(
            store: store, files: [(file, try FormatDetector.detect(path: file))], progress: { seen.add($0) },
            limits: .init(chunkRows: 100))
        #expect(seen.values == [100, 200, 298])
    }

    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Int] = []
        func add(_ v: Int) { lock.withLock { list.append(v) } }
        var values: [Int] { lock.withLock { list } }
    }

    @Test(
        "the whole shared ethereum-etl set ingests; every expected token transfer and receipt is reflected",
        .enabled(if: EthStore.hasShared, EthStore.sharedSkipReason))
    func sharedSet() throws {
        let (store, dir) = try Fixtures.freshStore()
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: EthStore.shared)
        while let relative = enumerator?.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard name.hasPrefix("expected_") || name == "logs.csv" else { continue }
            // geth traces need their transactions (see gethTraces); empty files have no rows.
            if relative.contains("geth") { continue }
            let path = EthStore.shared + "/" + relative
            guard let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0
            else { continue }
            files.append(path)
        }
        files.sort()
        files.append(try Self.traceBlocks(dir))
        files.append(
            try EthStore.write(
                "number,hash,parent_hash,miner,timestamp\n1452581,0x00,0x00,\(EthStore.addr(9)),1460000000\n",
                dir, "b2.csv"))
        let report = try EthStore.ingest(store, files)
        #expect(report.files.count == files.count)
        for file in files where file.hasSuffix("expected_token_transfers.csv") {
            for row in try EthStore.csvDicts(file) {
                let seq = (Int64(row["log_index"] ?? "") ?? -2) + 1
                let t = try EthStore.transfer(store, row["transaction_hash"] ?? "", .token, seq: seq)
                #expect(
                    t?.from == row["from_address"] && t?.to == row["to_address"] && t?.amount == row["value"])
            }
        }
        // CSV and JSON lines of the same transactions: one row each.
        #expect(try EthStore.count(store, where: "kind = 0 AND block BETWEEN 17173049 AND 17173050") == 298)
        #expect(try EthStore.count(store, where: "kind = 3") == 4)
    }
}
