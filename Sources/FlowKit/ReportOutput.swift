public import FlowModel
public import FlowReport
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a report goes: standard output, or a file (`--out`).
///
/// A file is written through, like a shell's `>`: a symbolic link is followed, an existing file
/// keeps its mode, owner and links, a device or pipe is written as it is. What is refused before
/// anything is written: a folder, a missing parent folder, the case database itself (or its
/// `-wal`, `-shm`, `-journal` and `.lock` files), and any existing SQLite database. A write that
/// fails (a full disk, a closed pipe, a read-only file) is an `OutputError` (exit 74), never a
/// crash or exit 0.
public enum ReportOutput {
    /// Writes `text` to stdout (`path` nil) or to `path`; `database` is the case database the
    /// command reads, which a report must never overwrite.
    public static func write(_ text: String, to path: String?, database: String? = nil) throws(OutputError) {
        try write(to: path, database: database) { sink throws(OutputError) in try sink.write(text) }
    }

    /// Writes the JSON document `json` in pieces as it is rendered (`JSONValue.render`): a
    /// report of a million rows is never held as one text.
    public static func write(_ json: JSONValue, to path: String?, database: String? = nil) throws(OutputError)
    {
        try write(to: path, database: database) { emit in try json.render(emit) }
    }

    /// Writes what `produce` hands its `emit` callback, piece by piece, to stdout or `path`.
    public static func write(
        to path: String?, database: String? = nil,
        pieces produce: (_ emit: ([UInt8]) throws -> Void) throws -> Void
    ) throws(OutputError) {
        try write(to: path, database: database) { sink throws(OutputError) in
            do {
                try produce { bytes throws(OutputError) in try sink.write(bytes) }
            } catch let error as OutputError {
                throw error
            } catch {
                throw OutputError(target: sink.target, reason: "\(error)")
            }
        }
    }

    /// Opens stdout or `path` (checked as `write` says) and lets `body` write the report to it in
    /// pieces, so a big report need not stand in memory whole.
    public static func write(
        to path: String?, database: String? = nil, _ body: (ReportSink) throws(OutputError) -> Void
    ) throws(OutputError) {
        let sink = try openTarget(path, database: database)
        defer { sink.close() }
        do {
            try body(sink)
        } catch {
            sink.failed()
            throw error
        }
    }

    /// The checks `write` makes before it writes, for a command to make before its work: a target
    /// that would be refused is refused before anything runs.
    public static func check(_ path: String?, database: String?) throws(OutputError) {
        try refuse(path, database: database)
    }

