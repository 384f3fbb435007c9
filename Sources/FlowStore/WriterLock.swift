import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One bulk writer per database across processes: an advisory `flock` on `<database>.lock`, a
/// small file beside the database that holds the writing process's pid.
///
/// SQLite already serialises writes, but an ingest commits in many short transactions, so a
/// second ingest would interleave its batches with the first and fail later on a busy timeout
/// with a vague message. The lock makes the second writer wait a little, saying why
/// ("database is busy: chainflow pid N is writing it, retrying…"), then stop with
/// "locked by another chainflow process (pid N)" (`StoreError.Code.busy`, exit 74).
/// Readers never take it: in WAL mode they read while a writer writes.
///
/// The kernel drops the lock when the holder exits, however it exits (SIGKILL included), so a
/// stale lock file never blocks anyone; the file itself is left in place.
/// Within one process the lock is shared: a second writer on the same database in the same
/// process (which SQLite serialises) does not wait for itself.
///
/// `chainflow ingest` takes it before its first write (`GraphStore.lockForWriting()`); the bulk
/// writers (`withWriter`, `withTransferWriter`) take it too, for library callers.
public final class WriterLock: @unchecked Sendable {
    let lockPath: String
    private let fd: Int32

    private init(lockPath: String, fd: Int32) {
        self.lockPath = lockPath
        self.fd = fd
    }

    deinit {
        // The entry is this lock's unless a newer lock replaced it (this one is already nil there).
        WriterLock.registry.withLock { if $0[lockPath]?.lock == nil { $0[lockPath] = nil } }
        _ = flock(fd, LOCK_UN)
        close(fd)
    }

    /// How long a writer waits for another process's lock, in seconds: `CHAINFLOW_LOCK_WAIT`
    /// when set (0 fails at once), else 10.
    static var defaultWait: Double {
        if let text = ProcessInfo.processInfo.environment["CHAINFLOW_LOCK_WAIT"], let s = Double(text), s >= 0
        {
            return s
        }
        return 10
    }

    /// Live locks of this process by lock-file path.
    private static let registry = Registry()

    /// The lock file of the database at `path`: beside the file the path resolves to (symbolic
    /// links followed, relative paths made absolute), so that every name of one database takes
    /// one lock.
    static func lockPath(database path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path + ".lock"
    }

    /// Takes the writer lock of the database at `path`, waiting up to `wait` seconds for another
    /// process to release it; `notice` hears once that it is waiting.
    static func acquire(
        database path: String, wait: Double = defaultWait,
        notice: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) throws(StoreError) -> WriterLock {
        let lockPath = lockPath(database: path)
        if let held = registry.withLock({ $0[lockPath]?.lock }) { return held }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let why = String(cString: strerror(errno))
            throw StoreError(
                errno == EROFS || errno == EACCES ? .io : .cannotOpen,
                "cannot create the writer lock file \(lockPath) (\(why)): the database's folder must be writable to write to it; read commands (stats, tx, address, trace, cluster show, aml run --dry-run) work on a read-only copy",
                path: path)
        }
        let deadline = Date().addingTimeInterval(wait)
        var told = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = holderPid(fd)
            let who = holder.map { "chainflow pid \($0)" } ?? "another chainflow process"
            if Date() >= deadline {
                close(fd)
                throw StoreError(
                    .busy,
                    "locked by another chainflow process (\(holder.map { "pid \($0)" } ?? "pid unknown")), which is writing this database; waited \(formatted(wait))s: re-run when it is done (CHAINFLOW_LOCK_WAIT=SECONDS waits longer)",
                    path: path)
            }
            if !told {
                notice(
                    "\(path): database is busy: \(who) is writing it; retrying for up to \(formatted(wait))s…"
                )
                told = true
            }
            usleep(100_000)
        }
        // Ours: record the pid for whoever waits next.
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        let lock = WriterLock(lockPath: lockPath, fd: fd)
        registry.withLock { $0[lockPath] = Weak(lock) }
        return lock
    }

    /// The pid written in the lock file by its holder, if readable.
    static func holderPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return Int32(text)
    }

    static func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }

    private struct Weak {
        weak var lock: WriterLock?
        init(_ lock: WriterLock) { self.lock = lock }
    }

    /// A dictionary behind a lock (the registry of this process's writer locks).
    private final class Registry: @unchecked Sendable {
        private let mutex = NSLock()
        private var locks: [String: Weak] = [:]

        func withLock<T>(_ body: (inout [String: Weak]) -> T) -> T {
            mutex.lock()
            defer { mutex.unlock() }
            return body(&locks)
        }
    }
}

extension GraphStore {
    /// Takes this database's writer lock for as long as the returned value lives, waiting up to
    /// `CHAINFLOW_LOCK_WAIT` seconds (default 10) for another process's ingest to finish, with a
    /// notice on stderr; then fails with `StoreError.Code.busy` naming that process's pid.
    public func lockForWriting() throws(StoreError) -> WriterLock {
        try WriterLock.acquire(database: path)
    }
}
