import FlowModel
import FlowReport
import FlowStore
import Foundation

/// The `demo` command: ingests the bundled SampleData into fresh databases and prints what it
/// found — counts, a famous transaction, an address profile, an idempotent re-run and a reorg.
public enum Demo {
    /// Creates `path` (and its parents), with a plain error naming it when that fails.
    static func makeFolder(_ path: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                .io, "cannot create the folder: \(FileProblem.describe(error, path: path, writing: true))",
                path: path)
        }
    }

    /// Finds SampleData: in the current directory or a parent, else beside this source tree.
    public static func locateSamples() -> String? {
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("SampleData/bitcoin").path
            if FileManager.default.fileExists(atPath: candidate) {
                return dir.appendingPathComponent("SampleData").path
            }
            dir.deleteLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SampleData")
        return FileManager.default.fileExists(atPath: source.path) ? source.path : nil
    }

    /// Runs the demo with databases in `workdir`, writing what it does through `say`.
    public static func run(samples: String, workdir: String, say: (String) -> Void) throws {
        try makeFolder(workdir)
        let btc = samples + "/bitcoin"
        let dbPath = workdir + "/demo.db"
        removeDatabase(dbPath)
        let store = try GraphStore(path: dbPath)

        say("== 1. Ingest real mainnet blocks from SampleData into \(dbPath)\n")
        let files = [
            "\(btc)/blk/blocks1-256.dat", "\(btc)/blk/277647.dat", "\(btc)/raw/block_13b8a.hex",
            "\(btc)/core-json/block766390.raw",
        ]
        let report = try BitcoinIngest.run(store: store, options: IngestOptions(paths: files))
        say(IngestRender.text(report))
        say("\n" + Render.statsText(try store.stats()))

        say("\n== 2. The first bitcoin payment between people: Satoshi to Hal Finney, block 170\n")
        if let hash = Hash256(displayHex: "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"),
            let tx = try store.transaction(hash)
        {
            say(Render.transactionText(tx))
        }
        say("\n")
        if let profile = try store.address("12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S") {
            say(Render.addressText(profile))
        }

        say("\n== 3. A busy 2013 block: fees resolved where the spent outputs are known\n")
        if let hash = Hash256(displayHex: "d1e594eabe8c582dc01a8768cb01679aea6956165806f69f40e22e5e352b3bd1"),
            let tx = try store.transaction(hash)
        {
            say(Render.transactionText(tx))
        }

        say("\n== 4. Ingesting the same file again changes nothing\n")
        let again = try BitcoinIngest.run(store: store, options: IngestOptions(paths: [files[0]]))
        say(IngestRender.text(again))

        say("\n== 5. A fork: blocks 0-4, then a competing branch 3A-5A with more work\n")
        let reorgPath = workdir + "/demo-reorg.db"
        removeDatabase(reorgPath)
        let reorg = try GraphStore(path: reorgPath)
        let watched = "1NiEGXeURREqqMjCvjCeZn6SwEBZ9AdVet"
        _ = try BitcoinIngest.run(store: reorg, options: IngestOptions(paths: ["\(btc)/blk/blk_0_to_4.dat"]))
        let before = try reorg.stats()
        let balanceBefore = try reorg.address(watched)?.balance ?? 0
        say(
            "before: tip height \(before.maxHeight.map(String.init) ?? "?"), \(watched) holds \(Render.btc(balanceBefore)) BTC\n"
        )
        let fork = try BitcoinIngest.run(
            store: reorg,
            options: IngestOptions(paths: [
                "\(btc)/blk/blk_3A.dat", "\(btc)/blk/blk_4A.dat", "\(btc)/blk/blk_5A.dat",
            ]))
        say(IngestRender.text(fork))
        let after = try reorg.stats()
        let balanceAfter = try reorg.address(watched)?.balance ?? 0
        say(
            "after:  tip height \(after.maxHeight.map(String.init) ?? "?"), \(Render.count(after.orphanedBlocks, "block")) orphaned, \(watched) holds \(Render.btc(balanceAfter)) BTC\n"
        )
        let exportsPath = try exports(samples: samples, workdir: workdir, say: say)
        try reports(bitcoin: store, exports: GraphStore(path: exportsPath), workdir: workdir, say: say)
        say(
            "\nTry: chainflow stats --db \(dbPath)\n     chainflow address 12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S --db \(dbPath) --json\n"
                + "     chainflow address ACC-2001 --db \(exportsPath) --json\n"
                + "     chainflow query --list\n"
        )
    }

    /// Step 7: the reports people read, written as self-contained HTML pages (and the same
    /// documents as Markdown and JSON) into `workdir/reports`. Returns the files written.
    @discardableResult
    static func reports(bitcoin: GraphStore, exports: GraphStore, workdir: String, say: (String) -> Void)
        throws
        -> [String]
    {
        let folder = workdir + "/reports"
        try makeFolder(folder)
        say("\n== 7. Reports for the sample data, in \(folder)\n")
        var written: [String] = []
        func write(_ name: String, _ text: String, _ what: String) throws {
            let path = folder + "/" + name
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw StoreError(
                    .io, "cannot write the report: \(FileProblem.describe(error, path: path, writing: true))",
                    path: path)
            }
            written.append(path)
            say("\(path)  \(what)\n")
        }
        let satoshi = "12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S"
        // Where Satoshi's block-9 coins went within 6 hops (haircut), and a ledger trace of the
        // four deposits just under 10,000 that ACC-2001 gathered.
        let btcTrace = try Trace.run(store: bitcoin, options: TraceOptions(from: [satoshi], maxHops: 6))
        try write(
            "trace-satoshi.html", TraceRender.html(btcTrace),
            "flow trace: \(satoshi) forward, 6 hops, haircut")
        try write("trace-satoshi.md", TraceRender.markdown(btcTrace), "the same trace as Markdown")
        try write(
            "trace-satoshi.json", TraceRender.json(btcTrace).rendered() + "\n", "the same trace as JSON")
        let ledgerTrace = try Trace.run(store: exports, options: TraceOptions(from: ["1", "2", "3", "4"]))
        try write(
            "trace-ledger.html", TraceRender.html(ledgerTrace), "flow trace: ledger transfers 1-4 forward")

        let alerts = try AmlRun.run(store: exports, options: AmlRunOptions(store: false))
        let categories = try AmlRun.tagCategories(store: exports, alerts: alerts.alerts)
        try write(
            "aml-alerts.html", AmlRender.html(alerts, categories: categories),
            "AML alerts: \(alerts.alerts.count) on the exports database, default rules")
        try write("aml-alerts.md", AmlRender.markdown(alerts), "the same alerts as Markdown")
        try write("aml-alerts.csv", AmlRender.csv(alerts), "the same alerts as CSV")

        for (store, address, name) in [
            (bitcoin, satoshi, "address-satoshi"), (exports, "ACC-2001", "address-acc-2001"),
        ] {
            if let report = try AddressReport.load(store: store, address: address) {
                try write(
                    name + ".html", AddressReportRender.html(report).html, "address profile: \(address)")
            }
        }
        _ = try Clustering.run(store: bitcoin, options: ClusterOptions())
        if let report = try ClusterReport.load(store: bitcoin, address: satoshi) {
            try write(
                "cluster-satoshi.html", ClusterReportRender.html(report).html, "cluster profile: \(satoshi)")
        }
        return written
    }

    /// Step 6: exports of other tools (Bitcoin Core JSON, bitcoin-etl, ethereum-etl, a ledger
    /// CSV) and watchlists land in one graph. Returns the database path.
    static func exports(samples: String, workdir: String, say: (String) -> Void) throws -> String {
        let path = workdir + "/demo-exports.db"
        removeDatabase(path)
        let store = try GraphStore(path: path)
        say("\n== 6. Other exports land in the same graph: \(path)\n")
        let json = samples + "/bitcoin-json"
        let btcFiles = [
            "\(json)/core-json/block766390.getblock-verbosity2.json",
            "\(json)/bitcoin-etl/bitcoin/block_with_transactions/expected_blocks.json",
            "\(json)/bitcoin-etl/bitcoin/block_with_transactions/expected_transactions.json",
        ]
        let btc = try BitcoinJSONIngest.run(
            store: store, files: try IngestPlan.classify(paths: btcFiles).files, network: .mainnet)
        say(IngestRender.text(btc))
        let eth = samples + "/ethereum-etl"
        let ethFiles = [
            "\(eth)/blocks_with_transactions/expected_blocks.csv",
            "\(eth)/blocks_with_transactions/expected_transactions.csv",
        ]
        let ethReport = try EthereumETLIngest.run(
            store: store, files: try IngestPlan.classify(paths: ethFiles).files, progress: nil)
        say(IngestRender.text(ethReport))
        let ledgerFiles = try IngestPlan.classify(paths: [samples + "/transfers/ledger.csv"]).files
        let ledger = try TransferCSVIngest.run(
            store: store, files: ledgerFiles, options: TransferCSVOptions())
        say(IngestRender.text(ledger))
        for (list, category) in [
            (samples + "/watchlists/sanctioned_addresses_XBT.txt", "sanctions"),
            (samples + "/watchlists/sanctioned_addresses_ETH.txt", "sanctions"),
            (samples + "/transfers/labels.csv", nil),
        ] {
            say(
                TagImport.text(
                    try TagImport.run(store: store, path: list, options: TagImportOptions(category: category))
                ))
        }
        say("\n" + Render.statsText(try store.stats()))
        say("\nAn Ethereum account (value in wei, shown in ETH):\n")
        if let profile = try AddressProfile.load(
            store: store, address: "0x1406854d149e081ac09cb4ca560da463f3123059")
        {
            say(Render.addressText(profile))
        }
        say("\nA ledger account that gathered four deposits just under 10,000 and passed them on:\n")
        if let profile = try AddressProfile.load(store: store, address: "ACC-2001") {
            say(Render.addressText(profile))
        }
        if let profile = try AddressProfile.load(store: store, address: "ACC-4001") {
            say(Render.addressText(profile))
        }
        return path
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
