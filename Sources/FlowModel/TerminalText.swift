/// Untrusted text shown on a terminal: labels, token symbols, account names and error messages
/// that quote them. A terminal acts on control characters: ESC starts ANSI/OSC sequences (erase a
/// line, move the cursor, set the title, make a link), CR returns to the line's start so later text
/// overwrites it, and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069)
/// reorder what follows. Each such character is shown as a visible escape instead (`\u{1B}`), so
/// what the file says is what the analyst sees.
public enum TerminalText {
    /// Whether a terminal (or a text viewer) would act on the scalar instead of showing it:
    /// C0 controls, DEL, C1 controls, the bidi embeddings, overrides and isolates, the line and
    /// paragraph separators (U+2028, U+2029) and the byte-order mark (U+FEFF).
    @inlinable
    public static func isActive(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029, 0xFEFF: return true
        default: return false
        }
    }

    /// The visible form of an active scalar: `\u{1B}` (hexadecimal, upper case).
    public static func visible(_ u: Unicode.Scalar) -> String {
        "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
    }

    /// One field (a label, a symbol, a name): every active scalar, line breaks and tabs included,
    /// shown as its escape.
    public static func field(_ s: String) -> String { escaped(s, keeping: []) }

    /// A whole text output: like `field`, but line feeds and tabs stay (they are the output's own
    /// layout).
    public static func output(_ s: String) -> String { escaped(s, keeping: [0x0A, 0x09]) }

    private static func escaped(_ s: String, keeping: Set<UInt32>) -> String {
        // Text with no active scalar comes back as it is, without copying.
        guard s.unicodeScalars.contains(where: { isActive($0) && !keeping.contains($0.value) }) else {
            return s
        }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if isActive(u) && !keeping.contains(u.value) {
                out.append(contentsOf: visible(u).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }
}
