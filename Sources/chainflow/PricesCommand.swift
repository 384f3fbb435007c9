import ArgumentParser
import FlowKit
import FlowModel
import FlowReport
import Foundation

struct PricesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Import daily asset prices (fiat thresholds and values for AML rules) and list them.",
        subcommands: [Import.self, List.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import daily prices: a CSV date,asset,price or a CoinGecko CSV export (with --asset).",
            discussion: """
                The generic CSV has a header with date, asset and price (an optional currency column \
                overrides --currency); the asset is a symbol (ETH, USDT) or a token contract address, which \
                is matched first. CoinGecko's export (snapped_at,price,market_cap,total_volume) holds one \
                asset: name it with --asset. A price for the same asset, currency and day replaces the one \
                stored, so importing again changes nothing. AML rule thresholds are in the rule file's \
                currency (USD by default) for every asset with prices; a transfer on a day without a price \
                takes the latest earlier day's (or the first day's).
                """)

        @OptionGroup var database: DatabaseOption

        @Argument(help: "Price files.")
        var files: [String]

        @Option(name: .long, help: "The asset of a CoinGecko export, or of a file without an asset column.")
        var asset: String?

        @Option(name: .long, help: "The currency the prices are in (default: USD).")
        var currency = "USD"

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() throws {
            do {
                var reports: [JSONValue] = []
                try CaseDatabase.creating(database.db) { db in
                    for file in files {
                        let report = try db.importPrices(file: file, asset: asset, currency: currency)
                        reports.append(report.json)
                        if !json { try emit(report.text) }
                    }
                }
                if json { try emit(JSONValue.array(reports).rendered(), terminator: "") }
            } catch {
                throw fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the stored price series.")

        @OptionGroup var database: DatabaseOption

        func run() throws {
            do {
                let rows = try CaseDatabase.open(database.db, for: .read).priceSummary()
                if rows.isEmpty { try emit("no prices; import some with `chainflow prices import`") }
                for r in rows {
                    try emit(
                        "\(r.asset) in \(r.currency): \(r.days) days, \(Render.isoTime(r.first * 86_400).prefix(10)) to \(Render.isoTime(r.last * 86_400).prefix(10))"
                    )
                }
            } catch {
                throw fail(error)
            }
        }
    }
}
