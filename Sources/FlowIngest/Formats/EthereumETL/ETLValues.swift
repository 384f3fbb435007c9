public import FlowModel

/// Parsers for the value types of ethereum-etl exports. Each returns nil for text that is not
/// exactly the expected shape; callers turn nil into an `IngestError` that quotes the text.
public enum ETLValue {
    /// An account address: `0x` and 40 hex digits (any case; checksummed addresses are accepted).
    /// Returns the canonical lower-case text.
    public static func address(_ text: String) -> String? {
        canonicalHex(text, digits: 40)
    }

    /// A transaction (or block) hash: `0x` and 64 hex digits, returned in lower case.
    public static func hash(_ text: String) -> String? {
        canonicalHex(text, digits: 64)
    }

    /// A log topic: `0x` and 64 hex digits, as a 256-bit number.
    public static func topic(_ text: String) -> UInt256? {
        guard let h = canonicalHex(text, digits: 64), let bytes = Hex.decode(h.dropFirst(2)) else {
            return nil
        }
        return UInt256(bigEndianBytes: bytes)
    }

    /// `0x` and an even number of hex digits (`0x` alone: no bytes).
    public static func data(_ text: String) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
            utf8.dropFirst().first == UInt8(ascii: "x") || utf8.dropFirst().first == UInt8(ascii: "X")
        else { return nil }
        return Hex.decode(text.dropFirst(2))
    }

    /// The 20 bytes of a canonical address (as returned by `address`).
    public static func addressBytes(_ canonical: String) -> [UInt8] {
        Hex.decode(canonical.dropFirst(2)) ?? []
    }

    static func canonicalHex(_ text: String, digits: Int) -> String? {
        var upper = false
        var i = 0
        for c in text.utf8 {
            switch i {
            case 0: guard c == UInt8(ascii: "0") else { return nil }
            case 1:
                guard c == UInt8(ascii: "x") || c == UInt8(ascii: "X") else { return nil }
                upper = upper || c == UInt8(ascii: "X")
            default:
                guard i < digits + 2, Hex.nibble(c) != nil else { return nil }
                upper = upper || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "F"))
            }
            i += 1
        }
        guard i == digits + 2 else { return nil }
        if !upper { return text }
        // Lower-case hex digits (ASCII letters only, so setting bit 5 is enough).
        return String(decoding: text.utf8.map { $0 >= UInt8(ascii: "A") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// An unsigned integer quantity: decimal digits, or `0x` hex as JSON-RPC writes quantities.
    /// Exact up to 2^256 - 1.
    public static func quantity(_ text: String) -> UInt256? {
        let utf8 = text.utf8
        guard let first = utf8.first else { return nil }
        if first == UInt8(ascii: "0"), utf8.count > 2,
            utf8.dropFirst().first == UInt8(ascii: "x") || utf8.dropFirst().first == UInt8(ascii: "X")
        {
            var v = UInt256.zero
            for c in utf8.dropFirst(2) {
                guard let d = Hex.nibble(c),
                    let next = v.multipliedReportingOverflow(by: 16, adding: UInt64(d))
                else { return nil }
                v = next
            }
            return v
        }
        // Up to 19 digits fit in 64 bits: no big arithmetic.
        if utf8.count <= 19 {
            var v: UInt64 = 0
            for c in utf8 {
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + UInt64(c - 0x30)
            }
            return UInt256(v)
        }
        guard utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt256(decimal: text)
    }

    /// A non-negative integer below 2^63 (block numbers, indexes, gas), decimal or `0x` hex.
    public static func integer(_ text: String) -> Int64? {
        guard let v = quantity(text), let small = v.uint64, small <= UInt64(Int64.max) else { return nil }
        return Int64(small)
    }

    /// A block time: Unix seconds (`1446561880`), or a UTC date and time as BigQuery and
    /// ISO-8601 write it: `2015-11-03 14:44:40 UTC`, `2015-11-03T14:44:40Z`,
    /// `2015-11-03 14:44:40+00:00` (fractions of a second are dropped; other offsets are
    /// applied).
    public static func time(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        if !b.isEmpty, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            return b.count <= 12 ? Int64(text) : nil
        }
        func num(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for k in at..<(at + n) {
                guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        guard b.count >= 19, let year = num(0, 4), b[4] == UInt8(ascii: "-"), let month = num(5, 2),
            b[7] == UInt8(ascii: "-"), let day = num(8, 2),
            b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "T"), let hour = num(11, 2),
            b[13] == UInt8(ascii: ":"), let minute = num(14, 2), b[16] == UInt8(ascii: ":"),
            let second = num(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= TimeParser.daysIn(month: month, year: year),
            hour < 24,
            minute < 60, second < 61
        else { return nil }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            if i == start { return nil }
        }
        var offset = 0
        let rest = String(decoding: b[i...], as: UTF8.self)
        switch rest {
        case "", "Z", " UTC", "UTC", " Z", "+00:00", " +00:00", "+0000":
            offset = 0
        default:
            var r = Array(rest.utf8)[...]
            if r.first == UInt8(ascii: " ") { r = r.dropFirst() }
            guard r.count == 6, r.first == UInt8(ascii: "+") || r.first == UInt8(ascii: "-"),
                r[r.startIndex + 3] == UInt8(ascii: ":")
            else { return nil }
            let digits = Array(r)
            guard let hh = Int(String(decoding: digits[1..<3], as: UTF8.self)),
                let mm = Int(String(decoding: digits[4..<6], as: UTF8.self)), hh < 24, mm < 60
            else { return nil }
            offset = (hh * 3600 + mm * 60) * (digits[0] == UInt8(ascii: "-") ? -1 : 1)
        }
        let days = TimeParser.daysFromCivil(year: year, month: month, day: day)
        return Int64(days * 86400 + hour * 3600 + minute * 60 + min(second, 59) - offset)
    }

    /// A trace address: indexes separated by commas (`0,1,3`, as in ethereum-etl's CSV), with or
    /// without brackets (`[0, 1, 3]`); empty for the top-level call.
    public static func traceAddress(_ text: String) -> [Int]? {
        var t = Substring(text)
        if t.first == "[" && t.last == "]" { t = t.dropFirst().dropLast() }
        if t.allSatisfy({ $0 == " " }) { return [] }
        var out: [Int] = []
        for part in t.split(separator: ",", omittingEmptySubsequences: false) {
            let p = part.trimmingSpaces
            guard !p.isEmpty, p.count <= 9, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p) else {
                return nil
            }
            out.append(v)
        }
        return out
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}

/// A 32-byte hash as a compact dictionary key (a transaction hash in lookups).
public struct ETHHashKey: Hashable, Sendable {
    public var w0: UInt64
    public var w1: UInt64
    public var w2: UInt64
    public var w3: UInt64

    /// From `0x` and 64 hex digits (any case); nil otherwise.
    public init?(_ text: String) {
        let utf8 = text.utf8
        guard utf8.count == 66 else { return nil }
        var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var k = -2
        for c in utf8 {
            if k == -2 {
                guard c == UInt8(ascii: "0") else { return nil }
            } else if k == -1 {
                guard c == UInt8(ascii: "x") || c == UInt8(ascii: "X") else { return nil }
            } else {
                guard let d = Hex.nibble(c) else { return nil }
                switch k / 16 {
                case 0: w.0 = w.0 << 4 | UInt64(d)
                case 1: w.1 = w.1 << 4 | UInt64(d)
                case 2: w.2 = w.2 << 4 | UInt64(d)
                default: w.3 = w.3 << 4 | UInt64(d)
                }
            }
            k += 1
        }
        (w0, w1, w2, w3) = w
    }
}
