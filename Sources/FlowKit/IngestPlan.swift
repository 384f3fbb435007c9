public import FlowIngest
public import FlowStore

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

/// Input files grouped by the reader that handles them.
public struct IngestPlan: Sendable {
    public var files: [(path: String, detected: DetectedFormat)]

    /// Detects each file's format from its content, or takes `override` for all of them.
    public static func classify(paths: [String], override: InputFormat? = nil) throws(IngestError)
        -> IngestPlan
    {
        var files: [(String, DetectedFormat)] = []
        for path in paths {
            if let override {
                // The role still comes from the content when it can.
                let role = (try? FormatDetector.detect(path: path))?.role
                files.append((path, DetectedFormat(override, role: role)))
            } else {
                files.append((path, try FormatDetector.detect(path: path)))
            }
        }
        return IngestPlan(files: files)
    }

    /// The files of one format, in command-line order.
    public func files(_ format: InputFormat) -> [(path: String, detected: DetectedFormat)] {
        files.filter { $0.detected.format == format }
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
