import FlowIngest
import FlowModel
import Foundation
import Testing

/// Every input a fuzz target once failed on (Tests/FuzzRegressions/<target>/), fed to the decoders
/// the way `Fuzz/<target>.swift` feeds them: each must now end in an `IngestError`, not a trap.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../FuzzRegressions").standardized.path

    /// (target, file name) of every regression input of the decoders in FlowIngest.
    static let inputs: [String] = {
        let targets = ["blocks", "hex", "corejson", "bitcoinetl", "ethetl", "transfercsv", "address"]
        var found: [String] = []
        for t in targets {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + t)) ?? []
            found += names.sorted().map { "\(t)/\($0)" }
        }
        return found
    }()

    @Test func transferMappingThatNamesNoColumn() {
        for spec in [
            "time=+,from=a,to=b,amount=c", "time=t,from=a+,to=b,amount=c", "time=t,from=a,to=+ ,amount=c",
        ] {
            #expect(throws: IngestError.self, "\(spec)") { try TransferCSVMapping.parse(spec) }
        }
        #expect((try? TransferCSVMapping.parse("time=t,from=a+b,to=c,amount=d"))?.from.count == 2)
    }

    @Test(arguments: inputs)
    func regression(_ input: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + input)))
        let target = String(input.prefix { $0 != "/" })
        let errors = try Self.errors(target: target, bytes)
        #expect(!errors.isEmpty, "\(input) decoded without an error")
        for e in errors {
            #expect(!e.message.isEmpty)
        }
    }

    /// The errors the decoders report for `bytes`, read as the fuzz target reads them.
    static func errors(target: String, _ bytes: [UInt8]) throws -> [IngestError] {
        var errors: [IngestError] = []
        func collect(_ body: () throws -> Void) {
            do {
                try body()
            } catch let error as IngestError {
                errors.append(error)
            } catch {
                Issue.record("not an IngestError: \(error)")
            }
        }
        switch target {
        case "blocks", "hex":
            collect {
                let source = try BlockSource.parse(
                    path: "/nonexistent/regression.dat", bytes: bytes, xorKey: nil, network: .mainnet)
                for frame in source.frames { collect { _ = try source.decode(frame) } }
                if let e = source.framingError { errors.append(e) }
            }
        case "corejson", "bitcoinetl":
            var reader = JSONRecordReader(path: "regression.json", data: Data(bytes))
            while true {
                var record: JSONRecord?
                collect { record = try reader.next() }
                guard let r = record else { break }
                collect {
                    if target == "corejson" {
                        _ = try CoreJSON.read(r, network: .mainnet)
                    } else {
                        _ = try BitcoinETL.read(r, network: .mainnet)
                    }
                }
            }
        case "ethetl":
            collect {
                let table = try ETLTable(path: "regression.csv", bytes: bytes)
                for role in EthereumETLRole.allCases {
                    guard let d = try? ETLDecoder(table: table, role: role) else { continue }
                    do {
                        try table.forEachRow { row in
                            switch role {
                            case .blocks: _ = try d.block(row)
                            case .receipts: _ = try d.receipt(row)
                            case .transactions: _ = try d.transaction(row)
                            case .tokenTransfers: _ = try d.tokenTransfer(row)
                            case .tokens: _ = try d.token(row)
                            case .traces: _ = try d.trace(row)
                            case .logs: break
                            }
                        }
                    } catch let e as IngestError {
                        errors.append(e)
                    }
                }
            }
        case "transfercsv":
            let newline = bytes.firstIndex(of: 0x0a) ?? bytes.count
            let spec = String(decoding: bytes[..<newline], as: UTF8.self)
            let csv = Array(bytes[min(bytes.count, newline + 1)...])
            collect {
                let mapping = try TransferCSVMapping.preset(spec) ?? TransferCSVMapping.parse(spec)
                try csv.withUnsafeBytes { raw in
                    var parser = try TransferCSVParser(file: "regression.csv", bytes: raw, mapping: mapping)
                    while try parser.next() != nil {}
                }
            }
        default:
            Issue.record("no harness for target \(target)")
        }
        return errors
    }
}
