import FlowIngest
import FlowModel
import Foundation
import Testing

/// AMLSim files as they come: the published samples' integer day steps without transaction ids,
/// and every labels file `aml evaluate` reads, with CRLF, byte-order marks and bad files.
@Suite("AMLSim inputs: sample transactions, labels files")
struct AmlSimInputTests {
    static func labels(_ text: String, file: String = "labels.csv") throws -> AmlLabelFile {
        try Array(text.utf8).withUnsafeBytes { try AmlLabelFile.parse($0, file: file) }
    }

    static func labelsError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> IngestError
    {
        try #require(throws: IngestError.self, sourceLocation: sourceLocation) { try labels(text) }
    }

    @Test func sampleTransactionsAreDetectedAndTimedInDaySteps() throws {
        let csv =
            "sourceNodeId,targetNodeId,value,time\r\n280,15349,147.8,1\r\n249,9015,104.06,0\r\n7,8,1,149\r\n"
        let detected = try #require(FormatDetector.detect(head: Array(csv.utf8)))
        #expect(detected.format == .transfersCSV && detected.role == "amlsim-sample")
        let mapping = try #require(TransferCSVMapping.preset(detected.role!))
        let rows = try TransferCSVTests.transfers(csv, mapping)
        let base = TransferCSVMapping.amlsimBaseDate
        #expect(base == TimeParser.parse("2017-01-01"))
        #expect(rows.map(\.time) == [base + 86_400, base, base + 149 * 86_400])
        #expect(rows.map(\.amount) == [14_780, 10_406, 100].map { UInt256(UInt64($0)) })
        #expect(rows.map(\.tx) == [nil, nil, nil])
        #expect(rows.map(\.from) == ["280", "249", "7"])
        #expect(rows.map(\.line) == [2, 3, 4])
    }

    @Test func timeStepsTakeAUnitAndAnEpochAndRejectFractions() throws {
        var m = TransferCSVMapping.amlsimSample
        m.timeUnit = .hour
        m.epoch = 1_000_000
        let rows = try TransferCSVTests.transfers("sourceNodeId,targetNodeId,value,time\n1,2,3,5\n", m)
        #expect(rows.map(\.time) == [1_000_000 + 5 * 3_600])
        let e = try TransferCSVTests.rowError(
            "sourceNodeId,targetNodeId,value,time\n1,2,3,4\n1,2,3,1.5\n", m, goodRows: 1)
        #expect("\(e)".contains("t.csv:3:4") && "\(e)".contains("'1.5'"), "\(e)")
        #expect(TransferCSVMapping.amlsimSample.description.contains("time_unit=day"))
    }

    @Test func ibmNodesGiveAccountLabels() throws {
        let l = try Self.labels(
            "\u{FEFF}nodeid,isFraud,init_balance,fraudStep\r\n0,0,184.44,-1\r\n1,1,175.80,24\r\n2,1,1,-1\r\n")
        #expect(l.kind == .nodes && l.instances.isEmpty && l.accounts == ["1", "2"])
    }

    @Test func alertTransactionsGiveInstancesWithTheirTransactions() throws {
        let l = try Self.labels(
            """
            alert_id,alert_type,is_sar,tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp\r
            5,fan_in,True,101,a,h,TRANSFER,10.0,2017-01-02T00:00:00Z\r
            5,fan_in,True,102,b,h,TRANSFER,10.0,2017-01-03T00:00:00Z\r
            6,cycle,True,103,c,d,TRANSFER,10.0,2017-01-03T00:00:00Z\r
            7,random,False,104,e,f,TRANSFER,10.0,2017-01-03T00:00:00Z\r

            """)
        #expect(l.kind == .alertTransactions)
        #expect(l.instances.map(\.id) == ["5", "6"], "is_sar false is not laundering")
        #expect(l.instances.map(\.typology) == ["fan-in", "cycle"])
        #expect(l.instances[0].transactions == ["101", "102"] && l.instances[0].members == ["a", "h", "b"])
        #expect(l.accounts == ["a", "b", "h", "c", "d"])
    }

    @Test func alertAccountsAndSarAccountsGiveInstancesByMembers() throws {
        let l = try Self.labels(
            "alert_id,alert_type,acct_id,acct_name,is_sar,model_id\n1,scatter_gather,10,A10,true,3\n1,scatter_gather,11,A11,true,3\n2,stack,12,A12,true,2\n"
        )
        #expect(l.kind == .alertAccounts && l.instances.map(\.typology) == ["scatter-gather", "stack"])
        #expect(l.instances[0].members == ["10", "11"] && l.instances[0].transactions.isEmpty)
        let sar = try Self.labels(
            "ALERT_ID,ACCOUNT_ID,CUSTOMER_ID,EVENT_DATE,ALERT_TYPE,IS_SAR\n3,20,C20,20170105,fan_out,YES\n")
        #expect(sar.instances == [.init(id: "3", typology: "fan-out", members: ["20"], transactions: [])])
    }

    @Test func chainflowLabelsWithCRLFAreRead() throws {
        let l = try Self.labels("instance_id,typology,members,transactions\r\n1,fan-in,a;b,17;18\r\n")
        #expect(l.kind == .chainflow && l.instances[0].transactions == ["17", "18"])
    }

    @Test func unusableLabelsFilesAreErrorsThatSayWhere() throws {
        let header = try Self.labelsError("from,to,amount\n1,2,3\n")
        #expect(header.code == .unknownFormat && "\(header)".contains("labels.csv:1"), "\(header)")
        #expect(header.exitCode == 65)
        let none = try Self.labelsError("nodeid,isFraud\n0,0\n1,0\n")
        #expect("\(none)".contains("no labels"), "\(none)")
        let empty = try Self.labelsError("")
        #expect("\(empty)".contains("empty labels file"))
        let typology = try Self.labelsError("alert_id,alert_type,acct_id\n1,fan_in,3\n2,teleport,4\n")
        #expect(
            "\(typology)".contains("labels.csv:3:2") && "\(typology)".contains("'teleport'"), "\(typology)")
        let flag = try Self.labelsError("nodeid,isFraud\n0,maybe\n")
        #expect("\(flag)".contains("labels.csv:2:2") && "\(flag)".contains("'maybe'"), "\(flag)")
        let width = try Self.labelsError("nodeid,isFraud\n0,1,2\n")
        #expect("\(width)".contains("labels.csv:2"), "\(width)")
    }

    @Test func directoriesAndMissingLabelsFilesAreClearErrors() throws {
        let dir = NSTemporaryDirectory()
        #expect(throws: IngestError.self) { try AmlLabelFile.read(path: dir) }
        do { _ = try AmlLabelFile.read(path: dir) } catch { #expect("\(error)".contains("is a directory")) }
        do {
            _ = try AmlLabelFile.read(path: dir + "/no-such-labels.csv")
        } catch let e as IngestError { #expect(e.code == .missingFile && e.exitCode == 66) }
    }
}
