import FlowIngest
import FlowModel
import FlowSim
import Foundation
import Testing

/// A fresh temporary directory per call (removed by the caller with `remove`).
func temporaryDirectory(_ label: String) -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("flowsim-\(label)-\(UUID().uuidString)")
    return url.path
}

/// The truth file of a generated chain.
func readTruth(_ directory: String) throws -> GeneratedChainSummary {
    let url = URL(fileURLWithPath: directory).appendingPathComponent(ChainGenerator.truthFileName)
    return try JSONDecoder().decode(GeneratedChainSummary.self, from: Data(contentsOf: url))
}

/// The contents of every file in `directory`, by name.
func directoryBytes(_ directory: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
        out[name] = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
    }
    return out
}

/// A spendable output while replaying the chain.
struct Outpoint: Hashable {
    var txid: Hash256
    var vout: UInt32
}

/// A generated chain decoded with the project's own decoder (`BlockSource`), then replayed
/// against an independent UTXO set.
struct DecodedChain {
    var summary: GeneratedChainSummary
    var directory: String
    /// Blocks per file, in file order, as the decoder framed them.
    var framesPerFile: [Int] = []
    var blocks: [BitcoinBlock] = []

    static func generate(_ options: ChainGeneratorOptions, label: String) throws -> DecodedChain {
        try generate(options, into: temporaryDirectory(label))
    }

    static func generate(_ options: ChainGeneratorOptions, into directory: String) throws -> DecodedChain {
        let summary = try ChainGenerator.write(options: options, to: directory)
        var chain = DecodedChain(summary: summary, directory: directory)
        for name in summary.files {
            let source = try BlockSource.load(
                path: URL(fileURLWithPath: directory).appendingPathComponent(name).path)
            #expect(source.framingError == nil, "\(name): \(String(describing: source.framingError))")
            #expect(source.kind == .blk)
            chain.framesPerFile.append(source.frames.count)
            for frame in source.frames {
                chain.blocks.append(try source.decode(frame))
            }
        }
        return chain
    }
}

/// Facts gathered by replaying every transaction against a UTXO set built from the chain itself.
struct Replay {
    var problems: [String] = []
    var fees: UInt64 = 0
    var outputValue: UInt64 = 0
    var spentValue: UInt64 = 0
    var sameBlockSpends = 0
    var payments = 0
    var paymentInputs = 0
    var paymentOutputs = 0
    var multiInputPayments = 0
    var typeCounts: [ScriptType: Int] = [:]
    var addressUses: [AddressKey: Int] = [:]
    var unspent = 0
    /// Smallest non-OP_RETURN output value.
    var smallestOutput: UInt64 = .max

    init(_ chain: DecodedChain, network: Network) {
        var utxos: [Outpoint: UInt64] = [:]
        for (index, block) in chain.blocks.enumerated() {
            let height = index + 1
            var blockFees: UInt64 = 0
            var createdHere: Set<Hash256> = []
            for (position, tx) in block.transactions.enumerated() {
                if position == 0 {
                    if !tx.isCoinbase {
                        problems.append("block \(height): first transaction is not a coinbase")
                    }
                } else {
                    if tx.isCoinbase { problems.append("block \(height) tx \(position): a second coinbase") }
                    var inputValue: UInt64 = 0
                    for input in tx.inputs {
                        let outpoint = Outpoint(txid: input.prevTxid, vout: input.prevVout)
                        guard let value = utxos.removeValue(forKey: outpoint) else {
                            problems.append(
                                "block \(height) tx \(tx.txid): input \(input.prevTxid):\(input.prevVout) spends nothing unspent"
                            )
                            continue
                        }
                        if createdHere.contains(input.prevTxid) { sameBlockSpends += 1 }
                        inputValue += value
                    }
                    let outputs = tx.outputValue
                    if inputValue < outputs {
                        problems.append(
                            "block \(height) tx \(tx.txid): outputs \(outputs) exceed inputs \(inputValue)")
                    } else {
                        blockFees += inputValue - outputs
                    }
                    spentValue += inputValue
                    payments += 1
                    paymentInputs += tx.inputs.count
                    paymentOutputs += tx.outputs.count
                    if tx.inputs.count > 1 { multiInputPayments += 1 }
                }
                for (vout, output) in tx.outputs.enumerated() {
                    outputValue += output.value
                    typeCounts[output.type, default: 0] += 1
                    if let key = output.addressKey { addressUses[key, default: 0] += 1 }
                    if output.type != .nulldata {
                        smallestOutput = min(smallestOutput, output.value)
                        utxos[Outpoint(txid: tx.txid, vout: UInt32(vout))] = output.value
                    }
                }
                createdHere.insert(tx.txid)
            }
            let claimed = block.transactions[0].outputValue
            let expected = Replay.subsidy(height: height, network: network) + blockFees
            if claimed != expected {
                problems.append("block \(height): coinbase claims \(claimed), subsidy + fees is \(expected)")
            }
            fees += blockFees
        }
        unspent = utxos.count
    }

    /// Bitcoin's block subsidy, computed independently of the generator.
    static func subsidy(height: Int, network: Network) -> UInt64 {
        let halvings = height / (network == .regtest ? 150 : 210_000)
        return halvings >= 64 ? 0 : 5_000_000_000 >> UInt64(halvings)
    }
}
