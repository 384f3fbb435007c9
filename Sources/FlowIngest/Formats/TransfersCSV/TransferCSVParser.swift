public import FlowModel

/// One transfer read from a CSV row, before interning.
public struct ParsedTransfer: Sendable, Equatable {
    public var tx: String?
    public var time: Int64
    public var from: String
    public var to: String
    public var amount: UInt256
    /// The asset text of the row (nil: the mapping's default asset).
    public var asset: String?
    /// 1-based line where the row starts.
    public var line: Int
    /// The row's place among the file's data rows (1-based, counting the rows before a resume
    /// point): the ledger transfer's `seq`.
    public var seq: Int64
}

/// Reads transfers from CSV bytes with a column mapping, row by row, with errors that name the
/// file, line, column, field and the quoted value.
public struct TransferCSVParser {
    public let file: String
    public let mapping: TransferCSVMapping
    public private(set) var reader: CSVReader
    public let columns: TransferCSVMapping.Resolved
    /// Data rows read so far, counting the `firstRow` rows before the resume point.
    public private(set) var rows: Int
    private var fields: [CSVField] = []

    /// Reads the header (always at the start of `bytes`) and positions the reader at
    /// `resumeOffset` (the first data row when 0), after which `firstRow` data rows lie.
    public init(
        file: String, bytes: UnsafeRawBufferPointer, mapping: TransferCSVMapping, resumeOffset: Int = 0,
        firstRow: Int = 0
    ) throws(IngestError) {
        self.file = file
        self.mapping = mapping
        self.rows = firstRow
        var reader = CSVReader(bytes: bytes)
        var header: [CSVField] = []
        do {
            guard try reader.next(into: &header) else {
                throw IngestError(.truncated, "empty file: expected a CSV header line", file: file, line: 1)
            }
        } catch let e as CSVSyntaxError {
            throw IngestError(.badValue, e.message, file: file, line: e.line, column: e.column)
        } catch {
            throw error as! IngestError
        }
        var names: [String] = []
        for (i, f) in header.enumerated() {
            guard let name = reader.string(f) else {
                throw IngestError(
                    .badValue, "header column \(i + 1) is not UTF-8 text: \(quoted(reader.lossyString(f)))",
                    file: file, line: 1, column: i + 1)
            }
            names.append(name.trimmingCharacters(in: .whitespaces))
        }
        columns = try mapping.resolve(header: names, file: file)
        if resumeOffset > reader.offset {
            // Count the lines before the resume point so errors keep true line numbers.
            var line = 1
            for i in 0..<resumeOffset where bytes[i] == 0x0a { line += 1 }
            reader = CSVReader(bytes: bytes, offset: resumeOffset, line: line)
        }
        self.reader = reader
    }

    /// A whole number of steps: optional sign, ASCII digits, surrounding blanks allowed.
    static func step(_ raw: UnsafeRawBufferPointer) -> Int64? {
        var bytes = raw[...]
        while let f = bytes.first, f == 0x20 || f == 0x09 { bytes = bytes.dropFirst() }
        while let l = bytes.last, l == 0x20 || l == 0x09 { bytes = bytes.dropLast() }
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var v: Int64 = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            v = v * 10 + Int64(b - 0x30)
        }
        return negative ? -v : v
    }

    /// Byte offset after the last row read.
    public var offset: Int { reader.offset }

    /// The next transfer; nil at the end of the file.
    public mutating func next() throws(IngestError) -> ParsedTransfer? {
        do {
            guard try reader.next(into: &fields) else { return nil }
        } catch {
            throw IngestError(.badValue, error.message, file: file, line: error.line, column: error.column)
        }
        let line = reader.recordLine
        guard fields.count == columns.width else {
            throw IngestError(
                .badValue,
                "expected \(columns.width) columns (as in the header), found \(fields.count)",
                file: file, line: line)
        }
        func fail(_ index: Int, _ key: String, _ why: String) -> IngestError {
            let f = fields[index]
            return IngestError(
                .badValue, "\(why): \(quoted(reader.lossyString(f)))", file: file, line: line,
                column: index + 1,
                field: "\(key) (\(columns.names[index]))")
        }
        func text(_ index: Int, _ key: String) throws(IngestError) -> String {
            guard let s = reader.string(fields[index]) else { throw fail(index, key, "not UTF-8 text") }
            return s
        }
        /// An account, asset or transaction name: text without control characters or bidi
        /// overrides (`ACC-2001\0evil` would show as `ACC-2001`, `\u{1B}[2K` would erase a line).
        func identifier(_ index: Int, _ key: String) throws(IngestError) -> String {
            let s = try text(index, key)
            if let u = s.unicodeScalars.first(where: TerminalText.isActive) {
                throw fail(
                    index, key,
                    "control character \(TerminalText.visible(u)) in an identifier (names must show as they are stored)"
                )
            }
            return s
        }
        func address(_ indexes: [Int], _ key: String) throws(IngestError) -> String {
            if indexes.count == 1 {
                let s = try identifier(indexes[0], key)
                if s.isEmpty { throw fail(indexes[0], key, "empty address") }
                return s
            }
            var parts: [String] = []
            for i in indexes {
                let s = try identifier(i, key)
                if s.isEmpty { throw fail(i, key, "empty address part") }
                parts.append(s)
            }
            return parts.joined(separator: ":")
        }
        let timeField = fields[columns.time]
        let time: Int64
        if let unit = mapping.timeUnit {
            guard let step = Self.step(reader.raw(timeField)) else {
                throw fail(columns.time, "time", "not a whole number of \(unit.name) steps")
            }
            let (scaled, o1) = step.multipliedReportingOverflow(by: unit.rawValue)
            let (t, o2) = mapping.epoch.addingReportingOverflow(scaled)
            guard !o1, !o2 else { throw fail(columns.time, "time", "step too large") }
            time = t
        } else {
            guard let t = TimeParser.parse(reader.raw(timeField)) else {
                throw fail(columns.time, "time", "not a time (ISO-8601, YYYY/MM/DD HH:MM or Unix seconds)")
            }
            time = t
        }
        let from = try address(columns.from, "from")
        let to = try address(columns.to, "to")
        var asset: String?
        var decimals = mapping.decimals
        if let a = columns.asset {
            let s = try identifier(a, "asset")
            if s.isEmpty { throw fail(a, "asset", "empty asset") }
            asset = s
            decimals = mapping.decimals(ofAsset: s)
        }
        let amountField = fields[columns.amount]
        let raw = reader.raw(amountField)
        let amount: UInt256
        switch UInt256.parseAmount(utf8: raw, decimals: decimals) {
        case .success(let v): amount = v
        case .failure(let why):
            let reason: String
            switch why {
            case .empty: reason = "empty amount"
            case .negative: reason = "negative amount (a transfer moves value from `from` to `to`)"
            case .notANumber: reason = "not a decimal amount"
            case .tooPrecise(let d): reason = "more than \(d) decimals (use --decimals to declare more)"
            case .overflow: reason = "amount too large (beyond 2^256 base units)"
            }
            throw fail(columns.amount, "amount", reason)
        }
        var tx: String?
        if let t = columns.tx {
            let s = try identifier(t, "tx")
            tx = s.isEmpty ? nil : s
        }
        rows += 1
        return ParsedTransfer(
            tx: tx, time: time, from: from, to: to, amount: amount, asset: asset, line: line, seq: Int64(rows)
        )
    }
}
