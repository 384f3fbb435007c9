import FlowAnalysis
import FlowIngest
import FlowKit
import FlowModel
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The logs of every DeFi sample file, by transaction: node dumps (receipts, logs) and
/// ethereum-etl logs exports.
enum DefiLogs {
    static func files(_ root: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: root)
        var out: [String] = []
        while let r = e?.nextObject() as? String {
            guard r.hasSuffix(".json"), !r.contains("HEAD_"), !r.contains("web3_response.eth_newFilter")
            else { continue }
            out.append(root + "/" + r)
        }
        return out.sorted()
    }

    /// Logs by transaction of one file (nil: the file holds no logs).
    static func logs(_ path: String) throws -> [String: [EventLog]]? {
        var out: [String: [EventLog]] = [:]
        func add(_ l: ETHLog) {
            out[l.transactionHash, default: []].append(
                EventLog(
                    tx: l.transactionHash, logIndex: l.logIndex, block: l.blockNumber,
                    time: l.blockTimestamp ?? 0,
                    address: l.address, topics: l.topics, data: l.data))
        }
        let detected = try FormatDetector.detect(path: path)
        switch detected.format {
        case .ethereumRPC:
            for record in try EthereumRPC.read(path: path) {
                for item in record.items {
                    switch item {
                    case .receipt(let r): for l in r.value.logs { add(l.value) }
                    case .log(let l): add(l.value)
                    default: break
                    }
                }
            }
        case .ethereumETL where detected.role == "logs":
            let table = try ETLTable.open(path: path)
            let d = try ETLDecoder(table: table, role: .logs)
            try table.forEachRow { row in add(try d.log(row)) }
        default: return nil
        }
        return out
    }
}

@Suite("Conversions decoded from the DeFi samples, checked against the transactions' own transfers")
struct ConversionSampleTests {
    // The topics, written out (keccak-256 of the signatures; ORIGIN.md's counts are by them).
    static let v2 = "0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822"
    static let v3 = "0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67"
    static let deposit = "0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c"
    static let withdrawal = "0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65"
    static let transfer = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    static let weth = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2"

    /// The words of a log's data as numbers (independent of `EventLog.word`).
    static func words(_ l: EventLog) -> [UInt256] {
        stride(from: 0, to: l.data.count, by: 32).compactMap {
            UInt256(bigEndianBytes: Array(l.data[$0..<min($0 + 32, l.data.count)]))
        }
    }

    static func address(_ t: UInt256) -> String { "0x" + String(t.description.suffix(40)) }

    /// (token, from, to, amount, log index) of each 3-topic Transfer log: what the test checks
    /// against, read without the decoders.
    static func transfers(_ logs: [EventLog]) -> [(
        token: String, from: String, to: String, amount: UInt256, index: Int64
    )] {
        logs.compactMap { l in
            guard l.topics.count == 3, l.topics[0].description == transfer, l.data.count == 32 else {
                return nil
            }
            return (l.address, address(l.topics[1]), address(l.topics[2]), words(l)[0], l.logIndex)
        }
    }

    struct Tally: CustomStringConvertible {
        var events: [String: Int] = [:]
        var decoded: [String: Int] = [:]
        var exact = 0
        var oneLegExact = 0
        var movedNothing = 0
        var description: String {
            "events \(events) decoded \(decoded) exact \(exact) oneLeg \(oneLegExact) movedNothing \(movedNothing)"
        }
    }

