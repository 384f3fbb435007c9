import FlowModel
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The store alone, without FlowKit: the query library's names and parameters, query binding,
/// and a tiny ledger written through the store's transfer writer and read back.
@Suite("The store on its own")
struct StoreTests {
    /// A usage error's message, or nil when `body` did not throw one.
    static func usage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as UsageError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("QueryLibrary.named: a .sql suffix is accepted, an unknown name suggests the close ones")
    func named() throws {
        #expect(try QueryLibrary.named("balance-history.sql").name == "balance-history")
        let message = try #require(Self.usage { _ = try QueryLibrary.named("balance-histroy") })
        #expect(message.hasPrefix("no query named 'balance-histroy'; did you mean balance-history"))
        #expect(message.hasSuffix("(`chainflow query --list` lists them)"))
        let far = try #require(Self.usage { _ = try QueryLibrary.named("zzzzzzzzzzzzzzzz") })
        #expect(!far.contains("did you mean"))
    }

    @Test(
        "--param values: malformed, unknown, repeated, missing and non-integer parameters are usage errors",
        arguments: [
            (["address"], "--param 'address' is not NAME=VALUE (e.g. --param limit=10)"),
            (
                ["address=A", "colour=red"],
                "query 'top-counterparties' has no parameter 'colour'; its parameters: :address, :limit"
            ),
            (["address=A", "address=B"], "--param address is given twice"),
            (["limit=3"], "query 'top-counterparties' needs parameter :address:"),
            (["address=A", "limit=three"], "--param limit='three' is not an integer"),
        ])
    func parameters(params: [String], expected: String) throws {
        let query = try QueryLibrary.named("top-counterparties")
        let message = try #require(Self.usage { _ = try query.arguments(params) })
        #expect(message.hasPrefix(expected), "\(message)")
    }

    @Test("defaults fill in, a leading ':' is allowed")
    func defaults() throws {
        let arguments = try QueryLibrary.named("top-counterparties").arguments([":address=A"])
        #expect(arguments == ["address": .text("A"), "limit": .integer(20)])
    }

    @Test("runQuery names missing and unused parameters, never the bound values")
    func binding() throws {
        let (store, _) = try Fixtures.freshStore()
        let sql = "SELECT id FROM addresses WHERE address = :address"
        do {
            _ = try store.runQuery(sql, arguments: [:])
            Issue.record("a missing parameter was accepted")
        } catch {
            #expect(error.message == "the query needs parameter(s) :address")
        }
        do {
            _ = try store.runQuery(sql, arguments: ["address": .text("A"), "secret": .text("hunter2")])
            Issue.record("an unused parameter was accepted")
        } catch {
            #expect(error.message == "the query has no parameter(s) :secret")
            #expect(!error.description.contains("hunter2"))
        }
        #expect(try store.runQuery(sql, arguments: ["address": .text("A")]).rows.isEmpty)
    }

    @Test("hasTable: the schema's tables, not others")
    func hasTable() throws {
        let (store, _) = try Fixtures.freshStore()
        #expect(try store.hasTable("addresses"))
        #expect(try store.hasTable("transfers"))
        #expect(try !store.hasTable("no_such_table"))
        // A name is bound, not spliced into the SQL.
        #expect(try !store.hasTable("addresses' OR '1'='1"))
    }

    /// Three ledger transfers in USD (2 decimals): A pays B 10.00, B pays C 4.00, C pays A 1.50.
    static func tinyLedger() throws -> GraphStore {
        let (store, _) = try Fixtures.freshStore()
        _ = try store.withTransferWriter { w in
            guard
                case .fresh(let source) = try w.source(
                    path: "tiny", format: "test", fingerprint: [7], size: 3)
            else {
                Issue.record("a fresh database already has the source")
                return
            }
            let usd = try w.asset(chain: "ledger", symbol: "USD", decimals: 2)
            func id(_ a: String) throws -> Int64 {
                try w.address(a, chain: "ledger", kind: AccountKind.ledger)
            }
            let rows: [(String, String, String, UInt64, Int64)] = [
                ("t1", "A", "B", 1000, 1_700_000_000), ("t2", "B", "C", 400, 1_700_000_100),
                ("t3", "C", "A", 150, 1_700_000_200),
            ]
            for (k, r) in rows.enumerated() {
                try w.append(
                    TransferRecord(
                        kind: .ledger, tx: r.0, seq: 0, from: try id(r.1), to: try id(r.2), asset: usd,
                        amount: UInt256(r.3), time: r.4, line: Int64(k + 2)),
                    source: source)
            }
            try w.commit(source: source, bytesDone: 3, rowsDone: rows.count, complete: true)
        }
        return store
    }

    @Test("addressHistory on a ledger written through the transfer writer: movements and running balances")
    func history() throws {
        let store = try Self.tinyLedger()
        let a = try store.addressHistory("A")
        #expect(a.map(\.tx) == ["t1", "t3"])
        #expect(a.map(\.model) == ["account", "account"])
        #expect(a.map(\.asset) == ["USD", "USD"])
        #expect(a.map(\.sent) == [UInt256(1000), .zero])
        #expect(a.map(\.received) == [.zero, UInt256(150)])
        // A paid 10.00 and got 1.50 back: -850 base units.
        #expect(
            a.map(\.balance) == [
                SignedAmount(negative: true, magnitude: UInt256(1000)),
                SignedAmount(negative: true, magnitude: UInt256(850)),
            ])
        #expect(a.map(\.time) == [1_700_000_000, 1_700_000_200])
        #expect(a.allSatisfy { $0.block == nil })
        let b = try store.addressHistory("B")
        #expect(b.last?.balance == SignedAmount(magnitude: UInt256(600)))
        #expect(try store.addressHistory("nobody").isEmpty)
        // A source is identified by its bytes: the same fingerprint is complete, not fresh.
        _ = try store.withTransferWriter { w in
            let again = try w.source(path: "elsewhere", format: "test", fingerprint: [7], size: 3)
            #expect(again == .complete(id: 1, rows: 3))
        }
    }
}
