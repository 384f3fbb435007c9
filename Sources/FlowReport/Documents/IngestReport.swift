public import FlowModel

/// What happened to one input file.
public struct FileIngestReport: Sendable, Codable, Equatable {
    public var path: String
    public var kind: String
    public var blocks: Int
    public var added: Int
    public var alreadyPresent: Int
    public var xorObfuscated: Bool

    public init(path: String, kind: String, blocks: Int, added: Int, alreadyPresent: Int, xorObfuscated: Bool)
    {
        self.path = path
        self.kind = kind
        self.blocks = blocks
        self.added = added
        self.alreadyPresent = alreadyPresent
        self.xorObfuscated = xorObfuscated
    }
}

/// The outcome of an ingest run.
public struct IngestReport: Sendable, Codable {
    public var files: [FileIngestReport]
    public var summary: WriteSummary
    public var seconds: Double
    /// Transactions written per second, end to end (read, decode, write, indexes).
    public var transactionsPerSecond: Double

    public init(
        files: [FileIngestReport], summary: WriteSummary, seconds: Double, transactionsPerSecond: Double
    ) {
        self.files = files
        self.summary = summary
        self.seconds = seconds
        self.transactionsPerSecond = transactionsPerSecond
    }
}

/// What one non-block input file contributed (account-model and JSON formats).
public struct SourceFileReport: Sendable, Codable, Equatable {
    public var path: String
    public var format: String
    public var role: String?
    /// Records read from the file in this run (rows, lines, blocks or transactions).
    public var records: Int
    /// Rows added to the store (transfers, transactions…).
    public var added: Int
    /// The file was fully ingested by an earlier run: nothing was read.
    public var alreadyIngested: Bool
    /// An earlier run stopped inside this file; this run continued after this many records.
    public var resumedAfter: Int?

    public init(
        path: String, format: String, role: String? = nil, records: Int = 0, added: Int = 0,
        alreadyIngested: Bool = false, resumedAfter: Int? = nil
    ) {
        self.path = path
        self.format = format
        self.role = role
        self.records = records
        self.added = added
        self.alreadyIngested = alreadyIngested
        self.resumedAfter = resumedAfter
    }
}

/// The outcome of ingesting account-model or JSON files.
public struct AccountIngestReport: Sendable, Codable {
    public var files: [SourceFileReport]
    public var summary: TransferSummary
    public var seconds: Double
    /// Records (rows) read per second, end to end (parse, intern, write, indexes).
    public var recordsPerSecond: Double

    public init(files: [SourceFileReport], summary: TransferSummary, seconds: Double) {
        self.files = files
        self.summary = summary
        self.seconds = seconds
        let records = files.reduce(0) { $0 + $1.records }
        self.recordsPerSecond = seconds > 0 ? Double(records) / seconds : 0
    }
}
