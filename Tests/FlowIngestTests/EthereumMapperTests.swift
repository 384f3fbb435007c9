import FlowIngest
import FlowModel
import Foundation
import Testing

/// The ethereum-etl rules without a database: records decoded from the sample files (or from
/// hand-made rows) through `EthereumMapper`, checked against figures worked out by hand (or, for
/// the shared block, with Python's integers) from the files' own text.
@Suite("ethereum-etl mapper: value, fee, failed-trace and time rules, without a database")
struct EthereumMapperTests {
    /// A `storedTime` for runs with nothing stored before.
    static func nothingStored(_ tx: String) -> Int64? { nil }

    static func transactions(_ relative: String) throws -> [ETHTransaction] {
        try EthSamples.records(try EthSamples.table(relative), .transactions) { try $0.transaction($1) }
    }

    static func receipts(_ relative: String) throws -> [ETHReceipt] {
        try EthSamples.records(try EthSamples.table(relative), .receipts) { try $0.receipt($1) }
    }

    static func traces(_ table: ETLTable) throws -> [(trace: ETHTrace, line: Int)] {
        let d = try ETLDecoder(table: table, role: .traces)
        var out: [(ETHTrace, Int)] = []
        try table.forEachRow { row in out.append((try d.trace(row), row.line)) }
        return out
    }

    /// Both passes of one traces file: every row's mapping, in file order.
    static func mapTraces(_ table: ETLTable, _ mapper: inout EthereumMapper) throws -> [ETHTraceTransfer] {
        let rows = try traces(table)
        mapper.startTraceFile()
        for (t, _) in rows { mapper.noteFailure(t) }
        return try rows.compactMap { t, line in
            try mapper.trace(t, line: line, write: true, storedTime: nothingStored)
        }
    }

    // MARK: Transactions and receipts

