import Dispatch
import FlowKit
import Foundation

/// Read-only handles on the case database, one request on each at a time: the store's reads
/// are blocking calls, so they run on Dispatch's threads, never on the server's event loops or
/// Swift's cooperative threads, and at most `count` run at once (the others wait their turn).
final class Readers: @unchecked Sendable {
    private var free: [CaseDatabase]
    private let lock = NSLock()
    private let available: DispatchSemaphore
    /// The database the handles read.
    let location: String

    init(path: String, count: Int) throws {
        free = try (0..<max(1, count)).map { _ in try CaseDatabase.open(path, for: .read) }
        available = DispatchSemaphore(value: free.count)
        location = path
    }

    /// Runs `body` on a free handle on a Dispatch thread and returns what it returns.
    func run<T: Sendable>(_ body: @escaping @Sendable (CaseDatabase) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                self.available.wait()
                self.lock.lock()
                let db = self.free.removeLast()
                self.lock.unlock()
                let result = Result { try body(db) }
                self.lock.lock()
                self.free.append(db)
                self.lock.unlock()
                self.available.signal()
                continuation.resume(with: result)
            }
        }
    }
}
