package import FlowModel

/// One column of an asset's totals (an address's or a cluster's activity row).
package enum ActivityColumn: Sendable {
    case received, sent, balance
}

extension Render {
    /// A column of `a` in base units, decimal digits (signed for the balance); exact past 2^256
    /// when the row's sums overflow (`AssetActivity.overflow`).
    package static func baseUnits(_ a: AssetActivity, _ column: ActivityColumn) -> String {
        baseUnits(received: a.received, sent: a.sent, overflow: a.overflow, column)
    }

    package static func baseUnits(
        received: UInt256, sent: UInt256, overflow: AmountOverflow?, _ column: ActivityColumn
    ) -> String {
        if let o = overflow {
            switch column {
            case .received: return o.received.decimalString
            case .sent: return o.sent.decimalString
            case .balance: return o.balanceText
            }
        }
        switch column {
        case .received: return received.decimalString
        case .sent: return sent.decimalString
        case .balance:
            return received < sent
                ? "-" + (sent.subtractingReportingOverflow(received) ?? .zero).decimalString
                : (received.subtractingReportingOverflow(sent) ?? .zero).decimalString
        }
    }

    /// A column of `a` in its asset's units with the symbol ("1.5 ETH"), as `Render.amount`
    /// writes it; past 2^256 the exact figure, followed by `(beyond 2^256)`.
    package static func activityUnits(_ a: AssetActivity, _ column: ActivityColumn) -> String {
        activityUnits(
            baseUnits(a, column), decimals: a.decimals, asset: a.asset, overflows: a.overflow != nil)
    }

    /// Signed base-unit digits in units of `asset`.
    package static func activityUnits(_ digits: String, decimals: Int?, asset: String, overflows: Bool)
        -> String
    {
        let negative = digits.hasPrefix("-")
        let magnitude = negative ? String(digits.dropFirst()) : digits
        let suffix = overflows ? " (beyond 2^256)" : ""
        guard let decimals else {
            return "\(digits) base units of \(asset) (decimals unknown)" + suffix
        }
        return (negative ? "-" : "") + UInt256.withDecimals(magnitude, decimals) + " " + asset + suffix
    }

    /// The JSON fields `received`, `sent` and `balance` of an activity row (base-unit digits),
    /// and `sum_overflow: true` after them when its sums pass 2^256.
    package static func activityJSON(_ a: AssetActivity) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("received", .string(baseUnits(a, .received))), ("sent", .string(baseUnits(a, .sent))),
            ("balance", .string(baseUnits(a, .balance))),
        ]
        if a.overflow != nil { fields.append(("sum_overflow", .bool(true))) }
        return fields
    }
}
