import FlowIngest
import FlowModel
import Foundation
import Testing

/// The transfers-CSV readers without a database: RFC 4180 splitting, timestamps, the column
/// mapping, row errors that say where and what, and format detection from content.
@Suite("Transfers CSV: reader, times, mapping, row errors, format detection")
struct TransferCSVTests {
    // MARK: Helpers

    /// Every record of `text` with the line it starts on.
    static func records(_ text: String) throws -> [(line: Int, fields: [String])] {
        try Array(text.utf8).withUnsafeBytes { bytes in
            var reader = CSVReader(bytes: bytes)
            var fields: [CSVField] = []
            var out: [(line: Int, fields: [String])] = []
            while try reader.next(into: &fields) {
                out.append((reader.recordLine, fields.map { reader.string($0) ?? "<not UTF-8>" }))
            }
            return out
        }
    }

    /// The CSV syntax error `text` must raise.
    static func syntaxError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> CSVSyntaxError
    {
        try #require(throws: CSVSyntaxError.self, sourceLocation: sourceLocation) { try records(text) }
    }

    /// Every transfer of `csv` read with `mapping`.
    static func transfers(_ csv: String, _ mapping: TransferCSVMapping, file: String = "t.csv") throws
        -> [ParsedTransfer]
    {
        try Array(csv.utf8).withUnsafeBytes { bytes in
            var parser = try TransferCSVParser(file: file, bytes: bytes, mapping: mapping)
            var out: [ParsedTransfer] = []
            while let t = try parser.next() { out.append(t) }
            return out
        }
    }

