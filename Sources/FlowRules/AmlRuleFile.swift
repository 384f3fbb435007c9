public import FlowAnalysis
public import FlowModel
import Foundation
import Yams

/// A rule-file problem: file, line and column where known, the field and what was wrong.
public struct AmlRuleFileError: ChainflowError {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var field: String?
    public var message: String

    public var kind: String { "rule-file" }

    public var location: String? {
        var place = file
        if let line { place += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        return place
    }

    public var description: String {
        "\(location ?? file): \(field.map { "field '\($0)': " } ?? "")error: \(message)"
    }

    /// Bad input data.
    public var exitCode: Int32 { ExitStatus.dataError }
}

/// The YAML rule file of `chainflow aml run --rules`.
///
/// ```yaml
/// settings:                      # optional; shared by all rules
///   hub-min-counterparties: 60
///   hub-categories: [exchange, merchant, payroll]
///   established-span: 20d
///   lookback: 90d
/// rules:
///   fan-in:                      # a default rule: the fields given replace its defaults
///     min-counterparties: 8
///     min-amount: {default: 5000, ETH: 2}
///   velocity:
///     enabled: false
///   fan-in-large:                # a new rule: name it and give its detector
///     detector: fan-in
///     severity: high
///     min-counterparties: 20
/// ```
/// Rules the file does not mention keep their defaults. Durations take s, m, h, d, w; ratios
/// 0.9 or 90%; amounts are in asset units (decimals applied per asset).
public enum AmlRuleFile {
    /// Reads and checks a rule file; errors name the file, line, column and field.
    public static func load(path: String) throws -> AmlRuleSet {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw AmlRuleFileError(
                file: path,
                message:
                    "cannot read the rule file: \(FileProblem.describe(error, path: path, writing: false))")
        }
        return try parse(text, file: path)
    }

