public import FlowStore
import Foundation
import PostgresNIO

/// One partition of a partitioned AML job, as `aml_partitions` records it.
public struct AmlPartitionRecord: Sendable, Equatable {
    public var k: Int
    public var n: Int
    /// `pending` (not done yet: never claimed, or its run failed or its worker died) or `done`.
    public var status: String
    public var attempts: Int
    public var runId: Int64?
    public var worker: String?
    public var error: String?
}

/// A claimed partition: its row stays locked (`FOR UPDATE`) in a transaction on a connection of
/// its own until `finish` or `fail`; a worker that dies drops the connection, the server rolls
/// the claim back, and another worker claims the partition again.
public final class AmlPartitionClaim: @unchecked Sendable {
    public let job: String
    public let k: Int
    public let n: Int
    let session: PostgresSession
    let store: PostgresStore
    private var open = true

    init(job: String, k: Int, n: Int, session: PostgresSession, store: PostgresStore) {
        self.job = job
        self.k = k
        self.n = n
        self.session = session
        self.store = store
    }

    /// Marks the partition done with the run that checked it, and releases the claim.
    public func finish(runId: Int64?) throws(StoreError) {
        try session.execute(
            "UPDATE aml_partitions SET status = 'done', run_id = $1, finished_at = $2, error = NULL WHERE job = $3 AND k = $4",
            [.int(runId), .text(PostgresStore.now()), .text(job), .int(Int64(k))],
            doing: "finishing a partition")
        try session.execute("COMMIT", doing: "finishing a partition")
        open = false
    }

    /// Releases the claim with the partition still to do, recording why this attempt failed.
    public func fail(_ message: String) {
        _ = try? session.execute("ROLLBACK", doing: "releasing a partition")
        open = false
        _ = try? store.session.execute(
            "UPDATE aml_partitions SET error = $1 WHERE job = $2 AND k = $3",
            [.text(String(message.prefix(2000))), .text(job), .int(Int64(k))],
            doing: "recording a failed partition")
    }

    deinit {
        if open { _ = try? session.execute("ROLLBACK", doing: "releasing a partition") }
    }
}

extension PostgresStore {
    /// Attempts after which a partition is left failed rather than claimed again.
    public static let maxPartitionAttempts = 3

    /// Records a new job of `n` partitions, all pending; returns its id.
    public func createAmlJob(partitions n: Int) throws(StoreError) -> String {
        let job = UUID().uuidString.lowercased()
        try session.execute(
            """
            INSERT INTO aml_partitions (job, k, n, status)
            SELECT $1, k, $2, 'pending' FROM generate_series(1, $2::integer) AS k
            """, [.text(job), .int(Int64(n))], doing: "recording the AML job")
        return job
    }

    /// Claims the next partition of `job` that is not done, has attempts left and no other
    /// worker holds (`FOR UPDATE SKIP LOCKED`); nil when none is left to claim.
    public func claimAmlPartition(job: String, worker: String) throws(StoreError) -> AmlPartitionClaim? {
        let claimSession = try PostgresSession.connect(url)
        let doing = "claiming a partition"
        try claimSession.execute("BEGIN", doing: doing)
        guard
            let row = try claimSession.query(
                """
                SELECT k, n FROM aml_partitions
                WHERE job = $1 AND status <> 'done' AND attempts < $2
                ORDER BY k LIMIT 1 FOR UPDATE SKIP LOCKED
                """, [.text(job), .int(Int64(Self.maxPartitionAttempts))], doing: doing
            ).first
        else {
            try claimSession.execute("ROLLBACK", doing: doing)
            return nil
        }
        var c = PGColumns(row, doing: doing, path: path)
        let k = Int(try c.next(Int32.self))
        let n = Int(try c.next(Int32.self))
        // Counted outside the claim's transaction, so an attempt whose worker dies still counts.
        try session.execute(
            "UPDATE aml_partitions SET attempts = attempts + 1, worker = $1, claimed_at = $2 WHERE job = $3 AND k = $4",
            [.text(worker), .text(Self.now()), .text(job), .int(Int64(k))], doing: doing)
        return AmlPartitionClaim(job: job, k: k, n: n, session: claimSession, store: self)
    }

    /// The partitions of `job`, by K.
    public func amlJob(_ job: String) throws(StoreError) -> [AmlPartitionRecord] {
        let doing = "reading the AML job"
        var out: [AmlPartitionRecord] = []
        for row in try session.query(
            "SELECT k, n, status, attempts, run_id, worker, error FROM aml_partitions WHERE job = $1 ORDER BY k",
            [.text(job)], doing: doing)
        {
            var c = PGColumns(row, doing: doing, path: path)
            out.append(
                AmlPartitionRecord(
                    k: Int(try c.next(Int32.self)), n: Int(try c.next(Int32.self)),
                    status: try c.next(String.self),
                    attempts: Int(try c.next(Int32.self)), runId: try c.next(Int64?.self),
                    worker: try c.next(String?.self), error: try c.next(String?.self)))
        }
        return out
    }

    /// How many alerts the partition runs `runIds` reported (stored or seen again), and of those
    /// how many each run added.
    public func alertCounts(runs runIds: [Int64]) throws(StoreError) -> (alerts: Int, new: Int) {
        guard !runIds.isEmpty else { return (0, 0) }
        let list = runIds.map(String.init).joined(separator: ",")
        var c = try counts(
            "SELECT COALESCE(SUM(alerts), 0)::bigint, COALESCE(SUM(new_alerts), 0)::bigint FROM aml_runs WHERE run_id IN (\(list))",
            doing: "reading rule runs")
        return (Int(try c?.next(Int64.self) ?? 0), Int(try c?.next(Int64.self) ?? 0))
    }
}
