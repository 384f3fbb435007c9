import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The write side of the store contract (`TransferStore`, FlowStore/StoreWriter.swift) is all
/// account-model ingest needs: ethereum-etl and transfers-CSV ingest run on a second backend —
/// here one that keeps everything in memory, written from the protocols' documentation, not from
/// SQL — and store the same transfers, addresses, assets and source progress as SQLite. A backend
/// that implements the protocols (PostgreSQL) is therefore enough for them.
@Suite("The write side of the store contract: ingest on a second backend stores what SQLite stores")
struct TransferStoreContractTests {
    // MARK: A second backend

    /// What the memory backend holds; copied at each commit, so a failed chunk rolls back.
    struct Tables {
        struct Source {
            var path: String
            var format: String
            var fingerprint: [UInt8]
            var size: Int
            var bytesDone = 0
            var rowsDone = 0
            var prefixHash: [UInt8]?
            var complete = false
        }
        struct Asset: Equatable {
            var chain: String
            var symbol: String?
            var contract: String
            var decimals: Int?
            var name: String?
        }
        var addresses: [String] = []
        var addressIds: [String: Int64] = [:]
        /// The built-in assets the schema creates (ids 1 and 2).
        var assets: [Asset] = [
            Asset(chain: "bitcoin", symbol: "BTC", contract: "", decimals: 8, name: "Bitcoin"),
            Asset(chain: "ethereum", symbol: "ETH", contract: "", decimals: 18, name: "Ether"),
        ]
        var sources: [Source] = []
        var transfers: [TransferRecord] = []
        /// (tx, kind, seq) of on-chain transfers: the identity a second copy is ignored by.
        var onChain: Set<String> = []
        /// Event logs with their emitting address id, and their identity (tx, log index).
        var logs: [(log: EventLog, address: Int64)] = []
        var logKeys: Set<String> = []
        /// Conversions by transaction.
        var conversions: [String: [ConversionRecord]] = [:]
        var runs: [(command: String, status: String?)] = []

        static func key(_ tx: String?, _ kind: TransferKind, _ seq: Int64) -> String {
            "\(tx ?? "")|\(kind.rawValue)|\(seq)"
        }
    }

    final class MemoryStore: TransferStore, @unchecked Sendable {
        var committed = Tables()

        func startRun(command: String, parameters: String) throws(StoreError) -> Int64 {
            committed.runs.append((command, nil))
            return Int64(committed.runs.count)
        }

        func finishRun(_ id: Int64, status: String, summary: String) throws(StoreError) {
            committed.runs[Int(id) - 1].status = status
        }

        func withTransferWriter(_ body: (MemoryWriter) throws -> Void) throws -> TransferSummary {
            let writer = MemoryWriter(self)
            defer { committed = writer.committed }
            try body(writer)
            return writer.summary
        }
    }

    final class MemoryWriter: TransferSink, StoredTransferAmender, EventLogSink {
        var committed: Tables
        var open: Tables
        private(set) var summary = TransferSummary()

        init(_ store: MemoryStore) {
            committed = store.committed
            open = store.committed
        }

        func source(
            path: String, format: String, fingerprint: [UInt8], size: Int, options: String?,
            prefixHash: ((Int) -> [UInt8])?
        ) throws -> SourceState {
            if let i = open.sources.firstIndex(where: { $0.fingerprint == fingerprint && $0.format == format }
            ) {
                let s = open.sources[i]
                let id = Int64(i + 1)
                return s.complete
                    ? .complete(id: id, rows: s.rowsDone)
                    : .partial(id: id, bytesDone: s.bytesDone, rowsDone: s.rowsDone)
            }
            if let prefixHash {
                for (i, s) in open.sources.enumerated().reversed()
                where s.path == path && s.format == format && !s.complete && s.bytesDone > 0 {
                    guard s.bytesDone <= size, s.prefixHash == prefixHash(s.bytesDone) else {
                        throw StoreError(
                            .conflict, "the file changed before the point an earlier run stopped", path: path)
                    }
                    open.sources[i].fingerprint = fingerprint
                    open.sources[i].size = size
                    committed = open
                    return .partial(id: Int64(i + 1), bytesDone: s.bytesDone, rowsDone: s.rowsDone)
                }
            }
            open.sources.append(
                Tables.Source(path: path, format: format, fingerprint: fingerprint, size: size))
            committed = open
            return .fresh(id: Int64(open.sources.count))
        }

