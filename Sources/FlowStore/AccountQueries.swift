public import FlowModel
import GRDB

extension GraphStore {
    /// Per-asset totals of an address's account-model transfers (failed ones move nothing), and
    /// the fees it paid per asset: its transfers read once and summed in Swift
    /// (`AddressTransfers`).
    public func assetActivity(_ text: String) throws(StoreError) -> (
        assets: [AssetActivity], fees: [AssetActivity]
    ) {
        try read("reading an address's transfers") { db in
            guard
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM addresses WHERE address = ?", arguments: [text])
            else { return ([], []) }
            let rows = try activityRows(db, AddressTransfers.load(db, me: id, path: path))
            return (rows.assets, rows.fees)
        }
    }

    /// Tags of an address (any case of a hex or bech32 address matches).
    public func tags(of text: String) throws(StoreError) -> [TagRecord] {
        try read("reading tags") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT address, label, category, source, confidence FROM tags
                    WHERE address = ? OR address = ? ORDER BY category, label, source
                    """, arguments: [text, text.lowercased()]
            ).map {
                TagRecord(address: $0[0], label: $0[1], category: $0[2], source: $0[3], confidence: $0[4])
            }
        }
    }

    /// Stores `tags`, one per address, label and source: an entry already stored with another
    /// category or confidence is updated, not added again, so re-importing a list (as .txt or
    /// .json alike) changes nothing. With `replacing`, every stored tag of those sources that
    /// `tags` no longer lists is removed first (a sanctions list's delistings). Returns the tags
    /// added and removed.
    public func importTags(_ tags: [TagRecord], importedAt: String, replacing: Set<String> = [])
        throws(StoreError) -> (added: Int, removed: Int)
    {
        try write("importing tags") { db in
            var added = 0
            var removed = 0
            try db.inTransaction(.immediate) {
                func key(_ address: String, _ label: String, _ source: String) -> String {
                    address + "\u{1}" + label + "\u{1}" + source
                }
                var old = Set<String>()
                for source in replacing.sorted() {
                    for row in try Row.fetchAll(
                        db, sql: "SELECT address, label FROM tags WHERE source = ?", arguments: [source])
                    {
                        old.insert(key(row[0], row[1], source))
                    }
                    try db.execute(sql: "DELETE FROM tags WHERE source = ?", arguments: [source])
                }
                let update = try db.makeStatement(
                    sql: """
                        UPDATE OR IGNORE tags SET category = ?, confidence = ?
                        WHERE address = ? AND label = ? AND source = ?
                        """)
                let insert = try db.makeStatement(
                    sql: """
                        INSERT OR IGNORE INTO tags (address, label, category, source, confidence, imported_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """)
                var listed = Set<String>()
                for t in tags {
                    let k = key(t.address, t.label, t.source)
                    listed.insert(k)
                    if !replacing.contains(t.source) {
                        try update.execute(arguments: [
                            t.category, t.confidence, t.address, t.label, t.source,
                        ])
                        if db.changesCount > 0 { continue }
                    }
                    try insert.execute(arguments: [
                        t.address, t.label, t.category, t.source, t.confidence, importedAt,
                    ])
                    if db.changesCount > 0 && !old.contains(k) { added += 1 }
                }
                removed = old.subtracting(listed).count
                return .commit
            }
            return (added, removed)
        }
    }

    /// Tag counts by category and source.
    public func tagSummary() throws(StoreError) -> [(category: String, source: String, count: Int)] {
        try read("reading tags") { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT category, source, COUNT(*) FROM tags GROUP BY category, source ORDER BY category, source"
            ).map { ($0[0], $0[1], $0[2]) }
        }
    }
}

extension GraphStore {
    /// How many of `addresses` occur in the graph.
    public func knownAddresses(_ addresses: Set<String>) throws(StoreError) -> Int {
        try read("looking up addresses") { db in
            let find = try db.makeStatement(sql: "SELECT 1 FROM addresses WHERE address = ?")
            var n = 0
            for a in addresses where try Int.fetchOne(find, arguments: [a]) != nil { n += 1 }
            return n
        }
    }
}

extension GraphStore {
    /// Every transfer row whose transaction id is `id` (an Ethereum hash as stored, lowercase
    /// `0x…`, or a ledger's transaction id), ordered by kind and position; nil when there is none.
    /// Ethereum ids use the `transfers_onchain` index; a ledger id scans the ledger rows.
    public func accountTransaction(_ id: String) throws(StoreError) -> AccountTransactionRows? {
        try read("reading a transaction's transfers") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.kind, t.seq, fa.address, ta.address, s.id, s.chain, s.symbol, s.contract, s.decimals,
                      t.amount, t.time, t.block, t.status, t.line, t.token_id
                    FROM transfers t LEFT JOIN addresses fa ON fa.id = t.from_id
                    LEFT JOIN addresses ta ON ta.id = t.to_id JOIN assets s ON s.id = t.asset_id
                    WHERE t.tx = ?1 AND t.kind < 4
                    UNION ALL
                    SELECT t.kind, t.seq, fa.address, ta.address, s.id, s.chain, s.symbol, s.contract, s.decimals,
                      t.amount, t.time, t.block, t.status, t.line, t.token_id
                    FROM transfers t LEFT JOIN addresses fa ON fa.id = t.from_id
                    LEFT JOIN addresses ta ON ta.id = t.to_id JOIN assets s ON s.id = t.asset_id
                    WHERE t.tx = ?1 AND t.kind = 4
                    ORDER BY 1, 2
                    """, arguments: [id])
            guard !rows.isEmpty else { return nil }
            var out: [AccountTransferRow] = []
            for r in rows {
                guard let kind = TransferKind(rawValue: r[0]) else { continue }
                out.append(
                    AccountTransferRow(
                        kind: kind, seq: r[1], from: r[2], to: r[3],
                        asset: TraceAsset(
                            id: r[4], chain: r[5], symbol: r[6], contract: r[7], decimals: r[8]),
                        amount: AmountSQL.amount(r[9]) ?? .zero, time: r[10], block: r[11], status: r[12],
                        line: r[13], tokenId: AmountSQL.amount(r[14])))
            }
            return AccountTransactionRows(id: id, rows: out)
        }
    }
}
