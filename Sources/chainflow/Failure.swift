import FlowReport
public import ArgumentParser
import FlowModel
import Foundation

/// Prints `error` to stderr as one line and returns the exit code for it (sysexits style:
/// 64 usage, 65 bad input data, 66 missing input, 74 I/O or database, 70 internal). Every
/// chainflow error carries its own message, location and code (`ChainflowError`).
func fail(_ error: any Error) -> ExitCode {
    let line: String
    let code: Int32
    switch error {
    case let e as ExitCode:
        return e
    case let e as any ChainflowError:
        line = e.description
        code = e.exitCode
    default:
        line = "chainflow: internal error: \(error)"
        code = ExitStatus.software
    }
    FileHandle.standardError.write(Data((line + "\n").utf8))
    return ExitCode(code)
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The `--db` option every database command takes.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The chainflow database file (SQLite).")
    var db: String
}

/// The `--json` flag of read commands.
struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (snake_case keys, amounts in base units) instead of text.")
    var json = false
}

/// `--network mainnet|testnet|testnet4|signet|regtest`; a bad value is a usage error listing them.
extension Network: ExpressibleByArgument {}
