import ArgumentParser
import FlowKit
import FlowReport

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract:
            "Counts of Bitcoin blocks, transactions, inputs, outputs and addresses on the main chain, Ethereum blocks and transactions, and ledger transactions."
    )

    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: JSONFlag

    @Flag(
        name: .long, help: "Also print per-table row counts and content checksums (to compare two databases)."
    )
    var checksums = false

    func run() throws {
        do {
            let (stats, sums) = try CaseDatabase.open(database.db, for: .read).stats(checksums: checksums)
            if output.json {
                try emit(Render.statsJSON(stats, checksums: sums).rendered(), terminator: "")
            } else {
                try emit(Render.statsText(stats), terminator: "")
                for (table, sum) in (sums ?? [:]).sorted(by: { $0.key < $1.key }) {
                    try emit("checksum  \(table): \(sum)")
                }
            }
        } catch {
            throw fail(error)
        }
    }
}
