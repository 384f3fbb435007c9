public import FlowReport
public import FlowStore

/// Records a job in the database's `runs` table: its parameters when it starts, then `ok` and
/// its summary, or `failed` and the error. Ingest, trace and `aml run` all record through it.
public enum RunLog {
    public static func record<T>(
        _ store: any RunRecorder, command: String, parameters: JSONValue, summary: (T) -> JSONValue,
        _ body: () throws -> T
    ) throws -> T {
        try record(store, command: command, parameters: parameters, summary: summary) { _ in try body() }
    }

    /// The same, for a job that stores rows under its run id (trace paths, AML alerts).
    public static func record<T>(
        _ store: any RunRecorder, command: String, parameters: JSONValue, summary: (T) -> JSONValue,
        _ body: (_ runId: Int64) throws -> T
    ) throws -> T {
        let runId = try store.startRun(command: command, parameters: parameters.rendered())
        do {
            let result = try body(runId)
            try store.finishRun(runId, status: "ok", summary: summary(result).rendered())
            return result
        } catch {
            try? store.finishRun(
                runId, status: "failed",
                summary: JSONValue.object([("error", .string("\(error)"))]).rendered())
            throw error
        }
    }
}
