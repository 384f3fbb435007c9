import FlowModel

public import Foundation

/// Opening input files the same way for every reader.
public enum InputFile {
    /// The file's bytes, memory-mapped (pages are read as the parser reaches them, so a large
    /// export streams in bounded memory). A missing file is exit 66, an unreadable one 74.
    public static func map(_ path: String) throws(IngestError) -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            throw IngestError(.missingFile, "no such file", file: path)
        }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw IngestError(.io, FileProblem.describe(error, path: path, writing: false), file: path)
        }
    }
}
