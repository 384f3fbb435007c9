/// Exact multiplication and division of 256-bit amounts, for proportional (haircut) shares of
/// wei and token amounts: `a × b / c` needs the full 512-bit product.
///
/// Division is Knuth's Algorithm D (The Art of Computer Programming, vol. 2, §4.3.1) on 64-bit
/// limbs, with `dividingFullWidth` for the quotient-digit estimate. Nothing here uses floating
/// point; nothing traps on any input (division by zero returns nil).
extension UInt256 {
    /// The full 512-bit product, as (high, low) halves.
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        var r = [UInt64](repeating: 0, count: 8)
        for i in 0..<4 where self[i] != 0 {
            var carry: UInt64 = 0
            for j in 0..<4 {
                let (hi, lo) = self[i].multipliedFullWidth(by: other[j])
                let (s1, o1) = r[i + j].addingReportingOverflow(lo)
                let (s2, o2) = s1.addingReportingOverflow(carry)
                r[i + j] = s2
                carry = hi &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            r[i + 4] = carry
        }
        return (UInt256(limbs: (r[4], r[5], r[6], r[7])), UInt256(limbs: (r[0], r[1], r[2], r[3])))
    }

    /// Exact product, or nil past 2^256 - 1.
    public func multipliedReportingOverflow(by other: UInt256) -> UInt256? {
        let (high, low) = multipliedFullWidth(by: other)
        return high == .zero ? low : nil
    }

    /// Quotient and remainder of division by `divisor`; nil when `divisor` is zero.
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256)?
    {
        guard let (q, r) = UInt256.divide(high: .zero, low: self, by: divisor) else { return nil }
        return (q, r)
    }

    /// `floor(a × b / c)` and the remainder `(a × b) mod c`, exactly; nil when `c` is zero or
    /// the quotient exceeds 2^256 - 1 (it never does when `a ≤ c` or `b ≤ c`).
    public static func multiplyDivide(_ a: UInt256, _ b: UInt256, _ c: UInt256) -> (
        quotient: UInt256, remainder: UInt256
    )? {
        // Fast path: everything in 64 bits (Bitcoin amounts, most ledger amounts).
        if let a64 = a.uint64, let b64 = b.uint64, let c64 = c.uint64 {
            guard c64 != 0 else { return nil }
            let product = a64.multipliedFullWidth(by: b64)
            if product.high < c64 {
                let (q, r) = c64.dividingFullWidth(product)
                return (UInt256(q), UInt256(r))
            }
        }
        let (high, low) = a.multipliedFullWidth(by: b)
        return divide(high: high, low: low, by: c)
    }

    /// Divides the 512-bit number `high:low` by `divisor` (Knuth's Algorithm D); nil when the
    /// divisor is zero or the quotient does not fit in 256 bits.
    static func divide(high: UInt256, low: UInt256, by divisor: UInt256) -> (
        quotient: UInt256, remainder: UInt256
    )? {
        guard divisor != .zero, high < divisor else { return nil }
        // Divisor digits, most significant nonzero at n - 1.
        var n = 4
        while n > 0 && divisor[n - 1] == 0 { n -= 1 }
        let u0: [UInt64] = [low[0], low[1], low[2], low[3], high[0], high[1], high[2], high[3]]
        if n == 1 {
            // Short division by one limb.
            let d = divisor[0]
            var q = [UInt64](repeating: 0, count: 8)
            var rem: UInt64 = 0
            for i in stride(from: 7, through: 0, by: -1) {
                let (qi, ri) = d.dividingFullWidth((rem, u0[i]))
                q[i] = qi
                rem = ri
            }
            guard q[4] == 0 && q[5] == 0 && q[6] == 0 && q[7] == 0 else { return nil }
            return (UInt256(limbs: (q[0], q[1], q[2], q[3])), UInt256(rem))
        }
        // Normalize: shift so the divisor's top digit has its high bit set.
        let s = UInt64(divisor[n - 1].leadingZeroBitCount)
        var v = [UInt64](repeating: 0, count: n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            v[i] = s == 0 ? divisor[i] : (divisor[i] << s) | (divisor[i - 1] >> (64 - s))
        }
        v[0] = divisor[0] << s
        var u = [UInt64](repeating: 0, count: 9)
        u[8] = s == 0 ? 0 : u0[7] >> (64 - s)
        for i in stride(from: 7, to: 0, by: -1) {
            u[i] = s == 0 ? u0[i] : (u0[i] << s) | (u0[i - 1] >> (64 - s))
        }
        u[0] = u0[0] << s
        // Dividend digits in use: m + n = 8.
        let m = 8 - n
        var q = [UInt64](repeating: 0, count: m + 1)
        let vTop = v[n - 1]
        let vNext = v[n - 2]
        for j in stride(from: m, through: 0, by: -1) {
            // Estimate the quotient digit from the top two dividend digits.
            var qhat: UInt64
            var rhat: UInt64
            var rhatOverflow = false
            if u[j + n] >= vTop {
                qhat = .max
                let (r, o) = u[j + n - 1].addingReportingOverflow(vTop)
                // rhat = u[j+n]*B + u[j+n-1] - qhat*vTop; with u[j+n] == vTop this is u[j+n-1] + vTop.
                rhat = r
                rhatOverflow = o
            } else {
                (qhat, rhat) = vTop.dividingFullWidth((u[j + n], u[j + n - 1]))
            }
            // Correct the estimate (at most twice) with the second divisor digit.
            while !rhatOverflow {
                let left = qhat.multipliedFullWidth(by: vNext)
                if left.high > rhat || (left.high == rhat && left.low > u[j + n - 2]) {
                    qhat -= 1
                    let (r, o) = rhat.addingReportingOverflow(vTop)
                    rhat = r
                    rhatOverflow = o
                } else {
                    break
                }
            }
            // Multiply and subtract qhat × v from u[j ... j+n].
            var borrow: UInt64 = 0
            var carry: UInt64 = 0
            for i in 0..<n {
                let (ph, pl) = qhat.multipliedFullWidth(by: v[i])
                let (plc, o1) = pl.addingReportingOverflow(carry)
                carry = ph &+ (o1 ? 1 : 0)
                let (d1, b1) = u[i + j].subtractingReportingOverflow(plc)
                let (d2, b2) = d1.subtractingReportingOverflow(borrow)
                u[i + j] = d2
                borrow = (b1 ? 1 : 0) &+ (b2 ? 1 : 0)
            }
            let (d1, b1) = u[j + n].subtractingReportingOverflow(carry)
            let (d2, b2) = d1.subtractingReportingOverflow(borrow)
            u[j + n] = d2
            if b1 || b2 {
                // Added back: the estimate was one too large (rare).
                qhat -= 1
                var c: UInt64 = 0
                for i in 0..<n {
                    let (s1, o1) = u[i + j].addingReportingOverflow(v[i])
                    let (s2, o2) = s1.addingReportingOverflow(c)
                    u[i + j] = s2
                    c = (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
                }
                u[j + n] = u[j + n] &+ c
            }
            q[j] = qhat
        }
        for k in 4..<(m + 1) where q[k] != 0 { return nil }
        var quotient = UInt256.zero
        for k in 0..<min(4, m + 1) { quotient[k] = q[k] }
        // Unnormalize the remainder.
        var remainder = UInt256.zero
        for i in 0..<n {
            remainder[i] = s == 0 ? u[i] : (u[i] >> s) | (u[i + 1] << (64 - s))
        }
        return (quotient, remainder)
    }
}
