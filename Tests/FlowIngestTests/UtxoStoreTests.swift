import Testing

/// The utxostore reader is test code that other tests trust for fees: its number formats are
/// checked against the examples Bitcoin Core documents for them.
@Suite("utxostore reader")
struct UtxoStoreTests {
    /// Bitcoin Core's serialize.h VARINT examples.
    static let vlqExamples: [(UInt64, [UInt8])] = [
        (0, [0x00]),
        (1, [0x01]),
        (127, [0x7f]),
        (128, [0x80, 0x00]),
        (255, [0x80, 0x7f]),
        (256, [0x81, 0x00]),
        (16383, [0xfe, 0x7f]),
        (16384, [0xff, 0x00]),
        (16511, [0xff, 0x7f]),
        (65535, [0x82, 0xfe, 0x7f]),
        (1 << 32, [0x8e, 0xfe, 0xfe, 0xff, 0x00]),
    ]

    @Test(arguments: vlqExamples)
    func vlq(value: UInt64, encoded: [UInt8]) throws {
        var position = 0
        #expect(try UtxoStore.readVLQ(encoded, at: &position) == value)
        #expect(position == encoded.count)
    }

    @Test func truncatedVLQIsAnError() {
        var position = 0
        #expect(throws: UtxoStore.FormatError.self) { try UtxoStore.readVLQ([0x80, 0x80], at: &position) }
    }

    /// Bitcoin Core's compress_tests: CompressAmount pairs.
    static let amountExamples: [(UInt64, UInt64)] = [
        (0, 0),
        (1, 1),
        (1_000_000, 0x7),
        (100_000_000, 0x9),
        (5_000_000_000, 0x32),
        (2_100_000_000_000_000, 0x140_6f40),
    ]

    @Test(arguments: amountExamples)
    func decompressAmount(value: UInt64, compressed: UInt64) {
        #expect(UtxoStore.decompressAmount(compressed) == value)
    }
}
