import FlowAnalysis
import FlowModel
import Foundation

/// Renderings of `aml run` results, one file per format: `AmlRunResult+JSON.swift` (the batch
/// interface), `+Markdown`, `+CSV` and `+HTML`.
public enum AmlRender {
    /// The output formats `--format` takes.
    public enum Format: String, Sendable, CaseIterable {
        case json
        case md
        case csv
        case html
    }
}
