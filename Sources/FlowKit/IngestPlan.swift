public import FlowIngest
import FlowStore

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
