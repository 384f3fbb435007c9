import FlowReport
import FlowTestSupport
import Foundation
import Testing

/// Labels and asset symbols written by an attacker, through the `chainflow` executable (issue 15,
/// finding 5): Markdown reports keep them as text (no live image, no fake heading, no extra table
/// cell), terminal output shows control characters and bidi overrides as escapes instead of
/// acting on them, and every CSV writer defuses formula-looking cells with one rule.
@Suite("Hostile labels and symbols in reports, terminal text and CSV")
struct HostileTextTests {
    /// A label that erases the line above it on a terminal and writes its own.
    static let eraser = "Corner Bakery\r\u{1b}[2K\u{1b}[1Asanctions: none"
    /// An OSC 8 hyperlink and a window-title change.
    static let osc = "\u{1b}]8;;https://evil.example/\u{07}click\u{1b}]8;;\u{07}\u{1b}]0;pwned\u{07}"
    /// Markdown that would render as an image with a handler, a new row and a heading.
    static let markdown =
        "x|<img src=x onerror=alert(1)>\n# Verified: no sanctions exposure\n![a](javascript:alert(1))"
    /// Right-to-left override and isolate: the text reads backwards on screen.
    static let bidi = "exe.\u{202E}gpj\u{2066}x\u{2069} C1:\u{9B}31m"
    static let formulas = [
        "-1+cmd|' /C calc'!A0", " =HYPERLINK(\"http://e\")", "\t=1+1", "\r=1+1", "@SUM(A1)", "＝1+1",
    ]

    /// The hostile symbol: one asset of the ledger is named with Markdown and control characters.
    static let symbol = "EVIL|<img src=x onerror=alert(1)>"

