import FlowModel
import Foundation

/// Ground truth for `chainflow aml evaluate`: laundering instances (a typology, its member
/// accounts and, where the file says, its transactions) and laundering accounts.
///
/// Read from any of the files that carry it, told apart by their header (CRLF, a byte-order mark
/// and quoted fields are fine):
/// - chainflow's `labels.csv` (`instance_id,typology,members,transactions`, lists `;`-separated),
///   written by `generate ledger` and `generate bitcoin --peel-chains`;
/// - AMLSim's `alert_transactions.csv` (`alert_id`, `alert_type`, `tran_id`, `orig_acct`,
///   `bene_acct`, optionally `is_sar`): instances with their transactions;
/// - AMLSim's `alert_accounts.csv` and `sar_accounts.csv` (an alert id, an account id, optionally
///   a typology and `is_sar`): instances by their members;
/// - IBM AMLSim's sample `nodes.csv` (`nodeid,isFraud,…`): laundering accounts only.
public struct AmlLabelFile: Sendable {
    /// Which file it was.
    public enum Kind: String, Sendable {
        case chainflow = "chainflow labels.csv"
        case alertTransactions = "AMLSim alert_transactions.csv"
        case alertAccounts = "AMLSim alert accounts"
        case nodes = "AMLSim nodes.csv (account labels)"
        case reviews = "alert reviews (closed-true alerts)"
    }

    /// One laundering instance.
    public struct Instance: Sendable, Equatable {
        public var id: String
        /// A chainflow typology (`fan-in`, `cycle`, `random-walk`, …).
        public var typology: String
        public var members: [String]
        /// Transaction ids (`tran_id`s, txids in lower case); empty when the file names members only.
        public var transactions: [String]

        public init(id: String, typology: String, members: [String], transactions: [String]) {
            self.id = id
            self.typology = typology
            self.members = members
            self.transactions = transactions
        }
    }

    public init(kind: Kind, instances: [Instance], accounts: Set<String>) {
        self.kind = kind
        self.instances = instances
        self.accounts = accounts
    }

    public var kind: Kind
    /// Instances in file order (empty for account labels).
    public var instances: [Instance]
    /// Every laundering account: the members of all instances, or the accounts the file flags.
    public var accounts: Set<String>

    /// AMLSim's typology names (`fan_in`, `scatter_gather`, `random`, …, any case, `-`, `_` or
    /// space) as chainflow detector names; nil when there is no such detector.
    public static func typology(_ name: String) -> String? {
        let t = name.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
        switch t {
        case "fan-in", "fanin": return "fan-in"
        case "fan-out", "fanout": return "fan-out"
        case "cycle", "cycles", "round-trip": return "cycle"
        case "bipartite": return "bipartite"
        case "stack": return "stack"
        case "random", "random-walk": return "random-walk"
        case "scatter-gather": return "scatter-gather"
        case "gather-scatter": return "gather-scatter"
        case "structuring", "smurfing": return "structuring"
        case "pass-through", "rapid-movement": return "pass-through"
        case "velocity", "dormant": return "velocity"
        case "exposure": return "exposure"
        case "peel-chain": return "peel-chain"
        default: return nil
        }
    }

