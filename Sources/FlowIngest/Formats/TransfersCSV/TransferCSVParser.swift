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
    private let scratch = ParserScratch()

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
        var raw = RawTransfer()
        guard try next(into: &raw) else { return nil }
        return ParsedTransfer(
            tx: raw.tx.map { String(decoding: $0, as: UTF8.self) }, time: raw.time,
            from: String(decoding: raw.from, as: UTF8.self), to: String(decoding: raw.to, as: UTF8.self),
            amount: raw.amount, asset: raw.asset.map { String(decoding: $0, as: UTF8.self) }, line: raw.line,
            seq: raw.seq)
    }

    /// Reads the next transfer into `row` without making strings: its texts point into the input
    /// or into the parser's own buffers (valid until the next call). False at the end of the file.
    public mutating func next(into row: inout RawTransfer) throws(IngestError) -> Bool {
        do {
            guard try reader.next(into: &fields) else { return false }
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
        let timeField = fields[columns.time]
        let time: Int64
        if let unit = mapping.timeUnit {
            guard let step = Self.step(reader.raw(timeField)) else {
                throw fail(columns.time, "time", "not a whole number of \(unit.name) steps", line)
            }
            let (scaled, o1) = step.multipliedReportingOverflow(by: unit.rawValue)
            let (t, o2) = mapping.epoch.addingReportingOverflow(scaled)
            guard !o1, !o2 else { throw fail(columns.time, "time", "step too large", line) }
            time = t
        } else {
            guard let t = TimeParser.parse(reader.raw(timeField)) else {
                throw fail(
                    columns.time, "time", "not a time (ISO-8601, YYYY/MM/DD HH:MM or Unix seconds)", line)
            }
            time = t
        }
        row.from = try address(columns.from, "from", line, into: scratch.from)
        row.to = try address(columns.to, "to", line, into: scratch.to)
        row.asset = nil
        var decimals = mapping.decimals
        if let a = columns.asset {
            let bytes = try text(a, "asset", line, into: scratch.asset)
            if bytes.isEmpty { throw fail(a, "asset", "empty asset", line) }
            row.asset = bytes
            if !mapping.assetDecimals.isEmpty {
                decimals = mapping.decimals(ofAsset: String(decoding: bytes, as: UTF8.self))
            }
        }
        let amountField = fields[columns.amount]
        switch UInt256.parseAmount(utf8: reader.raw(amountField), decimals: decimals) {
        case .success(let v): row.amount = v
        case .failure(let why):
            let reason: String
            switch why {
            case .empty: reason = "empty amount"
            case .negative: reason = "negative amount (a transfer moves value from `from` to `to`)"
            case .notANumber: reason = "not a decimal amount"
            case .tooPrecise(let d): reason = "more than \(d) decimals (use --decimals to declare more)"
            case .overflow: reason = "amount too large (beyond 2^256 base units)"
            }
            throw fail(columns.amount, "amount", reason, line)
        }
        row.tx = nil
        if let t = columns.tx {
            let bytes = try text(t, "tx", line, into: scratch.tx)
            if !bytes.isEmpty { row.tx = bytes }
        }
        rows += 1
        row.time = time
        row.line = line
        row.seq = Int64(rows)
        return true
    }

    private func fail(_ index: Int, _ key: String, _ why: String, _ line: Int) -> IngestError {
        let f = fields[index]
        return IngestError(
            .badValue, "\(why): \(quoted(reader.lossyString(f)))", file: file, line: line,
            column: index + 1,
            field: "\(key) (\(columns.names[index]))")
    }

    /// The field's bytes (unescaped into `buffer` when it holds doubled quotes), checked UTF-8.
    @inline(__always)
    private func text(_ index: Int, _ key: String, _ line: Int, into buffer: ScratchBuffer)
        throws(IngestError)
        -> UnsafeRawBufferPointer
    {
        let f = fields[index]
        let bytes: UnsafeRawBufferPointer
        if f.escaped {
            buffer.clear()
            var i = f.start
            while i < f.end {
                buffer.append(reader.bytes[i])
                i += reader.bytes[i] == UInt8(ascii: "\"") ? 2 : 1
            }
            bytes = buffer.bytes
        } else {
            bytes = reader.raw(f)
        }
        switch UTF8Check.identifierProblem(bytes) {
        case nil: return bytes
        case .notUTF8: throw fail(index, key, "not UTF-8 text", line)
        case .active(let u):
            // An account, asset or transaction name: `ACC-2001\0evil` would show as `ACC-2001`,
            // `\u{1B}[2K` would erase a line.
            throw fail(
                index, key,
                "control character \(TerminalText.visible(u)) in an identifier (names must show as they are stored)",
                line)
        }
    }

    private func address(_ indexes: [Int], _ key: String, _ line: Int, into buffer: ScratchBuffer)
        throws(IngestError) -> UnsafeRawBufferPointer
    {
        if indexes.count == 1 {
            let bytes = try text(indexes[0], key, line, into: buffer)
            if bytes.isEmpty { throw fail(indexes[0], key, "empty address", line) }
            return bytes
        }
        // Several columns name the account: their texts joined with ":".
        buffer.clear()
        for (n, i) in indexes.enumerated() {
            let part = try text(i, key, line, into: scratch.part)
            if part.isEmpty { throw fail(i, key, "empty address part", line) }
            if n > 0 { buffer.append(UInt8(ascii: ":")) }
            for b in part { buffer.append(b) }
        }
        return buffer.bytes
    }
}

