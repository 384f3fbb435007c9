import FlowBitcoin
import FlowIngest
import FlowModel
import Foundation
import Testing

/// SampleData/bitcoin-json (see ORIGIN.md there) and helpers to derive variants of its exports.
enum JSONSamples {
    static let root = Fixtures.packageRoot.appendingPathComponent("SampleData/bitcoin-json")
    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
    static let block766390 = url("core-json/block766390.getblock-verbosity2.json")

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Every record of `text`, read as the file `path`.
    static func records(_ text: String, path: String = "test.json") throws -> [JSONRecord] {
        var reader = JSONRecordReader(path: path, data: Data(text.utf8))
        var out = [JSONRecord]()
        while let r = try reader.next() { out.append(r) }
        return out
    }

    static func records(_ url: URL) throws -> [JSONRecord] {
        var reader = try JSONRecordReader(path: url.path)
        var out = [JSONRecord]()
        while let r = try reader.next() { out.append(r) }
        return out
    }

    static func node(_ url: URL) throws -> JSONNode { try #require(try records(url).first).node }

    /// The one block of a Core JSON text.
    static func coreBlock(_ text: String, network: Network = .mainnet, path: String = "test.json") throws
        -> JSONBlock
    {
        let records = try records(text, path: path)
        guard case .block(let b) = try CoreJSON.read(try #require(records.first), network: network) else {
            Issue.record("not a block")
            throw CancellationError()
        }
        return b
    }

    /// The first block of a raw or blk file under SampleData/bitcoin.
    static func rawBlock(_ relative: String, index: Int = 0, network: Network = .mainnet) throws
        -> BitcoinBlock
    {
        let source = try BlockSource.load(path: Fixtures.sample(relative).path, network: network)
        return try source.decode(source.frames[index])
    }

    /// Satoshi as Bitcoin Core prints BTC: 8 decimals.
    static func btc(_ sats: UInt64) -> String {
        let frac = String(sats % 100_000_000)
        return "\(sats / 100_000_000)." + String(repeating: "0", count: 8 - frac.count) + frac
    }

    static func sats(_ node: JSONNode?) throws -> UInt64 {
        let text = try #require(node?.numberText)
        return try #require(try UInt256.parseAmount(text, decimals: 8).get().uint64)
    }

    /// A getblock verbosity 3 answer made from a verbosity 2 one: every non-coinbase input gets a
    /// `prevout` (a P2WPKH script derived from its position) whose values add up to the
    /// transaction's outputs plus its stated `fee`. Returns the answer and each input's prevout.
    static func verbosity3(_ v2: JSONNode) throws -> (
        node: JSONNode, prevouts: [String: (value: UInt64, address: String)]
    ) {
        var prevouts: [String: (value: UInt64, address: String)] = [:]
        var txs = try #require(v2["tx"]?.array)
        for i in txs.indices {
            guard let fee = txs[i]["fee"] else { continue }
            let outputs = try #require(txs[i]["vout"]?.array).reduce(UInt64(0)) {
                $0 + (try sats($1["value"]))
            }
            var total = outputs + (try sats(fee))
            var vin = try #require(txs[i]["vin"]?.array)
            for k in vin.indices {
                let value = k == vin.count - 1 ? total : 10_000
                total -= value
                let program = (0..<20).map { UInt8(truncatingIfNeeded: i * 31 + k * 7 + $0) }
                let key = try #require(AddressKey(kind: 0, program: program))
                let address = AddressCodec.encode(key, network: .mainnet)
                let prevout = JSONNode.object([
                    ("generated", .bool(false)), ("height", .number("766000")),
                    ("value", .number(btc(value))),
                    (
                        "scriptPubKey",
                        .object([
                            ("hex", .string("0014" + Hex.encode(program))), ("address", .string(address)),
                            ("type", .string("witness_v0_keyhash")),
                        ])
                    ),
                ])
                vin[k] = vin[k].setting("prevout", to: prevout)
                let txid = try #require(txs[i]["txid"]?.string)
                prevouts["\(txid):\(k)"] = (value, address)
            }
            txs[i] = txs[i].setting("vin", to: .array(vin))
        }
        return (v2.setting("tx", to: .array(txs)), prevouts)
    }