    /// A case whose hub ACC-2001 and its counterparties carry the hostile labels, and that moved
    /// the hostile asset.
    static func hostileCase() throws -> (dir: String, db: String) {
        let dir = try Fixtures.tempDir()
        let db = dir + "/case.db"
        func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let ledger =
            "tx,time,from,to,amount,cur\n1,2024-03-01T09:00:00Z,ACC-1001,ACC-2001,9500.00,USD\n"
            + "2,2024-03-01T10:00:00Z,ACC-1002,ACC-2001,12.5,\(quoted(symbol))\n"
            + "3,2024-03-02T10:00:00Z,ACC-2001,ACC-3001,100.00,USD\n"
        try ledger.write(toFile: dir + "/ledger.csv", atomically: true, encoding: .utf8)
        let ingest = try CLIProcess.run(
            [
                "ingest", "--quiet", "--db", db, "--format", "transfers-csv", "--map",
                "tx=tx,time=time,from=from,to=to,amount=amount,asset=cur", dir + "/ledger.csv",
            ], in: dir)
        try #require(ingest.status == 0, "\(ingest.stderr)")
        var entries: [[String: String]] = [
            ["address": "ACC-2001", "label": eraser, "category": "customer"],
            ["address": "ACC-2001", "label": bidi, "category": "note\u{1b}[8m"],
            ["address": "ACC-1001", "label": markdown, "category": "sanctions"],
            ["address": "ACC-1002", "label": osc, "category": "mixer"],
        ]
        entries.append(["address": "ACC-3001", "label": "x", "category": "-2+3"])
        for (k, f) in formulas.enumerated() {
            entries.append(["address": "ACC-3001", "label": f, "category": "c\(k)"])
        }
        let json = try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys])
        try json.write(to: URL(fileURLWithPath: dir + "/labels.json"))
        let tags = try CLIProcess.run(["tags", "import", "--db", db, dir + "/labels.json"], in: dir)
        try #require(tags.status == 0, "\(tags.stderr)")
        let cluster = try CLIProcess.run(["cluster", "run", "--db", db], in: dir)
        try #require(cluster.status == 0, "\(cluster.stderr)")
        return (dir, db)
    }

    /// No scalar a terminal acts on, line feeds and tabs aside.
    static func activeScalars(_ s: String) -> [String] {
        s.unicodeScalars.filter { u in
            u != "\n" && u != "\t"
                && ((0...0x1F).contains(u.value) || (0x7F...0x9F).contains(u.value)
                    || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value))
        }.map { String(format: "U+%04X", $0.value) }
    }

    /// How often `c` occurs without a backslash escaping it.
    static func unescapedCount(_ md: some StringProtocol, _ c: Character) -> Int {
        var count = 0
        var escaped = false
        for x in md {
            if escaped {
                escaped = false
            } else if x == "\\" {
                escaped = true
            } else if x == c {
                count += 1
            }
        }
        return count
    }

    /// Markdown that stays text: no raw HTML, image or heading of the attacker's, every table row
    /// as many cells as its header, no active character.
    static func checkMarkdown(_ md: String, _ what: String) {
        #expect(unescapedCount(md, "<") == 0, "\(what): raw HTML")
        #expect(unescapedCount(md, "!") == 0, "\(what): an image")
        #expect(!md.contains("\n# Verified"), "\(what): a fake heading")
        #expect(activeScalars(md).isEmpty, "\(what): \(activeScalars(md))")
        var header: Int?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                header = nil
                continue
            }
            let n = unescapedCount(line, "|")
            if let header {
                #expect(
                    n == header, "\(what): a row with \(n) cell breaks under a header of \(header): \(line)")
            } else {
                header = n
            }
        }
        #expect(md.contains("onerror=alert(1)"), "\(what): the label is still shown")
    }

    @Test("address and cluster Markdown reports keep hostile labels and symbols as text")
    func markdownReports() throws {
        let (dir, db) = try Self.hostileCase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for args in [
            ["address", "ACC-2001", "--db", db, "--format", "md"],
            ["address", "ACC-1001", "--db", db, "--format", "md"],
            ["cluster", "show", "ACC-2001", "--db", db, "--format", "md"],
        ] {
            let r = try CLIProcess.run(args, in: dir)
            try #require(r.status == 0, "\(args): \(r.stderr)")
            Self.checkMarkdown(r.stdout, args.joined(separator: " "))
        }
    }

    @Test("terminal text shows control characters and bidi overrides as escapes")
    func terminalText() throws {
        let (dir, db) = try Self.hostileCase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for args in [
            ["address", "ACC-2001", "--db", db], ["address", "ACC-1002", "--db", db],
            ["cluster", "show", "ACC-2001", "--db", db], ["cluster", "flows", "ACC-2001", "--db", db],
            ["tags", "list", "--db", db],
            ["query", "balance-history", "--db", db, "--param", "address=ACC-2001"],
        ] {
            let r = try CLIProcess.run(args, in: dir)
            try #require(r.status == 0, "\(args): \(r.stderr)")
            let what = args.joined(separator: " ")
            #expect(Self.activeScalars(r.stdout).isEmpty, "\(what): \(Self.activeScalars(r.stdout))")
            if args[0] == "address" && args[1] == "ACC-2001" {
                // The label is shown, its controls as escapes, on its own line.
                #expect(
                    r.stdout.contains(#"Corner Bakery\u{D}\u{1B}[2K\u{1B}[1Asanctions: none"#), "\(r.stdout)")
                #expect(r.stdout.contains(#"exe.\u{202E}gpj\u{2066}x\u{2069}"#), "\(r.stdout)")
            }
        }
        // JSON keeps the exact strings, escaped so a terminal does not act on them.
        let json = try CLIProcess.run(["address", "ACC-2001", "--db", db, "--json"], in: dir)
        try #require(json.status == 0, "\(json.stderr)")
        #expect(Self.activeScalars(json.stdout).isEmpty, "\(Self.activeScalars(json.stdout))")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8))
        #expect(String(describing: object).contains("\u{202E}"))
        // Error messages quote what the user typed or the file said: escaped too.
        let bad = try CLIProcess.run(["address", "ACC-9\r\u{1b}[2K\u{202E}", "--db", db], in: dir)
        #expect(bad.status != 0)
        #expect(Self.activeScalars(bad.stderr).isEmpty, "\(Self.activeScalars(bad.stderr)): \(bad.stderr)")
    }

    @Test(
        "the formula guard: one rule for every CSV cell",
        arguments: [
            ("-1+cmd|' /C calc'!A0", true), ("=1+1", true), ("+1", true), ("@SUM(A1)", true), ("\t=1", true),
            ("\r=1", true), (" =1+1", true), ("\n\n-2+3", true), ("＝1+1", true), ("－1", true),
            ("-12", false), ("-0.5", false), ("12.5", false), ("ACC-1001", false), ("", false),
            ("a=b", false),
            ("- ", true), ("-", true), ("1e5", false),
        ])
    func formulaGuard(_ cell: String, _ guarded: Bool) {
        #expect(CSVText.defused(cell).hasPrefix("'") == guarded, "\(cell.debugDescription)")
        var writer = CSVWriter()
        writer.cell(cell)
        #expect(writer.text == CSVText.cell(cell), "the streamed CSV writer and the cell rule agree")
    }

    @Test("address, query, AML and trace CSV guard hostile cells with the one rule")
    func csvWriters() throws {
        let (dir, db) = try Self.hostileCase()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outputs = [
            ["address", "ACC-3001", "--db", db, "--format", "csv"],
            ["address", "ACC-2001", "--db", db, "--format", "csv"],
            ["query", "tag-exposure", "--db", db, "--param", "address=ACC-2001", "--format", "csv"],
            ["trace", "--db", db, "--from", "ACC-2001", "--asset", "USD", "--format", "csv"],
            ["aml", "run", "--db", db, "--dry-run", "--format", "csv"],
        ]
        for args in outputs {
            let r = try CLIProcess.run(args, in: dir)
            try #require(r.status == 0, "\(args): \(r.stderr)")
            let cells = Self.csvCells(r.stdout)
            for cell in cells {
                #expect(!CSVText.isFormulaLike(cell), "\(args): a live formula cell \(cell.debugDescription)")
            }
            if args[0] == "trace" {
                #expect(cells.contains { $0.hasPrefix("'-2+3 ") }, "\(args): the category list not defused")
            }
            if args[1] == "ACC-3001" || args[0] == "query" {
                for f in Self.formulas {
                    #expect(cells.contains("'" + f), "\(args): \(f.debugDescription) not defused")
                }
            }
        }
    }

    /// The cells of an RFC 4180 document.
    static func csvCells(_ text: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        cell.unicodeScalars.append("\"")
                        chars = chars.dropFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," || c == "\n" {
                cells.append(cell)
                cell = ""
            } else {
                cell.unicodeScalars.append(c)
            }
        }
        return cells
    }
}
