// libFuzzer target: bitcoin-etl JSON lines (blocks.json and transactions.json, enriched or
// not), read record by record, then each block whose transactions all arrived is assembled and
// decoded as `chainflow ingest` does. Built and run by scripts/fuzz.sh; see docs/robustness.md.
import FlowIngest
import FlowModel
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBitcoinETL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(bytes: data, count: size)
    var reader = JSONRecordReader(path: "fuzz.json", data: input)
    var blocks: [ETLBlock] = []
    var transactions: [Hash256: [ETLTransaction]] = [:]
    var records = 0
    while records < 10_000 {
        let record: JSONRecord?
        do {
            record = try reader.next()
        } catch {
            _ = error.description
            break
        }
        guard let record else { break }
        records += 1
        do {
            switch try BitcoinETL.read(record, network: .mainnet) {
            case .block(let b): blocks.append(b)
            case .transaction(let t): transactions[t.blockHash, default: []].append(t)
            }
        } catch {
            _ = error.description
        }
    }
    for block in blocks {
        // The ingest assembles a block once its declared number of transactions has arrived;
        // here any block with at least one transaction line is tried, to reach the assembler.
        guard let lines = transactions[block.hash], !lines.isEmpty else { continue }
        do {
            _ = try BitcoinETL.assemble(block, lines, network: .mainnet, parents: [])
        } catch {
            _ = error.description
        }
    }
    return 0
}
