public import FlowModel

/// An error reading input data, compiler style: where (file, byte offset or line, block), what was
/// expected and what was found.
public struct IngestError: ChainflowError, Equatable {
    /// What kind of problem it is; decides the exit code.
    public enum Code: String, Sendable {
        case truncated
        case badMagic
        case badLength
        case badVarint
        case badHex
        case badValue
        case merkleMismatch
        case trailingData
        case unknownFormat
        /// A file with no bytes (or only whitespace): nothing to ingest.
        case emptyFile
        case missingFile
        case io
    }

    public var code: Code
    public var message: String
    public var file: String?
    /// Byte offset in the file where the problem was found.
    public var offset: Int?
    /// 1-based line (text formats).
    public var line: Int?
    /// 0-based index of the block in the file.
    public var blockIndex: Int?
    /// 1-based column (text formats).
    public var column: Int?
    /// The field (CSV column or JSON key) holding the bad value.
    public var field: String?

    public init(
        _ code: Code, _ message: String, file: String? = nil, offset: Int? = nil, line: Int? = nil,
        blockIndex: Int? = nil, column: Int? = nil, field: String? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.line = line
        self.blockIndex = blockIndex
        self.column = column
        self.field = field
    }

    public var kind: String { code.rawValue }

    /// `file:line:column`, `file: byte N`, then the block and the field.
    public var location: String? {
        var location = file ?? "<input>"
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        if let offset { location += ": byte \(offset)" }
        if let blockIndex { location += ": block #\(blockIndex)" }
        if let field { location += ": field '\(field)'" }
        return location
    }

    /// `file:line` or `file: byte N`, then the block, then the message.
    public var description: String { "\(location ?? "<input>"): error: \(message)" }

    /// sysexits-style code: 66 missing input, 74 I/O, 65 bad data.
    public var exitCode: Int32 {
        switch code {
        case .missingFile: ExitStatus.noInput
        case .io: ExitStatus.ioError
        default: ExitStatus.dataError
        }
    }
}

/// Shortens a value for an error message: at most `limit` characters, with an ellipsis.
package func quoted(_ text: some StringProtocol, limit: Int = 40) -> String {
    let s = String(text)
    if s.count <= limit { return "'\(s)'" }
    return "'\(s.prefix(limit))…'"
}
