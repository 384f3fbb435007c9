public import FlowAnalysis
import FlowIngest
public import FlowModel
import FlowPostgres
public import FlowReport
import FlowRules
import FlowSim
public import FlowStore
import Foundation

// What the commands ask of a case database, one use case each. The work is done by the FlowKit
// use cases (`TagImport`, `Clustering`, `AmlRun`, …); these give the command line one door to
// them that does not expose the store.

// MARK: Tags

extension CaseDatabase {
    public func importTags(file: String, options: TagImportOptions) throws -> TagImportReport {
        try TagImport.run(store: store, path: file, options: options)
    }

    /// `tags import FILE…`: every file read before anything is stored.
    public func importTags(files: [String], options: TagImportOptions) throws -> [TagImportReport] {
        try TagImport.run(store: store, paths: files, options: options)
    }

    /// Tag counts by category and source.
    public func tagSummary() throws(StoreError) -> [(category: String, source: String, count: Int)] {
        try store.tagSummary()
    }
}

// MARK: Prices

/// What one price file added to the database.
public struct PriceImportReport: Sendable {
    public var file: String
    public var kind: String
    public var prices: Int
    public var added: Int
    public var replaced: Int
    public var assets: [String]
    /// First and last day as Unix days.
    public var firstDay: Int64
    public var lastDay: Int64

    private static func day(_ d: Int64) -> String { String(Render.isoTime(d * 86_400).prefix(10)) }

    public var text: String {
        "\(file) (\(kind)): \(prices) prices, \(added) added, \(replaced) replaced; assets \(assets.joined(separator: ", ")); \(Self.day(firstDay)) to \(Self.day(lastDay))"
    }

    public var json: JSONValue {
        .object([
            ("file", .string(file)), ("kind", .string(kind)), ("prices", .int(Int64(prices))),
            ("added", .int(Int64(added))), ("replaced", .int(Int64(replaced))),
            ("assets", .array(assets.map { .string($0) })), ("first_day", .string(Self.day(firstDay))),
            ("last_day", .string(Self.day(lastDay))),
        ])
    }
}

extension CaseDatabase {
    /// Reads a price file (generic `date,asset,price` CSV or a CoinGecko export) and stores its
    /// prices; a price for the same asset, currency and day replaces the stored one.
    public func importPrices(file: String, asset: String?, currency: String) throws -> PriceImportReport {
        let parsed = try PriceFile.read(path: file, asset: asset, currency: currency.uppercased())
        let rows = parsed.prices.map {
            PriceRow(asset: $0.asset, currency: $0.currency, day: $0.day, price: $0.price)
        }
        let (added, replaced) = try store.storePrices(rows, source: (file as NSString).lastPathComponent)
        let days = rows.map(\.day)
        return PriceImportReport(
            file: file, kind: parsed.kind.rawValue, prices: rows.count, added: added, replaced: replaced,
            assets: Set(rows.map(\.asset)).sorted(), firstDay: days.min() ?? 0, lastDay: days.max() ?? 0)
    }

    /// The stored price series: asset, currency, number of days, first and last day (Unix days).
    public func priceSummary() throws(StoreError) -> [(
        asset: String, currency: String, days: Int, first: Int64, last: Int64
    )] {
        try store.priceSummary()
    }
}

// MARK: Addresses

extension CaseDatabase {
    /// The short profile of an address as typed or pasted (`AddressText.normalized`); an address
    /// with a bad Bitcoin checksum is a usage error, one the database does not hold not-found.
    public func addressProfile(_ text: String) throws -> AddressProfile {
        let address = AddressText.normalized(text)
        guard let profile = try AddressProfile.load(store: store, address: address) else {
            throw addressNotFound(address)
        }
        return profile
    }

    /// The full address report (`--format md|json|csv|html`), `counterparties` per asset.
    public func addressReport(_ text: String, counterparties: Int) throws -> AddressReport {
        let address = AddressText.normalized(text)
        guard
            let report = try AddressReport.load(
                store: store, address: address, counterparties: counterparties)
        else { throw addressNotFound(address) }
        return report
    }

    func addressNotFound(_ address: String) -> any ChainflowError {
        if let problem = AddressText.problem(address) { return UsageError(problem, command: "address") }
        return StoreError(
            .notFound, "address '\(address.prefix(90))' does not occur in this database (graph or tags)",
            path: location)
    }
}

// MARK: Clustering