    static func check(_ files: [String]) throws -> Tally {
        var tally = Tally()
        let registry = ConversionRegistry.standard
        for file in files {
            guard let byTx = try DefiLogs.logs(file) else { continue }
            for (tx, logs) in byTx {
                let conversions = Dictionary(
                    uniqueKeysWithValues: registry.conversions(logs).map { ($0.logIndex, $0) })
                let moves = transfers(logs)
                for l in logs {
                    guard let topic = l.topics.first?.description else { continue }
                    let kind: String
                    switch topic {
                    case v2: kind = "v2"
                    case v3: kind = "v3"
                    case deposit where l.address == weth: kind = "wrap"
                    case withdrawal where l.address == weth: kind = "unwrap"
                    default: continue
                    }
                    tally.events[kind, default: 0] += 1
                    let w = words(l)
                    guard let c = conversions[l.logIndex] else {
                        // Only a pool that moved no token in the whole transaction may fail to decode.
                        let touched = moves.contains { $0.from == l.address || $0.to == l.address }
                        #expect(
                            !touched && (kind == "v2" || kind == "v3"), "\(file) \(tx) #\(l.logIndex) \(kind)"
                        )
                        tally.movedNothing += 1
                        continue
                    }
                    tally.decoded[c.protocolName, default: 0] += 1
                    #expect(c.tx == tx && c.pool == l.address)
                    if kind == "wrap" || kind == "unwrap" {
                        #expect(c.amountIn == w[0] && c.amountOut == w[0])
                        #expect(
                            c.assetIn == (kind == "wrap" ? "ETH" : weth)
                                && c.assetOut == (kind == "wrap" ? weth : "ETH"))
                        #expect(c.trader == address(l.topics[1]) && c.recipient == c.trader)
                        continue
                    }
                    // The event's own amounts.
                    if kind == "v2" {
                        let in0 = w[0] > w[2]
                        let token0In = c.assetIn < c.assetOut
                        #expect(in0 == token0In, "\(tx) #\(l.logIndex)")
                        #expect(c.amountIn == (in0 ? w[0].minus(w[2]) : w[1].minus(w[3])))
                        #expect(c.amountOut == (in0 ? w[3].minus(w[1]) : w[2].minus(w[0])))
                    } else {
                        let a0 = ABIWord.signed(w[0])
                        let a1 = ABIWord.signed(w[1])
                        let token0In = c.assetIn < c.assetOut
                        #expect(c.amountIn == (token0In ? a0.magnitude : a1.magnitude))
                        #expect(c.amountOut == (token0In ? a1.magnitude : a0.magnitude))
                        #expect(!(token0In ? a0 : a1).negative && (token0In ? a1 : a0).negative)
                    }
                    #expect(c.trader == address(l.topics[1]) && c.recipient == address(l.topics[2]))
                    // Against the transfers: what the pool received of asset_in and paid of asset_out
                    // between its previous swap and this event (or, for another factory's pool that
                    // moves tokens after its event, up to its next swap).
                    let swapLogs = logs.filter {
                        $0.address == l.address && [v2, v3].contains($0.topics.first?.description ?? "")
                    }.map(\.logIndex)
                    let previous = swapLogs.filter { $0 < l.logIndex }.max() ?? -1
                    let next = swapLogs.filter { $0 > l.logIndex }.min() ?? .max
                    func legs(_ lo: Int64, _ hi: Int64) -> (UInt256, UInt256) {
                        let window = moves.filter { $0.index > lo && $0.index < hi }
                        let r = window.filter {
                            $0.to == l.address && $0.token == c.assetIn && $0.from != l.address
                        }
                        let p = window.filter {
                            $0.from == l.address && $0.token == c.assetOut && $0.to != l.address
                        }
                        return (
                            r.reduce(UInt256.zero) { $0 + $1.amount },
                            p.reduce(UInt256.zero) { $0 + $1.amount }
                        )
                    }
                    var (received, paid) = legs(previous, l.logIndex)
                    if c.protocolName.hasSuffix("-fork") && received == .zero {
                        (received, paid) = legs(l.logIndex, next)
                    }
                    #expect(received != .zero && paid != .zero, "\(tx) #\(l.logIndex)")
                    let inExact = received == c.amountIn
                    let outExact = paid == c.amountOut
                    if inExact && outExact {
                        tally.exact += 1
                    } else if inExact || outExact {
                        tally.oneLegExact += 1
                    }
                    #expect(inExact || outExact, "\(file) \(tx) #\(l.logIndex)")
                }
            }
        }
        return tally
    }

    @Test("the shipped samples: the swaps of block 19528783 and of a receipt of block 19000000")
    func shipped() throws {
        let t = try Self.check(DefiLogs.files(DefiStore.samples))
        #expect(t.events == ["v2": 2, "v3": 2])
        #expect(t.decoded == ["uniswap-v2": 2, "uniswap-v3": 2])
        #expect(t.exact == 4)
    }

    @Test(
        "every Uniswap V2/V3 swap and WETH wrap of the whole shared set",
        .enabled(if: DefiStore.hasShared, DefiStore.sharedSkipReason))
    func shared() throws {
        let t = try Self.check(DefiLogs.files(DefiStore.shared))
        // ORIGIN.md's counts of the events in these files.
        #expect(t.events == ["v2": 548, "v3": 135, "wrap": 278, "unwrap": 256])
        // 34 V2 events of one transaction come from a contract that moved no token in it: no
        // conversion. 23 V2 pools and 1 V3 pool are other factories' (forks).
        #expect(t.movedNothing == 34)
        #expect(
            t.decoded == [
                "uniswap-v2": 491, "uniswap-v2-fork": 23, "uniswap-v3": 134, "uniswap-v3-fork": 1,
                "weth": 534,
            ])
        // Both legs equal the transfers for 622 swaps; for 27 (fee-on-transfer tokens, tokens
        // sent to the pool beyond what it accounted) one leg does and the other differs.
        #expect(t.exact == 622 && t.oneLegExact == 27)
    }
}

