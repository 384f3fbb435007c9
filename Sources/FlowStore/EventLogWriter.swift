public import FlowModel
import Foundation
import GRDB

// Ethereum event logs: the `logs` table (migration `v7-event-logs-token-ids`, docs/schema.md).

extension TransferWriter {
    /// Inserts one log into the open chunk (ignored when its transaction and log index are
    /// stored); returns whether it was new.
    @discardableResult
    public func append(log: EventLog, address: Int64, source: Int64) throws -> Bool {
        try begin()
        var topics: [DatabaseValue] = log.topics.prefix(4).map { Data($0.bigEndianBytes).databaseValue }
        while topics.count < 4 { topics.append(.null) }
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO logs
                  (tx, log_index, block, time, address_id, topic0, topic1, topic2, topic3, data, source_id, line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                log.tx, log.logIndex, log.block, log.time, address, topics[0], topics[1], topics[2],
                topics[3],
                Data(log.data), source, log.line,
            ])
        let added = db.changesCount > 0
        if added { summary.logs += 1 }
        return added
    }

    /// The stored logs of `tx`, by log index.
    public func logs(tx: String) throws -> [EventLog] {
        try Self.logs(db, tx: tx)
    }

    static func logs(_ db: Database, tx: String) throws -> [EventLog] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT l.tx, l.log_index, l.block, l.time, a.address, l.topic0, l.topic1, l.topic2, l.topic3,
                  l.data, l.line
                FROM logs l JOIN addresses a ON a.id = l.address_id WHERE l.tx = ? ORDER BY l.log_index
                """, arguments: [tx])
        return rows.map { r in
            var topics: [UInt256] = []
            for i in 5...8 {
                guard let d = r[i] as Data?, let t = UInt256(bigEndianBytes: [UInt8](d)) else { break }
                topics.append(t)
            }
            return EventLog(
                tx: r[0], logIndex: r[1], block: r[2], time: r[3], address: r[4], topics: topics,
                data: [UInt8](r[9] as Data? ?? Data()), line: r[10] ?? 0)
        }
    }
}