        func commit(source: Int64, bytesDone: Int, rowsDone: Int, complete: Bool, prefixHash: [UInt8]?) throws
        {
            let i = Int(source) - 1
            open.sources[i].bytesDone = bytesDone
            open.sources[i].rowsDone = rowsDone
            open.sources[i].complete = complete
            open.sources[i].prefixHash = prefixHash
            committed = open
        }

        func address(_ text: String, chain: String, kind: UInt8, program: [UInt8]) throws -> Int64 {
            if let id = open.addressIds[text] { return id }
            open.addresses.append(text)
            let id = Int64(open.addresses.count)
            open.addressIds[text] = id
            summary.newAddresses += 1
            return id
        }

        func asset(chain: String, symbol: String?, contract: String, decimals: Int?, name: String?) throws
            -> Int64
        {
            let i = open.assets.firstIndex {
                $0.chain == chain
                    && (contract.isEmpty
                        ? $0.contract.isEmpty && $0.symbol == symbol : $0.contract == contract)
            }
            guard let i else {
                open.assets.append(
                    Tables.Asset(
                        chain: chain, symbol: symbol, contract: contract, decimals: decimals, name: name))
                summary.newAssets += 1
                return Int64(open.assets.count)
            }
            if let stored = open.assets[i].decimals, let decimals, stored != decimals {
                throw StoreError(
                    .conflict, "asset \(symbol ?? contract) is stored with \(stored) decimals", path: "")
            }
            fill(i, symbol: symbol, decimals: decimals, name: name)
            return Int64(i + 1)
        }

        func contractAsset(chain: String, contract: String, symbol: String?, decimals: Int?, name: String?)
            throws -> Int64
        {
            guard let i = open.assets.firstIndex(where: { $0.chain == chain && $0.contract == contract })
            else {
                open.assets.append(
                    Tables.Asset(
                        chain: chain, symbol: symbol, contract: contract, decimals: decimals, name: name))
                summary.newAssets += 1
                return Int64(open.assets.count)
            }
            fill(i, symbol: symbol, decimals: decimals, name: name)
            return Int64(i + 1)
        }

        private func fill(_ i: Int, symbol: String?, decimals: Int?, name: String?) {
            open.assets[i].symbol = open.assets[i].symbol ?? symbol
            open.assets[i].decimals = open.assets[i].decimals ?? decimals
            open.assets[i].name = open.assets[i].name ?? name
        }

        func append(_ t: TransferRecord, source: Int64) throws {
            if t.kind != .ledger {
                guard open.onChain.insert(Tables.key(t.tx, t.kind, t.seq)).inserted else { return }
            }
            open.transfers.append(t)
            summary.transfers += 1
        }

        func ledgerInterner() throws -> LedgerInterner {
            LedgerInterner(ids: open.addressIds, nextId: Int64(open.addresses.count + 1))
        }

        func write(_ chunk: LedgerChunk, assetIds: [Int64], chain: String, source: Int64) throws {
            for (id, text) in chunk.newAddresses {
                #expect(id == Int64(open.addresses.count + 1))
                open.addresses.append(text)
                open.addressIds[text] = id
            }
            summary.newAddresses += chunk.newAddresses.count
            for r in chunk.rows {
                open.transfers.append(
                    TransferRecord(
                        kind: .ledger, tx: chunk.tx(of: r), seq: r.seq, from: r.from, to: r.to,
                        asset: assetIds[Int(r.asset)],
                        amount: r.amount, time: r.time, block: nil, status: true, line: r.line))
            }
            summary.transfers += chunk.rows.count
        }

        func append(log: EventLog, address: Int64, source: Int64) throws -> Bool {
            guard open.logKeys.insert("\(log.tx)|\(log.logIndex)").inserted else { return false }
            open.logs.append((log, address))
            summary.logs += 1
            return true
        }

        func logs(tx: String) throws -> [EventLog] {
            open.logs.map(\.log).filter { $0.tx == tx }.sorted { $0.logIndex < $1.logIndex }
        }

