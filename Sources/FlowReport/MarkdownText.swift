import FlowModel

/// Untrusted text in the Markdown reports: one rule for plain text and one for code spans, used
/// by every document's Markdown renderer (trace, AML run, address and cluster profiles).
package enum MarkdownText {
    /// Text that stays text: Markdown's active characters are backslash-escaped (so a label
    /// cannot open a link, an image, emphasis, a heading, an entity or raw HTML), a pipe cannot end
    /// a table cell and a line break cannot end a table row; control characters and bidi
    /// overrides (`TerminalText.isActive`) are shown as escapes (`\u{1B}`), so a file viewed on a
    /// terminal cannot be redrawn by its labels either.
    package static func text(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "|", "\\", "`", "*", "_", "[", "]", "<", ">", "#", "!", "&", "~", "$":
                out += "\\" + String(u)
            case "\n", "\r", "\u{2028}", "\u{2029}", "\u{85}": out += " "
            default:
                if TerminalText.isActive(u) {
                    out += "\\" + TerminalText.visible(u)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// Text as a code span (addresses, txids): backticks become quotes, a pipe cannot end a table
    /// cell, a line break cannot end a table row, active characters are shown as escapes.
    package static func code(_ s: String) -> String {
        var out = "`"
        for u in s.unicodeScalars {
            switch u {
            case "`": out += "'"
            case "|": out += "\\|"
            case "\n", "\r", "\u{2028}", "\u{2029}", "\u{85}": out += " "
            default:
                if TerminalText.isActive(u) {
                    out += TerminalText.visible(u)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "`"
    }
}
