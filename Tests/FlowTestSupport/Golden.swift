package import Foundation
package import Testing

/// Golden files: a rendered report compared byte for byte with a recorded file.
///
/// On a mismatch the text is written to `<name>.actual` beside the golden (ignored by git), so a
/// reviewer can `diff` the two, and the test fails naming both files. `RECORD_GOLDENS=1` writes
/// the goldens instead (re-record deliberately and review the diff before committing).
package enum Golden {
    /// True when the goldens are being re-recorded (`RECORD_GOLDENS=1`).
    package static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDENS"] == "1" }

    /// Compares `text` with the golden `name` in `folder`.
    package static func check(
        _ text: String, _ name: String, in folder: URL, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let golden = folder.appendingPathComponent(name)
        let actual = folder.appendingPathComponent(name + ".actual")
        let bytes = Data(text.utf8)
        try? FileManager.default.removeItem(at: actual)
        if recording {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try bytes.write(to: golden)
            return
        }
        guard let expected = FileManager.default.contents(atPath: golden.path) else {
            try bytes.write(to: actual)
            Issue.record(
                "no golden \(golden.path); the output is in \(actual.path): record it with RECORD_GOLDENS=1",
                sourceLocation: sourceLocation)
            return
        }
        if expected != bytes {
            try bytes.write(to: actual)
            Issue.record(
                "\(name) differs from its golden: diff \(golden.path) \(actual.path) (re-record with RECORD_GOLDENS=1 if intended)",
                sourceLocation: sourceLocation)
        }
    }
}
