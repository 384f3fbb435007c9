import FlowStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// A value bound to a statement's `$n` parameter.
enum PGBind: Sendable {
    case int(Int64?)
    case text(String?)
    case bytes([UInt8]?)
    /// An exact amount as NUMERIC (sent as decimal digits).
    case numeric(String?)
    /// A `bigint[]` (for `= ANY($n)`).
    case ints([Int64])
}

/// One connection to the server, used synchronously: the store contract's calls are synchronous,
/// so each statement is sent on NIO's event loop and the calling thread waits for its answer.
/// Never call it from an event loop thread. Statements on one session run one at a time.
final class PostgresSession: @unchecked Sendable {
    let connection: PostgresConnection
    let url: PostgresURL
    let logger: Logger
    private let lock = NSLock()

    private init(connection: PostgresConnection, url: PostgresURL, logger: Logger) {
        self.connection = connection
        self.url = url
        self.logger = logger
    }

    deinit {
        try? connection.close().wait()
    }

    /// Connects to `url`; an unreachable server, a refused login or a missing database is a
    /// `StoreError` saying which, with the URL less its password.
    static func connect(_ url: PostgresURL) throws(StoreError) -> PostgresSession {
        let logger = Logger(label: "chainflow.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        var configuration: PostgresConnection.Configuration
        if let socket = url.socketPath {
            configuration = .init(
                unixSocketPath: socket, username: url.user, password: url.password, database: url.database)
        } else {
            configuration = .init(
                host: url.host, port: url.port, username: url.user, password: url.password,
                database: url.database, tls: .disable)
        }
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeout))
        do {
            let connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1,
                logger: logger
            ).wait()
            return PostgresSession(connection: connection, url: url, logger: logger)
        } catch {
            throw connectError(error, url: url)
        }
    }

    static func connectError(_ error: any Error, url: PostgresURL) -> StoreError {
        let target = url.socketPath.map { "the socket \($0)" } ?? "\(url.host):\(url.port)"
        if let e = error as? PSQLError {
            if let info = e.serverInfo {
                let state = info[.sqlState] ?? ""
                let message = info[.message] ?? "refused"
                switch state {
                case "3D000":
                    return StoreError(
                        .cannotOpen,
                        "the server has no database '\(url.database.prefix(60))' (\(message)); create it with `createdb \(url.database.prefix(60))`",
                        path: url.description)
                case "28P01", "28000":
                    return StoreError(
                        .io,
                        "the server refused the login of '\(url.user.prefix(60))': \(message) (give the password in PGPASSWORD or ~/.pgpass)",
                        path: url.description)
                default:
                    return StoreError(
                        .io, "the server refused the connection: \(message)", path: url.description)
                }
            }
            if e.code == .authMechanismRequiresPassword {
                return StoreError(
                    .io,
                    "the server asks for a password for '\(url.user.prefix(60))'; give it in PGPASSWORD or ~/.pgpass",
                    path: url.description)
            }
            if e.code == .unsupportedAuthMechanism {
                return StoreError(
                    .io, "the server asks for an authentication method chainflow does not speak",
                    path: url.description)
            }
            let cause = e.underlying.map { "\($0)" } ?? "\(e.code)"
            return StoreError(
                .io,
                "cannot reach a PostgreSQL server at \(target) (\(cause)); is it running, and is the URL's host and port right?",
                path: url.description)
        }
        return StoreError(
            .io,
            "cannot reach a PostgreSQL server at \(target) (\(error)); is it running, and is the URL's host and port right?",
            path: url.description)
    }

    /// The store error for a failed statement: the server's message (bound values are not in it).
    func storeError(_ error: any Error, doing: String) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? PSQLError {
            if let info = e.serverInfo {
                let state = info[.sqlState] ?? ""
                let message = info[.message] ?? "failed"
                let code: StoreError.Code = state.hasPrefix("23") ? .conflict : .io
                return StoreError(
                    code, "\(doing) failed: \(message) (SQLSTATE \(state))", path: url.description)
            }
            let cause = e.underlying.map { "\($0)" } ?? "\(e.code)"
            return StoreError(
                .io, "\(doing) failed: the connection to the server broke (\(cause))", path: url.description)
        }
        return StoreError(.io, "\(doing) failed: \(error)", path: url.description)
    }

    static func bindings(_ binds: [PGBind]) -> PostgresBindings {
        var b = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .int(let v): b.append(v)
            case .text(let v): b.append(v)
            case .bytes(let v): b.append(v.map { ByteBuffer(bytes: $0) })
            case .numeric(let v):
                // Sent as text; the statement casts it (`$n::numeric`), exact either way.
                b.append(v)
            case .ints(let v): b.append(v)
            }
        }
        return b
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func query(_ sql: String, _ binds: [PGBind] = [], doing: String) throws(StoreError) -> [PostgresRow] {
        lock.lock()
        defer { lock.unlock() }
        do {
            let q = PostgresQuery(unsafeSQL: sql, binds: Self.bindings(binds))
            return try connection.query(q, logger: logger).wait().rows
        } catch {
            throw storeError(error, doing: doing)
        }
    }

    /// Runs one statement and hands each row to `body`, on the calling thread.
    func forEach(
        _ sql: String, _ binds: [PGBind] = [], doing: String, _ body: (PostgresRow) throws -> Void
    ) throws(StoreError) {
        let rows = try query(sql, binds, doing: doing)
        do {
            for row in rows { try body(row) }
        } catch {
            throw storeError(error, doing: doing)
        }
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ binds: [PGBind] = [], doing: String) throws(StoreError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        do {
            let q = PostgresQuery(unsafeSQL: sql, binds: Self.bindings(binds))
            return try connection.query(q, logger: logger).wait().metadata.rows ?? 0
        } catch {
            throw storeError(error, doing: doing)
        }
    }

    /// Streams `data` (COPY text format, one row a line) into `table`'s `columns` through
    /// `COPY … FROM STDIN`, in the open transaction.
    func copy(table: String, columns: [String], data: [UInt8], doing: String) throws(StoreError) {
        lock.lock()
        defer { lock.unlock() }
        let connection = self.connection
        let logger = self.logger
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    var offset = 0
                    let step = 1 << 20
                    while offset < data.count {
                        let end = min(offset + step, data.count)
                        try await writer.write(ByteBuffer(bytes: data[offset..<end]))
                        offset = end
                    }
                }
            } catch {
                box.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = box.get() { throw storeError(error, doing: doing) }
    }
}

