import FlowModel

/// xoshiro256** (Blackman & Vigna 2018), seeded through SplitMix64 (FlowModel).
///
/// The generator never touches the system RNG and draws only integers, so a given seed produces
/// the same stream on every platform. Every helper below uses integer arithmetic only (no
/// floating point, no libm), which keeps generated chains byte-identical across machines.
struct SimRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A value in `0..<bound` (Lemire's multiply-high; the bias is below 2⁻³² for our bounds).
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: UInt64(bound).multipliedFullWidth(by: next()).high)
    }

    /// A value in `range`.
    @inline(__always)
    mutating func within(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `perMille` / 1000.
    @inline(__always)
    mutating func chance(perMille: Int) -> Bool {
        below(1000) < perMille
    }
}

/// A discrete distribution over integer ranges, sampled with integer weights.
///
/// Each bucket is a weight and an inclusive range; a draw picks a bucket by weight, then a value
/// uniformly inside its range.
struct Buckets {
    private var cumulative: [Int] = []
    private var ranges: [ClosedRange<Int>] = []

    init(_ buckets: [(weight: Int, range: ClosedRange<Int>)]) {
        var total = 0
        for bucket in buckets where bucket.weight > 0 {
            total += bucket.weight
            cumulative.append(total)
            ranges.append(bucket.range)
        }
    }

    func draw(_ random: inout SimRandom) -> Int {
        let total = cumulative.last ?? 0
        guard total > 0 else { return 0 }
        let x = random.below(total)
        var i = 0
        while cumulative[i] <= x { i += 1 }
        return random.within(ranges[i])
    }
}
