public import FlowModel

extension TransactionReport {
    /// The JSON `chainflow tx --json` prints: a Bitcoin transaction as before; an Ethereum or
    /// ledger transaction with `chain` and its rows (amounts as decimal strings in base units).
    public var json: JSONValue {
        switch self {
        case .bitcoin(let t): Render.transactionJSON(t)
        case .ethereum(let e):
            .object(
                [
                    ("chain", .string("ethereum")),
                    ("hash", .string(e.hash)),
                    ("status", e.status == nil ? .null : .string(e.statusText)),
                    ("block", .optional(e.block)),
                    ("time", .optional(e.time)),
                    ("from", .optional(e.sender)),
                    ("to", .optional(e.value?.to)),
                    ("value", .optional(e.value?.amount.decimalString)),
                    ("fee", .optional(e.fee?.amount.decimalString)),
                    ("transfers", .array(e.transfers.map(Self.json))),
                ] + (e.conversions.isEmpty ? [] : [("conversions", .array(e.conversions.map(Self.json)))]))
        case .ledger(let l):
            .object([
                ("chain", .string(l.transfers.first?.asset.chain ?? "ledger")),
                ("id", .string(l.id)),
                ("transfers", .array(l.transfers.map(Self.json))),
            ])
        }
    }

    /// A conversion as `tx --json` lists it: `{protocol, pool, log_index, trader, recipient,
    /// asset_in, amount_in, asset_out, amount_out}` (assets as contracts, `ETH` for ether; amounts
    /// as base-unit decimal strings).
    public static func json(_ c: Conversion) -> JSONValue {
        .object([
            ("protocol", .string(c.protocolName)),
            ("pool", .string(c.pool)),
            ("log_index", .int(c.logIndex)),
            ("trader", .string(c.trader)),
            ("recipient", .string(c.recipient)),
            ("asset_in", .string(c.assetIn)),
            ("amount_in", .string(c.amountIn.decimalString)),
            ("asset_out", .string(c.assetOut)),
            ("amount_out", .string(c.amountOut.decimalString)),
        ])
    }

    static func json(_ r: AccountTransferRow) -> JSONValue {
        // NFT transfers name their token (other rows keep their keys).
        let token: [(String, JSONValue)] = r.tokenId.map { [("token_id", .string($0.decimalString))] } ?? []
        return .object(
            [
                ("kind", .string(r.kind.name)),
                ("seq", .int(r.seq)),
                ("from", .optional(r.from)),
                ("to", .optional(r.to)),
                (
                    "asset",
                    .object([
                        ("name", .string(r.asset.shortName)),
                        ("symbol", .optional(r.asset.symbol)),
                        ("contract", r.asset.contract.isEmpty ? .null : .string(r.asset.contract)),
                        ("decimals", .optional(r.asset.decimals)),
                    ])
                ),
                ("amount", .string(r.amount.decimalString)),
                ("time", .int(r.time)),
                ("block", .optional(r.block)),
                ("status", .optional(r.status)),
                ("moved", .bool(r.moved)),
                ("line", .optional(r.line)),
            ] + token)
    }
}
