import Crypto

/// Identifies an input file by its content, so that re-ingesting it (under any name) is
/// recognised, and a corrected file can resume after the rows it shares with an earlier run.
public enum SourceFingerprint {
    /// SHA-256 of the bytes.
    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }
}

/// SHA-256 of a growing prefix of a file, fed chunk by chunk as rows are committed.
public struct PrefixHasher {
    private var hasher = SHA256()
    public private(set) var length = 0

    public init() {}

    /// Adds `bytes[length..<end]`.
    public mutating func advance(to end: Int, in bytes: UnsafeRawBufferPointer) {
        guard end > length else { return }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[length..<end]))
        length = end
    }

    /// The hash of the prefix so far.
    public var digest: [UInt8] { Array(hasher.finalize()) }
}
