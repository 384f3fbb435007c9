import Testing

@testable import FlowModel

@Suite("Byte-keyed interner of ledger addresses")
struct ByteInternerTests {
    /// A key of `length` bytes drawn from a small alphabet, so that keys repeat and share prefixes
    /// and 8-byte words.
    static func key(_ random: inout SplitMix64, length: Int) -> [UInt8] {
        (0..<length).map { _ in UInt8(ascii: "a") + UInt8(random.below(3)) }
    }

    @Test("ids agree with a dictionary through growth, for keys of every length up to 70 bytes")
    func againstDictionary() {
        var random = SplitMix64(seed: 0xb17e)
        var table = ByteInterner(capacity: 4)
        var model: [[UInt8]: Int64] = [:]
        var next: Int64 = 1
        for _ in 0..<20_000 {
            let k = Self.key(&random, length: random.below(71))
            var isNew = false
            let id = k.withUnsafeBytes { bytes in
                table.intern(bytes, isNew: &isNew) {
                    defer { next += 1 }
                    return next
                }
            }
            if let known = model[k] {
                #expect(!isNew && id == known, "\(k)")
            } else {
                #expect(isNew && id == next - 1, "\(k)")
                model[k] = id
            }
        }
        #expect(table.count == model.count)
        for (k, id) in model {
            #expect(k.withUnsafeBytes { table.id($0) } == id)
        }
        // Keys never interned are absent, including a prefix and an extension of stored ones.
        for _ in 0..<2_000 {
            let k = Self.key(&random, length: 71 + random.below(10))
            #expect(k.withUnsafeBytes { table.id($0) } == nil)
        }
    }

    @Test("the empty key and keys equal but for their last byte are told apart")
    func edges() {
        var table = ByteInterner()
        let keys: [[UInt8]] = [
            [], Array("0xab".utf8), Array("0xac".utf8), Array("0x0123456789abcdef".utf8),
            Array("0x0123456789abcdeg".utf8),
        ]
        for (i, k) in keys.enumerated() { k.withUnsafeBytes { table.insert($0, id: Int64(i + 10)) } }
        for (i, k) in keys.enumerated() { #expect(k.withUnsafeBytes { table.id($0) } == Int64(i + 10)) }
        #expect(Array("0x0123456789abcdeh".utf8).withUnsafeBytes { table.id($0) } == nil)
    }
}
