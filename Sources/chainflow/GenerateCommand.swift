import ArgumentParser
import FlowKit
import FlowModel
import FlowReport
import Foundation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate synthetic data for tests and benchmarks.",
        subcommands: [GenerateBitcoinCommand.self, GenerateLedgerCommand.self])
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

    @Option(
        name: .long,
        help:
            "Peel chains to plant (5-16 hops of 1-input, 2-output payments, each peeling 0.5-15% of what is left), listed in OUT/labels.csv for 'aml evaluate'."
    )
    var peelChains: Int = 0

    func validate() throws {
        guard txs > 0 else { throw ValidationError("--txs must be positive, got \(txs)") }
        guard peelChains >= 0 else {
            throw ValidationError("--peel-chains must not be negative, got \(peelChains)")
        }
    }

    func run() throws {
        do {
            try emit(
                try Generate.bitcoin(
                    transactions: txs, seed: seed, network: network, peelChains: peelChains, out: out),
                terminator: "")
        } catch {
            throw fail(error)
        }
    }
}

struct GenerateLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract:
            "Write an account-model ledger with planted laundering typologies and their labels, and ingest it into DIR/ledger.db.",
        discussion: """
            Writes DIR/transactions.csv (AMLSim columns), DIR/labels.csv (instance_id,typology,members,transactions) \
            and DIR/tags.csv (exchange, sanctions and mixer tags), then (re)creates DIR/ledger.db from them.

            Typologies: \(Generate.typologyNames.joined(separator: ", ")).
            """)

    @Option(name: .long, help: "Accounts in all (at least 500).")
    var accounts: Int = 5_000

    @Option(name: .long, help: "Days of activity (at least 90).")
    var days: Int = 180

    @Option(
        name: .long, help: "Typologies to plant: all, none (normal activity only), or a comma-separated list."
    )
    var typologies = "all"

    @Option(name: .long, help: "Planted instances per typology (default: one per 250 accounts, at least 10).")
    var instances: Int?

    @Option(name: .long, help: "Random seed: the same seed gives byte-identical files.")
    var seed: UInt64 = 7

    @Option(name: .long, help: "Output folder.")
    var out: String

    @Flag(name: .long, help: "Write the files only; do not create DIR/ledger.db.")
    var noIngest = false

    func validate() throws {
        do {
            _ = try Generate.typologies(typologies)
        } catch {
            throw ValidationError(error.message)
        }
        guard accounts >= 500 else {
            throw ValidationError("--accounts must be at least 500, got \(accounts)")
        }
        guard days >= 90 else { throw ValidationError("--days must be at least 90, got \(days)") }
        if let i = instances, i < 1 { throw ValidationError("--instances must be at least 1, got \(i)") }
    }

    func run() throws {
        do {
            try emit(
                try Generate.ledger(
                    accounts: accounts, days: days, typologies: typologies, instances: instances, seed: seed,
                    out: out, ingest: !noIngest),
                terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
