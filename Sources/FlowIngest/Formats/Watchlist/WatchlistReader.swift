public import FlowModel
import Foundation

/// One tag read from a watchlist file (before it is stored).
public struct WatchlistEntry: Sendable, Equatable {
    public var address: String
    public var label: String?
    public var category: String?
    public var confidence: Double?
    public var line: Int
}

/// Reads watchlists and label files:
/// - one address per line (the OFAC lists; `#` comments and blank lines skipped);
/// - CSV `address,label,category[,confidence]`, with or without that header, RFC 4180 quoting;
/// lines end in LF or CRLF, a UTF-8 byte-order mark is skipped; a file without a single address is
/// an error;
/// - JSON: an array of addresses, or of objects with `address`, `label`, `category`,
///   `confidence`.
/// Hex (`0x…`) and bech32 addresses are lowercased so that they match the stored form.
public enum WatchlistReader {
    public enum Kind: String, Sendable { case lines, csv, json }

    /// The longest line a watchlist or label file may have (a JSON watchlist on one line too).
    public static let maxLineBytes = 64 << 20

    public static func read(path: String) throws(IngestError) -> (kind: Kind, entries: [WatchlistEntry]) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw IngestError(
                .badValue, "is a folder; give the watchlist files in it (e.g. \(path)/*.txt)", file: path)
        }
        let data = try InputFile.map(path)
        // A watchlist line is an address with a label: at most `maxLineBytes`.
        try InputFile.checkLineLengths(data, limit: maxLineBytes, path: path, what: "watchlist entry")
        return try parse(path: path, bytes: [UInt8](data))
    }

    public static func parse(path: String, bytes input: [UInt8]) throws(IngestError) -> (
        kind: Kind, entries: [WatchlistEntry]
    ) {
        var bytes = input[...]
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes = bytes.dropFirst(3) }
        if let encoding = TextEncoding.utf16(bytes) {
            throw IngestError(.badValue, TextEncoding.utf16Message(encoding, file: path), file: path)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let bad = (try? firstInvalidUTF8Line(Array(bytes))) ?? 1
            throw IngestError(.badValue, "not UTF-8 text", file: path, line: bad)
        }
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "[" || trimmed.first == "{" {
            return (.json, try parseJSON(path: path, bytes: Array(bytes)))
        }
        let all = Array(bytes)
        let read: Result<(Kind, [WatchlistEntry]), IngestError> = all.withUnsafeBytes { raw in
            do {
                return .success(try records(path: path, raw: raw))
            } catch let e as IngestError {
                return .failure(e)
            } catch {
                return .failure(IngestError(.badValue, "\(error)", file: path))
            }
        }
        let (kind, entries) = try read.get()
        if entries.isEmpty {
            throw IngestError(
                .truncated,
                "no addresses in this file: expected one address per line, CSV address[,label,category[,confidence]] or a JSON array",
                file: path, line: 1)
        }
        return (kind, entries)
    }

    /// The entries of a lines or CSV watchlist: RFC 4180 records read by the project's
    /// `CSVReader` over the whole file, so a quoted field keeps its commas (`"Hal, Finney"`) and
    /// line breaks; a line that starts with `#` (a comment) or is blank is skipped.
    static func records(path: String, raw: UnsafeRawBufferPointer) throws -> (Kind, [WatchlistEntry]) {
        var entries: [WatchlistEntry] = []
        var kind = Kind.lines
        var fieldBuffer: [CSVField] = []
        var offset = 0
        var lineNumber = 1
        while offset < raw.count {
            var lineEnd = offset
            while lineEnd < raw.count && raw[lineEnd] != 0x0a { lineEnd += 1 }
            let lineText = String(
                decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<lineEnd]), as: UTF8.self
            )
            .trimmingCharacters(in: .whitespacesAndNewlines)
            if lineText.isEmpty || lineText.hasPrefix("#") {
                offset = lineEnd + 1
                lineNumber += 1
                continue
            }
            var reader = CSVReader(bytes: raw, offset: offset, line: lineNumber)
            do throws(CSVSyntaxError) {
                guard try reader.next(into: &fieldBuffer) else { break }
            } catch {
                throw IngestError(
                    .badValue, error.message, file: path, line: error.line, column: error.column)
            }
            let fields = fieldBuffer.map {
                (reader.string($0) ?? reader.lossyString($0)).trimmingCharacters(in: .whitespaces)
            }
            let line = reader.recordLine
            offset = reader.offset
            lineNumber = reader.line
            if fields.isEmpty { continue }
            if fields.count > 1 { kind = .csv }
            if fields[0].lowercased() == "address" && entries.isEmpty { continue }  // header
            if fields.count > 4 {
                throw IngestError(
                    .badValue,
                    "expected address[,label,category[,confidence]], found \(fields.count) columns",
                    file: path, line: line)
            }
            let address = try checkAddress(fields[0], path: path, line: line, column: 1)
            var confidence: Double?
            if fields.count == 4, !fields[3].isEmpty {
                guard let c = Double(fields[3]), c >= 0, c <= 1 else {
                    throw IngestError(
                        .badValue, "confidence must be a number from 0 to 1, found \(quoted(fields[3]))",
                        file: path, line: line, column: 4, field: "confidence")
                }
                confidence = c
            }
            entries.append(
                WatchlistEntry(
                    address: address, label: fields.count > 1 && !fields[1].isEmpty ? fields[1] : nil,
                    category: fields.count > 2 && !fields[2].isEmpty ? fields[2] : nil,
                    confidence: confidence, line: line))
        }
        return (kind, entries)
    }

    static func parseJSON(path: String, bytes: [UInt8]) throws(IngestError) -> [WatchlistEntry] {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw IngestError(
                .badValue, "JSON syntax error: \(error.message)", file: path, line: error.line,
                column: error.column)
        }
        let items: [JSONNode]
        if let array = root.array {
            items = array
        } else if let array = root["addresses"]?.array ?? root["tags"]?.array {
            items = array
        } else {
            throw IngestError(
                .badValue, "expected a JSON array of addresses or of {\"address\": …} objects", file: path)
        }
        var entries: [WatchlistEntry] = []
        for (i, item) in items.enumerated() {
            let field = "[\(i)]"
            if let s = item.string {
                entries.append(
                    WatchlistEntry(
                        address: try checkAddress(s, path: path, line: nil, column: nil, field: field),
                        label: nil,
                        category: nil, confidence: nil, line: 0))
                continue
            }
            guard let address = item["address"]?.string else {
                throw IngestError(.badValue, "entry \(i) has no \"address\" string", file: path, field: field)
            }
            var confidence: Double?
            if let c = item["confidence"], !c.isNull {
                guard let text = c.numberText, let v = Double(text), v >= 0, v <= 1 else {
                    throw IngestError(
                        .badValue, "confidence must be a number from 0 to 1", file: path,
                        field: "\(field).confidence")
                }
                confidence = v
            }
            entries.append(
                WatchlistEntry(
                    address: try checkAddress(
                        address, path: path, line: nil, column: nil, field: "\(field).address"),
                    label: item["label"]?.string, category: item["category"]?.string, confidence: confidence,
                    line: 0))
        }
        return entries
    }

    /// Rejects text that cannot be an address (empty, spaces, control characters, over 128
    /// characters) and normalises case where the encoding is case-insensitive.
    static func checkAddress(
        _ text: String, path: String, line: Int?, column: Int?, field: String = "address"
    ) throws(IngestError) -> String {
        guard !text.isEmpty, text.count <= 128,
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
        else {
            throw IngestError(
                .badValue, "not an address: \(quoted(text))", file: path, line: line, column: column,
                field: field)
        }
        let lower = text.lowercased()
        if lower.hasPrefix("0x") { return lower }
        for hrp in ["bc1", "tb1", "bcrt1"]
        where lower.hasPrefix(hrp) && (text == lower || text == text.uppercased()) {
            return lower
        }
        return text
    }

    static func firstInvalidUTF8Line(_ bytes: [UInt8]) throws -> Int {
        var line = 1
        for l in bytes.split(separator: 0x0a, omittingEmptySubsequences: false) {
            if String(validating: l, as: UTF8.self) == nil { return line }
            line += 1
        }
        return line
    }
}

extension WatchlistReader {
    /// The category of entries that name none when the import gives none.
    public static let defaultCategory = "watchlist"

    /// The default source and label of a file's tags: its name without extension, so a list
    /// imported as .txt and as .json is one source.
    public static func stem(of path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    /// The tags `entries` become (`chainflow tags import`): each entry's own label, else `label`;
    /// `category` when the import gives one, else the entry's, else `defaultCategory`; the
    /// entry's confidence; all from `source`.
    public static func tags(_ entries: [WatchlistEntry], source: String, label: String, category: String?)
        -> [TagRecord]
    {
        entries.map { e in
            TagRecord(
                address: e.address, label: e.label ?? label,
                category: category ?? e.category ?? defaultCategory,
                source: source, confidence: e.confidence)
        }
    }
}
