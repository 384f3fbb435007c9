import FlowBitcoin
import FlowIngest
public import FlowModel
import FlowStore
import Foundation

/// A seed of `chainflow trace` as the user wrote it (`--from` or a line of `--from-file`), with
/// where it came from, and the one reading of it the store is asked about.
///
/// A seed text is either explicit about its kind or bare:
/// - `address:X`: what address or account X received in the window;
/// - `sent:X`: what account X paid in the window (its transfers out);
/// - `tx:X`: all outputs of Bitcoin transaction X, or the transfers of Ethereum or ledger
///   transaction X;
/// - `output:TXID:N`: output N of Bitcoin transaction TXID;
/// - anything else is bare: `TXID:N` is an output; otherwise the text is a transaction when the
///   store holds such a transaction, an address when it holds such an address, and a usage
///   error when it holds both (a ledger whose transaction ids and account names are both small
///   integers), naming both readings.
///
/// Leading and trailing white space is not part of a seed (a pasted space or tab).
public struct TraceSeed: Sendable, Equatable {
    /// What a seed text says it is.
    public enum Kind: Sendable, Equatable {
        case address(String)
        case sent(String)
        case transaction(String)
        case output(txid: String, vout: Int)
        /// No kind given: `TXID:N`, a transaction or an address, whichever the store holds.
        case bare(String)
    }

    /// The seed text, trimmed; reports show it as the seed's name.
    public var text: String
    /// The seed file and 1-based line it was read from; nil for `--from`.
    public var file: String?
    public var line: Int?

    public init(_ text: String, file: String? = nil, line: Int? = nil) {
        self.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self.file = file
        self.line = line
    }

    /// The explicit kinds, as a seed text starts.
    public static let kindPrefixes = ["address:", "sent:", "tx:", "output:"]

