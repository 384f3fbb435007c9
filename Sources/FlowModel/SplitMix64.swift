/// SplitMix64 (Steele, Lea & Flood 2014): a tiny deterministic generator and 64-bit mixer. The
/// generated chains and ledgers seed from it, the benchmarks draw their inputs from it and the
/// property tests their cases, so a given seed gives the same stream on every machine (and a
/// failing case can be replayed).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return SplitMix64.mix(state)
    }

    /// A value in `0..<bound` by remainder (the bias is below 2⁻³² for bounds under 2³²).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// The SplitMix64 finalizer: a bijective mix of one 64-bit word.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
