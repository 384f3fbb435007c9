import FlowBitcoin
import FlowIngest
import FlowModel
import FlowSim
import Foundation
import Testing

/// The chain most tests inspect: 5,000 transactions from seed 7, cut into small blocks and files
/// so that several files and many blocks are exercised. Generated and decoded once.
let smallOptions = ChainGeneratorOptions(
    transactions: 5_000, seed: 7, transactionsPerBlock: 100, blocksPerFile: 8)
let smallDirectory = temporaryDirectory("small")
let smallChain: Result<DecodedChain, any Error> = Result {
    // Shared by every test, so removed when the test process exits.
    atexit { try? FileManager.default.removeItem(atPath: smallDirectory) }
    return try DecodedChain.generate(smallOptions, into: smallDirectory)
}
let smallReplay: Replay? = (try? smallChain.get()).map { Replay($0, network: .regtest) }

@Suite("ChainGenerator")
struct ChainGeneratorTests {
    @Test("every block decodes and the files match the truth file")
    func decodesAndMatchesTruth() throws {
        let chain = try smallChain.get()
        let truth = try readTruth(chain.directory)
        #expect(truth == chain.summary)
        #expect(truth.files.count > 1, "several blk files expected")
        #expect(truth.files.first == "blk00000.dat")
        #expect(chain.framesPerFile == truth.fileBlocks)
        #expect(chain.blocks.count == truth.blocks)
        #expect(truth.transactions == smallOptions.transactions)
        let sizes = try truth.files.map { name in
            try FileManager.default.attributesOfItem(
                atPath: URL(fileURLWithPath: chain.directory).appendingPathComponent(name).path)[.size]
                as? Int
        }
        #expect(sizes == truth.fileBytes.map { Optional($0) })
        #expect(truth.bytes == truth.fileBytes.reduce(0, +))

        let transactions = chain.blocks.flatMap(\.transactions)
        #expect(transactions.count == truth.transactions)
        #expect(Set(transactions.map(\.txid)).count == truth.transactions, "txids are unique")
        #expect(transactions.reduce(0) { $0 + $1.inputs.count } == truth.inputs)
        #expect(transactions.reduce(0) { $0 + $1.outputs.count } == truth.outputs)
        #expect(transactions.filter(\.hasWitness).count == truth.segwitTransactions)
        #expect(
            transactions.reduce(0) { $0 + $1.outputs.filter { $0.type == .nulldata }.count }
                == truth.nullDataOutputs)
    }

    @Test("headers link into one chain from the genesis hash, with BIP34 heights and rising times")
    func headersFormOneChain() throws {
        let chain = try smallChain.get()
        var previous = Network.regtest.genesisHash
        var previousTime: UInt32 = 0
        for (index, block) in chain.blocks.enumerated() {
            #expect(block.header.prevHash == previous, "block \(index + 1) does not link")
            #expect(block.header.time > previousTime)
            #expect(block.header.bits == 0x207f_ffff)
            #expect(block.header.version == 0x2000_0000)
            #expect(block.coinbaseHeight == index + 1)
            #expect(block.network == .regtest)
            #expect(block.weight <= 4_000_000)
            previous = block.hash
            previousTime = block.header.time
        }
        #expect(previous.hex == chain.summary.tipHash)
        // Height 1 holds only its coinbase; later blocks are full (100 transactions) but the last.
        #expect(chain.blocks.first?.transactions.count == 1)
        #expect(chain.blocks.dropFirst().dropLast().allSatisfy { $0.transactions.count == 100 })
    }

    @Test("merkle roots and witness commitments verify")
    func merkleAndWitnessCommitments() throws {
        let chain = try smallChain.get()
        for block in chain.blocks {
            // decode(_:) already verified the merkle root; recompute it anyway.
            #expect(BitcoinHash.merkleRoot(block.transactions.map(\.txid)) == block.header.merkleRoot)
            let coinbase = try #require(block.transactions.first)
            let wtxids = [Hash256.zero] + block.transactions.dropFirst().map(\.wtxid)
            let expected = BitcoinHash.doubleSHA256(
                BitcoinHash.merkleRoot(wtxids).wireBytes + [UInt8](repeating: 0, count: 32))
            let commitment = try #require(coinbase.outputs.last?.script)
            #expect(Array(commitment.prefix(6)) == [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed])
            #expect(Array(commitment.dropFirst(6)) == expected.wireBytes)
            #expect(coinbase.inputs.first?.witnessItems == 1)
            for tx in block.transactions.dropFirst() {
                // Legacy transactions have txid == wtxid; segwit ones differ.
                #expect((tx.txid == tx.wtxid) == !tx.hasWitness)
                for input in tx.inputs {
                    #expect(tx.hasWitness ? [0, 1, 2].contains(input.witnessItems) : input.witnessItems == 0)
                }
            }
        }
    }

    @Test("every input spends an earlier output exactly once and value is conserved")
    func valueConservation() throws {
        let chain = try smallChain.get()
        let replay = try #require(smallReplay)
        #expect(replay.problems.isEmpty, "\(replay.problems.prefix(5))")
        let truth = chain.summary
        #expect(replay.fees == truth.totalFees)
        #expect(replay.outputValue == truth.totalOutputValue)
        // Every satoshi output was either minted or moved: outputs = subsidy + spent inputs.
        #expect(replay.outputValue == truth.totalSubsidy + replay.spentValue)
        #expect(replay.fees > 0)
        #expect(replay.sameBlockSpends == truth.sameBlockSpends)
        #expect(replay.sameBlockSpends > 0, "some inputs spend outputs of the same block")
        #expect(replay.smallestOutput >= 546, "no output below the dust limit")
    }

    @Test("BIP34 heights past 127 and 255 and the regtest halvings at 150 and 300")
    func longChainOfSmallBlocks() throws {
        let options = ChainGeneratorOptions(
            transactions: 1_000, seed: 11, transactionsPerBlock: 3, blocksPerFile: 1_000)
        let chain = try DecodedChain.generate(options, label: "long")
        defer { try? FileManager.default.removeItem(atPath: chain.directory) }
        #expect(chain.blocks.count > 300)
        #expect(chain.summary.files == ["blk00000.dat"])
        for (index, block) in chain.blocks.enumerated() {
            #expect(block.coinbaseHeight == index + 1)
        }
        let replay = Replay(chain, network: .regtest)
        #expect(replay.problems.isEmpty, "\(replay.problems.prefix(5))")
        #expect(
            chain.summary.totalSubsidy
                == (1...chain.blocks.count).reduce(0) { $0 + Replay.subsidy(height: $1, network: .regtest) })
    }

    @Test("about 2.5 inputs and 2.5 outputs per payment, multi-input spends common")
    func shapeOfPayments() throws {
        let replay = try #require(smallReplay)
        let inputs = Double(replay.paymentInputs) / Double(replay.payments)
        let outputs = Double(replay.paymentOutputs) / Double(replay.payments)
        #expect((2.0...3.0).contains(inputs), "inputs per payment: \(inputs)")
        #expect((2.0...3.0).contains(outputs), "outputs per payment: \(outputs)")
        #expect(Double(replay.multiInputPayments) / Double(replay.payments) > 0.25)
    }

    @Test("output types follow the 30/40/20/10 mix with occasional OP_RETURN")
    func outputTypeMix() throws {
        let chain = try smallChain.get()
        let replay = try #require(smallReplay)
        for (type, count) in replay.typeCounts {
            #expect(chain.summary.outputTypes[type.coreName] == count, "\(type.coreName)")
        }
        let payments = replay.typeCounts.filter { $0.key != .nulldata }.values.reduce(0, +)
        let expected: [(ScriptType, Double)] = [
            (.pubkeyhash, 0.30), (.witnessV0KeyHash, 0.40), (.witnessV1Taproot, 0.20), (.scripthash, 0.10),
        ]
        for (type, share) in expected {
            let actual = Double(replay.typeCounts[type, default: 0]) / Double(payments)
            #expect(abs(actual - share) < 0.06, "\(type.coreName): \(actual), expected about \(share)")
        }
        #expect(
            Set(replay.typeCounts.keys) == [
                .pubkeyhash, .witnessV0KeyHash, .witnessV1Taproot, .scripthash, .nulldata,
            ])
        let nullData = replay.typeCounts[.nulldata, default: 0] - chain.blocks.count
        #expect(nullData > 0, "some payments carry OP_RETURN data")
    }

    @Test("address activity is heavy-tailed")
    func addressReuseIsHeavyTailed() throws {
        let chain = try smallChain.get()
        let replay = try #require(smallReplay)
        #expect(replay.addressUses.count == chain.summary.addresses)
        let uses = replay.addressUses.values.sorted(by: >)
        let total = uses.reduce(0, +)
        let top = uses.prefix(max(1, uses.count / 100)).reduce(0, +)
        let topShare = Double(top) / Double(total)
        #expect(topShare > 0.15, "top 1% of addresses receive \(topShare) of outputs")
        let rare = Double(uses.filter { $0 <= 2 }.count) / Double(uses.count)
        #expect(rare > 0.8, "share of addresses used once or twice: \(rare)")
        #expect((uses.first ?? 0) >= 50, "the busiest address is paid \(uses.first ?? 0) times")
    }

    @Test("the same options give identical bytes; another seed differs")
    func determinism() throws {
        let chain = try smallChain.get()
        let again = temporaryDirectory("again")
        let other = temporaryDirectory("other")
        defer {
            try? FileManager.default.removeItem(atPath: again)
            try? FileManager.default.removeItem(atPath: other)
        }
        _ = try ChainGenerator.write(options: smallOptions, to: again)
        #expect(try directoryBytes(again) == directoryBytes(chain.directory))
        var changed = smallOptions
        changed.seed = 8
        _ = try ChainGenerator.write(options: changed, to: other)
        let first = try directoryBytes(chain.directory)["blk00000.dat"]
        let second = try directoryBytes(other)["blk00000.dat"]
        #expect(first != nil && second != nil && first != second)
    }

    @Test("blocks close at the consensus weight limit")
    func weightLimit() throws {
        let options = ChainGeneratorOptions(transactions: 12_000, seed: 3, transactionsPerBlock: 20_000)
        let chain = try DecodedChain.generate(options, label: "weight")
        defer { try? FileManager.default.removeItem(atPath: chain.directory) }
        #expect(chain.summary.transactions == 12_000)
        #expect(chain.blocks.count > 3)
        #expect(chain.blocks.allSatisfy { $0.weight <= 4_000_000 })
        #expect(chain.blocks.dropFirst().dropLast().allSatisfy { $0.weight > 3_800_000 })
        let replay = Replay(chain, network: .regtest)
        #expect(replay.problems.isEmpty, "\(replay.problems.prefix(5))")
    }

    @Test("other networks use their magic, genesis hash and halving interval")
    func mainnetMagic() throws {
        let options = ChainGeneratorOptions(
            transactions: 600, seed: 1, network: .mainnet, transactionsPerBlock: 50)
        let chain = try DecodedChain.generate(options, label: "mainnet")
        defer { try? FileManager.default.removeItem(atPath: chain.directory) }
        let bytes = try #require(try directoryBytes(chain.directory)["blk00000.dat"])
        #expect(Array(bytes.prefix(4)) == Network.mainnet.magic)
        #expect(chain.blocks.first?.header.prevHash == Network.mainnet.genesisHash)
        #expect(chain.blocks.allSatisfy { $0.network == .mainnet })
        let replay = Replay(chain, network: .mainnet)
        #expect(replay.problems.isEmpty, "\(replay.problems.prefix(5))")
    }

    @Test("a one-transaction chain is a single coinbase-only block")
    func smallestChain() throws {
        let chain = try DecodedChain.generate(ChainGeneratorOptions(transactions: 1, seed: 0), label: "one")
        defer { try? FileManager.default.removeItem(atPath: chain.directory) }
        #expect(chain.blocks.count == 1)
        #expect(chain.summary.transactions == 1)
        #expect(chain.summary.addresses == 1)
        #expect(chain.blocks.first?.transactions.first?.outputValue == 5_000_000_000)
    }

    @Test(
        "bad options and occupied directories are refused with a message",
        arguments: [
            ChainGeneratorOptions(transactions: 0, seed: 1),
            ChainGeneratorOptions(transactions: 10, seed: 1, transactionsPerBlock: 0),
            ChainGeneratorOptions(transactions: 10, seed: 1, blocksPerFile: 0),
        ])
    func invalidOptions(options: ChainGeneratorOptions) throws {
        let directory = temporaryDirectory("invalid")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: GeneratorError.self) {
            try ChainGenerator.write(options: options, to: directory)
        }
        #expect(error?.code == .invalidOption)
        #expect(error?.description.contains("expected") == true)
    }

    @Test("a directory that already holds blk files is refused")
    func occupiedDirectory() throws {
        let directory = temporaryDirectory("occupied")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try ChainGenerator.write(options: ChainGeneratorOptions(transactions: 10, seed: 1), to: directory)
        let error = #expect(throws: GeneratorError.self) {
            try ChainGenerator.write(options: ChainGeneratorOptions(transactions: 10, seed: 1), to: directory)
        }
        #expect(error?.code == .directoryNotEmpty)
        #expect(error?.description.contains("blk00000.dat") == true)
    }
}
