package import Foundation
package import Testing

/// Runs the `chainflow` executable SwiftPM builds beside the test bundle (`swift build` /
/// `swift test` build it), or the one `CHAINFLOW_BIN` names, and captures what it prints.
package enum CLIProcess {
    package struct Result {
        package var status: Int32
        package var stdout: String
        package var stderr: String
    }

    /// The executable's path, or nil when it was not built.
    package static let binary: String? = {
        if let given = ProcessInfo.processInfo.environment["CHAINFLOW_BIN"] { return given }
        // The test runner is .build/<triple>/<configuration>/<package>PackageTests.xctest.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("chainflow").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }()

    package static func requireBinary(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(
            binary, "the chainflow executable was not found beside the tests: run `swift build` first",
            sourceLocation: sourceLocation)
    }

    /// Where standard output goes instead of a file in the folder.
    package enum Stdout {
        /// A file or device such as `/dev/full`, opened for writing.
        case path(String)
        /// A pipe whose reading end is closed before the command starts (`| head` done reading).
        case closedPipe
    }

    /// Starts `chainflow arguments…`; output goes to files in `folder` (standard output to
    /// `stdout` when given).
    package static func start(
        _ arguments: [String], in folder: String, label: String, environment: [String: String] = [:],
        stdout: Stdout? = nil
    ) throws -> (Process, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try requireBinary())
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = folder + "/\(label).stdout"
        let err = folder + "/\(label).stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        switch stdout {
        case nil: process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        case .path(let path):
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        case .closedPipe:
            let pipe = Pipe()
            try pipe.fileHandleForReading.close()
            process.standardOutput = pipe
        }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return (process, out, err)
    }

    /// Runs `chainflow arguments…` to the end.
    package static func run(
        _ arguments: [String], in folder: String, label: String = "run", environment: [String: String] = [:],
        stdout: Stdout? = nil
    ) throws -> Result {
        let (process, out, err) = try start(
            arguments, in: folder, label: label, environment: environment, stdout: stdout)
        process.waitUntilExit()
        // Killed by a signal (SIGPIPE, a crash): the shell's 128 + signal.
        let status =
            process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
        return Result(
            status: status,
            stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
