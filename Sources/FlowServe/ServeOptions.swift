public import FlowModel
import Foundation

/// Options of `chainflow serve`: which database, where to listen, and the token API calls must
/// carry.
public struct ServeOptions: Sendable {
    /// The case database (`--db`).
    public var database: String
    /// Host or address to bind (`--host`); loopback unless a token protects the server.
    public var host: String
    /// TCP port (`--port`); 0 picks a free one (the URL printed names it).
    public var port: Int
    /// The bearer token (`--token`) every API call must send as `Authorization: Bearer T`.
    public var token: String?
    /// Read-only database handles serving requests at once (default: the core count, at least 2).
    public var readers: Int

    public init(
        database: String, host: String = "127.0.0.1", port: Int = 8080, token: String? = nil,
        readers: Int? = nil
    ) {
        self.database = database
        self.host = host
        self.port = port
        self.token = token
        self.readers = max(2, readers ?? ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Whether `host` names this machine only: `localhost`, `127.x.x.x` or `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased()
        if h == "localhost" || h == "::1" || h == "[::1]" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The checks made before the server starts: a port in range, a token that can be sent in a
    /// header, and no listening beyond this machine without a token (usage errors, exit 64).
    public func validate() throws(UsageError) {
        guard (0...65535).contains(port) else {
            throw UsageError("--port must be 0…65535, got \(port)", command: "serve")
        }
        guard !host.isEmpty else {
            throw UsageError("--host is empty; give 127.0.0.1 or an address", command: "serve")
        }
        if let token {
            guard token.count >= 8, token.unicodeScalars.allSatisfy({ (0x21...0x7e).contains($0.value) })
            else {
                throw UsageError(
                    "--token must be at least 8 printable ASCII characters without spaces (it is sent as `Authorization: Bearer T`)",
                    command: "serve")
            }
        } else if !Self.isLoopback(host) {
            throw UsageError(
                "--host \(host.prefix(60)) makes the case data reachable from other machines; give --token T as well (every API call then needs `Authorization: Bearer T`), or bind 127.0.0.1",
                command: "serve")
        }
    }
}