extension CaseDatabase {
    public func clusterRun(_ options: ClusterOptions) throws -> ClusterRunReport {
        try Clustering.run(store: store, options: options)
    }

    /// The cluster report of `address` (members, tags, totals, flows between clusters).
    public func clusterReport(address: String, members: Int, flows: Int) throws(StoreError) -> ClusterReport {
        guard let r = try ClusterReport.load(store: store, address: address, members: members, flows: flows)
        else {
            throw unknownAddress(address)
        }
        return r
    }

    public func clusterShow(address: String, limit: Int, offset: Int) throws(StoreError) -> ClusterProfile {
        guard let p = try ClusterView.show(store: store, address: address, limit: limit, offset: offset)
        else {
            throw unknownAddress(address)
        }
        return p
    }

    public func clusterExplain(_ a: String, _ b: String) throws(StoreError) -> ClusterExplanation {
        try ClusterView.explain(store: store, a: a, b: b)
    }

    public func clusterFlows(address: String, transactions: Int) throws(StoreError) -> ClusterFlowReport {
        guard let f = try ClusterView.flows(store: store, address: address, limit: transactions) else {
            throw unknownAddress(address)
        }
        return f
    }

    /// The recorded clustering runs, newest first (none before the first `cluster run`).
    public func clusterRuns() throws(StoreError) -> [ClusterRunRecord] {
        try store.hasClusterRun() ? try store.clusterRuns() : []
    }
}

// MARK: AML

/// The rules of an AML run: a rule file, or the built-in rules.
public struct AmlRules: Sendable {
    public var set: AmlRuleSet
    /// The rule file's text, or "default", recorded with the run.
    public var source: String

    /// The rule file at `path`, or the built-in rules when `path` is nil.
    public static func load(_ path: String?) throws -> AmlRules {
        guard let path else { return AmlRules(set: .standard, source: "default") }
        let set = try AmlRuleFile.load(path: path)
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? path
        return AmlRules(set: set, source: text)
    }

    /// The documented default rule file, to start a rule file from (`aml rules`).
    public static var defaultText: String { AmlRuleFile.defaultText }

    /// `FILE: ok: N rules enabled; disabled: …`, what `aml rules --check` prints.
    public func checkText(file: String) -> String {
        let off = set.rules.filter { !$0.enabled }.map(\.name)
        return "\(file): ok: \(set.rules.count - off.count) rules enabled"
            + (off.isEmpty ? "" : "; disabled: \(off.joined(separator: ", "))")
    }
}

extension CaseDatabase {
    public func amlRun(
        _ options: AmlRunOptions, progress: ((String) -> Void)? = nil,
        deliver: ((AmlRunResult) throws -> Void)? = nil
    ) throws -> AmlRunResult {
        if let p = options.partition {
            guard case .postgres(let server) = backend else {
                throw UsageError(
                    "--partition needs a PostgreSQL database (--db postgresql://…): partitions are run by processes sharing one server",
                    command: "aml run")
            }
            server.amlPartition = options.store ? (p.k, p.n) : nil
        }
        return try AmlRun.run(store: reader, options: options, progress: progress, deliver: deliver)
    }

    /// The tag categories of the alerts' subjects, for the HTML report's colours.
    public func tagCategories(of alerts: [AmlAlertDocument]) throws -> [String: [String]] {
        try AmlRun.tagCategories(store: reader, alerts: alerts)
    }

    public func amlEvaluate(labels: String, rules: AmlRules, threads: Int?, since: Int64?, until: Int64?)
        throws -> AmlEvaluation
    {
        try AmlEvaluate.run(
            store: store, labelsPath: labels, rules: rules.set, threads: threads, since: since, until: until)
    }

    public func amlTune(
        labels: String, base: AmlRules, objective: AmlTune.Objective, until: Int64?, threads: Int?,
        progress: ((String) -> Void)? = nil
    ) throws -> AmlTune.Report {
        try AmlTune.run(
            store: store, labelsPath: labels, base: base.set, objective: objective, until: until,
            threads: threads, progress: progress)
    }

    /// The statuses an alert review can set.
    public static var reviewStatuses: [String] { GraphStore.reviewStatuses }

    /// Appends a review to the alert whose id is `alert` or starts with it; returns the alert's
    /// full id and its history, oldest first.
    public func review(alert: String, status: String, note: String, reviewer: String, at: String)
        throws(StoreError) -> (fingerprint: String, history: [AlertReview])
    {
        try store.review(alert: alert, status: status, note: note, reviewer: reviewer, at: at)
    }
}

