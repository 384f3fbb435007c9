/// Exact amounts beyond 2^64: decimal text in and out, and the arithmetic ledgers need.
///
/// Wei and token amounts reach 2^256, so account-model amounts are `UInt256` from parsing to SQL
/// (see `docs/schema.md` for how they are stored). Nothing here uses floating point.
extension UInt256 {
    /// `self * factor + addend`, or nil on overflow past 2^256 - 1.
    public func multipliedReportingOverflow(by factor: UInt64, adding addend: UInt64 = 0) -> UInt256? {
        var r = UInt256.zero
        var carry = addend
        for i in 0..<4 {
            let (hi, lo) = self[i].multipliedFullWidth(by: factor)
            let (sum, o) = lo.addingReportingOverflow(carry)
            r[i] = sum
            carry = hi &+ (o ? 1 : 0)
        }
        return carry == 0 ? r : nil
    }

    /// Exact sum, or nil on overflow (unlike `+`, which saturates).
    public func addingReportingOverflow(_ other: UInt256) -> UInt256? {
        var r = UInt256.zero
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = self[i].addingReportingOverflow(other[i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            r[i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return carry == 0 ? r : nil
    }

    /// Exact difference, or nil when `other > self`.
    public func subtractingReportingOverflow(_ other: UInt256) -> UInt256? {
        other > self ? nil : self - other
    }

    /// Quotient and remainder of division by a nonzero 64-bit divisor.
    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "division by zero")
        var q = UInt256.zero
        var rem: UInt64 = 0
        for i in stride(from: 3, through: 0, by: -1) {
            let (qi, ri) = divisor.dividingFullWidth((rem, self[i]))
            q[i] = qi
            rem = ri
        }
        return (q, rem)
    }

    /// The value when it fits in 64 bits.
    public var uint64: UInt64? {
        limbs.1 == 0 && limbs.2 == 0 && limbs.3 == 0 ? limbs.0 : nil
    }

    /// Parses plain decimal digits ("0", "1234…"); nil for anything else or past 2^256 - 1.
    public init?(decimal text: some StringProtocol) {
        var text = String(text)
        // `parse` skips a '.', which plain digits must not contain ("1.5" is not 15).
        guard
            let v = text.withUTF8({ utf8 -> UInt256? in
                guard utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
                return UInt256.parse(utf8: UnsafeRawBufferPointer(utf8)[...], decimals: 0)
            })
        else { return nil }
        self = v
    }

    /// The value in decimal digits.
    public var decimalString: String {
        if let small = uint64 { return String(small) }
        var chunks: [UInt64] = []
        var v = self
        while v != .zero {
            let (q, r) = v.quotientAndRemainder(dividingBy: 10_000_000_000_000_000_000)
            chunks.append(r)
            v = q
        }
        return Self.joinDecimal(chunks)
    }

    /// Decimal digits from 19-digit chunks, least significant first (not empty).
    static func joinDecimal(_ chunks: [UInt64]) -> String {
        var chunks = chunks
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    /// Formats base units as a decimal number with `decimals` fraction digits, trailing zeros
    /// removed ("1.5" for 150 with 2 decimals).
    public func decimalString(decimals: Int) -> String { Self.withDecimals(decimalString, decimals) }

    /// Decimal digits of base units as whole units with `decimals` fraction digits, trailing
    /// zeros removed (`withDecimals("150", 2)` is "1.5"): the one formatting of every amount.
    public static func withDecimals(_ digits: String, _ decimals: Int) -> String {
        guard decimals > 0 else { return digits }
        let padded =
            digits.count <= decimals
            ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        var fraction = padded[split...]
        while fraction.last == "0" { fraction = fraction.dropLast() }
        return fraction.isEmpty ? String(padded[..<split]) : padded[..<split] + "." + fraction
    }

    /// Why an amount's text was rejected.
    public enum ParseFailure: Error, Equatable, Sendable {
        case empty
        case negative
        case notANumber
        /// More fraction digits than the declared decimals (and not just trailing zeros).
        case tooPrecise(decimals: Int)
        case overflow
    }

    /// Parses a decimal amount ("12", "12.5", "0.00012345", "1e3" not accepted) into base units
    /// with `decimals` fraction digits: "1.5" with 8 decimals is 150000000. Fraction digits beyond
    /// `decimals` must be zeros.
    public static func parseAmount(_ text: some StringProtocol, decimals: Int) -> Result<
        UInt256, ParseFailure
    > {
        var text = String(text)
        return text.withUTF8 { parseAmount(utf8: UnsafeRawBufferPointer($0), decimals: decimals) }
    }

    /// `parseAmount` on UTF-8 bytes (the CSV hot path calls this without making strings).
    public static func parseAmount(utf8 bytes: UnsafeRawBufferPointer, decimals: Int) -> Result<
        UInt256, ParseFailure
    > {
        var s = bytes[...]
        while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 || l == 0x0d { s = s.dropLast() }
        if s.isEmpty { return .failure(.empty) }
        if s.first == UInt8(ascii: "-") { return .failure(.negative) }
        if s.first == UInt8(ascii: "+") { s = s.dropFirst() }
        var fractionDigits = 0
        var sawPoint = false
        var sawDigit = false
        for c in s {
            if c == UInt8(ascii: ".") {
                if sawPoint { return .failure(.notANumber) }
                sawPoint = true
            } else if c >= 0x30 && c <= 0x39 {
                sawDigit = true
                if sawPoint { fractionDigits += 1 }
            } else {
                return .failure(.notANumber)
            }
        }
        if !sawDigit { return .failure(.notANumber) }
        // Trailing fraction zeros beyond the declared decimals carry no value.
        if fractionDigits > decimals {
            var extra = fractionDigits - decimals
            while extra > 0, s.last == UInt8(ascii: "0") {
                s = s.dropLast()
                extra -= 1
                fractionDigits -= 1
            }
            if extra > 0 { return .failure(.tooPrecise(decimals: decimals)) }
        }
        guard let v = parse(utf8: s, decimals: decimals - fractionDigits) else { return .failure(.overflow) }
        return .success(v)
    }

    /// Digits with at most one '.', then `scale` more zeros appended; nil on overflow or a
    /// non-digit.
    static func parse(utf8 s: Slice<UnsafeRawBufferPointer>, decimals scale: Int) -> UInt256? {
        if s.isEmpty { return nil }
        // Fast path: up to 18 digits fit in UInt64 without overflow checks.
        var small: UInt64 = 0
        var count = 0
        var big: UInt256?
        for c in s {
            if c == UInt8(ascii: ".") { continue }
            let d = c &- 0x30
            guard d < 10 else { return nil }
            if big == nil && count < 18 {
                small = small &* 10 &+ UInt64(d)
                count += 1
            } else {
                guard
                    let next = (big ?? UInt256(small)).multipliedReportingOverflow(by: 10, adding: UInt64(d))
                else { return nil }
                big = next
            }
        }
        var v = big ?? UInt256(small)
        for _ in 0..<Swift.max(0, scale) {
            guard let next = v.multipliedReportingOverflow(by: 10) else { return nil }
            v = next
        }
        return v
    }
}
