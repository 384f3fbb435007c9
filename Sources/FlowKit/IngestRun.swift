import FlowIngest
public import FlowModel
import FlowPostgres
public import FlowReport
import FlowStore
import Foundation

/// What `chainflow ingest` was asked to do, as the user gave it (option texts, not parsed yet):
/// `validate()` checks every option before a file is opened, and `Ingest.run` routes each file to
/// its reader.
public struct IngestRequest: Sendable {
    public var paths: [String]
    /// Input format for every file (`InputFormat` name); nil: detected from each file's content.
    public var format: String?
    /// transfers-csv column mapping `tx=COL,time=COL,from=COL,to=COL,amount=COL[,asset=COL]`.
    public var map: String?
    /// transfers-csv preset (`amlsim`, `amlsim-sample`, `amlworld`).
    public var preset: String?
    /// transfers-csv: times are integer steps of this unit (`day`, `hour`, `minute`, `second`).
    public var timeUnit: String?
    /// transfers-csv: the date or Unix time of step 0.
    public var epoch: String?
    public var decimals: Int?
    public var asset: String?
    public var chain: String
    public var network: Network
    /// Block-file obfuscation key as hex.
    public var xorKey: String?
    public var threads: Int?

    public init(
        paths: [String], format: String? = nil, map: String? = nil, preset: String? = nil,
        timeUnit: String? = nil, epoch: String? = nil, decimals: Int? = nil, asset: String? = nil,
        chain: String = "ledger", network: Network = .mainnet, xorKey: String? = nil, threads: Int? = nil
    ) {
        self.paths = paths
        self.format = format
        self.map = map
        self.preset = preset
        self.timeUnit = timeUnit
        self.epoch = epoch
        self.decimals = decimals
        self.asset = asset
        self.chain = chain
        self.network = network
        self.xorKey = xorKey
        self.threads = threads
    }

    /// The names `--format` accepts, one line each with what the format is.
    public static var formatSummaries: [String] { InputFormat.allCases.map(\.summary) }

    /// Every option checked, with the message a user needs to fix it.
    public func validate() throws(UsageError) {
        func usage(_ message: String) -> UsageError { UsageError(message, command: "ingest") }
        if let xorKey, Hex.decode(xorKey) == nil || xorKey.isEmpty {
            throw usage("--xor-key '\(xorKey)' is not hex bytes (e.g. 0123456789abcdef)")
        }
        if let threads, threads < 1 { throw usage("--threads must be at least 1, got \(threads)") }
        if let format, InputFormat(name: format) == nil {
            throw usage(
                "unknown --format '\(format)'; formats:\n  " + Self.formatSummaries.joined(separator: "\n  "))
        }
        if let preset, TransferCSVMapping.preset(preset) == nil {
            throw usage(
                "unknown --preset '\(preset)'; presets: \(TransferCSVMapping.presetNames.joined(separator: ", "))"
            )
        }
        if let timeUnit, TransferCSVMapping.TimeStep(name: timeUnit) == nil {
            throw usage("unknown --time-unit '\(timeUnit)'; units: day, hour, minute, second")
        }
        if let epoch, TimeParser.parse(epoch) == nil {
            throw usage("--epoch '\(epoch)' is not a date (2017-01-01) or Unix seconds")
        }
        if map != nil && preset != nil { throw usage("give --map or --preset, not both") }
        if let map {
            do {
                _ = try TransferCSVMapping.parse(map)
            } catch {
                throw usage(error.message)
            }
        }
        if let decimals, !(0...77).contains(decimals) {
            throw usage("--decimals must be 0...77, got \(decimals)")
        }
    }

    /// The transfers-csv mapping the options name (nil: the preset the header matches).
    func csvMapping() throws(IngestError) -> TransferCSVMapping? {
        if let map { return try TransferCSVMapping.parse(map) }
        return preset.flatMap(TransferCSVMapping.preset)
    }
}

/// What one ingest run reports while it works: blocks and transactions (Bitcoin readers) or
/// records (transfer CSVs, Ethereum exports).
public enum IngestActivity: Sendable {
    case blocks(IngestProgress)
    case records(Int)
    /// One reader finished (a terminal redraws its progress line before the next).
    case readerDone
}

