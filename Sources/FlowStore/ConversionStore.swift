public import FlowModel
import Foundation
import GRDB

// DeFi conversions (swaps, wraps) decoded from stored logs: the `conversions` table (migration
// `v8-conversions`, docs/schema.md).

extension Schema {
    static let v8Conversions = """
        CREATE TABLE conversions (
            id INTEGER PRIMARY KEY,
            tx TEXT NOT NULL,
            log_index INTEGER NOT NULL,
            protocol TEXT NOT NULL,
            block INTEGER NOT NULL,
            time INTEGER NOT NULL,
            pool_id INTEGER NOT NULL REFERENCES addresses(id),
            trader_id INTEGER NOT NULL REFERENCES addresses(id),
            recipient_id INTEGER NOT NULL REFERENCES addresses(id),
            asset_in INTEGER NOT NULL REFERENCES assets(id),
            amount_in NOT NULL,
            asset_out INTEGER NOT NULL REFERENCES assets(id),
            amount_out NOT NULL,
            in_seq INTEGER,
            out_seq INTEGER,
            source_id INTEGER NOT NULL REFERENCES sources(id)
        );
        CREATE UNIQUE INDEX conversions_by_tx ON conversions(tx, log_index);
        """
}

/// A conversion ready to store: addresses and assets interned.
public struct ConversionRecord: Sendable, Equatable {
    public var conversion: Conversion
    public var pool: Int64
    public var trader: Int64
    public var recipient: Int64
    public var assetIn: Int64
    public var assetOut: Int64

    public init(
        conversion: Conversion, pool: Int64, trader: Int64, recipient: Int64, assetIn: Int64, assetOut: Int64
    ) {
        self.conversion = conversion
        self.pool = pool
        self.trader = trader
        self.recipient = recipient
        self.assetIn = assetIn
        self.assetOut = assetOut
    }
}

