public import FlowModel
import Foundation
import GRDB

extension Schema {
    /// Analysts' reviews of alerts: an append-only history per alert.
    static let v6Reviews = """
        CREATE TABLE alert_reviews (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL REFERENCES alerts(id),
            status TEXT NOT NULL CHECK (status IN ('open', 'escalated', 'closed-true', 'closed-false')),
            note TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX alert_reviews_by_alert ON alert_reviews(alert_id, id);
        CREATE TRIGGER alert_reviews_append_only_update BEFORE UPDATE ON alert_reviews
            BEGIN SELECT RAISE(ABORT, 'alert reviews are append-only'); END;
        CREATE TRIGGER alert_reviews_append_only_delete BEFORE DELETE ON alert_reviews
            BEGIN SELECT RAISE(ABORT, 'alert reviews are append-only'); END;
        """
}

/// A reviewed alert, for labels: its latest status, typology, addresses and transfers.
public struct ReviewedAlert: Sendable, Equatable {
    public var fingerprint: String
    public var typology: String
    public var status: String
    public var addressIds: [Int64]
    public var subjectIds: [Int64]
    public var transferIds: [Int64]
}

extension GraphStore {
    public static let reviewStatuses = ["open", "escalated", "closed-true", "closed-false"]

    /// Appends a review to the alert whose id (fingerprint) is `id` or starts with it; returns the
    /// full fingerprint and the alert's history, oldest first. An unknown or ambiguous id is an error.
    public func review(alert id: String, status: String, note: String, reviewer: String, at: String)
        throws(StoreError) -> (fingerprint: String, history: [AlertReview])
    {
        guard GraphStore.reviewStatuses.contains(status) else {
            throw StoreError(
                .conflict,
                "unknown status '\(status)'; give \(GraphStore.reviewStatuses.joined(separator: ", "))",
                path: path)
        }
        return try write("storing a review") { db in
            let matches = try Row.fetchAll(
                db, sql: "SELECT id, fingerprint FROM alerts WHERE fingerprint LIKE ? ESCAPE '\\' LIMIT 3",
                arguments: [
                    id.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                        + "%"
                ])
            guard !id.isEmpty, matches.count == 1 else {
                throw StoreError(
                    .notFound,
                    matches.isEmpty
                        ? "no stored alert has the id '\(id)' (ids are in `aml run` output; only stored runs keep alerts)"
                        : "the id '\(id)' fits several alerts (\(matches.map { $0[1] as String }.joined(separator: ", "))…); give more of it",
                    path: path)
            }
            let alertId: Int64 = matches[0][0]
            try db.execute(
                sql:
                    "INSERT INTO alert_reviews (alert_id, status, note, reviewer, at) VALUES (?, ?, ?, ?, ?)",
                arguments: [alertId, status, note, reviewer, at])
            let history = try Row.fetchAll(
                db,
                sql: "SELECT status, note, reviewer, at FROM alert_reviews WHERE alert_id = ? ORDER BY id",
                arguments: [alertId]
            ).map { AlertReview(status: $0[0], note: $0[1], reviewer: $0[2], at: $0[3]) }
            return (matches[0][1], history)
        }
    }

    /// The latest review status of each alert given by fingerprint (unreviewed ones are absent).
    public func alertStatuses(_ fingerprints: [String]) throws(StoreError) -> [String: String] {
        try read("reading reviews") { db in
            guard try db.tableExists("alert_reviews") else { return [:] }
            let statement = try db.makeStatement(
                sql: """
                    SELECT r.status FROM alert_reviews r JOIN alerts a ON a.id = r.alert_id
                    WHERE a.fingerprint = ? ORDER BY r.id DESC LIMIT 1
                    """)
            var out: [String: String] = [:]
            for f in Set(fingerprints) { out[f] = try String.fetchOne(statement, arguments: [f]) }
            return out
        }
    }

    /// Alerts whose latest review closed them (`closed-true` or `closed-false`), with their evidence.
    public func closedAlerts() throws(StoreError) -> [ReviewedAlert] {
        try read("reading reviews") { db in
            guard try db.tableExists("alert_reviews") else { return [] }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.fingerprint, a.typology, r.status FROM alerts a JOIN alert_reviews r ON r.alert_id = a.id
                    WHERE r.id = (SELECT max(id) FROM alert_reviews WHERE alert_id = a.id)
                      AND r.status IN ('closed-true', 'closed-false')
                    ORDER BY a.id
                    """)
            return try rows.map { row in
                let id: Int64 = row[0]
                return ReviewedAlert(
                    fingerprint: row[1], typology: row[2], status: row[3],
                    addressIds: try Int64.fetchAll(
                        db,
                        sql: "SELECT address_id FROM alert_addresses WHERE alert_id = ? ORDER BY address_id",
                        arguments: [id]),
                    subjectIds: try Int64.fetchAll(
                        db,
                        sql:
                            "SELECT address_id FROM alert_addresses WHERE alert_id = ? AND subject ORDER BY address_id",
                        arguments: [id]),
                    transferIds: try Int64.fetchAll(
                        db,
                        sql:
                            "SELECT transfer_id FROM alert_transfers WHERE alert_id = ? ORDER BY transfer_id",
                        arguments: [id]))
            }
        }
    }
}
