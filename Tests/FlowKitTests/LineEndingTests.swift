import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// One sample file (or a folder's files read together) and the command that reads it.
struct TextSample: Sendable, CustomTestStringConvertible {
    /// `ingest`, `tags import`, `prices import` or `aml evaluate` (labels).
    enum Reader: String, Sendable { case ingest, tags, prices, labels }
    var reader: Reader
    /// Absolute paths.
    var files: [String]
    var options: [String] = []
    var testDescription: String {
        "\(reader.rawValue) \(files.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " "))"
    }
}

/// CRLF and byte-order-mark copies of every sample text format (transfer CSVs, AMLSim, ethereum-etl
/// CSV and JSON lines, bitcoin-etl, Core JSON, block hex, watchlists, price files, AML label files)
/// read through the `chainflow` executable give exactly what the originals give: the same exit
/// code and the same rows in every table (per-table checksums), or for labels the same evaluation.
@Suite("CRLF and byte-order-mark copies of every sample read like the originals")
struct LineEndingTests {
    static let root = Fixtures.packageRoot.path + "/SampleData"
    static let shared = Fixtures.packageRoot.appendingPathComponent("../shared/data").standardized.path
    /// The data tables. `sources` records each file's size and content hash, and blocks their file
    /// and byte offset, which differ between a file and its copy by design.
    static let tables = [
        "blocks", "transactions", "inputs", "outputs", "addresses", "prevouts", "transfers", "assets", "tags",
        "prices",
    ]

    /// Folders hold the small hand-made files the samples lack (prices, AMLSim label files).
    static let made: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chainflow-made-\(UUID())")
            .path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let files = [
            "prices.csv": "date,asset,price\n2024-03-01,USD,1\n2024-03-02,\"BTC\",62000.5\n",
            "coingecko.csv":
                "snapped_at,price,market_cap,total_volume\n2024-03-01 00:00:00 UTC,62000.12,1.2e12,3.4e10\n",
            "alert_accounts.csv":
                "alert_id,alert_type,acct_id,is_sar\n1,fan_in,ACC-1001,True\n1,fan_in,ACC-2001,True\n",
            "nodes.csv": "nodeid,isFraud,init_balance,fraudStep\nACC-2001,1,5,3\nACC-5001,0,5,0\n",
            "labels.csv":
                "instance_id,typology,members,transactions\n1,fan-in,ACC-1001;ACC-1002;ACC-2001,1;2\n",
        ]
        for (name, text) in files {
            try? text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        return dir
    }()

