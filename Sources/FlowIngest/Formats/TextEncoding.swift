/// Text encodings chainflow does not read but can name: UTF-16 files (Excel's "Unicode Text",
/// PowerShell's `>` redirection, Windows Notepad's "Unicode") are told apart from binary blocks so
/// that the error says how to convert them instead of decoding them as blocks.
public enum TextEncoding {
    /// "UTF-16LE" or "UTF-16BE" when `head` starts with a UTF-16 byte-order mark or looks like
    /// UTF-16 ASCII text (every other byte zero); nil otherwise.
    public static func utf16(_ head: some Collection<UInt8>) -> String? {
        let b = Array(head.prefix(64))
        if b.starts(with: [0xff, 0xfe]) { return "UTF-16LE" }
        if b.starts(with: [0xfe, 0xff]) { return "UTF-16BE" }
        guard b.count >= 8 else { return nil }
        let pairs = stride(from: 0, to: b.count - 1, by: 2).map { (b[$0], b[$0 + 1]) }
        func text(_ c: UInt8) -> Bool { c == 0x09 || c == 0x0a || c == 0x0d || (c >= 0x20 && c < 0x7f) }
        if pairs.allSatisfy({ text($0.0) && $0.1 == 0 }) { return "UTF-16LE" }
        if pairs.allSatisfy({ $0.0 == 0 && text($0.1) }) { return "UTF-16BE" }
        return nil
    }

    /// The message for a UTF-16 file: what it is and the command that converts it.
    public static func utf16Message(_ encoding: String, file: String) -> String {
        "\(encoding) text (Excel's \"Unicode Text\" or PowerShell output): chainflow reads UTF-8; convert it first, e.g. iconv -f UTF-16 -t UTF-8 '\(file)' > converted.csv"
    }
}
