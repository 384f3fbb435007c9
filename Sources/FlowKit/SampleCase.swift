import FlowModel
public import FlowStore
import Foundation

/// A case database built from the bundled SampleData: real Bitcoin blocks (1–255, 50001–50002
/// with enriched inputs, 277647, Dec 2010, 766390), Ethereum blocks with receipts and token
/// transfers (and one with its logs and swaps), the ledger with its planted structuring pattern, the OFAC Bitcoin list and the ledger's
/// labels, then a clustering run and an AML rule run. The query library's tests and the report
/// demo run against it.
public enum SampleCase {
    /// Builds the database at `path` (replacing any file there) from the SampleData folder
    /// `samples`; `tags` are more tag files to import (CSV `address,label,category`).
    @discardableResult
    public static func build(samples: String, path: String, tags: [String] = []) throws -> GraphStore {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try GraphStore(path: path)
        let btc = samples + "/bitcoin"
        _ = try BitcoinIngest.run(
            store: store,
            options: IngestOptions(paths: [
                "\(btc)/blk/blocks1-256.dat", "\(btc)/blk/277647.dat", "\(btc)/raw/block_13b8a.hex",
                "\(btc)/core-json/block766390.raw",
            ]))
        let etl = samples + "/bitcoin-json/bitcoin-etl/bitcoin/stream_50001_50002"
        _ = try BitcoinJSONIngest.run(
            store: store,
            files: try IngestPlan.classify(paths: [
                "\(etl)/expected_blocks.json", "\(etl)/expected_transactions.json",
            ]).files, network: .mainnet)
        let eth = samples + "/ethereum-etl"
        for group in [
            [
                "\(eth)/blocks_with_transactions/expected_blocks.csv",
                "\(eth)/blocks_with_transactions/expected_transactions.csv",
            ],
            [
                "\(eth)/block_with_logs/expected_blocks.csv",
                "\(eth)/block_with_logs/expected_transactions.csv",
                "\(eth)/receipts_with_logs/expected_receipts.csv",
                "\(eth)/token_transfers/expected_token_transfers.csv",
            ],
            // A post-Dencun block with its logs: token transfers and two Uniswap V3 swaps.
            ["blocks", "transactions", "logs"].map {
                "\(samples)/ethereum-defi/ethetl-19528783/expected_\($0).json"
            },
        ] {
            _ = try EthereumETLIngest.run(
                store: store, files: try IngestPlan.classify(paths: group).files, progress: nil)
        }
        _ = try TransferCSVIngest.run(
            store: store, files: try IngestPlan.classify(paths: [samples + "/transfers/ledger.csv"]).files,
            options: TransferCSVOptions())
        let lists: [(String, String?)] =
            [
                (samples + "/watchlists/sanctioned_addresses_XBT.txt", "sanctions"),
                (samples + "/watchlists/sanctioned_addresses_ETH.txt", "sanctions"),
                (samples + "/transfers/labels.csv", nil),
            ] + tags.map { ($0, nil) }
        for (list, category) in lists {
            _ = try TagImport.run(store: store, path: list, options: TagImportOptions(category: category))
        }
        _ = try Clustering.run(store: store, options: ClusterOptions(threads: 1))
        _ = try AmlRun.run(store: store, options: AmlRunOptions(threads: 1))
        return store
    }
}
