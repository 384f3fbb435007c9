public import ArgumentParser
import FlowKit
import FlowModel
import FlowReport
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
    case let e as NSError where e.domain == NSCocoaErrorDomain || e.domain == NSPOSIXErrorDomain:
        // A file error no layer located: say which file and what is wrong with it, never
        // Foundation's "Error Domain=NSCocoaErrorDomain Code=…".
        let path = (e.userInfo[NSFilePathErrorKey] as? String) ?? (e.userInfo[NSURLErrorKey] as? URL)?.path
        if let path {
            // Foundation's write errors are codes 512-1023, its read errors 256-511.
            let writing = e.domain == NSCocoaErrorDomain && (512..<1024).contains(e.code)
            line = "\(path): error: \(FileProblem.describe(e, path: path, writing: writing))"
        } else {
            line = "chainflow: error: \(FileProblem.describe(e, path: "/", writing: false))"
        }
        code = ExitStatus.ioError
    default:
        line = "chainflow: internal error: \(error)"
        code = ExitStatus.software
    }
    // Messages quote labels, names and file contents: a control character in them must not redraw
    // the terminal (`TerminalText`).
    FileHandle.standardError.write(Data((TerminalText.output(line) + "\n").utf8))
    return ExitCode(code)
}

/// Writes `text` and `terminator` to standard output, as `print` would but through
/// `ReportOutput`: a full disk or a closed pipe is reported and exit 74, never lost silently.
/// Control characters and bidi overrides in the text (labels, names and symbols it quotes) are
/// shown as escapes (`TerminalText.output`); JSON has none left to change (`JSONValue` escapes
/// them). CSV goes through `emitData`, unchanged.
func emit(_ text: String, terminator: String = "\n") throws {
    try emitData(TerminalText.output(text), terminator: terminator)
}

/// Writes `text` to standard output as it is (CSV cells keep their bytes).
func emitData(_ text: String, terminator: String = "\n") throws {
    do {
        try ReportOutput.write(text + terminator, to: nil)
    } catch {
        throw fail(error)
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((TerminalText.output(text) + "\n").utf8))
}

/// The `--db` option every database command takes.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The case database: a SQLite file, or a PostgreSQL server as postgresql://USER@HOST:PORT/DBNAME.")
    var db: String
}

/// The `--json` flag of read commands.
struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (snake_case keys, amounts in base units) instead of text.")
    var json = false
}

/// `--network mainnet|testnet|testnet4|signet|regtest`; a bad value is a usage error listing them.
extension Network: ExpressibleByArgument {}
