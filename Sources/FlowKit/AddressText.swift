import FlowBitcoin
import Foundation

/// An address as a user typed or pasted it on the command line (`chainflow address X`).
public enum AddressText {
    /// The address without white space around it (a pasted space or tab) and without an
    /// `address:` kind in front (the spelling trace seeds use).
    public static func normalized(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.lowercased().hasPrefix("address:") else { return trimmed }
        return String(trimmed.dropFirst("address:".count)).trimmingCharacters(in: .whitespaces)
    }

    /// Why `text` cannot be an address, when that is visible from the text alone: a Bitcoin
    /// address (Base58Check or Bech32) whose checksum fails. Nil otherwise (a ledger account
    /// name can be any text).
    public static func problem(_ text: String) -> String? {
        AddressCodec.hasBadChecksum(text)
            ? "'\(text.prefix(90))' is not a valid Bitcoin address: invalid checksum (a character mistyped, missing or extra?)"
            : nil
    }
}
