public import FlowModel
public import FlowReport
public import FlowStore

/// What `chainflow serve` asks of a case database beyond the commands' entry points.
extension CaseDatabase {
    /// Traces in this database as `chainflow trace` does (`Trace.run`), with the seeds of
    /// `options.from` only: a seed file is refused, since a server must not read files a request
    /// names. Opened read-only, the run is not recorded (run id 0).
    public func trace(_ options: TraceOptions) throws -> TraceRun {
        guard options.fromFile == nil else {
            throw UsageError("a trace over the API takes seeds in `from`, not a seed file", command: "trace")
        }
        return try Trace.run(store: store, options: options)
    }
}

/// The workspace's case file (pins, notes, journey log), in the case database's own tables.
extension CaseDatabase {
    public func caseFile() throws(StoreError) -> CaseFile { try store.caseFile() }

    public func casePin(address: String, colour: String, at: String) throws(StoreError) {
        try store.casePin(address: address, colour: colour, at: at)
    }

    public func caseNote(subject: String, text: String, at: String) throws(StoreError) -> Int64 {
        try store.caseNote(subject: subject, text: text, at: at)
    }

    public func caseLog(kind: String, detail: String, at: String) throws(StoreError) {
        try store.caseLog(kind: kind, detail: detail, at: at)
    }

    /// What identifies the database's state: the table checksums of `chainflow stats --checksums`.
    public func stateChecksums() throws(StoreError) -> [String: String] {
        try stats(checksums: true).checksums ?? [:]
    }
}
