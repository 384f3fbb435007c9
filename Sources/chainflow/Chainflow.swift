import ArgumentParser
import FlowKit

@main
struct Chainflow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chainflow",
        abstract: "Blockchain money-flow analytics: ingest block exports into a graph database and query it.",
        version: "chainflow \(ChainflowVersion.text)",
        subcommands: [
            IngestCommand.self, StatsCommand.self, TxCommand.self, AddressCommand.self, DemoCommand.self,
            GenerateCommand.self, TagsCommand.self, ClusterCommand.self, AmlCommand.self, TraceCommand.self,
            QueryCommand.self, PricesCommand.self,
        ])
}
