/// The one error contract of chainflow. Every layer has at most one error type of its own
/// (`IngestError` for input data, `StoreError` for the database, `AmlRuleFileError` for rule files,
/// `GeneratorError` for synthetic data, `UsageError` for a request that cannot be done as given),
/// and each adopts this protocol, so the command line, the server and tests read any of them the
/// same way: what kind of problem, what is wrong, where in the input, what lay under it, and the
/// process exit code.
public protocol ChainflowError: Error, CustomStringConvertible, Sendable {
    /// A stable, machine-readable name of the problem's kind (`bad-value`, `not-found`, `usage`, …).
    var kind: String { get }
    /// What is wrong and, where there is one, what to do instead; without the location.
    var message: String { get }
    /// Where: `file:line:column`, `file: byte N`, a database path, a command name; nil if nowhere.
    var location: String? { get }
    /// The system or library error behind this one, as text (nil when there is none).
    var cause: String? { get }
    /// The sysexits(3) code a process ends with for this error (`ExitStatus`).
    var exitCode: Int32 { get }
}

extension ChainflowError {
    public var cause: String? { nil }
}

/// The exit codes of chainflow commands (sysexits(3)), beside 0 (success) and 1 (a batch job's
/// `--fail-on` finding).
public enum ExitStatus {
    /// The command was used wrongly: an unknown option value, a contradiction, an ambiguous seed.
    public static let usage: Int32 = 64
    /// The input data is malformed or contradicts what is stored.
    public static let dataError: Int32 = 65
    /// An input file, database, transaction or address does not exist.
    public static let noInput: Int32 = 66
    /// A bug: chainflow reached a state it should not.
    public static let software: Int32 = 70
    /// Reading or writing failed: a full disk, a closed pipe, a locked or corrupt database.
    public static let ioError: Int32 = 74
}

/// A request that cannot be carried out as given (exit code 64): the message says what to change.
/// `command` names the command the request was for, so the message reads
/// `chainflow trace: error: …`.
public struct UsageError: ChainflowError, Equatable {
    public var message: String
    public var command: String?

    public init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    public var kind: String { "usage" }
    public var location: String? { command.map { "chainflow \($0)" } ?? "chainflow" }
    public var exitCode: Int32 { ExitStatus.usage }
    public var description: String { "\(location ?? "chainflow"): error: \(message)" }
}
