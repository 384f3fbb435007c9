import FlowTestSupport
import Foundation
import Testing

/// Forged or inconsistent Ethereum exports through the `chainflow` executable (issue 15,
/// finding 7): a block number with two hashes (a reorganisation), a transaction hash with two
/// contents, control characters in identifiers, and a token calling itself `ETH`.
@Suite("Ethereum export integrity and identifiers")
struct EthereumIntegrityTests {
    static let folder = Fixtures.packageRoot.path + "/SampleData/ethereum-etl/blocks_with_transactions"
    static let firstTx = "0x99f1097abd8f33a68f0ed63d60de5f3e7e2a3e0579b90d5f46a4f201c658b46d"
    static let block47218 = "0x889c421abc62a48641eee140519e6da8c9dc01d85d8f5c4fbc3c13e3c6e4cb3e"

    static func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n").map(
            String.init)
    }

    static func write(_ lines: [String], _ path: String) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("a transaction hash stored again with other content is exit 65 naming file, line and field")
    func duplicateTransactionHash() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        var tx = try Self.lines("expected_transactions.csv")
        let first = tx[1]
        // The same hash, ten times the value.
        let forged = first.replacingOccurrences(
            of: ",110000000000000000000,", with: ",1100000000000000000000,")
        try #require(forged != first)
        // In one file: the second row.
        try Self.write([tx[0], first, forged], dir + "/transactions.csv")
        let one = try CLIProcess.run(["ingest", "--quiet", "--db", db, dir + "/transactions.csv"], in: dir)
        #expect(one.status == 65, "\(one.stderr)")
        #expect(one.stderr.contains("transactions.csv:3:1: field 'hash'"), "\(one.stderr)")
        #expect(one.stderr.contains(Self.firstTx) && one.stderr.contains("other content"), "\(one.stderr)")
        // Across runs: the sample first, then a file with the forged row.
        let db2 = dir + "/case2.db"
        let good = try CLIProcess.run(
            ["ingest", "--quiet", "--db", db2, Self.folder + "/expected_transactions.csv"], in: dir)
        try #require(good.status == 0, "\(good.stderr)")
        tx[1] = forged
        try Self.write(tx, dir + "/later.csv")
        let later = try CLIProcess.run(["ingest", "--quiet", "--db", db2, dir + "/later.csv"], in: dir)
        #expect(later.status == 65, "\(later.stderr)")
        #expect(later.stderr.contains("later.csv:2:1: field 'hash'"), "\(later.stderr)")
        // The same rows again (an overlapping export) are fine.
        let again = try CLIProcess.run(
            [
                "ingest", "--quiet", "--db", db2, "--format", "ethereum-etl",
                Self.folder + "/expected_transactions.csv",
            ],
            in: dir)
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test("one block number with two hashes in a run is refused, not double counted")
    func reorganisation() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        let blocks = try Self.lines("expected_blocks.csv")
        let orphan = blocks[1].replacingOccurrences(
            of: Self.block47218, with: "0x" + String(repeating: "ab", count: 32))
        try Self.write([blocks[0], blocks[1], blocks[2], orphan], dir + "/blocks.csv")
        let r = try CLIProcess.run(
            [
                "ingest", "--quiet", "--db", db, dir + "/blocks.csv",
                Self.folder + "/expected_transactions.csv",
            ],
            in: dir)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("blocks.csv:4:") && r.stderr.contains("block 47218"), "\(r.stderr)")
        #expect(r.stderr.contains(Self.block47218), "\(r.stderr)")
        // A transaction naming another hash for its block than the blocks file.
        var tx = try Self.lines("expected_transactions.csv")
        tx[1] = tx[1].replacingOccurrences(
            of: Self.block47218, with: "0x" + String(repeating: "cd", count: 32))
        try Self.write(tx, dir + "/transactions.csv")
        let db2 = dir + "/case2.db"
        let t = try CLIProcess.run(
            [
                "ingest", "--quiet", "--db", db2, Self.folder + "/expected_blocks.csv",
                dir + "/transactions.csv",
            ],
            in: dir)
        #expect(t.status == 65, "\(t.stderr)")
        #expect(t.stderr.contains("transactions.csv:2:") && t.stderr.contains("block_hash"), "\(t.stderr)")
    }

    @Test(
        "control characters in a ledger's identifiers are refused with file, line and field",
        arguments: ["ACC-2001\u{0}evil", "ACC\u{1b}[2K", "ACC\u{202E}1", "ACC\u{7f}"])
    func controlCharactersInAccounts(_ name: String) throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        let csv =
            "tx,time,from,to,amount\n1,2024-03-01T09:00:00Z,ACC-1,ACC-2,5\n2,2024-03-01T10:00:00Z,ACC-1,\(name),5\n"
        try csv.write(toFile: dir + "/ledger.csv", atomically: true, encoding: .utf8)
        let r = try CLIProcess.run(
            [
                "ingest", "--quiet", "--db", db, "--format", "transfers-csv", "--map",
                "tx=tx,time=time,from=from,to=to,amount=amount", dir + "/ledger.csv",
            ], in: dir)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("ledger.csv:3:4: field 'to (to)'"), "\(r.stderr)")
        #expect(r.stderr.contains("control character"), "\(r.stderr)")
        #expect(!r.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(r.stderr)")
    }

    @Test("a token whose symbol is ETH is shown apart from ether")
    func tokenCalledETH() throws {
        let dir = try Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/case.db"
        let token = "0x" + String(repeating: "e7", count: 20)
        let holder = "0xa0e74ae010d51894734c308d612131056bb721ad"
        try "address,symbol,name,decimals,total_supply,block_number\n\(token),ETH,Ether,18,1,47218\n".write(
            toFile: dir + "/tokens.csv", atomically: true, encoding: .utf8)
        try """
        token_address,from_address,to_address,value,transaction_hash,log_index,block_number
        \(token),0x1406854d149e081ac09cb4ca560da463f3123059,\(holder),5000000000000000000000,\(Self.firstTx),7,47218

        """.write(toFile: dir + "/token_transfers.csv", atomically: true, encoding: .utf8)
        let r = try CLIProcess.run(
            [
                "ingest", "--quiet", "--db", db, Self.folder + "/expected_blocks.csv",
                Self.folder + "/expected_transactions.csv", dir + "/tokens.csv", dir + "/token_transfers.csv",
            ], in: dir)
        try #require(r.status == 0, "\(r.stderr)")
        let a = try CLIProcess.run(["address", holder, "--db", db], in: dir)
        #expect(a.status == 0, "\(a.stderr)")
        // Native ether: 110 ETH; the token: 5000 of "ETH (token 0xe7e7…e7e7)".
        #expect(a.stdout.contains("110 ETH"), "\(a.stdout)")
        #expect(a.stdout.contains("5000 ETH (token 0xe7e7…e7e7)"), "\(a.stdout)")
        #expect(!a.stdout.contains("5000 ETH\n"), "\(a.stdout)")
    }
}
