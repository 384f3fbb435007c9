// libFuzzer target: block hex text (one block per line, whitespace ignored), as `chainflow ingest`
// reads a `getblock <hash> 0` dump, through framing and `BlockDecoder`. Seeded with hex blocks;
// bytes that stop looking like hex fall through to the other block readers, as in the CLI.
// Built and run by scripts/fuzz.sh; see docs/robustness.md.
import FlowBitcoin
import FlowIngest
import FlowModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHex(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = "/nonexistent/chainflow-fuzz/block.hex"
    guard let source = try? BlockSource.parse(path: path, bytes: bytes, xorKey: nil, network: .regtest)
    else { return 0 }
    for frame in source.frames {
        if let block = try? source.decode(frame, verifyMerkleRoot: false) {
            // Every decoded output address must encode (the ingest path does this for each one).
            for tx in block.transactions {
                for output in tx.outputs {
                    if let key = output.addressKey { _ = AddressCodec.encode(key, network: frame.network) }
                }
            }
        }
    }
    _ = source.framingError?.description
    return 0
}
