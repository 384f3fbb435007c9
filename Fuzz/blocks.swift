// libFuzzer target: Bitcoin block files as `chainflow ingest` reads them — blk*.dat framing
// (network magic + length), a raw block, or block hex (all detected from the bytes) — then every
// framed block through `BlockDecoder` (txids, wtxids, script classification, merkle root).
// Built and run by scripts/fuzz.sh; see docs/robustness.md.
import FlowIngest
import FlowModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBlocks(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // A path whose folder holds no xor.dat, so the decision rests on the bytes alone.
    let path = "/nonexistent/chainflow-fuzz/blk00000.dat"
    for verify in [true, false] {
        guard let source = try? BlockSource.parse(path: path, bytes: bytes, xorKey: nil, network: .mainnet)
        else { return 0 }
        for frame in source.frames {
            _ = try? source.decode(frame, verifyMerkleRoot: verify)
        }
        _ = source.framingError?.description
    }
    // The same bytes as one raw block, straight into the decoder (no framing, no detection).
    bytes.withUnsafeBytes { raw in
        _ = try? BlockDecoder.decode(raw, network: .testnet, verifyMerkleRoot: false)
    }
    // An obfuscated blk file: the first 8 bytes are the XOR key for the rest.
    if bytes.count > 8 {
        let key = Array(bytes[0..<8])
        if let source = try? BlockSource.parse(
            path: path, bytes: Array(bytes[8...]), xorKey: key, network: .mainnet)
        {
            for frame in source.frames.prefix(4) { _ = try? source.decode(frame) }
        }
    }
    return 0
}
