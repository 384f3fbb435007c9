import FlowModel
import FlowPostgres
import FlowStore
import Foundation

/// A partitioned `aml run` shared by worker processes through the database: the coordinator
/// (`aml run --workers N`) records a job of N partitions, starts N local workers (`aml run
/// --claim JOB`, the same executable), waits for them, and retries partitions whose attempt
/// failed or whose worker died; each worker claims pending partitions with `FOR UPDATE SKIP
/// LOCKED` (`PostgresStore.claimAmlPartition`) and runs them as `--partition K/N` runs until none
/// is left. Workers on other machines join a job by running `aml run --claim JOB` against the
/// same server.
public enum AmlWorkers {
    /// What a finished job did.
    public struct JobReport: Sendable {
        public var job: String
        public var partitions: [Partition]
        /// Alerts the partition runs reported, and those they stored new.
        public var alerts: Int
        public var newAlerts: Int
    }

    /// One partition of a finished job.
    public struct Partition: Sendable, Equatable {
        public var k: Int
        public var n: Int
        public var status: String
        public var attempts: Int
        public var runId: Int64?
    }

    /// Runs the worker loop of `job` on `db`: claims, runs and finishes partitions until none is
    /// left to claim; returns how many this worker finished. A partition whose run fails is
    /// released for another attempt and the worker goes on with the next.
    public static func work(
        db: CaseDatabase, job: String, options: AmlRunOptions, progress: ((String) -> Void)? = nil
    ) throws -> Int {
        let server = try postgres(db)
        let worker = "\(ProcessInfo.processInfo.hostName):\(getpid())"
        var done = 0
        while let claim = try server.claimAmlPartition(job: job, worker: worker) {
            var partOptions = options
            partOptions.partition = try AmlPartition(k: claim.k, n: claim.n)
            partOptions.store = true
            progress?("partition \(claim.k)/\(claim.n): claimed by \(worker)")
            do {
                let result = try db.amlRun(partOptions, progress: progress)
                try claim.finish(runId: result.runId)
                progress?(
                    "partition \(claim.k)/\(claim.n): \(result.alerts.count) alerts, \(result.newAlerts) new")
                done += 1
            } catch {
                claim.fail("\(error)")
                progress?("partition \(claim.k)/\(claim.n): failed (\(error)); released for another attempt")
            }
        }
        return done
    }

    /// Records a job of `workers` partitions, runs `workers` worker processes (`executable` with
    /// `arguments(job)`), and retries failed partitions with one more worker per round until each
    /// is done or out of attempts. Throws when a partition is left undone.
    public static func coordinate(
        db: CaseDatabase, workers: Int, executable: String, arguments: (String) -> [String],
        progress: ((String) -> Void)? = nil
    ) throws -> JobReport {
        let server = try postgres(db)
        let job = try server.createAmlJob(partitions: workers)
        progress?("job \(job): \(workers) partitions, \(workers) workers")
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in server.childEnvironment() { environment[k] = v }
        var round = 0
        var count = workers
        while true {
            round += 1
            var processes: [Process] = []
            for _ in 0..<count {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: executable)
                p.arguments = arguments(job)
                p.environment = environment
                p.standardInput = FileHandle.nullDevice
                p.standardOutput = FileHandle.nullDevice
                try p.run()
                processes.append(p)
            }
            for p in processes { p.waitUntilExit() }
            let records = try server.amlJob(job)
            let left = records.filter {
                $0.status != "done" && $0.attempts < PostgresStore.maxPartitionAttempts
            }
            if left.isEmpty { break }
            progress?(
                "round \(round): partitions \(left.map { "\($0.k)" }.joined(separator: ", ")) not done; retrying"
            )
            count = left.count
        }
        let records = try server.amlJob(job)
        let failed = records.filter { $0.status != "done" }
        if !failed.isEmpty {
            let list = failed.map { "\($0.k)/\($0.n) (\($0.error ?? "worker ended without finishing"))" }
            throw StoreError(
                .io,
                "AML job \(job): partitions left undone after \(PostgresStore.maxPartitionAttempts) attempts: \(list.joined(separator: "; ")); run `chainflow aml run --db … --claim \(job)` to retry them",
                path: server.path)
        }
        let counts = try server.alertCounts(runs: records.compactMap(\.runId))
        return JobReport(
            job: job,
            partitions: records.map {
                Partition(k: $0.k, n: $0.n, status: $0.status, attempts: $0.attempts, runId: $0.runId)
            }, alerts: counts.alerts, newAlerts: counts.new)
    }

    static func postgres(_ db: CaseDatabase) throws -> PostgresStore {
        guard case .postgres(let server) = db.backend else {
            throw UsageError(
                "--workers and --claim need a PostgreSQL database (--db postgresql://…): the workers share its partition table",
                command: "aml run")
        }
        return server
    }
}
