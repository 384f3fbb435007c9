import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowTestSupport
import Foundation
import GRDB
import Testing

@testable import FlowStore

/// Transfers CSV end to end into a fresh database: what lands in `transfers`, `addresses` and
/// `assets` (read back with SQL), idempotent re-ingest, keeping rows before a bad one and resuming
/// after the fix, and exact amounts beyond 2^64 in SQL ordering and sums.
@Suite("Transfers CSV into the store")
struct TransferCSVStoreTests {
    // MARK: Helpers

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Ingests `paths` as transfers CSV (`mapping` nil: the preset the header matches).
    @discardableResult
    static func ingest(
        _ store: GraphStore, _ paths: [String], mapping: TransferCSVMapping? = nil, chunkRows: Int = 50_000
    ) throws -> AccountIngestReport {
        let plan = try IngestPlan.classify(paths: paths, override: mapping == nil ? nil : .transfersCSV)
        #expect(plan.files(.transfersCSV).count == paths.count, "every file is a transfers CSV")
        return try TransferCSVIngest.run(
            store: store, files: plan.files(.transfersCSV),
            options: TransferCSVOptions(mapping: mapping, chunkRows: chunkRows))
    }

    /// The rows of `sql`, every column as text (NULL as "NULL").
    static func query(_ store: GraphStore, _ sql: String) throws -> [[String]] {
        try store.read("test query") { db in
            try Row.fetchAll(db, sql: sql).map { row in
                row.databaseValues.map { value -> String in
                    switch value.storage {
                    case .null: "NULL"
                    case .int64(let v): String(v)
                    case .double(let v): String(v)
                    case .string(let s): s
                    case .blob(let d): "x'" + d.map { String(format: "%02x", $0) }.joined() + "'"
                    }
                }
            }
        }
    }

    /// One line per stored transfer, in file order, without row ids (comparable across stores).
    static let dumpSQL = """
        SELECT t.kind, t.tx, t.seq, t.line, t.time, f.address, f.kind, f.chain, o.address,
               a.chain, a.symbol, a.decimals, amount_text(t.amount), typeof(t.amount), t.status, t.block
        FROM transfers t
        JOIN addresses f ON f.id = t.from_id JOIN addresses o ON o.id = t.to_id
        JOIN assets a ON a.id = t.asset_id
        ORDER BY t.source_id, t.seq
        """

    static func dump(_ store: GraphStore) throws -> [String] {
        try query(store, dumpSQL).map { $0.joined(separator: "|") }
    }

    /// (address, symbol, sent) per sender and asset, from `amount_sum`.
    static func sentPerAddress(_ store: GraphStore) throws -> [[String]] {
        try query(
            store,
            """
            SELECT f.address, a.symbol, amount_text(amount_sum(t.amount)), COUNT(*)
            FROM transfers t JOIN addresses f ON f.id = t.from_id JOIN assets a ON a.id = t.asset_id
            GROUP BY f.address, a.symbol ORDER BY f.address, a.symbol
            """)
    }

    static func receivedPerAddress(_ store: GraphStore) throws -> [[String]] {
        try query(
            store,
            """
            SELECT o.address, a.symbol, amount_text(amount_sum(t.amount)), COUNT(*)
            FROM transfers t JOIN addresses o ON o.id = t.to_id JOIN assets a ON a.id = t.asset_id
            GROUP BY o.address, a.symbol ORDER BY o.address, a.symbol
            """)
    }

    static func count(_ store: GraphStore, _ table: String) throws -> Int {
        Int(try query(store, "SELECT COUNT(*) FROM \(table)")[0][0]) ?? -1
    }

    static let amlsimCSV = """
        tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id
        1,100,200,TRANSFER,465.05,2017-01-01T00:00:00Z,False,-1
        2,200,300,TRANSFER,100.00,2017-01-01T00:00:00Z,False,-1
        3,100,300,TRANSFER,0.01,2017-01-02T00:00:00Z,True,7
        4,300,100,TRANSFER,1234567.89,2017-01-03T00:00:00Z,True,7
        5,200,100,TRANSFER,20,2017-01-04T12:30:00Z,False,-1

        """

