public import FlowModel
public import FlowReport
public import FlowStore
import Foundation

/// Finds any stored transaction by the id a user pastes: a Bitcoin txid (64 hex digits, as
/// explorers show it), an Ethereum hash (`0x` + 64 hex digits, any case; bare 64 digits are
/// tried as Ethereum when no Bitcoin transaction has them), or a ledger's transaction id (the
/// text of its id column), each optionally written `tx:ID`.
public enum TransactionLookup {
    /// The id without a `tx:` prefix and surrounding white space; a usage error when empty.
    public static func normalized(_ text: String) throws(UsageError) -> String {
        var id = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if id.lowercased().hasPrefix("tx:") { id = id.dropFirst(3) }
        let trimmed = id.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw UsageError(
                "give a transaction id: a Bitcoin txid, an Ethereum hash (0x…) or a ledger transaction id, optionally as tx:ID",
                command: "tx")
        }
        return trimmed
    }

    static func isHex(_ s: Substring) -> Bool { s.allSatisfy(\.isHexDigit) }

    /// The transaction `text` names, or a not-found error saying which forms were tried.
    static func load(store: any CaseReadStore, id text: String) throws -> TransactionReport {
        let id = try normalized(text)
        var tried: [String] = []
        if let hash = Hash256(displayHex: id) {
            if let tx = try store.transaction(hash) { return .bitcoin(tx) }
            tried.append("a Bitcoin txid")
        }
        let body = id.hasPrefix("0x") || id.hasPrefix("0X") ? id.dropFirst(2) : Substring(id)
        if body.count == 64 && isHex(body) {
            let ethereum = "0x" + body.lowercased()
            if let rows = try store.accountTransaction(ethereum) {
                return TransactionReport(account: rows, conversions: try store.conversions(tx: ethereum))
            }
            tried.append("an Ethereum hash")
        }
        if let rows = try store.accountTransaction(id) { return TransactionReport(account: rows) }
        tried.append("a ledger transaction id")
        throw StoreError(
            .notFound,
            "no transaction '\(id.prefix(90))' in this database (looked it up as \(tried.joined(separator: ", ")))",
            path: store.path)
    }
}

extension CaseDatabase {
    /// `chainflow tx`: the transaction `id` names, whatever its chain (see `TransactionLookup`).
    public func transaction(_ id: String) throws -> TransactionReport {
        try TransactionLookup.load(store: reader, id: id)
    }

    /// `chainflow stats`: the counts, and with `checksums` each table's content checksum.
    public func stats(checksums: Bool) throws(StoreError) -> (stats: StoreStats, checksums: [String: String]?)
    {
        (try reader.stats(), checksums ? try reader.contentFingerprint() : nil)
    }
}