/// The error a detached task hands back to the thread waiting for it.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?
    func set(_ e: any Error) {
        lock.lock()
        error = e
        lock.unlock()
    }
    func get() -> (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
}

extension PostgresRow {
    /// Column `index` decoded as `T`; a store error naming what was read on a type mismatch.
    func decodeColumn<T: PostgresDecodable>(_ index: Int, _ type: T.Type, doing: String, path: String)
        throws(StoreError) -> T
    {
        do {
            return try makeRandomAccess()[index].decode(T.self)
        } catch {
            throw StoreError(.io, "\(doing): column \(index) has an unexpected type (\(error))", path: path)
        }
    }
}

/// Reads the columns of one row in order (decoding each cell once), for rows with many columns.
struct PGColumns {
    let row: PostgresRandomAccessRow
    let doing: String
    let path: String
    private(set) var index = 0

    init(_ row: PostgresRow, doing: String, path: String) {
        self.row = row.makeRandomAccess()
        self.doing = doing
        self.path = path
    }

    /// The next column as `T`.
    mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws(StoreError) -> T {
        defer { index += 1 }
        do {
            return try row[index].decode(T.self)
        } catch {
            throw StoreError(.io, "\(doing): column \(index) has an unexpected type (\(error))", path: path)
        }
    }
}
