import Crypto

package import struct Foundation.Data
package import class Foundation.FileManager
package import struct Foundation.URL

/// The text syntax of an ethereum-etl export: CSV with a header, or JSON lines (one object per
/// line), as `ethereumetl export_* --output x.csv|x.json` writes them.
public enum ETLSyntax: String, Sendable {
    case csv
    case jsonLines = "json"
}

/// A column of an export, resolved once per file: the CSV field index (nil when the header
/// lacks it) or the JSON key.
public struct ETLColumn: Sendable {
    public let name: String
    let index: Int?
}

/// One ethereum-etl file, memory-mapped, with its CSV header parsed.
///
/// Rows are read with `forEachRow(from:_:)`, which can start at a byte offset (the resume point
/// an interrupted run stored) and reports each row's 1-based line and end offset.
public struct ETLTable: Sendable {
    public let path: String
    public let syntax: ETLSyntax
    package let data: Data
    /// CSV column names (trimmed, lower case); empty for JSON lines.
    public let header: [String]
    /// Byte offset of the first data row (after a CSV header).
    public let dataOffset: Int
    private let columnIndex: [String: Int]

    /// Maps the file at `path` into memory and reads its CSV header.
    public static func open(path: String) throws(IngestError) -> ETLTable {
        let data = try InputFile.map(path)
        return try ETLTable(path: path, data: data)
    }

    /// A table over bytes already in memory (`path` names it in errors).
    public init(path: String, bytes: [UInt8]) throws(IngestError) {
        try self.init(path: path, data: Data(bytes))
    }

