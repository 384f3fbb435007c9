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
    /// An array of `count` elements made one at a time while the document is written, so a
    /// report's million rows never stand in memory as values at once.
    case rows(count: Int, element: @Sendable (Int) -> JSONValue)

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    package static func int(_ v: Int) -> JSONValue { .int(Int64(v)) }
    package static func optional(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
    package static func optional(_ v: Int?) -> JSONValue { v.map { .int(Int64($0)) } ?? .null }
    package static func optional(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }

    /// Pretty-printed JSON text with two-space indentation and a final newline.
    public func rendered() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 12)
        write(into: &out, indent: 0)
        out.append(0x0a)
        return String(decoding: out, as: UTF8.self)
    }

    /// Written as UTF-8 bytes: a report of a million rows is hundreds of megabytes of JSON, and
    /// appending to a `String` piece by piece cost most of its time.
    private func write(into out: inout [UInt8], indent: Int) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .int(let i): out += String(i).utf8
        case .double(let d): out += (d.isFinite ? String(d) : "null").utf8
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            Self.writeArray(count: items.count, { items[$0] }, into: &out, indent: indent)
        case .rows(let count, let element):
            Self.writeArray(count: count, element, into: &out, indent: indent)
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
                value.write(into: &out, indent: indent + 1)
                out += (i + 1 < fields.count ? ",\n" : "\n").utf8
            }
            Self.indent(indent, &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeArray(
        count: Int, _ element: (Int) -> JSONValue, into out: inout [UInt8], indent: Int
    ) {
        if count == 0 {
            out += "[]".utf8
            return
        }
        out += "[\n".utf8
        for i in 0..<count {
            Self.indent(indent + 1, &out)
            element(i).write(into: &out, indent: indent + 1)
            out += (i + 1 < count ? ",\n" : "\n").utf8
        }
        Self.indent(indent, &out)
        out.append(UInt8(ascii: "]"))
    }

    private static func indent(_ level: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    /// `s` as a JSON string: quotes, backslashes and control characters escaped.
    package static func escape(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s.utf8
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\"".utf8
            case UInt8(ascii: "\\"): out += "\\\\".utf8
            case 0x0a: out += "\\n".utf8
            case 0x0d: out += "\\r".utf8
            case 0x09: out += "\\t".utf8
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                out += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
