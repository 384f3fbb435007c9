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

    /// Refuses a line of `data` longer than `limit` bytes, at its line number, before a reader
    /// builds strings of it: a 1 GB single-line file fails after its first `limit` bytes (the file
    /// is mapped: only those pages are read), not after gigabytes of copies.
    public static func checkLineLengths(_ data: Data, limit: Int, path: String, what: String)
        throws(IngestError)
    {
        let problem: IngestError? = data.withUnsafeBytes { raw in
            var line = 1
            var start = 0
            let count = raw.count
            while start < count {
                let window = min(count - start, limit + 1)
                guard let base = raw.baseAddress,
                    let found = memchr(base + start, 0x0a, window)
                else {
                    if window > limit {
                        return IngestError(
                            .badValue,
                            "line longer than \(limit) bytes: no \(what) is that long (is this the right file?)",
                            file: path, offset: start, line: line)
                    }
                    return nil
                }
                start += UnsafeRawPointer(found) - (base + start) + 1
                line += 1
            }
            return nil
        }
        if let problem { throw problem }
    }
}
