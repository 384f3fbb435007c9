public import FlowModel

extension TransactionReport {
    /// The text `chainflow tx` prints.
    public var text: String {
        switch self {
        case .bitcoin(let t): Render.transactionText(t)
        case .ethereum(let e): Self.text(e)
        case .ledger(let l): Self.text(l)
        }
    }

    static func text(_ e: EthereumTransactionView) -> String {
        var out = "transaction \(e.hash) (ethereum)\n"
        switch e.status {
        case 1 where e.value?.status == nil:
            out +=
                "  status    success (it emitted token transfer logs, which only a successful transaction does)\n"
        case 1: out += "  status    success\n"
        case 0: out += "  status    failed (moved nothing; the fee was still paid)\n"
        default: out += "  status    unknown (no receipt or trace with a status ingested)\n"
        }
        out += "  block     \(e.block.map(String.init) ?? "unknown")\n"
        // The block time (every row of the transaction has it).
        out += "  time      \(e.time.map(Render.isoTime) ?? "unknown")\n"
        out += "  from      \(e.sender ?? "-")\n"
        if let v = e.value {
            out += "  to        \(v.to ?? "- (contract creation)")\n"
            out += "  value     \(amountText(v.amount, v.asset)) (\(v.amount.decimalString) wei)\n"
        }
        if let f = e.fee {
            out += "  fee       \(amountText(f.amount, f.asset)) (\(f.amount.decimalString) wei)\n"
        } else {
            out += "  fee       unknown (no receipt ingested)\n"
        }
        out += "transfers (\(e.transfers.count))\n"
        for r in e.transfers {
            let label = r.kind == .token ? "token #\(r.seq - 1)" : r.kind.name
            out +=
                "  \(label)  \(r.from ?? "(minted)") -> \(r.to ?? "(burned)")  \(amountText(r.amount, r.asset))"
            if let id = r.tokenId { out += "  (token id \(id.decimalString))" }
            out += r.moved ? "\n" : "  (failed: moved nothing)\n"
        }
        if !e.conversions.isEmpty {
            out += "conversions (\(e.conversions.count))\n"
            for c in e.conversions { out += "  " + Self.text(c) + "\n" }
        }
        return out
    }

    /// One line of a conversion: `#12 uniswap-v2 at 0x… : 1000 of 0xa0b8…eb48 -> 5 of 0xc02a…6cc2
    /// (trader 0x…, recipient 0x…)`; amounts in base units, assets shortened.
    public static func text(_ c: Conversion) -> String {
        func asset(_ a: String) -> String { a == Conversion.ether ? a : TraceAsset.shortContract(a) }
        return
            "#\(c.logIndex) \(c.protocolName) at \(c.pool): \(c.amountIn.decimalString) \(asset(c.assetIn)) -> \(c.amountOut.decimalString) \(asset(c.assetOut)) (base units; trader \(c.trader), recipient \(c.recipient))"
    }

    static func text(_ l: LedgerTransactionView) -> String {
        let chain = l.transfers.first?.asset.chain ?? "ledger"
        var out = "ledger transaction \(l.id) (\(chain))\n"
        // The transfer timestamps: one time, or the first and the last when the rows differ.
        if let first = l.transfers.map(\.time).min(), let last = l.transfers.map(\.time).max() {
            out +=
                "  time      \(Render.isoTime(first))"
                + (last == first ? "" : " … \(Render.isoTime(last)) (first … last transfer)") + "\n"
        }
        out += "transfers (\(l.transfers.count))\n"
        for r in l.transfers {
            out +=
                "  #\(r.seq)  \(r.from ?? "-") -> \(r.to ?? "-")  \(amountText(r.amount, r.asset))  \(Render.isoTime(r.time))"
            out += r.line.map { "  (line \($0))\n" } ?? "\n"
        }
        return out
    }
}
