public import FlowStore
import Foundation

/// A PostgreSQL connection target read from a `--db` text in libpq's URL form:
/// `postgresql://[USER[:PASSWORD]@][HOST][:PORT][/DBNAME][?PARAM=VALUE&…]` (also `postgres://`).
///
/// What the URL leaves out comes from libpq's environment variables (`PGHOST`, `PGPORT`, `PGUSER`,
/// `PGDATABASE`) and then libpq's defaults (the local socket folder, port 5432, the login name,
/// a database named like the user). The query parameters `host`, `port`, `user`, `dbname`,
/// `sslmode`, `connect_timeout` and `application_name` are read; any other is an error naming it.
/// An empty host or one starting with `/` is a Unix socket folder. The password is taken from the
/// URL, else `PGPASSWORD`, else the password file (`PGPASSFILE` or `~/.pgpass`, libpq's format,
/// read only when no one but its owner can read it); it is never part of `description`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// A TCP host name or address, or a Unix socket folder (starts with `/`).
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// Never printed.
    public var password: String?
    /// `disable`, `allow` or `prefer` (chainflow connects without TLS for all three); `require`
    /// and stricter modes are refused until TLS is supported.
    public var sslMode: String
    /// Seconds to wait for the server to answer (`connect_timeout`, default 10).
    public var connectTimeout: Int

    /// Whether `text` names a PostgreSQL server rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
    }

    /// The URL without its password: what errors and reports show.
    public var description: String {
        let hostPart = host.hasPrefix("/") ? "" : (host.contains(":") ? "[\(host)]" : host)
        var text = "postgresql://\(Self.escape(user))@\(hostPart):\(port)/\(Self.escape(database))"
        if host.hasPrefix("/") { text += "?host=\(Self.escape(host))" }
        return text
    }

    /// The Unix socket file for a socket folder host (`.s.PGSQL.PORT` in it), nil for TCP.
    public var socketPath: String? {
        host.hasPrefix("/") ? (host.hasSuffix("/") ? host : host + "/") + ".s.PGSQL.\(port)" : nil
    }

    /// Reads `text` with this process's environment (see `parse(_:environment:)`).
    public static func parse(_ text: String) throws(StoreError) -> PostgresURL {
        try parse(text, environment: ProcessInfo.processInfo.environment)
    }

    /// Reads `text` with the environment `env` and the password file it names; an error names
    /// the part of the URL that is wrong, never the password.
    public static func parse(_ text: String, environment env: [String: String]) throws(StoreError)
        -> PostgresURL
    {
        func bad(_ why: String) -> StoreError {
            StoreError(.cannotOpen, why, path: "--db")
        }
        guard let schemeEnd = text.range(of: "://") else { throw bad("not a postgresql:// URL") }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var userInfo: Substring?
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        var user: String?
        var password: String?
        if let info = userInfo {
            if let colon = info.firstIndex(of: ":") {
                user = try unescape(info[..<colon], part: "user")
                password = try unescape(info[info.index(after: colon)...], part: "password")
            } else {
                user = try unescape(info, part: "user")
            }
        }
        // Host and port: `host`, `host:port`, `[v6]`, `[v6]:port`, or empty.
        var host: String?
        var port: String?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw bad("'[' without ']' in the host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                port = String(after.dropFirst())
            } else if !after.isEmpty {
                throw bad("unexpected '\(after.prefix(20))' after the host")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = String(rest[rest.index(after: colon)...])
        } else if !rest.isEmpty {
            host = String(rest)
        }
        if host?.isEmpty == true { host = nil }
        if port?.isEmpty == true { port = nil }
        if let h = host { host = try unescape(Substring(h), part: "host") }
        var database = path.isEmpty ? nil : try unescape(path, part: "database name")
        var sslMode = env["PGSSLMODE"] ?? "prefer"
        var timeout = env["PGCONNECT_TIMEOUT"]
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try unescape(parts[0], part: "parameter")
            let value = parts.count > 1 ? try unescape(parts[1], part: "parameter \(key)") : ""
            switch key {
            case "host": host = value
            case "port": port = value
            case "user": user = value
            case "dbname": database = value
            case "password":
                throw bad("give the password in PGPASSWORD or ~/.pgpass, not in the URL's parameters")
            case "sslmode": sslMode = value
            case "connect_timeout": timeout = value
            case "application_name": break
            default:
                throw bad(
                    "unknown URL parameter '\(key.prefix(40))'; chainflow reads host, port, user, dbname, sslmode, connect_timeout and application_name"
                )
            }
        }
        let finalHost = host ?? env["PGHOST"] ?? "/var/run/postgresql"
        let portText = port ?? env["PGPORT"] ?? "5432"
        guard let portNumber = Int(portText), (1...65535).contains(portNumber) else {
            throw bad("port '\(portText.prefix(20))' is not a number from 1 to 65535")
        }
        let finalUser = user ?? env["PGUSER"] ?? env["USER"] ?? NSUserName()
        let finalDatabase = database ?? env["PGDATABASE"] ?? finalUser
        switch sslMode {
        case "disable", "allow", "prefer": break
        case "require", "verify-ca", "verify-full":
            throw bad(
                "sslmode=\(sslMode) asks for TLS, which chainflow does not speak to PostgreSQL yet; connect over a local socket or a trusted network with sslmode=disable"
            )
        default:
            throw bad("sslmode '\(sslMode.prefix(20))' is not one of disable, allow, prefer, require")
        }
        var seconds = 10
        if let t = timeout {
            guard let n = Int(t), n >= 0 else {
                throw bad("connect_timeout '\(t.prefix(20))' is not a number of seconds")
            }
            seconds = n == 0 ? 3600 : max(n, 2)
        }
        var url = PostgresURL(
            host: finalHost, port: portNumber, user: finalUser, database: finalDatabase, password: password,
            sslMode: sslMode, connectTimeout: seconds)
        if url.password == nil {
            url.password = env["PGPASSWORD"] ?? passwordFromFile(url, environment: env)
        }
        return url
    }

    /// The password libpq's password file gives for `url`: the first line whose host, port,
    /// database and user fields match (`*` matches anything; `\:` and `\\` escape). nil when
    /// there is no file, no line matches, or others can read the file (libpq ignores it then).
    static func passwordFromFile(_ url: PostgresURL, environment env: [String: String]) -> String? {
        let path = env["PGPASSFILE"] ?? (NSHomeDirectory() as NSString).appendingPathComponent(".pgpass")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = attributes[.posixPermissions] as? Int, mode & 0o077 == 0,
            let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        // A socket host matches `localhost` in the file, as in libpq.
        let host = url.host.hasPrefix("/") ? "localhost" : url.host
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = pgpassFields(line)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(url.port), url.database, url.user]
            if zip(fields, wanted).allSatisfy({ $0.0 == "*" || $0.0 == $0.1 }) { return fields[4] }
        }
        return nil
    }

    /// The colon-separated fields of a password file line, with `\:` and `\\` unescaped.
    static func pgpassFields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for c in line {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }

    static func unescape(_ text: Substring, part: String) throws(StoreError) -> String {
        guard let value = String(text).removingPercentEncoding else {
            throw StoreError(.cannotOpen, "the URL's \(part) has a bad %-escape", path: "--db")
        }
        return value
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