/// The report of one reader of an ingest run: UTXO chains or account ledgers.
public enum IngestOutcome: Sendable {
    case utxo(IngestReport)
    case account(AccountIngestReport)

    public var text: String {
        switch self {
        case .utxo(let r): IngestRender.text(r)
        case .account(let r): IngestRender.text(r)
        }
    }

    /// The one `ingest --json` document of a run's outcomes (`IngestRender.json(utxo:account:)`).
    public static func json(_ outcomes: [IngestOutcome]) -> JSONValue {
        var utxo: [IngestReport] = []
        var account: [AccountIngestReport] = []
        for o in outcomes {
            switch o {
            case .utxo(let r): utxo.append(r)
            case .account(let r): account.append(r)
            }
        }
        return IngestRender.json(utxo: utxo, account: account)
    }
}

/// The one entry point of ingest: files classified by format, then each group through its reader
/// (Bitcoin blocks, transfer CSVs, Bitcoin JSON, Ethereum exports, in that order), under the
/// database's single-writer lock. `finished` hears each reader's report as soon as it is done,
/// so what was ingested before a later file's error is still reported. The database is created only once every option is valid and
/// every file's format is known, so a mistake leaves no empty database behind; a database this
/// run created is removed again (with its lock file) when the run fails before storing anything.
/// A folder stands for its files (`IngestPlan.classify`); empty files are set aside, the others
/// ingested, and the run then throws `IngestBatchError` naming them (exit 65). `note` hears
/// the files of folders that were left out.
public enum Ingest {
    public static func run(
        _ request: IngestRequest, into location: String,
        progress: (@Sendable (IngestActivity) -> Void)? = nil,
        finished: ((IngestOutcome) -> Void)? = nil,
        note: ((String) -> Void)? = nil
    ) throws -> [IngestOutcome] {
        try request.validate()
        let plan = try IngestPlan.classify(
            paths: request.paths, override: request.format.flatMap(InputFormat.init(name:)))
        for line in plan.notes { note?(line) }
        // A mapping for transfers CSVs with none among the files is a mistake to say, not to
        // ignore (the files would be read as what they were detected as).
        if request.map != nil || request.preset != nil, !plan.files.isEmpty, plan.files(.transfersCSV).isEmpty
        {
            let detected = plan.files.prefix(3).map {
                "\(URL(fileURLWithPath: $0.path).lastPathComponent) is \($0.detected.format.rawValue)"
            }
            throw UsageError(
                "\(request.map != nil ? "--map" : "--preset") applies to transfers CSVs, but no file is one (\(detected.joined(separator: ", "))); give --format transfers-csv to read them as a ledger, or leave the option out",
                command: "ingest")
        }
        let total = plan.files.count + plan.skipped.count
        if plan.files.isEmpty && plan.skipped.isEmpty {
            throw IngestError(
                .unknownFormat,
                "no file here is an export chainflow reads (see the notes above); give a file alone with --format NAME to read it as that format",
                file: request.paths.joined(separator: " "))
        }
        guard !plan.files.isEmpty else {
            if plan.skipped.count == 1 { throw plan.skipped[0] }
            throw IngestBatchError(skipped: plan.skipped, failure: nil, total: total)
        }
        let outcomes: [IngestOutcome]
        do {
            outcomes = try CaseDatabase.creating(location) { db in
                if case .postgres(let server) = db.backend {
                    return try runPostgres(
                        plan, request, into: server, progress: progress, finished: finished)
                }
                return try run(plan, request, into: db.store, progress: progress, finished: finished)
            }
        } catch {
            guard !plan.skipped.isEmpty else { throw error }
            throw IngestBatchError(skipped: plan.skipped, failure: error as? any ChainflowError, total: total)
        }
        if !plan.skipped.isEmpty { throw IngestBatchError(skipped: plan.skipped, failure: nil, total: total) }
        return outcomes
    }

