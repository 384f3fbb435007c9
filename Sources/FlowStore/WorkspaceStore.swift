public import FlowModel
import GRDB

extension Schema {
    /// The browser workspace's own tables: the case file of `chainflow serve`. The case data is
    /// never written by the workspace; these tables are.
    static let v9Workspace = """
        CREATE TABLE case_pins (
            address TEXT PRIMARY KEY,
            colour TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE case_notes (
            id INTEGER PRIMARY KEY,
            subject TEXT NOT NULL,
            text TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE case_log (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL,
            at TEXT NOT NULL
        );
        """
}

extension GraphStore {
    /// Pins `address` to the case with `colour` (pinning it again sets the colour).
    public func casePin(address: String, colour: String, at: String) throws(StoreError) {
        try write("pinning a node") { db in
            try db.execute(
                sql:
                    "INSERT INTO case_pins (address, colour, at) VALUES (?, ?, ?) ON CONFLICT(address) DO UPDATE SET colour = excluded.colour",
                arguments: [address, colour, at])
        }
    }

    /// Adds a note about `subject` (an address, a transaction, or empty for the case).
    public func caseNote(subject: String, text: String, at: String) throws(StoreError) -> Int64 {
        try write("adding a note") { db in
            try db.execute(
                sql: "INSERT INTO case_notes (subject, text, at) VALUES (?, ?, ?)",
                arguments: [subject, text, at])
            return db.lastInsertedRowID
        }
    }

    /// Appends an entry to the journey log.
    public func caseLog(kind: String, detail: String, at: String) throws(StoreError) {
        try write("logging a step") { db in
            try db.execute(
                sql: "INSERT INTO case_log (kind, detail, at) VALUES (?, ?, ?)",
                arguments: [kind, detail, at])
        }
    }

    /// The case file; empty when the database has no workspace tables yet.
    public func caseFile() throws(StoreError) -> CaseFile {
        try read("reading the case") { db in
            guard try db.tableExists("case_pins") else { return CaseFile() }
            let pins = try Row.fetchAll(db, sql: "SELECT address, colour, at FROM case_pins ORDER BY address")
                .map {
                    CaseFile.Pin(address: $0[0], colour: $0[1], at: $0[2])
                }
            let notes = try Row.fetchAll(db, sql: "SELECT id, subject, text, at FROM case_notes ORDER BY id")
                .map {
                    CaseFile.Note(id: $0[0], subject: $0[1], text: $0[2], at: $0[3])
                }
            let log = try Row.fetchAll(db, sql: "SELECT id, kind, detail, at FROM case_log ORDER BY id").map {
                CaseFile.LogEntry(id: $0[0], kind: $0[1], detail: $0[2], at: $0[3])
            }
            return CaseFile(pins: pins, notes: notes, log: log)
        }
    }
}
