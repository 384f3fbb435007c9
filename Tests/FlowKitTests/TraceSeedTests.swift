import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Seeds with kinds: `address:`, `sent:`, `tx:`, `output:`, bare seeds that name two things in a
/// ledger whose account names and transaction ids are both small integers (as AMLSim's are),
/// and seed files with CRLF, a byte-order mark, comments and line numbers in their errors.
@Suite struct TraceSeedTests {
    /// A ledger in AMLSim's shape: accounts 2, 3, 7 and 9; transactions 1 to 3. "2" and "3" are
    /// both an account and a transaction.
    static let ledger = """
        tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id
        1,7,2,TRANSFER,100.00,2024-03-01T09:00:00Z,False,-1
        2,2,3,TRANSFER,60.00,2024-03-02T09:00:00Z,False,-1
        3,3,9,TRANSFER,10.00,2024-03-03T09:00:00Z,False,-1

        """

    static func ledgerCase() throws -> (store: GraphStore, folder: String) {
        let (store, folder) = try Fixtures.freshStore()
        let path = folder + "/transactions.csv"
        try Data(ledger.utf8).write(to: URL(fileURLWithPath: path))
        _ = try TransferCSVStoreTests.ingest(store, [path])
        return (store, folder)
    }

    static func endpoints(_ run: TraceRun) -> [String: String] {
        var out: [String: String] = [:]
        for e in run.reports[0].endpoints { out[e.address ?? "-"] = e.amount.decimalString }
        return out
    }