    static let amlworldCSV = """
        Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering
        2022/09/01 00:20,010,8000EBD30,010,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,Reinvestment,0
        2022/09/01 00:20,3208,8000F4580,001,8000F5340,0.01,US Dollar,0.01,US Dollar,Cheque,0
        2022/09/01 00:22,001,8000F5340,3208,8000F4580,14675.57,Euro,14675.57,Euro,ACH,0
        2022/09/01 00:27,3402,80021DAD0,3402,80021DAD0,0.00012345,Bitcoin,0.00012345,Bitcoin,Bitcoin,1
        2022/09/02 13:05,001,8000F5340,010,8000EBD30,2.5,Euro,2.94,US Dollar,Wire,1

        """

    static let plainMapping: TransferCSVMapping = {
        do {
            return try TransferCSVMapping.parse("tx=id,time=ts,from=src,to=dst,amount=amt")
        } catch {
            preconditionFailure("\(error)")
        }
    }()

    // MARK: Presets

    @Test("IBM's AMLSim sample (day steps, no transaction ids, CRLF) lands as it is; re-ingest adds nothing")
    func amlsimSample() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/transactions.csv"
        try Self.write(
            "sourceNodeId,targetNodeId,value,time\r\n280,15349,147.8,1\r\n15349,7,100,3\r\n", to: path)
        let report = try Self.ingest(store, [path])
        #expect(report.files[0].role == "amlsim-sample" && report.files[0].added == 2)
        let rows = try Self.query(
            store,
            "SELECT t.tx IS NULL, f.address, d.address, t.time, amount_text(t.amount), t.line FROM transfers t JOIN addresses f ON f.id = t.from_id JOIN addresses d ON d.id = t.to_id ORDER BY t.id"
        )
        #expect(
            rows == [
                ["1", "280", "15349", "\(1_483_228_800 + 86_400)", "14780", "2"],
                ["1", "15349", "7", "\(1_483_228_800 + 3 * 86_400)", "10000", "3"],
            ])
        let again = try Self.ingest(store, [path])
        #expect(again.files[0].alreadyIngested && again.summary.transfers == 0)
        #expect(try Self.query(store, "SELECT COUNT(*) FROM transfers") == [["2"]])
    }

    @Test("an AMLSim transactions.csv lands as ledger transfers in cents, with exact sums per account")
    func amlsim() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/transactions.csv"
        try Self.write(Self.amlsimCSV, to: path)
        let report = try Self.ingest(store, [path])
        #expect(report.files.count == 1)
        #expect(report.files[0].role == "amlsim")
        #expect(report.files[0].records == 5)
        #expect(report.files[0].added == 5)
        #expect(report.summary.transfers == 5)
        #expect(report.summary.newAddresses == 3)
        #expect(report.summary.newAssets == 1)

        #expect(
            try Self.dump(store) == [
                "4|1|1|2|1483228800|100|225|ledger|200|ledger|USD|2|46505|integer|1|NULL",
                "4|2|2|3|1483228800|200|225|ledger|300|ledger|USD|2|10000|integer|1|NULL",
                "4|3|3|4|1483315200|100|225|ledger|300|ledger|USD|2|1|integer|1|NULL",
                "4|4|4|5|1483401600|300|225|ledger|100|ledger|USD|2|123456789|integer|1|NULL",
                "4|5|5|6|1483533000|200|225|ledger|100|ledger|USD|2|2000|integer|1|NULL",
            ])
        // Sums per account, worked out by hand from the CSV above.
        #expect(
            try Self.sentPerAddress(store) == [
                ["100", "USD", "46506", "2"], ["200", "USD", "12000", "2"], ["300", "USD", "123456789", "1"],
            ])
        #expect(
            try Self.receivedPerAddress(store) == [
                ["100", "USD", "123458789", "2"], ["200", "USD", "46505", "1"], ["300", "USD", "10001", "2"],
            ])
        #expect(
            try Self.query(store, "SELECT chain, symbol, contract, decimals FROM assets WHERE symbol = 'USD'")
                == [
                    ["ledger", "USD", "", "2"]
                ])
        let source = try Self.query(store, "SELECT path, status, rows_done, bytes_done, size FROM sources")
        #expect(
            source == [
                [path, "complete", "5", "\(Self.amlsimCSV.utf8.count)", "\(Self.amlsimCSV.utf8.count)"]
            ])
    }

    @Test("an AMLworld *_Trans.csv: bank:account addresses, the amount paid in each payment currency")
    func amlworld() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/HI-Small_Trans.csv"
        try Self.write(Self.amlworldCSV, to: path)
        let report = try Self.ingest(store, [path])
        #expect(report.files[0].role == "amlworld")
        #expect(report.summary.transfers == 5)
        #expect(report.summary.newAddresses == 4)
        #expect(report.summary.newAssets == 3)
        let sept1 = 1_661_990_400
        #expect(
            try Self.dump(store) == [
                "4|NULL|1|2|\(sept1 + 1200)|010:8000EBD30|225|ledger|010:8000EBD30|ledger|US Dollar|8|369734000000|integer|1|NULL",
                "4|NULL|2|3|\(sept1 + 1200)|3208:8000F4580|225|ledger|001:8000F5340|ledger|US Dollar|8|1000000|integer|1|NULL",
                "4|NULL|3|4|\(sept1 + 1320)|001:8000F5340|225|ledger|3208:8000F4580|ledger|Euro|8|1467557000000|integer|1|NULL",
                "4|NULL|4|5|\(sept1 + 1620)|3402:80021DAD0|225|ledger|3402:80021DAD0|ledger|Bitcoin|8|12345|integer|1|NULL",
                "4|NULL|5|6|\(sept1 + 86400 + 47100)|001:8000F5340|225|ledger|010:8000EBD30|ledger|US Dollar|8|294000000|integer|1|NULL",
            ])
        #expect(
            try Self.sentPerAddress(store) == [
                ["001:8000F5340", "Euro", "1467557000000", "1"],
                ["001:8000F5340", "US Dollar", "294000000", "1"],
                ["010:8000EBD30", "US Dollar", "369734000000", "1"],
                ["3208:8000F4580", "US Dollar", "1000000", "1"],
                ["3402:80021DAD0", "Bitcoin", "12345", "1"],
            ])
        #expect(
            try Self.query(
                store, "SELECT symbol, decimals FROM assets WHERE chain = 'ledger' ORDER BY symbol") == [
                    ["Bitcoin", "8"], ["Euro", "8"], ["US Dollar", "8"],
                ])
    }

    @Test(
        "only a file no run can have read is read before its fingerprint is known; the ids are those of a run that waits"
    )
    func earlyReading() throws {
        let (store, dir) = try Fixtures.freshStore()
        let a = dir + "/transactions.csv"
        let b = dir + "/more.csv"
        try Self.write(Self.amlsimCSV, to: a)
        // The second file names accounts of the first and new ones, in a size no source has.
        let more =
            Self.amlsimCSV.replacingOccurrences(of: "2017-01-0", with: "2017-02-0")
            + "9,9069,77,TRANSFER,1.00,2017-02-09T00:00:00Z,False,-1\n"
        try Self.write(more, to: b)
        let format = TransferCSVMapper.sourceFormat(TransferCSVMapping.amlsim)
        let sizeA = try Data(contentsOf: URL(fileURLWithPath: a)).count
        var known: [Bool] = []
        _ = try store.withTransferWriter { w in
            known.append(try w.mayKnow(path: a, format: format, size: sizeA))
        }
        try Self.ingest(store, [a, b])
        _ = try store.withTransferWriter { w in
            // The same size (the same bytes under another name); another size; another format.
            known.append(try w.mayKnow(path: dir + "/copy.csv", format: format, size: sizeA))
            known.append(try w.mayKnow(path: dir + "/copy.csv", format: format, size: sizeA + 1))
            known.append(try w.mayKnow(path: a, format: format + "-other", size: sizeA))
        }
        #expect(known == [false, true, false, false])
        // A run that must wait for the fingerprint (a partial source under the path) makes the same ids.
        let (waiting, dir2) = try Fixtures.freshStore()
        try Self.write(Self.amlsimCSV, to: dir2 + "/transactions.csv")
        try Self.write(more, to: dir2 + "/more.csv")
        _ = try waiting.withTransferWriter { w in
            for p in ["/transactions.csv", "/more.csv"] {
                _ = try w.source(
                    path: dir2 + p, format: format,
                    fingerprint: Array(repeating: 7, count: 32) + Array(p.utf8),
                    size: 1, options: nil, prefixHash: nil)
            }
        }
        try Self.ingest(waiting, [dir2 + "/transactions.csv", dir2 + "/more.csv"])
        let ids = "SELECT a.id, a.address FROM addresses a ORDER BY a.id"
        #expect(try Self.query(store, ids) == Self.query(waiting, ids))
        #expect(try Self.dump(store) == Self.dump(waiting))
        #expect(try Self.count(store, "addresses") == 5)
    }

    @Test("re-ingesting a finished file changes nothing and says already_ingested")
    func reingest() throws {
        let (store, dir) = try Fixtures.freshStore()
        let a = dir + "/transactions.csv"
        let b = dir + "/HI-Small_Trans.csv"
        try Self.write(Self.amlsimCSV, to: a)
        try Self.write(Self.amlworldCSV, to: b)
        try Self.ingest(store, [a, b])
        let before = try Self.dump(store)
        let addresses = try Self.count(store, "addresses")
        #expect(before.count == 10)

        let again = try Self.ingest(store, [a, b])
        #expect(again.files.map(\.alreadyIngested) == [true, true])
        #expect(again.files.map(\.records) == [0, 0])
        #expect(again.summary.transfers == 0)
        #expect(again.summary.newAddresses == 0)
        #expect(try Self.dump(store) == before)
        #expect(try Self.count(store, "addresses") == addresses)
        #expect(try Self.count(store, "sources") == 2)
        #expect(IngestRender.json(again).rendered().contains("\"already_ingested\": true"))
        #expect(IngestRender.text(again).contains("already ingested: nothing changed"))

        // The same bytes under another name are the same source.
        let copy = dir + "/copy.csv"
        try Self.write(Self.amlsimCSV, to: copy)
        #expect(try Self.ingest(store, [copy]).files[0].alreadyIngested)
        #expect(try Self.dump(store) == before)
    }

    // MARK: Bad rows and resume

    /// A ledger of ten rows (lines 2–11) in the plain mapping; `bad` replaces the amount of the
    /// row at that line.
    static func ledger(badLine: Int? = nil) -> String {
        var text = "id,ts,src,dst,amt\n"
        for line in 2...11 {
            let amount = line == badLine ? "12,5" : "\(line).\(line % 10)5"
            text +=
                "r\(line),\(1_700_000_000 + line * 60),acct\(line % 4),acct\((line + 1) % 4),\"\(amount)\"\n"
        }
        return text
    }

    @Test(
        "a bad row stops the file at its line, keeps the rows before it, and the fixed file resumes there",
        arguments: [2, 3, 5, 8, 9, 11])
    func badRowThenResume(badLine: Int) throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/ledger.csv"
        try Self.write(Self.ledger(badLine: badLine), to: path)
        let error = try #require(throws: IngestError.self) {
            try Self.ingest(store, [path], mapping: Self.plainMapping, chunkRows: 3)
        }
        #expect(error.line == badLine)
        #expect(error.column == 5)
        #expect(error.field == "amount (amt)")
        #expect(
            error.description
                == "\(path):\(badLine):5: field 'amount (amt)': error: not a decimal amount: '12,5'")
        #expect(error.exitCode == 65)
        let kept = badLine - 2
        #expect(try Self.count(store, "transfers") == kept)
        #expect(
            try Self.query(store, "SELECT line FROM transfers ORDER BY seq").map { $0[0] }
                == (2..<badLine).map(String.init))
        #expect(try Self.query(store, "SELECT status, rows_done FROM sources") == [["partial", "\(kept)"]])

        // Running the unchanged file again stops at the same row and adds nothing.
        let again = try #require(throws: IngestError.self) {
            try Self.ingest(store, [path], mapping: Self.plainMapping, chunkRows: 3)
        }
        #expect(again.line == badLine)
        #expect(try Self.count(store, "transfers") == kept)

        // The corrected file at the same path continues after the kept rows.
        try Self.write(Self.ledger(), to: path)
        let resumed = try Self.ingest(store, [path], mapping: Self.plainMapping, chunkRows: 3)
        #expect(resumed.files[0].resumedAfter == (kept > 0 ? kept : nil))
        #expect(resumed.files[0].records == 10 - kept)
        #expect(resumed.summary.transfers == 10 - kept)
        #expect(try Self.query(store, "SELECT status, rows_done FROM sources") == [["complete", "10"]])

        // Exactly what one clean run over the corrected file stores: no row twice, none missing.
        let (clean, cleanDir) = try Fixtures.freshStore()
        let cleanPath = cleanDir + "/ledger.csv"
        try Self.write(Self.ledger(), to: cleanPath)
        try Self.ingest(clean, [cleanPath], mapping: Self.plainMapping, chunkRows: 3)
        #expect(try Self.dump(store) == Self.dump(clean))
        #expect(try Self.count(store, "transfers") == 10)
        #expect(try Self.count(store, "addresses") == Self.count(clean, "addresses"))
        #expect(try Self.sentPerAddress(store) == Self.sentPerAddress(clean))
    }

    @Test("a second bad row after a resume: the resumed run's progress lets the next fix resume too")
    func twoFixes() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/ledger.csv"
        let fixed = Self.ledger()
        var lines = fixed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let good9 = lines[8]
        lines[8] = "r9,1700000540,acct1,acct2,1e2"  // line 9
        lines[4] = "r5,1700000300,acct1,acct2,-5"  // line 5
        try Self.write(lines.joined(separator: "\n"), to: path)
        let first = try #require(throws: IngestError.self) {
            try Self.ingest(store, [path], mapping: Self.plainMapping, chunkRows: 2)
        }
        #expect(first.line == 5)
        #expect(first.message == "negative amount (a transfer moves value from `from` to `to`): '-5'")

        lines[4] = fixed.split(separator: "\n").map(String.init)[4]
        try Self.write(lines.joined(separator: "\n"), to: path)
        let second = try #require(throws: IngestError.self) {
            try Self.ingest(store, [path], mapping: Self.plainMapping, chunkRows: 2)
        }
        #expect(second.line == 9)
        #expect(try Self.count(store, "transfers") == 7)

        lines[8] = good9
        try Self.write(lines.joined(separator: "\n"), to: path)
        let done = try Self.ingest(store, [path], mapping: Self.plainMapping, chunkRows: 2)
        #expect(done.files[0].resumedAfter == 7)
        #expect(done.files[0].records == 3)

        let (clean, cleanDir) = try Fixtures.freshStore()
        try Self.write(fixed, to: cleanDir + "/ledger.csv")
        try Self.ingest(clean, [cleanDir + "/ledger.csv"], mapping: Self.plainMapping)
        #expect(try Self.dump(store) == Self.dump(clean))
    }

    @Test("a header-only file is complete with no rows, and is skipped the second time")
    func headerOnly() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/empty-ledger.csv"
        try Self.write("id,ts,src,dst,amt\n\n", to: path)
        let report = try Self.ingest(store, [path], mapping: Self.plainMapping)
        #expect(report.files[0].records == 0)
        #expect(report.files[0].alreadyIngested == false)
        #expect(try Self.query(store, "SELECT status, rows_done FROM sources") == [["complete", "0"]])
        #expect(try Self.ingest(store, [path], mapping: Self.plainMapping).files[0].alreadyIngested)
        #expect(try Self.count(store, "transfers") == 0)
    }

    @Test("a file whose header lacks a mapped column stores nothing and names the header's columns")
    func missingColumn() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/ledger.csv"
        try Self.write(Self.ledger(), to: path)
        let mapping = try TransferCSVMapping.parse("tx=id,time=timestamp,from=src,to=dst,amount=amt")
        let error = try #require(throws: IngestError.self) {
            try Self.ingest(store, [path], mapping: mapping)
        }
        #expect(
            error.description
                == "\(path):1: field 'time': error: missing column 'timestamp' for time; the header has: id, ts, src, dst, amt"
        )
        #expect(try Self.count(store, "transfers") == 0)
    }

    @Test("an unknown CSV without --map is an error that says how to map it")
    func noMapping() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/ledger.csv"
        try Self.write(Self.ledger(), to: path)
        let error = try #require(throws: IngestError.self) {
            try TransferCSVIngest.run(
                store: store, files: [(path, DetectedFormat(.transfersCSV))], options: TransferCSVOptions())
        }
        #expect(error.code == .unknownFormat)
        #expect(error.message.contains("--map tx=COL,time=COL,from=COL,to=COL,amount=COL"))
        #expect(error.message.contains("--preset amlsim|amlsim-sample|amlworld"))
    }

    // MARK: Amounts beyond 2^64

    static let tokenCSV = """
        id,ts,src,dst,amt
        a,1700000001,whale,shrimp,123456789012345678901.5
        b,1700000002,whale,shrimp,9.223372036854775807
        c,1700000003,whale,shrimp,9.223372036854775808
        d,1700000004,whale,shrimp,18.446744073709551616
        e,1700000005,whale,shrimp,0.000000000000000001
        f,1700000006,whale,shrimp,1

        """

    static var tokenMapping: TransferCSVMapping {
        var m = plainMapping
        m.decimals = 18
        m.defaultAsset = "TOK"
        return m
    }

    @Test("token amounts beyond 2^64 are exact; ORDER BY and amount_sum treat INTEGER and BLOB as numbers")
    func bigAmounts() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/tokens.csv"
        try Self.write(Self.tokenCSV, to: path)
        try Self.ingest(store, [path], mapping: Self.tokenMapping)

        // 2^63 - 1 is the largest INTEGER; from 2^63 on amounts are 32-byte BLOBs.
        #expect(
            try Self.query(
                store,
                "SELECT tx, amount_text(amount), typeof(amount), length(amount) FROM transfers ORDER BY amount"
            ) == [
                ["e", "1", "integer", "1"],
                ["f", "1000000000000000000", "integer", "19"],
                ["b", "9223372036854775807", "integer", "19"],
                ["c", "9223372036854775808", "blob", "32"],
                ["d", "18446744073709551616", "blob", "32"],
                ["a", "123456789012345678901500000000000000000", "blob", "32"],
            ])
        #expect(
            try Self.query(store, "SELECT tx FROM transfers ORDER BY amount DESC").map { $0[0] } == [
                "a", "d", "c", "b", "f", "e",
            ])
        // 1 + 10^18 + (2^63 - 1) + 2^63 + 2^64 + 123456789012345678901.5 * 10^18.
        #expect(
            try Self.query(
                store, "SELECT amount_text(amount_sum(amount)), typeof(amount_sum(amount)) FROM transfers")
                == [
                    ["123456789012345678939393488147419103232", "blob"]
                ])
        // A sum that still fits stays an INTEGER.
        #expect(
            try Self.query(
                store,
                "SELECT amount_sum(amount), typeof(amount_sum(amount)) FROM transfers WHERE tx IN ('e', 'f')")
                == [
                    ["1000000000000000001", "integer"]
                ])
        #expect(
            try Self.query(store, "SELECT amount_text(amount_sum(amount)) FROM transfers WHERE tx = 'none'")
                == [["0"]])
        #expect(
            try Self.query(store, "SELECT symbol, decimals FROM assets WHERE symbol = 'TOK'") == [
                ["TOK", "18"]
            ])
        #expect(
            try Self.sentPerAddress(store) == [
                ["whale", "TOK", "123456789012345678939393488147419103232", "6"]
            ])
    }

    @Test("the largest amount, 2^256 - 1, is stored exactly; a sum past it is exact decimal text")
    func maximumAmount() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/max.csv"
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        try Self.write("id,ts,src,dst,amt\nm,1,x,y,\(max)\nn,2,x,y,1\n", to: path)
        var mapping = Self.plainMapping
        mapping.decimals = 0
        try Self.ingest(store, [path], mapping: mapping)
        #expect(try Self.query(store, "SELECT amount_text(amount) FROM transfers WHERE tx = 'm'") == [[max]])
        #expect(
            try Self.query(store, "SELECT amount FROM transfers WHERE tx = 'm'") == [
                ["x'" + String(repeating: "ff", count: 32) + "'"]
            ])
        // 2^256: one past the largest amount, as text the other amount functions read.
        let twoTo256 = "115792089237316195423570985008687907853269984665640564039457584007913129639936"
        #expect(try Self.query(store, "SELECT amount_sum(amount) FROM transfers") == [[twoTo256]])
        #expect(
            try Self.query(
                store,
                "SELECT amount_diff(amount_sum(amount), 1), amount_units(amount_sum(amount), 3) FROM transfers"
            )
                == [[max, "115792089237316195423570985008687907853269984665640564039457584007913129639.936"]])
    }

    @Test("the same asset with other decimals in a second file is an error; the first file's rows stay")
    func conflictingDecimals() throws {
        let (store, dir) = try Fixtures.freshStore()
        let first = dir + "/tokens.csv"
        try Self.write(Self.tokenCSV, to: first)
        try Self.ingest(store, [first], mapping: Self.tokenMapping)
        let before = try Self.dump(store)

        let second = dir + "/more-tokens.csv"
        try Self.write("id,ts,src,dst,amt\ng,1700000007,shrimp,whale,2.5\n", to: second)
        var six = Self.tokenMapping
        six.decimals = 6
        let error = try #require(throws: StoreError.self) { try Self.ingest(store, [second], mapping: six) }
        #expect(error.code == .conflict)
        #expect(error.exitCode == 65)
        #expect(
            error.message.contains("asset TOK on ledger is stored with 18 decimals, this input declares 6"))
        #expect(error.message.contains("--decimals 18"))
        #expect(try Self.dump(store) == before)
        #expect(try Self.query(store, "SELECT decimals FROM assets WHERE symbol = 'TOK'") == [["18"]])

        // Declared with the stored decimals, the file goes in.
        var eighteen = Self.tokenMapping
        eighteen.decimals = 18
        let ok = try Self.ingest(store, [second], mapping: eighteen)
        #expect(ok.summary.transfers == 1)
        #expect(
            try Self.query(store, "SELECT amount_text(amount) FROM transfers WHERE tx = 'g'") == [
                ["2500000000000000000"]
            ])
    }
}
