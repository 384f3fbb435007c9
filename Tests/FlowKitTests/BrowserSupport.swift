import FlowReport
import FlowTestSupport
import Foundation
import Testing

/// Renders report pages in headless Chromium, as a reader would open them, for tests of HTML
/// reports.
///
/// Use it from any report test:
/// ```swift
/// guard let page = try Browser.open(html, name: "trace-ledger") else { return }  // no Chromium
/// #expect(page.consoleMessages.isEmpty, "\(page.consoleMessages)")
/// #expect(page.pictures.first?.nodes == picture.nodeCount)
/// ```
/// `open` writes the page to a temporary file, loads it twice (once dumping the DOM after load,
/// once taking a screenshot), and returns what the browser saw. The screenshot is saved as
/// `.build/report-screenshots/<name>.png` under the package root (not committed): look at it.
/// Without a Chromium binary (`chromium`, `chromium-browser`, `google-chrome`) `open` prints a
/// note on stderr and returns nil; mark such tests
/// `@Test(.enabled(if: Browser.chromium != nil, Browser.missing))` so they show as skipped with
/// the reason. `.ci/run` installs Debian's `chromium`. Chromium is heavy: keep the suites that
/// call it `.serialized`.
enum Browser {
    /// What Chromium saw of a page.
    struct Page {
        /// The document as serialized after load (`--dump-dom`).
        var dom: String
        /// Console messages the page produced (errors, blocked loads, CSP violations, script
        /// output): a clean report has none.
        var consoleMessages: [String]
        /// Each `<svg>` of the loaded DOM, in document order, with its drawn nodes and edges
        /// (elements of class `node` and of class `edge`).
        var pictures: [(nodes: Int, edges: Int)]
        /// Where the screenshot was written.
        var screenshot: String
    }

    /// The Chromium binary on PATH, if any.
    static let chromium: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in path.split(separator: ":") {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// Why browser tests are skipped when they are.
    static let missing: Comment = "skipped: chromium is not installed (apt-get install chromium)"

    /// Folder of the screenshots: `.build/report-screenshots` in the package.
    static let screenshots = Fixtures.packageRoot.appendingPathComponent(".build/report-screenshots").path

    /// Loads `html` in headless Chromium; nil (with a note on stderr) when Chromium is absent.
    /// `name` names the screenshot; `size` is the window (width, height) of the screenshot.
    static func open(_ html: String, name: String, size: (Int, Int) = (1280, 1600)) throws -> Page? {
        guard let chromium else {
            FileHandle.standardError.write(
                Data("skipped: no chromium on PATH to render \(name) (apt-get install chromium)\n".utf8))
            return nil
        }
        let dir = try Fixtures.tempDir()
        let file = dir + "/\(name).html"
        try Data(html.utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let png = screenshots + "/\(name).png"
        let common = [
            "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--hide-scrollbars",
            "--user-data-dir=\(dir)/profile", "--enable-logging=stderr", "--v=0",
        ]
        let url = URL(fileURLWithPath: file).absoluteString
        let (dom, log) = try run(chromium, common + ["--dump-dom", url])
        let (_, shotLog) = try run(
            chromium, common + ["--screenshot=\(png)", "--window-size=\(size.0),\(size.1)", url])
        // Console output is logged as `…:INFO:CONSOLE(line)] "message", source: …` (older
        // builds) or `…:INFO:CONSOLE:line] "message"` (newer ones).
        let console = (log + "\n" + shotLog).split(separator: "\n").filter { $0.contains(":CONSOLE") }
            .map(String.init)
        return Page(dom: dom, consoleMessages: console, pictures: pictures(in: dom), screenshot: png)
    }

    /// Nodes and edges of each `<svg>` in a serialized DOM.
    static func pictures(in dom: String) -> [(nodes: Int, edges: Int)] {
        dom.components(separatedBy: "<svg").dropFirst().map { chunk in
            let body = chunk.components(separatedBy: "</svg>").first ?? ""
            return (elements(body, class: "node"), elements(body, class: "edge"))
        }
    }

    /// Elements of `markup` whose class list holds `name` as a whole word (`class="edge back"`
    /// counts for `edge`; `class="edges"` does not).
    static func elements(_ markup: String, class name: String) -> Int {
        let pattern = "<[a-zA-Z]+[^>]*\\sclass=\"(?:[^\"]*\\s)?\(name)(?:\\s[^\"]*)?\""
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return -1 }
        return regex.numberOfMatches(in: markup, range: NSRange(markup.startIndex..., in: markup))
    }

    static func count(_ text: String, _ needle: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Runs a process to its end (stopped after 120 s), returning stdout and stderr.
    static func run(_ executable: String, _ arguments: [String]) throws -> (String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let box = Box(process)
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) {
            if box.process.isRunning { box.process.terminate() }
        }
        // Read stderr on another thread while reading stdout here, so neither pipe fills up.
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            box.errors = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        done.wait()
        process.waitUntilExit()
        return (String(decoding: output, as: UTF8.self), String(decoding: box.errors, as: UTF8.self))
    }

    /// The running browser and its stderr, shared with the watchdog and the reader thread.
    final class Box: @unchecked Sendable {
        let process: Process
        var errors = Data()
        init(_ process: Process) { self.process = process }
    }
}