    /// Ingest into a PostgreSQL database: transfers CSVs (ledgers, AMLSim, AMLworld) so far; a
    /// plan with any other format is refused before anything is written.
    static func runPostgres(
        _ plan: IngestPlan, _ request: IngestRequest, into store: PostgresStore,
        progress: (@Sendable (IngestActivity) -> Void)?,
        finished: ((IngestOutcome) -> Void)?
    ) throws -> [IngestOutcome] {
        let others = plan.files.filter { $0.detected.format != .transfersCSV }
        if let first = others.first {
            throw StoreError(
                .unsupported,
                "\(first.path): \(first.detected.format.rawValue) ingest does not write to PostgreSQL yet; only transfers CSVs do (docs/postgresql.md)",
                path: store.path)
        }
        let options = TransferCSVOptions(
            mapping: try request.csvMapping(), decimals: request.decimals, asset: request.asset,
            chain: request.chain,
            timeUnit: request.timeUnit.flatMap(TransferCSVMapping.TimeStep.init(name:)),
            epoch: request.epoch.flatMap { TimeParser.parse($0) })
        var records: (@Sendable (Int) -> Void)?
        if let progress { records = { n in progress(.records(n)) } }
        let report = try TransferCSVIngest.run(
            store: store, files: plan.files(.transfersCSV), options: options, progress: records)
        progress?(.readerDone)
        let outcome = IngestOutcome.account(report)
        finished?(outcome)
        return [outcome]
    }

    static func run(
        _ plan: IngestPlan, _ request: IngestRequest, into store: GraphStore,
        progress: (@Sendable (IngestActivity) -> Void)?,
        finished: ((IngestOutcome) -> Void)?
    ) throws -> [IngestOutcome] {
        // One ingest per database at a time; a second one is told who holds it.
        let writerLock = try store.lockForWriting()
        defer { withExtendedLifetime(writerLock) {} }
        var outcomes: [IngestOutcome] = []
        func add(_ outcome: IngestOutcome) {
            outcomes.append(outcome)
            finished?(outcome)
        }
        var records: (@Sendable (Int) -> Void)?
        var blocks: (@Sendable (IngestProgress) -> Void)?
        if let progress {
            records = { n in progress(.records(n)) }
            blocks = { p in progress(.blocks(p)) }
        }
        let blockFiles = plan.files(.blocks).map(\.path)
        if !blockFiles.isEmpty {
            let options = IngestOptions(
                paths: blockFiles, xorKey: request.xorKey.flatMap { Hex.decode($0) },
                network: request.network,
                threads: request.threads)
            add(.utxo(try BitcoinIngest.run(store: store, options: options, progress: blocks)))
            progress?(.readerDone)
        }
        let csvFiles = plan.files(.transfersCSV)
        if !csvFiles.isEmpty {
            let options = TransferCSVOptions(
                mapping: try request.csvMapping(), decimals: request.decimals, asset: request.asset,
                chain: request.chain,
                timeUnit: request.timeUnit.flatMap(TransferCSVMapping.TimeStep.init(name:)),
                epoch: request.epoch.flatMap { TimeParser.parse($0) })
            add(
                .account(
                    try TransferCSVIngest.run(
                        store: store, files: csvFiles, options: options, progress: records)))
            progress?(.readerDone)
        }
        let jsonFiles = plan.files.filter {
            $0.detected.format == .coreJSON || $0.detected.format == .bitcoinETL
        }
        if !jsonFiles.isEmpty {
            add(
                .utxo(
                    try BitcoinJSONIngest.run(
                        store: store, files: jsonFiles, network: request.network, progress: blocks)))
            progress?(.readerDone)
        }
        let ethereumFiles = plan.files(.ethereumETL)
        if !ethereumFiles.isEmpty {
            add(
                .account(try EthereumETLIngest.run(store: store, files: ethereumFiles, progress: records)))
            progress?(.readerDone)
        }
        let rpcFiles = plan.files(.ethereumRPC)
        if !rpcFiles.isEmpty {
            add(.account(try EthereumRPCIngest.run(store: store, files: rpcFiles, progress: records)))
            progress?(.readerDone)
        }
        return outcomes
    }
}
