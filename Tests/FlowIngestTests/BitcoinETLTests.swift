import FlowBitcoin
import FlowIngest
import FlowModel
import Foundation
import Testing

/// Reads bitcoin-etl lines and assembles their blocks, as the ingest does.
enum ETLSamples {
    static func folder(_ name: String) -> URL { JSONSamples.url("bitcoin-etl/\(name)") }

    static func read(_ url: URL, network: Network = .mainnet) throws -> (
        blocks: [ETLBlock], transactions: [ETLTransaction]
    ) {
        var blocks = [ETLBlock]()
        var txs = [ETLTransaction]()
        for record in try JSONSamples.records(url) {
            switch try BitcoinETL.read(record, network: network) {
            case .block(let b): blocks.append(b)
            case .transaction(let t): txs.append(t)
            }
        }
        return (blocks, txs)
    }

    static func read(text: String, path: String = "transactions.json") throws -> [BitcoinETL.Record] {
        try JSONSamples.records(text, path: path).map { try BitcoinETL.read($0, network: .mainnet) }
    }

    /// The blocks of a bitcoin-etl case folder, assembled in height order; each block's parent
    /// candidates are the blocks read before it at the height below.
    static func assemble(_ name: String, network: Network = .mainnet) throws -> [JSONBlock] {
        let blocks = try read(folder(name).appendingPathComponent("expected_blocks.json"), network: network)
            .blocks
        let txs = try read(
            folder(name).appendingPathComponent("expected_transactions.json"), network: network
        )
        .transactions
        var byNumber = [Int: [Hash256]]()
        for b in blocks { byNumber[b.number, default: []].append(b.hash) }
        var out = [JSONBlock]()
        for b in blocks.sorted(by: { $0.number < $1.number }) {
            out.append(
                try BitcoinETL.assemble(
                    b, txs.filter { $0.blockHash == b.hash }, network: network,
                    parents: byNumber[b.number - 1] ?? []
                ))
        }
        return out
    }
}

@Suite("bitcoin-etl JSON lines")
struct BitcoinETLTests {
    @Test("block 1 rebuilt from bitcoin-etl lines equals the raw block, byte for byte in every field")
    func block1EqualsRaw() throws {
        let blocks = try ETLSamples.assemble("bitcoin/block_1")
        let b = try #require(blocks.first)
        #expect(b.block == (try JSONSamples.rawBlock("blk/blocks1-256.dat", index: 0)))
        // Height 1: the parent is the genesis block, known without storing it.
        #expect(b.declaredHeight == 1)
        #expect(b.block.header.prevHash == Network.mainnet.genesisHash)
    }

    @Test("the genesis block rebuilt from bitcoin-etl equals the raw genesis block")
    func genesis() throws {
        let b = try #require(try ETLSamples.assemble("bitcoin/block_0").first)
        #expect(b.block.hash == Network.mainnet.genesisHash)
        #expect(b.block == (try JSONSamples.rawBlock("blk/blk_0_to_4.dat", index: 0)))
        #expect(
            b.block.transactions[0].outputs[0].addressKey.map { AddressCodec.encode($0, network: .mainnet) }
                == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    }

