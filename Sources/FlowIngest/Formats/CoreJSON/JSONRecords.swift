import FlowModel

package import struct Foundation.Data
package import class Foundation.FileManager
package import struct Foundation.URL

/// Where a JSON record is in its file, kept to name the place of a bad value in an error.
public struct JSONLocation: Sendable {
    public var file: String
    /// 1-based line and column where the record starts.
    public var line: Int
    public var column: Int
    /// Byte offset of the record in the file.
    public var offset: Int
    /// 0-based index of the record in the file.
    public var index: Int
    /// The file's bytes and the record's range in them (shared, not copied).
    let source: Data
    let range: Range<Int>

    /// Line and column of the value of `key` in the record: the first `"key": <valueText>` when
    /// the value's text is given and found, else the first `"key"`; nil when the key is not found.
    func locate(key: String, valueText: String?) -> (line: Int, column: Int)? {
        let needle = Array("\"\(key)\"".utf8)
        let value = valueText.map { Array($0.utf8) }
        return source.withUnsafeBytes { (all: UnsafeRawBufferPointer) -> (Int, Int)? in
            let bytes = all[range]
            var firstKey: Int?
            var found: Int?
            var i = bytes.startIndex
            while i + needle.count <= bytes.endIndex {
                if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) {
                    var j = i + needle.count
                    while j < bytes.endIndex, Self.isSpace(bytes[j]) || bytes[j] == UInt8(ascii: ":") {
                        j += 1
                    }
                    if firstKey == nil { firstKey = j }
                    if let value {
                        if j + value.count <= bytes.endIndex
                            && bytes[j..<(j + value.count)].elementsEqual(value)
                        {
                            found = j
                            break
                        }
                    } else {
                        break
                    }
                    i = j
                } else {
                    i += 1
                }
            }
            guard let at = found ?? firstKey else { return nil }
            var line = self.line
            var lineStart = range.lowerBound - (self.column - 1)
            for k in range.lowerBound..<at where all[k] == 0x0a {
                line += 1
                lineStart = k + 1
            }
            return (line, at - lineStart + 1)
        }
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 }

    /// An error about the value at `field` (a path such as `tx[3].vout[1].value`), located at
    /// `key` (the path's last name) when it can be found in the record's text.
    package func error(
        _ message: String, field: String?, key: String? = nil, valueText: String? = nil,
        code: IngestError.Code = .badValue
    ) -> IngestError {
        let place = key.flatMap { locate(key: $0, valueText: valueText) }
        return IngestError(
            code, message, file: file, line: place?.line ?? line, column: place?.column ?? column,
            field: field)
    }
}

/// One JSON value of an input file: a top-level object, an element of a top-level array, or one
/// line of a JSON-lines file.
public struct JSONRecord: Sendable {
    public var node: JSONNode
    public var location: JSONLocation
}

/// Reads the JSON records of a file one at a time: one object (pretty-printed or not), several
/// objects one after another, JSON lines, or a top-level array of objects (each element is a
/// record). Numbers keep their text (`JSONParser`). Syntax errors name the file, line and column.
public struct JSONRecordReader {
    public let path: String
    let data: Data
    private var position = 0
    private var line = 1
    private var lineStart = 0
    private var index = 0
    /// Inside a top-level array: the next element may follow a comma.
    private var inArray = false
    private var arrayElements = 0
    /// One record per line (decided after the first record: it started and ended on one line).
    private var linesMode: Bool?