    package init(path: String, data: Data) throws(IngestError) {
        self.path = path
        self.data = data
        let first = data.first {
            $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 && $0 != 0xef && $0 != 0xbb && $0 != 0xbf
        }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            syntax = .jsonLines
            header = []
            dataOffset = 0
            columnIndex = [:]
            return
        }
        syntax = .csv
        var names: [String] = []
        var offset = 0
        let result = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<Void, IngestError> in
            var reader = CSVReader(bytes: raw)
            var fields: [CSVField] = []
            do throws(CSVSyntaxError) {
                guard try reader.next(into: &fields) else { return .success(()) }
            } catch {
                return .failure(
                    IngestError(
                        .badValue, "CSV syntax error in the header: \(error.message)", file: path,
                        line: error.line, column: error.column))
            }
            names = fields.map {
                var name = Substring(reader.lossyString($0))
                while let c = name.first, c == " " || c == "\t" || c == "\"" { name = name.dropFirst() }
                while let c = name.last, c == " " || c == "\t" || c == "\"" { name = name.dropLast() }
                return name.lowercased()
            }
            offset = reader.offset
            return .success(())
        }
        if case .failure(let error) = result { throw error }
        header = names
        dataOffset = offset
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        columnIndex = index
    }

    /// File size in bytes.
    public var size: Int { data.count }

    /// True when the file holds no rows at all (empty, or a CSV header only).
    public var isEmpty: Bool {
        data.dropFirst(dataOffset).allSatisfy { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }
    }

    /// SHA-256 of the whole content: the file's identity in the `sources` table.
    public func fingerprint() -> [UInt8] {
        data.withUnsafeBytes { Array(SHA256.hash(data: $0)) }
    }

    /// The column `name` (lower case). For CSV, `index` is nil when the header lacks it.
    public func column(_ name: String) -> ETLColumn {
        ETLColumn(name: name, index: columnIndex[name])
    }

    /// True when the CSV header has `name`; for JSON lines, whether the first object has the key.
    public func hasColumn(_ name: String) -> Bool {
        switch syntax {
        case .csv: return columnIndex[name] != nil
        case .jsonLines: return firstObjectKeys.contains(name)
        }
    }

    /// The keys of the first JSON object (an empty list when there is none or it does not parse).
    public var firstObjectKeys: [String] {
        let end = data.firstIndex(of: 0x0a) ?? data.endIndex
        return (try? JSONParser.parse(data[data.startIndex..<end]))?.keys ?? []
    }

    /// Fails unless the CSV header has every column in `names` (JSON lines are checked per
    /// row, as each object names its own keys).
    public func require(_ names: [String]) throws(IngestError) {
        guard syntax == .csv, !header.isEmpty else { return }
        for name in names where columnIndex[name] == nil {
            throw IngestError(
                .badValue,
                "missing column '\(name)'; the header has: \(header.joined(separator: ","))",
                file: path, line: 1, field: name)
        }
    }

    /// Calls `body` for each row from byte `offset` (at least `dataOffset`; a row boundary an
    /// earlier run stored) to the end. The row is only valid during the call.
    public func forEachRow(from offset: Int = 0, _ body: (ETLRow) throws -> Void) throws {
        let start = max(offset, dataOffset)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Void in
            var line = 1
            for k in 0..<min(start, raw.count) where raw[k] == 0x0a { line += 1 }
            switch syntax {
            case .csv: try csvRows(raw, start: start, line: line, body)
            case .jsonLines: try jsonRows(raw, start: start, line: line, body)
            }
        }
    }

    private func csvRows(
        _ raw: UnsafeRawBufferPointer, start: Int, line: Int, _ body: (ETLRow) throws -> Void
    ) throws {
        var reader = CSVReader(bytes: raw, offset: start, line: line)
        var fields: [CSVField] = []
        fields.reserveCapacity(header.count)
        while true {
            let recordStart = reader.offset
            do throws(CSVSyntaxError) {
                guard try reader.next(into: &fields) else { return }
            } catch {
                throw IngestError(
                    .badValue, "CSV syntax error: \(error.message)", file: path, line: error.line,
                    column: error.column)
            }
            // The record may start after blank lines: find where its first field begins.
            var first = recordStart
            while first < raw.count, raw[first] == 0x0a || raw[first] == 0x0d { first += 1 }
            let row = ETLRow(
                table: self, bytes: raw, line: reader.recordLine, start: first, endOffset: reader.offset,
                fields: fields, json: nil)
            if fields.count != header.count {
                throw IngestError(
                    .badValue,
                    "the row has \(fields.count) fields, the header has \(header.count)",
                    file: path, line: reader.recordLine, column: 1)
            }
            try body(row)
        }
    }

    private func jsonRows(
        _ raw: UnsafeRawBufferPointer, start: Int, line startLine: Int, _ body: (ETLRow) throws -> Void
    ) throws {
        var i = start
        var line = startLine
        let n = raw.count
        while i < n {
            var end = i
            while end < n, raw[end] != 0x0a { end += 1 }
            let next = min(end + 1, n)
            var stop = end
            if stop > i, raw[stop - 1] == 0x0d { stop -= 1 }
            var lead = i
            while lead < stop, raw[lead] == 0x20 || raw[lead] == 0x09 { lead += 1 }
            if lead == i, stop - i >= 3, raw[i] == 0xef, raw[i + 1] == 0xbb, raw[i + 2] == 0xbf { lead += 3 }
            if lead < stop {
                let text = UnsafeRawBufferPointer(rebasing: raw[lead..<stop])
                let node: JSONNode
                do throws(JSONSyntaxError) {
                    node = try JSONParser.parse(text, line: line)
                } catch {
                    throw IngestError(
                        .badValue,
                        "JSON syntax error: \(error.message) (ethereum-etl JSON files hold one object per line)",
                        file: path, line: error.line,
                        column: error.line == line ? error.column + (lead - i) : error.column)
                }
                guard case .object = node else {
                    throw IngestError(
                        .badValue, "expected one JSON object per line, found \(describe(node))", file: path,
                        line: line, column: lead - i + 1)
                }
                try body(
                    ETLRow(
                        table: self, bytes: raw, line: line, start: i, endOffset: next, fields: [], json: node
                    ))
            }
            i = next
            line += 1
        }
    }

    private func describe(_ node: JSONNode) -> String {
        switch node {
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        case .object: "an object"
        }
    }
}

/// One row of an ethereum-etl export (a CSV record or a JSON object), valid during the
/// `forEachRow` call that produced it.
public struct ETLRow {
    let table: ETLTable
    let bytes: UnsafeRawBufferPointer
    /// 1-based line where the row starts.
    public let line: Int
    let start: Int
    /// Byte offset just after the row (its line end included): where a resumed run continues.
    public let endOffset: Int
    let fields: [CSVField]
    let json: JSONNode?