    @Test("blocks 50001-50002: the second is chained to the first by hash, the first keeps its height")
    func heightOnly() throws {
        let blocks = try ETLSamples.assemble("bitcoin/block_with_transactions")
        #expect(blocks.count == 2)
        #expect(blocks[0].declaredHeight == 50001)
        #expect(blocks[0].block.header.prevHash == .zero)
        #expect(blocks[1].declaredHeight == 50002)
        #expect(blocks[1].block.header.prevHash == blocks[0].block.hash)
        // Bitcoin Core's answers for the same blocks decode to the same transactions.
        for b in blocks {
            let url = ETLSamples.folder("bitcoin/block_with_transactions").appendingPathComponent(
                "rpc_response_getblock_\(b.block.hash.hex)_2.json")
            let core = try JSONSamples.coreBlock(try JSONSamples.text(url))
            #expect(core.block.transactions == b.block.transactions)
            #expect(core.block.size == b.block.size && core.block.strippedSize == b.block.strippedSize)
            if b.block.header.prevHash != .zero { #expect(core.block == b.block) }
        }
        // Not enriched: the inputs' values are unknown, never guessed.
        #expect(blocks.allSatisfy { $0.prevouts.isEmpty })
    }

    @Test("enriched inputs give their value, type and address")
    func enriched() throws {
        let blocks = try ETLSamples.assemble("bitcoin/stream_50001_50002")
        let b = try #require(blocks.first { $0.block.transactions.count == 3 })
        #expect(b.prevouts.count == 3)
        let first = try #require(b.prevouts[1][0])
        #expect(first.value == 5_000_000_000)
        #expect(first.type == .pubkey)
        #expect(
            first.addressKey.map { AddressCodec.encode($0, network: .mainnet) }
                == "1DoQeKfU3dYhN9bxMpFFcVUnufCPDqSPae")
        #expect(b.prevouts[0] == [nil])
    }

    /// Edits of block 50001's transaction lines, the field the error names, and its words.
    static let badEdits: [(from: String, to: String, field: String, words: String)] = [
        (
            #""value": 10000000000"#, #""value": "abc""#, "outputs[0].value",
            "'abc' is not an amount in satoshi"
        ),
        (
            #""script_hex": "76a914b5cd7aaed869cd5ccb45868e8666e7e934a2373688ac""#,
            #""script_hex": "76a914b5cd7aaed869cd5ccb45868e8666e7e934a2373688ad""#, "hash",
            "is not the txid of the transaction rebuilt from its fields"
        ),
        (
            #""spent_transaction_hash": "76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea""#,
            #""spent_transaction_hash": "76a8d70a""#, "inputs[0].spent_transaction_hash", "not a hash"
        ),
        (
            #""lock_time": 0, "block_number": 50001"#, #""block_number": 50001"#, "",
            "missing field 'lock_time'"
        ),
        (
            #""sequence": 4294967295"#, #""sequence": 4294967296"#, "inputs[0].sequence",
            "not an integer in 0...4294967295"
        ),
    ]

