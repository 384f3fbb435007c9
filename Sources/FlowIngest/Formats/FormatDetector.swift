import FlowModel
import Foundation

/// The input formats `chainflow ingest` reads.
public enum InputFormat: String, CaseIterable, Sendable, Codable {
    /// Bitcoin blocks: blk*.dat files, raw blocks, block hex (told apart by `BlockSource`).
    case blocks
    /// Bitcoin Core RPC JSON: `getblock <hash> 2|3`, `getrawtransaction <txid> true`.
    case coreJSON = "core-json"
    /// bitcoin-etl JSON lines: blocks.json and transactions.json.
    case bitcoinETL = "bitcoin-etl"
    /// ethereum-etl CSV or JSON lines: blocks, transactions, receipts, logs, token_transfers,
    /// tokens, traces.
    case ethereumETL = "ethereum-etl"
    /// Ethereum node JSON-RPC answers: blocks with full transactions, receipts, logs (a result,
    /// a response envelope, a batch, JSON lines, or request/response captures).
    case ethereumRPC = "ethereum-rpc"
    /// A CSV of transfers with a column mapping (`--map`) or a preset (`--preset`).
    case transfersCSV = "transfers-csv"

    /// One line for error messages and help.
    public var summary: String {
        switch self {
        case .blocks: "blocks         Bitcoin blk*.dat files, raw blocks, block hex"
        case .coreJSON: "core-json      Bitcoin Core getblock (verbosity 2/3) and getrawtransaction JSON"
        case .bitcoinETL: "bitcoin-etl    bitcoin-etl blocks.json / transactions.json (JSON lines)"
        case .ethereumETL:
            "ethereum-etl   ethereum-etl CSV or JSON lines (blocks, transactions, receipts, token_transfers, tokens, traces)"
        case .ethereumRPC:
            "ethereum-rpc   Ethereum node JSON-RPC answers (eth_getBlockByNumber with transactions, eth_getBlockReceipts, eth_getTransactionReceipt, eth_getLogs)"
        case .transfersCSV:
            "transfers-csv  a CSV of transfers: --map tx=…,time=…,from=…,to=…,amount=… or --preset amlsim|amlworld"
        }
    }

    /// Accepts the format names and the block kinds `blk`, `raw`, `hex`.
    public init?(name: String) {
        switch name.lowercased() {
        case "blk", "raw", "hex", "blocks": self = .blocks
        default: self.init(rawValue: name.lowercased())
        }
    }
}

/// What the content of a file says it is.
public struct DetectedFormat: Sendable, Equatable {
    public var format: InputFormat
    /// The file's role or flavour where the format has several: "blocks", "transactions",
    /// "receipts", "token_transfers", "tokens", "traces", "logs"; "amlsim", "amlworld" for
    /// preset CSVs; "getblock", "getrawtransaction" for Core JSON.
    public var role: String?

    public init(_ format: InputFormat, role: String? = nil) {
        self.format = format
        self.role = role
    }
}

/// Recognises an input format from a file's first bytes (not its name).
public enum FormatDetector {
    /// Bytes read to decide.
    public static let headLength = 64 * 1024