extension TransferWriter {
    /// Makes `records` the conversions of transaction `tx` in the open chunk (those stored
    /// before for it are replaced: a transaction's conversions follow from all its logs, which
    /// may arrive in several chunks). Returns how many the transaction has now minus before.
    @discardableResult
    public func replaceConversions(tx: String, _ records: [ConversionRecord], source: Int64) throws -> Int {
        try begin()
        let before =
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM conversions WHERE tx = ?", arguments: [tx]) ?? 0
        try db.execute(sql: "DELETE FROM conversions WHERE tx = ?", arguments: [tx])
        for r in records {
            let c = r.conversion
            try db.execute(
                sql: """
                    INSERT INTO conversions (tx, log_index, protocol, block, time, pool_id, trader_id, recipient_id,
                      asset_in, amount_in, asset_out, amount_out, in_seq, out_seq, source_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    tx, c.logIndex, c.protocolName, c.block, c.time, r.pool, r.trader, r.recipient, r.assetIn,
                    AmountSQL.databaseValue(c.amountIn), r.assetOut, AmountSQL.databaseValue(c.amountOut),
                    c.inSeq,
                    c.outSeq, source,
                ])
        }
        let change = records.count - before
        summary.conversions += change
        return change
    }
}

extension GraphStore {
    static let conversionColumns = """
        c.protocol, c.tx, c.log_index, c.block, c.time, p.address, tr.address, re.address,
        CASE WHEN ai.contract = '' THEN ai.symbol ELSE ai.contract END, c.amount_in,
        CASE WHEN ao.contract = '' THEN ao.symbol ELSE ao.contract END, c.amount_out, c.in_seq, c.out_seq
        """
    static let conversionJoins = """
        JOIN addresses p ON p.id = c.pool_id JOIN addresses tr ON tr.id = c.trader_id
        JOIN addresses re ON re.id = c.recipient_id JOIN assets ai ON ai.id = c.asset_in
        JOIN assets ao ON ao.id = c.asset_out
        """

    static func conversion(_ r: Row, at i: Int) -> Conversion {
        Conversion(
            protocolName: r[i], tx: r[i + 1], logIndex: r[i + 2], block: r[i + 3], time: r[i + 4],
            pool: r[i + 5],
            trader: r[i + 6], recipient: r[i + 7], assetIn: r[i + 8] ?? "",
            amountIn: AmountSQL.amount(r[i + 9]) ?? .zero,
            assetOut: r[i + 10] ?? "", amountOut: AmountSQL.amount(r[i + 11]) ?? .zero, inSeq: r[i + 12],
            outSeq: r[i + 13])
    }

    /// The stored conversions of transaction `tx`, by log index (none in a database without the
    /// table).
    public func conversions(tx: String) throws(StoreError) -> [Conversion] {
        try read("reading a transaction's conversions") { db in
            guard try db.tableExists("conversions") else { return [] }
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT \(Self.conversionColumns) FROM conversions c \(Self.conversionJoins) WHERE c.tx = ? ORDER BY c.log_index",
                arguments: [tx]
            ).map { Self.conversion($0, at: 0) }
        }
    }

    /// Every stored conversion with the transfers of its legs: the in-leg is the token transfer
    /// the decoder matched (`in_seq`), else the ether transfer of the transaction to the pool of
    /// exactly `amount_in` (a wrap's tx value or internal call); the out-leg likewise (`out_seq`,
    /// else the ether transfer from the pool of `amount_out`, preferring one to the recipient).
    /// Failed transfers are never legs.
    public func conversionLinks() throws(StoreError) -> [ConversionLink] {
        try read("loading conversions for tracing") { db in
            guard try db.tableExists("conversions") else { return [] }
            let ether = BuiltinAsset.eth
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, c.asset_in, c.asset_out, c.pool_id, c.recipient_id, \(Self.conversionColumns),
                      (SELECT t.id FROM transfers t WHERE t.tx = c.tx AND t.status IS NOT 0 AND (
                          (c.in_seq IS NOT NULL AND t.kind = 2 AND t.seq = c.in_seq)
                          OR (c.in_seq IS NULL AND c.asset_in = \(ether) AND t.asset_id = \(ether) AND t.kind IN (0, 1)
                              AND t.to_id = c.pool_id AND t.amount = c.amount_in))
                        ORDER BY t.id LIMIT 1) AS in_id,
                      COALESCE(
                        (SELECT t.id FROM transfers t WHERE t.tx = c.tx AND t.status IS NOT 0
                          AND c.out_seq IS NOT NULL AND t.kind = 2 AND t.seq = c.out_seq),
                        (SELECT t.id FROM transfers t WHERE t.tx = c.tx AND t.status IS NOT 0 AND c.out_seq IS NULL
                          AND c.asset_out = \(ether) AND t.asset_id = \(ether) AND t.kind IN (0, 1)
                          AND t.from_id = c.pool_id AND t.amount = c.amount_out AND t.to_id = c.recipient_id
                          ORDER BY t.id LIMIT 1),
                        (SELECT t.id FROM transfers t WHERE t.tx = c.tx AND t.status IS NOT 0 AND c.out_seq IS NULL
                          AND c.asset_out = \(ether) AND t.asset_id = \(ether) AND t.kind IN (0, 1)
                          AND t.from_id = c.pool_id AND t.amount = c.amount_out ORDER BY t.id LIMIT 1)) AS out_id
                    FROM conversions c \(Self.conversionJoins) ORDER BY c.time, c.id
                    """)
            var out: [ConversionLink] = []
            for r in rows {
                let inId: Int64? = r[19]
                let outId: Int64? = r[20]
                var amounts: [Int64: UInt256] = [:]
                for id in [inId, outId].compactMap({ $0 }) {
                    if let v = try DatabaseValue.fetchOne(
                        db, sql: "SELECT amount FROM transfers WHERE id = ?", arguments: [id])
                    {
                        amounts[id] = AmountSQL.amount(v)
                    }
                }
                out.append(
                    ConversionLink(
                        id: r[0], conversion: Self.conversion(r, at: 5), assetIn: r[1], assetOut: r[2],
                        inTransfer: inId,
                        inAmount: inId.flatMap { amounts[$0] } ?? .zero, outTransfer: outId,
                        outAmount: outId.flatMap { amounts[$0] } ?? .zero,
                        pool: UInt32(truncatingIfNeeded: r[3] as Int64),
                        recipient: UInt32(truncatingIfNeeded: r[4] as Int64)))
            }
            return out
        }
    }
}
