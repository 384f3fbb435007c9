import Foundation

/// Gives byte strings (addresses, account names) dense ids without making a `String` per lookup:
/// an open-addressing table over one arena of key bytes. A lookup hashes the bytes once and
/// compares them only against keys whose full 64-bit hash matches, so a known key costs one hash
/// and one compare, and only new keys are copied.
///
/// The hash is seeded per process (like `Hasher`), so an input cannot be crafted offline to put
/// its keys in one probe chain. Not thread-safe: one owner at a time.
public struct ByteInterner: ~Copyable {
    private struct Slot {
        var hash: UInt64
        var offset: Int
        var length: Int
        var id: Int64
    }

    private var slots: UnsafeMutablePointer<Slot>
    private var mask: Int
    public private(set) var count = 0
    private var arena: UnsafeMutableRawPointer
    private var arenaUsed = 0
    private var arenaCapacity: Int
    private let seed: (UInt64, UInt64)

    public init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(hash: 0, offset: 0, length: -1, id: 0), count: size)
        mask = size - 1
        arenaCapacity = max(1 << 12, capacity * 32)
        arena = .allocate(byteCount: arenaCapacity, alignment: 8)
        var random = SystemRandomNumberGenerator()
        seed = (random.next() | 1, random.next())
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
    }

    /// The id of `key`, or nil when it has none.
    public func id(_ key: UnsafeRawBufferPointer) -> Int64? {
        let (slot, found) = probe(key, hash(key))
        return found ? slots[slot].id : nil
    }

    /// The id of `key`, inserting it with `id()` when new; `isNew` tells which.
    @inline(__always)
    public mutating func intern(_ key: UnsafeRawBufferPointer, isNew: inout Bool, id newId: () -> Int64)
        -> Int64
    {
        let h = hash(key)
        let (slot, found) = probe(key, h)
        isNew = !found
        if found { return slots[slot].id }
        let id = newId()
        insert(key, hash: h, at: slot, id: id)
        return id
    }

    /// Stores `key` with `id` (the caller knows it is not stored yet).
    public mutating func insert(_ key: UnsafeRawBufferPointer, id: Int64) {
        let h = hash(key)
        insert(key, hash: h, at: probe(key, h).slot, id: id)
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeRawBufferPointer, _ h: UInt64) -> (slot: Int, found: Bool) {
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].length >= 0 {
            if slots[i].hash == h && equal(slots[i], key) { return (i, true) }
            i = (i + 1) & mask
        }
        return (i, false)
    }

    private mutating func insert(_ key: UnsafeRawBufferPointer, hash h: UInt64, at slot: Int, id: Int64) {
        if arenaUsed + key.count > arenaCapacity {
            var grown = arenaCapacity * 2
            while arenaUsed + key.count > grown { grown *= 2 }
            let next = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 8)
            next.copyMemory(from: arena, byteCount: arenaUsed)
            arena.deallocate()
            arena = next
            arenaCapacity = grown
        }
        if let base = key.baseAddress { (arena + arenaUsed).copyMemory(from: base, byteCount: key.count) }
        slots[slot] = Slot(hash: h, offset: arenaUsed, length: key.count, id: id)
        arenaUsed += key.count
        count += 1
        if count * 2 > mask + 1 { grow() }
    }

    private mutating func grow() {
        let oldSize = mask + 1
        let old = slots
        let size = oldSize * 2
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(hash: 0, offset: 0, length: -1, id: 0), count: size)
        mask = size - 1
        for j in 0..<oldSize where old[j].length >= 0 {
            var i = Int(truncatingIfNeeded: old[j].hash) & mask
            while slots[i].length >= 0 { i = (i + 1) & mask }
            slots[i] = old[j]
        }
        old.deallocate()
    }

    @inline(__always)
    private func equal(_ slot: Slot, _ key: UnsafeRawBufferPointer) -> Bool {
        guard slot.length == key.count else { return false }
        guard let base = key.baseAddress, key.count > 0 else { return true }
        return memcmp(arena + slot.offset, base, key.count) == 0
    }

    /// A 64-bit hash of the bytes: 8-byte words folded by full-width multiplication with the
    /// process's seed (the mixing step of wyhash-style hashes).
    @inline(__always)
    private func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h = seed.1 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return Self.mix(h, seed.0) }
        var i = 0
        let n = key.count
        while i + 8 <= n {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = Self.mix(h ^ word, seed.0)
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = Self.mix(h ^ tail, seed.0)
        }
        return Self.mix(h, seed.0 ^ 0x9E37_79B9_7F4A_7C15)
    }

    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }
}
