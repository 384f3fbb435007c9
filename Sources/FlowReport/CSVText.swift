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

    /// The formula guard of every CSV the project writes (address, query, AML, trace and cluster
    /// reports): a cell a spreadsheet would evaluate — one whose first character, after any
    /// leading whitespace, is `=`, `+`, `-`, `@`, a tab or a carriage return, or their full-width
    /// forms `＝ ＋ － ＠` — is prefixed with `'`. A plain decimal number (`-12`, `-0.5`) is left as
    /// it is: a spreadsheet reads it as the number it is, and amounts stay amounts.
    package static func defused(_ s: String) -> String { isFormulaLike(s) ? "'" + s : s }

    /// Whether `defused` prefixes the cell.
    package static func isFormulaLike(_ s: String) -> Bool {
        guard let lead = s.unicodeScalars.first(where: { !($0.properties.isWhitespace && !triggers($0)) }),
            triggers(lead)
        else { return false }
        return !isPlainNumber(s)
    }

    private static func triggers(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}": return true
        default: return false
        }
    }

    /// `-`? digits, optionally `.` digits: nothing else.
    private static func isPlainNumber(_ s: String) -> Bool {
        var bytes = s.utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { (0x30...0x39).contains($0) } }
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
        // The fast path takes cells that start with a letter or a digit (most of them) whole.
        if plain, let first = s.utf8.first, first.isASCIIAlphanumeric {
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

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
