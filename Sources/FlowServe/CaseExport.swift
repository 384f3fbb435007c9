import Crypto
import FlowKit
import FlowModel
import FlowReport
import Foundation

/// The case file as JSON, its page, and its export as a frozen evidence folder.
enum CaseExport {
    static func json(_ c: CaseFile) -> JSONValue {
        .object([
            ("schema_version", .int(1)),
            (
                "pins",
                .array(
                    c.pins.map {
                        .object([
                            ("address", .string($0.address)), ("colour", .string($0.colour)),
                            ("at", .string($0.at)),
                        ])
                    })
            ),
            (
                "notes",
                .array(
                    c.notes.map {
                        .object([
                            ("id", .int($0.id)), ("subject", .string($0.subject)), ("text", .string($0.text)),
                            ("at", .string($0.at)),
                        ])
                    })
            ),
            (
                "log",
                .array(
                    c.log.map {
                        .object([
                            ("id", .int($0.id)), ("kind", .string($0.kind)), ("detail", .string($0.detail)),
                            ("at", .string($0.at)),
                        ])
                    })
            ),
        ])
    }

    /// `/case`: pins, notes (with the form to add one), the journey log, the export button.
    static func page(_ c: CaseFile, location: String, token: String?, dressed: Bool = true) -> String {
        let pins = HTMLTable(
            caption: "\(c.pins.count) pinned",
            columns: [.init("address"), .init("colour"), .init("pinned at")],
            rows: c.pins.map {
                [
                    Workspace.link("/address/" + Workspace.percent($0.address), .code($0.address)),
                    .text($0.colour), .text($0.at),
                ]
            })
        let notes = HTMLTable(
            caption: c.notes.count == 1 ? "1 note" : "\(c.notes.count) notes",
            columns: [.init("at"), .init("subject"), .init("note")],
            rows: c.notes.map { [.text($0.at), .code($0.subject), .text($0.text)] }, cssClass: "case-notes")
        let log = HTMLTable(
            caption: c.log.count == 1 ? "1 step" : "\(c.log.count) steps",
            columns: [.init("at"), .init("step"), .init("detail")],
            rows: c.log.map { [.text($0.at), .text($0.kind), .text($0.detail)] }, cssClass: "case-log")
        let form = HTML(
            raw: """
                <form id="case-note-form"><input name="subject" size="40" placeholder="address or transaction (optional)"> <input name="text" size="60" placeholder="note" required> <button>Add note</button></form>
                <p id="case-status" class="hint"></p>

                """)
        let export = HTML(
            raw:
                "<p><button type=\"button\" id=\"case-export\">Export evidence folder</button> the pinned addresses' reports (HTML and JSON), the case log, the database's state, and SHA-256 of each file.</p>\n<div id=\"case-export-result\"></div>\n"
        )
        guard dressed else {
            // The evidence folder's copy: a report of its own, without the workspace's forms and script.
            return HTMLPage(
                title: "Case", subtitle: location,
                sections: [
                    HTMLSection(title: "Pinned nodes", blocks: [pins.html]),
                    HTMLSection(title: "Notes", blocks: [notes.html]),
                    HTMLSection(title: "Journey log", blocks: [log.html]),
                ]
            ).render()
        }
        return Workspace.page(
            "Case", subtitle: location,
            sections: [
                HTMLSection(title: "Pinned nodes", id: "case-pins", blocks: [pins.html]),
                HTMLSection(title: "Notes", id: "case-notes", blocks: [form, notes.html]),
                HTMLSection(title: "Journey log", id: "case-log", blocks: [log.html]),
                HTMLSection(title: "Export", id: "case-export-panel", blocks: [export]),
            ], token: token)
    }

    struct ExportedFile {
        var name: String
        var sha256: String
        var bytes: Int
    }

    /// Writes the evidence folder under `root` (`<root>/case-<UTC time>`): `case.json`,
    /// `case.html`, `database-state.json` (the tables' checksums), for each pinned address its
    /// report as `address-<A>.json` and `.html`, and `SHA256SUMS` (`sha256sum -c` reads it).
    /// Nothing is overwritten: a folder that exists is an error.
    static func export(_ db: CaseDatabase, root: String, now: Date = Date()) throws -> JSONValue {
        let c = try db.caseFile()
        let stamp = TimeParser.isoString(Int64(now.timeIntervalSince1970)).replacingOccurrences(
            of: ":", with: "")
        var folder = root + "/case-" + stamp
        var n = 1
        while FileManager.default.fileExists(atPath: folder) {
            n += 1
            folder = root + "/case-\(stamp)-\(n)"
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var files: [ExportedFile] = []
        func put(_ name: String, _ text: String) throws {
            let data = Data(text.utf8)
            try data.write(to: URL(fileURLWithPath: folder + "/" + name), options: .withoutOverwriting)
            files.append(ExportedFile(name: name, sha256: hex(SHA256.hash(data: data)), bytes: data.count))
        }
        let state = try db.stateChecksums()
        let stateDoc = JSONValue.object(
            [("database", .string(db.location))]
                + state.keys.sorted().map { ($0, JSONValue.string(state[$0] ?? "")) })
        try put("database-state.json", stateDoc.rendered())
        try put("case.json", json(c).rendered())
        try put("case.html", page(c, location: db.location, token: nil, dressed: false))
        for pin in c.pins {
            let report = try db.addressReport(pin.address, counterparties: 10)
            let name = "address-" + safe(pin.address)
            try put(name + ".json", AddressReportRender.json(report).rendered())
            try put(name + ".html", AddressReportRender.html(report).html)
        }
        let sums = files.map { "\($0.sha256)  \($0.name)\n" }.joined()
        try Data(sums.utf8).write(
            to: URL(fileURLWithPath: folder + "/SHA256SUMS"), options: .withoutOverwriting)
        return .object([
            ("folder", .string(folder)),
            (
                "database_state_sha256",
                .string(files.first { $0.name == "database-state.json" }?.sha256 ?? "")
            ),
            (
                "files",
                .array(
                    files.map {
                        .object([
                            ("name", .string($0.name)), ("sha256", .string($0.sha256)),
                            ("bytes", .int(Int64($0.bytes))),
                        ])
                    })
            ),
            ("sha256sums", .string(hex(SHA256.hash(data: Data(sums.utf8))))),
        ])
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    /// An address as a file name: letters, digits, `-` and `_` kept, anything else `_`.
    static func safe(_ s: String) -> String {
        String(s.prefix(100).map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
    }
}
