import FlowModel
import FlowStore
import Foundation

/// A report written to standard output or `--out`, with an error that says what is wrong with
/// the path ("is a folder; give a file name in it…") instead of Foundation's "error 512".
enum ReportFile {
    static func write(_ text: String, to path: String?) throws(StoreError) {
        do {
            try ReportOutput.writeOrThrow(text, to: path)
        } catch {
            throw StoreError(.io, "cannot write the report: \(reason(error, path))", path: path ?? "stdout")
        }
    }

    /// Why writing `path` (nil: standard output) failed, in words with a remedy.
    static func reason(_ error: any Error, _ path: String?) -> String {
        FileProblem.describe(error, path: path ?? "/dev/stdout", writing: true)
    }
}
