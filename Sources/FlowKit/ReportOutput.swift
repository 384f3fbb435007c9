public import FlowModel
import Foundation

/// Where a report goes: standard output, or a file (`--out`).
public enum ReportOutput {
    /// Writes `text` (see `writeOrThrow`); a failure is an `OutputError` naming the target, what
    /// went wrong in words and what to do.
    public static func write(_ text: String, to path: String?) throws(OutputError) {
        do {
            try writeOrThrow(text, to: path)
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError(
                target: path ?? "stdout",
                reason: FileProblem.describe(error, path: path ?? "/dev/stdout", writing: true))
        }
    }

    /// Writes `text` to stdout (an error, not a crash, when it is full or closed) or to `path`:
    /// a regular file is replaced atomically; a device or pipe (`/dev/stdout`, a FIFO) is written
    /// as it is, never replaced; a folder is refused before anything is written.
    public static func writeOrThrow(_ text: String, to path: String?) throws {
        let data = Data(text.utf8)
        guard let path else {
            try FileHandle.standardOutput.write(contentsOf: data)
            return
        }
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let folder = path.hasSuffix("/") ? path : path + "/"
                throw OutputError(
                    target: path,
                    reason: "is a folder; give a file name for the report, such as \(folder)report.html")
            }
            if (info.st_mode & S_IFMT) != S_IFREG {
                guard let handle = FileHandle(forWritingAtPath: path) else {
                    throw OutputError(
                        target: path, reason: "cannot be opened for writing (permission denied?)")
                }
                defer { try? handle.close() }
                try handle.write(contentsOf: data)
                return
            }
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory)
            || !isDirectory.boolValue
        {
            throw OutputError(target: path, reason: "the folder \(parent) does not exist; create it first")
        }
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// A report or output that could not be written (exit 74): the target (a file or stdout) and why,
/// in words (a full disk, a closed pipe, a read-only folder), never a system error domain code.
public struct OutputError: ChainflowError, Equatable {
    public var target: String
    public var reason: String

    public init(target: String, reason: String) {
        self.target = target
        self.reason = reason
    }

    public var kind: String { "output" }
    public var message: String { "cannot write the report: \(reason)" }
    public var location: String? { target }
    public var exitCode: Int32 { ExitStatus.ioError }
    public var description: String { "\(target): error: \(message)" }
}
