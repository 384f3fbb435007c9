import ArgumentParser
import FlowKit
import FlowStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Counts of blocks, transactions, inputs, outputs and addresses on the main chain.")

    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: JSONFlag

    func run() throws {
        do {
            let stats = try GraphStore(path: database.db, readOnly: true).stats()
            print(output.json ? Render.statsJSON(stats).rendered() : Render.statsText(stats), terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
