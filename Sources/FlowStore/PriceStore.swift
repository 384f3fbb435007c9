public import FlowModel
import Foundation
import GRDB

extension Schema {
    /// Daily prices for fiat thresholds and values (`chainflow prices import`).
    static let v5Prices = """
        CREATE TABLE prices (
            asset TEXT NOT NULL,
            currency TEXT NOT NULL,
            day INTEGER NOT NULL,
            price TEXT NOT NULL,
            source TEXT NOT NULL,
            PRIMARY KEY (asset, currency, day)
        ) WITHOUT ROWID;
        """
}

/// One day's price of an asset: what `chainflow prices import` stores.
public struct PriceRow: Sendable, Equatable {
    /// An asset symbol (upper case) or a token contract address (lower case).
    public var asset: String
    /// The reporting currency (`USD`).
    public var currency: String
    /// UTC day: Unix seconds / 86,400.
    public var day: Int64
    /// Decimal text, at most `PriceSeries.scale` fraction digits.
    public var price: String

    public init(asset: String, currency: String, day: Int64, price: String) {
        self.asset = asset
        self.currency = currency
        self.day = day
        self.price = price
    }
}

extension GraphStore {
    /// Stores prices in one transaction (a price for the same asset, currency and day replaces
    /// the one stored, so importing a file again changes nothing); returns how many rows were new.
    public func storePrices(_ rows: [PriceRow], source: String) throws(StoreError) -> (
        added: Int, replaced: Int
    ) {
        try write("storing prices") { db in
            var added = 0
            var replaced = 0
            try db.inTransaction {
                let exists = try db.makeStatement(
                    sql: "SELECT price FROM prices WHERE asset = ? AND currency = ? AND day = ?")
                let upsert = try db.makeStatement(
                    sql:
                        "INSERT OR REPLACE INTO prices (asset, currency, day, price, source) VALUES (?, ?, ?, ?, ?)"
                )
                for r in rows {
                    let old = try String.fetchOne(exists, arguments: [r.asset, r.currency, r.day])
                    if old == nil { added += 1 } else if old != r.price { replaced += 1 }
                    try upsert.execute(arguments: [r.asset, r.currency, r.day, r.price, source])
                }
                return .commit
            }
            return (added, replaced)
        }
    }

    /// Every stored price series in `currency`, by asset key (symbol or contract).
    public func priceSeries(currency: String) throws(StoreError) -> [String: PriceSeries] {
        try read("loading prices") { db in
            var out: [String: PriceSeries] = [:]
            // A database from before prices (opened read-only, not migrated) has none.
            guard try db.tableExists("prices") else { return out }
            let rows = try Row.fetchAll(
                db, sql: "SELECT asset, day, price FROM prices WHERE currency = ? ORDER BY asset, day",
                arguments: [currency])
            for row in rows {
                let asset: String = row[0]
                let text: String = row[2]
                guard case .success(let p) = UInt256.parseAmount(text, decimals: PriceSeries.scale) else {
                    continue
                }
                out[asset, default: PriceSeries()].append(day: row[1], price: p)
            }
            return out
        }
    }

    /// Counts of stored prices per asset in `currency` with their first and last day.
    public func priceSummary() throws(StoreError) -> [(
        asset: String, currency: String, days: Int, first: Int64, last: Int64
    )] {
        try read("reading prices") { db in
            guard try db.tableExists("prices") else { return [] }
            return try Row.fetchAll(
                db,
                sql:
                    "SELECT asset, currency, COUNT(*), MIN(day), MAX(day) FROM prices GROUP BY asset, currency ORDER BY currency, asset"
            ).map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
        }
    }
}

extension TransferSnapshot {
    /// Attaches prices to the snapshot's assets: an asset's contract address first, then its
    /// symbol (case-insensitive); an asset named like the currency is worth 1.
    public mutating func attachPrices(_ series: [String: PriceSeries], currency: String) {
        self.currency = currency
        prices = assets.map {
            PriceSeries.lookup(series, symbol: $0.symbol, contract: $0.contract, currency: currency)
        }
    }
}
