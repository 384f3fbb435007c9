/// One field of a CSV record: a byte range of the input, and whether it was quoted with
/// doubled quotes inside (then its text needs unescaping).
public struct CSVField: Sendable {
    public var start: Int
    public var end: Int
    public var escaped: Bool
}

/// Why CSV text could not be split into records.
public struct CSVSyntaxError: Error, Sendable, Equatable {
    public var message: String
    public var line: Int
    public var column: Int
}

/// An RFC 4180 record splitter over bytes (commas, optional double quotes with `""` escapes,
/// LF or CRLF line ends, quoted fields may span lines). It allocates nothing per record: fields
/// are ranges into the input, so the transfers-CSV hot path converts only what it stores.
public struct CSVReader {
    public let bytes: UnsafeRawBufferPointer
    /// Byte offset of the next record.
    public private(set) var offset: Int
    /// 1-based line of the next record.
    public private(set) var line: Int
    /// Line the last record returned by `next` started on.
    public private(set) var recordLine: Int = 0
    public var separator: UInt8 = UInt8(ascii: ",")

    public init(bytes: UnsafeRawBufferPointer, offset: Int = 0, line: Int = 1) {
        self.bytes = bytes
        self.offset = offset
        self.line = line
        if offset == 0, bytes.count >= 3, bytes[0] == 0xef, bytes[1] == 0xbb, bytes[2] == 0xbf {
            self.offset = 3  // UTF-8 byte order mark
        }
    }

    /// Reads the next record into `fields` (cleared first); false at the end of input. Blank
    /// lines are skipped.
    public mutating func next(into fields: inout [CSVField]) throws(CSVSyntaxError) -> Bool {
        fields.removeAll(keepingCapacity: true)
        let n = bytes.count
        // Skip blank lines.
        while offset < n && (bytes[offset] == 0x0a || bytes[offset] == 0x0d) {
            if bytes[offset] == 0x0a { line += 1 }
            offset += 1
        }
        if offset >= n { return false }
        recordLine = line
        var i = offset
        var lineStart = i
        while true {
            if i < n && bytes[i] == UInt8(ascii: "\"") {
                let start = i + 1
                // Where the quote opened: an unterminated field is reported there, even after
                // it has swallowed line ends.
                let quoteLine = line
                let quoteColumn = start - lineStart
                i += 1
                var escaped = false
                while true {
                    guard i < n else {
                        throw CSVSyntaxError(
                            message: "unterminated quoted field", line: quoteLine, column: quoteColumn)
                    }
                    let c = bytes[i]
                    if c == UInt8(ascii: "\"") {
                        if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"") {
                            escaped = true
                            i += 2
                            continue
                        }
                        break
                    }
                    if c == 0x0a {
                        line += 1
                        lineStart = i + 1
                    }
                    i += 1
                }
                fields.append(CSVField(start: start, end: i, escaped: escaped))
                i += 1  // closing quote
                if i < n && bytes[i] != separator && bytes[i] != 0x0a && bytes[i] != 0x0d {
                    throw CSVSyntaxError(
                        message: "unexpected text after a closing quote", line: line,
                        column: i - lineStart + 1)
                }
            } else {
                let start = i
                while i < n {
                    let c = bytes[i]
                    if c == separator || c == 0x0a || c == 0x0d { break }
                    i += 1
                }
                fields.append(CSVField(start: start, end: i, escaped: false))
            }
            if i < n && bytes[i] == separator {
                i += 1
                continue
            }
            // End of record: CRLF, LF, CR or end of input.
            if i < n && bytes[i] == 0x0d { i += 1 }
            if i < n && bytes[i] == 0x0a { i += 1 }
            line += 1
            offset = i
            return true
        }
    }

    /// The raw bytes of a field (quotes removed; doubled quotes still doubled when `escaped`).
    @inline(__always)
    public func raw(_ f: CSVField) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[f.start..<f.end])
    }

    /// The field's text, or nil when it is not valid UTF-8.
    public func string(_ f: CSVField) -> String? {
        if !f.escaped { return String(validating: raw(f), as: UTF8.self) }
        var out: [UInt8] = []
        var i = f.start
        while i < f.end {
            out.append(bytes[i])
            i += bytes[i] == UInt8(ascii: "\"") ? 2 : 1
        }
        return String(validating: out, as: UTF8.self)
    }

    /// The field's text with invalid UTF-8 shown as U+FFFD (for error messages).
    public func lossyString(_ f: CSVField) -> String {
        String(decoding: raw(f), as: UTF8.self)
    }
}