    /// Memory-maps `path` (no copy).
    public init(path: String) throws(IngestError) {
        let loaded: Data
        do {
            guard FileManager.default.fileExists(atPath: path) else {
                throw IngestError(.missingFile, "no such file", file: path)
            }
            loaded = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch let error as IngestError {
            throw error
        } catch {
            throw IngestError(.io, FileProblem.describe(error, path: path, writing: false), file: path)
        }
        self.init(path: path, data: loaded)
    }

    /// Reads records from `data` as if it were the file `path`.
    package init(path: String, data: Data) {
        self.path = path
        self.data = data
    }

    public var bytesTotal: Int { data.count }
    /// Bytes consumed so far (for progress).
    public var bytesRead: Int { position }

    /// The next record, or nil at the end of the file.
    public mutating func next() throws(IngestError) -> JSONRecord? {
        let result: Result<JSONRecord?, IngestError> = data.withUnsafeBytes { raw in
            Result { () throws(IngestError) in try nextRecord(raw) }
        }
        return try result.get()
    }

    private func syntax(_ message: String, line: Int, column: Int) -> IngestError {
        IngestError(.badValue, "JSON syntax error: \(message)", file: path, line: line, column: column)
    }

    private func describe(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7f ? "'\(Character(UnicodeScalar(c)))'" : "byte 0x\(String(c, radix: 16))"
    }

    private mutating func skipSpace(_ bytes: UnsafeRawBufferPointer) {
        while position < bytes.count {
            let c = bytes[position]
            if c == 0x0a {
                line += 1
                lineStart = position + 1
            } else if !JSONLocation.isSpace(c) {
                return
            }
            position += 1
        }
    }

    private mutating func nextRecord(_ bytes: UnsafeRawBufferPointer) throws(IngestError) -> JSONRecord? {
        while true {
            // A UTF-8 byte order mark at the start is skipped.
            if position == 0 && bytes.count >= 3 && bytes[0] == 0xef && bytes[1] == 0xbb && bytes[2] == 0xbf {
                position = 3
                lineStart = 3
            }
            skipSpace(bytes)
            guard position < bytes.count else {
                if inArray {
                    throw syntax(
                        "unterminated array: expected ']' at the end of the file", line: line,
                        column: position - lineStart + 1)
                }
                return nil
            }
            let c = bytes[position]
            if inArray {
                if c == UInt8(ascii: "]") {
                    inArray = false
                    position += 1
                    continue
                }
                if arrayElements > 0 {
                    guard c == UInt8(ascii: ",") else {
                        throw syntax(
                            "expected ',' or ']' after an array element, found \(describe(c))", line: line,
                            column: position - lineStart + 1)
                    }
                    position += 1
                    skipSpace(bytes)
                    guard position < bytes.count else { continue }
                }
            } else if c == UInt8(ascii: "[") {
                inArray = true
                arrayElements = 0
                position += 1
                continue
            }
            return try record(bytes)
        }
    }

    /// Scans the value at `position` (an object), parses it and advances past it.
    private mutating func record(_ bytes: UnsafeRawBufferPointer) throws(IngestError) -> JSONRecord {
        let start = position
        let startLine = line
        let startColumn = position - lineStart + 1
        let c = bytes[start]
        guard c == UInt8(ascii: "{") else {
            throw syntax(
                "expected a JSON object (a block or a transaction), found \(describe(c))", line: line,
                column: startColumn)
        }
        var end: Int
        if linesMode == true && !inArray {
            // One record per line: the line is the record, so a broken line is reported as itself.
            end = start
            while end < bytes.count && bytes[end] != 0x0a { end += 1 }
        } else {
            end = Self.endOfValue(bytes, from: start) ?? bytes.count
        }
        var newlines = 0
        var lastNewline = -1
        for k in start..<end where bytes[k] == 0x0a {
            newlines += 1
            lastNewline = k
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        let node: JSONNode
        do {
            node = try JSONParser.parse(slice, line: startLine)
        } catch {
            // Columns on the record's first line are relative to the record's start.
            let column = error.line == startLine ? error.column + startColumn - 1 : error.column
            throw syntax(error.message, line: error.line, column: column)
        }
        if linesMode == nil && !inArray {
            // JSON lines: the first record fills its line, up to a newline or the end of the file.
            var k = end
            while k < bytes.count, bytes[k] == 0x20 || bytes[k] == 0x09 || bytes[k] == 0x0d { k += 1 }
            linesMode = newlines == 0 && (k == bytes.count || bytes[k] == 0x0a)
        }
        position = end
        line += newlines
        if lastNewline >= 0 { lineStart = lastNewline + 1 }
        let location = JSONLocation(
            file: path, line: startLine, column: startColumn, offset: start, index: index, source: data,
            range: start..<end)
        index += 1
        if inArray { arrayElements += 1 }
        return JSONRecord(node: node, location: location)
    }

    /// The index just past the object or array starting at `start`, or nil when the input ends
    /// first (the parser then reports what is missing).
    static func endOfValue(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var depth = 0
        var end: Int?
        forEachBracket(bytes, start..<bytes.count) { i, opens in
            depth += opens ? 1 : -1
            if depth == 0 { end = i + 1 }
            return depth != 0
        }
        return end
    }

    /// Calls `body` for each `{`, `[` (`opens` true), `}` and `]` of `range` outside strings,
    /// with its offset, until `body` returns false.
    static func forEachBracket(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ body: (Int, _ opens: Bool) -> Bool
    ) {
        var i = range.lowerBound
        var inString = false
        while i < range.upperBound {
            let c = bytes[i]
            if inString {
                if c == UInt8(ascii: "\\") {
                    i += 1
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                if !body(i, true) { return }
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                if !body(i, false) { return }
            }
            i += 1
        }
    }
}
