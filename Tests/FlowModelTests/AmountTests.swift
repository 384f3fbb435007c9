import FlowModel
import Testing

/// Exact amounts: decimal text in and out of `UInt256`, and `parseAmount` with declared decimals.
@Suite("Exact amounts (UInt256 decimal text)")
struct AmountTests {
    static let maxText = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
    static let twoTo64 = "18446744073709551616"
    static let twoTo128 = "340282366920938463463374607431768211456"

    /// The decimal digits of `value`, computed from its big-endian bytes with schoolbook
    /// base-256 to base-10 conversion (independent of `decimalString`).
    static func referenceDecimal(_ value: UInt256) -> String {
        var digits: [UInt8] = [0]  // least significant first
        for byte in value.bigEndianBytes {
            var carry = Int(byte)
            for i in digits.indices {
                let v = Int(digits[i]) * 256 + carry
                digits[i] = UInt8(v % 10)
                carry = v / 10
            }
            while carry > 0 {
                digits.append(UInt8(carry % 10))
                carry /= 10
            }
        }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        return String(digits.reversed().map { Character(String($0)) })
    }

    @Test("decimal text round-trips at the edges: 0, 2^64 - 1, 2^64, 2^128, 2^256 - 1")
    func decimalEdges() throws {
        #expect(UInt256.zero.decimalString == "0")
        #expect(UInt256(UInt64.max).decimalString == "18446744073709551615")
        let twoTo64 = UInt256(limbs: (0, 1, 0, 0))
        #expect(twoTo64.decimalString == Self.twoTo64)
        #expect(UInt256(limbs: (0, 0, 1, 0)).decimalString == Self.twoTo128)
        #expect(UInt256.max.decimalString == Self.maxText)
        // 10^19 is where decimalString switches to 19-digit chunks: the inner zeros must stay.
        #expect(UInt256(limbs: (0, 1, 0, 0)).decimalString.count == 20)
        let tenTo38 = try #require(UInt256(decimal: "1" + String(repeating: "0", count: 38)))
        #expect(tenTo38.decimalString == "1" + String(repeating: "0", count: 38))

        for text in ["0", "1", "18446744073709551615", Self.twoTo64, Self.twoTo128, Self.maxText] {
            let value = try #require(UInt256(decimal: text), "\(text)")
            #expect(value.decimalString == text)
            #expect(Self.referenceDecimal(value) == text)
        }
        #expect(UInt256(decimal: Self.twoTo64) == twoTo64)
        #expect(UInt256(decimal: Self.maxText) == .max)
        // Leading zeros are digits like any other.
        #expect(UInt256(decimal: "000" + Self.twoTo64) == twoTo64)
    }

    @Test(
        "UInt256(decimal:) takes plain digits only",
        arguments: [
            "", " ", "-1", "+1", "1.5", ".", "1.", "1e3", "0x10", "12 34", "١٢",
            // 2^256: one past the maximum.
            "115792089237316195423570985008687907853269984665640564039457584007913129639936",
            // 78 nines.
            String(repeating: "9", count: 78),
        ])
    func decimalRejects(_ text: String) {
        #expect(UInt256(decimal: text) == nil, "\(text.debugDescription)")
    }

    @Test("decimalString(decimals:) places the point and drops trailing fraction zeros")
    func formatWithDecimals() throws {
        #expect(UInt256(150_000_000).decimalString(decimals: 8) == "1.5")
        #expect(UInt256(12_345).decimalString(decimals: 8) == "0.00012345")
        #expect(UInt256(1234).decimalString(decimals: 2) == "12.34")
        #expect(UInt256(1200).decimalString(decimals: 2) == "12")
        #expect(UInt256(5).decimalString(decimals: 2) == "0.05")
        #expect(UInt256.zero.decimalString(decimals: 18) == "0")
        #expect(UInt256(7).decimalString(decimals: 0) == "7")
        let wei = try #require(UInt256(decimal: "123456789012345678901500000000000000000"))
        #expect(wei.decimalString(decimals: 18) == "123456789012345678901.5")
        #expect(UInt256.max.decimalString(decimals: 77) == "1." + Self.maxText.dropFirst())
        #expect(UInt256.max.decimalString(decimals: 78) == "0." + Self.maxText)
    }

    /// Amount text, declared decimals, and the base units in decimal digits.
    static let accepted: [(String, Int, String)] = [
        ("1.5", 8, "150000000"),
        ("0.00012345", 8, "12345"),
        ("12.340", 2, "1234"),
        ("12.34", 2, "1234"),
        ("12", 2, "1200"),
        ("12.000", 0, "12"),
        ("0", 8, "0"),
        ("0.0", 2, "0"),
        ("  42.1\t", 1, "421"),
        ("42\r", 0, "42"),
        ("+7", 0, "7"),
        ("007.50", 2, "750"),
        ("123456789012345678901.5", 18, "123456789012345678901500000000000000000"),
        ("18446744073709551616", 0, twoTo64),
        ("1" + String(repeating: "0", count: 60), 17, "1" + String(repeating: "0", count: 77)),
        (maxText, 0, maxText),
        ("1157920892373161954235709850086879078532699846656405640394575840079131296399.35", 2, maxText),
    ]

