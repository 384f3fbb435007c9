import FlowModel
import FlowTestSupport
import Foundation
import Testing

@testable import FlowStore

/// The address report's rows of account-model addresses from one read of their transfers
/// (`AddressTransfers`) against the library queries they replace in the report
/// (`balance-history`, `top-counterparties`, `tag-exposure`) and the profile's former SQL
/// aggregation, on random ledgers: every kind and status, missing ends, payments to oneself,
/// zero amounts, amounts beyond 2^63 (stored as BLOBs), equal times, a hub in most rows (read by
/// a table scan) and addresses in few (read through the indexes), tags from several sources.
@Suite("Address report rows from one read")
struct AccountAddressFlowsTests {
    /// The profile's activity and fees as `GraphStore.assetActivity` computed them in SQL before
    /// the one-read version, amounts as text.
    static let activityReference = """
        SELECT a.id, asset_name(a.symbol, a.contract, a.id), a.chain, NULLIF(a.contract, ''), a.decimals,
          amount_text(x.received), amount_text(x.sent), x.n, x.first, x.last
        FROM (
          SELECT asset_id,
            amount_sum(CASE WHEN to_id = :me AND kind != :fee THEN amount END) AS received,
            amount_sum(CASE WHEN from_id = :me AND kind != :fee THEN amount END) AS sent,
            SUM(kind != :fee) AS n, MIN(time) AS first, MAX(time) AS last
          FROM (
            SELECT * FROM transfers WHERE to_id = :me AND status IS NOT 0
            UNION ALL
            SELECT * FROM transfers WHERE from_id = :me AND (status IS NOT 0 OR kind = :fee)
              AND to_id IS NOT :me
          ) GROUP BY asset_id
        ) x JOIN assets a ON a.id = x.asset_id WHERE x.n > 0 ORDER BY a.id
        """
    static let feeReference = """
        SELECT asset_name(a.symbol, a.contract, a.id), a.chain, a.decimals, amount_text(amount_sum(t.amount)), COUNT(*)
        FROM transfers t JOIN assets a ON a.id = t.asset_id
        WHERE t.from_id = :me AND t.kind = :fee GROUP BY t.asset_id ORDER BY t.asset_id
        """

    static let names = ["HUB", "A1", "A2", "A3", "A4", "Zoë", "zed", "Éclair", "a", "0xabc"]

    /// A random ledger of `count` transfers; HUB takes part in about half of them.
    static func ledger(seed: UInt64, count: Int) throws -> GraphStore {
        var rng = SplitMix64(seed: seed)
        let (store, _) = try Fixtures.freshStore()
        _ = try store.withTransferWriter { w in
            guard
                case .fresh(let source) = try w.source(
                    path: "random", format: "test", fingerprint: [UInt8(seed)], size: 1)
            else { return }
            let assets = [
                try w.asset(chain: "ledger", symbol: "USD", decimals: 2),
                BuiltinAsset.eth,
                try w.asset(
                    chain: "ethereum", symbol: "TKN", contract: "0x" + String(repeating: "ab", count: 20)),
                try w.asset(
                    chain: "ethereum", symbol: nil, contract: "0x" + String(repeating: "cd", count: 20)),
            ]
            var ids: [Int64] = []
            for n in names { ids.append(try w.address(n, chain: "ledger", kind: AccountKind.ledger)) }
            let kinds: [TransferKind] = [.value, .internalCall, .token, .fee, .ledger]
            for k in 0..<count {
                func someone() -> Int64? { rng.below(12) == 0 ? nil : ids[rng.below(ids.count)] }
                var from = someone()
                var to = someone()
                if rng.below(2) == 0 {
                    if rng.below(2) == 0 { from = ids[0] } else { to = ids[0] }
                }
                if rng.below(20) == 0 { to = from }
                let amount: UInt256
                switch rng.below(6) {
                case 0: amount = .zero
                case 1, 2: amount = UInt256(rng.next() % 1_000_000)
                case 3: amount = UInt256(UInt64(Int64.max) - rng.next() % 3)
                case 4: amount = UInt256(limbs: (rng.next(), rng.next() % 1000, 0, 0))
                default: amount = UInt256(limbs: (rng.next(), rng.next(), rng.next(), rng.next() >> 20))
                }
                let status: Bool? = [true, true, true, false, nil][rng.below(5)]
                try w.append(
                    TransferRecord(
                        kind: kinds[rng.below(kinds.count)],
                        tx: rng.below(10) == 0 ? nil : "tx\(rng.below(count))",
                        seq: Int64(k), from: from, to: to, asset: assets[rng.below(assets.count)],
                        amount: amount,
                        time: 1_700_000_000 + Int64(rng.below(count / 4)),
                        block: rng.below(3) == 0 ? nil : Int64(k),
                        status: status, line: Int64(k + 2)),
                    source: source)
            }
            try w.commit(source: source, bytesDone: 1, rowsDone: count, complete: true)
        }
        var tags: [TagRecord] = []
        for (i, n) in names.enumerated() where i % 2 == 1 || n == "Zoë" {
            tags.append(TagRecord(address: n, label: "listed \(n)", category: "sanctions", source: "ofac"))
            tags.append(TagRecord(address: n, label: "listed \(n)", category: "sanctions", source: "eu"))
            if i % 3 == 0 {
                tags.append(TagRecord(address: n, label: "Ärger", category: "mixer", source: "x"))
            }
        }
        _ = try store.importTags(tags, importedAt: "2026-12-03")
        return store
    }