        func replaceConversions(tx: String, _ records: [ConversionRecord], source: Int64) throws -> Int {
            let change = records.count - (open.conversions[tx]?.count ?? 0)
            open.conversions[tx] = records.isEmpty ? nil : records
            summary.conversions += change
            return change
        }

        func hasOnChainTransfers() throws -> Bool { !open.onChain.isEmpty }

        func transferTime(tx: String) throws -> Int64? {
            open.transfers.first { $0.tx == tx && $0.kind != .ledger }?.time
        }

        func setStatus(tx: String, success: Bool) throws {
            for i in open.transfers.indices
            where open.transfers[i].tx == tx && open.transfers[i].kind != .ledger
                && open.transfers[i].kind != .fee
            {
                open.transfers[i].status = success
            }
        }

        func setCreatedContract(tx: String, to: Int64) throws {
            for i in open.transfers.indices
            where open.transfers[i].tx == tx && open.transfers[i].kind == .value
                && open.transfers[i].to == nil
            {
                open.transfers[i].to = to
            }
        }

        func addFee(tx: String, amount: UInt256, source: Int64, line: Int64?) throws -> Int {
            guard let v = open.transfers.first(where: { $0.tx == tx && $0.kind == .value }),
                open.onChain.insert(Tables.key(tx, .fee, 0)).inserted
            else { return 0 }
            open.transfers.append(
                TransferRecord(
                    kind: .fee, tx: tx, seq: 0, from: v.from, to: nil, asset: v.asset, amount: amount,
                    time: v.time,
                    block: v.block, status: true, line: line))
            summary.transfers += 1
            return 1
        }
    }

    // MARK: What both backends hold, as text

    /// Every transfer as (kind, tx, seq, from, to, asset symbol or contract, amount, time, block,
    /// status, line), sorted by the SQLite dump's order; then addresses, assets and sources.
    static func contents(_ store: GraphStore) throws -> [[String?]] {
        let transfers = try store.textRows(
            """
            SELECT t.kind, t.tx, t.seq, fa.address, ta.address, COALESCE(s.symbol, s.contract),
              amount_text(t.amount), t.time, t.block, t.status, t.line, amount_text(t.token_id)
            FROM transfers t LEFT JOIN addresses fa ON fa.id = t.from_id LEFT JOIN addresses ta ON ta.id = t.to_id
            JOIN assets s ON s.id = t.asset_id ORDER BY t.kind, t.tx, t.seq, t.id
            """)
        let addresses = try store.textRows("SELECT id, address FROM addresses ORDER BY id")
        let assets = try store.textRows(
            "SELECT id, chain, symbol, contract, decimals, name FROM assets ORDER BY id")
        let sources = try store.textRows(
            "SELECT id, path, format, size, bytes_done, rows_done, status FROM sources ORDER BY id")
        let logs = try store.textRows(
            """
            SELECT l.tx, l.log_index, l.block, l.time, a.address, hex(l.topic0), hex(l.topic1), hex(l.topic2),
              hex(l.topic3), hex(l.data), l.line
            FROM logs l JOIN addresses a ON a.id = l.address_id ORDER BY l.tx, l.log_index
            """)
        let conversions = try store.textRows(
            """
            SELECT c.tx, c.log_index, c.protocol, c.pool_id, c.trader_id, c.recipient_id, c.asset_in,
              amount_text(c.amount_in), c.asset_out, amount_text(c.amount_out), c.in_seq, c.out_seq
            FROM conversions c ORDER BY c.tx, c.log_index
            """)
        return transfers + [["--"]] + addresses + [["--"]] + assets + [["--"]] + sources + [["--"]] + logs
            + [["--"]] + conversions
    }

