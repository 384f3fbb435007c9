/// Untrusted text in the Markdown reports: one rule for plain text and one for code spans, used
/// by every document's Markdown renderer (trace, AML run, address and cluster profiles).
package enum MarkdownText {
    /// Text that stays text: Markdown's active characters are backslash-escaped (so a label
    /// cannot open a link, an image, emphasis, a heading or raw HTML), a pipe cannot end a table
    /// cell and a line break cannot end a table row.
    package static func text(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "|", "\\", "`", "*", "_", "[", "]", "<", ">", "#": out += "\\" + String(c)
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// Text as a code span (addresses, txids): backticks become quotes, a pipe cannot end a table
    /// cell, a line break cannot end a table row.
    package static func code(_ s: String) -> String {
        var out = "`"
        for c in s {
            switch c {
            case "`": out += "'"
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out + "`"
    }
}
