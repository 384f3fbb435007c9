import FlowIngest
import FlowModel
public import FlowReport
public import FlowStore
import Foundation

/// Options of `chainflow tags import`.
public struct TagImportOptions: Sendable {
    /// Category for entries that name none (and for all of a one-address-per-line list).
    public var category: String?
    /// Where the tags come from; default: the file's name without extension (so a list imported
    /// as .txt and as .json is one source).
    public var source: String?
    /// Label for entries that have none; default: the file's name without extension.
    public var label: String?
    /// Replace every stored tag of the source: entries no longer listed are removed (delistings).
    public var replace: Bool

    public init(category: String? = nil, source: String? = nil, label: String? = nil, replace: Bool = false) {
        self.category = category
        self.source = source
        self.label = label
        self.replace = replace
    }
}

/// What one `tags import` did.
public struct TagImportReport: Sendable, Codable {
    public var file: String
    public var kind: String
    public var entries: Int
    public var added: Int
    /// Entries already stored (same address, category, label, source).
    public var existing: Int
    /// Entries whose address occurs in the graph (the rest may appear in later ingests).
    public var inGraph: Int
    /// Tags of the source removed because the file no longer lists them (`--replace`).
    public var removed: Int = 0
    /// Whether the import replaced its source (`--replace`).
    public var replaced: Bool = false
}

public enum TagImport {
    /// Reads a watchlist or label file and stores its entries as tags. A bad entry stops the
    /// import before anything is stored, naming the file, line and value.
    public static func run<Store: ReferenceDataWriter & CaseReader>(
        store: Store, path: String, options: TagImportOptions
    ) throws -> TagImportReport {
        try run(store: store, paths: [path], options: options)[0]
    }

    /// Reads every file first (a bad entry in any of them stores nothing), then stores each file's
    /// tags; with `replace`, the files of one source (`--source` given for several) are imported
    /// together and replace that source's tags, in one report.
    public static func run<Store: ReferenceDataWriter & CaseReader>(
        store: Store, paths: [String], options: TagImportOptions
    ) throws -> [TagImportReport] {
        var groups: [(files: [String], kind: String, source: String, tags: [TagRecord])] = []
        for path in paths {
            let (kind, entries) = try WatchlistReader.read(path: path)
            let stem = WatchlistReader.stem(of: path)
            let source = options.source ?? stem
            let tags = WatchlistReader.tags(
                entries, source: source, label: options.label ?? stem, category: options.category)
            if options.replace, let i = groups.firstIndex(where: { $0.source == source }) {
                groups[i].files.append(path)
                groups[i].tags += tags
                if groups[i].kind != kind.rawValue { groups[i].kind = "mixed" }
            } else {
                groups.append(([path], kind.rawValue, source, tags))
            }
        }
        let now = ISO8601DateFormatter().string(from: Date())
        return try groups.map { g in
            let (added, removed) = try store.importTags(
                g.tags, importedAt: now, replacing: options.replace ? [g.source] : [])
            let known = try store.knownAddresses(Set(g.tags.map(\.address)))
            return TagImportReport(
                file: g.files.joined(separator: " + "), kind: g.kind, entries: g.tags.count, added: added,
                existing: g.tags.count - added, inGraph: known, removed: removed, replaced: options.replace)
        }
    }

    public static func text(_ r: TagImportReport) -> String {
        "\(r.file) (\(r.kind)): \(Render.count(r.entries, "entry", "entries")), \(r.added) added, \(r.existing) already stored"
            + (r.replaced ? ", \(r.removed) removed (no longer listed)" : "")
            + "; \(r.inGraph) of these addresses occur in the graph\n"
    }

    public static func json(_ r: TagImportReport) -> JSONValue {
        .object([
            ("file", .string(r.file)), ("kind", .string(r.kind)), ("entries", .int(r.entries)),
            ("added", .int(r.added)), ("existing", .int(r.existing)), ("removed", .int(r.removed)),
            ("in_graph", .int(r.inGraph)),
        ])
    }
}