    static func contents(_ store: MemoryStore) -> [[String?]] {
        let t = store.committed
        func text(_ id: Int64?) -> String? { id.map { t.addresses[Int($0) - 1] } }
        let rows: [[String?]] = t.transfers.enumerated().sorted {
            let (a, b) = ($0.element, $1.element)
            return (a.kind.rawValue, a.tx ?? "", a.seq, $0.offset) < (
                b.kind.rawValue, b.tx ?? "", b.seq, $1.offset
            )
        }.map { _, r in
            let asset = t.assets[Int(r.asset) - 1]
            return [
                String(r.kind.rawValue), r.tx, String(r.seq), text(r.from), text(r.to),
                asset.symbol ?? asset.contract,
                r.amount.decimalString, String(r.time), r.block.map(String.init),
                r.status.map { $0 ? "1" : "0" },
                r.line.map(String.init), r.tokenId?.decimalString,
            ]
        }
        let addresses: [[String?]] = t.addresses.enumerated().map { [String($0.offset + 1), $0.element] }
        let assets: [[String?]] = t.assets.enumerated().map { i, a in
            [String(i + 1), a.chain, a.symbol, a.contract, a.decimals.map(String.init), a.name]
        }
        let sources: [[String?]] = t.sources.enumerated().map { i, s in
            [
                String(i + 1), s.path, s.format, String(s.size), String(s.bytesDone), String(s.rowsDone),
                s.complete ? "complete" : "partial",
            ]
        }
        let logs: [[String?]] = t.logs.sorted { ($0.log.tx, $0.log.logIndex) < ($1.log.tx, $1.log.logIndex) }
            .map { l, address in
                func hex(_ i: Int) -> String {
                    i < l.topics.count ? Hex.encode(l.topics[i].bigEndianBytes).uppercased() : ""
                }
                return [
                    l.tx, String(l.logIndex), String(l.block), String(l.time), t.addresses[Int(address) - 1],
                    hex(0), hex(1), hex(2), hex(3), Hex.encode(l.data).uppercased(), String(l.line),
                ]
            }
        let conversions: [[String?]] = t.conversions.keys.sorted().flatMap { tx in
            (t.conversions[tx] ?? []).sorted { $0.conversion.logIndex < $1.conversion.logIndex }.map { r in
                let c = r.conversion
                return [
                    tx, String(c.logIndex), c.protocolName, String(r.pool), String(r.trader),
                    String(r.recipient),
                    String(r.assetIn), c.amountIn.decimalString, String(r.assetOut),
                    c.amountOut.decimalString,
                    c.inSeq.map(String.init), c.outSeq.map(String.init),
                ]
            }
        }
        return rows + [["--"]] + addresses + [["--"]] + assets + [["--"]] + sources + [["--"]] + logs
            + [["--"]] + conversions
    }

    static func files(_ paths: [String]) throws -> [(path: String, detected: DetectedFormat)] {
        try paths.map { ($0, try FormatDetector.detect(path: $0)) }
    }

    static func withoutTimes(_ r: AccountIngestReport) -> [SourceFileReport] { r.files }

    static func comparable(_ s: TransferSummary) -> TransferSummary {
        var s = s
        s.indexSeconds = 0
        return s
    }

    /// Runs the same ingest runs on SQLite and on the memory backend; their reports and contents
    /// must agree.
    static func bothBackends(_ runs: [[String]], csv: TransferCSVOptions? = nil, rpc: Bool = false) throws
        -> (
            sqlite: [[String?]], memory: [[String?]]
        )
    {
        let (sqlite, _) = try Fixtures.freshStore()
        let memory = MemoryStore()
        for paths in runs {
            let files = try files(paths)
            let a: AccountIngestReport
            let b: AccountIngestReport
            if let csv {
                a = try TransferCSVIngest.run(store: sqlite, files: files, options: csv)
                b = try TransferCSVIngest.run(store: memory, files: files, options: csv)
            } else if rpc {
                a = try EthereumRPCIngest.run(store: sqlite, files: files, progress: nil)
                b = try EthereumRPCIngest.run(store: memory, files: files, progress: nil)
            } else {
                a = try EthereumETLIngest.run(store: sqlite, files: files, progress: nil)
                b = try EthereumETLIngest.run(store: memory, files: files, progress: nil)
            }
            #expect(a.files == b.files)
            #expect(comparable(a.summary) == comparable(b.summary))
        }
        #expect(memory.committed.runs.map(\.status) == runs.map { _ in "ok" })
        return (try contents(sqlite), contents(memory))
    }

    static func sample(_ relative: String) -> String { EthStore.sample(relative) }

    // MARK: Tests

