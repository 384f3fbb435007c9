import FlowModel
import Testing

@testable import FlowIngest

@Suite("Identifier check of the transfer-CSV byte path")
struct IdentifierCheckTests {
    /// The rule spelled out scalar by scalar.
    static func reference(_ bytes: [UInt8]) -> UTF8Check.Problem? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .notUTF8 }
        return text.unicodeScalars.first(where: TerminalText.isActive).map { .active($0) }
    }

    @Test("the eight-bytes-at-a-time check agrees with the scalar rule on random and edge bytes")
    func againstReference() {
        var random = SplitMix64(seed: 0x1d3)
        // Printable ASCII mostly, with controls, DEL, high bytes and multi-byte scalars mixed in.
        let pieces: [[UInt8]] = [
            [0x00], [0x1F], [0x20], [0x7E], [0x7F], [0x80], [0xC2, 0x85], [0xC3, 0xBC], [0xE2, 0x80, 0xAE],
            [0xE2, 0x81, 0xA6], [0xEF, 0xBB, 0xBF], [0xF0, 0x9F, 0x92, 0xB8], [0xFF], [0x09], [0x0A],
        ]
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            let length = random.below(40)
            while bytes.count < length {
                if random.below(6) == 0 {
                    bytes += pieces[random.below(pieces.count)]
                } else {
                    bytes.append(UInt8(0x20 + random.below(0x5F)))
                }
            }
            let fast = bytes.withUnsafeBytes { UTF8Check.identifierProblem($0) }
            #expect(fast == Self.reference(bytes), "\(bytes)")
        }
    }
}
