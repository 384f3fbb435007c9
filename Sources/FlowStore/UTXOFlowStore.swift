public import FlowModel
import Foundation
import GRDB

extension GraphStore {
    /// Whether any Bitcoin (UTXO) address is tagged with one of `categories`.
    public func hasTaggedUTXOAddresses(categories: [String]) throws(StoreError) -> Bool {
        if categories.isEmpty { return false }
        return try read("reading tags") { db in
            let marks = Array(repeating: "?", count: categories.count).joined(separator: ", ")
            return try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM tags t JOIN addresses a ON a.address = t.address
                        JOIN outputs o ON o.address_id = a.id WHERE t.category IN (\(marks)))
                    """, arguments: StatementArguments(categories)) ?? false
        }
    }

    /// Main-chain Bitcoin transactions with a block time in `from...until` as address-to-address
    /// flows, for the account-model rules that follow value between addresses (exposure): each
    /// input address pays each output address the output's value in proportion to the input
    /// address's share of the inputs (rounded down, exact integers). `transferIds` holds the
    /// transaction's `transactions.id`; the asset is BTC in satoshi. Transactions with more than
    /// `maxPairs` (input address, output address) pairs (CoinJoins, batch payouts) are left out
    /// and counted in the second result.
    public func utxoFlowSnapshot(from: Int64, until: Int64, maxPairs: Int = 2_500) throws(StoreError) -> (
        TransferSnapshot, skipped: Int
    ) {
        try read("loading Bitcoin flows") { db in
            var ins: [Int64: [(Int64, Int64)]] = [:]
            var times: [Int64: Int64] = [:]
            try SQLiteScan.run(
                db,
                """
                SELECT i.tx_id, so.address_id, so.value, b.time FROM inputs i
                JOIN transactions t ON t.id = i.tx_id JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
                JOIN outputs so ON so.id = i.spent_output_id
                WHERE t.is_coinbase = 0 AND b.time BETWEEN ? AND ? AND so.address_id IS NOT NULL
                """, [from, until]
            ) { r in
                ins[r.int(0), default: []].append((r.int(1), r.int(2)))
                times[r.int(0)] = r.int(3)
            }
            var outs: [Int64: [(Int64, Int64)]] = [:]
            try SQLiteScan.run(
                db,
                """
                SELECT o.tx_id, o.address_id, o.value FROM outputs o
                JOIN transactions t ON t.id = o.tx_id JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
                WHERE t.is_coinbase = 0 AND b.time BETWEEN ? AND ? AND o.address_id IS NOT NULL
                """, [from, until]
            ) { r in outs[r.int(0), default: []].append((r.int(1), r.int(2))) }
            var s = TransferSnapshot()
            s.assets = [TransferSnapshot.AssetInfo(id: BuiltinAsset.btc, symbol: "BTC", decimals: 8)]
            var rows: [(tx: Int64, time: Int64, from: Int64, to: Int64, amount: UInt64)] = []
            var skipped = 0
            for tx in ins.keys.sorted() {
                guard let o = outs[tx] else { continue }
                var inValue: [Int64: Int64] = [:]
                for (a, v) in ins[tx]! { inValue[a, default: 0] += v }
                var outValue: [Int64: Int64] = [:]
                for (a, v) in o { outValue[a, default: 0] += v }
                if inValue.count * outValue.count > maxPairs {
                    skipped += 1
                    continue
                }
                let total = UInt64(max(1, inValue.values.reduce(0, +)))
                for (a, va) in inValue.sorted(by: { $0.key < $1.key }) {
                    for (b, vb) in outValue.sorted(by: { $0.key < $1.key }) where a != b {
                        let share = UInt64(max(0, vb)).multipliedFullWidth(by: UInt64(max(0, va)))
                        let amount = total.dividingFullWidth(share).quotient
                        if amount > 0 { rows.append((tx, times[tx]!, a, b, amount)) }
                    }
                }
            }
            let ids = Array(Set(rows.flatMap { [$0.from, $0.to] })).sorted()
            var dense: [Int64: UInt32] = [:]
            for (k, id) in ids.enumerated() { dense[id] = UInt32(k) }
            s.addressIds = ids
            for r in rows {
                s.append(
                    transferId: r.tx, time: r.time, from: dense[r.from]!, to: dense[r.to]!, asset: 0,
                    amount: UInt256(r.amount))
            }
            let tagRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT a.id, t.category FROM tags t JOIN addresses a ON a.address = t.address
                    ORDER BY a.id, t.category
                    """)
            for row in tagRows {
                let id: Int64 = row[0]
                if let k = dense[id] { s.tags[k, default: []].append(row[1]) }
            }
            s.dataEnd = s.time.max() ?? until
            s.sortByTime()
            return (s, skipped)
        }
    }
}
