// libFuzzer target: ethereum-etl exports, CSV and JSON lines (blocks, transactions, receipts,
// token_transfers, tokens, traces, logs): the table reader, then every row through the decoder of
// the role `FormatDetector` recognises, and of every other role whose columns the file has.
// Built and run by scripts/fuzz.sh; see docs/robustness.md.
import FlowIngest
import FlowModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEthereumETL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = FormatDetector.detect(head: bytes)
    let table: ETLTable
    do {
        table = try ETLTable(path: "fuzz.csv", bytes: bytes)
    } catch {
        _ = error.description
        return 0
    }
    _ = table.isEmpty
    for role in EthereumETLRole.allCases {
        guard let decoder = try? ETLDecoder(table: table, role: role) else { continue }
        do {
            try table.forEachRow { row in
                switch role {
                case .blocks: _ = try decoder.block(row)
                case .receipts: _ = try decoder.receipt(row)
                case .transactions: _ = try decoder.transaction(row)
                case .tokenTransfers: _ = try decoder.tokenTransfer(row)
                case .tokens: _ = try decoder.token(row)
                case .traces: _ = try decoder.trace(row)
                case .logs: break
                }
            }
        } catch let error as IngestError {
            _ = error.description
        } catch {
            _ = "\(error)"
        }
    }
    return 0
}
