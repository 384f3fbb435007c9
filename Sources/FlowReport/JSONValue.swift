import FlowModel

/// A JSON document built in code, written with keys in the order given, so that output is
/// deterministic and optional fields appear as `null` instead of disappearing.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// An array of `count` objects, each written field by field (`JSONFields`) while the
    /// document is written: a report's million rows never stand in memory as values, and cost
    /// no value per field.
    case rows(count: Int, object: @Sendable (Int, inout JSONFields) -> Void)

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    package static func int(_ v: Int) -> JSONValue { .int(Int64(v)) }
    package static func optional(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
    package static func optional(_ v: Int?) -> JSONValue { v.map { .int(Int64($0)) } ?? .null }
    package static func optional(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }

    /// Pretty-printed JSON text with two-space indentation and a final newline.
    public func rendered() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 12)
        write(into: &out, indent: 0) { _ in }
        out.append(0x0a)
        return String(decoding: out, as: UTF8.self)
    }

    /// The text of `rendered()` handed to `emit` in pieces of about `chunk` bytes, so a document of
    /// hundreds of megabytes never stands in memory whole. The first error `emit` throws stops
    /// the writing and is thrown.
    public func render(chunk: Int = 1 << 20, _ emit: ([UInt8]) throws -> Void) throws {
        var failure: (any Error)?
        var out: [UInt8] = []
        out.reserveCapacity(chunk + (1 << 16))
        write(into: &out, indent: 0) { buffer in
            guard buffer.count >= chunk else { return }
            if failure == nil {
                do { try emit(buffer) } catch { failure = error }
            }
            buffer.removeAll(keepingCapacity: true)
        }
        if let failure { throw failure }
        out.append(0x0a)
        try emit(out)
    }

    fileprivate func write(into out: inout [UInt8], indent: Int) {
        write(into: &out, indent: indent) { _ in }
    }

    /// Written as UTF-8 bytes: a report of a million rows is hundreds of megabytes of JSON, and
    /// appending to a `String` piece by piece cost most of its time.
    /// `flush` is called between array elements with what is written so far.
    private func write(into out: inout [UInt8], indent: Int, flush: (inout [UInt8]) -> Void) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .int(let i): out += String(i).utf8
        case .double(let d): out += (d.isFinite ? String(d) : "null").utf8
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            Self.writeArray(count: items.count, into: &out, indent: indent, flush: flush) { k, out in
                items[k].write(into: &out, indent: indent + 1, flush: flush)
            }
        case .rows(let count, let object):
            Self.writeArray(count: count, into: &out, indent: indent, flush: flush) { k, out in
                var fields = JSONFields(indent: indent + 1)
                swap(&fields.bytes, &out)
                object(k, &fields)
                fields.finish()
                swap(&fields.bytes, &out)
            }
        case .object(let fields):
            if fields.isEmpty {
                out += "{}".utf8
                return
            }
            out += "{\n".utf8
            for (i, (key, value)) in fields.enumerated() {
                Self.indent(indent + 1, &out)
                JSONValue.escape(key, into: &out)
                out += ": ".utf8
                value.write(into: &out, indent: indent + 1, flush: flush)
                out += (i + 1 < fields.count ? ",\n" : "\n").utf8
            }
            Self.indent(indent, &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeArray(
        count: Int, into out: inout [UInt8], indent: Int, flush: (inout [UInt8]) -> Void,
        _ element: (Int, inout [UInt8]) -> Void
    ) {
        if count == 0 {
            out += "[]".utf8
            return
        }
        out += "[\n".utf8
        for i in 0..<count {
            Self.indent(indent + 1, &out)
            element(i, &out)
            out += (i + 1 < count ? ",\n" : "\n").utf8
            flush(&out)
        }
        Self.indent(indent, &out)
        out.append(UInt8(ascii: "]"))
    }

    fileprivate static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 64)

    fileprivate static func indent(_ level: Int, _ out: inout [UInt8]) {
        var n = 2 * level
        while n > 0 {
            let k = Swift.min(n, spaces.count)
            out.append(contentsOf: spaces[0..<k])
            n -= k
        }
    }

    /// `s` as a JSON string: quotes, backslashes and control characters escaped; the runs
    /// between them copied whole. DEL, the C1 controls, the bidi overrides and isolates, U+2028,
    /// U+2029 and U+FEFF (`TerminalText.isActive`) are written as `\uXXXX` too: the same string to
    /// a JSON reader, inert on a terminal.
    package static func escape(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            var i = 0
            while i < utf8.count {
                let byte = utf8[i]
                let escaped: String
                var width = 1
                switch byte {
                case UInt8(ascii: "\""): escaped = "\\\""
                case UInt8(ascii: "\\"): escaped = "\\\\"
                case 0x0a: escaped = "\\n"
                case 0x0d: escaped = "\\r"
                case 0x09: escaped = "\\t"
                case 0..<0x20, 0x7f: escaped = unicodeEscape(UInt32(byte))
                case 0xc2, 0xe2, 0xef:
                    // A multi-byte scalar: only the active ones are escaped.
                    let scalar = activeScalar(utf8, at: i)
                    guard let scalar else {
                        i += 1
                        continue
                    }
                    escaped = unicodeEscape(scalar.value)
                    width = scalar.value < 0x800 ? 2 : 3
                default:
                    i += 1
                    continue
                }
                out.append(contentsOf: utf8[start..<i])
                out += escaped.utf8
                i += width
                start = i
            }
            out.append(contentsOf: utf8[start...])
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func unicodeEscape(_ v: UInt32) -> String {
        let hex = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// The scalar whose UTF-8 starts at `i` when it is one `TerminalText.isActive` names.
    private static func activeScalar(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> Unicode.Scalar? {
        let n = utf8[i] == 0xc2 ? 2 : 3
        guard i + n <= utf8.count else { return nil }
        var v = UInt32(utf8[i] & (n == 2 ? 0x1f : 0x0f))
        for k in 1..<n { v = v << 6 | UInt32(utf8[i + k] & 0x3f) }
        guard let u = Unicode.Scalar(v), TerminalText.isActive(u) else { return nil }
        return u
    }
}

/// One object of `JSONValue.rows`, written field by field in the layout of `JSONValue.object`.
public struct JSONFields {
    fileprivate var bytes: [UInt8] = []
    fileprivate let indent: Int
    private var count = 0

    fileprivate init(indent: Int) { self.indent = indent }

    private mutating func key(_ key: String) {
        bytes += (count == 0 ? "{\n" : ",\n").utf8
        count += 1
        JSONValue.indent(indent + 1, &bytes)
        JSONValue.escape(key, into: &bytes)
        bytes += ": ".utf8
    }

    package mutating func string(_ key: String, _ value: String) {
        self.key(key)
        JSONValue.escape(value, into: &bytes)
    }

    package mutating func int(_ key: String, _ value: Int64) {
        self.key(key)
        bytes += String(value).utf8
    }

    package mutating func value(_ key: String, _ value: JSONValue) {
        self.key(key)
        value.write(into: &bytes, indent: indent + 1)
    }

    fileprivate mutating func finish() {
        if count == 0 {
            bytes += "{}".utf8
            return
        }
        bytes.append(0x0a)
        JSONValue.indent(indent, &bytes)
        bytes.append(UInt8(ascii: "}"))
    }
}
