public import FlowModel

/// Text and JSON renderings of store answers, shared by the CLI and the demo.
public enum Render {
    /// Satoshi as BTC with 8 decimals, exact (integer arithmetic).
    public static func btc(_ sats: Int64) -> String {
        let negative = sats < 0
        let magnitude = sats.magnitude
        let whole = magnitude / 100_000_000
        let frac = String(magnitude % 100_000_000)
        return (negative ? "-" : "") + "\(whole)." + String(repeating: "0", count: 8 - frac.count) + frac
    }

    /// An integer with thousands separators.
    /// `1 block`, `2 blocks`, `1,000 blocks`: a count, grouped, with its noun in the number it
    /// needs (`plural` for nouns that do not just add "s").
    public static func count(_ n: some BinaryInteger, _ singular: String, _ plural: String? = nil) -> String {
        "\(grouped(Int(n))) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    /// Seconds in JSON summaries: three decimals.
    public static func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    public static func statsJSON(_ s: StoreStats, checksums: [String: String]? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("blocks", .int(s.blocks)),
            ("transactions", .int(s.transactions)),
            ("inputs", .int(s.inputs)),
            ("outputs", .int(s.outputs)),
            ("addresses", .int(s.addresses)),
            ("min_height", .optional(s.minHeight)),
            ("max_height", .optional(s.maxHeight)),
            ("orphaned_blocks", .int(s.orphanedBlocks)),
            ("unresolved_inputs", .int(s.unresolvedInputs)),
            ("networks", .array(s.networks.map { .string($0) })),
            ("known_prevout_inputs", .int(s.knownPrevoutInputs)),
            ("transfers", .int(s.transfers)),
            ("assets", .int(s.assets)),
            ("tags", .int(s.tags)),
            ("ethereum_blocks", .int(s.ethereumBlocks)),
            ("ethereum_transactions", .int(s.ethereumTransactions)),
            ("ethereum_min_block", .optional(s.ethereumMinBlock)),
            ("ethereum_max_block", .optional(s.ethereumMaxBlock)),
            ("ledger_transactions", .int(s.ledgerTransactions)),
            ("ledger_transfers", .int(s.ledgerTransfers)),
        ]
        if let checksums {
            fields.append(
                (
                    "checksums",
                    .object(checksums.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                ))
        }
        return .object(fields)
    }

    /// The text of `chainflow stats`: the Bitcoin counts (left out when the database holds only
    /// Ethereum or ledger data), then Ethereum blocks and transactions and ledger transactions.
    public static func statsText(_ s: StoreStats) -> String {
        let accountOnly = s.blocks == 0 && s.orphanedBlocks == 0 && s.transfers > 0
        var account = ""
        if s.ethereumTransactions > 0 || s.ethereumBlocks > 0 {
            let numbers =
                s.ethereumMinBlock.map { min in "\(min)…\(s.ethereumMaxBlock.map(String.init) ?? "?")" }
                ?? "unknown"
            account +=
                "ethereum      \(grouped(s.ethereumBlocks)) \(s.ethereumBlocks == 1 ? "block" : "blocks") (numbers \(numbers)), \(grouped(s.ethereumTransactions)) \(s.ethereumTransactions == 1 ? "transaction" : "transactions")\n"
        }
        if s.ledgerTransfers > 0 {
            account +=
                "ledger        \(grouped(s.ledgerTransactions)) \(s.ledgerTransactions == 1 ? "transaction" : "transactions") in \(grouped(s.ledgerTransfers)) transfer \(s.ledgerTransfers == 1 ? "row" : "rows")\n"
        }
        if accountOnly {
            return "addresses     \(grouped(s.addresses))\n\n" + account
                + "transfers     \(grouped(s.transfers))  (\(s.assets) assets in use)\ntags          \(grouped(s.tags))\n"
        }
        let heights = s.minHeight.map { min in "\(min)…\(s.maxHeight.map(String.init) ?? "?")" } ?? "unknown"
        return """
            blocks        \(grouped(s.blocks))  (heights \(heights); \(s.orphanedBlocks) orphaned)
            transactions  \(grouped(s.transactions))
            inputs        \(grouped(s.inputs))  (\(grouped(s.unresolvedInputs)) spend outputs not in the store)
            outputs       \(grouped(s.outputs))
            addresses     \(grouped(s.addresses))
            networks      \(s.networks.joined(separator: ", "))

            """
                + (s.knownPrevoutInputs > 0
                    ? "known prevouts \(count(s.knownPrevoutInputs, "input")) whose value a source stated\n"
                    : "")
                + account
                + (s.transfers > 0 || s.tags > 0
                    ? "transfers     \(grouped(s.transfers))  (\(count(s.assets, "asset")) in use)\ntags          \(grouped(s.tags))\n"
                    : "")
    }

    public static func transactionJSON(_ t: TransactionDetail) -> JSONValue {
        .object([
            ("txid", .string(t.txid)),
            ("wtxid", t.wtxid.isEmpty ? .null : .string(t.wtxid)),
            ("block_hash", .string(t.blockHash)),
            ("block_height", .optional(t.blockHeight)),
            ("block_time", .int(t.blockTime)),
            ("in_main_chain", .bool(t.inMainChain)),
            ("position", .int(t.position)),
            ("size", .int(t.size)),
            ("weight", .int(t.weight)),
            ("version", .int(t.version)),
            ("locktime", .int(t.locktime)),
            ("coinbase", .bool(t.coinbase)),
            ("fee", .optional(t.fee)),
            ("input_value", .optional(t.inputValue)),
            ("output_value", .int(t.outputValue)),
            (
                "inputs",
                .array(
                    t.inputs.map { i in
                        .object([
                            ("prev_txid", .optional(i.prevTxid)),
                            ("prev_vout", .optional(i.prevVout)),
                            ("value", .optional(i.value)),
                            ("address", .optional(i.address)),
                            ("sequence", .int(i.sequence)),
                        ])
                    })
            ),
            (
                "outputs",
                .array(
                    t.outputs.map { o in
                        .object([
                            ("n", .int(o.n)),
                            ("value", .int(o.value)),
                            ("type", .string(o.type)),
                            ("address", .optional(o.address)),
                            ("spent_by", .optional(o.spentBy)),
                        ])
                    })
            ),
        ])
    }

    public static func transactionText(_ t: TransactionDetail) -> String {
        var out = "transaction \(t.txid)\n"
        if t.wtxid != t.txid { out += "  wtxid     \(t.wtxid)\n" }
        out +=
            "  block     \(t.blockHash) (height \(t.blockHeight.map(String.init) ?? "unknown")\(t.inMainChain ? "" : ", ORPHANED"))\n"
        out += "  time      \(isoTime(t.blockTime))\n"
        out += "  size      \(t.size) bytes, weight \(t.weight)\n"
        if t.coinbase {
            out += "  coinbase  yes\n"
        } else {
            out +=
                "  fee       \(t.fee.map { "\(btc($0)) BTC (\($0) sat)" } ?? "unknown (an input's value is not in the store)")\n"
        }
        out += "inputs (\(t.inputs.count))\n"
        for (n, i) in t.inputs.enumerated() {
            if i.coinbase {
                out += "  #\(n)  coinbase\n"
            } else {
                let value = i.value.map { "\(btc($0)) BTC" } ?? "value unknown"
                out +=
                    "  #\(n)  \(i.prevTxid ?? "?"):\(i.prevVout.map(String.init) ?? "?")  \(value)  \(i.address ?? "-")\n"
            }
        }
        out += "outputs (\(t.outputs.count))\n"
        for o in t.outputs {
            let spent = o.spentBy.map { "  spent by \($0)" } ?? ""
            out += "  #\(o.n)  \(btc(o.value)) BTC  \(o.type)  \(o.address ?? "-")\(spent)\n"
        }
        return out
    }

    public static func addressJSON(_ a: AddressSummary) -> JSONValue {
        .object([
            ("address", .string(a.address)),
            ("chain", .string(a.chain)),
            ("received", .int(a.received)),
            ("sent", .int(a.sent)),
            ("balance", .int(a.balance)),
            ("tx_count", .int(a.txCount)),
            ("output_count", .int(a.outputCount)),
            ("spent_output_count", .int(a.spentOutputCount)),
            ("first_seen_time", .optional(a.firstSeenTime)),
            ("last_seen_time", .optional(a.lastSeenTime)),
            ("first_seen_height", .optional(a.firstSeenHeight)),
            ("last_seen_height", .optional(a.lastSeenHeight)),
        ])
    }

    public static func addressText(_ a: AddressSummary) -> String {
        """
        address   \(a.address) (\(a.chain))
          received  \(btc(a.received)) BTC in \(count(a.outputCount, "output"))
          sent      \(btc(a.sent)) BTC from \(count(a.spentOutputCount, "output"))
          balance   \(btc(a.balance)) BTC
          txs       \(a.txCount)
          first     height \(a.firstSeenHeight.map(String.init) ?? "?") time \(a.firstSeenTime.map(isoTime) ?? "?")
          last      height \(a.lastSeenHeight.map(String.init) ?? "?") time \(a.lastSeenTime.map(isoTime) ?? "?")

        """
    }

    /// `amount` base units in whole units of an asset with `decimals`, exact, with the asset's
    /// name ("1.5 ETH"); when its decimals are unknown (a token without a tokens export), the
    /// base units, saying so ("1000 base units of 0xf4ec…95dd (decimals unknown)"). The one
    /// amount text of every report, next to `isoTime` for times.
    public static func amount(_ v: UInt256, decimals: Int?, asset: String) -> String {
        guard let decimals else { return "\(v.decimalString) base units of \(asset) (decimals unknown)" }
        return v.decimalString(decimals: decimals) + " " + asset
    }

    /// A signed amount (a balance) the same way.
    public static func amount(_ v: SignedAmount, decimals: Int?, asset: String) -> String {
        guard decimals != nil else {
            return "\(v.text(decimals: nil)) base units of \(asset) (decimals unknown)"
        }
        return v.text(decimals: decimals) + " " + asset
    }

    /// Unix seconds as ISO-8601 UTC, computed without locale or time zone dependence.
    public static func isoTime(_ t: Int64) -> String {
        TimeParser.isoString(t)
    }
}
