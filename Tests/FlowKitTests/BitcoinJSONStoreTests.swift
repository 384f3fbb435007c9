import FlowBitcoin
import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Bitcoin JSON samples (SampleData/bitcoin-json, see ORIGIN.md there) and how to ingest them.
enum JSONFixtures {
    static let root = Fixtures.packageRoot.appendingPathComponent("SampleData/bitcoin-json").path
    static func path(_ relative: String) -> String { root + "/" + relative }
    static let block766390 = path("core-json/block766390.getblock-verbosity2.json")
    static func etl(_ folder: String, _ file: String) -> String {
        path("bitcoin-etl/bitcoin/\(folder)/expected_\(file).json")
    }

    @discardableResult
    static func ingest(_ store: GraphStore, _ paths: [String], network: Network = .mainnet) throws
        -> IngestReport
    {
        let files = try paths.map { ($0, try FormatDetector.detect(path: $0)) }
        return try BitcoinJSONIngest.run(store: store, files: files, network: network, progress: nil)
    }

    static func node(_ path: String) throws -> JSONNode {
        var reader = try JSONRecordReader(path: path)
        return try #require(try reader.next()).node
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func btc(_ sats: UInt64) -> String {
        let frac = String(sats % 100_000_000)
        return "\(sats / 100_000_000)." + String(repeating: "0", count: 8 - frac.count) + frac
    }

    static func sats(_ node: JSONNode?) throws -> UInt64 {
        let text = try #require(node?.numberText)
        return try #require(try UInt256.parseAmount(text, decimals: 8).get().uint64)
    }

    /// Bitcoin Core `getblock <hash> 3`-style JSON for a raw block: header fields, each
    /// transaction's txid and hex, its outputs' values, and `prevout`s where `prevouts` has them
    /// (by txid, then input index).
    static func coreJSON(_ block: BitcoinBlock, bytes: [UInt8], prevouts: [Hash256: [Int: JSONNode]])
        -> String
    {
        var offset = 80 + (block.transactions.count < 0xfd ? 1 : 3)
        var txs = [JSONNode]()
        for tx in block.transactions {
            let hex = Hex.encode(bytes[offset..<(offset + tx.size)])
            offset += tx.size
            let vin = tx.inputs.indices.map { k -> JSONNode in
                prevouts[tx.txid]?[k].map { .object([("prevout", $0)]) } ?? .object([])
            }
            let vout = tx.outputs.enumerated().map { n, o -> JSONNode in
                .object([("value", .number(btc(o.value))), ("n", .number("\(n)"))])
            }
            txs.append(
                .object([
                    ("txid", .string(tx.txid.hex)), ("hash", .string(tx.wtxid.hex)), ("vin", .array(vin)),
                    ("vout", .array(vout)), ("hex", .string(hex)),
                ]))
        }
        let h = block.header
        let bits = String(h.bits, radix: 16)
        return JSONNode.object([
            ("hash", .string(block.hash.hex)), ("version", .number("\(h.version)")),
            ("previousblockhash", .string(h.prevHash.hex)), ("merkleroot", .string(h.merkleRoot.hex)),
            ("time", .number("\(h.time)")),
            ("bits", .string(String(repeating: "0", count: 8 - bits.count) + bits)),
            ("nonce", .number("\(h.nonce)")), ("tx", .array(txs)),
        ]).compactText
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
}

@Suite("Bitcoin JSON ingest into the graph store")
struct BitcoinJSONStoreTests {
    /// Ingests the raw block and the JSON at the same path (so `source_file` agrees) into two
    /// fresh stores and returns their fingerprints.
    static func fingerprints(raw: String, json: String) throws -> (
        raw: [String: String], json: [String: String]
    ) {
        let dir = try Fixtures.tempDir()
        let input = dir + "/block"
        let (fromRaw, _) = try Fixtures.freshStore()
        try FileManager.default.copyItem(atPath: raw, toPath: input)
        try Fixtures.ingest(fromRaw, [input])
        try FileManager.default.removeItem(atPath: input)
        try FileManager.default.copyItem(atPath: json, toPath: input)
        let (fromJSON, _) = try Fixtures.freshStore()
        let report = try JSONFixtures.ingest(fromJSON, [input])
        #expect(report.summary.blocksAdded == 1)
        #expect(report.files[0].kind == "core-json getblock")
        // The JSON states every fee (Core's `fee`); the raw block gives only the computable ones,
        // which must agree. Everything else is the same row for row.
        let columns =
            "txid, wtxid, block_id, position, version, locktime, size, weight, is_coinbase, input_count, output_count, first_input_id, first_output_id, output_value"
        let select = "SELECT \(columns) FROM transactions ORDER BY id"
        #expect(try fromRaw.textRows(select) == fromJSON.textRows(select))
        let fees = "SELECT id, fee FROM transactions ORDER BY id"
        let rawFees = try fromRaw.textRows(fees)
        let jsonFees = try fromJSON.textRows(fees)
        #expect(rawFees.count == jsonFees.count)
        for (r, j) in zip(rawFees, jsonFees) where r[1] != nil {
            #expect(r == j, "a computed fee differs from Core's stated fee")
        }
        var raw = try fromRaw.contentFingerprint()
        var json = try fromJSON.contentFingerprint()
        raw["transactions"] = raw["transactions"]?.prefix { $0 != "," }.description
        json["transactions"] = json["transactions"]?.prefix { $0 != "," }.description
        return (raw, json)
    }

    @Test(
        "getblock verbosity 2 JSON stores exactly what its raw block stores (content fingerprint), plus the fees Core states"
    )
    func sameAsRaw() throws {
        let (raw, json) = try Self.fingerprints(
            raw: Fixtures.sample("core-json/block766390.raw"), json: JSONFixtures.block766390)
        #expect(raw == json)
        #expect(raw["transactions"]?.hasPrefix("16 rows") == true)
    }

    @Test(
        "block 766393: getblock JSON and raw block give the same database (../shared/data)",
        .enabled(if: Fixtures.hasShared, "../shared/data is absent"))
    func sameAsRawShared() throws {
        let (raw, json) = try Self.fingerprints(
            raw: Fixtures.shared + "/core-json/block766393.raw",
            json: Fixtures.shared + "/core-json/block766393.getblock-verbosity2.json")
        #expect(raw == json)
    }

    @Test("the same block again, in an RPC envelope or as JSON lines, changes nothing and says so")
    func idempotent() throws {
        let (store, dir) = try Fixtures.freshStore()
        try JSONFixtures.ingest(store, [JSONFixtures.block766390])
        let before = try store.contentFingerprint()
        let compact = try JSONFixtures.node(JSONFixtures.block766390).compactText
        let envelope = dir + "/envelope.json"
        try JSONFixtures.write(#"{"result":\#(compact),"error":null,"id":1}"#, to: envelope)
        let lines = dir + "/lines.json"
        try JSONFixtures.write("\(compact)\n\(compact)\n", to: lines)
        let again = try JSONFixtures.ingest(store, [JSONFixtures.block766390, envelope, lines])
        #expect(again.summary.blocksAdded == 0)
        #expect(again.summary.blocksSkipped == 4)
        #expect(again.files.map(\.alreadyPresent) == [1, 1, 2])
        #expect(IngestRender.text(again).contains("all already in the database: nothing changed"))
        #expect(try store.contentFingerprint() == before)
    }

    @Test("verbosity 3 prevouts give input values, addresses and fees (fee = inputs − outputs)")
    func verbosity3() throws {
        var node = try JSONFixtures.node(JSONFixtures.block766390)
        guard case .array(var txs) = try #require(node["tx"]) else { return }
        // An input spending an output of the same block resolves to it: the real output wins.
        let inBlock = Set(txs.compactMap { $0["txid"]?.string })
        var expected: [String: (fee: UInt64, inputs: [UInt64], addresses: [String?])] = [:]
        for i in txs.indices {
            guard let fee = txs[i]["fee"], case .array(var vin) = try #require(txs[i]["vin"]) else {
                continue
            }
            let outputs = try #require(txs[i]["vout"]?.array).reduce(UInt64(0)) {
                $0 + (try JSONFixtures.sats($1["value"]))
            }
            var left = outputs + (try JSONFixtures.sats(fee))
            var values = [UInt64]()
            var addresses = [String?]()
            for k in vin.indices {
                let value = k == vin.count - 1 ? left : 10_000
                left -= value
                // Pay-to-pubkey-hash scripts the test makes up, one per input.
                let program = (0..<20).map { UInt8(truncatingIfNeeded: i * 17 + k * 5 + $0 + 1) }
                let script = [0x76, 0xa9, 0x14] + program + [0x88, 0xac]
                let key = try #require(AddressKey(kind: AddressKey.kindPubkeyHash, program: program))
                let address = AddressCodec.encode(key, network: .mainnet)
                addresses.append(inBlock.contains(vin[k]["txid"]?.string ?? "") ? nil : address)
                values.append(value)
                vin[k] = vin[k].setting(
                    "prevout",
                    to: .object([
                        ("generated", .bool(false)), ("height", .number("766000")),
                        ("value", .number(JSONFixtures.btc(value))),
                        (
                            "scriptPubKey",
                            .object([
                                ("hex", .string(Hex.encode(script))), ("address", .string(address)),
                                ("type", .string("pubkeyhash")),
                            ])
                        ),
                    ]))
            }
            txs[i] = txs[i].setting("vin", to: .array(vin))
            expected[try #require(txs[i]["txid"]?.string)] = (try JSONFixtures.sats(fee), values, addresses)
        }
        node = node.setting("tx", to: .array(txs))
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/block766390.getblock-verbosity3.json"
        try JSONFixtures.write(node.compactText, to: path)
        let report = try JSONFixtures.ingest(store, [path])
        let inputs = expected.values.reduce(0) { $0 + $1.addresses.count { $0 != nil } }
        #expect(expected.count == 15)
        #expect(inputs == expected.values.reduce(0) { $0 + $1.inputs.count } - 1)
        #expect(report.summary.unresolvedInputs == 0)
        #expect(report.summary.knownPrevoutInputs == inputs)
        let stats = try store.stats()
        #expect(stats.unresolvedInputs == 0 && stats.knownPrevoutInputs == inputs)
        for (txid, e) in expected {
            let hash = try #require(Hash256(displayHex: txid))
            let tx = try #require(try store.transaction(hash))
            #expect(tx.fee == Int64(e.fee), "\(txid)")
            for (k, input) in tx.inputs.enumerated() where e.addresses[k] != nil {
                #expect(input.value == Int64(e.inputs[k]))
                #expect(input.address == e.addresses[k])
            }
            #expect(tx.inputValue == tx.outputValue + Int64(e.fee))
        }
        #expect(try store.conservationViolations().isEmpty)
        // A made-up funding address: received and sent the prevout's value, balance unchanged.
        let first = try #require(expected.values.first { $0.addresses[0] != nil })
        let funder = try #require(first.addresses[0])
        let summary = try #require(try store.address(funder))
        #expect(summary.sent == Int64(first.inputs[0]))
        #expect(summary.received == summary.sent && summary.balance == 0)
        #expect(summary.txCount == 1 && summary.firstSeenHeight == 766390)
    }

    @Test("a funding transaction stored later replaces the prevout: same answers as raw blocks alone")
    func realOutputWins() throws {
        let chain = Fixtures.sample("blk/blocks1-256.dat")
        let source = try BlockSource.load(path: chain)
        let bytes = [UInt8](source.bytes)
        // Block 170 (frame 169): Satoshi pays Hal Finney 10 BTC from block 9's coinbase.
        let frame = source.frames[169]
        let block170 = try source.decode(frame)
        let block9 = try source.decode(source.frames[8])
        let funding = block9.transactions[0].outputs[0]
        let hal = try #require(
            Hash256(displayHex: "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"))
        let prevout = JSONNode.object([
            ("value", .number(JSONFixtures.btc(funding.value))),
            ("scriptPubKey", .object([("hex", .string(Hex.encode(try #require(funding.script))))])),
        ])
        let text = JSONFixtures.coreJSON(
            block170, bytes: Array(bytes[frame.offset..<(frame.offset + frame.length)]),
            prevouts: [hal: [0: prevout]])
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/block170.json"
        try JSONFixtures.write(text, to: path)
        try JSONFixtures.ingest(store, [path])
        let early = try #require(try store.transaction(hal))
        #expect(early.fee == 0)
        #expect(early.inputs[0].value == 5_000_000_000)
        #expect(early.inputs[0].address == "12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S")
        #expect(try store.stats().knownPrevoutInputs == 1)

        let report = try Fixtures.ingest(store, [chain])
        #expect(report.summary.blocksSkipped == 1)
        #expect(report.summary.knownPrevoutInputs == 0)
        let (reference, _) = try Fixtures.freshStore()
        try Fixtures.ingest(reference, [chain])
        #expect(try store.transaction(hal) == reference.transaction(hal))
        #expect(try store.stats() == reference.stats())
        for address in ["12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S", "1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3"] {
            #expect(try store.address(address) == reference.address(address))
        }
        #expect(try store.conservationViolations().isEmpty)
    }

    @Test("bitcoin-etl blocks 0 and 1 store the same transactions, outputs and addresses as the raw blocks")
    func etlEqualsRaw() throws {
        let (store, _) = try Fixtures.freshStore()
        let report = try JSONFixtures.ingest(
            store,
            [
                JSONFixtures.etl("block_0", "blocks"), JSONFixtures.etl("block_0", "transactions"),
                JSONFixtures.etl("block_1", "blocks"), JSONFixtures.etl("block_1", "transactions"),
            ])
        #expect(report.summary.blocksAdded == 2)
        #expect(
            report.files.map(\.kind) == [
                "bitcoin-etl blocks", "bitcoin-etl transactions", "bitcoin-etl blocks",
                "bitcoin-etl transactions",
            ])
        #expect(report.files.map(\.added) == [1, 1, 1, 1])
        let stats = try store.stats()
        #expect(
            stats.blocks == 2 && stats.minHeight == 0 && stats.maxHeight == 1 && stats.orphanedBlocks == 0)
        let (raw, _) = try Fixtures.freshStore()
        try Fixtures.ingest(
            raw, [Fixtures.sample("blk/blk_0_to_4.dat"), Fixtures.sample("blk/blocks1-256.dat")])
        for txid in [
            "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
            "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098",
        ] {
            let hash = try #require(Hash256(displayHex: txid))
            let ours = try #require(try store.transaction(hash))
            var theirs = try #require(try raw.transaction(hash))
            // Who spends the outputs depends on the later blocks only the raw store has.
            theirs.outputs = theirs.outputs.map {
                var o = $0
                o.spentBy = nil
                return o
            }
            #expect(ours == theirs)
        }
        #expect(try store.address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")?.received == 5_000_000_000)
        #expect(try store.address("12c6DSiU4Rq3P4ZxziKxzrL5LmMBrzjrJX")?.received == 5_000_000_000)
    }

    static let rpcTransactions = [
        "0d37522b89f991f8433b80f709ad31862a54435cd003f25732fe405e9db93216",
        "0dd0394c6240355f4e4b3c88028f678ed746cebee3b3e8509620733f018914c9",
        "76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea",
    ].map {
        JSONFixtures.path("bitcoin-etl/bitcoin/stream_50001_50002/rpc_response_getrawtransaction_\($0).json")
    }

    @Test(
        "unenriched inputs stay unknown; getrawtransaction answers of the funding transactions fill them in")
    func unenrichedThenFilled() throws {
        let files = [
            JSONFixtures.etl("block_with_transactions", "blocks"),
            JSONFixtures.etl("block_with_transactions", "transactions"),
        ]
        let (store, _) = try Fixtures.freshStore()
        let first = try JSONFixtures.ingest(store, files)
        #expect(first.summary.blocksAdded == 2)
        #expect(first.summary.unresolvedInputs == 3)
        let spender = try #require(
            Hash256(displayHex: "7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a"))
        #expect(try store.transaction(spender)?.fee == nil)
        #expect(try store.transaction(spender)?.inputs.map(\.value) == [nil, nil])
        let stats = try store.stats()
        #expect(stats.minHeight == 50001 && stats.maxHeight == 50002 && stats.orphanedBlocks == 0)

        let second = try JSONFixtures.ingest(store, Self.rpcTransactions)
        #expect(second.summary.blocksAdded == 0)
        #expect(second.summary.unresolvedInputs == 0)
        #expect(second.summary.knownPrevoutInputs == 3)
        #expect(second.summary.notes.filter { $0.contains("is not stored: its block") }.count == 3)
        #expect(second.summary.notes.contains { $0.hasPrefix("3 stored inputs got their value") })
        #expect(second.files.allSatisfy { $0.kind == "core-json getrawtransaction" })
        #expect(try store.conservationViolations().isEmpty)

        // The enriched export of the same blocks gives the same answers.
        let (enriched, _) = try Fixtures.freshStore()
        let report = try JSONFixtures.ingest(
            enriched,
            [
                JSONFixtures.etl("stream_50001_50002", "blocks"),
                JSONFixtures.etl("stream_50001_50002", "transactions"),
            ])
        #expect(report.summary.knownPrevoutInputs == 3 && report.summary.unresolvedInputs == 0)
        for txid in [
            "7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a",
            "f84761459a00c6df3176ae5d94c99e69f25100d09548e5686bd0c354bb8cc60a",
        ] {
            let hash = try #require(Hash256(displayHex: txid))
            let a = try #require(try store.transaction(hash))
            #expect(a.fee == 0)
            #expect(a == (try enriched.transaction(hash)))
        }
        #expect(
            try store.address("1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae")
                == enriched.address("1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae"))
        #expect(try store.address("1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae")?.sent == 5_000_000_000)
    }

    @Test(
        "a block known only by its height links to its parent when the parent is stored, in either order",
        arguments: [false, true])
    func heightOnlyLinking(parentFirst: Bool) throws {
        let parent = [
            JSONFixtures.etl("block_without_transactions", "blocks"),
            JSONFixtures.etl("block_without_transactions", "transactions"),
        ]
        let children = [
            JSONFixtures.etl("block_with_transactions", "blocks"),
            JSONFixtures.etl("block_with_transactions", "transactions"),
        ]
        let runs = parentFirst ? [parent, children] : [children, parent]
        let (twoRuns, _) = try Fixtures.freshStore()
        for run in runs { try JSONFixtures.ingest(twoRuns, run) }
        // One run links the blocks as it assembles them, from the hash of the header.
        let (oneRun, _) = try Fixtures.freshStore()
        try JSONFixtures.ingest(oneRun, [runs[0][0], runs[1][0], runs[0][1], runs[1][1]])
        #expect(try twoRuns.contentFingerprint() == oneRun.contentFingerprint())
        let stats = try twoRuns.stats()
        #expect(stats.blocks == 3 && stats.minHeight == 50000 && stats.maxHeight == 50002)
    }

    @Test(
        "a bad record stops the run with file, line, field and value; earlier blocks stay; a fixed rerun completes"
    )
    func badRecordKeepsEarlierBlocks() throws {
        let folder = JSONFixtures.path("bitcoin-etl/bitcoin/block_with_transactions")
        let a = try JSONFixtures.node(
            folder
                + "/rpc_response_getblock_000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141_2.json"
        ).compactText
        let b = try JSONFixtures.node(
            folder
                + "/rpc_response_getblock_000000002066d7f9b134c30b5005b7bf5fbfa52f279883f1fde793dcdc964266_2.json"
        ).compactText
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/blocks.jsonl"
        try JSONFixtures.write(
            a + "\n" + b.replacingOccurrences(of: #""value":50.0"#, with: #""value":"abc""#) + "\n",
            to: path)
        let error = try #require(throws: IngestError.self) { try JSONFixtures.ingest(store, [path]) }
        #expect(error.file == path && error.line == 2)
        #expect(error.field == "tx[0].vout[0].value")
        #expect(error.message.contains("'abc'"))
        #expect(error.exitCode == 65)
        #expect(try store.stats().blocks == 1)

        try JSONFixtures.write(a + "\n" + b + "\n", to: path)
        let fixed = try JSONFixtures.ingest(store, [path])
        #expect(fixed.summary.blocksAdded == 1 && fixed.summary.blocksSkipped == 1)
        let after = try store.contentFingerprint()
        let again = try JSONFixtures.ingest(store, [path])
        #expect(again.summary.blocksAdded == 0)
        #expect(try store.contentFingerprint() == after)
        let stats = try store.stats()
        #expect(stats.blocks == 2 && stats.maxHeight == 50002)
    }

    @Test("a bad bitcoin-etl line keeps the blocks completed before it")
    func badETLLine() throws {
        let (store, dir) = try Fixtures.freshStore()
        let txs = try String(
            contentsOfFile: JSONFixtures.etl("block_with_transactions", "transactions"), encoding: .utf8)
        let lines = txs.split(separator: "\n")
        let path = dir + "/transactions.json"
        // Block 50002's coinbase (the last line) gets a bad value.
        let broken =
            lines.dropLast().joined(separator: "\n") + "\n"
            + lines[lines.count - 1].replacingOccurrences(of: #""value": 5000000000"#, with: #""value": -1"#)
            + "\n"
        try JSONFixtures.write(broken, to: path)
        let error = try #require(throws: IngestError.self) {
            try JSONFixtures.ingest(store, [JSONFixtures.etl("block_with_transactions", "blocks"), path])
        }
        #expect(error.line == lines.count && error.field == "outputs[0].value")
        #expect(error.message.contains("'-1'"))
        #expect(try store.stats().blocks == 1)
    }

    @Test("a bad blocks.json line is reported after the blocks before it are stored")
    func badETLBlockLine() throws {
        let (store, dir) = try Fixtures.freshStore()
        let blocks = try String(
            contentsOfFile: JSONFixtures.etl("block_with_transactions", "blocks"), encoding: .utf8)
        let path = dir + "/blocks.json"
        try JSONFixtures.write(
            blocks.replacingOccurrences(
                of: #""bits": "1c2a1115", "coinbase_param": "0415112a1c025306""#,
                with: #""bits": "1c2a11zz", "coinbase_param": "0415112a1c025306""#), to: path)
        let error = try #require(throws: IngestError.self) {
            try JSONFixtures.ingest(
                store, [path, JSONFixtures.etl("block_with_transactions", "transactions")])
        }
        #expect(error.file == path && error.line == 2 && error.field == "bits")
        #expect(error.message.contains("'1c2a11zz'"))
        #expect(try store.stats().blocks == 1)
    }

    @Test("getrawtransaction answers alone store nothing and say why; the wrong network is named")
    func getrawtransactionAlone() throws {
        let (store, _) = try Fixtures.freshStore()
        let files = [
            JSONFixtures.path("core-json/getrawtransaction/getRawTransactionVerboseReceived.json"),
            JSONFixtures.path(
                "core-json/getrawtransaction/rawTxVerbose-fda421ccdff7324a382067d1746f6a387132435de6af336a0ebbf3f720eaae4d.json"
            ),
        ]
        let report = try JSONFixtures.ingest(store, files, network: .testnet)
        #expect(report.summary.blocksAdded == 0 && report.summary.transactions == 0)
        #expect(report.summary.notes.count == 2)
        #expect(report.summary.notes.allSatisfy { $0.contains("is not stored: its block") })
        #expect(try store.stats().blocks == 0)
        let error = try #require(throws: IngestError.self) { try JSONFixtures.ingest(store, files) }
        #expect(error.message.contains("--network testnet"))
    }

    @Test(
        "other chains' bitcoin-etl exports are refused",
        arguments: [
            "dogecoin/block_without_transactions", "zcash/block_0", "bitcoin_cash/block_with_duplicate_txid",
        ])
    func otherChains(_ folder: String) throws {
        let (store, _) = try Fixtures.freshStore()
        let base = JSONFixtures.path("bitcoin-etl/\(folder)")
        let error = try #require(throws: IngestError.self) {
            try JSONFixtures.ingest(
                store, [base + "/expected_blocks.json", base + "/expected_transactions.json"])
        }
        #expect(error.message.contains("chainflow reads Bitcoin only"), "\(error)")
        #expect(try store.stats().blocks == 0)
    }
}