    /// What the text says it is; a usage error when a kind is given with nothing or a malformed
    /// value after it.
    public func kind() throws(TraceSeedError) -> Kind {
        guard !text.isEmpty else { throw usage("a seed is empty") }
        let lower = text.lowercased()
        guard let prefix = Self.kindPrefixes.first(where: { lower.hasPrefix($0) }) else {
            return .bare(text)
        }
        let value = String(text.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else {
            throw usage("seed '\(text.prefix(90))' names nothing after '\(prefix)'")
        }
        switch prefix {
        case "address:": return .address(value)
        case "sent:": return .sent(value)
        case "tx:": return .transaction(value)
        default:
            guard let (txid, vout) = Self.outpoint(value) else {
                throw usage(
                    "seed '\(text.prefix(90))' is not output:TXID:N (a txid of 64 hex digits, a colon, an output number)"
                )
            }
            return .output(txid: txid, vout: vout)
        }
    }

    /// `TXID:N` split into a 64-hex-digit txid and a non-negative output number.
    static func outpoint(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let vout = Int(text[text.index(after: colon)...]),
            vout >= 0, Hash256(displayHex: String(text[..<colon])) != nil
        else { return nil }
        return (String(text[..<colon]), vout)
    }

    // MARK: Seed lists and files

    /// The seeds of `from` (in order), then those of the seed file at `file`.
    public static func list(from: [String], file: String?) throws(TraceSeedError) -> [TraceSeed] {
        var seeds = from.map { TraceSeed($0) }
        for seed in seeds { _ = try seed.kind() }
        if let file { seeds += try read(file: file) }
        return seeds
    }

    /// The seeds of a seed file: one per line, `#` starts a comment, blank lines are skipped,
    /// any line ending (LF, CRLF, CR) and a UTF-8 byte-order mark are accepted. A seed with a
    /// malformed kind is an error naming the file and line.
    public static func read(file path: String) throws(TraceSeedError) -> [TraceSeed] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw TraceSeedError(
                exists && isDirectory.boolValue
                    ? "cannot read the seed file: it is a directory; give a text file with one seed per line"
                    : exists ? "cannot read the seed file" : "cannot read the seed file: no such file",
                location: path, exitCode: 66)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TraceSeedError(
                "cannot read the seed file: it is not UTF-8 text", location: path, exitCode: 65)
        }
        return try parse(text, file: path)
    }

    /// The seeds of seed-file text (see `read(file:)`); `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(TraceSeedError) -> [TraceSeed] {
        var seeds: [TraceSeed] = []
        for entry in SeedList.entries(text) {
            let seed = TraceSeed(entry.text, file: file, line: entry.line)
            _ = try seed.kind()
            seeds.append(seed)
        }
        return seeds
    }

    // MARK: Resolving

    /// What the seed names in `store`: Bitcoin outputs or account transfers (address seeds: in
    /// the window). Nothing found is an error that says why and what to give instead.
    func refs(store: any CaseReadStore, since: Int64?, until: Int64?) throws -> [TraceSeedRef] {
        let windowed = since != nil || until != nil
        let window = windowed ? " in the window" : ""
        switch try kind() {
        case .output(let txid, let vout):
            let refs = try outputRefs(txid: txid, vout: vout, store: store)
            guard !refs.isEmpty else {
                throw notFound("no output \(txid):\(vout) of a transaction in this database", store)
            }
            return refs
        case .transaction(let tx):
            let refs = try store.traceSeeds(.transaction(tx), since: nil, until: nil)
            guard !refs.isEmpty else {
                throw notFound(
                    "no transaction '\(tx.prefix(90))' in this database (a Bitcoin txid, an Ethereum hash or a ledger transaction id)",
                    store)
            }
            return refs
        case .address(let address):
            guard try store.isTraceAddress(address) else { throw unknownAddress(address, store) }
            let refs = try store.traceSeeds(.address(address), since: since, until: until)
            guard !refs.isEmpty else { throw try receivedNothing(address, store, since, until) }
            return refs
        case .sent(let address):
            guard try store.isTraceAddress(address) else { throw unknownAddress(address, store) }
            let refs = try store.traceSeeds(.sent(address), since: since, until: until)
            guard !refs.isEmpty else {
                throw notFound(
                    "account '\(address.prefix(90))' paid no transfer in this database\(window) (sent: names an account's transfers out)",
                    store)
            }
            return refs
        case .bare(let bare):
            if let (txid, vout) = Self.outpoint(bare) {
                let refs = try outputRefs(txid: txid, vout: vout, store: store)
                guard !refs.isEmpty else { throw nothingNamed(bare, store, windowed: windowed) }
                return refs
            }
            let asTransaction = try store.traceSeeds(.transaction(bare), since: nil, until: nil)
            let isAddress = try store.isTraceAddress(bare)
            if !asTransaction.isEmpty && isAddress {
                let received = try store.traceSeeds(.address(bare), since: since, until: until)
                let short = String(bare.prefix(90))
                throw usage(
                    "seed '\(short)' is ambiguous: it is both a transaction (tx:\(short), \(Self.describe(asTransaction))) and an address (address:\(short), received \(Self.describe(received))\(window)); say which with --from tx:\(short) or --from address:\(short)"
                )
            }
            if !asTransaction.isEmpty { return asTransaction }
            guard isAddress else {
                if AddressCodec.hasBadChecksum(bare) { throw badChecksum(bare) }
                throw nothingNamed(bare, store, windowed: windowed)
            }
            let refs = try store.traceSeeds(.address(bare), since: since, until: until)
            guard !refs.isEmpty else { throw try receivedNothing(bare, store, since, until) }
            return refs
        }
    }

    func outputRefs(txid: String, vout: Int, store: any CaseReadStore) throws -> [TraceSeedRef] {
        guard let hash = Hash256(displayHex: txid) else { return [] }
        return try store.traceSeeds(.output(txid: hash, vout: vout), since: nil, until: nil)
    }

    /// "1 transfer", "3 outputs", "2 outputs and 1 transfer", "nothing".
    static func describe(_ refs: [TraceSeedRef]) -> String {
        let outputs = refs.count { if case .output = $0 { true } else { false } }
        let transfers = refs.count - outputs
        var parts: [String] = []
        if outputs > 0 { parts.append(count(outputs, "output", "outputs")) }
        if transfers > 0 { parts.append(count(transfers, "transfer", "transfers")) }
        return parts.isEmpty ? "nothing" : parts.joined(separator: " and ")
    }

    static func count(_ n: Int, _ one: String, _ many: String) -> String {
        "\(n) \(n == 1 ? one : many)"
    }

    // MARK: Errors

    /// Where an error about this seed points: its file and line, else `fallback`.
    func location(_ fallback: String) -> String {
        guard let file else { return fallback }
        return line.map { "\(file):\($0)" } ?? file
    }

    func usage(_ message: String) -> TraceSeedError {
        TraceSeedError(message, location: location("chainflow trace"), exitCode: 64)
    }

    func notFound(_ message: String, _ store: any CaseReadStore) -> TraceSeedError {
        TraceSeedError(message, location: location(store.path), exitCode: 66)
    }

    func badChecksum(_ address: String) -> TraceSeedError {
        usage("seed " + (AddressText.problem(address) ?? "'\(address.prefix(90))' has an invalid checksum"))
    }

    func unknownAddress(_ address: String, _ store: any CaseReadStore) -> TraceSeedError {
        if AddressCodec.hasBadChecksum(address) { return badChecksum(address) }
        return notFound("no address '\(address.prefix(90))' in this database", store)
    }

    /// A bare seed the store knows in no reading (the message of seeds before kinds existed).
    func nothingNamed(_ text: String, _ store: any CaseReadStore, windowed: Bool) -> TraceSeedError {
        notFound(
            "seed '\(text.prefix(90))' is no address, txid, txid:vout or transaction id in this database"
                + (windowed ? " (or received nothing in the window)" : ""), store)
    }

    /// An address that received nothing (in the window): what it paid instead, and how to seed
    /// from that.
    func receivedNothing(_ address: String, _ store: any CaseReadStore, _ since: Int64?, _ until: Int64?)
        throws
        -> TraceSeedError
    {
        let short = String(address.prefix(90))
        let window = since != nil || until != nil ? " in the window" : " in this database"
        let outflows = try store.traceAddressOutflows(address, since: since, until: until)
        if let outflows, outflows.transfers > 0 {
            return notFound(
                "address '\(short)' received nothing\(window); it only sent (\(Self.count(outflows.transfers, "transfer", "transfers"))): to trace what it sent, seed from its outflows with --from sent:\(short)",
                store)
        }
        if let outflows, let first = outflows.exampleTxids.first {
            return notFound(
                "address '\(short)' received no output this database holds\(window == " in this database" ? "" : window); it only spent outputs known from \(Self.count(outflows.spendingTransactions, "transaction", "transactions")) that spent them: seed from those with --from tx:TXID, e.g. --from tx:\(first)",
                store)
        }
        return notFound("address '\(short)' received nothing\(window)", store)
    }
}

/// A seed that cannot be traced: malformed or ambiguous (exit 64), or naming nothing in the
/// database or an unreadable seed file (exit 66). Located compiler style: `seeds.txt:3: error:
/// …` for a seed file's line, the database for what it does not hold, `chainflow trace`
/// otherwise.
public struct TraceSeedError: ChainflowError, Equatable {
    public var message: String
    /// `file:line`, the file, the database path, or `chainflow trace`.
    public var location: String?
    /// sysexits-style: 64 usage, 65 bad input data, 66 missing input.
    public var exitCode: Int32

    public init(_ message: String, location: String, exitCode: Int32) {
        self.message = message
        self.location = location
        self.exitCode = exitCode
    }

    public var kind: String {
        switch exitCode {
        case ExitStatus.usage: "usage"
        case ExitStatus.dataError: "bad-input"
        default: "not-found"
        }
    }

    public var description: String { "\(location ?? "chainflow trace"): error: \(message)" }
}
