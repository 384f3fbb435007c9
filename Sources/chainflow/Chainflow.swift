import ArgumentParser
import FlowKit
import Foundation

@main
struct Chainflow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chainflow",
        abstract: "Blockchain money-flow analytics: ingest block exports into a graph database and query it.",
        version: "chainflow \(ChainflowVersion.text)",
        subcommands: [
            IngestCommand.self, StatsCommand.self, TxCommand.self, AddressCommand.self, DemoCommand.self,
            GenerateCommand.self, TagsCommand.self, ClusterCommand.self, AmlCommand.self, TraceCommand.self,
            QueryCommand.self, PricesCommand.self, ServeCommand.self,
        ])

    /// A closed pipe (`| head`) is a write error each command reports (exit 74), not a signal
    /// that kills it midway.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