    @Test("kinds are read from the text; a kind with nothing or a malformed value after it is a usage error")
    func kinds() throws {
        #expect(try TraceSeed("  tx:abc \t").kind() == .transaction("abc"))
        #expect(try TraceSeed("Address:ACC-1").kind() == .address("ACC-1"))
        #expect(try TraceSeed("sent:7").kind() == .sent("7"))
        let txid = String(repeating: "ab", count: 32)
        #expect(try TraceSeed("output:\(txid):3").kind() == .output(txid: txid, vout: 3))
        #expect(try TraceSeed("\(txid):3").kind() == .bare("\(txid):3"))
        let bad = #expect(throws: TraceSeedError.self) { try TraceSeed("output:zz:1").kind() }
        #expect(bad?.exitCode == 64)
        #expect(
            bad?.description.hasPrefix("chainflow trace: error: seed 'output:zz:1' is not output:TXID:N")
                == true)
        let empty = #expect(throws: TraceSeedError.self) { try TraceSeed("tx:").kind() }
        #expect(empty?.message == "seed 'tx:' names nothing after 'tx:'")
    }

    @Test("a seed file with a byte-order mark, CRLF, comments and blank lines; errors name the line")
    func seedFile() throws {
        let seeds = try TraceSeed.parse(
            "\u{FEFF}# seeds\r\ntx:1\r\n\r\n  address:2  # the account\r\n", file: "s.txt")
        #expect(seeds.map(\.text) == ["tx:1", "address:2"])
        #expect(seeds.map(\.line) == [2, 4])
        let bad = #expect(throws: TraceSeedError.self) {
            try TraceSeed.parse("tx:1\r\naddress:2\r\noutput:1\r\n", file: "s.txt")
        }
        #expect(bad?.location == "s.txt:3")
        #expect(bad?.exitCode == 64)
        let missing = #expect(throws: TraceSeedError.self) {
            try TraceSeed.read(file: "/nonexistent/seeds.txt")
        }
        #expect(
            missing?.description == "/nonexistent/seeds.txt: error: cannot read the seed file: no such file")
        #expect(missing?.exitCode == 66)
    }

    @Test("address:N traces the account, tx:N the transfer; a bare N that is both is refused naming both")
    func ambiguousLedgerSeeds() throws {
        let (store, _) = try Self.ledgerCase()
        // Account 2 received 100.00 (transfer 1) and passed 60.00 on to 3, which passed 10.00 to 9.
        let account = try Trace.run(store: store, options: TraceOptions(from: ["address:2"]))
        #expect(account.reports[0].totals.seeds == UInt256(10_000))
        #expect(Self.endpoints(account) == ["2": "4000", "3": "5000", "9": "1000"])
        // Transfer 2 moved 60.00 from 2 to 3.
        let transfer = try Trace.run(store: store, options: TraceOptions(from: ["tx:2"]))
        #expect(transfer.reports[0].totals.seeds == UInt256(6_000))
        #expect(Self.endpoints(transfer) == ["3": "5000", "9": "1000"])
        let ambiguous = #expect(throws: TraceSeedError.self) {
            try Trace.run(store: store, options: TraceOptions(from: ["2"]))
        }
        #expect(ambiguous?.exitCode == 64)
        #expect(
            ambiguous?.message
                == "seed '2' is ambiguous: it is both a transaction (tx:2, 1 transfer) and an address (address:2, received 1 transfer); say which with --from tx:2 or --from address:2"
        )
        // "1" is only a transaction, "9" only an account: bare seeds work.
        #expect(
            try Trace.run(store: store, options: TraceOptions(from: ["1"])).reports[0].totals.seeds
                == UInt256(10_000))
        #expect(
            try Trace.run(store: store, options: TraceOptions(from: ["9"])).reports[0].totals.seeds
                == UInt256(1_000))
    }

    @Test("an account that only sent says so and offers sent:; sent: traces its transfers out")
    func onlySent() throws {
        let (store, _) = try Self.ledgerCase()
        let error = #expect(throws: TraceSeedError.self) {
            try Trace.run(store: store, options: TraceOptions(from: ["7"]))
        }
        #expect(error?.exitCode == 66)
        #expect(
            error?.message
                == "address '7' received nothing in this database; it only sent (1 transfer): to trace what it sent, seed from its outflows with --from sent:7"
        )
        let sent = try Trace.run(store: store, options: TraceOptions(from: ["sent:7"]))
        #expect(sent.reports[0].totals.seeds == UInt256(10_000))
        #expect(Self.endpoints(sent) == ["2": "4000", "3": "5000", "9": "1000"])
    }

    @Test("through the executable: an ambiguous seed exits 64 naming both readings; address:N works")
    func commandLine() throws {
        let (_, folder) = try Self.ledgerCase()
        let db = folder + "/test.db"
        let ambiguous = try CLIProcess.run(["trace", "--db", db, "--from", "2"], in: folder)
        #expect(ambiguous.status == 64)
        #expect(ambiguous.stderr.contains("chainflow trace: error: seed '2' is ambiguous"))
        #expect(ambiguous.stderr.contains("--from tx:2 or --from address:2"))
        let account = try CLIProcess.run(
            ["trace", "--db", db, "--from", "address:2", "--format", "csv"], in: folder, label: "account")
        #expect(account.status == 0, "\(account.stderr)")
        // Account 2 keeps 40.00, 3 keeps 50.00, 9 received 10.00 over transfers 1, 2 and 3; each
        // endpoint and step with the time of its transfer in the ledger.
        #expect(
            account.stdout.contains(
                "endpoint,balance,2,,,,4000,40,400000000,0,1,2024-03-01T09:00:00Z,2024-03-01T09:00:00Z,2024-03-01T09:00:00Z\n"
            ))
        #expect(
            account.stdout.contains(
                "endpoint,balance,9,,,,1000,10,100000000,2,1 2 3,2024-03-03T09:00:00Z,2024-03-03T09:00:00Z,2024-03-01T09:00:00Z 2024-03-02T09:00:00Z 2024-03-03T09:00:00Z\n"
            ))
        let seedFile = folder + "/seeds.txt"
        try Data("tx:1\r\noutput:nope\r\n".utf8).write(to: URL(fileURLWithPath: seedFile))
        let bad = try CLIProcess.run(
            ["trace", "--db", db, "--from-file", seedFile], in: folder, label: "file")
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("\(seedFile):2: error: seed 'output:nope' is not output:TXID:N"))
        let policy = try CLIProcess.run(
            ["trace", "--db", db, "--from", "tx:1", "--policy", "lifo"], in: folder, label: "policy")
        #expect(policy.status == 64)
        #expect(policy.stderr.contains("lifo"))
    }
}
