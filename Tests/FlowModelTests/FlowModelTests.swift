import FlowModel
import Testing

@Suite("Model value types")
struct FlowModelTests {
    @Test("block work from compact targets, as Bitcoin Core computes GetBlockProof")
    func work() {
        // Difficulty 1 (the genesis target): 2^256 / (0xffff * 2^208 + 1) = 0x100010001.
        #expect(UInt256.work(bits: 0x1d00_ffff) == UInt256(0x1_0001_0001))
        // Regtest's minimum difficulty: target 0x7fffff * 2^232, work 2.
        #expect(UInt256.work(bits: 0x207f_ffff) == UInt256(2))
        // Negative and zero targets have no work.
        #expect(UInt256.work(bits: 0x0480_0001) == .zero)
        #expect(UInt256.work(bits: 0x1d00_0000) == .zero)
        // Block 277647's target: more work than difficulty 1, less than 2^64.
        let w = UInt256.work(bits: 0x1903_a30c)
        #expect(w > UInt256.work(bits: 0x1d00_ffff))
        #expect(w.limbs.1 == 0 && w.limbs.2 == 0 && w.limbs.3 == 0)
    }

    @Test("UInt256 sums saturate, order numerically and round-trip big-endian bytes")
    func uint256() throws {
        let a = UInt256(limbs: (.max, 1, 0, 0))
        let b = UInt256(1)
        #expect(a + b == UInt256(limbs: (0, 2, 0, 0)))
        #expect(UInt256.max + b == .max)
        #expect(b < a && !(a < b))
        let bytes = a.bigEndianBytes
        #expect(bytes.count == 32)
        #expect(try #require(UInt256(bigEndianBytes: bytes)) == a)
        // Big-endian byte order sorts like the numbers (what SQLite's BLOB comparison relies on).
        #expect(b.bigEndianBytes.lexicographicallyPrecedes(a.bigEndianBytes))
        #expect(UInt256(compact: 0x0500_0001) == UInt256(1).shiftedLeft(16))
        #expect(UInt256(compact: 0xff12_3456) == nil)
    }

    @Test("hashes print in display order and round-trip")
    func hash256() throws {
        let hex = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
        let h = try #require(Hash256(displayHex: hex))
        #expect(h.hex == hex)
        #expect(h.wireBytes.first == 0x6f)
        #expect(h.displayBytes.first == 0x00)
        #expect(Hash256(displayBytes: h.displayBytes) == h)
        #expect(Hash256(displayHex: "zz") == nil)
        #expect(Hash256(displayHex: String(hex.dropLast(2))) == nil)
        #expect(Network.withGenesis(h) == .mainnet)
    }

    @Test("network magic and script type names")
    func networksAndTypes() {
        for network in Network.allCases {
            #expect(Network(magicValue: network.magicValue) == network)
        }
        #expect(Network.mainnet.magic == [0xf9, 0xbe, 0xb4, 0xd9])
        for type in ScriptType.allCases {
            #expect(ScriptType(coreName: type.coreName) == type)
        }
        #expect(ScriptType.witnessV1Taproot.coreName == "witness_v1_taproot")
    }

    @Test("hex decoding rejects odd lengths and non-hex characters")
    func hex() {
        #expect(Hex.decode("00ffA0") == [0x00, 0xff, 0xa0])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.encode([0xde, 0xad]) == "dead")
    }
}

@Suite("ISO-8601 times")
struct IsoTimeTests {
    /// The civil date of `t` field by field through Foundation-free integer arithmetic, as text
    /// built by interpolation: the reference the fast path is compared with.
    static func reference(_ t: Int64) -> String {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = t - days * 86_400
        var y: Int64 = 1970
        var rest = days
        func leap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }
        while rest < 0 {
            y -= 1
            rest += leap(y) ? 366 : 365
        }
        while rest >= (leap(y) ? 366 : 365) {
            rest -= leap(y) ? 366 : 365
            y += 1
        }
        let lengths: [Int64] = [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var m = 0
        while rest >= lengths[m] {
            rest -= lengths[m]
            m += 1
        }
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        // Four-digit years (0999), as ISO-8601 and SQLite's strftime write them.
        let year = String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y)
        return
            "\(year)-\(two(Int64(m + 1)))-\(two(rest + 1))T\(two(secs / 3600)):\(two(secs % 3600 / 60)):\(two(secs % 60))Z"
    }

    @Test("times from year 1000 to 9999 and around them equal a day-by-day civil calendar")
    func againstCalendar() {
        var random = SplitMix64(seed: 86_400)
        let low: Int64 = -30_610_224_000  // 1000-01-01
        let high: Int64 = 253_402_300_799  // 9999-12-31T23:59:59
        var samples: [Int64] = [
            0, -1, 1, 951_782_400, 1_231_006_505, low, low - 1, high, high + 1, 4_107_542_400,
        ]
        for _ in 0..<2000 {
            samples.append(low - 86_400 * 400 + Int64(random.below(Int(high - low) + 86_400 * 800)))
        }
        for t in samples {
            #expect(TimeParser.isoString(t) == Self.reference(t), "t = \(t)")
        }
    }
}
