/// What the browser workspace keeps of an investigation in the case database (migration
/// v9-workspace): the pinned nodes, the notes and the journey log of every expansion and query.
public struct CaseFile: Sendable, Equatable {
    public struct Pin: Sendable, Equatable {
        public var address: String
        public var colour: String
        public var at: String
        public init(address: String, colour: String, at: String) {
            self.address = address
            self.colour = colour
            self.at = at
        }
    }

    public struct Note: Sendable, Equatable {
        public var id: Int64
        public var subject: String
        public var text: String
        public var at: String
        public init(id: Int64, subject: String, text: String, at: String) {
            self.id = id
            self.subject = subject
            self.text = text
            self.at = at
        }
    }

    public struct LogEntry: Sendable, Equatable {
        public var id: Int64
        public var kind: String
        public var detail: String
        public var at: String
        public init(id: Int64, kind: String, detail: String, at: String) {
            self.id = id
            self.kind = kind
            self.detail = detail
            self.at = at
        }
    }

    /// Pinned addresses, in address order (one pin per address: pinning again sets its colour).
    public var pins: [Pin]
    /// Notes, oldest first.
    public var notes: [Note]
    /// The journey log, oldest first.
    public var log: [LogEntry]

    public init(pins: [Pin] = [], notes: [Note] = [], log: [LogEntry] = []) {
        self.pins = pins
        self.notes = notes
        self.log = log
    }
}
