import ArgumentParser
import FlowKit
import FlowModel
import FlowReport
import Foundation

struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract:
            "An address's profile: activity per asset, balance over time, counterparties, tags, cluster, exposure to tagged categories.",
        discussion: """
            Without --format: a short text summary. --format md|json|csv|html writes the full report
            (HTML is one self-contained page with a balance chart and a counterparty picture); --json is
            --format json.
            """)

    @Argument(
        help:
            "The address (Base58, bech32, 0x… Ethereum, or a ledger account; spaces around it and an address: prefix are ignored)."
    )
    var address: String

    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: JSONFlag

    @Option(name: .long, help: "Report format: text, md, json, csv or html.")
    var format: ReportFormat?

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var out: String?

    @Option(name: .long, help: "Counterparties listed per asset.")
    var limit = 10

    func validate() throws {
        if output.json, let format, format != .json {
            throw ValidationError("--json and --format \(format.rawValue) disagree; give one of them")
        }
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        do {
            try ReportOutput.check(out, database: database.db)
            let db = try CaseDatabase.open(database.db, for: .read)
            let format = self.format ?? (output.json ? .json : .text)
            let text: String
            if format == .text {
                text = TerminalText.output(Render.addressText(try db.addressProfile(address)))
            } else {
                let report = try db.addressReport(address, counterparties: limit)
                switch format {
                case .md: text = AddressReportRender.markdown(report)
                case .csv:
                    try ReportOutput.write(to: out, database: database.db) { emit in
                        try AddressReportRender.csv(report, emit)
                    }
                    return
                case .html: text = AddressReportRender.html(report).html
                case .json, .text:
                    try ReportOutput.write(AddressReportRender.json(report), to: out, database: database.db)
                    return
                }
            }
            try ReportOutput.write(text, to: out, database: database.db)
        } catch {
            throw fail(error)
        }
    }
}

/// `--format` of the profile reports.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, md, json, csv, html
}
