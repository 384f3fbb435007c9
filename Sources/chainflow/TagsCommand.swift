import ArgumentParser
import FlowKit
import FlowModel
import FlowReport

struct TagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags",
        abstract: "Import watchlists and labels (sanctions lists, exchange addresses) and list them.",
        subcommands: [Import.self, List.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Import tags from a file: one address per line (e.g. the OFAC lists), CSV address,label,category[,confidence], or JSON.",
            discussion:
                "Re-importing the same entries changes nothing: a tag is one per address, label and source (the file name without extension, so a list as .txt and as .json is one source). --replace makes the stored tags of the source exactly the file's (addresses delisted from a sanctions list are removed). `chainflow address ADDR` shows an address's tags."
        )

        @Argument(help: "Watchlist or label files.")
        var files: [String]

        @OptionGroup var database: DatabaseOption

        @Option(
            name: .long,
            help: "Category for entries without one, e.g. sanctions, exchange, mixer (default: watchlist).")
        var category: String?

        @Option(name: .long, help: "Source of the tags (default: the file name without extension).")
        var source: String?

        @Option(
            name: .long, help: "Label for entries without one (default: the file name without extension).")
        var label: String?

        @Flag(
            name: .long,
            help: "Replace the source's stored tags with the file's: tags it no longer lists are removed.")
        var replace = false

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        func run() throws {
            do {
                let reports = try CaseDatabase.creating(database.db) { db in
                    try db.importTags(
                        files: files,
                        options: TagImportOptions(
                            category: category, source: source, label: label, replace: replace))
                }
                if json {
                    try emit(JSONValue.array(reports.map(TagImport.json)).rendered(), terminator: "")
                } else {
                    for r in reports { try emit(TagImport.text(r), terminator: "") }
                }
            } catch {
                throw fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tag counts by category and source.")

        @OptionGroup var database: DatabaseOption
        @OptionGroup var output: JSONFlag

        func run() throws {
            do {
                let rows = try CaseDatabase.open(database.db, for: .read).tagSummary()
                if output.json {
                    try emit(
                        JSONValue.array(
                            rows.map {
                                .object([
                                    ("category", .string($0.category)), ("source", .string($0.source)),
                                    ("count", .int(Int64($0.count))),
                                ])
                            }
                        ).rendered(), terminator: "")
                } else {
                    for r in rows {
                        try emit(
                            "\(TerminalText.field(r.category))\t\(TerminalText.field(r.source))\t\(r.count)")
                    }
                }
            } catch {
                throw fail(error)
            }
        }
    }
}
