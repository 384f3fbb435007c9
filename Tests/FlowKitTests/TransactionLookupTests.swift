import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// `chainflow tx` of any stored transaction and `chainflow stats` of account-model databases,
/// checked against the sample files' own values.
@Suite("tx shows Ethereum and ledger transactions; stats counts them")
struct TransactionLookupTests {
    static let transactions = EthStore.sample("block_with_logs/expected_transactions.csv")
    static let receipts = EthStore.sample("receipts_with_logs/expected_receipts.csv")
    static let blocks = EthStore.sample("block_with_logs/expected_blocks.csv")
    static let tokens = EthStore.sample("token_transfers/expected_token_transfers.csv")
    static let ledger = Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/ledger.csv").path

    static func ethereumStore() throws -> (CaseDatabase, String) {
        let (store, dir) = try Fixtures.freshStore()
        try EthStore.ingest(store, [transactions, receipts, blocks, tokens])
        return (CaseDatabase(store: store), dir)
    }

    static func ethereum(_ report: TransactionReport) throws -> EthereumTransactionView {
        guard case .ethereum(let e) = report else {
            Issue.record("expected an Ethereum transaction, got \(report)")
            throw CancellationError()
        }
        return e
    }

    @Test(
        "every sample Ethereum transaction: its hash, sender, value, fee (gas used × price) and block as in the files"
    )
    func ethereumTransactions() throws {
        let (db, _) = try Self.ethereumStore()
        let receipts = Dictionary(
            uniqueKeysWithValues: try EthStore.csvDicts(Self.receipts).map {
                ($0["transaction_hash"] ?? "", $0)
            })
        let blocks = Dictionary(
            uniqueKeysWithValues: try EthStore.csvDicts(Self.blocks).map { ($0["number"] ?? "", $0) })
        let rows = try EthStore.csvDicts(Self.transactions)
        #expect(rows.count == 4)
        for tx in rows {
            let hash = try #require(tx["hash"])
            // Found by the hash as exported, upper case, without 0x, and as tx:HASH.
            let e = try Self.ethereum(try db.transaction(hash))
            #expect(
                try db.transaction(hash.uppercased().replacingOccurrences(of: "0X", with: "0x"))
                    == .ethereum(e))
            #expect(try db.transaction("tx:" + hash) == .ethereum(e))
            #expect(e.hash == hash)
            #expect(e.sender == tx["from_address"])
            #expect(e.value?.to == tx["to_address"])
            #expect(e.value?.amount.decimalString == tx["value"])
            #expect(e.block.map(String.init) == tx["block_number"])
            #expect(e.time.map(String.init) == tx["block_timestamp"])
            let receipt = try #require(receipts[hash])
            let price = try #require(UInt256(decimal: receipt["effective_gas_price"] ?? ""))
            let gas = try #require(UInt64(receipt["gas_used"] ?? ""))
            #expect(e.fee?.amount == price.multipliedReportingOverflow(by: gas))
            let text = TransactionReport.ethereum(e).text
            #expect(text.contains("transaction \(hash) (ethereum)"))
            #expect(
                text.contains("(\(price.multipliedReportingOverflow(by: gas)?.decimalString ?? "?") wei)"))
            #expect(text.contains("  block     \(tx["block_number"] ?? "?")"))
            // The block time from the blocks file.
            let block = try #require(blocks[tx["block_number"] ?? ""])
            let time = try #require(Int64(block["timestamp"] ?? ""))
            #expect(text.contains("\n  time      \(Render.isoTime(time))\n"))
            let json = TransactionReport.ethereum(e).json.rendered()
            #expect(json.contains("\"hash\": \"\(hash)\""))
            #expect(
                json.contains(
                    "\"fee\": \"\(price.multipliedReportingOverflow(by: gas)?.decimalString ?? "?")\""))
        }
    }

    @Test(
        "token transfers: the amounts of expected_token_transfers.csv, named by the short contract, decimals unknown"
    )
    func tokenTransfers() throws {
        let (db, _) = try Self.ethereumStore()
        let rows = try EthStore.csvDicts(Self.tokens)
        #expect(rows.count == 2)
        for row in rows {
            let e = try Self.ethereum(try db.transaction(row["transaction_hash"] ?? ""))
            let seq = try #require(Int64(row["log_index"] ?? "")) + 1
            let t = try #require(e.transfers.first { $0.kind == .token && $0.seq == seq })
            #expect(t.from == row["from_address"] && t.to == row["to_address"])
            #expect(t.amount.decimalString == row["value"])
            #expect(t.asset.contract == row["token_address"] && t.asset.decimals == nil)
            // A log exists only in a successful transaction.
            #expect(e.status == 1)
            let contract = try #require(row["token_address"])
            let short = String(contract.prefix(6)) + "…" + String(contract.suffix(4))
            #expect(
                TransactionReport.ethereum(e).text.contains(
                    "\(row["value"] ?? "?") base units of \(short) (decimals unknown)"))
        }
    }

    @Test("a failed transaction (Parity trace 'Out of gas') shows status failed and moves nothing")
    func failedTransaction() throws {
        let (store, dir) = try Fixtures.freshStore()
        let traces = EthStore.sample("traces/block_with_error.csv")
        try EthStore.ingest(store, [traces, try EthereumStoreTests.traceBlocks(dir)])
        let failed = try EthStore.csvDicts(traces).filter {
            $0["status"] == "0" && ($0["trace_address"] ?? "").isEmpty && $0["trace_type"] == "call"
        }
        #expect(!failed.isEmpty)
        for row in failed {
            let e = try Self.ethereum(
                try CaseDatabase(store: store).transaction(row["transaction_hash"] ?? ""))
            #expect(e.status == 0)
            #expect(e.statusText == "failed")
            #expect(e.value?.amount.decimalString == row["value"])
            #expect(e.value?.moved == false)
            #expect(e.transfers.allSatisfy { !$0.moved })
            let text = TransactionReport.ethereum(e).text
            #expect(text.contains("status    failed"))
            #expect(TransactionReport.ethereum(e).json.rendered().contains("\"status\": \"failed\""))
        }
    }

    @Test("a Bitcoin transaction's text shows its block's time (truth file): every transaction of block 170")
    func bitcoinBlockTime() throws {
        let db = CaseDatabase(store: try GoldenTests.store())
        let block = try #require(
            try Fixtures.truthBlocks(Fixtures.sample("blk/blocks1-256.truth.json")).first {
                $0["height"] as? Int == 170
            })
        let time = try #require(block["time"] as? Int)
        for tx in try #require(block["transactions"] as? [[String: Any]]) {
            let txid = try #require(tx["txid"] as? String)
            let text = try db.transaction(txid).text
            #expect(text.contains("\n  time      \(Render.isoTime(Int64(time)))\n"), "\(txid)")
        }
    }

    @Test("a ledger transaction id shows its rows: from, to, amount with its asset, time")
    func ledgerTransaction() throws {
        let (store, _) = try Fixtures.freshStore()
        try AmlStoreTests.ingest(store, Self.ledger)
        let db = CaseDatabase(store: store)
        let rows = try EthStore.csvDicts(Self.ledger)
        #expect(rows.count == 10)
        for row in rows {
            let id = try #require(row["tran_id"])
            guard case .ledger(let l) = try db.transaction("tx:" + id) else {
                Issue.record("\(id) is not a ledger transaction")
                continue
            }
            #expect(l.id == id)
            #expect(l.transfers.count == 1)
            let t = try #require(l.transfers.first)
            #expect(t.from == row["orig_acct"] && t.to == row["bene_acct"])
            // base_amt has 2 decimals: the exact cents.
            #expect(t.amount.decimalString(decimals: 2) == TransactionReport.trimmed(row["base_amt"] ?? ""))
            #expect(Render.isoTime(t.time) == row["tran_timestamp"])
            let text = TransactionReport.ledger(l).text
            #expect(text.contains("\(row["orig_acct"] ?? "?") -> \(row["bene_acct"] ?? "?")"))
            // The transfer's timestamp as the transaction's time, right under its id.
            #expect(
                text.contains(
                    "ledger transaction \(id) (ledger)\n  time      \(row["tran_timestamp"] ?? "?")\n"))
        }
        let missing = #expect(throws: StoreError.self) { try db.transaction("4711") }
        #expect(missing?.exitCode == 66)
        #expect(#expect(throws: UsageError.self) { try db.transaction("tx:  ") }?.exitCode == 64)
    }

    @Test(
        "stats of an Ethereum database counts the file's blocks and transactions; of a ledger, its transactions"
    )
    func stats() throws {
        let (db, _) = try Self.ethereumStore()
        let txs = try EthStore.csvDicts(Self.transactions)
        let (s, _) = try db.stats(checksums: false)
        #expect(s.ethereumTransactions == txs.count)
        #expect(s.ethereumBlocks == Set(txs.map { $0["block_number"] ?? "" }).count)
        #expect(s.ethereumMinBlock.map(String.init) == txs.compactMap { $0["block_number"] }.min())
        let text = Render.statsText(s)
        #expect(text.contains("ethereum      1 block (numbers 483920…483920), 4 transactions"))
        #expect(!text.contains("blocks        0"))
        #expect(Render.statsJSON(s).rendered().contains("\"ethereum_transactions\": 4"))

        let (store, _) = try Fixtures.freshStore()
        try AmlStoreTests.ingest(store, Self.ledger)
        let (l, _) = try CaseDatabase(store: store).stats(checksums: false)
        #expect(l.ledgerTransactions == 10 && l.ledgerTransfers == 10 && l.ethereumTransactions == 0)
        #expect(Render.statsText(l).contains("ledger        10 transactions in 10 transfer rows"))
    }

    @Test("the chainflow executable: tx of an Ethereum hash and a ledger id, stats, and a missing id")
    func executable() throws {
        _ = try CLIProcess.requireBinary()
        let dir = try Fixtures.tempDir()
        let db = dir + "/eth.db"
        let ingest = try CLIProcess.run(
            ["ingest", "--db", db, Self.transactions, Self.receipts, Self.blocks, Self.tokens], in: dir)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let hash = try #require(try EthStore.csvDicts(Self.tokens).first?["transaction_hash"])
        let tx = try CLIProcess.run(["tx", "--db", db, hash], in: dir, label: "tx")
        #expect(tx.status == 0, "\(tx.stderr)")
        #expect(tx.stdout.contains("transaction \(hash) (ethereum)") && tx.stdout.contains("token #0"))
        let json = try CLIProcess.run(["tx", "--db", db, "tx:" + hash, "--json"], in: dir, label: "json")
        #expect(json.status == 0 && json.stdout.contains("\"chain\": \"ethereum\""))
        let stats = try CLIProcess.run(["stats", "--db", db], in: dir, label: "stats")
        #expect(stats.status == 0 && stats.stdout.contains("4 transactions"))
        let missing = try CLIProcess.run(
            ["tx", "--db", db, "0x" + String(repeating: "ab", count: 32)], in: dir, label: "missing")
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no transaction") && missing.stderr.contains("Ethereum hash"))
        let ledgerDB = dir + "/ledger.db"
        #expect(
            try CLIProcess.run(["ingest", "--db", ledgerDB, Self.ledger], in: dir, label: "li").status == 0)
        let ledger = try CLIProcess.run(["tx", "--db", ledgerDB, "tx:5"], in: dir, label: "ledger")
        #expect(ledger.status == 0 && ledger.stdout.contains("ledger transaction 5"))
    }
}

extension TransactionReport {
    /// A decimal text without trailing fraction zeros ("9500.00" -> "9500").
    static func trimmed(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