// MARK: Synthetic data

/// `chainflow generate`: a synthetic Bitcoin chain or an account ledger with planted typologies.
public enum Generate {
    /// The typologies a ledger can plant, by name.
    public static var typologyNames: [String] { AmlTypology.ledger.map(\.rawValue) }

    /// Writes blk files of `transactions` transactions to `out` (and labels.csv for planted peel
    /// chains); returns the lines to print.
    public static func bitcoin(
        transactions: Int, seed: UInt64, network: Network, peelChains: Int, out: String
    ) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw GeneratorError(
                .io,
                "cannot create the output folder: \(FileProblem.describe(error, path: out, writing: true))",
                path: out)
        }
        var options = ChainGeneratorOptions(transactions: transactions, seed: seed)
        options.network = network
        options.peelChains = peelChains
        let summary = try ChainGenerator.write(options: options, to: out)
        var text =
            "wrote \(Render.count(summary.files.count, "file")), \(Render.count(summary.blocks, "block")), \(Render.count(summary.transactions, "transaction")), \(summary.bytes) bytes to \(out)\n"
        if let planted = summary.peelChains {
            text += "planted \(planted) peel chains, listed in \(out)/\(ChainGenerator.labelsFileName)\n"
        }
        return text
    }

    /// The typologies `text` names: `all`, `none` or a comma-separated list.
    public static func typologies(_ text: String) throws(UsageError) -> [String] {
        if text == "all" { return typologyNames }
        if text == "none" { return [] }
        return try text.split(separator: ",").map { (name) throws(UsageError) -> String in
            if AmlTypology(rawValue: String(name)) == .peelChain {
                throw UsageError(
                    "--typologies: peel chains live on UTXO chains; plant them with 'chainflow generate bitcoin --peel-chains N'",
                    command: "generate")
            }
            guard AmlTypology(rawValue: String(name)) != nil else {
                throw UsageError(
                    "--typologies: unknown typology '\(name.prefix(30))'; known: all, \(typologyNames.joined(separator: ", "))",
                    command: "generate")
            }
            return String(name)
        }
    }

    /// Writes a ledger with planted typologies to `out` and, with `ingest`, creates
    /// `out/ledger.db` from it; returns the line to print.
    public static func ledger(
        accounts: Int, days: Int, typologies: String, instances: Int?, seed: UInt64, out: String, ingest: Bool
    ) throws -> String {
        let kinds = try Self.typologies(typologies).compactMap(AmlTypology.init(rawValue:))
        let options = LedgerOptions(
            accounts: accounts, days: days, typologies: kinds, instancesPerTypology: instances, seed: seed)
        let report = try AmlLedger.generate(options: options, directory: out, ingest: ingest)
        let s = report.summary
        return
            "wrote \(Render.count(s.transfers, "transfer")) between \(s.accounts) accounts (\(s.instances) planted instances, \(s.planted) planted transfers) to \(out)"
            + (report.database.map { String(format: "; ingested into %@ in %.1fs", $0, report.ingestSeconds) }
                ?? "")
            + "\n"
    }
}

// MARK: Query library

/// The SQL query library (`Queries/`, docs/queries.md) as `chainflow query` offers it.
public enum Queries {
    /// Every library query, by name.
    public static func all() throws(UsageError) -> [LibraryQuery] { try QueryLibrary.all() }

    /// The query called `name` (`.sql` allowed); an unknown name is a usage error naming the
    /// closest ones.
    public static func named(_ name: String) throws(UsageError) -> LibraryQuery {
        try QueryLibrary.named(name)
    }

    /// A query file of the user's own, with the library's header conventions.
    public static func file(_ path: String) throws -> LibraryQuery {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError(.notFound, "no such SQL file", path: path)
        }
        guard !isDirectory.boolValue else {
            throw StoreError(.notFound, "is a folder; give one .sql file with --file", path: path)
        }
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else {
            throw StoreError(.notFound, "cannot read this SQL file as UTF-8 text", path: path)
        }
        let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try LibraryQuery.parse(name: base, text: text)
    }
}

extension CaseDatabase {
    /// Runs `query` with `--param` texts (bound by SQLite, read-only).
    public func query(_ query: LibraryQuery, params: [String], timeout: Double? = nil) throws -> QueryAnswer {
        try QueryLibrary.run(store: store, query: query, params: params, timeout: timeout)
    }
}
