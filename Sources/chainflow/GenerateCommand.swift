import ArgumentParser
import FlowModel
import FlowSim
import Foundation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate synthetic data for tests and benchmarks.",
        subcommands: [GenerateBitcoinCommand.self])
}

struct GenerateBitcoinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitcoin",
        abstract:
            "Write a valid synthetic Bitcoin chain as blk*.dat files (with truth.json), deterministic from --seed."
    )

    @Option(name: .long, help: "Number of transactions.")
    var txs: Int = 100_000

    @Option(name: .long, help: "Random seed: the same seed gives byte-identical files.")
    var seed: UInt64 = 7

    @Option(name: .long, help: "Network whose magic and address prefixes to use.")
    var network: Network = .regtest

    @Option(name: .long, help: "Output folder.")
    var out: String

    func validate() throws {
        guard txs > 0 else { throw ValidationError("--txs must be positive, got \(txs)") }
    }

    func run() throws {
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var options = ChainGeneratorOptions(transactions: txs, seed: seed)
            options.network = network
            let summary = try ChainGenerator.write(options: options, to: out)
            print(
                "wrote \(summary.files.count) files, \(summary.blocks) blocks, \(summary.transactions) transactions, \(summary.bytes) bytes to \(out)"
            )
        } catch {
            throw fail(error)
        }
    }
}