    /// Refuses what a report must not be written to; whether `path` existed.
    @discardableResult
    static func refuse(_ path: String?, database: String?) throws(OutputError) -> Bool {
        guard let path else {
            if let database, sameFile(descriptor: STDOUT_FILENO, as: database) {
                throw OutputError(
                    target: "stdout",
                    reason:
                        "standard output is the case database \(database); redirect the report to another file",
                    exitCode: ExitStatus.usage)
            }
            return true
        }
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let folder = path.hasSuffix("/") ? path : path + "/"
                throw OutputError(
                    target: path,
                    reason: "is a folder; give a file name for the report, such as \(folder)report.html")
            }
            if let database, let clash = databaseClash(path, database: database) {
                throw OutputError(
                    target: path,
                    reason: "is \(clash) of the case database \(database); give another file for the report",
                    exitCode: ExitStatus.usage)
            }
            if (info.st_mode & S_IFMT) == S_IFREG, let kind = sqliteKind(path) {
                throw OutputError(
                    target: path,
                    reason:
                        "holds \(kind); a report never overwrites a database: give another file name (or remove it first)",
                    exitCode: ExitStatus.usage)
            }
        } else {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory)
                || !isDirectory.boolValue
            {
                throw OutputError(
                    target: path, reason: "the folder \(parent) does not exist; create it first")
            }
        }
        return exists
    }

    static func openTarget(_ path: String?, database: String?) throws(OutputError) -> ReportSink {
        let exists = try refuse(path, database: database)
        guard let path else {
            return ReportSink(descriptor: STDOUT_FILENO, target: "stdout", created: false, owned: false)
        }
        // Through the path as a shell's `>` would: links followed, an existing file keeps its
        // mode; a regular file is emptied only now that it is known not to be refused.
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw OutputError(target: path, reason: describe(errno, path: path))
        }
        var opened = stat()
        if fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG, ftruncate(fd, 0) != 0 {
            let code = errno
            closeDescriptor(fd)
            throw OutputError(target: path, reason: describe(code, path: path))
        }
        return ReportSink(descriptor: fd, target: path, created: !exists, owned: true)
    }

    /// Whether `path` is the database or one of the files SQLite and chainflow keep beside it;
    /// what it is, in words.
    static func databaseClash(_ path: String, database: String) -> String? {
        if sameFile(path, database) { return "the file" }
        for (suffix, name) in [
            ("-wal", "the write-ahead log"), ("-shm", "the shared-memory file"), ("-journal", "the journal"),
            (".lock", "the lock file"),
        ] where sameFile(path, database + suffix) {
            return name
        }
        return nil
    }

    /// What SQLite file `path` is, by its first bytes: a database or a write-ahead log; nil for
    /// anything else.
    static func sqliteKind(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        if head == Array("SQLite format 3\0".utf8) { return "an SQLite database" }
        if head.count >= 4, head[0] == 0x37, head[1] == 0x7f, head[2] == 0x06, head[3] & 0xfe == 0x82 {
            return "an SQLite write-ahead log"
        }
        return nil
    }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        var x = stat()
        var y = stat()
        return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    static func sameFile(descriptor: Int32, as path: String) -> Bool {
        var x = stat()
        var y = stat()
        return fstat(descriptor, &x) == 0 && (x.st_mode & S_IFMT) == S_IFREG && stat(path, &y) == 0
            && x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// A failed system call's error in words (a full disk, a closed pipe, no permission).
    static func describe(_ code: Int32, path: String) -> String {
        switch code {
        case EPIPE: return "the reader closed the pipe before the report was written (broken pipe)"
        case ENOSPC: return "no space left on the device: free some space and run again"
        default:
            return FileProblem.describe(
                POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO), path: path, writing: true)
        }
    }
}

// The system calls under names that `ReportSink`'s own methods do not hide.
private func writeDescriptor(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }

/// An open report target: stdout or a file, written through with `write(2)`.
public final class ReportSink {
    let descriptor: Int32
    /// `stdout` or the path, for messages.
    public let target: String
    /// Whether the file did not exist before (a failed report removes what it created).
    let created: Bool
    /// Whether the descriptor is ours to close.
    let owned: Bool

    init(descriptor: Int32, target: String, created: Bool, owned: Bool) {
        self.descriptor = descriptor
        self.target = target
        self.created = created
        self.owned = owned
    }

    /// Writes `bytes` whole (short writes and interrupted calls are continued).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = writeDescriptor(descriptor, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(target: target, reason: ReportOutput.describe(errno, path: target))
            }
            left -= n
            p += n
        }
    }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        let failure = bytes.withUnsafeBytes { raw in Result { () throws(OutputError) in try write(raw) } }
        try failure.get()
    }

    public func write(_ text: String) throws(OutputError) {
        var text = text
        let failure = text.withUTF8 { utf8 in
            Result { () throws(OutputError) in try write(UnsafeRawBufferPointer(utf8)) }
        }
        try failure.get()
    }

    func failed() {
        guard owned, created else { return }
        unlink(target)
    }

    func close() {
        if owned { closeDescriptor(descriptor) }
    }
}

/// A report or output that could not be written (exit 74, or 64 when the target is one a report
/// must not overwrite): the target (a file or stdout) and why, in words (a full disk, a closed
/// pipe, a read-only folder), never a system error domain code.
public struct OutputError: ChainflowError, Equatable {
    public var target: String
    public var reason: String
    public var exitCode: Int32

    public init(target: String, reason: String, exitCode: Int32 = ExitStatus.ioError) {
        self.target = target
        self.reason = reason
        self.exitCode = exitCode
    }

    public var kind: String { "output" }
    public var message: String { "cannot write the report: \(reason)" }
    public var location: String? { target }
    public var description: String { "\(target): error: \(message)" }
}