    /// Parses rule-file text (`file` names it in errors) on top of the default rule set.
    public static func parse(_ text: String, file: String) throws -> AmlRuleSet {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw tabIndentation(text, file: file) ?? yamlError(error, file: file)
        }
        var set = AmlRuleSet.standard
        guard let root else { return set }
        guard let top = root.mapping else {
            throw fail(file, root, nil, "a rule file is a mapping with 'settings' and 'rules'")
        }
        for (key, value) in top {
            switch key.string ?? "" {
            case "version":
                guard value.string == "1" else {
                    throw fail(file, value, "version", "only version 1 is known")
                }
            case "settings":
                try settings(value, into: &set, file: file)
            case "rules":
                guard let rules = value.mapping else {
                    throw fail(file, value, "rules", "expected a mapping of rule names to their fields")
                }
                for (name, body) in rules {
                    try rule(name, body, into: &set, file: file)
                }
            default:
                throw fail(
                    file, key, key.string, "unknown key; a rule file has 'version', 'settings' and 'rules'")
            }
        }
        return set
    }

    static func settings(_ node: Node, into set: inout AmlRuleSet, file: String) throws {
        guard let map = node.mapping else { throw fail(file, node, "settings", "expected a mapping") }
        for (key, value) in map {
            let field = key.string ?? ""
            switch field {
            case "hub-min-counterparties": set.hubMinCounterparties = try count(value, field, file)
            case "hub-categories": set.hubCategories = try list(value, field, file)
            case "established-span": set.establishedSpan = try duration(value, field, file)
            case "lookback": set.lookback = try duration(value, field, file)
            case "currency":
                guard let c = value.string, !c.isEmpty, c.count <= 12,
                    c.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
                else {
                    throw fail(file, value, field, "expected a currency code such as USD or EUR")
                }
                set.currency = c.uppercased()
            default:
                throw fail(
                    file, key, field,
                    "unknown setting; settings are currency, hub-min-counterparties, hub-categories, established-span, lookback"
                )
            }
        }
    }

    static func rule(_ nameNode: Node, _ body: Node, into set: inout AmlRuleSet, file: String) throws {
        guard let name = nameNode.string, !name.isEmpty else {
            throw fail(file, nameNode, nil, "a rule name must be text")
        }
        guard let map = body.mapping else {
            throw fail(file, body, name, "rule '\(name)': expected a mapping of its fields")
        }
        var detectorNode: Node?
        for (key, value) in map where key.string == "detector" { detectorNode = value }
        var index = set.rules.firstIndex { $0.name == name }
        if let node = detectorNode {
            guard let d = node.string.flatMap(AmlTypology.init(rawValue:)) else {
                throw fail(
                    file, node, "detector",
                    "rule '\(name)': unknown detector '\(node.string ?? "")'; known: \(AmlTypology.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            if let i = index, set.rules[i].detector != d {
                throw fail(
                    file, node, "detector",
                    "rule '\(name)' is a default \(set.rules[i].detector.rawValue) rule; give a new rule another name"
                )
            }
            if index == nil {
                let template = AmlRuleSet.standard.rules.first { $0.detector == d }!
                var r = template
                r.name = name
                set.rules.append(r)
                index = set.rules.count - 1
            }
        }
        guard let i = index else {
            throw fail(
                file, nameNode, nil,
                "unknown rule '\(name)'; the default rules are \(set.rules.map(\.name).joined(separator: ", ")), or give 'detector:' to add one"
            )
        }
        var r = set.rules[i]
        let allowed = Set(r.detector.parameters.map(\.rawValue))
        for (key, value) in map {
            let field = key.string ?? ""
            switch field {
            case "detector": continue
            case "enabled":
                guard let b = value.bool else {
                    throw fail(
                        file, value, field, "rule '\(name)': expected true or false, got '\(short(value))'")
                }
                r.enabled = b
            case "severity":
                do {
                    r.severity = try severity(value, field, file)
                } catch var e as AmlRuleFileError {
                    e.message = "rule '\(name)': " + e.message
                    throw e
                }
            default:
                guard let p = AmlParameter(rawValue: field), allowed.contains(field) else {
                    throw fail(
                        file, key, field,
                        "rule '\(name)': not a parameter of \(r.detector.rawValue); it takes enabled, severity, \(r.detector.parameters.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                try assign(p, value, on: &r, file: file, rule: name)
            }
        }
        var nodes: [String: Node] = [:]
        for (key, value) in map { if let k = key.string { nodes[k] = value } }
        func check(_ ok: Bool, _ field: String, _ message: String) throws {
            guard ok else { throw fail(file, nodes[field] ?? body, field, "rule '\(name)': \(message)") }
        }
        if r.detector == .cycle {
            try check(
                r.minHops <= r.maxHops, "min-hops", "min-hops (\(r.minHops)) is above max-hops (\(r.maxHops))"
            )
        }
        if r.detector == .passThrough {
            try check(r.minRatio <= r.maxRatio, "min-ratio", "min-ratio is above max-ratio")
        }
        try check(r.margin < 10_000, "margin", "margin must be below 1 (100%)")
        try check(r.minDensity <= 10_000, "min-density", "min-density is at most 1 (100%)")
        try check(r.maxPeel <= 10_000, "max-peel", "max-peel is at most 1 (100%)")
        if [.cycle, .randomWalk, .scatterGather, .gatherScatter, .exposure].contains(r.detector) {
            try check(
                r.minRatio <= 10_000, "min-ratio", "min-ratio is at most 1 (value cannot grow along a path)")
        }
        set.rules[i] = r
    }

    static func assign(_ p: AmlParameter, _ v: Node, on r: inout AmlRule, file: String, rule: String) throws {
        let f = p.rawValue
        do {
            switch p {
            case .window: r.window = try duration(v, f, file)
            case .maxDwell: r.maxDwell = try duration(v, f, file)
            case .dormancy: r.dormancy = try duration(v, f, file)
            case .minCounterparties: r.minCounterparties = try count(v, f, file)
            case .minIntermediaries: r.minIntermediaries = try count(v, f, file)
            case .minSenders: r.minSenders = try count(v, f, file)
            case .minRecipients: r.minRecipients = try count(v, f, file)
            case .minEdges: r.minEdges = try count(v, f, file)
            case .minLayers: r.minLayers = try count(v, f, file)
            case .minHops: r.minHops = try count(v, f, file)
            case .maxHops: r.maxHops = try count(v, f, file)
            case .minCount: r.minCount = try count(v, f, file)
            case .minRatio: r.minRatio = try ratio(v, f, file)
            case .maxRatio: r.maxRatio = try ratio(v, f, file)
            case .minDensity: r.minDensity = try ratio(v, f, file)
            case .margin: r.margin = try ratio(v, f, file)
            case .maxPeel: r.maxPeel = try ratio(v, f, file)
            case .minAmount: r.minAmount = try amount(v, f, file)
            case .threshold: r.threshold = try amount(v, f, file)
            case .categories: r.categories = try list(v, f, file)
            case .indirectSeverity: r.indirectSeverity = try severity(v, f, file)
            case .maxChance:
                guard let t = v.string, let p = chance(t) else { throw bad(v, f, file, .maxChance) }
                r.maxChance = p
            case .timeOrder:
                switch v.string {
                case "in-order": r.inTimeOrder = true
                case "any": r.inTimeOrder = false
                default: throw bad(v, f, file, .timeOrder)
                }
            }
        } catch var e as AmlRuleFileError {
            e.message = "rule '\(rule)': " + e.message
            throw e
        }
    }

    // MARK: values

    static func short(_ node: Node) -> String {
        let s = node.string ?? "(\(node.mapping != nil ? "a mapping" : "a list"))"
        return s.count > 40 ? String(s.prefix(40)) + "…" : s
    }

    static func bad(
        _ node: Node, _ field: String, _ file: String, _ p: AmlParameter?, _ expected: String? = nil
    )
        -> AmlRuleFileError
    {
        fail(
            file, node, field, "bad value '\(short(node))': expected \(expected ?? p?.expected ?? "a value")")
    }

    /// A probability: 1e-6, 0.000001 or 0.0001%; in (0, 1].
    static func chance(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let percent = t.hasSuffix("%")
        guard let v = Double(percent ? String(t.dropLast()) : t), v.isFinite else { return nil }
        let p = percent ? v / 100 : v
        return p > 0 && p <= 1 ? p : nil
    }

    static func count(_ node: Node, _ field: String, _ file: String) throws -> Int {
        guard let s = node.string, let v = Int(s), v > 0, v <= 1_000_000 else {
            throw bad(node, field, file, nil, "a positive whole number")
        }
        return v
    }

    static func duration(_ node: Node, _ field: String, _ file: String) throws -> Int64 {
        guard let s = node.string, let v = parseDuration(s) else {
            throw bad(node, field, file, .window)
        }
        return v
    }

    /// "90m", "24h", "3d", "2w", "45s" -> seconds.
    public static func parseDuration(_ s: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        guard let unit = s.last, let scale = units[unit], let n = Int64(s.dropLast()), n > 0, n < 100_000
        else {
            return nil
        }
        return n * scale
    }

    /// Seconds as the largest whole unit ("3d", "36h").
    public static func durationText(_ seconds: Int64) -> String {
        for (unit, scale) in [("w", Int64(604_800)), ("d", 86_400), ("h", 3_600), ("m", 60)]
        where seconds % scale == 0 {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }

    static func ratio(_ node: Node, _ field: String, _ file: String) throws -> Int {
        guard let s = node.string, let v = parseRatio(s) else { throw bad(node, field, file, .minRatio) }
        return v
    }

    /// "0.9" or "90%" -> 9000 permyriad; at most 4 decimals of a unit, up to 100 (10000%).
    public static func parseRatio(_ s: String) -> Int? {
        var text = Substring(s)
        var scale = 4
        if text.hasSuffix("%") {
            text = text.dropLast()
            scale = 2
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        // At most 100 (10000%): checked before scaling, so that no whole part overflows.
        guard parts.count <= 2, let whole = Int(parts[0]), whole >= 0, whole <= (scale == 4 ? 100 : 10_000)
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= scale, fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber) else {
            return nil
        }
        fraction += String(repeating: "0", count: scale - fraction.count)
        let v = whole * (scale == 4 ? 10_000 : 100) + (Int(fraction) ?? 0)
        return v <= 1_000_000 ? v : nil
    }

    /// Permyriad as the shortest ratio text ("0.9", "1.1", "0.05").
    public static func ratioText(_ p: Int) -> String {
        let whole = p / 10_000
        var fraction = String(p % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)" : "\(whole).\(fraction)"
    }

    static func amount(_ node: Node, _ field: String, _ file: String) throws -> AmountThreshold {
        func units(_ n: Node) throws -> String {
            guard let s = n.string, isDecimal(s) else { throw bad(n, field, file, .minAmount) }
            return s
        }
        if let map = node.mapping {
            var t = AmountThreshold(nil)
            for (key, value) in map {
                guard let symbol = key.string, !symbol.isEmpty else {
                    throw bad(key, field, file, .minAmount)
                }
                if symbol == "default" {
                    t.defaultUnits = try units(value)
                } else {
                    t.perAsset[symbol] = try units(value)
                }
            }
            return t
        }
        return AmountThreshold(try units(node))
    }

    static func isDecimal(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty else { return false }
        return parts.allSatisfy { $0.allSatisfy { $0 >= "0" && $0 <= "9" } } && s.count <= 80
    }

    static func list(_ node: Node, _ field: String, _ file: String) throws -> [String] {
        guard let seq = node.sequence else { throw bad(node, field, file, .categories) }
        return try seq.map { item in
            guard let s = item.string, !s.isEmpty else { throw bad(item, field, file, .categories) }
            return s
        }
    }

    static func severity(_ node: Node, _ field: String, _ file: String) throws -> AmlSeverity {
        guard let s = node.string, let v = AmlSeverity(name: s) else {
            throw bad(node, field, file, .indirectSeverity)
        }
        return v
    }

    static func fail(_ file: String, _ node: Node, _ field: String?, _ message: String) -> AmlRuleFileError {
        AmlRuleFileError(
            file: file, line: node.mark?.line, column: node.mark?.column, field: field, message: message)
    }

    /// The first line indented with a tab, as a plain error: YAML indents with spaces only, and
    /// Yams would say "found character that cannot start any token".
    static func tabIndentation(_ text: String, file: String) -> AmlRuleFileError? {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix { $0 == " " || $0 == "\t" }
            guard let tab = indent.firstIndex(of: "\t") else { continue }
            return AmlRuleFileError(
                file: file, line: i + 1, column: line.distance(from: line.startIndex, to: tab) + 1,
                message:
                    "a tab in the indentation: YAML indents with spaces only; replace each tab with spaces (e.g. two per level)"
            )
        }
        return nil
    }

    static func yamlError(_ error: YamlError, file: String) -> AmlRuleFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return AmlRuleFileError(
                file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return AmlRuleFileError(
                file: file, line: context.mark.line, column: context.mark.column,
                message:
                    "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.map { "'\($0)'" }.joined(separator: ", "))"
            )
        default:
            return AmlRuleFileError(file: file, message: "not valid YAML: \(error)")
        }
    }
}
