import FlowModel

/// CSV cells of every CSV the project writes (RFC 4180 quoting; formula-looking text defused).
package enum CSVText {
    /// A field quoted when it holds a comma, quote, CR or LF.
    /// Looked for byte by byte: a CR LF pair inside a cell is one `Character`, equal to neither.
    package static func field(_ s: String) -> String {
        if s.utf8.contains(where: { $0 == 0x2c || $0 == 0x22 || $0 == 0x0a || $0 == 0x0d }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// A cell of any CSV report: defused, then quoted where needed. The one field rule of the
    /// trace, AML, query, address and cluster CSVs.
    package static func cell(_ s: String) -> String { field(defused(s)) }

    /// Untrusted text that a spreadsheet would evaluate as a formula, prefixed with `'`.
    package static func defused(_ s: String) -> String {
        guard let byte = s.utf8.first, "=+@\t\r-".utf8.contains(byte), let first = s.first else { return s }
        if first == "=" || first == "+" || first == "@" || first == "\t" || first == "\r" {
            return "'" + s
        }
        if first == "-", let second = s.dropFirst().first, !second.isNumber { return "'" + s }
        return s
    }
}

/// A CSV document written as UTF-8 bytes cell by cell, each through `CSVText.cell` (a report can
/// have a million rows: no array per row, no string per line).
package struct CSVWriter {
    package private(set) var bytes: [UInt8] = []
    private var inLine = false
    /// Called with what is written so far after a line, when given: it may hand the bytes on and
    /// empty them.
    private let flush: ((inout [UInt8]) throws -> Void)?

    package init(flush: ((inout [UInt8]) throws -> Void)? = nil) { self.flush = flush }

    package mutating func cell(_ s: String) {
        if inLine { bytes.append(UInt8(ascii: ",")) }
        inLine = true
        let plain = !s.utf8.contains { b in
            b == 0x2c || b == 0x22 || b == 0x0a || b == 0x0d
        }
        if plain, let first = s.utf8.first, !"=+-@\t\r".utf8.contains(first) {
            bytes += s.utf8
        } else if !s.isEmpty {
            bytes += CSVText.cell(s).utf8
        }
    }

    package mutating func endLine() throws {
        bytes.append(0x0a)
        inLine = false
        try flush?(&bytes)
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }
}
