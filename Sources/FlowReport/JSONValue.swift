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

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    package static func int(_ v: Int) -> JSONValue { .int(Int64(v)) }
    package static func optional(_ v: Int64?) -> JSONValue { v.map { .int($0) } ?? .null }
    package static func optional(_ v: Int?) -> JSONValue { v.map { .int(Int64($0)) } ?? .null }
    package static func optional(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }

    /// Pretty-printed JSON text with two-space indentation and a final newline.
    public func rendered() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                JSONValue.indent(indent + 1, into: &out)
                item.write(into: &out, indent: indent + 1)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            JSONValue.indent(indent, into: &out)
            out += "]"
        case .object(let fields):
            if fields.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (i, (key, value)) in fields.enumerated() {
                JSONValue.indent(indent + 1, into: &out)
                JSONValue.escape(key, into: &out)
                out += ": "
                value.write(into: &out, indent: indent + 1)
                out += i + 1 < fields.count ? ",\n" : "\n"
            }
            JSONValue.indent(indent, into: &out)
            out += "}"
        }
    }

    /// Two spaces per level, without building a string per line.
    private static let indents = (0..<16).map { String(repeating: "  ", count: $0) }

    private static func indent(_ level: Int, into out: inout String) {
        if level < indents.count {
            out += indents[level]
        } else {
            out += String(repeating: "  ", count: level)
        }
    }

    package static func escape(_ s: String, into out: inout String) {
        out += "\""
        // Most text (ids, amounts, times, names) needs no escape: append it whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