    /// The 1-based line of the first occurrence of `needle` in `text`.
    static func line(of needle: String, in text: String) throws -> Int {
        let range = try #require(text.range(of: needle))
        return text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
    }
}

extension JSONNode {
    /// A copy with member `key` set (appended when new) or, for nil, removed.
    func setting(_ key: String, to value: JSONNode?) -> JSONNode {
        guard case .object(var members) = self else { return self }
        if let i = members.firstIndex(where: { $0.0 == key }) {
            if let value { members[i].1 = value } else { members.remove(at: i) }
        } else if let value {
            members.append((key, value))
        }
        return .object(members)
    }

    /// A copy with element `i` of array member `key` replaced by `transform` of it.
    func updating(_ key: String, _ i: Int, _ transform: (JSONNode) -> JSONNode) -> JSONNode {
        guard var items = self[key]?.array else { return self }
        items[i] = transform(items[i])
        return setting(key, to: .array(items))
    }
}

@Suite("Bitcoin Core JSON")
struct CoreJSONTests {
    @Test("getblock verbosity 2 decodes to exactly the block its raw bytes give")
    func getblockEqualsRaw() throws {
        let json = try JSONSamples.coreBlock(try JSONSamples.text(JSONSamples.block766390))
        let raw = try JSONSamples.rawBlock("core-json/block766390.raw")
        #expect(json.block == raw)
        #expect(json.block.transactions.count == 16)
        #expect(json.declaredHeight == 766390)
        #expect(json.prevouts.isEmpty)
        #expect(json.location.offset == 0)
    }

    @Test("an RPC envelope, an array, JSON lines and concatenated objects give the same blocks")
    func containerForms() throws {
        let node = try JSONSamples.node(JSONSamples.block766390)
        let compact = node.compactText
        let expected = try JSONSamples.rawBlock("core-json/block766390.raw")
        let forms = [
            #"{"result":\#(compact),"error":null,"id":"chainflow"}"#,
            "[\n\(compact),\n\(compact)\n]",
            "\(compact)\n\(compact)\n",
            "\(compact)\(compact)",
            "\(compact) \(compact)\(compact)\n\(compact)",
            #"[{"jsonrpc":"2.0","result":\#(compact),"id":1}]"#,
        ]
        for form in forms {
            let records = try JSONSamples.records(form)
            #expect(!records.isEmpty)
            for record in records {
                guard case .block(let b) = try CoreJSON.read(record, network: .mainnet) else {
                    Issue.record("not a block")
                    continue
                }
                #expect(b.block == expected)
            }
        }
        #expect(try JSONSamples.records("\(compact)\n\(compact)\n")[1].location.line == 2)
    }

    @Test("without the transactions' hex, the block is rebuilt from vin/vout (witness included)")
    func rebuiltWithoutHex() throws {
        var node = try JSONSamples.node(JSONSamples.block766390)
        for i in 0..<16 { node = node.updating("tx", i) { $0.setting("hex", to: nil) } }
        let b = try JSONSamples.coreBlock(node.compactText)
        #expect(b.block == (try JSONSamples.rawBlock("core-json/block766390.raw")))
    }

    @Test(
        "Bitcoin Core ≤ 0.20 JSON (addresses[], reqSigs; pay-to-pubkey shown as P2PKH) equals the raw block")
    func olderCore() throws {
        let url = JSONSamples.url(
            "bitcoin-etl/bitcoin/block_1/rpc_response_getblock_00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048_2.json"
        )
        let b = try JSONSamples.coreBlock(try JSONSamples.text(url))
        #expect(b.block == (try JSONSamples.rawBlock("blk/blocks1-256.dat", index: 0)))
        #expect(b.block.transactions[0].outputs[0].type == .pubkey)
    }