    /// Reads a labels file; a file it cannot use (unreadable, empty, a header it does not know,
    /// no labels, a typology it cannot map, a bad line) is an error naming the file and line.
    public static func read(path: String) throws -> AmlLabelFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw IngestError(.missingFile, "no such labels file", file: path)
        }
        if isDirectory.boolValue {
            throw IngestError(
                .badValue,
                "is a directory; give its labels file (labels.csv, alert_transactions.csv, alert_accounts.csv, sar_accounts.csv or nodes.csv)",
                file: path)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(.io, "cannot read the labels file", file: path)
        }
        return try data.withUnsafeBytes { bytes in
            try parse(bytes, file: path)
        }
    }

    /// Parses labels-file bytes (`file` names it in errors).
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws(IngestError)
        -> AmlLabelFile
    {
        var reader = CSVReader(bytes: bytes)
        var fields: [CSVField] = []
        func strings() -> [String] {
            fields.map { (reader.string($0) ?? reader.lossyString($0)).trimmingCharacters(in: .whitespaces) }
        }
        func next() throws(IngestError) -> [String]? {
            do {
                guard try reader.next(into: &fields) else { return nil }
            } catch {
                throw IngestError(
                    .badValue, error.message, file: file, line: error.line, column: error.column)
            }
            return strings()
        }
        guard let header = try next() else {
            throw IngestError(
                .truncated, "empty labels file: expected a CSV header line", file: file, line: 1)
        }
        let names = header.map { $0.lowercased() }
        func column(_ candidates: String...) -> Int? {
            for c in candidates { if let i = names.firstIndex(of: c) { return i } }
            return nil
        }
        let known =
            "a labels file: chainflow's labels.csv (instance_id,typology,members,transactions), AMLSim's alert_transactions.csv, alert_accounts.csv, sar_accounts.csv or IBM's nodes.csv (nodeid,isFraud)"
        var rows: [(line: Int, fields: [String])] = []
        while let r = try next() {
            if r.allSatisfy(\.isEmpty) { continue }
            guard r.count == header.count else {
                throw IngestError(
                    .badValue, "expected \(header.count) columns (as in the header), found \(r.count)",
                    file: file,
                    line: reader.recordLine)
            }
            rows.append((reader.recordLine, r))
        }
        func fail(_ line: Int, _ column: Int?, _ message: String) -> IngestError {
            IngestError(
                .badValue, message, file: file, line: line, column: column.map { $0 + 1 },
                field: column.map { header[$0] })
        }
        func flag(_ text: String) -> Bool? {
            switch text.lowercased() {
            case "1", "true", "t", "yes", "y": true
            case "0", "false", "f", "no", "n", "": false
            default: nil
            }
        }
        func mapped(_ text: String, _ line: Int, _ c: Int) throws(IngestError) -> String {
            guard let t = typology(text) else {
                throw fail(
                    line, c,
                    "typology \(quoted(text)) has no chainflow rule (known: fan_in, fan_out, cycle, bipartite, stack, random, scatter_gather, gather_scatter, and chainflow's rule names)"
                )
            }
            return t
        }

        var result: AmlLabelFile
        if names == ["instance_id", "typology", "members", "transactions"] {
            result = AmlLabelFile(kind: .chainflow, instances: [], accounts: [])
            for (line, r) in rows {
                guard !r[0].isEmpty else { throw fail(line, 0, "empty instance id") }
                let txs = try r[3].split(separator: ";").map { (t) throws(IngestError) -> String in
                    // A ledger tran_id (digits) or a txid / transaction hash (64 hex digits, 0x optional).
                    let hex = t.hasPrefix("0x") || t.hasPrefix("0X") ? t.dropFirst(2) : t[...]
                    guard t.allSatisfy(\.isNumber) || (hex.count == 64 && hex.allSatisfy(\.isHexDigit)) else {
                        throw fail(line, 3, "not a transaction id or txid: \(quoted(String(t.prefix(30))))")
                    }
                    return t.lowercased()
                }
                result.instances.append(
                    Instance(
                        id: r[0], typology: try mapped(r[1], line, 1),
                        members: r[2].split(separator: ";").map(String.init), transactions: txs))
            }
        } else if let alert = column("alert_id", "alertid", "alert_key"),
            let tx = column("tran_id", "tranno"),
            let orig = column("orig_acct", "byorderacct"), let bene = column("bene_acct", "beneacct")
        {
            result = AmlLabelFile(kind: .alertTransactions, instances: [], accounts: [])
            let type = column("alert_type", "reason")
            let sar = column("is_sar", "is_fraud")
            var index: [String: Int] = [:]
            for (line, r) in rows {
                if let sar {
                    guard let f = flag(r[sar]) else { throw fail(line, sar, "not a flag: \(quoted(r[sar]))") }
                    if !f { continue }
                }
                guard !r[alert].isEmpty else { throw fail(line, alert, "empty alert id") }
                guard !r[tx].isEmpty else { throw fail(line, tx, "empty transaction id") }
                let t = try type.map { (c) throws(IngestError) in try mapped(r[c], line, c) } ?? "unknown"
                let k: Int
                if let found = index[r[alert]] {
                    k = found
                    guard result.instances[k].typology == t else {
                        throw fail(
                            line, type,
                            "alert \(quoted(r[alert])) is \(result.instances[k].typology) on an earlier line")
                    }
                } else {
                    k = result.instances.count
                    index[r[alert]] = k
                    result.instances.append(
                        Instance(id: r[alert], typology: t, members: [], transactions: []))
                }
                result.instances[k].transactions.append(r[tx])
                for a in [r[orig], r[bene]] where !a.isEmpty && !result.instances[k].members.contains(a) {
                    result.instances[k].members.append(a)
                }
            }
        } else if let alert = column("alert_id", "alertid", "alert_key"),
            let account = column("acct_id", "account_id", "accountid", "account")
        {
            result = AmlLabelFile(kind: .alertAccounts, instances: [], accounts: [])
            let type = column("alert_type", "reason", "alert_text")
            let sar = column("is_sar", "is_fraud")
            var index: [String: Int] = [:]
            for (line, r) in rows {
                if let sar {
                    guard let f = flag(r[sar]) else { throw fail(line, sar, "not a flag: \(quoted(r[sar]))") }
                    if !f { continue }
                }
                guard !r[account].isEmpty else { throw fail(line, account, "empty account id") }
                let t = try type.map { (c) throws(IngestError) in try mapped(r[c], line, c) } ?? "unknown"
                let k: Int
                if let found = index[r[alert]] {
                    k = found
                } else {
                    k = result.instances.count
                    index[r[alert]] = k
                    result.instances.append(
                        Instance(id: r[alert], typology: t, members: [], transactions: []))
                }
                if !result.instances[k].members.contains(r[account]) {
                    result.instances[k].members.append(r[account])
                }
            }
        } else if let node = column("nodeid", "node_id", "acct_id", "account_id", "account"),
            let fraud = column("isfraud", "is_fraud", "is_sar", "is_laundering")
        {
            result = AmlLabelFile(kind: .nodes, instances: [], accounts: [])
            for (line, r) in rows {
                guard let f = flag(r[fraud]) else {
                    throw fail(line, fraud, "not a flag: \(quoted(r[fraud]))")
                }
                guard !r[node].isEmpty else { throw fail(line, node, "empty account id") }
                if f { result.accounts.insert(r[node]) }
            }
        } else {
            throw IngestError(
                .unknownFormat,
                "header \(quoted(header.joined(separator: ","))) is not \(known)", file: file, line: 1)
        }
        for i in result.instances { result.accounts.formUnion(i.members) }
        if result.instances.isEmpty && result.accounts.isEmpty {
            throw IngestError(
                .badValue,
                rows.isEmpty
                    ? "no labels: the file has a header and no rows"
                    : "no labels: none of its \(rows.count) rows marks laundering (all flags false)",
                file: file, line: rows.last?.line ?? 1)
        }
        return result
    }
}
