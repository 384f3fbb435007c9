/// One entry of an alert's review history.
public struct AlertReview: Sendable, Equatable {
    public var status: String
    public var note: String
    public var reviewer: String
    /// ISO-8601 UTC.
    public var at: String

    public init(status: String, note: String, reviewer: String, at: String) {
        self.status = status
        self.note = note
        self.reviewer = reviewer
        self.at = at
    }
}
