import ArgumentParser
import FlowKit
import FlowReport
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Ingest the bundled SampleData into fresh databases and show what chainflow finds.")

    @Option(name: .long, help: "The SampleData folder (default: found from the current directory).")
    var samples: String?

    @Option(name: .long, help: "Where to put the demo databases.")
    var workdir: String = "chainflow-demo"

    func run() throws {
        guard let samples = samples ?? Demo.locateSamples() else {
            printError(
                "chainflow: error: cannot find SampleData; run from the chainflow checkout or pass --samples DIR"
            )
            throw ExitCode(66)
        }
        do {
            // The first output that cannot be written stops the demo with its error.
            var failure: (any Error)?
            try Demo.run(samples: samples, workdir: workdir) { text in
                guard failure == nil else { return }
                do { try emit(text, terminator: "") } catch { failure = error }
            }
            if let failure { throw failure }
        } catch {
            throw fail(error)
        }
    }
}