    /// The value of `column`: nil when it is empty, JSON null, or an optional column the file
    /// does not have. Numbers come back as their exact text.
    public func text(_ column: ETLColumn) throws(IngestError) -> String? {
        if let json {
            guard let value = json[column.name] else { return nil }
            switch value {
            case .null: return nil
            case .string(let s): return s.isEmpty ? nil : s
            case .number(let t): return t
            case .bool(let b): return b ? "true" : "false"
            case .array, .object:
                throw error(
                    column, "\(column.name) is \(value.isArray ? "an array" : "an object"), expected a value")
            }
        }
        guard let index = column.index else { return nil }
        let f = fields[index]
        if f.start == f.end { return nil }
        var s = f.start
        while s < f.end, bytes[s] == 0x20 { s += 1 }
        if s == f.end { return nil }
        guard let text = CSVReader(bytes: bytes, offset: 0, line: 1).string(f) else {
            throw error(column, "\(column.name) is not valid UTF-8")
        }
        return text.utf8.first == 0x20 || text.utf8.last == 0x20 ? trimmed(text) : text
    }

    /// The value of a column the row must have (present and not empty).
    public func required(_ column: ETLColumn) throws(IngestError) -> String {
        if let json, json[column.name] == nil {
            throw error(column, "missing key '\(column.name)'", atColumn: false)
        }
        if json == nil, column.index == nil {
            throw IngestError(
                .badValue,
                "missing column '\(column.name)'; the header has: \(table.header.joined(separator: ","))",
                file: table.path, line: 1, field: column.name)
        }
        guard let text = try text(column) else { throw error(column, "\(column.name) is empty") }
        return text
    }

    /// The JSON value of `column` (JSON lines), or the CSV text parsed as JSON (`withdrawals`,
    /// whose CSV form is objects separated by commas, is read as an array).
    public func jsonValue(_ column: ETLColumn) throws(IngestError) -> JSONNode? {
        if let json { return json[column.name] }
        guard let text = try text(column) else { return nil }
        let wrapped = text.hasPrefix("[") ? text : "[" + text + "]"
        do {
            return try JSONParser.parse(Array(wrapped.utf8))
        } catch {
            throw self.error(column, "\(column.name) is not JSON: \(error.message) in \(quoted(text))")
        }
    }

    /// An error about the value of `column` in this row: file, line, column and field.
    public func error(_ column: ETLColumn, _ message: String, atColumn: Bool = true) -> IngestError {
        let (line, col) = atColumn ? location(of: column) : (self.line, nil)
        return IngestError(.badValue, message, file: table.path, line: line, column: col, field: column.name)
    }

    /// Line and 1-based column where `column`'s value starts.
    func location(of column: ETLColumn) -> (Int, Int?) {
        if json != nil {
            // Find `"name"` followed by ':' on this line.
            var end = start
            while end < bytes.count, bytes[end] != 0x0a { end += 1 }
            let key = Array("\"\(column.name)\"".utf8)
            var i = start
            while i + key.count <= end {
                if bytes[i] == key[0], (0..<key.count).allSatisfy({ bytes[i + $0] == key[$0] }) {
                    var j = i + key.count
                    while j < end, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                    if j < end, bytes[j] == UInt8(ascii: ":") {
                        j += 1
                        while j < end, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
                        return (line, j - start + 1)
                    }
                }
                i += 1
            }
            return (line, nil)
        }
        guard let index = column.index, index < fields.count else { return (line, nil) }
        var at = fields[index].start
        if at > start, bytes[at - 1] == UInt8(ascii: "\"") { at -= 1 }
        var l = line
        var lineStart = start
        for k in start..<at where bytes[k] == 0x0a {
            l += 1
            lineStart = k + 1
        }
        return (l, at - lineStart + 1)
    }

    private func trimmed(_ s: String) -> String {
        var t = Substring(s)
        while t.first == " " { t = t.dropFirst() }
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }
}

extension JSONNode {
    fileprivate var isArray: Bool { if case .array = self { true } else { false } }
}