    /// Reads the head of `path` and detects its format.
    public static func detect(path: String) throws(IngestError) -> DetectedFormat {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw IngestError(
                .badValue,
                "is a folder; give the files in it (chainflow ingest reads a folder's files when given the folder)",
                file: path)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw IngestError(
                exists ? .io : .missingFile, exists ? "cannot read the file" : "no such file", file: path)
        }
        defer { try? handle.close() }
        let head: [UInt8]
        do {
            head = [UInt8](try handle.read(upToCount: headLength) ?? Data())
        } catch {
            throw IngestError(.io, FileProblem.describe(error, path: path, writing: false), file: path)
        }
        if let encoding = TextEncoding.utf16(head) {
            throw IngestError(.badValue, TextEncoding.utf16Message(encoding, file: path), file: path)
        }
        if head.count < headLength && head.allSatisfy(isSpace) {
            throw IngestError(
                .emptyFile,
                head.isEmpty
                    ? "empty file (0 bytes): nothing to ingest"
                    : "empty file (only whitespace): nothing to ingest",
                file: path)
        }
        guard let detected = detect(head: head) else {
            throw IngestError(.unknownFormat, unknownMessage(head: head), file: path)
        }
        return detected
    }

    /// The error text for a file no reader recognises: what it looks like and how to name a
    /// format.
    static func unknownMessage(head: [UInt8]) -> String {
        var what = "unknown format"
        if head.isEmpty {
            what = "empty file"
        } else if let line = csvHeader(head) {
            what =
                "a CSV whose header (\(quoted(line.joined(separator: ","), limit: 60))) matches no known export"
        }
        return "\(what); name the format with --format NAME, one of:\n  "
            + InputFormat.allCases.map(\.summary).joined(separator: "\n  ")
            + "\n  e.g. chainflow ingest --format transfers-csv --map tx=id,time=ts,from=src,to=dst,amount=amt FILE"
    }

    /// Detects a format from the first bytes of a file; nil when nothing matches.
    public static func detect(head input: [UInt8]) -> DetectedFormat? {
        var head = input[...]
        if head.starts(with: [0xef, 0xbb, 0xbf]) { head = head.dropFirst(3) }
        guard let first = head.first(where: { !isSpace($0) }) else { return nil }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return detectJSON(String(decoding: head, as: UTF8.self))
        }
        if let header = csvHeader(Array(head)), header.count >= 3 {
            return detectCSV(header)
        }
        // Binary (blk framing or a raw block) or block hex: `BlockSource` tells them apart. Blocks
        // always hold control bytes (zeros in the version, lengths, hashes); text with non-ASCII
        // letters is valid UTF-8 and is not binary.
        if head.contains(where: { $0 < 0x09 || ($0 > 0x0d && $0 < 0x20) })
            || !isUTF8(head, mayBeCut: input.count >= headLength)
        {
            return DetectedFormat(.blocks)
        }
        // Block hex with a few damaged characters is still block hex, so that the block reader
        // names the bad character's line and column (the rule `BlockSource` applies, on text
        // whose first line is long enough to be a block: 81 bytes, 162 digits).
        let firstLine = head.drop { isSpace($0) }.prefix { $0 != 0x0a }
        let isHex =
            head.allSatisfy { isSpace($0) || isHexDigit($0) }
            || (firstLine.count >= 162 && BlockSource.looksLikeHex(Array(head)))
        return isHex ? DetectedFormat(.blocks) : nil
    }

    static func detectJSON(_ text: String) -> DetectedFormat? {
        func has(_ key: String) -> Bool { text.contains("\"\(key)\"") }
        if has("vin") && has("vout") && has("txid") {
            return DetectedFormat(.coreJSON, role: has("merkleroot") ? "getblock" : "getrawtransaction")
        }
        if has("merkleroot") && has("tx") { return DetectedFormat(.coreJSON, role: "getblock") }
        if has("spent_transaction_hash") || (has("inputs") && has("outputs") && has("is_coinbase")) {
            return DetectedFormat(.bitcoinETL, role: "transactions")
        }
        if has("merkle_root") && (has("coinbase_param") || has("transaction_count")) && !has("parent_hash") {
            return DetectedFormat(.bitcoinETL, role: "blocks")
        }
        // Ethereum nodes write camelCase members (ethereum-etl writes snake_case).
        if has("cumulativeGasUsed") || (has("transactionHash") && has("gasUsed")) {
            return DetectedFormat(.ethereumRPC, role: "receipts")
        }
        if has("parentHash") && has("transactions") { return DetectedFormat(.ethereumRPC, role: "blocks") }
        if has("logIndex") && has("topics") { return DetectedFormat(.ethereumRPC, role: "logs") }
        if has("jsonrpc") {
            return DetectedFormat(.ethereumRPC)
        }
        if has("trace_type") || has("trace_address") { return DetectedFormat(.ethereumETL, role: "traces") }
        if has("token_address") { return DetectedFormat(.ethereumETL, role: "token_transfers") }
        if has("topics") && has("log_index") { return DetectedFormat(.ethereumETL, role: "logs") }
        if has("cumulative_gas_used") || (has("transaction_hash") && has("status")) {
            return DetectedFormat(.ethereumETL, role: "receipts")
        }
        if has("from_address") && has("gas_price") {
            return DetectedFormat(.ethereumETL, role: "transactions")
        }
        if has("parent_hash") && has("miner") { return DetectedFormat(.ethereumETL, role: "blocks") }
        if has("total_supply") || (has("symbol") && has("decimals") && has("address")) {
            return DetectedFormat(.ethereumETL, role: "tokens")
        }
        return nil
    }

    static func detectCSV(_ columns: [String]) -> DetectedFormat? {
        let set = Set(columns.map { $0.lowercased() })
        func all(_ names: String...) -> Bool { names.allSatisfy(set.contains) }
        if all("trace_type", "trace_address") { return DetectedFormat(.ethereumETL, role: "traces") }
        if all("token_address", "from_address", "to_address", "value") {
            return DetectedFormat(.ethereumETL, role: "token_transfers")
        }
        if all("log_index", "topics") { return DetectedFormat(.ethereumETL, role: "logs") }
        if all("transaction_hash", "status") { return DetectedFormat(.ethereumETL, role: "receipts") }
        if all("hash", "from_address", "to_address", "value", "gas_price") {
            return DetectedFormat(.ethereumETL, role: "transactions")
        }
        if all("number", "hash", "parent_hash", "miner") {
            return DetectedFormat(.ethereumETL, role: "blocks")
        }
        if all("address", "symbol", "decimals") { return DetectedFormat(.ethereumETL, role: "tokens") }
        if all("tran_id", "orig_acct", "bene_acct", "base_amt") {
            return DetectedFormat(.transfersCSV, role: "amlsim")
        }
        if all("sourcenodeid", "targetnodeid", "value", "time") {
            return DetectedFormat(.transfersCSV, role: "amlsim-sample")
        }
        if all("timestamp", "from bank", "to bank", "amount paid", "payment currency") {
            return DetectedFormat(.transfersCSV, role: "amlworld")
        }
        return nil
    }

    /// The first line split at commas, when it looks like a CSV header (printable text with at
    /// least one comma).
    static func csvHeader(_ head: [UInt8]) -> [String]? {
        var bytes = head[...]
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes = bytes.dropFirst(3) }
        let end = bytes.firstIndex(of: 0x0a) ?? bytes.endIndex
        var line = bytes[..<end]
        if line.last == 0x0d { line = line.dropLast() }
        guard line.contains(UInt8(ascii: ",")), line.allSatisfy({ $0 >= 0x20 || $0 == 0x09 }),
            let text = String(validating: line, as: UTF8.self)
        else { return nil }
        return text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"\t"))
        }
    }

    /// Whether `bytes` are UTF-8 text; with `mayBeCut` (the head of a longer file), a character
    /// cut at the end is allowed.
    static func isUTF8(_ bytes: ArraySlice<UInt8>, mayBeCut: Bool) -> Bool {
        if !bytes.contains(where: { $0 >= 0x80 }) { return true }
        var bytes = bytes
        if mayBeCut {
            // Drop an incomplete last character: continuation bytes after its lead byte.
            var k = bytes.endIndex
            while k > bytes.startIndex, bytes.endIndex - k < 4, bytes[k - 1] & 0xc0 == 0x80 { k -= 1 }
            if k > bytes.startIndex, bytes[k - 1] >= 0xc0 { bytes = bytes[..<(k - 1)] }
        }
        return String(validating: bytes, as: UTF8.self) != nil
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 }
    static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
}
