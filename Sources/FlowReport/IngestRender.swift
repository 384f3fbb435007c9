import FlowModel

/// Renderings of an ingest run's report.
public enum IngestRender {
    public static func text(_ r: IngestReport) -> String {
        var out = ""
        for f in r.files {
            let xor = f.xorObfuscated ? ", XOR-obfuscated" : ""
            if f.blocks > 0 && f.added == 0 {
                out +=
                    "\(f.path) (\(f.kind)\(xor)): \(Render.count(f.blocks, "block")), all already in the database: nothing changed\n"
            } else {
                out +=
                    "\(f.path) (\(f.kind)\(xor)): \(Render.count(f.blocks, "block")), \(f.added) added, \(f.alreadyPresent) already present\n"
            }
        }
        let s = r.summary
        out +=
            "added \(Render.count(s.blocksAdded, "block")), \(Render.count(s.transactions, "transaction")), "
        out +=
            "\(Render.count(s.inputs, "input")), \(Render.count(s.outputs, "output")), \(Render.grouped(s.newAddresses)) new addresses"
        out += " in \(formatSeconds(r.seconds)) (\(Render.grouped(Int(r.transactionsPerSecond))) tx/s)\n"
        if s.lateResolvedInputs > 0 {
            out +=
                "linked \(Render.count(s.lateResolvedInputs, "input")) to outputs stored later in the files or in earlier runs\n"
        }
        if s.unresolvedInputs > 0 {
            out +=
                "\(Render.count(s.unresolvedInputs, "input")) spend outputs not in the database (value unknown until those blocks are ingested)\n"
        }
        if s.orphanedBlocks > 0 {
            out +=
                "\(Render.count(s.orphanedBlocks, "block")) are off the chain with the most work (orphaned; not counted in balances)\n"
        }
        if s.knownPrevoutInputs > 0 {
            out +=
                "\(Render.count(s.knownPrevoutInputs, "input")) spend outputs not in the database but carry the value their source stated\n"
        }
        for note in s.notes { out += "note: \(note)\n" }
        return out
    }

    package static func formatSeconds(_ s: Double) -> String {
        let tenths = Int((s * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)s"
    }

    public static func json(_ r: IngestReport) -> JSONValue {
        let s = r.summary
        return .object([
            (
                "files",
                .array(
                    r.files.map { f in
                        .object([
                            ("path", .string(f.path)), ("kind", .string(f.kind)), ("blocks", .int(f.blocks)),
                            ("added", .int(f.added)), ("already_present", .int(f.alreadyPresent)),
                            ("xor_obfuscated", .bool(f.xorObfuscated)),
                        ])
                    })
            ),
            ("blocks_added", .int(s.blocksAdded)),
            ("blocks_skipped", .int(s.blocksSkipped)),
            ("transactions", .int(s.transactions)),
            ("inputs", .int(s.inputs)),
            ("outputs", .int(s.outputs)),
            ("new_addresses", .int(s.newAddresses)),
            ("late_resolved_inputs", .int(s.lateResolvedInputs)),
            ("unresolved_inputs", .int(s.unresolvedInputs)),
            ("orphaned_blocks", .int(s.orphanedBlocks)),
            ("known_prevout_inputs", .int(s.knownPrevoutInputs)),
            ("notes", .array(s.notes.map { .string($0) })),
            ("seconds", .double((r.seconds * 1000).rounded() / 1000)),
            ("transactions_per_second", .int(Int(r.transactionsPerSecond))),
        ])
    }
}

extension IngestRender {
    public static func text(_ r: AccountIngestReport) -> String {
        var out = ""
        for f in r.files {
            let what = f.format + (f.role.map { " \($0)" } ?? "")
            if f.alreadyIngested {
                out += "\(f.path) (\(what)): already ingested: nothing changed\n"
            } else {
                let resumed = f.resumedAfter.map { ", resumed after row \(Render.grouped($0))" } ?? ""
                out +=
                    "\(f.path) (\(what)): \(Render.count(f.records, "record")), \(Render.grouped(f.added)) added\(resumed)\n"
            }
        }
        let s = r.summary
        out +=
            "added \(Render.count(s.transfers, "transfer")), \(Render.grouped(s.newAddresses)) new addresses"
        if s.newAssets > 0 { out += ", \(s.newAssets) new assets" }
        if s.logs > 0 { out += ", \(Render.count(s.logs, "log"))" }
        if s.conversions > 0 { out += ", \(Render.count(s.conversions, "conversion"))" }
        out += " in \(formatSeconds(r.seconds)) (\(Render.grouped(Int(r.recordsPerSecond))) records/s)\n"
        return out
    }

