import FlowModel
public import FlowReport
import FlowIngest
public import FlowStore
import Foundation

/// Options of `chainflow tags import`.
public struct TagImportOptions: Sendable {
    /// Category for entries that name none (and for all of a one-address-per-line list).
    public var category: String?
    /// Where the tags come from; default: the file's name.
    public var source: String?
    /// Label for entries that have none; default: the file's name without extension.
    public var label: String?

    public init(category: String? = nil, source: String? = nil, label: String? = nil) {
        self.category = category
        self.source = source
        self.label = label
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
}

public enum TagImport {
    /// Reads a watchlist or label file and stores its entries as tags. A bad entry stops the
    /// import before anything is stored, naming the file, line and value.
    public static func run(store: GraphStore, path: String, options: TagImportOptions) throws
        -> TagImportReport
    {
        let (kind, entries) = try WatchlistReader.read(path: path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let tags = entries.map { e in
            TagRecord(
                address: e.address, label: e.label ?? options.label ?? stem,
                category: options.category ?? e.category ?? "watchlist", source: options.source ?? name,
                confidence: e.confidence)
        }
        let added = try store.importTags(tags, importedAt: ISO8601DateFormatter().string(from: Date()))
        let known = try store.knownAddresses(Set(tags.map(\.address)))
        return TagImportReport(
            file: path, kind: kind.rawValue, entries: tags.count, added: added, existing: tags.count - added,
            inGraph: known)
    }

    public static func text(_ r: TagImportReport) -> String {
        "\(r.file) (\(r.kind)): \(r.entries) entries, \(r.added) added, \(r.existing) already stored; \(r.inGraph) of these addresses occur in the graph\n"
    }

    public static func json(_ r: TagImportReport) -> JSONValue {
        .object([
            ("file", .string(r.file)), ("kind", .string(r.kind)), ("entries", .int(r.entries)),
            ("added", .int(r.added)), ("existing", .int(r.existing)), ("in_graph", .int(r.inGraph)),
        ])
    }
}