    @Test("ethereum-etl: transactions, receipts, blocks, tokens and token transfers in one run")
    func ethereumOneRun() throws {
        let (sqlite, memory) = try Self.bothBackends([
            [
                Self.sample("block_with_logs/expected_transactions.csv"),
                Self.sample("receipts_with_logs/expected_receipts.csv"),
                Self.sample("block_with_logs/expected_blocks.csv"),
                Self.sample("token_transfers/expected_token_transfers.csv"),
                Self.sample("tokens/expected_tokens_alternative_return_type.csv"),
                Self.sample("receipts_with_logs/expected_logs.csv"),
            ]
        ])
        #expect(sqlite.count > 20)
        #expect(memory == sqlite)
    }

    @Test("ethereum-etl logs with swaps, and a node's receipts: the same logs, transfers and conversions")
    func logsAndConversions() throws {
        let (sqlite, memory) = try Self.bothBackends([DefiStore.block19528783, DefiStore.block19528783])
        #expect(sqlite.count > 40 && memory == sqlite)
        let (a, b) = try Self.bothBackends(
            [["06", "08"].map { DefiStore.sample("erigon-misc/eth_getTransactionReceipt_test_\($0).json") }],
            rpc: true)
        #expect(a.count > 20 && a == b)
    }

    @Test(
        "ethereum-etl: receipts and token transfers after their transactions, and a re-run that adds nothing")
    func ethereumLateReceipts() throws {
        let transactions = Self.sample("block_with_logs/expected_transactions.csv")
        let later = [
            Self.sample("receipts_with_logs/expected_receipts.csv"),
            Self.sample("token_transfers/expected_token_transfers.csv"),
        ]
        let (sqlite, memory) = try Self.bothBackends([[transactions], later, later])
        #expect(memory == sqlite)
    }

    @Test("ethereum-etl: Parity traces and withdrawals")
    func ethereumTracesAndWithdrawals() throws {
        let (_, dir) = try Fixtures.freshStore()
        let blocks = try EthereumStoreTests.traceBlocks(dir)
        let traces = EthereumStoreTests.traceCases.map { Self.sample("traces/\($0).csv") }
        let withdrawals = [
            Self.sample("withdrawals/expected_blocks.json"),
            Self.sample("withdrawals/expected_transactions.json"),
        ]
        let (sqlite, memory) = try Self.bothBackends([traces + [blocks], withdrawals])
        #expect(memory == sqlite)
    }

    @Test("ethereum-etl: an interrupted run leaves the same on both backends, and resumes to the same end")
    func ethereumResume() throws {
        let files = try Self.files([
            Self.sample("withdrawals/expected_blocks.json"),
            Self.sample("withdrawals/expected_transactions.json"),
        ])
        let (sqlite, _) = try Fixtures.freshStore()
        let memory = MemoryStore()
        let stop = EthereumETLIngest.Limits(chunkRows: 50, stopAfterChunks: 3)
        #expect(throws: EthereumETLIngest.Interrupted.self) {
            try EthereumETLIngest.run(store: sqlite, files: files, progress: nil, limits: stop)
        }
        #expect(throws: EthereumETLIngest.Interrupted.self) {
            try EthereumETLIngest.run(store: memory, files: files, progress: nil, limits: stop)
        }
        #expect(memory.committed.runs.map(\.status) == ["failed"])
        #expect(Self.contents(memory) == (try Self.contents(sqlite)))
        let a = try EthereumETLIngest.run(
            store: sqlite, files: files, progress: nil, limits: .init(chunkRows: 50))
        let b = try EthereumETLIngest.run(
            store: memory, files: files, progress: nil, limits: .init(chunkRows: 50))
        #expect(a.files == b.files && a.files.contains { $0.resumedAfter != nil })
        #expect(Self.contents(memory) == (try Self.contents(sqlite)))
    }

    @Test("transfers CSV: the sample ledger with its preset and, as another source, with --map")
    func ledger() throws {
        let ledger = Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/ledger.csv").path
        var (sqlite, memory) = try Self.bothBackends([[ledger]], csv: TransferCSVOptions())
        #expect(memory == sqlite)
        let mapping = try TransferCSVMapping.parse(
            "tx=tran_id,time=tran_timestamp,from=orig_acct+tx_type,to=bene_acct,amount=base_amt")
        (sqlite, memory) = try Self.bothBackends(
            [[ledger], [ledger]],
            csv: TransferCSVOptions(mapping: mapping, decimals: 3, asset: "EUR", chunkRows: 4))
        #expect(memory == sqlite)
    }
}