    public static func json(_ r: AccountIngestReport) -> JSONValue {
        let s = r.summary
        // Logs and conversions are listed when a run stored some (other runs keep their shape).
        var defi: [(String, JSONValue)] = []
        if s.logs > 0 || s.conversions > 0 {
            defi = [("logs", .int(s.logs)), ("conversions", .int(s.conversions))]
        }
        return .object(
            [
                (
                    "files",
                    .array(
                        r.files.map { f in
                            .object([
                                ("path", .string(f.path)), ("format", .string(f.format)),
                                ("role", f.role.map { .string($0) } ?? .null), ("records", .int(f.records)),
                                ("added", .int(f.added)), ("already_ingested", .bool(f.alreadyIngested)),
                                ("resumed_after", f.resumedAfter.map { .int($0) } ?? .null),
                            ])
                        })
                ),
                ("transfers", .int(s.transfers)),
                ("new_addresses", .int(s.newAddresses)),
                ("new_assets", .int(s.newAssets)),
            ] + defi + [
                ("seconds", .double((r.seconds * 1000).rounded() / 1000)),
                ("records_per_second", .int(Int(r.recordsPerSecond))),
            ])
    }
}

extension IngestRender {
    /// `chainflow ingest --json`: one document shape whatever mix of formats was read.
    /// `files[]` lists every file in the order read, each with its `model` (`utxo` for Bitcoin
    /// blocks and JSON, `account` for transfer CSVs and Ethereum exports) and `format`; `utxo`
    /// and `account` hold the totals of each reader of that model (Bitcoin blocks and Bitcoin JSON
    /// are two readers; empty when none ran); `seconds` is the whole run.
    public static func json(utxo: [IngestReport], account: [AccountIngestReport]) -> JSONValue {
        var files: [JSONValue] = []
        for r in utxo {
            for f in r.files {
                files.append(
                    .object([
                        ("path", .string(f.path)), ("model", .string("utxo")), ("format", .string(f.kind)),
                        ("blocks", .int(f.blocks)), ("added", .int(f.added)),
                        ("already_present", .int(f.alreadyPresent)),
                        ("xor_obfuscated", .bool(f.xorObfuscated)),
                    ]))
            }
        }
        for r in account {
            for f in r.files {
                files.append(
                    .object([
                        ("path", .string(f.path)), ("model", .string("account")),
                        ("format", .string(f.format)),
                        ("role", f.role.map { .string($0) } ?? .null), ("records", .int(f.records)),
                        ("added", .int(f.added)), ("already_ingested", .bool(f.alreadyIngested)),
                        ("resumed_after", f.resumedAfter.map { .int($0) } ?? .null),
                    ]))
            }
        }
        func totals(_ value: JSONValue) -> [(String, JSONValue)] {
            guard case .object(let pairs) = value else { return [] }
            return pairs.filter { $0.0 != "files" }
        }
        let seconds = utxo.map(\.seconds).reduce(0, +) + account.map(\.seconds).reduce(0, +)
        return .object([
            ("schema_version", .int(1)),
            ("files", .array(files)),
            ("utxo", .array(utxo.map { .object(totals(json($0))) })),
            ("account", .array(account.map { .object(totals(json($0))) })),
            ("seconds", .double((seconds * 1000).rounded() / 1000)),
        ])
    }
}