/// A transfer row as read, before interning: texts as UTF-8 bytes that are valid until the
/// parser reads the next row.
public struct RawTransfer {
    public var tx: UnsafeRawBufferPointer?
    public var time: Int64 = 0
    public var from = UnsafeRawBufferPointer(start: nil, count: 0)
    public var to = UnsafeRawBufferPointer(start: nil, count: 0)
    public var amount = UInt256.zero
    /// The asset text of the row (nil: the mapping's default asset).
    public var asset: UnsafeRawBufferPointer?
    /// 1-based line where the row starts.
    public var line = 0
    /// The row's place among the file's data rows (see `ParsedTransfer.seq`).
    public var seq: Int64 = 0

    public init() {}
}

/// A growable byte buffer the parser reuses for fields it has to rebuild.
final class ScratchBuffer {
    private var storage: UnsafeMutableRawPointer
    private var capacity = 256
    private var count = 0

    init() { storage = .allocate(byteCount: 256, alignment: 8) }
    deinit { storage.deallocate() }

    func clear() { count = 0 }

    func append(_ byte: UInt8) {
        if count == capacity {
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 8)
            grown.copyMemory(from: storage, byteCount: count)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        storage.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: count) }
}

/// The parser's reusable buffers, one per text it may rebuild.
final class ParserScratch {
    let from = ScratchBuffer()
    let to = ScratchBuffer()
    let tx = ScratchBuffer()
    let asset = ScratchBuffer()
    let part = ScratchBuffer()
}

/// What keeps bytes from being an identifier: not UTF-8, or a scalar that acts on a terminal
/// (`TerminalText.isActive`: controls, bidi overrides). Printable ASCII is recognised eight bytes
/// at a time.
enum UTF8Check {
    enum Problem: Equatable {
        case notUTF8
        case active(Unicode.Scalar)
    }

    @inline(__always)
    static func identifierProblem(_ bytes: UnsafeRawBufferPointer) -> Problem? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        var flags: UInt64 = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte >= 0x80, below 0x20, or 0x7F (DEL) sets its high bit in `flags`.
            let del = w ^ (ones &* 0x7F)
            flags |= w | ((w &- ones &* 0x20) & ~w) | ((del &- ones) & ~del)
            i += 8
        }
        while i < n {
            let b = base.load(fromByteOffset: i, as: UInt8.self)
            if b < 0x20 || b >= 0x7F { flags |= high }
            i += 1
        }
        if flags & high == 0 { return nil }
        guard let text = String(validating: bytes, as: UTF8.self) else { return .notUTF8 }
        if let u = text.unicodeScalars.first(where: TerminalText.isActive) { return .active(u) }
        return nil
    }
}