    static let samples: [TextSample] = {
        func ingest(_ files: [String], _ options: [String] = []) -> TextSample {
            TextSample(reader: .ingest, files: files, options: options)
        }
        func folder(_ path: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
                .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".json") }.map { path + "/" + $0 }
        }
        var out = [
            ingest([root + "/transfers/ledger.csv"]),
            ingest([root + "/transfers/ledger.csv"], ["--preset", "amlsim"]),
            ingest([root + "/bitcoin/raw/block_13b8a.hex"]),
            ingest([root + "/bitcoin-json/core-json/block766390.getblock-verbosity2.json"]),
        ]
        for case_ in ["block_1", "block_with_transactions", "stream_50001_50002"] {
            out.append(ingest(folder(root + "/bitcoin-json/bitcoin-etl/bitcoin/" + case_)))
        }
        for case_ in ["blocks_with_transactions", "block_with_logs", "tokens", "withdrawals"] {
            out.append(ingest(folder(root + "/ethereum-etl/" + case_)))
        }
        // Logs carry token transfers, which need their block's time: the blocks file of the block.
        out.append(
            ingest(
                folder(root + "/ethereum-etl/receipts_with_logs")
                    + [root + "/ethereum-etl/block_with_logs/expected_blocks.csv"]))
        out += [
            TextSample(reader: .tags, files: [root + "/watchlists/sanctioned_addresses_XBT.txt"]),
            TextSample(reader: .tags, files: [root + "/transfers/labels.csv"]),
            TextSample(reader: .prices, files: [made + "/prices.csv"]),
            TextSample(reader: .prices, files: [made + "/coingecko.csv"], options: ["--asset", "BTC"]),
            TextSample(reader: .labels, files: [made + "/labels.csv"]),
            TextSample(reader: .labels, files: [made + "/alert_accounts.csv"]),
            TextSample(reader: .labels, files: [made + "/nodes.csv"]),
        ]
        // The shared data set, where it is checked out beside the project.
        let defi = shared + "/ethereum-defi/ethetl-17179063"
        if FileManager.default.fileExists(atPath: defi) {
            out.append(ingest(folder(defi).filter { !$0.contains("HEAD_") }))
            out.append(ingest([shared + "/bitcoin/raw/block-2582756-testnet.hex"]))
            let ofac = shared + "/watchlists/ofac-0xB10C"
            for name in ["sanctioned_addresses_ETH.txt", "sanctioned_addresses_ETH.json"] {
                out.append(TextSample(reader: .tags, files: [ofac + "/" + name]))
            }
        }
        return out
    }()

    enum Variant: String, CaseIterable { case original, crlf, bom, bomCRLF }

    static func bytes(_ data: Data, _ variant: Variant) -> Data {
        // Original line ends first (some samples are CRLF already), then the variant's.
        let lf = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        let crlf = Data(String(decoding: lf, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let bom = Data([0xef, 0xbb, 0xbf])
        switch variant {
        case .original: return data
        case .crlf: return crlf
        case .bom: return bom + data
        case .bomCRLF: return bom + crlf
        }
    }

    /// Exit code, stderr with the folder replaced, and per-table checksums (or, for labels, the
    /// evaluation without its timing line).
    static func read(_ sample: TextSample, _ variant: Variant, in root: String) throws -> [String] {
        let dir = root + "/" + variant.rawValue
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var paths: [String] = []
        for file in sample.files {
            let path = dir + "/" + URL(fileURLWithPath: file).lastPathComponent
            try bytes(try Data(contentsOf: URL(fileURLWithPath: file)), variant).write(
                to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let db = dir + "/case.db"
        let args: [String]
        switch sample.reader {
        case .ingest: args = ["ingest", "--quiet", "--db", db] + sample.options + paths
        case .tags: args = ["tags", "import", "--db", db] + sample.options + paths
        case .prices: args = ["prices", "import", "--db", db] + sample.options + paths
        case .labels:
            let setup = try CLIProcess.run(
                ["ingest", "--quiet", "--db", db, Self.root + "/transfers/ledger.csv"], in: dir,
                label: "ledger")
            try #require(setup.status == 0, "\(setup.stderr)")
            args = ["aml", "evaluate", "--db", db, "--labels", paths[0]]
        }
        let r = try CLIProcess.run(args, in: dir, label: variant.rawValue)
        var result = ["exit \(r.status)", r.stderr.replacingOccurrences(of: dir, with: "DIR")]
        if sample.reader == .labels {
            result += r.stdout.split(separator: "\n").filter { !$0.contains("rules ") }.map(String.init)
        } else if FileManager.default.fileExists(atPath: db) {
            let sums = try GraphStore(path: db, readOnly: true).contentFingerprint(
                tables: tables, ignoring: ["source_file", "source_offset"])
            result += tables.map { "\($0): \(sums[$0] ?? "-")" }
        }
        return result
    }

    @Test(arguments: samples)
    func copiesReadLikeTheOriginal(_ sample: TextSample) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chainflow-eol-\(UUID())")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let original = try Self.read(sample, .original, in: root)
        #expect(original[0] == "exit 0", "the original fails: \(original[1])")
        for variant in Variant.allCases.dropFirst() {
            let copy = try Self.read(sample, variant, in: root)
            let differing = zip(copy, original).filter { $0 != $1 }.map { "\($0.0) (original: \($0.1))" }
            #expect(copy.count == original.count && differing.isEmpty, "\(variant.rawValue): \(differing)")
        }
    }
}
