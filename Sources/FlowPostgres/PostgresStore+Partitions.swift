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
    let worker: String
    let session: PostgresSession
    let store: PostgresStore
    private var open = true

    init(job: String, k: Int, n: Int, worker: String, session: PostgresSession, store: PostgresStore) {
        self.job = job
        self.k = k
        self.n = n
        self.worker = worker
        self.session = session
        self.store = store
    }

    /// Marks the partition done with the run that checked it, and releases the claim.
    public func finish(runId: Int64?) throws(StoreError) {
        try session.execute(
            "UPDATE aml_partitions SET status = 'done', run_id = $1, finished_at = $2, worker = $5 WHERE job = $3 AND k = $4",
            [.int(runId), .text(PostgresStore.now()), .text(job), .int(Int64(k)), .text(worker)],
            doing: "finishing a partition")
        try session.execute("COMMIT", doing: "finishing a partition")
        open = false
    }

    /// Releases the claim with the partition still to do, recording why this attempt failed.
    public func fail(_ message: String) {
        _ = try? session.execute("ROLLBACK", doing: "releasing a partition")
        open = false
        _ = try? store.session.execute(
            // The attempt's own row: the partition's row may already be claimed by another worker.
            "UPDATE aml_partition_attempts SET error = $1 WHERE job = $2 AND k = $3 AND worker = $4 AND error IS NULL",
            [.text(String(message.prefix(2000))), .text(job), .int(Int64(k)), .text(worker)],
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
                SELECT p.k, p.n FROM aml_partitions p
                WHERE p.job = $1 AND p.status <> 'done'
                  AND (SELECT COUNT(*) FROM aml_partition_attempts a WHERE a.job = p.job AND a.k = p.k) < $2
                ORDER BY p.k LIMIT 1 FOR UPDATE SKIP LOCKED
                """, [.text(job), .int(Int64(Self.maxPartitionAttempts))], doing: doing
            ).first
        else {
            try claimSession.execute("ROLLBACK", doing: doing)
            return nil
        }
        var c = PGColumns(row, doing: doing, path: path)
        let k = Int(try c.next(Int32.self))
        let n = Int(try c.next(Int32.self))
        // Counted outside the claim's transaction (on this store's own session, which must not
        // touch the row the claim holds locked), so an attempt whose worker dies still counts.
        try session.execute(
            "INSERT INTO aml_partition_attempts (job, k, worker, claimed_at) VALUES ($1, $2, $3, $4)",
            [.text(job), .int(Int64(k)), .text(worker), .text(Self.now())], doing: doing)
        return AmlPartitionClaim(job: job, k: k, n: n, worker: worker, session: claimSession, store: self)
    }

    /// The partitions of `job`, by K.
    public func amlJob(_ job: String) throws(StoreError) -> [AmlPartitionRecord] {
        let doing = "reading the AML job"
        var out: [AmlPartitionRecord] = []
        for row in try session.query(
            """
            SELECT p.k, p.n, p.status,
              (SELECT COUNT(*) FROM aml_partition_attempts a WHERE a.job = p.job AND a.k = p.k)::integer,
              p.run_id, p.worker,
              (SELECT a.error FROM aml_partition_attempts a WHERE a.job = p.job AND a.k = p.k AND a.error IS NOT NULL
               ORDER BY a.claimed_at DESC LIMIT 1)
            FROM aml_partitions p WHERE p.job = $1 ORDER BY p.k
            """,
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
