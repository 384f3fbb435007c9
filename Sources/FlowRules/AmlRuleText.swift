public import FlowAnalysis
import FlowModel

extension AmlRuleFile {
    /// What each detector looks for, for the documented default rule file.
    static func summary(_ d: AmlTypology) -> [String] {
        switch d {
        case .fanIn:
            [
                "Many new senders pay one address within a window (AMLSim fan_in).",
                "Hubs and established counterparties (see settings) do not count.",
            ]
        case .fanOut: ["One address pays many new recipients within a window (AMLSim fan_out)."]
        case .scatterGather:
            [
                "One source pays several intermediaries, which each pass at least min-ratio of it on",
                "to one sink within the window (AMLSim scatter_gather).",
            ]
        case .gatherScatter:
            [
                "Several new senders pay one address, which passes at least min-ratio of it on to",
                "several new recipients within the window (AMLSim gather_scatter).",
            ]
        case .cycle:
            [
                "Value leaves an address and comes back through min-hops..max-hops transfers within the",
                "window, each hop keeping at least min-ratio (AMLSim cycle; round-tripping); time-order:",
                "in-order wants each hop after the one before it, any takes hops in any order (pre-funded",
                "round trips; AMLSim's cycles do not keep time order).",
            ]
        case .bipartite:
            [
                "A group of senders pays a group of recipients many-to-many (AMLSim bipartite):",
                "at least min-edges distinct pairs filling min-density of all pairs, within the window.",
            ]
        case .stack:
            [
                "Bipartite groups chained into layers, each layer paying the next (AMLSim stack)."
            ]
        case .randomWalk:
            [
                "Value forwarded along at least min-hops transfers between distinct addresses, each",
                "within max-dwell of the previous and keeping min-ratio (AMLSim random; layering chains).",
            ]
        case .structuring:
            [
                "At least min-count transfers into or out of one address within the window, each just",
                "under the reporting threshold: in [threshold x (1 - margin), threshold) (FATF red flag).",
            ]
        case .passThrough:
            [
                "Value from a new counterparty sent on within max-dwell, the outflow between min-ratio",
                "and max-ratio of the inflow (FATF red flag: rapid movement of funds).",
            ]
        case .velocity:
            [
                "A burst of at least min-count transfers within the window, with no activity for",
                "dormancy after it, or before it after earlier activity (FATF: dormant accounts).",
            ]
        case .exposure:
            [
                "Transfers with addresses tagged with one of the categories: direct (any amount), and",
                "value-following paths within max-hops (each hop within max-dwell, amounts within",
                "min-ratio of each other), exposing at least min-amount; indirect alerts get indirect-severity.",
            ]
        case .peelChain:
            [
                "Peel chains: Bitcoin, at least min-hops transactions each spending the previous one's",
                "change (1 input, 2 outputs), each peeling off at most max-peel of its input; accounts,",
                "at least min-hops addresses that each pass an amount on within max-dwell after peeling",
                "off at most max-peel of it to another address.",
            ]
        }
    }

    /// The default rule file, documented: `chainflow aml rules` prints it.
    public static var defaultText: String {
        let set = AmlRuleSet.standard
        var out = """
            # chainflow AML rules (version 1). Start from this file: edit values, set enabled: false,
            # or copy a rule under a new name with `detector:` to run it twice with other values.
            # Rules this file does not mention keep these defaults.
            #
            # Values: durations 45s, 90m, 24h, 3d, 2w; ratios 0.9 or 90%. Amounts are in the
            # reporting currency (settings: currency) for every asset with a price for the day
            # (`chainflow prices import`; an asset named like the currency is worth 1), and in the
            # asset's own units for an asset without prices (each run warns about those). One value
            # for every asset, or a map by asset symbol whose named entries are in that asset's units:
            #   min-amount: {default: 5000, ETH: 2, BTC: 0.1}
            # Severities: low, medium, high, critical (`aml run --fail-on` compares against them).
            version: 1

            settings:
              # The currency of amount thresholds and of alert values.
              currency: \(set.currency)
              # Addresses with at least this many distinct counterparties are hubs (exchanges,
              # merchants, payroll): never the subject of fan, structuring or velocity alerts, never
              # routed through by the value-following rules.
              hub-min-counterparties: \(set.hubMinCounterparties)
              # Addresses tagged with one of these categories are hubs whatever their degree.
              hub-categories: [\(set.hubCategories.joined(separator: ", "))]
              # Two addresses that transferred value at least this far apart have an established
              # relationship (a salary, rent, a regular shop): counting rules count new counterparties only.
              established-span: \(durationText(set.establishedSpan))
              # History loaded before --since for windows and relationships.
              lookback: \(durationText(set.lookback))

            rules:

            """
        for r in set.rules {
            out += "  # \(r.name): " + summary(r.detector).joined(separator: "\n  # ") + "\n"
            out += "  \(r.name):\n"
            out += "    enabled: \(r.enabled)\n"
            out += "    severity: \(r.severity.name)\n"
            for p in r.detector.parameters {
                out += "    \(p.rawValue): \(value(p, of: r))\n"
            }
            out += "\n"
        }
        return out
    }

    package static func value(_ p: AmlParameter, of r: AmlRule) -> String {
        switch p {
        case .window: durationText(r.window)
        case .maxDwell: durationText(r.maxDwell)
        case .dormancy: durationText(r.dormancy)
        case .minCounterparties: String(r.minCounterparties)
        case .minIntermediaries: String(r.minIntermediaries)
        case .minSenders: String(r.minSenders)
        case .minRecipients: String(r.minRecipients)
        case .minEdges: String(r.minEdges)
        case .minLayers: String(r.minLayers)
        case .minHops: String(r.minHops)
        case .maxHops: String(r.maxHops)
        case .minCount: String(r.minCount)
        case .minRatio: ratioText(r.minRatio)
        case .maxRatio: ratioText(r.maxRatio)
        case .minDensity: ratioText(r.minDensity)
        case .margin: ratioText(r.margin)
        case .maxPeel: ratioText(r.maxPeel)
        case .minAmount: amountText(r.minAmount)
        case .threshold: amountText(r.threshold)
        case .categories: "[" + r.categories.joined(separator: ", ") + "]"
        case .indirectSeverity: r.indirectSeverity.name
        case .timeOrder: r.inTimeOrder ? "in-order" : "any"
        case .maxChance: r.maxChance >= 1 ? "1" : String(format: "%g", r.maxChance)
        }
    }

    /// Each rule's signature: its detector, enabled flag, severity and every parameter, with the
    /// settings all rules share; two runs with equal signatures ran a rule the same way.
    public static func signatures(_ set: AmlRuleSet) -> [String: String] {
        let shared =
            "currency=\(set.currency);hubs=\(set.hubMinCounterparties);hub-categories=\(set.hubCategories.joined(separator: ","));established=\(set.establishedSpan);lookback=\(set.lookback)"
        var out: [String: String] = [:]
        for r in set.rules {
            var text = "\(r.detector.rawValue);\(r.enabled);\(r.severity.name)"
            for p in r.detector.parameters { text += ";\(p.rawValue)=\(value(p, of: r))" }
            out[r.name] = text + "|" + shared
        }
        return out
    }

    static func amountText(_ t: AmountThreshold) -> String {
        if t.perAsset.isEmpty, let d = t.defaultUnits { return d }
        var parts: [String] = []
        if let d = t.defaultUnits { parts.append("default: \(d)") }
        for k in t.perAsset.keys.sorted() { parts.append("\(k): \(t.perAsset[k]!)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}