    @Test("bad lines are errors naming file, line, field and value", arguments: badEdits.indices)
    func badLines(_ k: Int) throws {
        let edit = Self.badEdits[k]
        let folder = ETLSamples.folder("bitcoin/block_with_transactions")
        let text = try JSONSamples.text(folder.appendingPathComponent("expected_transactions.json"))
        #expect(text.contains(edit.from))
        let broken = text.replacingOccurrences(of: edit.from, with: edit.to)
        let blocks = try ETLSamples.read(folder.appendingPathComponent("expected_blocks.json")).blocks
        let error = try #require(throws: IngestError.self) {
            var txs = [ETLTransaction]()
            for case .transaction(let t) in try ETLSamples.read(text: broken) { txs.append(t) }
            for b in blocks {
                _ = try BitcoinETL.assemble(
                    b, txs.filter { $0.blockHash == b.hash }, network: .mainnet, parents: [])
            }
        }
        #expect(error.file == "transactions.json")
        #expect(error.line == (try JSONSamples.line(of: edit.to, in: broken)), "\(error)")
        #expect(error.field == (edit.field.isEmpty ? nil : edit.field), "\(error)")
        #expect(error.message.contains(edit.words), "\(error)")
        #expect(error.exitCode == 65)
    }

    @Test("a merkle root that the txids do not give is an error on the block line")
    func merkleMismatch() throws {
        let folder = ETLSamples.folder("bitcoin/block_with_transactions")
        let blocksText = try JSONSamples.text(folder.appendingPathComponent("expected_blocks.json"))
            .replacingOccurrences(
                of: "ee3a2d2b895cafacff526d06a55b55e049cf84a9735e4a63f7fd08f96d0f4649",
                with: String(repeating: "1", count: 64))
        var blocks = [ETLBlock]()
        for case .block(let b) in try ETLSamples.read(text: blocksText, path: "blocks.json") {
            blocks.append(b)
        }
        let txs = try ETLSamples.read(folder.appendingPathComponent("expected_transactions.json"))
            .transactions
        let error = try #require(throws: IngestError.self) {
            _ = try BitcoinETL.assemble(
                blocks[0], txs.filter { $0.blockHash == blocks[0].hash }, network: .mainnet, parents: [])
        }
        #expect(error.code == .merkleMismatch)
        #expect(error.file == "blocks.json" && error.line == 1 && error.field == "merkle_root")
    }

    @Test(
        "exports of other chains are refused with an error that says so",
        arguments: [
            "bitcoin_cash/block_with_duplicate_txid", "dogecoin/block_without_transactions", "zcash/block_0",
        ])
    func otherChains(_ name: String) throws {
        let error = try #require(throws: IngestError.self) { _ = try ETLSamples.assemble(name) }
        #expect(error.message.contains("chainflow reads Bitcoin only"), "\(error)")
        #expect(error.exitCode == 65)
    }

    @Test("a testnet export read as mainnet names the network to use")
    func wrongNetwork() throws {
        let program = try #require(Hex.decode("b5cd7aaed869cd5ccb45868e8666e7e934a23736"))
        let key = try #require(AddressKey(kind: AddressKey.kindPubkeyHash, program: program))
        let testnet = AddressCodec.encode(key, network: .testnet)
        let line =
            #"{"hash": "e1882d41800d96d0fddc196cd8d3f0b45d65b030c652d97eaba79a1174e64d58", "size": 135, "virtual_size": 135, "version": 1, "lock_time": 0, "block_number": 50001, "block_hash": "000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141", "block_timestamp": 1270917100, "is_coinbase": true, "index": 0, "inputs": [], "outputs": [{"index": 0, "script_hex": "76a914b5cd7aaed869cd5ccb45868e8666e7e934a2373688ac", "type": "pubkeyhash", "addresses": ["\#(testnet)"], "value": 5000000000}]}"#
        let error = try #require(throws: IngestError.self) { _ = try ETLSamples.read(text: line) }
        #expect(error.message.contains("testnet"), "\(error)")
        #expect(error.field == "outputs[0].addresses")
    }

    @Test("previous_block_hash (newer bitcoin-etl) is used when given, and checked against the header")
    func previousBlockHash() throws {
        let folder = ETLSamples.folder("bitcoin/block_with_transactions")
        let blocks = try ETLSamples.read(folder.appendingPathComponent("expected_blocks.json")).blocks
        let txs = try ETLSamples.read(folder.appendingPathComponent("expected_transactions.json"))
            .transactions
        let text = try JSONSamples.text(folder.appendingPathComponent("expected_blocks.json"))
        let second = try #require(text.split(separator: "\n").last)
        for (parent, ok) in [(blocks[0].hash, true), (Network.mainnet.genesisHash, false)] {
            let line = second.replacingOccurrences(
                of: #""number": 50002"#, with: #""number": 50002, "previous_block_hash": "\#(parent.hex)""#)
            guard
                case .block(let b) = try #require(try ETLSamples.read(text: line, path: "blocks.json").first)
            else {
                Issue.record("not a block")
                return
            }
            let lines = txs.filter { $0.blockHash == b.hash }
            if ok {
                // No candidates needed: the stated parent is checked by hashing the header.
                let built = try BitcoinETL.assemble(b, lines, network: .mainnet, parents: [])
                #expect(built.block.header.prevHash == blocks[0].hash)
            } else {
                let error = try #require(throws: IngestError.self) {
                    _ = try BitcoinETL.assemble(b, lines, network: .mainnet, parents: [])
                }
                #expect(error.field == "hash" && error.message.contains("is not the hash of the header"))
            }
        }
    }

    @Test(
        "a coinbase whose sequence is not exported and not a usual value is unproven and refused; exported, it is proven"
    )
    func unusualCoinbaseSequence() throws {
        // Block 1's coinbase with sequence 0x12345678, in a block made up around it.
        let hex =
            "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0704ffff001d0104"
            + "78563412"
            + "0100f2052a0100000043410496b538e853519c726a2c91e61ec11600ae1390813a627c66fb8be7947be63c52da"
            + "7589379515d4e0a604f8141781e62294721166bf621e73a82cbf2342c858eeac00000000"
        let bytes = try #require(Hex.decode(hex))
        let txid = BitcoinHash.doubleSHA256(bytes)
        var header = [UInt8]()
        header += [1, 0, 0, 0] + Network.mainnet.genesisHash.wireBytes + txid.wireBytes
        header += [0x61, 0xbc, 0x66, 0x49, 0xff, 0xff, 0x00, 0x1d, 1, 2, 3, 4]
        let hash = BitcoinHash.doubleSHA256(header)
        let block =
            #"{"hash": "\#(hash.hex)", "size": \#(80 + 1 + bytes.count), "stripped_size": \#(80 + 1 + bytes.count), "weight": \#(4 * (81 + bytes.count)), "number": 1, "version": 1, "merkle_root": "\#(txid.hex)", "timestamp": 1231469665, "nonce": "04030201", "bits": "1d00ffff", "coinbase_param": "04ffff001d0104", "transaction_count": 1}"#
        let tx =
            #"{"hash": "\#(txid.hex)", "size": \#(bytes.count), "virtual_size": \#(bytes.count), "version": 1, "lock_time": 0, "block_number": 1, "block_hash": "\#(hash.hex)", "block_timestamp": 1231469665, "is_coinbase": true, "index": 0, "inputs": [], "outputs": [{"index": 0, "script_hex": "410496b538e853519c726a2c91e61ec11600ae1390813a627c66fb8be7947be63c52da7589379515d4e0a604f8141781e62294721166bf621e73a82cbf2342c858eeac", "type": "pubkey", "addresses": ["12c6DSiU4Rq3P4ZxziKxzrL5LmMBrzjrJX"], "value": 5000000000}]}"#
        let records = try ETLSamples.read(text: block + "\n" + tx)
        guard case .block(let b) = records[0], case .transaction(let t) = records[1] else {
            Issue.record("unexpected records")
            return
        }
        // The merkle root commits to the stated txid, not to the exported fields: nothing proves
        // that they are this coinbase's, so the block is refused.
        let error = try #require(throws: IngestError.self) {
            _ = try BitcoinETL.assemble(b, [t], network: .mainnet, parents: [])
        }
        #expect(error.field == "hash" && error.line == 2 && error.exitCode == 65)
        #expect(error.message.hasPrefix("block 1 \(hash): coinbase \(txid) is unproven"))
        #expect(error.message.contains("tried as ffffffff, 00000000, fffffffe"))
        // An export that lists the coinbase input with its sequence proves it by hashing.
        let listed = tx.replacingOccurrences(
            of: #""inputs": []"#,
            with: #""inputs": [{"index": 0, "script_hex": "04ffff001d0104", "sequence": 305419896}]"#)
        let again = try ETLSamples.read(text: block + "\n" + listed)
        guard case .transaction(let u) = again[1] else {
            Issue.record("unexpected records")
            return
        }
        let built = try BitcoinETL.assemble(b, [u], network: .mainnet, parents: [])
        #expect(built.block.transactions[0].txid == txid)
        #expect(built.block.header.prevHash == Network.mainnet.genesisHash)
        #expect(built.block.transactions[0].inputs[0].sequence == 0x1234_5678)
    }
}
