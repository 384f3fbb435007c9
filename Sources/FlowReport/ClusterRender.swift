import FlowAnalysis
public import FlowModel

/// Text and JSON renderings of clustering results.
public enum ClusterRender {
    // MARK: run

    public static func runJSON(_ r: ClusterRunReport) -> JSONValue {
        .object([
            ("run_id", .int(r.runId)),
            ("mode", .string(r.mode)),
            ("full_reason", .optional(r.fullReason)),
            ("heuristics", .string(r.heuristics)),
            ("max_height", .optional(r.maxHeight)),
            ("transactions", .int(r.transactions)),
            ("inputs", .int(r.inputs)),
            ("edges", .object(r.edges.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("merges", .object(r.merges.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            (
                "coinjoin",
                .object([
                    ("skipped", .int(r.coinJoinsSkipped)),
                    ("rule", .string(CoinJoinRule.summary)),
                    ("sample", .array(r.coinJoinSample.map { .string($0) })),
                ])
            ),
            (
                "change",
                .object([
                    ("linked", .int(r.changeLinked)), ("ambiguous", .int(r.changeAmbiguous)),
                    ("unknown_inputs", .int(r.changeUnknownInputs)),
                ])
            ),
            ("deposit_addresses", .int(r.depositAddresses)),
            ("pending_inputs", .int(r.pendingInputs)),
            ("clusters", .int(r.clusters)),
            ("clustered_addresses", .int(r.clusteredAddresses)),
            ("largest_cluster", .optional(r.largestCluster)),
            ("largest_size", .int(r.largestSize)),
            (
                "super_cluster_warnings",
                .object([
                    ("size", .int(r.superClusterSize)), ("count", .int(r.warnings)),
                    (
                        "sample",
                        .array(
                            r.warningSample.map { w in
                                .object([
                                    ("evidence", .string(w.evidence)), ("heuristic", .string(w.heuristic)),
                                    ("cluster_a", .string(w.clusterA)), ("size_a", .int(w.sizeA)),
                                    ("cluster_b", .string(w.clusterB)), ("size_b", .int(w.sizeB)),
                                ])
                            })
                    ),
                ])
            ),
            (
                "seconds",
                .object([
                    ("load", .double(Render.rounded(r.loadSeconds))),
                    ("heuristics", .double(Render.rounded(r.heuristicSeconds))),
                    ("union_find", .double(Render.rounded(r.unionFindSeconds))),
                    ("write", .double(Render.rounded(r.writeSeconds))),
                    ("total", .double(Render.rounded(r.totalSeconds))),
                ])
            ),
            ("threads", .int(r.threads)), ("union_find_threads", .int(r.unionFindThreads)),
        ])
    }

    public static func runText(_ r: ClusterRunReport) -> String {
        var out = "cluster run \(r.runId): \(r.mode)"
        if let reason = r.fullReason { out += " (\(reason))" }
        out += "\n"
        out += "  heuristics    \(r.heuristics)\n"
        out +=
            "  covered       \(r.maxHeight.map { "main chain up to height \($0)" } ?? "no Bitcoin blocks")\n"
        out +=
            "  examined      \(Render.count(r.transactions, "transaction")), \(Render.count(r.inputs, "input"))\n"
        let edges = r.edges.sorted { $0.key < $1.key }.map { "\($0.key) \(Render.grouped($0.value))" }
        let merges = r.merges.sorted { $0.key < $1.key }.map { "\($0.key) \(Render.grouped($0.value))" }
        out += "  links         \(edges.isEmpty ? "none" : edges.joined(separator: ", "))\n"
        out += "  merges        \(merges.isEmpty ? "none" : merges.joined(separator: ", "))\n"
        out +=
            "  coinjoin      \(Render.count(r.coinJoinsSkipped, "transaction")) skipped (rule: \(CoinJoinRule.summary))\n"
        for txid in r.coinJoinSample.prefix(5) { out += "                  \(txid)\n" }
        if r.heuristics.contains("change:") {
            out +=
                "  change        \(Render.grouped(r.changeLinked)) linked, \(Render.grouped(r.changeAmbiguous)) ambiguous (several outputs qualify), \(Render.grouped(r.changeUnknownInputs)) with unknown inputs\n"
        }
        if r.heuristics.contains("deposit-address") {
            out += "  deposits      \(Render.grouped(r.depositAddresses)) deposit addresses found\n"
        }
        out +=
            "  clusters      \(Render.grouped(r.clusters)) with 2+ addresses, holding \(Render.count(r.clusteredAddresses, "address", "addresses"))\n"
        if let largest = r.largestCluster {
            out += "  largest       \(largest) (\(Render.count(r.largestSize, "address", "addresses")))\n"
        }
        if r.pendingInputs > 0 {
            out +=
                "  unknown       \(Render.count(r.pendingInputs, "input")) spend outputs not in the store (rechecked next run)\n"
        }
        if r.warnings > 0 {
            out +=
                "  warning       \(Render.count(r.warnings, "merge")) joined two clusters of \(Render.grouped(r.superClusterSize))+ addresses each (super-cluster guard):\n"
            for w in r.warningSample.prefix(10) {
                out +=
                    "                  \(w.evidence) (\(w.heuristic)): \(w.clusterA) (\(Render.grouped(w.sizeA))) + \(w.clusterB) (\(Render.grouped(w.sizeB)))\n"
            }
        }
        out += "  time          load \(seconds(r.loadSeconds)), heuristics \(seconds(r.heuristicSeconds)), "
        out +=
            "union-find \(seconds(r.unionFindSeconds)) (\(Render.grouped(Int(r.inputsPerSecond))) inputs/s), "
        out +=
            "write \(seconds(r.writeSeconds)), total \(seconds(r.totalSeconds)) on \(Render.count(r.threads, "thread"))\n"
        return out
    }

    package static func seconds(_ x: Double) -> String {
        let ms = Int((x * 1000).rounded())
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000)s"
    }

    // MARK: show

    package static func membershipJSON(_ m: ClusterMembership) -> [(String, JSONValue)] {
        [
            ("address", .string(m.address)), ("cluster_id", .int(m.clusterId)),
            ("cluster", .string(m.clusterAddress)), ("size", .int(m.size)),
        ]
    }

    package static func stepJSON(_ s: ExplainedStep) -> JSONValue {
        let e = s.evidence
        return .object([
            ("from", .string(s.from)), ("to", .string(s.to)), ("heuristic", .string(s.heuristic)),
            ("tx", .string(e.tx)), ("height", .optional(e.height)), ("time", .optional(e.time)),
            ("from_input_value", .optional(e.fromInputValue)), ("to_input_value", .optional(e.toInputValue)),
            ("to_output_value", .optional(e.toOutputValue)), ("deposit_address", .optional(e.depositAddress)),
            ("deposit_amount", .optional(e.depositAmount)), ("forward_tx", .optional(e.forwardTx)),
            ("forward_amount", .optional(e.forwardAmount)), ("forward_block", .optional(e.forwardBlock)),
            ("exchange", .optional(e.exchange)), ("asset", .optional(e.asset)),
            ("run_id", .optional(s.runId)),
            ("merge", .int(s.sequence)),
        ])
    }

    public static func showJSON(_ p: ClusterProfile) -> JSONValue {
        var fields = membershipJSON(p.membership)
        fields.append(("clustered", .bool(p.clustered)))
        fields.append(("path_length", .int(p.pathLength)))
        fields.append(("path", .array(p.path.map(stepJSON))))
        fields.append(
            (
                "members",
                .object([
                    ("offset", .int(p.offset)), ("limit", .int(p.limit)),
                    ("addresses", .array(p.members.map { .string($0) })),
                ])
            ))
        fields.append(
            (
                "bitcoin",
                p.bitcoin.map { b in
                    .object([
                        ("received", .int(b.received)), ("sent", .int(b.sent)),
                        ("balance", .int(b.received - b.sent)),
                        ("outputs", .int(b.outputs)), ("transactions", .int(b.transactions)),
                    ])
                } ?? .null
            ))
        fields.append(
            (
                "assets",
                .array(
                    p.assets.map { a in
                        .object(
                            [("asset", .string(a.asset)), ("decimals", .optional(a.decimals))]
                                + Render.activityJSON(a)
                                + [("transfers", .int(a.transfers))])
                    })
            ))
        fields.append(
            (
                "tags",
                .array(
                    p.tags.map { t in
                        .object([
                            ("address", .string(t.address)), ("label", .string(t.label)),
                            ("category", .string(t.category)), ("source", .string(t.source)),
                            ("confidence", t.confidence.map { .double($0) } ?? .null),
                        ])
                    })
            ))
        return .object(fields)
    }

    public static func showText(_ p: ClusterProfile) -> String {
        let m = p.membership
        var out =
            "cluster   \(m.clusterAddress) (id \(m.clusterId)): \(Render.grouped(m.size)) address\(m.size == 1 ? "" : "es")\n"
        if !p.clustered { out += "  (no clustering run yet: `chainflow cluster run --db …`)\n" }
        if m.address != m.clusterAddress { out += "  address   \(m.address)\n" }
        if !p.path.isEmpty {
            out +=
                "  why       \(p.pathLength) link\(p.pathLength == 1 ? "" : "s") from \(m.address) to \(m.clusterAddress):\n"
            for (k, s) in p.path.enumerated() { out += "    \(k + 1). \(stepText(s))\n" }
            if p.pathLength > p.path.count {
                out +=
                    "    … \(p.pathLength - p.path.count) more (`chainflow cluster explain \(m.address) \(m.clusterAddress)`)\n"
            }
        }
        if let b = p.bitcoin {
            out += "  BTC received \(Render.btc(b.received)), sent \(Render.btc(b.sent)), "
            out +=
                "balance \(Render.btc(b.received - b.sent)) (\(Render.count(b.transactions, "transaction")) paying members)\n"
        }
        for a in p.assets {
            out +=
                "  \(TerminalText.field(a.asset)) in \(Render.activityUnits(a, .received)), out \(Render.activityUnits(a, .sent)), "
            out +=
                "net \(Render.activityUnits(a, .balance)) in \(Render.count(a.transfers, "transfer")) with other clusters\n"
            if a.overflow != nil { out += "    (\(AmountOverflow.note))\n" }
        }
        if !p.tags.isEmpty {
            out += "  tags\n"
            for t in p.tags {
                out +=
                    "    \(TerminalText.field(t.category)): \(TerminalText.field(t.label)) on \(t.address) (source \(TerminalText.field(t.source)))\n"
            }
        }
        let last = p.offset + p.members.count
        out +=
            "  members \(p.members.isEmpty ? "none on this page" : "\(p.offset + 1)–\(last) of \(Render.grouped(m.size))")\n"
        for a in p.members { out += "    \(a)\n" }
        if last < m.size { out += "    … (--offset \(last) for more)\n" }
        return out
    }

    // MARK: explain

    package static func stepText(_ s: ExplainedStep) -> String {
        let e = s.evidence
        var out = "\(s.from) —\(s.heuristic)→ \(s.to)  in \(e.tx)"
        if let h = e.height {
            out += " (height \(h)" + (e.time.map { ", \(Render.isoTime($0))" } ?? "") + ")"
        }
        switch s.heuristic {
        case "multi-input":
            if let a = e.fromInputValue, let b = e.toInputValue {
                out += ": both spent as inputs, \(Render.btc(a)) and \(Render.btc(b)) BTC"
            }
        case "deposit-address":
            out += ": both paid deposit address \(e.depositAddress ?? "?")"
            if let amount = e.depositAmount { out += " (this one \(amount) \(e.asset ?? "") base units)" }
            if let f = e.forwardTx {
                out += ", which forwarded \(e.forwardAmount ?? "?") to exchange \(e.exchange ?? "?") in \(f)"
                if let b = e.forwardBlock { out += " (block \(b))" }
            }
        default:
            if let v = e.toOutputValue {
                out += ": change output of \(Render.btc(v)) BTC back to the spender"
            }
        }
        return out
    }

    public static func explainText(_ x: ClusterExplanation) -> String {
        guard x.sameCluster else {
            return """
                \(x.a.address) is in cluster \(x.a.clusterAddress) (\(Render.count(x.a.size, "address", "addresses")))
                \(x.b.address) is in cluster \(x.b.clusterAddress) (\(Render.count(x.b.size, "address", "addresses")))
                not in one cluster: no recorded link joins them

                """
        }
        if x.length == 0 { return "\(x.a.address) and \(x.b.address) are the same address\n" }
        var out =
            "\(x.a.address) and \(x.b.address) are in cluster \(x.a.clusterAddress) (\(Render.count(x.a.size, "address", "addresses"))), joined by \(x.length) link\(x.length == 1 ? "" : "s"):\n"
        for (k, s) in x.steps.enumerated() { out += "  \(k + 1). \(stepText(s))\n" }
        return out
    }

    public static func explainJSON(_ x: ClusterExplanation) -> JSONValue {
        .object([
            ("a", .object(membershipJSON(x.a))), ("b", .object(membershipJSON(x.b))),
            ("same_cluster", .bool(x.sameCluster)), ("length", .int(x.length)),
            ("steps", .array(x.steps.map(stepJSON))),
        ])
    }

    // MARK: flows

    public static func flowsJSON(_ f: ClusterFlowReport, limit: Int) -> JSONValue {
        var fields = membershipJSON(f.membership)
        fields += [
            ("transactions", .int(f.transactions)), ("incomplete_transactions", .int(f.incomplete)),
            ("to_itself", .int(f.toItself)), ("mined", .int(f.mined)),
            (
                "counterparts",
                .array(
                    f.counterparts.prefix(limit).map { c in
                        .object([
                            ("cluster_id", .int(c.cluster)), ("cluster", .string(c.address)),
                            ("received", .int(c.received)), ("sent", .int(c.sent)),
                            ("transactions", .int(c.transactions)),
                        ])
                    })
            ),
            (
                "transfers",
                .array(
                    f.transfers.prefix(limit).map { t in
                        .object([
                            ("cluster_id", .int(Int64(t.flow.counterpart))),
                            ("cluster", .string(t.counterpart)),
                            ("asset", .string(t.flow.asset)),
                            ("received", .string(t.flow.incoming.decimalString)),
                            ("sent", .string(t.flow.outgoing.decimalString)),
                            ("transfers", .int(t.flow.transfers)),
                        ])
                    })
            ),
        ]
        return .object(fields)
    }

    public static func flowsText(_ f: ClusterFlowReport, limit: Int) -> String {
        let m = f.membership
        var out = "cluster   \(m.clusterAddress) (\(Render.count(m.size, "address", "addresses")))\n"
        out +=
            "  \(Render.count(f.transactions, "transaction")); value split among input clusters in proportion (haircut)"
        if f.incomplete > 0 { out += "; \(f.incomplete) left out (an input's value is unknown)" }
        out += "\n  to itself (change)  \(Render.btc(f.toItself)) BTC\n"
        if f.mined > 0 { out += "  mined (coinbases)   \(Render.btc(f.mined)) BTC\n" }
        if !f.counterparts.isEmpty {
            out += "  counterparts (by value)            received BTC        sent BTC   txs\n"
            for c in f.counterparts.prefix(limit) {
                out +=
                    "    \(c.address)\(String(repeating: " ", count: max(1, 35 - c.address.count)))\(pad(Render.btc(c.received), 15)) \(pad(Render.btc(c.sent), 15)) \(pad(String(c.transactions), 5))\n"
            }
            if f.counterparts.count > limit {
                out += "    … \(f.counterparts.count - limit) more (--limit)\n"
            }
        }
        for t in f.transfers.prefix(limit) {
            var a = AssetActivity(
                asset: t.flow.asset, chain: "", decimals: t.flow.decimals, received: t.flow.incoming,
                sent: t.flow.outgoing, transfers: 0)
            a.overflow = t.flow.overflow
            out +=
                "  \(t.counterpart): received \(Render.activityUnits(a, .received)), sent \(Render.activityUnits(a, .sent)) in \(Render.count(t.flow.transfers, "transfer"))\n"
        }
        return out
    }

    package static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : String(repeating: " ", count: n - s.count) + s
    }
}

extension ClusterRender {
    public static func runRecordJSON(_ r: ClusterRunRecord) -> JSONValue {
        .object([
            ("run_id", .int(r.runId)), ("mode", .string(r.mode)), ("heuristics", .string(r.heuristics)),
            ("parameters", .string(r.parameters)), ("max_height", .optional(r.coverage.maxHeight)),
            ("max_block_id", .int(r.coverage.maxBlockId)), ("main_blocks", .int(r.coverage.mainBlocks)),
            ("transactions", .int(r.transactions)), ("inputs", .int(r.inputs)), ("edges", .int(r.edges)),
            ("merges", .int(r.merges)), ("coinjoins_skipped", .int(r.coinJoins)),
            ("clusters", .int(r.clusters)),
            ("clustered_addresses", .int(r.clusteredAddresses)), ("largest_size", .int(r.largestSize)),
            ("super_cluster_warnings", .int(r.warnings)), ("finished_at", .string(r.finishedAt)),
        ])
    }

    public static func runRecordText(_ r: ClusterRunRecord) -> String {
        "run \(r.runId)  \(r.finishedAt)  \(r.mode)  \(r.heuristics)  height \(r.coverage.maxHeight.map(String.init) ?? "?")  "
            + "\(Render.grouped(r.transactions)) tx, \(Render.count(r.merges, "merge")), \(Render.count(r.coinJoins, "coinjoin")) skipped, "
            + "\(Render.count(r.clusters, "cluster")), largest \(Render.grouped(r.largestSize)), \(r.warnings) warnings\n"
    }
}