    /// The error reading `csv` with `mapping` must raise (rows before it are fine).
    static func rowError(
        _ csv: String, _ mapping: TransferCSVMapping = TransferCSVTests.simple, goodRows: Int = 1,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> IngestError {
        try Array(csv.utf8).withUnsafeBytes { bytes in
            var parser = try TransferCSVParser(file: "t.csv", bytes: bytes, mapping: mapping)
            for _ in 0..<goodRows {
                #expect(
                    try parser.next() != nil, "a good row before the error", sourceLocation: sourceLocation)
            }
            return try #require(throws: IngestError.self, sourceLocation: sourceLocation) {
                try parser.next()
            }
        }
    }

    static let simple: TransferCSVMapping = {
        do {
            return try TransferCSVMapping.parse("tx=id,time=ts,from=src,to=dst,amount=amt")
        } catch {
            preconditionFailure("\(error)")
        }
    }()
    static let header = "id,ts,src,dst,amt\n"
    static let goodRow = "t1,2022-09-01T00:20:00Z,alice,bob,1.50\n"

    /// 2022-09-01T00:00:00Z.
    static let sept1: Int64 = 1_661_990_400

    // MARK: CSVReader

    @Test("fields: plain, quoted with commas, doubled quotes, empty, trailing empty")
    func csvFields() throws {
        let r = try Self.records("a,b,c\n1,\"x, y\",3\n\"say \"\"hi\"\"\",,\"\"\nlast,,\n")
        #expect(
            r.map(\.fields) == [
                ["a", "b", "c"], ["1", "x, y", "3"], ["say \"hi\"", "", ""], ["last", "", ""],
            ])
        #expect(r.map(\.line) == [1, 2, 3, 4])
    }

    @Test("only a field with doubled quotes is marked escaped; raw keeps them doubled")
    func csvEscapedFlag() throws {
        let text = "\"a\"\"b\",\"plain\",bare\n"
        try Array(text.utf8).withUnsafeBytes { (bytes) throws -> Void in
            var reader = CSVReader(bytes: bytes)
            var fields: [CSVField] = []
            #expect(try reader.next(into: &fields))
            #expect(fields.map(\.escaped) == [true, false, false])
            #expect(String(decoding: reader.raw(fields[0]), as: UTF8.self) == "a\"\"b")
            #expect(reader.string(fields[0]) == "a\"b")
            #expect(String(decoding: reader.raw(fields[1]), as: UTF8.self) == "plain")
            #expect(try reader.next(into: &fields) == false)
        }
    }

    @Test("CRLF, CR and LF line ends; no line end after the last record; blank lines skipped")
    func csvLineEnds() throws {
        let crlf = try Self.records("a,b\r\n1,2\r\n3,4")
        #expect(crlf.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(crlf.map(\.line) == [1, 2, 3])
        let blank = try Self.records("a,b\n\n\r\n1,2\n\n")
        #expect(blank.map(\.fields) == [["a", "b"], ["1", "2"]])
        #expect(blank.map(\.line) == [1, 4])
        // A quoted field ending the record right before CRLF.
        #expect(try Self.records("\"a\"\r\n\"b\"\r\n").map(\.fields) == [["a"], ["b"]])
    }

    @Test("a quoted field may span lines; the next record's line counts them")
    func csvQuotedNewlines() throws {
        let r = try Self.records("id,note\n1,\"first\nsecond\r\nthird\"\n2,x\n")
        #expect(r.map(\.fields) == [["id", "note"], ["1", "first\nsecond\r\nthird"], ["2", "x"]])
        #expect(r.map(\.line) == [1, 2, 5])
    }

    @Test("a UTF-8 byte order mark before the header is not part of the first column")
    func csvByteOrderMark() throws {
        let r = try Self.records("\u{FEFF}tran_id,orig_acct\n1,A\n")
        #expect(r.map(\.fields) == [["tran_id", "orig_acct"], ["1", "A"]])
        // Only at the start of the input: a BOM inside a field is text.
        #expect(try Self.records("a,\u{FEFF}b\n")[0].fields == ["a", "\u{FEFF}b"])
    }

    @Test("an unterminated quote is reported at the line and column where the quote opened")
    func csvUnterminatedQuote() throws {
        // The quote opens at line 2, column 3 and the input ends inside it.
        let e1 = try Self.syntaxError("a,b\n1,\"abc")
        #expect(e1.message == "unterminated quoted field")
        #expect(e1.line == 2)
        #expect(e1.column == 3)
        // Same when the open field swallows line ends (the usual case: a stray quote mid-file).
        let e2 = try Self.syntaxError("a,b\n1,2\nxy,\"abc\n3,4\n5,6\n")
        #expect(e2.line == 3)
        #expect(e2.column == 4)
        // A quote opening on a later line of a multi-line record is reported on that line.
        let e3 = try Self.syntaxError("a,b\n\"x\ny\",\"open\n1,2\n")
        #expect(e3.line == 3)
        #expect(e3.column == 4)
    }

    @Test("text after a closing quote is an error at that character")
    func csvTextAfterQuote() throws {
        let e = try Self.syntaxError("a,b\n1,\"ab\"c\n")
        #expect(e.message == "unexpected text after a closing quote")
        #expect(e.line == 2)
        #expect(e.column == 7)
    }

    // MARK: TimeParser

    /// Timestamps and their Unix seconds (checked with `date -u -d @N`).
    static let timeCases: [(String, Int64)] = [
        ("2022-09-01T00:20:00Z", sept1 + 1200),
        ("2022-09-01T00:20:00z", sept1 + 1200),
        ("2022-09-01T00:20Z", sept1 + 1200),
        ("2022-09-01T00:20:00", sept1 + 1200),
        ("2022-09-01T02:20:00+02:00", sept1 + 1200),
        ("2022-09-01T05:50:00+0530", sept1 + 1200),
        ("2022-08-31T19:20:00-05:00", sept1 + 1200),
        ("2022-09-01T00:20:00.123456Z", sept1 + 1200),
        ("2022-09-01T00:20:00,5+00:00", sept1 + 1200),
        ("2022-09-01 00:20:00", sept1 + 1200),
        ("2022-09-01", sept1),
        ("2022/09/01 00:20", sept1 + 1200),
        ("2022/09/01 00:20:59", sept1 + 1259),
        ("2022/09/01", sept1),
        ("1661991600", sept1 + 1200),
        ("0", 0),
        (" 2022-09-01T00:20:00Z\r", sept1 + 1200),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -1),
        ("2000-02-29", 951_782_400),
        ("2024-02-29T12:00:00Z", 1_709_208_000),
        ("2038-01-19T03:14:08Z", 2_147_483_648),
        ("2017-01-01T00:00:00Z", 1_483_228_800),
    ]

    @Test("timestamps to Unix seconds (UTC)", arguments: TransferCSVTests.timeCases)
    func times(_ text: String, _ expected: Int64) {
        #expect(TimeParser.parse(text) == expected, "\(text)")
    }

    @Test(
        "impossible dates and other text are not times",
        arguments: [
            "2023-02-29", "1900-02-29", "2022-02-30", "2022-04-31", "2022-13-01", "2022-00-10",
            "2022-09-00", "2022-09-32", "2022-09-01T24:00:00Z", "2022-09-01T00:60:00Z",
            "2022-09-01T00:20:61Z", "2022-09-01T00:20:00+24:00", "2022-09-01T00:20:00Zjunk",
            "2022-09-01T00:20:00.Z", "2022-09-01X00:20", "2022-9-1", "2022/09-01", "22-09-01", "",
            "   ", "yesterday", "-1", "1e9", "1661991600.5", "1234567890123", "1661991600000",
            "20220901002000",
        ])
    func notTimes(_ text: String) {
        #expect(TimeParser.parse(text) == nil, "\(text.debugDescription)")
    }

    // MARK: Mapping

    @Test("--map text: names, #positions, joined from/to columns, case-insensitive keys")
    func mappingParse() throws {
        let m = try TransferCSVMapping.parse(
            "TX=tran_id, time=Timestamp,from=#2+#3,to=To Bank+#5,amount=#8,asset=Payment Currency",
            decimals: 8, defaultAsset: "USD")
        #expect(m.tx == .name("tran_id"))
        #expect(m.time == .name("Timestamp"))
        #expect(m.from == [.position(2), .position(3)])
        #expect(m.to == [.name("To Bank"), .position(5)])
        #expect(m.amount == .position(8))
        #expect(m.asset == .name("Payment Currency"))
        #expect(m.decimals == 8)
        #expect(m.defaultAsset == "USD")
        let minimal = try TransferCSVMapping.parse("time=ts,from=a,to=b,amount=v")
        #expect(minimal.tx == nil && minimal.asset == nil)
        #expect(minimal.decimals == 2)
        #expect(minimal.description == "time=ts,from=a,to=b,amount=v,decimals=2,default_asset=UNIT")
    }

    @Test(
        "--map errors say what is wrong",
        arguments: [
            (
                "tx=a,time=b,from=c,to=d,amount=e,colour=f",
                "--map: unknown key 'colour'; keys are tx, time, from, to, amount, asset"
            ),
            (
                "tx=a,time=b,from=c,to=d",
                "--map: missing amount=COLUMN (needs time, from, to, amount; tx and asset are optional)"
            ),
            (
                "time=b,to=d,amount=e",
                "--map: missing from=COLUMN (needs time, from, to, amount; tx and asset are optional)"
            ),
            ("time=b,from=c,to=d,amount=e,amount=f", "--map: amount given twice"),
            ("time=b,from=c,to=d,amount=e+f", "--map: amount takes one column"),
            ("time,from=c,to=d,amount=e", "--map: expected key=column, found 'time'"),
            ("time=,from=c,to=d,amount=e", "--map: expected key=column, found 'time='"),
        ])
    func mappingErrors(_ spec: String, _ message: String) throws {
        let e = try #require(throws: IngestError.self) { try TransferCSVMapping.parse(spec) }
        #expect(e.code == .badValue)
        #expect(e.field == "map")
        #expect(e.message == message)
        #expect(e.exitCode == 65)
    }

    @Test("a mapped column missing from the header is an error listing the header's columns")
    func mappingColumnNotInHeader() throws {
        let m = try TransferCSVMapping.parse("tx=id,time=ts,from=src,to=dst,amount=value")
        let e = try #require(throws: IngestError.self) {
            try Self.transfers(Self.header + Self.goodRow, m, file: "ledger.csv")
        }
        #expect(
            e.description
                == "ledger.csv:1: field 'amount': error: missing column 'value' for amount; the header has: id, ts, src, dst, amt"
        )
        let past = try TransferCSVMapping.parse("time=ts,from=src,to=dst,amount=#9")
        let e2 = try #require(throws: IngestError.self) { try Self.transfers(Self.header, past) }
        #expect(e2.message == "column #9 for amount is past the header's 5 columns")
        #expect(e2.line == 1)
        // Header names match case-insensitively and around spaces.
        let upper = try TransferCSVMapping.parse("tx=ID,time=TS,from=Src,to=DST,amount=Amt")
        let rows = try Self.transfers(" id , TS,src,dst,amt\n" + Self.goodRow, upper)
        #expect(rows.count == 1)
    }

    // MARK: Parser

    @Test("rows become transfers: exact amounts, times, addresses, lines")
    func parseRows() throws {
        let csv =
            Self.header + Self.goodRow
            + "t2,1661991660,bob,carol,0.07\n\n" + "\"t,3\",2022/09/01 00:22,\"carol\",alice,\"12\"\n"
            + ",2022-09-01,dave,erin,0\n"
        let rows = try Self.transfers(csv, Self.simple)
        #expect(rows.map(\.tx) == ["t1", "t2", "t,3", nil])
        #expect(rows.map(\.time) == [Self.sept1 + 1200, Self.sept1 + 1260, Self.sept1 + 1320, Self.sept1])
        #expect(rows.map(\.from) == ["alice", "bob", "carol", "dave"])
        #expect(rows.map(\.to) == ["bob", "carol", "alice", "erin"])
        #expect(rows.map(\.amount) == [UInt256(150), UInt256(7), UInt256(1200), UInt256(0)])
        #expect(rows.map(\.line) == [2, 3, 5, 6])
        #expect(rows.allSatisfy { $0.asset == nil })
    }

    @Test("the AMLSim preset reads transactions.csv in cents")
    func amlsimPreset() throws {
        let csv = """
            tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id
            1,6456,9069,TRANSFER,465.05,2017-01-01T00:00:00Z,False,-1
            2,7516,3106,TRANSFER,334.71,2017-01-02T00:00:00Z,True,12

            """
        let rows = try Self.transfers(csv, .amlsim)
        #expect(rows.map(\.tx) == ["1", "2"])
        #expect(rows.map(\.from) == ["6456", "7516"])
        #expect(rows.map(\.to) == ["9069", "3106"])
        #expect(rows.map(\.amount) == [UInt256(46505), UInt256(33471)])
        #expect(rows.map(\.time) == [1_483_228_800, 1_483_315_200])
        #expect(TransferCSVMapping.amlsim.defaultAsset == "USD")
    }

    @Test("the AMLworld preset joins bank and account and takes the amount paid in its currency")
    func amlworldPreset() throws {
        let csv = """
            Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering
            2022/09/01 00:20,010,8000EBD30,010,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,Reinvestment,0
            2022/09/01 00:22,1120,8000F5340,001,8000F4FE0,0.01,Euro,0.0119,US Dollar,Cheque,0
            2022/09/01 00:27,3402,80021DAD0,3402,80021DAD0,0.00012345,Bitcoin,0.00012345,Bitcoin,Bitcoin,1

            """
        let rows = try Self.transfers(csv, .amlworld)
        #expect(rows.map(\.from) == ["010:8000EBD30", "1120:8000F5340", "3402:80021DAD0"])
        #expect(rows.map(\.to) == ["010:8000EBD30", "001:8000F4FE0", "3402:80021DAD0"])
        #expect(rows.map(\.amount) == [UInt256(369_734_000_000), UInt256(1_190_000), UInt256(12345)])
        #expect(rows.map(\.asset) == ["US Dollar", "US Dollar", "Bitcoin"])
        #expect(rows.map(\.time) == [Self.sept1 + 1200, Self.sept1 + 1320, Self.sept1 + 1620])
        #expect(rows.map(\.tx) == [nil, nil, nil])
    }

    @Test("quoted names with doubled quotes, commas and non-ASCII letters are read whole, row after row")
    func quotedTexts() throws {
        let csv =
            Self.header + "\"t \"\"1\"\"\",2022-09-01T00:20:00Z,\"Müller, \"\"A\"\"\",bob,1\n"
            + "t2,2022-09-01T00:21:00Z,\"Ünal\",\"x\"\"y\",2\n" + "\"\",2022-09-01T00:22:00Z,bob,Ünal,3\n"
        let rows = try Self.transfers(csv, Self.simple)
        #expect(rows.map(\.tx) == ["t \"1\"", "t2", nil])
        #expect(rows.map(\.from) == ["Müller, \"A\"", "Ünal", "bob"])
        #expect(rows.map(\.to) == ["bob", "x\"y", "Ünal"])
        #expect(rows.map(\.seq) == [1, 2, 3])
    }

    @Test("text that is not UTF-8 in a name or a transaction column names its field and line")
    func notUTF8() throws {
        for (row, column, field) in [
            ("t2,2022-09-01T00:21:00Z,b\u{FF}b,carol,1\n", 3, "from (src)"),
            ("t2,2022-09-01T00:21:00Z,bob,\"c\u{FF}\"\"\",1\n", 4, "to (dst)"),
            ("t\u{FF},2022-09-01T00:21:00Z,bob,carol,1\n", 1, "tx (id)"),
        ] {
            // U+00FF stands for the byte 0xFF, which no UTF-8 text holds.
            var bytes = Array((Self.header + Self.goodRow + row).utf8)
            while let i = bytes.firstIndex(of: 0xC3), bytes[i + 1] == 0xBF {
                bytes.replaceSubrange(i...i + 1, with: [0xFF])
            }
            let e = try bytes.withUnsafeBytes { raw in
                var parser = try TransferCSVParser(file: "t.csv", bytes: raw, mapping: Self.simple)
                #expect(try parser.next() != nil)
                return try #require(throws: IngestError.self) { try parser.next() }
            }
            #expect(e.line == 3 && e.column == column && e.field == field, "\(e)")
            #expect(e.description.contains("not UTF-8 text"))
        }
    }

    @Test("a non-numeric amount names file, line, column, field and the quoted value")
    func badAmount() throws {
        let e = try Self.rowError(Self.header + Self.goodRow + "t2,2022-09-01T00:21:00Z,bob,carol,1e5\n")
        #expect(e.code == .badValue)
        #expect(e.file == "t.csv")
        #expect(e.line == 3)
        #expect(e.column == 5)
        #expect(e.field == "amount (amt)")
        #expect(e.description == "t.csv:3:5: field 'amount (amt)': error: not a decimal amount: '1e5'")
        #expect(e.exitCode == 65)
    }

    @Test(
        "each kind of bad amount says why",
        arguments: [
            ("1.505", "more than 2 decimals (use --decimals to declare more): '1.505'"),
            ("-3", "negative amount (a transfer moves value from `from` to `to`): '-3'"),
            ("", "empty amount: ''"),
            ("\"1,5\"", "not a decimal amount: '1,5'"),
            (
                "115792089237316195423570985008687907853269984665640564039457584007913129639935",
                "amount too large (beyond 2^256 base units): '1157920892373161954235709850086879078532…'"
            ),
        ])
    func badAmounts(_ amount: String, _ message: String) throws {
        let e = try Self.rowError(Self.header + "t1,0,a,b,\(amount)\n", goodRows: 0)
        #expect(e.message == message)
        #expect(e.line == 2)
        #expect(e.column == 5)
    }

    @Test("an unparseable time names its column and value")
    func badTime() throws {
        let e = try Self.rowError(Self.header + Self.goodRow + "t2,2023-02-29T00:00:00Z,bob,carol,1\n")
        #expect(
            e.description
                == "t.csv:3:2: field 'time (ts)': error: not a time (ISO-8601, YYYY/MM/DD HH:MM or Unix seconds): '2023-02-29T00:00:00Z'"
        )
    }

    @Test("an empty from or to address names its column")
    func emptyAddress() throws {
        let from = try Self.rowError(Self.header + Self.goodRow + "t2,1661991660,,carol,1\n")
        #expect(from.description == "t.csv:3:3: field 'from (src)': error: empty address: ''")
        let to = try Self.rowError(Self.header + Self.goodRow + "t2,1661991660,bob,\"\",1\n")
        #expect(to.description == "t.csv:3:4: field 'to (dst)': error: empty address: ''")
        // A joined address names the empty part.
        let world = try Self.rowError(
            "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering\n"
                + "2022/09/01 00:20,010,,010,8000EBD30,1.00,US Dollar,1.00,US Dollar,Cash,0\n",
            .amlworld, goodRows: 0)
        #expect(world.description == "t.csv:2:3: field 'from (Account)': error: empty address part: ''")
    }

    @Test("a row with the wrong number of columns says how many the header has")
    func wrongColumnCount() throws {
        let short = try Self.rowError(Self.header + Self.goodRow + "t2,1661991660,bob,1\n")
        #expect(short.description == "t.csv:3: error: expected 5 columns (as in the header), found 4")
        let long = try Self.rowError(Self.header + "t1,1661991660,bob,carol,1,extra\n", goodRows: 0)
        #expect(long.description == "t.csv:2: error: expected 5 columns (as in the header), found 6")
    }

    @Test("errors after a multi-line quoted field keep the true line; long values are shortened")
    func errorLinesAfterQuotedNewlines() throws {
        let m = try TransferCSVMapping.parse("tx=id,time=ts,from=src,to=dst,amount=amt")
        let csv =
            "id,ts,src,dst,amt,note\n" + "t1,0,a,b,1,\"two\nlines\"\n"
            + "t2,0,a,b,\(String(repeating: "x", count: 50)),ok\n"
        let e = try Self.rowError(csv, m)
        #expect(e.line == 4)
        #expect(e.message == "not a decimal amount: '\(String(repeating: "x", count: 40))…'")
    }

    @Test("a CSV syntax error in a row is an IngestError at its line and column")
    func syntaxErrorInRow() throws {
        let e = try Self.rowError(Self.header + Self.goodRow + "t2,0,bob,\"carol,1\n")
        #expect(e.code == .badValue)
        #expect(e.description == "t.csv:3:10: error: unterminated quoted field")
    }

    @Test("an empty file has no header")
    func emptyFile() throws {
        let e = try #require(throws: IngestError.self) { try Self.transfers("", Self.simple) }
        #expect(e.description == "t.csv:1: error: empty file: expected a CSV header line")
        #expect(e.exitCode == 65)
    }

    @Test("a parser resumed at a byte offset reads the rest with true line numbers")
    func resumeOffset() throws {
        let csv =
            Self.header + Self.goodRow + "t2,1661991660,bob,carol,0.07\n" + "t3,1661991720,carol,dave,x\n"
        let offset = (Self.header + Self.goodRow).utf8.count
        try Array(csv.utf8).withUnsafeBytes { bytes in
            var parser = try TransferCSVParser(
                file: "t.csv", bytes: bytes, mapping: Self.simple, resumeOffset: offset)
            let t = try #require(try parser.next())
            #expect(t.tx == "t2" && t.line == 3)
            let e = try #require(throws: IngestError.self) { try parser.next() }
            #expect(e.line == 4)
        }
    }

    // MARK: Format detection

    static let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data")
    static let hasEthereumETL = FileManager.default.fileExists(
        atPath: sharedData.appendingPathComponent("ethereum-etl").path)
    static let hasBitcoinETL = FileManager.default.fileExists(
        atPath: sharedData.appendingPathComponent("bitcoin-etl").path)
    static let hasCoreJSON = FileManager.default.fileExists(
        atPath: sharedData.appendingPathComponent("bitcoin/core-json").path)

    static func detect(_ text: String) -> DetectedFormat? { FormatDetector.detect(head: Array(text.utf8)) }

    @Test("AMLSim and AMLworld headers are recognised, with a BOM, CRLF or quotes too")
    func detectPresets() {
        let amlsim =
            "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n1,2,3,T,1.0,0,False,-1\n"
        #expect(Self.detect(amlsim) == DetectedFormat(.transfersCSV, role: "amlsim"))
        #expect(Self.detect("\u{FEFF}" + amlsim) == DetectedFormat(.transfersCSV, role: "amlsim"))
        let world =
            "Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering"
        #expect(
            Self.detect(world + "\r\n2022/09/01 00:20,010,A,010,A,1,US Dollar,1,US Dollar,Cash,0\r\n")
                == DetectedFormat(.transfersCSV, role: "amlworld"))
        let quoted = world.split(separator: ",").map { "\"\($0)\"" }.joined(separator: ",")
        #expect(Self.detect(quoted + "\n") == DetectedFormat(.transfersCSV, role: "amlworld"))
    }

    @Test("an unknown CSV or text is not detected; detect(path:) then lists the formats")
    func detectUnknown() throws {
        #expect(Self.detect("id,ts,src,dst,amt\n1,2,3,4,5\n") == nil)
        #expect(Self.detect("hello world\n") == nil)
        #expect(Self.detect("") == nil)
        #expect(Self.detect("{\"name\": \"x\"}\n") == nil)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "chainflow-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.csv").path
        try Data("id,ts,src,dst,amt\n1,2,3,4,5\n".utf8).write(to: URL(fileURLWithPath: path))
        let e = try #require(throws: IngestError.self) { try FormatDetector.detect(path: path) }
        #expect(e.code == .unknownFormat)
        #expect(e.file == path)
        #expect(e.exitCode == 65)
        #expect(
            e.message.hasPrefix(
                "a CSV whose header ('id,ts,src,dst,amt') matches no known export; name the format with --format NAME, one of:"
            ))
        for format in InputFormat.allCases {
            #expect(e.message.contains("\n  \(format.rawValue) "), "\(format)")
        }
        #expect(e.message.contains("--preset amlsim|amlworld"))
        #expect(e.message.contains("chainflow ingest --format transfers-csv --map "))

        let empty = dir.appendingPathComponent("empty.csv").path
        try Data().write(to: URL(fileURLWithPath: empty))
        let e2 = try #require(throws: IngestError.self) { try FormatDetector.detect(path: empty) }
        #expect(e2.code == .emptyFile)
        #expect(e2.message == "empty file (0 bytes): nothing to ingest")

        let missing = dir.appendingPathComponent("nope.csv").path
        let e3 = try #require(throws: IngestError.self) { try FormatDetector.detect(path: missing) }
        #expect(e3.code == .missingFile)
        #expect(e3.exitCode == 66)
        #expect(e3.description == "\(missing): error: no such file")
    }

    @Test("UTF-8 text with accents is not mistaken for binary blocks")
    func detectTextWithAccents() throws {
        // Two columns (too few for a known export) and non-ASCII letters: unknown, not blocks.
        #expect(Self.detect("address,label\n1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa,Genèse Zürich\n") == nil)
        #expect(Self.detect("id;name;city\n1;Ana;São Paulo\n") == nil)
        // Cut inside a multi-byte character at the end of the head: still text.
        let cut =
            Array("id;city\n".utf8)
            + Array(repeating: UInt8(ascii: "a"), count: FormatDetector.headLength - 9)
            + Array("é".utf8)
        #expect(FormatDetector.detect(head: Array(cut.prefix(FormatDetector.headLength))) == nil)
        // Binary stays binary: a raw block starts with its version, a blk file with the magic.
        #expect(Self.detect("\u{01}\0\0\0" + String(repeating: "a", count: 76)) == DetectedFormat(.blocks))
        #expect(
            FormatDetector.detect(head: [0xf9, 0xbe, 0xb4, 0xd9, 0x1d, 0x01, 0x00, 0x00, 0x01])
                == DetectedFormat(.blocks))
        // Invalid UTF-8 (not just a character cut at the end) is binary.
        #expect(
            FormatDetector.detect(head: Array("abc".utf8) + [0xff, 0xfe, 0x80] + Array("def".utf8))
                == DetectedFormat(.blocks))
        #expect(Self.detect("0100000001abcdef\n") == DetectedFormat(.blocks))
    }

    @Test("format names for --format, including the block kinds")
    func formatNames() {
        #expect(InputFormat(name: "transfers-csv") == .transfersCSV)
        #expect(InputFormat(name: "Ethereum-ETL") == .ethereumETL)
        #expect(InputFormat(name: "blk") == .blocks)
        #expect(InputFormat(name: "hex") == .blocks)
        #expect(InputFormat(name: "csv") == nil)
    }

    @Test(
        "ethereum-etl exports (expected_*.csv and .json in ../shared/data) are detected with their role",
        .enabled(if: TransferCSVTests.hasEthereumETL, "../shared/data/ethereum-etl is absent"),
        arguments: [
            ("test_export_blocks_job/blocks_with_transactions/expected_blocks.csv", "blocks"),
            ("test_export_blocks_job/blocks_with_transactions/expected_transactions.csv", "transactions"),
            (
                "test_export_blocks_job/blocks_with_transactions_and_withdrawals/expected_blocks.json",
                "blocks"
            ),
            (
                "test_export_blocks_job/blocks_with_transactions_and_withdrawals/expected_transactions.json",
                "transactions"
            ),
            ("test_export_receipts_job/receipts_with_logs/expected_receipts.csv", "receipts"),
            ("test_export_receipts_job/receipts_with_logs/expected_receipts.json", "receipts"),
            ("test_export_receipts_job/receipts_with_logs/expected_logs.csv", "logs"),
            ("test_export_receipts_job/receipts_with_logs/expected_logs.json", "logs"),
            (
                "test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv",
                "token_transfers"
            ),
            ("test_extract_token_transfers_job/logs/logs.csv", "logs"),
            ("test_export_tokens_job/token_with_alternative_return_type/expected_tokens.csv", "tokens"),
            ("test_export_traces_job/block_with_subtraces/expected_traces.csv", "traces"),
            ("test_extract_geth_traces_job/block_with_error/expected_traces.csv", "traces"),
        ])
    func detectEthereumETL(_ relative: String, _ role: String) throws {
        let path = Self.sharedData.appendingPathComponent("ethereum-etl/" + relative).path
        #expect(try FormatDetector.detect(path: path) == DetectedFormat(.ethereumETL, role: role))
    }

    @Test(
        "bitcoin-etl JSON lines are detected as blocks and transactions",
        .enabled(if: TransferCSVTests.hasBitcoinETL, "../shared/data/bitcoin-etl is absent"),
        arguments: [
            ("bitcoin/block_1/expected_blocks.json", "blocks"),
            ("bitcoin/block_1/expected_transactions.json", "transactions"),
            ("bitcoin/block_with_transactions/expected_blocks.json", "blocks"),
            ("bitcoin/block_with_transactions/expected_transactions.json", "transactions"),
        ])
    func detectBitcoinETL(_ relative: String, _ role: String) throws {
        let path = Self.sharedData.appendingPathComponent("bitcoin-etl/test_export_blocks_job/" + relative)
            .path
        #expect(try FormatDetector.detect(path: path) == DetectedFormat(.bitcoinETL, role: role))
    }

    @Test(
        "Bitcoin Core getblock and getrawtransaction JSON are detected",
        .enabled(if: TransferCSVTests.hasCoreJSON, "../shared/data/bitcoin/core-json is absent"),
        arguments: [
            ("block766390.getblock-verbosity2.json", "getblock"),
            ("block766393.getblock-verbosity2.json", "getblock"),
            ("getrawtransaction/getRawTransactionVerboseWitness.json", "getrawtransaction"),
            (
                "getrawtransaction/rawTxVerbose-2ba6da53badd14349c5d6379e88c345e88193598aad714815d4b57c691a9fbdf.json",
                "getrawtransaction"
            ),
        ])
    func detectCoreJSON(_ relative: String, _ role: String) throws {
        let path = Self.sharedData.appendingPathComponent("bitcoin/core-json/" + relative).path
        #expect(try FormatDetector.detect(path: path) == DetectedFormat(.coreJSON, role: role))
    }
}
