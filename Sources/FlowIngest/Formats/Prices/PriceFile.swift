import FlowModel
import Foundation

/// Daily prices read from a CSV for `chainflow prices import`:
/// - generic: a header with `date`, `asset` and `price` (any order, other columns ignored; an
///   optional `currency` column overrides the currency given): one row per asset and day, the
///   asset an asset symbol or a token contract address;
/// - CoinGecko's CSV export: `snapped_at,price,market_cap,total_volume`, one asset per file
///   (named with `--asset`).
/// Dates are ISO dates or times (`2021-01-01`, `2021-01-01 00:00:00 UTC`, Unix seconds); a time
/// counts for its UTC day. Prices are decimal text (`1234.5`, CoinGecko's `1.2e-05`); digits past
/// the 12th decimal are dropped. CRLF, a byte-order mark and quoted fields are fine.
public struct PriceFile: Sendable {
    public struct Price: Sendable, Equatable {
        /// Asset symbol in upper case, or contract address in lower case.
        public var asset: String
        public var currency: String
        public var day: Int64
        /// Normalized decimal text (no exponent, at most 12 decimals).
        public var price: String
        public var line: Int
    }

    public enum Kind: String, Sendable {
        case generic = "date,asset,price"
        case coingecko = "CoinGecko export"
    }

    public var kind: Kind
    public var prices: [Price]

    /// The stored key of an asset name: contract addresses (`0x…`) in lower case, symbols upper.
    public static func assetKey(_ name: String) -> String {
        let t = name.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("0x") || t.hasPrefix("0X") ? t.lowercased() : t.uppercased()
    }

    public static func read(path: String, asset: String?, currency: String) throws -> PriceFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw IngestError(.missingFile, "no such prices file", file: path)
        }
        if isDirectory.boolValue {
            throw IngestError(.badValue, "is a directory; give a prices CSV file", file: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(.io, "cannot read the prices file", file: path)
        }
        return try data.withUnsafeBytes { try parse($0, file: path, asset: asset, currency: currency) }
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String, asset: String?, currency: String)
        throws(IngestError) -> PriceFile
    {
        var reader = CSVReader(bytes: bytes)
        var fields: [CSVField] = []
        func next() throws(IngestError) -> [String]? {
            do {
                guard try reader.next(into: &fields) else { return nil }
            } catch {
                throw IngestError(
                    .badValue, error.message, file: file, line: error.line, column: error.column)
            }
            return fields.map {
                (reader.string($0) ?? reader.lossyString($0)).trimmingCharacters(in: .whitespaces)
            }
        }
        guard let header = try next() else {
            throw IngestError(
                .truncated, "empty prices file: expected a CSV header line", file: file, line: 1)
        }
        let names = header.map { $0.lowercased() }
        func column(_ n: String) -> Int? { names.firstIndex(of: n) }
        let kind: Kind
        let dateColumn: Int
        let priceColumn: Int
        var assetColumn: Int?
        let currencyColumn = column("currency")
        if let d = column("snapped_at"), let p = column("price") {
            kind = .coingecko
            dateColumn = d
            priceColumn = p
            guard asset != nil else {
                throw IngestError(
                    .badValue,
                    "a CoinGecko export holds one asset's prices: name it with --asset SYMBOL (or a contract address)",
                    file: file, line: 1)
            }
        } else if let d = column("date"), let p = column("price") {
            kind = .generic
            dateColumn = d
            priceColumn = p
            assetColumn = column("asset")
            if assetColumn == nil && asset == nil {
                throw IngestError(
                    .badValue, "no asset column: add one (date,asset,price) or name the asset with --asset",
                    file: file, line: 1)
            }
        } else {
            throw IngestError(
                .unknownFormat,
                "header \(quoted(header.joined(separator: ","))) is not a prices file: expected date,asset,price or CoinGecko's snapped_at,price,market_cap,total_volume",
                file: file, line: 1)
        }
        var out: [Price] = []
        while let r = try next() {
            let line = reader.recordLine
            if r.allSatisfy(\.isEmpty) { continue }
            guard r.count == header.count else {
                throw IngestError(
                    .badValue, "expected \(header.count) columns (as in the header), found \(r.count)",
                    file: file,
                    line: line)
            }
            func fail(_ c: Int, _ why: String) -> IngestError {
                IngestError(
                    .badValue, "\(why): \(quoted(r[c]))", file: file, line: line, column: c + 1,
                    field: header[c])
            }
            var dateText = r[dateColumn]
            if dateText.hasSuffix(" UTC") { dateText = String(dateText.dropLast(4)) }
            guard let time = TimeParser.parse(dateText) else {
                throw fail(dateColumn, "not a date (2021-01-01, 2021-01-01 00:00:00 UTC or Unix seconds)")
            }
            guard let price = normalizedDecimal(r[priceColumn]) else {
                throw fail(priceColumn, "not a price (a decimal number of currency units, not negative)")
            }
            let name = assetColumn.map { r[$0] } ?? asset!
            guard !name.isEmpty else { throw fail(assetColumn!, "empty asset") }
            let cur = currencyColumn.map { r[$0].uppercased() } ?? currency
            guard !cur.isEmpty else { throw fail(currencyColumn!, "empty currency") }
            out.append(
                Price(
                    asset: assetKey(asset ?? name), currency: cur,
                    day: time >= 0 ? time / 86_400 : (time - 86_399) / 86_400, price: price, line: line))
        }
        if out.isEmpty {
            throw IngestError(.badValue, "no prices: the file has a header and no rows", file: file, line: 1)
        }
        return PriceFile(kind: kind, prices: out)
    }

    /// Plain decimal text of `text` (`1.2e-05` -> `0.000012`), at most 12 decimals (more are
    /// dropped); nil when it is not a non-negative number.
    public static func normalizedDecimal(_ text: String) -> String? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("+") { t.removeFirst() }
        var exponent = 0
        if let e = t.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(t[t.index(after: e)...]), abs(x) <= 60 else { return nil }
            exponent = x
            t = String(t[..<e])
        }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !t.isEmpty else { return nil }
        let whole = String(parts[0])
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard !(whole.isEmpty && fraction.isEmpty),
            (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        var digits = whole + fraction
        var point = whole.count + exponent
        if point < 0 {
            digits = String(repeating: "0", count: -point) + digits
            point = 0
        }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        var intPart = String(digits.prefix(point)).drop { $0 == "0" }
        if intPart.isEmpty { intPart = "0" }
        var frac = String(digits.dropFirst(point).prefix(PriceSeries.scale))
        while frac.hasSuffix("0") { frac.removeLast() }
        return frac.isEmpty ? String(intPart) : "\(intPart).\(frac)"
    }
}
