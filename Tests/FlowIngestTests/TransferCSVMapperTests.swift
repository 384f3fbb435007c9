import FlowIngest
import FlowModel
import Foundation
import Testing

/// The ledger rules of transfers CSVs without a database: which mapping a file is read with
/// (`--map`, `--preset`, the detected preset, the overriding options), the source identity, and
/// SampleData/transfers/ledger.csv's rows as ledger transfers, against figures read off the file.
@Suite("Transfers CSV mapper: mappings, options, seq, assets and decimals, without a database")
struct TransferCSVMapperTests {
    static let ledger = Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/ledger.csv").path

    /// Every transfer of the file at `path` read with `mapping`, from `resumeOffset` after
    /// `firstRow` data rows.
    static func transfers(
        _ path: String, _ mapping: TransferCSVMapping, resumeOffset: Int = 0, firstRow: Int = 0
    ) throws -> [ParsedTransfer] {
        try Fixtures.bytes(URL(fileURLWithPath: path)).withUnsafeBytes { bytes in
            var parser = try TransferCSVParser(
                file: path, bytes: bytes, mapping: mapping, resumeOffset: resumeOffset, firstRow: firstRow)
            var out: [ParsedTransfer] = []
            while let t = try parser.next() { out.append(t) }
            #expect(parser.rows == firstRow + out.count)
            return out
        }
    }

    @Test("ledger.csv is recognised as AMLSim and read in cents of USD: every row as the file says")
    func detectedPreset() throws {
        let detected = try FormatDetector.detect(path: Self.ledger)
        #expect(detected.format == .transfersCSV && detected.role == "amlsim")
        let mapping = try TransferCSVMapper.mapping(
            file: Self.ledger, given: nil, detectedRole: detected.role)
        #expect(mapping == .amlsim && mapping.defaultAsset == "USD" && mapping.decimals == 2)
        let rows = try Self.transfers(Self.ledger, mapping)
        #expect(rows.map(\.seq) == Array(1...10))
        #expect(rows.map(\.tx) == (1...10).map { String($0) })
        #expect(rows.map(\.line) == Array(2...11))
        // base_amt in cents, as written: 9500.00 is 950000.
        #expect(
            rows.map(\.amount)
                == [
                    950_000, 940_000, 970_000, 965_000, 3_800_000, 3_790_000, 12_050, 4_525, 6_000, 100_000,
                ].map { UInt256(UInt64($0)) })
        #expect(rows.reduce(UInt256.zero) { $0 + $1.amount } == UInt256(11_537_575))
        #expect(rows[0].from == "ACC-1001" && rows[0].to == "ACC-2001")
        #expect(rows[4].from == "ACC-2001" && rows[4].to == "ACC-3001")
        // 2024-03-01T09:15:00Z
        #expect(rows[0].time == 1_709_284_500)
        #expect(rows.allSatisfy { $0.asset == nil }, "no asset column: the mapping's default asset")
    }

    @Test("--map with joined columns and the options: addresses a:b, 3 decimals, another default asset")
    func mapWithOptions() throws {
        let given = try TransferCSVMapping.parse(
            "tx=tran_id,time=tran_timestamp,from=orig_acct+tx_type,to=#3,amount=base_amt")
        let mapping = try TransferCSVMapper.mapping(
            file: Self.ledger, given: given, detectedRole: "amlsim", decimals: 3, asset: "EUR")
        #expect(mapping.decimals == 3 && mapping.defaultAsset == "EUR" && mapping.from.count == 2)
        let rows = try Self.transfers(Self.ledger, mapping)
        #expect(rows[0].from == "ACC-1001:TRANSFER" && rows[0].to == "ACC-2001")
        #expect(rows[6].amount == UInt256(120_500))
        #expect(rows.reduce(UInt256.zero) { $0 + $1.amount } == UInt256(115_375_750))
    }

    @Test("a resumed file continues its seq after the rows committed before")
    func resumedSeq() throws {
        let text = try String(contentsOfFile: Self.ledger, encoding: .utf8)
        // The byte offset after the header and the first three rows.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let offset = lines.prefix(4).map { $0.utf8.count + 1 }.reduce(0, +)
        let rest = try Self.transfers(Self.ledger, .amlsim, resumeOffset: offset, firstRow: 3)
        #expect(rest.map(\.seq) == Array(4...10))
        #expect(rest.first?.tx == "4" && rest.first?.line == 5)
        #expect(rest == Array(try Self.transfers(Self.ledger, .amlsim).dropFirst(3)))
    }

    @Test("no --map, no --preset and an unknown header: an error naming the file and what to give")
    func noMapping() throws {
        let e = try #require(throws: IngestError.self) {
            try TransferCSVMapper.mapping(file: "odd.csv", given: nil, detectedRole: nil)
        }
        #expect(e.code == .unknownFormat && e.file == "odd.csv")
        #expect(e.message.contains("--map tx=COL") && e.message.contains("amlsim|amlsim-sample|amlworld"))
    }

    @Test("time options: an epoch alone means day steps; a time unit overrides the preset's")
    func timeOptions() throws {
        let epochOnly = try TransferCSVMapper.mapping(
            file: "t.csv", given: .amlsim, detectedRole: nil, epoch: 1_700_000_000)
        #expect(epochOnly.timeUnit == .day && epochOnly.epoch == 1_700_000_000)
        let hours = try TransferCSVMapper.mapping(
            file: "t.csv", given: nil, detectedRole: "amlsim-sample", timeUnit: .hour)
        #expect(hours.timeUnit == .hour && hours.epoch == TransferCSVMapping.amlsimBaseDate)
        let csv = "sourceNodeId,targetNodeId,value,time\n1,2,3.5,0\n2,3,1,2\n"
        let rows = try Array(csv.utf8).withUnsafeBytes { bytes in
            var parser = try TransferCSVParser(file: "t.csv", bytes: bytes, mapping: hours)
            var out: [ParsedTransfer] = []
            while let t = try parser.next() { out.append(t) }
            return out
        }
        #expect(rows.map(\.time) == [1_483_228_800, 1_483_228_800 + 7_200])
        #expect(rows.map(\.amount) == [UInt256(350), UInt256(100)])
    }

    @Test("the source format names the mapping: the same bytes under another mapping are another source")
    func sourceFormat() throws {
        let a = TransferCSVMapper.sourceFormat(.amlsim)
        #expect(a == "transfers-csv " + TransferCSVMapping.amlsim.description)
        var cents3 = TransferCSVMapping.amlsim
        cents3.decimals = 3
        #expect(TransferCSVMapper.sourceFormat(cents3) != a)
    }

    @Test("decimals per asset: an asset's own, else the mapping's")
    func decimalsPerAsset() {
        var m = TransferCSVMapping.amlworld
        m.assetDecimals = ["Bitcoin": 8, "Yen": 0]
        m.decimals = 2
        #expect(m.decimals(ofAsset: "Bitcoin") == 8)
        #expect(m.decimals(ofAsset: "Yen") == 0)
        #expect(m.decimals(ofAsset: "Euro") == 2)
    }
}
