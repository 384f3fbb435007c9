public import FlowModel

/// A balance-over-time chart as inline SVG, drawn by our own code: a step line (the balance holds
/// between movements) over a time axis, the zero line, the lowest and highest balance labelled
/// exactly, and each movement a dot with its transaction and amounts in a tooltip (up to
/// `maxDots`; a busier history is drawn as the line alone).
///
/// Positions are integers computed with exact integer arithmetic (`UInt256.multiplyDivide`), so
/// the same history gives the same bytes and amounts beyond 2^64 need no floating point.
public enum BalanceChart {
    public static let maxDots = 200

    /// The chart of one asset's movements (in time order). Dots have class `point`.
    public static func svg(
        _ history: [AddressReport.Movement], asset: String, decimals: Int?, title: String, width: Int = 1100,
        height: Int = 230
    ) -> String {
        let left = 150
        let right = 24
        let top = 18
        let bottom = 34
        let plotW = width - left - right
        let plotH = height - top - bottom
        let zero = SignedAmount(magnitude: .zero)
        var low = zero
        var high = zero
        for m in history {
            if less(m.balance, low) { low = m.balance }
            if less(high, m.balance) { high = m.balance }
        }
        let range = max(offset(high, from: low), UInt256(1))
        func y(_ v: SignedAmount) -> Int {
            let q = UInt256.multiplyDivide(offset(v, from: low), UInt256(UInt64(plotH)), range)?.quotient
            return top + plotH - Int(q?.uint64 ?? 0)
        }
        let t0 = history.first?.time ?? 0
        let t1 = history.last?.time ?? 0
        func x(_ t: Int64) -> Int {
            guard t1 > t0 else { return left + plotW / 2 }
            return left + Int((Int128(t - t0) * Int128(plotW)) / Int128(t1 - t0))
        }
        func amount(_ v: SignedAmount) -> String { v.text(decimals: decimals) }
        let esc = HTMLPage.escape
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart balance\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(esc(title))\" font-family=\"system-ui, sans-serif\" font-size=\"11\">\n"
        out += "<title>\(esc(title))</title>\n"
        // Grid: the highest, zero and the lowest balance, labelled exactly.
        var lines: [(SignedAmount, String)] = [(high, "highest"), (zero, "zero"), (low, "lowest")]
        lines = lines.filter { line in
            line.1 == "zero" || (line.0 != zero && abs(y(line.0) - y(zero)) >= 12)
        }
        for (v, kind) in lines {
            let yy = y(v)
            out +=
                "<line class=\"grid\" x1=\"\(left)\" y1=\"\(yy)\" x2=\"\(left + plotW)\" y2=\"\(yy)\" stroke=\"\(kind == "zero" ? "#9aa5b1" : "#e4e7eb")\" stroke-width=\"1\"/>\n"
            out +=
                "<text x=\"\(left - 6)\" y=\"\(yy + 4)\" text-anchor=\"end\" fill=\"#52606d\">\(esc(amount(v)))</text>\n"
        }
        out +=
            "<text x=\"\(left - 6)\" y=\"\(top - 6)\" text-anchor=\"end\" fill=\"#52606d\" font-weight=\"600\">\(esc(asset))</text>\n"
        // Time axis: first and last day, and the middle one when they differ by more than a day.
        var ticks = [t0, t1]
        if t1 - t0 > 2 * 86_400 { ticks.insert(t0 + (t1 - t0) / 2, at: 1) }
        if t1 == t0 { ticks = [t0] }
        // Days for a long history; minutes when it spans less than two days.
        func tickText(_ t: Int64) -> String {
            let iso = Render.isoTime(t)
            return t1 - t0 > 2 * 86_400
                ? String(iso.prefix(10)) : iso.prefix(16).replacingOccurrences(of: "T", with: " ")
        }
        for (k, t) in ticks.enumerated() {
            let anchor =
                ticks.count == 1 ? "middle" : (k == 0 ? "start" : (k == ticks.count - 1 ? "end" : "middle"))
            out +=
                "<text x=\"\(x(t))\" y=\"\(height - 10)\" text-anchor=\"\(anchor)\" fill=\"#52606d\">\(esc(tickText(t)))</text>\n"
        }
        out +=
            "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#cbd2d9\"/>\n"
        // The step line: zero before the first movement, then each balance until the next one.
        if let first = history.first {
            var d = "M\(x(first.time)) \(y(zero)) V\(y(first.balance))"
            for m in history.dropFirst() { d += " H\(x(m.time)) V\(y(m.balance))" }
            d += " H\(left + plotW)"
            out += "<path class=\"line\" d=\"\(d)\" fill=\"none\" stroke=\"#2563eb\" stroke-width=\"2\"/>\n"
        }
        if history.count <= maxDots {
            for m in history {
                var tip = "\(Render.isoTime(m.time))  \(m.tx)"
                if m.received != .zero {
                    tip += "\nin \(SignedAmount(magnitude: m.received).text(decimals: decimals)) \(asset)"
                }
                if m.sent != .zero {
                    tip += "\nout \(SignedAmount(magnitude: m.sent).text(decimals: decimals)) \(asset)"
                }
                tip += "\nbalance \(amount(m.balance)) \(asset)"
                out +=
                    "<circle class=\"point\" cx=\"\(x(m.time))\" cy=\"\(y(m.balance))\" r=\"3.5\" fill=\"#fff\" stroke=\"#2563eb\" stroke-width=\"1.5\"><title>\(esc(tip))</title></circle>\n"
            }
        }
        return out + "</svg>\n"
    }

    package static func less(_ a: SignedAmount, _ b: SignedAmount) -> Bool {
        switch (a.negative, b.negative) {
        case (true, false): return true
        case (false, true): return false
        case (false, false): return a.magnitude < b.magnitude
        case (true, true): return b.magnitude < a.magnitude
        }
    }

    /// v − low, for v ≥ low.
    package static func offset(_ v: SignedAmount, from low: SignedAmount) -> UInt256 {
        switch (v.negative, low.negative) {
        case (false, true): return v.magnitude + low.magnitude
        case (true, true): return low.magnitude.subtractingReportingOverflow(v.magnitude) ?? .zero
        case (false, false): return v.magnitude.subtractingReportingOverflow(low.magnitude) ?? .zero
        case (true, false): return .zero
        }
    }
}