    func noTags(_ c: [AddressCounterparty]) -> [AddressCounterparty] {
        c.map {
            var x = $0
            x.tags = []
            return x
        }
    }

    @Test(
        "history, counterparties, exposure and activity equal the SQL they replace", arguments: [1, 2, 3, 4])
    func sameRowsAsTheQueries(seed: UInt64) throws {
        let store = try Self.ledger(seed: seed, count: 600)
        for name in Self.names + ["nobody"] {
            let history = try store.addressHistory(name)
            #expect(history == (try store.libraryHistory(name)), "history of \(name)")
            for limit in [1, 3, 20] {
                #expect(
                    noTags(try store.addressCounterparties(name, limit: limit))
                        == (try store.libraryCounterparties(name, limit: limit)),
                    "counterparties of \(name), limit \(limit)")
            }
            let exposure = try store.addressExposure(name)
            #expect(exposure == (try store.libraryExposure(name)), "exposure of \(name)")

            let (assets, fees) = try store.assetActivity(name)
            var expectedAssets: [AssetActivity] = []
            var expectedFees: [AssetActivity] = []
            let id = try store.runQuery(
                "SELECT id FROM addresses WHERE address = :a", arguments: ["a": .text(name)])
            if case .integer(let me)? = id.rows.first?.first {
                let args: [String: SQLValue] = [
                    "me": .integer(me), "fee": .integer(TransferKind.fee.rawValue),
                ]
                func text(_ v: SQLValue) -> String? { if case .text(let s) = v { s } else { nil } }
                func int(_ v: SQLValue) -> Int64? { if case .integer(let i) = v { i } else { nil } }
                for r in try store.runQuery(Self.activityReference, arguments: args).rows {
                    expectedAssets.append(
                        AssetActivity(
                            asset: text(r[1]) ?? "", chain: text(r[2]) ?? "", contract: text(r[3]),
                            decimals: int(r[4]).map(Int.init),
                            received: UInt256(decimal: text(r[5]) ?? "0") ?? .zero,
                            sent: UInt256(decimal: text(r[6]) ?? "0") ?? .zero,
                            transfers: Int(int(r[7]) ?? 0),
                            firstTime: int(r[8]), lastTime: int(r[9])))
                }
                for r in try store.runQuery(Self.feeReference, arguments: args).rows {
                    expectedFees.append(
                        AssetActivity(
                            asset: text(r[0]) ?? "", chain: text(r[1]) ?? "",
                            decimals: int(r[2]).map(Int.init),
                            received: .zero, sent: UInt256(decimal: text(r[3]) ?? "0") ?? .zero,
                            transfers: Int(int(r[4]) ?? 0)))
                }
            }
            #expect(assets == expectedAssets, "activity of \(name)")
            #expect(fees == expectedFees, "fees of \(name)")

            let all = try store.addressReportRows(name, counterparties: 3)
            #expect(
                all.history == history && all.exposure == exposure && all.assets == assets && all.fees == fees
            )
            #expect(all.counterparties == (try store.addressCounterparties(name, limit: 3)))
        }
        // The ledger has what the comparison is about.
        let hub = try store.addressHistory("HUB")
        #expect(hub.count > 150)
        #expect(hub.contains { $0.balance.negative } && hub.contains { $0.received.uint64 == nil })
        #expect(try !store.addressExposure("HUB").isEmpty)
    }

    @Test("the hub is read by a table scan and a small address through the indexes, with the same rows")
    func scanAndIndexAgree() throws {
        let store = try Self.ledger(seed: 9, count: 400)
        try store.read("test") { db in
            for name in ["HUB", "A3"] {
                let id = try #require(
                    try Int64.fetchOne(
                        db, sql: "SELECT id FROM addresses WHERE address = ?", arguments: [name]))
                let rows = try AddressTransfers.load(db, me: id, path: "test")
                let indexed = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM (SELECT id FROM transfers WHERE to_id = ?1
                        UNION SELECT id FROM transfers WHERE from_id = ?1)
                        """, arguments: [id])
                #expect(Int64(rows.count) == indexed)
                #expect(Set(rows.id).count == rows.count, "each transfer once (\(name))")
            }
        }
    }
}
