public import FlowModel

/// An error from the database layer: what failed, on which database, and how to fix it.
/// Bound values are kept out of the message.
public struct StoreError: ChainflowError {
    public enum Code: String, Sendable {
        /// The file is not a chainflow database or cannot be opened.
        case cannotOpen
        /// Another process holds the write lock.
        case busy
        /// A statement failed (disk full, read-only file, corruption).
        case io
        /// A lookup found nothing (unknown txid or address).
        case notFound
        /// Input contradicts what is stored (e.g. an asset's decimals): bad input data.
        case conflict
        /// The backend cannot do this yet (a PostgreSQL database and a command it does not serve).
        case unsupported
    }

    public var code: Code
    public var message: String
    public var path: String

    public init(_ code: Code, _ message: String, path: String) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var kind: String { code.rawValue }
    public var location: String? { path }
    public var description: String { "\(path): error: \(message)" }

    /// sysexits-style code: 66 for a missing database or an unknown txid/address, 74 for I/O and
    /// database problems.
    public var exitCode: Int32 {
        switch code {
        case .notFound, .cannotOpen: ExitStatus.noInput
        case .conflict: ExitStatus.dataError
        case .unsupported: ExitStatus.usage
        default: ExitStatus.ioError
        }
    }
}
