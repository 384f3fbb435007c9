import FlowModel

/// A reader for btcd's `*.utxostore` test files (blockchain/testdata), written from the format
/// description, to get the exact values of the outputs a test block spends.
///
/// The file is a sequence of entries:
///
///     <32-byte tx hash, wire order> <LE uint32 output index> <LE uint32 length> <length bytes>
///
/// The serialized output is btcd's chainio format: a VLQ header code (height << 1 | coinbase flag),
/// then a compressed txout: a VLQ compressed amount (Bitcoin Core's CompressAmount) and a
/// compressed script (a VLQ script-size code, then the script's bytes). Only the amount is
/// needed; the script is checked for length and skipped.
enum UtxoStore {
    struct Entry: Equatable {
        var outpoint: Outpoint
        var height: Int
        var isCoinbase: Bool
        /// Value in satoshi.
        var value: UInt64
    }

    struct FormatError: Error, CustomStringConvertible {
        var offset: Int
        var message: String
        var description: String { "utxostore: byte \(offset): error: \(message)" }
    }

    /// Every entry in `bytes`, in file order.
    static func parse(_ bytes: [UInt8]) throws(FormatError) -> [Entry] {
        var entries = [Entry]()
        var position = 0
        while position < bytes.count {
            guard bytes.count - position >= 40 else {
                throw FormatError(
                    offset: position,
                    message:
                        "truncated entry: need 40 bytes of outpoint and length, \(bytes.count - position) left"
                )
            }
            guard let txid = Hash256(wireBytes: bytes[position..<(position + 32)]) else {
                throw FormatError(offset: position, message: "bad tx hash")
            }
            let vout = littleEndianUInt32(bytes, at: position + 32)
            let length = Int(littleEndianUInt32(bytes, at: position + 36))
            let start = position + 40
            guard length <= bytes.count - start else {
                throw FormatError(
                    offset: position + 36,
                    message: "entry length \(length) exceeds the \(bytes.count - start) bytes left")
            }
            let entry = try parseOutput(
                Array(bytes[start..<(start + length)]), fileOffset: start,
                outpoint: Outpoint(txid: txid, vout: vout))
            entries.append(entry)
            position = start + length
        }
        return entries
    }

    /// One serialized output: header code, compressed amount, compressed script.
    static func parseOutput(_ bytes: [UInt8], fileOffset: Int, outpoint: Outpoint) throws(FormatError)
        -> Entry
    {
        var position = 0
        let headerCode = try readVLQ(bytes, at: &position, fileOffset: fileOffset)
        let compressedAmount = try readVLQ(bytes, at: &position, fileOffset: fileOffset)
        let scriptCode = try readVLQ(bytes, at: &position, fileOffset: fileOffset)
        let scriptLength = compressedScriptLength(code: scriptCode)
        guard position + scriptLength == bytes.count else {
            throw FormatError(
                offset: fileOffset + position,
                message:
                    "script size code \(scriptCode) says \(scriptLength) script bytes, \(bytes.count - position) left in the entry"
            )
        }
        return Entry(
            outpoint: outpoint, height: Int(headerCode >> 1), isCoinbase: headerCode & 1 == 1,
            value: decompressAmount(compressedAmount))
    }

    /// Bytes that follow a compressed script's size code: the special forms 0 (P2PKH hash),
    /// 1 (P2SH hash), 2...5 (compressed and uncompressed pubkeys, stored as their x coordinate);
    /// any other code is the raw script length plus 6.
    static func compressedScriptLength(code: UInt64) -> Int {
        switch code {
        case 0, 1: 20
        case 2...5: 32
        default: Int(code - 6)
        }
    }

    /// Reads Bitcoin Core's serialize VARINT (btcd's "VLQ"): big-endian base-128 digits, high bit
    /// set on all but the last, with one added at each continuation so that every value has a
    /// single encoding.
    static func readVLQ(_ bytes: [UInt8], at position: inout Int, fileOffset: Int = 0) throws(FormatError)
        -> UInt64
    {
        var value: UInt64 = 0
        while true {
            guard position < bytes.count else {
                throw FormatError(offset: fileOffset + position, message: "truncated VLQ number")
            }
            guard value <= UInt64.max >> 7 else {
                throw FormatError(
                    offset: fileOffset + position, message: "VLQ number does not fit in 64 bits")
            }
            let byte = bytes[position]
            position += 1
            value = value << 7 | UInt64(byte & 0x7f)
            if byte & 0x80 == 0 { return value }
            value += 1
        }
    }

    /// Bitcoin Core's DecompressAmount: the inverse of CompressAmount, which stores an amount
    /// as its mantissa and a power of ten (0...9) so that round amounts take few bytes.
    static func decompressAmount(_ compressed: UInt64) -> UInt64 {
        guard compressed != 0 else { return 0 }
        var x = compressed - 1
        // x = 10 * (9 * n + d - 1) + e, or 10 * (n - 1) + 9 for e = 9.
        var exponent = x % 10
        x /= 10
        var n: UInt64
        if exponent < 9 {
            let lastDigit = x % 9 + 1
            x /= 9
            n = x * 10 + lastDigit
        } else {
            n = x + 1
        }
        while exponent > 0 {
            n *= 10
            exponent -= 1
        }
        return n
    }

    private static func littleEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}

/// A transaction output's identity: the txid that created it and its index.
struct Outpoint: Hashable, CustomStringConvertible {
    var txid: Hash256
    var vout: UInt32
    var description: String { "\(txid):\(vout)" }
}
