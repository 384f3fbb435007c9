import FlowModel

/// Typed access to the members of one JSON object of a record, with errors that name the file,
/// the line and column of the value, its path (`tx[3].vout[1].value`) and the quoted value.
struct JSONFields {
    let node: JSONNode
    let location: JSONLocation
    /// Path of this object within the record ("" at the top).
    let path: String

    init(_ node: JSONNode, _ location: JSONLocation, path: String = "") {
        self.node = node
        self.location = location
        self.path = path
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value's text as it appears in the source, to find it and to quote it.
    static func sourceText(_ node: JSONNode) -> String? {
        switch node {
        case .number(let t): t
        case .string(let s): "\"\(s)\""
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        default: nil
        }
    }

    /// How a value is shown in a message: strings and numbers quoted, others by kind.
    static func shown(_ node: JSONNode) -> String {
        switch node {
        case .number(let t): quoted(t)
        case .string(let s): quoted(s)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// An error about member `key`.
    func fail(_ key: String, _ message: String, value: JSONNode? = nil, code: IngestError.Code = .badValue)
        -> IngestError
    {
        location.error(
            message, field: field(key), key: key, valueText: value.flatMap(Self.sourceText), code: code)
    }

    /// An error about this object as a whole.
    func failHere(_ message: String) -> IngestError {
        let key = path.split(separator: ".").last.map { String($0.prefix { $0 != "[" }) }
        return location.error(message, field: path.isEmpty ? nil : path, key: key)
    }

    func has(_ key: String) -> Bool {
        if let v = node[key], !v.isNull { return true }
        return false
    }

    /// The member, or nil when it is absent or null.
    func optional(_ key: String) -> JSONNode? {
        guard let v = node[key], !v.isNull else { return nil }
        return v
    }

    func required(_ key: String) throws(IngestError) -> JSONNode {
        guard let v = node[key] else { throw failHere("missing field '\(field(key))'") }
        guard !v.isNull else { throw fail(key, "field '\(field(key))' is null", value: v) }
        return v
    }

    func object(_ key: String) throws(IngestError) -> JSONFields {
        let v = try required(key)
        guard case .object = v else {
            throw fail(key, "expected an object, found \(Self.shown(v))", value: v)
        }
        return JSONFields(v, location, path: field(key))
    }

    func optionalObject(_ key: String) throws(IngestError) -> JSONFields? {
        guard has(key) else { return nil }
        return try object(key)
    }

    func array(_ key: String) throws(IngestError) -> [JSONNode] {
        let v = try required(key)
        guard let a = v.array else { throw fail(key, "expected an array, found \(Self.shown(v))", value: v) }
        return a
    }

    /// Element `i` of array member `key`, as an object.
    func element(_ key: String, _ i: Int, _ node: JSONNode) throws(IngestError) -> JSONFields {
        let path = "\(field(key))[\(i)]"
        guard case .object = node else {
            throw location.error(
                "expected an object, found \(Self.shown(node))", field: path, key: key,
                valueText: Self.sourceText(node))
        }
        return JSONFields(node, location, path: path)
    }

    func string(_ key: String) throws(IngestError) -> String {
        let v = try required(key)
        guard let s = v.string else { throw fail(key, "expected a string, found \(Self.shown(v))", value: v) }
        return s
    }

    /// A 64-digit hex hash in display order (txid, block hash).
    func hash(_ key: String) throws(IngestError) -> Hash256 {
        let v = try required(key)
        guard let s = v.string, s.utf8.count == 64, let h = Hash256(displayHex: s) else {
            throw fail(key, "\(Self.shown(v)) is not a hash: expected 64 hex digits", value: v)
        }
        return h
    }

    /// Hex bytes (scripts, raw transactions).
    func hex(_ key: String) throws(IngestError) -> [UInt8] {
        let v = try required(key)
        guard let s = v.string, let bytes = Hex.decode(s) else {
            throw fail(key, "\(Self.shown(v)) is not hex: expected an even number of hex digits", value: v)
        }
        return bytes
    }

    /// An integer in `range`.
    func integer(_ key: String, _ range: ClosedRange<Int64>) throws(IngestError) -> Int64 {
        let v = try required(key)
        guard let text = v.numberText, let n = Int64(text), range.contains(n) else {
            throw fail(
                key, "\(Self.shown(v)) is not an integer in \(range.lowerBound)...\(range.upperBound)",
                value: v)
        }
        return n
    }

    func uint32(_ key: String) throws(IngestError) -> UInt32 {
        UInt32(try integer(key, 0...Int64(UInt32.max)))
    }

    /// A 32-bit field printed signed or unsigned (versions): its bit pattern.
    func bits32(_ key: String) throws(IngestError) -> UInt32 {
        UInt32(truncatingIfNeeded: try integer(key, Int64(Int32.min)...Int64(UInt32.max)))
    }

    func count(_ key: String) throws(IngestError) -> Int {
        Int(try integer(key, 0...Int64(Int32.max)))
    }

    /// A 32-bit number written as hex text ("1d00ffff", "9962e301"; bits and bitcoin-etl nonces).
    func hex32(_ key: String, hint: String = "") throws(IngestError) -> UInt32 {
        let v = try required(key)
        guard let s = v.string, !s.isEmpty, s.utf8.count <= 8, let n = UInt32(s, radix: 16) else {
            throw fail(key, "\(Self.shown(v)) is not a 32-bit hex number\(hint)", value: v)
        }
        return n
    }

    /// The most satoshi there can be.
    static let maxSatoshi: UInt64 = 21_000_000 * 100_000_000

    /// A BTC amount as Bitcoin Core prints it ("0.00012345", also "1e-8") in satoshi, exactly.
    func btc(_ key: String) throws(IngestError) -> UInt64 {
        let v = try required(key)
        let failure: BTCAmount.Failure
        if let text = v.numberText {
            switch BTCAmount.satoshi(text) {
            case .success(let sats): return sats
            case .failure(let f): failure = f
            }
        } else {
            failure = .notAnAmount
        }
        let why =
            switch failure {
            case .notAnAmount: "is not a BTC amount"
            case .negative: "is negative"
            case .tooPrecise: "has more than 8 decimals (satoshi are the smallest unit)"
            case .beyondSupply: "exceeds the 21 million BTC supply"
            }
        throw fail(
            key, "\(Self.shown(v)) \(why) (expected BTC with at most 8 decimals, e.g. 0.00012345)", value: v)
    }

    /// An amount in satoshi (an integer, as bitcoin-etl writes values).
    func satoshi(_ key: String) throws(IngestError) -> UInt64 {
        let v = try required(key)
        guard let text = v.numberText, let n = UInt64(text), n <= Self.maxSatoshi else {
            throw fail(
                key,
                "\(Self.shown(v)) is not an amount in satoshi (expected an integer up to 2100000000000000)",
                value: v)
        }
        return n
    }

}

/// BTC amounts as Bitcoin Core prints them, converted to satoshi without floating point.
package enum BTCAmount {
    package enum Failure: Error, Equatable {
        case notAnAmount
        case negative
        /// More than 8 decimals that are not zeros.
        case tooPrecise
        case beyondSupply
    }

    /// Satoshi of `text` ("0.00012345", "50", JSON exponent forms such as "1e-08").
    package static func satoshi(_ text: String) -> Result<UInt64, Failure> {
        guard let plain = plainDecimal(text) else { return .failure(.notAnAmount) }
        switch UInt256.parseAmount(plain, decimals: 8) {
        case .success(let amount):
            guard let sats = amount.uint64, sats <= JSONFields.maxSatoshi else {
                return .failure(.beyondSupply)
            }
            return .success(sats)
        case .failure(.tooPrecise): return .failure(.tooPrecise)
        case .failure(.negative): return .failure(.negative)
        case .failure(.overflow): return .failure(.beyondSupply)
        case .failure: return .failure(.notAnAmount)
        }
    }

    /// Number text with an exponent ("1e-08", "1.5E+2") rewritten without one, digits kept
    /// exactly; other text unchanged. nil for an exponent form that is not a plain number.
    static func plainDecimal(_ text: String) -> String? {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        guard let exponent = Int(text[text.index(after: e)...]), abs(exponent) < 64 else { return nil }
        var mantissa = String(text[..<e])
        var negative = false
        if mantissa.hasPrefix("-") {
            negative = true
            mantissa.removeFirst()
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else {
            return nil
        }
        var digits = String(parts[0]) + (parts.count == 2 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        let whole = digits.prefix(point)
        let fraction = digits.dropFirst(point)
        return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }
}
