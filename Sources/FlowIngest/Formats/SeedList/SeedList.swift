import Foundation

/// A seed list (`chainflow trace --from-file`): one seed per line, as text. `#` starts a comment,
/// white space around a seed is not part of it, blank lines are skipped; any line ending (LF,
/// CRLF, CR) and a UTF-8 byte-order mark are accepted. What a seed names is FlowKit's
/// `TraceSeed`; this reads only the list.
public enum SeedList {
    /// One seed of a list and the 1-based line it is on.
    public struct Entry: Sendable, Equatable {
        public var text: String
        public var line: Int

        public init(text: String, line: Int) {
            self.text = text
            self.line = line
        }
    }

    /// The seeds of a list's text, in order.
    public static func entries(_ text: String) -> [Entry] {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        var entries: [Entry] = []
        // Swift reads "\r\n" as one Character, which is a newline: every line ending splits.
        for (index, line) in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .enumerated()
        {
            let content =
                line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let seed = content.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !seed.isEmpty else { continue }
            entries.append(Entry(text: seed, line: index + 1))
        }
        return entries
    }
}