    @Test("verbosity 3 prevouts give each input's value, type and address; the stated fee must agree")
    func verbosity3() throws {
        let (node, expected) = try JSONSamples.verbosity3(try JSONSamples.node(JSONSamples.block766390))
        let b = try JSONSamples.coreBlock(node.compactText)
        #expect(b.prevouts.count == 16)
        #expect(b.prevouts[0] == [nil])
        var checked = 0
        for (i, tx) in b.block.transactions.enumerated() where i > 0 {
            for k in tx.inputs.indices {
                let p = try #require(b.prevouts[i][k])
                let e = try #require(expected["\(tx.txid.hex):\(k)"])
                #expect(p.value == e.value)
                #expect(p.type == .witnessV0KeyHash)
                #expect(p.addressKey.map { AddressCodec.encode($0, network: .mainnet) } == e.address)
                checked += 1
            }
        }
        #expect(checked == b.block.transactions.dropFirst().reduce(0) { $0 + $1.inputs.count })
        // A prevout one satoshi more than the stated fee allows is an error naming the fee; one
        // worth less than the outputs cannot be.
        let tx1 = try #require(b.block.transactions.dropFirst().first)
        let value = try #require(expected["\(tx1.txid.hex):0"]).value
        func withValue(_ text: String) -> JSONNode {
            node.updating("tx", 1) { tx in
                tx.updating("vin", 0) { vin in
                    vin.setting("prevout", to: vin["prevout"]?.setting("value", to: .number(text)))
                }
            }
        }
        let error = try #require(throws: IngestError.self) {
            try JSONSamples.coreBlock(withValue(JSONSamples.btc(value + 1)).compactText)
        }
        #expect(error.field == "tx[1].fee")
        #expect(error.message.contains("inputs − outputs"))
        let less = try #require(throws: IngestError.self) {
            try JSONSamples.coreBlock(withValue("0.00000001").compactText)
        }
        #expect(less.field == "tx[1].vin")
        #expect(less.message.contains("cannot create value"))
    }

    /// A text edit of the real file, the field the error must name and words of its message.
    static let badEdits: [(from: String, to: String, field: String, words: String)] = [
        (#""value":0.01187176"#, #""value":"abc""#, "tx[1].vout[0].value", "'abc' is not a BTC amount"),
        (#""value":0.01187176"#, #""value":0.011871761"#, "tx[1].vout[0].value", "more than 8 decimals"),
        (
            #""value":0.01187176"#, #""value":0.01187177"#, "tx[1].vout[0].value",
            "not the value in the transaction's bytes"
        ),
        (
            #""txid":"24c46ce83a3c502d56baba8db14474fd2b44264fe94f25b8e3506563baaf5392""#,
            #""txid":"24c46ce83a3c502d56baba8db1""#, "tx[1].txid", "not a hash: expected 64 hex digits"
        ),
        (
            #""txid":"24c46ce83a3c502d56baba8db14474fd2b44264fe94f25b8e3506563baaf5392""#,
            #""txid":"34c46ce83a3c502d56baba8db14474fd2b44264fe94f25b8e3506563baaf5392""#, "tx[1].txid",
            "is not the txid of the transaction's bytes"
        ),
        (#""merkleroot":"#, #""merkle_root":"#, "", "missing field 'merkleroot'"),
        // A changed header field: the stated hash is what no longer fits.
        (#""nonce":2181054313"#, #""nonce":2181054314"#, "hash", "is not the hash of the header fields"),
        (#""bits":"17083830""#, #""bits":"zz""#, "bits", "'zz' is not a 32-bit hex number"),
    ]

    @Test("bad values are errors naming file, line, field and the quoted value", arguments: badEdits.indices)
    func badValues(_ k: Int) throws {
        let edit = Self.badEdits[k]
        let text = try JSONSamples.text(JSONSamples.block766390)
        #expect(text.contains(edit.from))
        let broken = text.replacingOccurrences(of: edit.from, with: edit.to)
        let error = try #require(throws: IngestError.self) {
            try JSONSamples.coreBlock(broken, path: "block.json")
        }
        #expect(error.file == "block.json")
        #expect(error.exitCode == 65)
        #expect(error.field == (edit.field.isEmpty ? nil : edit.field))
        #expect(error.message.contains(edit.words), "\(error)")
        if !edit.field.isEmpty {
            // The error points at the value it names.
            let at = edit.field == "hash" ? #""hash":"# : edit.to
            #expect(error.line == (try JSONSamples.line(of: at, in: broken)), "\(error)")
        }
        #expect(error.description.hasPrefix("block.json:\(error.line ?? 0):"))
    }

    @Test("JSON syntax errors name the line and column")
    func syntaxErrors() throws {
        let text = try JSONSamples.text(JSONSamples.block766390)
        let truncated = String(text.prefix(3000))
        let error = try #require(throws: IngestError.self) {
            try JSONSamples.records(truncated, path: "cut.json")
        }
        #expect(error.message.hasPrefix("JSON syntax error"))
        #expect(error.file == "cut.json")
        #expect(error.line != nil && error.column != nil)
        // JSON lines: the broken line is named, the one before it read.
        let compact = try JSONSamples.node(JSONSamples.block766390).compactText
        let lines = "\(compact)\n{\"hash\": 12,,}\n"
        var reader = JSONRecordReader(path: "lines.json", data: Data(lines.utf8))
        #expect(try reader.next() != nil)
        let second = try #require(throws: IngestError.self) { try reader.next() }
        #expect(second.line == 2)
        #expect(second.column == 13)
    }

    @Test("getrawtransaction answers: verified, with their block and the outputs they prove")
    func getrawtransaction() throws {
        let url = JSONSamples.url(
            "core-json/getrawtransaction/rawTxVerbose-fda421ccdff7324a382067d1746f6a387132435de6af336a0ebbf3f720eaae4d.json"
        )
        let record = try #require(try JSONSamples.records(url).first)
        guard case .transaction(let tx) = try CoreJSON.read(record, network: .testnet) else {
            Issue.record("not a transaction")
            return
        }
        #expect(tx.transaction.txid.hex == "fda421ccdff7324a382067d1746f6a387132435de6af336a0ebbf3f720eaae4d")
        #expect(tx.blockHash?.hex == "000000000000001ae7d2caee3ed20409e35c1a8c847c5f9e919e93856fb79d5c")
        #expect(tx.knownOutputs.count == 2)
        #expect(tx.knownOutputs.allSatisfy { $0.txid == tx.transaction.txid })
        // Read as mainnet, its testnet addresses say which network to name.
        let error = try #require(throws: IngestError.self) { try CoreJSON.read(record, network: .mainnet) }
        #expect(error.message.contains("--network testnet"), "\(error)")
        #expect(error.field?.hasPrefix("vout[") == true)
    }

    @Test("what cannot be read says what to do instead")
    func unusableAnswers() throws {
        let compact = try JSONSamples.node(JSONSamples.block766390).compactText
        let cases: [(String, String)] = [
            (#"{"result":null,"error":{"code":-5,"message":"Block not found"},"id":1}"#, "Block not found"),
            (#"{"result":"0100000001","error":null,"id":1}"#, "hex text"),
            (#"{"hash":"00","tx":["aa"]}"#, "not a hash"),
            ("[1,2]", "expected a JSON object"),
        ]
        for (text, words) in cases {
            let error = try #require(throws: IngestError.self) {
                for record in try JSONSamples.records(text) {
                    _ = try CoreJSON.read(record, network: .mainnet)
                }
            }
            #expect(error.message.contains(words), "\(error)")
        }
        var verbosity1 = try JSONSamples.node(JSONSamples.block766390)
        verbosity1 = verbosity1.setting("tx", to: .array([.string("b488c2bd")]))
        let error = try #require(throws: IngestError.self) {
            try JSONSamples.coreBlock(verbosity1.compactText)
        }
        #expect(error.message.contains("verbosity 1"))
        #expect(!compact.isEmpty)
    }

    @Test("BTC amounts convert to satoshi exactly, exponent forms included; others are refused")
    func amounts() throws {
        for (text, sats) in [
            ("0.00012345", 12345), ("50", 5_000_000_000), ("50.00000000", 5_000_000_000), ("1e-08", 1),
            ("1.5E+2", 15_000_000_000), ("20999999.9769", 2_099_999_997_690_000), ("0.1", 10_000_000),
            ("0", 0), ("0.000000010", 1),
        ] as [(String, UInt64)] {
            #expect(BTCAmount.satoshi(text) == .success(sats), "\(text)")
        }
        #expect(BTCAmount.satoshi("abc") == .failure(.notAnAmount))
        #expect(BTCAmount.satoshi("0.000000001") == .failure(.tooPrecise))
        #expect(BTCAmount.satoshi("-1") == .failure(.negative))
        #expect(BTCAmount.satoshi("21000000.00000001") == .failure(.beyondSupply))
        #expect(BTCAmount.satoshi("1e400") == .failure(.notAnAmount))
    }
}
