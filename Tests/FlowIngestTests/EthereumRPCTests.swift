import FlowIngest
import FlowModel
import Foundation
import Testing

@Suite("Ethereum node JSON-RPC dumps: shapes, records, detection, errors")
struct EthereumRPCTests {
    static let receiptFile = DefiSamples.path("erigon-misc/eth_getTransactionReceipt_test_06.json")

    /// The capture's `response.result` as Foundation reads it (independent of our parser).
    static func receiptJSON() throws -> [String: Any] {
        let top = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: receiptFile)))
        let capture = try #require((top as? [[String: Any]])?.first)
        let response = try #require(capture["response"] as? [String: Any])
        return try #require(response["result"] as? [String: Any])
    }

    static func text(_ object: Any) throws -> String {
        String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
            as: UTF8.self)
    }

    static func receipts(_ records: [RPCRecord]) -> [RPCReceipt] {
        records.flatMap(\.items).compactMap { if case .receipt(let r) = $0 { r.value } else { nil } }
    }

    @Test("a recorded eth_getTransactionReceipt capture: the receipt's own fields and every log")
    func capture() throws {
        let records = try EthereumRPC.read(path: Self.receiptFile)
        #expect(records.count == 1)
        let r = try #require(Self.receipts(records).first)
        let json = try Self.receiptJSON()
        #expect(r.receipt.transactionHash == json["transactionHash"] as? String)
        #expect(r.receipt.gasUsed == UInt64((json["gasUsed"] as? String ?? "").dropFirst(2), radix: 16))
        #expect(
            r.receipt.effectiveGasPrice
                == UInt64((json["effectiveGasPrice"] as? String ?? "").dropFirst(2), radix: 16).map(
                    UInt256.init))
        #expect(r.receipt.status == ((json["status"] as? String) == "0x1"))
        #expect(r.from == json["from"] as? String && r.to == json["to"] as? String)
        let logs = try #require(json["logs"] as? [[String: Any]])
        #expect(r.logs.count == logs.count && logs.count == 8)
        for (l, j) in zip(r.logs, logs) {
            #expect(l.value.logIndex == Int64((j["logIndex"] as? String ?? "").dropFirst(2), radix: 16))
            #expect(l.value.address == j["address"] as? String)
            #expect(l.value.topics.map(\.description) == j["topics"] as? [String])
            #expect("0x" + Hex.encode(l.value.data) == j["data"] as? String)
        }
        // Lines: the receipt's object and each log's start where they are in the file.
        let lines = try String(contentsOfFile: Self.receiptFile, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[r.logs[0].line - 1].trimmingCharacters(in: .whitespaces) == "{")
        #expect(lines[r.logs[0].line].contains("\"address\""))
    }

    @Test(
        "the same receipt as a bare result, an envelope, a batch, JSON lines and a capture with a batch",
        arguments: ["bare", "envelope", "batch", "lines", "capture-batch", "array-of-results"])
    func shapes(_ shape: String) throws {
        let result = try Self.text(try Self.receiptJSON())
        let envelope = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\(result)}"
        let text: String
        var copies = 1
        switch shape {
        case "bare": text = result
        case "envelope": text = envelope
        case "batch":
            text = "[\(envelope),\(envelope)]"
            copies = 2
        case "lines":
            text = result + "\n" + envelope + "\n"
            copies = 2
        case "capture-batch":
            text = "{\"request\":[{\"method\":\"eth_getTransactionReceipt\"}],\"response\":[\(envelope)]}"
        default:
            text = "[\(result),\(result),\(result)]"
            copies = 3
        }
        let records = try EthereumRPC.read(path: "r.json", bytes: Array(text.utf8))
        let receipts = Self.receipts(records)
        let reference = try #require(Self.receipts(try EthereumRPC.read(path: Self.receiptFile)).first)
        func plain(_ r: RPCReceipt) -> RPCReceipt {
            var r = r
            r.logs = r.logs.map { Located($0.value, line: 0) }
            return r
        }
        #expect(receipts.count == copies)
        #expect(receipts.allSatisfy { plain($0) == plain(reference) })
        #expect(FormatDetector.detect(head: Array(text.utf8))?.format == .ethereumRPC)
    }

    @Test("every DeFi sample dump is detected as ethereum-rpc, with what it holds")
    func detection() throws {
        let files: [(String, String?)] = [
            ("erigon-misc/eth_getTransactionReceipt_test_06.json", "receipts"),
            (
                "ethetl-16896735-nft/web3_response.eth_getFilterLogs_0x10ff10dbd835c01f78a14d982f7e492a69bc32b81583.json",
                "logs"
            ),
            (
                "ethetl-16896735-nft/web3_response.eth_getFilterLogs_0x10ff10dbd8341a5e8b3cf188ab4ad520420b72b254ae.json",
                nil
            ),
        ]
        for (file, role) in files {
            let d = try FormatDetector.detect(path: DefiSamples.path(file))
            #expect(d.format == .ethereumRPC && d.role == role, "\(file)")
        }
        // ethereum-etl JSON lines (snake_case) stay ethereum-etl.
        let logs = try FormatDetector.detect(path: DefiSamples.path("ethetl-19528783/expected_logs.json"))
        #expect(logs == DetectedFormat(.ethereumETL, role: "logs"))
        // An empty answer is understood: no records.
        let empty = try EthereumRPC.read(
            path: DefiSamples.path(
                "ethetl-16896735-nft/web3_response.eth_getFilterLogs_0x10ff10dbd8341a5e8b3cf188ab4ad520420b72b254ae.json"
            ))
        #expect(empty.count == 1 && empty[0].items.isEmpty)
    }

    static func failure(_ text: String) -> IngestError? {
        do {
            _ = try EthereumRPC.read(path: "dump.json", bytes: Array(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test("bad answers: the file, the line and column of the value, its path and the quoted value")
    func errors() throws {
        let result = try Self.text(try Self.receiptJSON())
        // A topic with a bad digit, in the second log, on line 3 of a capture written on lines.
        let bad = result.replacingOccurrences(
            of: "\"0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1\"",
            with: "\"0xZZ411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1\"")
        #expect(bad != result)
        let e = try #require(
            Self.failure(
                "{\"request\": {},\n\"response\":\n{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\(bad)}}"))
        #expect(e.file == "dump.json" && e.line == 3)
        #expect(
            e.field?.hasPrefix("response.result.logs[") == true && e.field?.hasSuffix("].topics") == true,
            "\(e)")
        #expect(e.message.contains("'0xZZ411e9a") && e.column != nil, "\(e)")
        // An RPC error.
        let rpc = try #require(
            Self.failure(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"header not found\"}}")
        )
        #expect(rpc.message.contains("the RPC call failed: 'header not found'") && rpc.field == "error")
        // A block with transaction hashes only.
        let hashes = try #require(
            Self.failure(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"number\":\"0x1\",\"timestamp\":\"0x2\",\"parentHash\":\"0x00\",\"transactions\":[\"0xab\"]}}"
            ))
        #expect(hashes.message.contains("ask for full transactions"), "\(hashes)")
        // A filter id is no data.
        let id = try #require(Self.failure("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x10ff\"}"))
        #expect(id.message.contains("'0x10ff' is not a block, transaction, receipt or log"), "\(id)")
        // A receipt without gasUsed.
        let noGas = result.replacingOccurrences(of: "\"gasUsed\"", with: "\"gasUsedX\"")
        let g = try #require(Self.failure(noGas))
        #expect(g.message.contains("missing field 'gasUsed'"), "\(g)")
        // Not JSON at all past the first value.
        let syntax = try #require(Self.failure("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[}\n"))
        #expect(syntax.message.contains("JSON syntax error") && syntax.line == 1)
    }
}