    @Test("parseAmount converts declared decimals to exact base units", arguments: AmountTests.accepted)
    func parseAmountAccepts(_ text: String, _ decimals: Int, _ expected: String) throws {
        let want = try #require(UInt256(decimal: expected))
        #expect(UInt256.parseAmount(text, decimals: decimals) == .success(want), "\(text) / \(decimals)")
    }

    /// Amount text, declared decimals, and why it is refused.
    static let rejected: [(String, Int, UInt256.ParseFailure)] = [
        ("12.345", 2, .tooPrecise(decimals: 2)),
        ("1.50", 0, .tooPrecise(decimals: 0)),
        ("0.000000001", 8, .tooPrecise(decimals: 8)),
        ("-1", 2, .negative),
        (" -0.5", 2, .negative),
        ("1e3", 0, .notANumber),
        ("1E3", 0, .notANumber),
        ("1,5", 2, .notANumber),
        ("1.2.3", 2, .notANumber),
        (".", 2, .notANumber),
        ("+", 2, .notANumber),
        ("abc", 2, .notANumber),
        ("0x10", 0, .notANumber),
        ("1 000", 0, .notANumber),
        ("", 2, .empty),
        ("  ", 2, .empty),
        // 2^256 base units, and 2^256 - 1 that the declared decimals push past the top.
        ("115792089237316195423570985008687907853269984665640564039457584007913129639936", 0, .overflow),
        (maxText, 1, .overflow),
        ("1" + String(repeating: "0", count: 60), 18, .overflow),
    ]

    @Test("parseAmount names why text is not an amount", arguments: AmountTests.rejected)
    func parseAmountRejects(_ text: String, _ decimals: Int, _ failure: UInt256.ParseFailure) {
        #expect(UInt256.parseAmount(text, decimals: decimals) == .failure(failure), "\(text) / \(decimals)")
    }

    @Test("random values of every size: decimal text and base-unit text round-trip exactly")
    func randomRoundTrips() throws {
        var rng = SplitMix64(seed: 20_240_927)
        for _ in 0..<2000 {
            // Sizes from one bit to 256 bits, so that every limb boundary is crossed.
            let bits = Int.random(in: 1...256, using: &rng)
            var limbs: [UInt64] = (0..<4).map { _ in rng.next() }
            for i in 0..<4 {
                let keep = bits - 64 * i
                if keep <= 0 {
                    limbs[i] = 0
                } else if keep < 64 {
                    limbs[i] &= (1 << UInt64(keep)) - 1
                }
            }
            let value = UInt256(limbs: (limbs[0], limbs[1], limbs[2], limbs[3]))
            let text = value.decimalString
            #expect(text == Self.referenceDecimal(value), "\(value)")
            #expect(UInt256(decimal: text) == value, "\(text)")
            #expect(UInt256.parseAmount(text, decimals: 0) == .success(value), "\(text)")
            let decimals = Int.random(in: 0...40, using: &rng)
            let formatted = value.decimalString(decimals: decimals)
            #expect(
                UInt256.parseAmount(formatted, decimals: decimals) == .success(value),
                "\(formatted) / \(decimals)")
            if decimals > 0 && text.count > decimals && !text.hasSuffix("0") {
                // Every digit is significant: the formatted text is the digits with a point.
                var expected = text
                expected.insert(".", at: expected.index(expected.endIndex, offsetBy: -decimals))
                #expect(formatted == expected)
            }
        }
    }

    @Test("checked arithmetic reports overflow instead of wrapping or saturating")
    func checkedArithmetic() throws {
        let twoTo64 = UInt256(limbs: (0, 1, 0, 0))
        #expect(UInt256(UInt64.max).addingReportingOverflow(UInt256(1)) == twoTo64)
        #expect(UInt256.max.addingReportingOverflow(UInt256(1)) == nil)
        #expect(twoTo64.subtractingReportingOverflow(UInt256(1)) == UInt256(UInt64.max))
        #expect(UInt256(1).subtractingReportingOverflow(UInt256(2)) == nil)
        #expect(
            UInt256(UInt64.max).multipliedReportingOverflow(by: 10, adding: 6)
                == UInt256(decimal: "184467440737095516156"))
        #expect(UInt256.max.multipliedReportingOverflow(by: 2) == nil)
        let (q, r) = try #require(UInt256(decimal: Self.maxText)).quotientAndRemainder(dividingBy: 10)
        #expect(q.decimalString == String(Self.maxText.dropLast()))
        #expect(r == 5)
        #expect(twoTo64.uint64 == nil)
        #expect(UInt256(UInt64.max).uint64 == UInt64.max)
    }
}
