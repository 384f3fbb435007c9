import Crypto
import FlowBitcoin
package import FlowModel

/// Decodes one serialized Bitcoin block (legacy and BIP144 segwit transactions), computes every
/// txid and wtxid, and checks the merkle root against the header.
package enum BlockDecoder {
    /// Decodes the block in `bytes` (exactly one block, no trailing bytes). Errors carry the byte
    /// offset within `bytes`; the caller adds the file position.
    package static func decode(
        _ bytes: UnsafeRawBufferPointer, network: Network, verifyMerkleRoot: Bool = true
    ) throws(DecodeFailure) -> BitcoinBlock {
        var r = ByteReader(bytes)
        try r.need(80, "block header")
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[0..<80])
        let hash = BitcoinHash.doubleSHA256(headerBytes)
        let header = BlockHeader(
            version: Int32(bitPattern: try r.u32("version")),
            prevHash: try r.hash("previous block hash"),
            merkleRoot: try r.hash("merkle root"),
            time: try r.u32("time"),
            bits: try r.u32("bits"),
            nonce: try r.u32("nonce"))
        // Smallest possible transaction is 60 bytes; a count beyond that is impossible.
        let txCount = try r.compactSize("transaction count", limit: r.remaining / 60)
        guard txCount > 0 else {
            throw DecodeFailure(.badValue, offset: 80, "block \(hash) has no transactions")
        }
        var transactions = [BitcoinTransaction]()
        transactions.reserveCapacity(txCount)
        var strippedSize = 80 + CompactSize.length(txCount)
        for _ in 0..<txCount {
            let tx = try decodeTransaction(&r)
            strippedSize += tx.strippedSize
            transactions.append(tx)
        }
        if r.remaining != 0 {
            throw DecodeFailure(
                .trailingData, offset: r.position,
                "block \(hash): \(r.remaining) unexpected bytes after its \(txCount) transactions")
        }
        // A txid twice in one block: a mutated block (CVE-2012-2459) repeating its last
        // transactions hashes to the real block's merkle root; Bitcoin Core rejects it
        // (bad-txns-duplicate), and so do we before the duplicate reaches the store.
        if txCount > 1 {
            var seen = [Hash256: Int]()
            seen.reserveCapacity(txCount)
            for (i, tx) in transactions.enumerated() {
                if let first = seen.updateValue(i, forKey: tx.txid) {
                    throw DecodeFailure(
                        .badValue, offset: 80,
                        "block \(hash): transaction \(tx.txid) appears twice (#\(first) and #\(i)): a mutated block (CVE-2012-2459), not the block that hash names"
                    )
                }
            }
        }
        if verifyMerkleRoot {
            let computed = BitcoinHash.merkleRoot(transactions.map(\.txid))
            if computed != header.merkleRoot {
                throw DecodeFailure(
                    .merkleMismatch, offset: 36,
                    "block \(hash): merkle root mismatch: header has \(header.merkleRoot), transactions hash to \(computed)"
                )
            }
        }
        var coinbaseHeight: Int?
        if UInt32(bitPattern: header.version) >= 2, let coinbase = transactions.first, coinbase.isCoinbase {
            coinbaseHeight = bip34Height(bytes, transactionStart: 80 + CompactSize.length(txCount))
        }
        return BitcoinBlock(
            hash: hash, header: header, network: network, size: bytes.count, strippedSize: strippedSize,
            transactions: transactions, coinbaseHeight: coinbaseHeight)
    }

    /// Decodes one transaction at the reader's position.
    static func decodeTransaction(_ r: inout ByteReader) throws(DecodeFailure) -> BitcoinTransaction {
        let start = r.position
        let version = Int32(bitPattern: try r.u32("transaction version"))
        var hasWitness = false
        try r.need(1, "input count")
        if r.bytes[r.position] == 0 {
            // BIP144 marker 0x00 followed by flag 0x01.
            try r.need(2, "segwit marker and flag")
            let flag = r.bytes[r.position + 1]
            guard flag == 1 else {
                throw DecodeFailure(
                    .badValue, offset: r.position + 1,
                    flag == 0
                        ? "transaction with no inputs"
                        : "unknown segwit flag 0x\(String(flag, radix: 16)) (expected 0x01)")
            }
            hasWitness = true
            r.position += 2
        }
        let bodyStart = r.position
        // An input is at least 41 bytes, an output at least 9.
        let inputCount = try r.compactSize("input count", limit: r.remaining / 41)
        guard inputCount > 0 else {
            throw DecodeFailure(.badValue, offset: bodyStart, "transaction with no inputs")
        }
        var inputs = [TxInput]()
        inputs.reserveCapacity(inputCount)
        for _ in 0..<inputCount {
            let prevTxid = try r.hash("input previous txid")
            let prevVout = try r.u32("input previous vout")
            let scriptLength = try r.compactSize("input script length", limit: .max)
            // Skipped through `slice`, which checks the length against what is left after the
            // length prefix itself (the limit above was taken before reading the prefix).
            _ = try r.slice(scriptLength, "input script")
            let sequence = try r.u32("input sequence")
            inputs.append(
                TxInput(prevTxid: prevTxid, prevVout: prevVout, sequence: sequence, witnessItems: 0))
        }
        let outputCount = try r.compactSize("output count", limit: r.remaining / 9)
        var outputs = [TxOutput]()
        outputs.reserveCapacity(outputCount)
        for _ in 0..<outputCount {
            let valueOffset = r.position
            let value = try r.u64("output value")
            guard value <= 21_000_000 * 100_000_000 else {
                throw DecodeFailure(
                    .badValue, offset: valueOffset,
                    "output value \(value) satoshi exceeds the 21 million BTC supply")
            }
            let scriptLength = try r.compactSize("output script length", limit: .max)
            let script = try r.slice(scriptLength, "output script")
            let (type, key, keep) = ScriptClassifier.classify(script)
            outputs.append(
                TxOutput(value: value, type: type, addressKey: key, script: keep ? Array(script) : nil))
        }
        let bodyEnd = r.position
        if hasWitness {
            for i in 0..<inputCount {
                let items = try r.compactSize("witness item count", limit: r.remaining)
                for _ in 0..<items {
                    let length = try r.compactSize("witness item length", limit: .max)
                    _ = try r.slice(length, "witness item")
                }
                inputs[i].witnessItems = items
            }
        }
        let locktimeStart = r.position
        let locktime = try r.u32("locktime")
        let end = r.position
        let full = UnsafeRawBufferPointer(rebasing: r.bytes[start..<end])
        let wtxid = BitcoinHash.doubleSHA256(full)
        let txid: Hash256
        let strippedSize: Int
        if hasWitness {
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: r.bytes[start..<(start + 4)]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: r.bytes[bodyStart..<bodyEnd]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: r.bytes[locktimeStart..<end]))
            let first = hasher.finalize()
            txid = first.withUnsafeBytes { once in
                SHA256.hash(data: once).withUnsafeBytes { Hash256(wire: $0, at: 0) }
            }
            strippedSize = 4 + (bodyEnd - bodyStart) + 4
        } else {
            txid = wtxid
            strippedSize = end - start
        }
        return BitcoinTransaction(
            txid: txid, wtxid: wtxid, version: version, locktime: locktime, size: end - start,
            strippedSize: strippedSize, inputs: inputs, outputs: outputs)
    }

    /// The height a BIP34 coinbase pushes first in its scriptSig, or nil when it does not.
    static func bip34Height(_ bytes: UnsafeRawBufferPointer, transactionStart: Int) -> Int? {
        var r = ByteReader(bytes, position: transactionStart)
        do {
            _ = try r.u32("version")
            if r.remaining > 0 && bytes[r.position] == 0 { r.position += 2 }
            _ = try r.compactSize("input count", limit: r.remaining)
            _ = try r.hash("prev")
            _ = try r.u32("vout")
            let length = try r.compactSize("script", limit: r.remaining)
            let script = try r.slice(length, "script")
            guard let op = script.first else { return nil }
            if op == 0 { return 0 }
            if op >= 0x51 && op <= 0x60 { return Int(op) - 0x50 }
            guard op >= 1 && op <= 8, script.count > Int(op) else { return nil }
            var value = 0
            for i in 0..<Int(op) { value |= Int(script[1 + i]) << (8 * i) }
            // A set sign bit in the last byte would make it negative: not a height.
            if script[Int(op)] & 0x80 != 0 { return nil }
            return value
        } catch {
            return nil
        }
    }
}