    @Test(
        "transactions with their receipts: the value as exported, fee = gas used × effective gas price, no status before Byzantium"
    )
    func transactionsWithReceipts() throws {
        var mapper = EthereumMapper(roles: [.transactions, .receipts])
        for r in try Self.receipts("receipts_with_logs/expected_receipts.csv") { mapper.learn(receipt: r) }
        let txs = try Self.transactions("block_with_logs/expected_transactions.csv")
        let mapped = try txs.map { try mapper.transaction($0, line: 2, storedTime: Self.nothingStored) }
        // The four rows of block 483920 (1446561880); fees worked out by hand from the receipts:
        // 50853 gas × 50 gwei = 2,542,650,000,000,000 wei; 21000 × 50 gwei = 1,050,000,000,000,000.
        #expect(
            mapped.map(\.value.amount.decimalString) == [
                "0", "0", "11000440000000000", "1530219620000000000",
            ])
        #expect(
            mapped.map { $0.fee?.amount.decimalString } == [
                "2542650000000000", "2542650000000000", "1050000000000000", "1050000000000000",
            ])
        let v = mapped[2].value
        #expect(v.kind == .value && v.seq == 0 && v.token == nil)
        #expect(v.tx == "0x463d53f0ad57677a3b430a007c1c31d15d62c37fab5eee598551697c297c235c")
        #expect(v.from == "0x9df428a91ff0f3635c8f0ce752933b9788926804")
        #expect(v.to == "0x9e669f970ec0f49bb735f20799a7e7c4a1c274e2")
        #expect(v.time == 1_446_561_880 && v.block == 483_920)
        #expect(
            mapped.allSatisfy { $0.value.status == nil }, "pre-Byzantium receipts have no status: unknown")
        for m in mapped {
            let fee = try #require(m.fee)
            #expect(fee.kind == .fee && fee.seq == 0 && fee.tx == m.value.tx)
            #expect(fee.from == m.value.from && fee.to == nil && fee.status == true)
        }
    }

    @Test("without a receipt there is no fee and the status is unknown")
    func withoutReceipt() throws {
        var mapper = EthereumMapper(roles: [.transactions])
        for tx in try Self.transactions("blocks_with_transactions/expected_transactions.csv") {
            let m = try mapper.transaction(tx, line: 2, storedTime: Self.nothingStored)
            #expect(m.fee == nil && m.value.status == nil)
        }
    }

    static let header =
        "hash,block_number,transaction_index,from_address,to_address,value,gas_price,block_timestamp,receipt_gas_used,receipt_effective_gas_price,receipt_status,receipt_contract_address"
    static let a1 = "0x" + String(repeating: "1", count: 40)
    static let a2 = "0x" + String(repeating: "2", count: 40)
    static let h1 = "0x" + String(repeating: "a", count: 64)

    static func transaction(_ fields: String) throws -> ETHTransaction {
        let table = try EthSamples.table(text: header + "\n" + fields + "\n")
        return try #require(try EthSamples.records(table, .transactions) { try $0.transaction($1) }.first)
    }

    @Test("a failed transaction moves no value (status false) but pays its fee")
    func failedTransactionPaysFee() throws {
        var mapper = EthereumMapper(roles: [.transactions])
        let tx = try Self.transaction("\(Self.h1),7,0,\(Self.a1),\(Self.a2),5000,9,1600000000,21000,3,0,")
        let m = try mapper.transaction(tx, line: 2, storedTime: Self.nothingStored)
        #expect(m.value.amount == UInt256(5000) && m.value.status == false)
        // 21000 × 3: the effective price, not gas_price.
        #expect(m.fee?.amount == UInt256(63000) && m.fee?.status == true)
    }

    @Test("a contract creation's value goes to the created contract its receipt names")
    func creation() throws {
        var mapper = EthereumMapper(roles: [.transactions])
        let tx = try Self.transaction("\(Self.h1),7,0,\(Self.a1),,5,9,1600000000,100,,1,\(Self.a2)")
        let m = try mapper.transaction(tx, line: 2, storedTime: Self.nothingStored)
        #expect(m.value.to == Self.a2 && m.value.status == true)
        // No effective price in the receipt: the transaction's gas price.
        #expect(m.fee?.amount == UInt256(900))
    }

    @Test("a fee beyond 2^256 is an error blaming gas_price")
    func feeOverflow() throws {
        var mapper = EthereumMapper(roles: [.transactions])
        let max = UInt256.max.decimalString
        let tx = try Self.transaction("\(Self.h1),7,0,\(Self.a1),\(Self.a2),5,1,1600000000,2,\(max),1,")
        let e = try #require(throws: EthereumMappingError.self) {
            try mapper.transaction(tx, line: 2, storedTime: Self.nothingStored)
        }
        #expect(e.field == "gas_price" && e.message.contains("exceeds 2^256"))
    }

    @Test("a receipt for a transaction an earlier run stored: status, created contract, fee")
    func storedTransactionUpdate() throws {
        let mapper = EthereumMapper(roles: [.receipts])
        let r = ETHReceipt(
            transactionHash: Self.h1, gasUsed: 50853, effectiveGasPrice: UInt256(50_000_000_000),
            contractAddress: Self.a2, status: false)
        let u = try mapper.storedTransactionUpdate(r)
        #expect(
            u
                == ETHReceiptUpdate(
                    status: false, createdContract: Self.a2, fee: UInt256(2_542_650_000_000_000)))
        // Without an effective price the stored transaction's gas price is not known here: no fee.
        let noPrice = ETHReceipt(transactionHash: Self.h1, gasUsed: 21000, status: true)
        #expect(try mapper.storedTransactionUpdate(noPrice).fee == nil)
    }

    @Test("receipts are kept only when the run's transactions or traces need them")
    func receiptLookups() throws {
        let r = ETHReceipt(transactionHash: Self.h1, gasUsed: 1, status: true)
        var alone = EthereumMapper(roles: [.receipts, .tokenTransfers])
        alone.learn(receipt: r)
        #expect(alone.receipts.isEmpty && !alone.needsLookups(.receipts))
        var withTraces = EthereumMapper(roles: [.receipts, .traces])
        withTraces.learn(receipt: r)
        #expect(withTraces.receipts.count == 1 && withTraces.needsLookups(.receipts))
    }

    // MARK: Times

    @Test(
        "a row without block_timestamp takes its block's time from the run, else from its stored transaction")
    func blockTimes() throws {
        let path = "extract_token_transfers/expected_token_transfers.csv"
        let transfers = try EthSamples.records(try EthSamples.table(path), .tokenTransfers) {
            try $0.tokenTransfer($1)
        }
        #expect(transfers.count >= 2 && Set(transfers.map(\.blockNumber)) == [1_452_581])
        var mapper = EthereumMapper(roles: [.tokenTransfers])
        let e = try #require(throws: EthereumMappingError.self) {
            try mapper.tokenTransfer(transfers[0], line: 2, storedTime: Self.nothingStored)
        }
        #expect(e.field == "block_number" && e.message.contains("no time known for block 1452581"))
        // A stored transaction dates its block, and so every later row of that block.
        var asked: [String] = []
        let first = try mapper.tokenTransfer(transfers[0], line: 2) { tx in
            asked.append(tx)
            return 1_460_000_000
        }
        let second = try mapper.tokenTransfer(transfers[1], line: 3) { tx in
            asked.append(tx)
            return nil
        }
        #expect(first.time == 1_460_000_000 && second.time == 1_460_000_000)
        #expect(asked == [transfers[0].transactionHash])
        // A blocks file of the run dates them without asking.
        var withBlocks = EthereumMapper(roles: [.blocks, .tokenTransfers])
        withBlocks.learn(block: try #require(try Self.blocks("block_with_logs/expected_blocks.csv").first))
        let dated = try withBlocks.tokenTransfer(
            try #require(
                try EthSamples.records(
                    try EthSamples.table("token_transfers/expected_token_transfers.csv"), .tokenTransfers
                ) { try $0.tokenTransfer($1) }.first),
            line: 2, storedTime: Self.nothingStored)
        #expect(dated.time == 1_446_561_880)
    }

    static func blocks(_ relative: String) throws -> [ETHBlock] {
        try EthSamples.records(try EthSamples.table(relative), .blocks) { try $0.block($1) }
    }

    // MARK: Tokens

    @Test("token transfers: kind token, seq log index + 1, the contract as asset, status true")
    func tokenTransfers() throws {
        let path = "token_transfers/expected_token_transfers.csv"
        let transfers = try EthSamples.records(try EthSamples.table(path), .tokenTransfers) {
            try $0.tokenTransfer($1)
        }
        var mapper = EthereumMapper(roles: [.tokenTransfers])
        let token = "0xf4eced2f682ce333f96f2d8966c613ded8fc95dd"
        let mapped = try transfers.map { t in
            try mapper.tokenTransfer(t, line: 2) { _ in 1_446_561_880 }
        }
        #expect(
            mapped == [
                EthereumTransfer(
                    kind: .token, tx: "0x04cbcb236043d8fb7839e07bbc7f5eed692fb2ca55d897f1101eac3e3ad4fab8",
                    seq: 1,
                    from: "0x1b63142628311395ceafeea5667e7c9026c862ca",
                    to: "0xac4df82fe37ea2187bc8c011a23d743b4f39019a", token: token, amount: UInt256(100_000),
                    time: 1_446_561_880, block: 483_920, status: true, line: 2),
                EthereumTransfer(
                    kind: .token, tx: "0xcea6f89720cc1d2f46cc7a935463ae0b99dd5fad9c91bb7357de5421511cee49",
                    seq: 2,
                    from: "0x9b22a80d5c7b3374a05b446081f97d0a34079e7f",
                    to: "0x66f183060253cfbe45beff1e6e7ebbe318c81e56", token: token, amount: UInt256(200_000),
                    time: 1_446_561_880, block: 483_920, status: true, line: 2),
            ])
        // No tokens file: the asset has no metadata; a tokens file of the run gives it.
        #expect(mapper.tokenAsset(token) == ETHToken(address: token, symbol: nil, name: nil, decimals: nil))
        let eos = try #require(
            try EthSamples.records(
                try EthSamples.table("tokens/expected_tokens_alternative_return_type.csv"), .tokens
            ) { try $0.token($1) }.first)
        mapper.learn(token: eos)
        #expect(
            mapper.tokenAsset(eos.address).symbol == "EOS" && mapper.tokenAsset(eos.address).decimals == 18)
    }

    // MARK: Withdrawals

    @Test("withdrawals are minted to the withdrawal address in wei, one transfer each")
    func withdrawals() throws {
        let mapper = EthereumMapper(roles: [.blocks])
        let blocks = try Self.blocks("withdrawals/expected_blocks.json")
        let mapped = try blocks.map { try mapper.withdrawals(of: $0, line: 1) }
        #expect(mapped.map(\.count) == [16, 16])
        // Sums of the Gwei amounts × 10^9, worked out from the file.
        let sums = mapped.map { $0.reduce(UInt256.zero) { $0 + $1.amount }.decimalString }
        #expect(sums == ["231693495000000000", "198354889000000000"])
        let last = try #require(mapped[0].last)
        #expect(last.tx == "withdrawal_2210767" && last.kind == .internalCall && last.seq == 0)
        #expect(last.from == nil && last.to == "0xb9d7934878b5fb9610b3fe8a5e441e8fad7e293f")
        #expect(last.amount.decimalString == "12384451000000000")
        #expect(last.time == 1_683_029_999 && last.block == 17_173_049 && last.status == true)
    }

    // MARK: Traces

    @Test(
        "Parity traces: a failed trace moves nothing and fails its transaction, rewards are minted, callcode moves nothing, a self-destruct moves the balance"
    )
    func parityTraces() throws {
        var mapper = EthereumMapper(roles: [.blocks, .traces])
        // Block times (hand-made: the trace samples come without their blocks).
        let blocks = try EthSamples.table(
            text: "number,timestamp\n1000000,1455404053\n1000895,1455416600\n1011973,1455570000\n")
        for b in try EthSamples.records(blocks, .blocks, { try $0.block($1) }) { mapper.learn(block: b) }
        let error = try Self.mapTraces(try EthSamples.table("traces/block_with_error.csv"), &mapper)
        // Row 1 failed (Out of gas): the transaction's value with status false, nothing else.
        #expect(error.map(\.transfer.kind) == [.value, .value, .internalCall])
        #expect(error.map(\.transactionStatus) == [false, true, nil])
        #expect(
            error[0].transfer.status == false
                && error[0].transfer.amount.decimalString == "1000000000000000000")
        let reward = error[2].transfer
        #expect(reward.tx == "reward_1000895_0" && reward.from == nil)
        #expect(reward.to == "0x63a9975ba31b0b9626b34300f7f627147df1f526")
        #expect(reward.amount.decimalString == "5000000000000000000")

        let sub = try Self.mapTraces(try EthSamples.table("traces/block_with_subtraces.csv"), &mapper)
        // The callcode subtrace [0] of 0xea1093d4… moves nothing: two values and the reward.
        #expect(sub.map(\.transfer.kind) == [.value, .value, .internalCall])
        #expect(!sub.contains { $0.transfer.kind == .internalCall && $0.transfer.tx.hasPrefix("0xea1093d4") })

        let suicide = try Self.mapTraces(try EthSamples.table("traces/block_with_suicide.csv"), &mapper)
        let s = try #require(suicide.first { $0.transfer.kind == .internalCall && $0.transfer.from != nil })
        #expect(s.transfer.tx == "0x91acb43c5f141c393a189e091c190c9ffb20e4e8a502e4cc3087be9587bdbc89")
        #expect(s.transfer.seq == 1 << 48)
        #expect(s.transfer.from == "0x474faa5018639791952fae334e2911700ac7fe9b")
        #expect(s.transfer.to == "0x83973747eec131bf9a08ac64fb1a518e891bdf4b")
        #expect(s.transfer.amount == UInt256(50_000_000_000_000_000) && s.transfer.time == 1_455_570_000)
    }

    static let traceHeader =
        "block_number,transaction_hash,transaction_index,from_address,to_address,value,trace_type,call_type,trace_address,error,status,block_timestamp"

    static func address(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return "0x" + String(repeating: "0", count: 40 - hex.count) + hex
    }

    static func traceRow(
        _ tx: String, _ path: String, _ type: String, _ call: String, _ from: Int, _ to: Int, _ value: Int,
        error: String = ""
    ) -> String {
        "7,\(tx),0,\(address(from)),\(address(to)),\(value),\(type),\(call),\"\(path)\",\(error),,1500000000"
    }

    @Test("a failed trace and everything under it move nothing, whatever the row order")
    func failedSubtraces() throws {
        let ok = "0x" + String(repeating: "0", count: 63) + "1"
        let bad = "0x" + String(repeating: "0", count: 63) + "2"
        let rows = [
            Self.traceRow(ok, "0,0", "call", "call", 3, 4, 7),  // under the failed [0], listed before it
            Self.traceRow(ok, "", "call", "call", 1, 2, 10),
            Self.traceRow(ok, "0", "call", "call", 2, 3, 5, error: "Reverted"),
            Self.traceRow(ok, "1", "call", "call", 2, 5, 3),
            Self.traceRow(ok, "1,0", "call", "delegatecall", 5, 6, 3),
            Self.traceRow(ok, "1,1", "create", "", 5, 7, 4),
            Self.traceRow(ok, "0,1", "suicide", "", 3, 8, 9),
            Self.traceRow(ok, "2", "suicide", "", 2, 1, 2),
            Self.traceRow(ok, "3", "call", "staticcall", 2, 9, 0),
            Self.traceRow(ok, "4", "call", "call", 2, 9, 0),
            Self.traceRow(bad, "0", "call", "call", 2, 3, 1),
            Self.traceRow(bad, "", "call", "call", 1, 2, 6, error: "Out of gas"),
        ]
        var mapper = EthereumMapper(roles: [.traces])
        let table = try EthSamples.table(text: Self.traceHeader + "\n" + rows.joined(separator: "\n") + "\n")
        let mapped = try Self.mapTraces(table, &mapper)
        let internals: [[String?]] = mapped.filter { $0.transfer.kind == .internalCall }.map {
            [$0.transfer.from, $0.transfer.to, $0.transfer.amount.decimalString, String($0.transfer.seq)]
        }
        let seqs: [Int64] = [2 << 48, 2 << 48 | 2 << 40, 3 << 48]
        let want: [[String?]] = [
            [Self.address(2), Self.address(5), "3", String(seqs[0])],
            [Self.address(5), Self.address(7), "4", String(seqs[1])],
            [Self.address(2), Self.address(1), "2", String(seqs[2])],
        ]
        // Moved: [1] call 2→5 (3), [1,1] create 5→7 (4), [2] suicide 2→1 (2). Not: [0] reverted and
        // [0,0], [0,1] under it; [1,0] delegatecall; zero values; the whole failed transaction.
        #expect(internals == want)
        let values = mapped.filter { $0.transfer.kind == .value }
        #expect(values.map(\.transfer.tx) == [ok, bad])
        #expect(values.map(\.transactionStatus) == [true, false])
        #expect(values.map(\.transfer.status) == [true, false])
    }

    @Test(
        "which traces move value between accounts",
        arguments: [
            ("call", "call", true), ("call", "", true), ("call", "delegatecall", false),
            ("call", "callcode", false), ("call", "staticcall", false), ("create", "", true),
            ("create2", "", true), ("suicide", "", true), ("selfdestruct", "", true), ("reward", "", false),
        ])
    func movesValue(type: String, call: String, moves: Bool) throws {
        let tx = "0x" + String(repeating: "0", count: 63) + "3"
        let table = try EthSamples.table(
            text: Self.traceHeader + "\n" + Self.traceRow(tx, "0", type, call, 1, 2, 9) + "\n")
        let t = try #require(try Self.traces(table).first?.trace)
        #expect(EthereumMapper.movesValue(t) == moves)
        var mapper = EthereumMapper(roles: [.traces])
        let m = try mapper.trace(t, line: 2, write: true, storedTime: Self.nothingStored)
        #expect((m != nil) == moves)
    }

    @Test("geth traces find their transaction by (block, index) among the run's transactions")
    func gethTraces() throws {
        let table = try EthSamples.table("geth_traces/block_with_error.csv")
        let rows = try Self.traces(table)
        var alone = EthereumMapper(roles: [.traces])
        let e = try #require(throws: EthereumMappingError.self) {
            try alone.trace(rows[0].trace, line: 2, write: true, storedTime: Self.nothingStored)
        }
        #expect(e.field == "transaction_hash" && e.message.contains("block 1000895, index 0"))
        // Rows not written (before a resume point) ask nothing.
        #expect(try alone.trace(rows[0].trace, line: 2, write: false, storedTime: Self.nothingStored) == nil)

        var mapper = EthereumMapper(roles: [.transactions, .traces])
        let failed = "0xa2f089480e6fd907e786a88d928ba20feeca2ca37ffa84c2d54bae42f5d989c9"
        let other = "0xc7fec96b2dd4cadaade2721dc9b5386a39ab00e96e7c1060e441f273801b39de"
        for (i, hash) in [failed, other].enumerated() {
            mapper.learn(
                transaction: try Self.transaction(
                    "\(hash),1000895,\(i),\(Self.a1),\(Self.a2),1,1,1455416600,,,,"))
        }
        let mapped = try Self.mapTraces(table, &mapper)
        #expect(mapped.map(\.transfer.tx) == [failed, other])
        #expect(mapped.map(\.transactionStatus) == [false, true])
        #expect(mapped.allSatisfy { $0.transfer.time == 1_455_416_600 })
    }

    @Test("block-scoped traces without a trace_id are numbered per block and type, counting rows not written")
    func blockScopedIds() throws {
        let header =
            "block_number,transaction_hash,from_address,to_address,value,trace_type,trace_address,block_timestamp"
        let rows = [
            "9,,,\(Self.a1),5,reward,,100", "9,,,\(Self.a2),6,reward,,100", "9,,,\(Self.a1),7,genesis,,100",
            "10,,,\(Self.a1),8,reward,,110",
        ]
        let table = try EthSamples.table(text: header + "\n" + rows.joined(separator: "\n") + "\n")
        let traces = try Self.traces(table)
        var mapper = EthereumMapper(roles: [.traces])
        mapper.startTraceFile()
        var ids: [String] = []
        for (i, (t, line)) in traces.enumerated() {
            // The first row was committed by an earlier run: it still takes number 0.
            if let m = try mapper.trace(t, line: line, write: i > 0, storedTime: Self.nothingStored) {
                ids.append(m.transfer.tx)
                #expect(m.transfer.from == nil && m.transfer.status == true)
            }
        }
        #expect(ids == ["reward_9_1", "genesis_9_0", "reward_10_0"])
    }

    @Test(
        "internal transfer seq: one byte per trace level, most significant first; deep paths hash with bit 62"
    )
    func seq() {
        #expect(EthereumMapper.seq([]) == 0)
        #expect(EthereumMapper.seq([0]) == 1 << 48)
        #expect(EthereumMapper.seq([1, 0]) == 2 << 48 | 1 << 40)
        #expect(EthereumMapper.seq([0, 0, 0, 0, 0, 0, 253]) == 0x0001_0101_0101_01fe)
        let deep = EthereumMapper.seq([0, 0, 0, 0, 0, 0, 0, 0])
        let wide = EthereumMapper.seq([255])
        #expect(deep & (1 << 62) != 0 && wide & (1 << 62) != 0 && deep != wide && deep > 0)
        #expect(
            EthereumMapper.seq([1]) < EthereumMapper.seq([1, 0])
                && EthereumMapper.seq([1, 0]) < EthereumMapper.seq([2]))
    }

    // MARK: A whole real block (shared data)

    static let defiBlock = EthSamples.shared.deletingLastPathComponent().appendingPathComponent(
        "ethereum-defi/ethetl-17179063")
    static let defiIsAvailable = FileManager.default.fileExists(atPath: defiBlock.path)

    @Test(
        "block 17179063: 146 transactions, 4 failed (value stays, fee paid), fees and values as Python sums them",
        .enabled(if: defiIsAvailable, "../shared/data/ethereum-defi is absent"))
    func wholeBlock() throws {
        let table = try ETLTable.open(
            path: Self.defiBlock.appendingPathComponent("expected_transactions.json").path)
        let txs = try EthSamples.records(table, .transactions) { try $0.transaction($1) }
        var mapper = EthereumMapper(roles: [.transactions])
        let mapped = try txs.map { try mapper.transaction($0, line: 1, storedTime: Self.nothingStored) }
        #expect(mapped.count == 146)
        let failed = mapped.filter { $0.value.status == false }
        #expect(failed.count == 4)
        #expect(mapped.allSatisfy { $0.fee != nil && $0.value.time == 1_683_103_055 })
        func sum(_ transfers: [EthereumTransfer]) -> String {
            transfers.reduce(UInt256.zero) { $0 + $1.amount }.decimalString
        }
        // Σ receipt_gas_used × receipt_effective_gas_price, and the values by outcome (Python).
        #expect(sum(mapped.compactMap(\.fee)) == "1328952578530024191")
        #expect(sum(mapped.filter { $0.value.status == true }.map(\.value)) == "60896796359036196080")
        #expect(sum(failed.map(\.value)) == "160000000000000000")
        let f = try #require(
            failed.first {
                $0.value.tx == "0x3c329e16e39eae5984dc26a2e650b2a36375a6759b925972b4edbb4a46a43762"
            })
        #expect(f.fee?.amount.decimalString == "9124577612297062")  // 178114 × 51228862483

        let tokens = try ETLTable.open(
            path: Self.defiBlock.appendingPathComponent("expected_token_transfers.json").path)
        let transfers = try EthSamples.records(tokens, .tokenTransfers) { try $0.tokenTransfer($1) }
        let mappedTokens = try transfers.map {
            try mapper.tokenTransfer($0, line: 1, storedTime: Self.nothingStored)
        }
        let weth = mappedTokens.filter { $0.token == "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2" }
        #expect(mappedTokens.count == 551 && Set(mappedTokens.compactMap(\.token)).count == 47)
        #expect(weth.count == 43 && sum(weth) == "20355526873940304101")
    }
}