@Suite("Conversions in the store: tx, the conversions query, re-runs")
struct ConversionStoreTests {
    @Test(
        "the two Uniswap V3 swaps of block 19528783 are stored, shown by tx and listed by the conversions query"
    )
    func stored() throws {
        let (store, _) = try Fixtures.freshStore()
        let report = try EthStore.ingest(store, DefiStore.block19528783)
        #expect(report.summary.conversions == 2)
        let rows = try store.textRows(
            "SELECT tx, log_index, protocol, amount_text(amount_in), amount_text(amount_out) FROM conversions ORDER BY tx, log_index"
        )
        #expect(rows.count == 2 && rows.allSatisfy { $0[2] == "uniswap-v3" })
        // The decoder's conversion of the same logs, stored as it is.
        let tx = try #require(rows.first?[0] ?? nil)
        let logs = try #require(
            try DefiLogs.logs(DefiStore.sample("ethetl-19528783/expected_logs.json"))?[tx])
        let decoded = try #require(ConversionRegistry.standard.conversions(logs).first)
        let db = try CaseDatabase.open(store.path, for: .read)
        let shown = try db.transaction(tx)
        let json = shown.json.rendered()
        #expect(json.contains("\"conversions\""))
        #expect(json.contains("\"amount_in\": \"\(decoded.amountIn.decimalString)\""))
        #expect(json.contains("\"asset_out\": \"\(decoded.assetOut)\""))
        #expect(shown.text.contains("uniswap-v3 at \(decoded.pool)"))
        // The query library.
        let answer = try db.query(
            try QueryLibrary.named("conversions"), params: ["from_block=19528783", "to_block=19528783"])
        #expect(answer.result.rows.count == 2)
        // Re-ingesting adds nothing.
        let again = try EthStore.ingest(store, DefiStore.block19528783)
        #expect(again.summary.conversions == 0)
        #expect(try store.textRows("SELECT COUNT(*) FROM conversions") == [["2"]])
    }

    @Test("a transaction's logs split across runs: its conversions follow from all of them")
    func splitLogs() throws {
        let (whole, dir) = try Fixtures.freshStore()
        try EthStore.ingest(whole, DefiStore.block19528783)
        let text = try String(
            contentsOfFile: DefiStore.sample("ethetl-19528783/expected_logs.json"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let (split, _) = try Fixtures.freshStore()
        let first = try EthStore.write(
            lines.prefix(lines.count / 2).joined(separator: "\n") + "\n", dir, "a.json")
        let second = try EthStore.write(
            lines.dropFirst(lines.count / 2).joined(separator: "\n") + "\n", dir, "b.json")
        let others = DefiStore.block19528783.filter { !$0.hasSuffix("logs.json") }
        try EthStore.ingest(split, others + [first])
        try EthStore.ingest(split, [second])
        let q =
            "SELECT tx, log_index, protocol, amount_text(amount_in), amount_text(amount_out), in_seq, out_seq FROM conversions ORDER BY 1, 2"
        #expect(try split.textRows(q) == whole.textRows(q))
    }
}
