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
                ).block)
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
}
