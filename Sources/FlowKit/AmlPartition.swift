public import FlowModel

/// Partition K of N of an `aml run` (`--partition K/N`): the run reports the alerts whose subject
/// with the smallest address id falls in the partition (id mod N = K − 1), so N runs over the
/// same data report each alert of one whole run exactly once.
public struct AmlPartition: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public var k: Int
    public var n: Int

    public init(k: Int, n: Int) throws(UsageError) {
        guard n >= 1, n <= 1_000, k >= 1, k <= n else {
            throw UsageError(
                "--partition \(k)/\(n): give K/N with 1 <= K <= N <= 1000, e.g. 1/4", command: "aml run")
        }
        self.k = k
        self.n = n
    }

    /// Reads `K/N`.
    public init(parsing text: String) throws(UsageError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw UsageError("--partition '\(text.prefix(20))' is not K/N, e.g. 1/4", command: "aml run")
        }
        try self.init(k: k, n: n)
    }

    public var description: String { "\(k)/\(n)" }

    /// Whether the alert with these subject address ids belongs to this partition.
    public func keeps(subjects: [Int64]) -> Bool {
        let key = subjects.min() ?? 0
        return Int((key % Int64(n) + Int64(n)) % Int64(n)) == k - 1
    }
}
