// libFuzzer target: Bitcoin Core JSON (`getblock` verbosity 2 and 3, `getrawtransaction`
// verbose, JSON-RPC envelopes), read record by record as `chainflow ingest` does: JSON syntax,
// field checks, the block rebuilt byte for byte and decoded, txids and merkle root verified.
// Built and run by scripts/fuzz.sh; see docs/robustness.md.
import FlowIngest
import FlowModel
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCoreJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(bytes: data, count: size)
    var reader = JSONRecordReader(path: "fuzz.json", data: input)
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
            _ = try CoreJSON.read(record, network: .mainnet)
        } catch {
            _ = error.description
        }
    }
    return 0
}
