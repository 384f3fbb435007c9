import FlowAnalysis
import FlowModel
import Testing

/// A deterministic pseudo-random stream (SplitMix64) for property tests.
struct TestRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Builds a `UTXOSnapshot` transaction by transaction for tests.
struct SnapshotBuilder {
    struct In {
        var address: UInt32
        var value: Int64 = 100_000
        var type: UInt8 = 6
        var source: UInt32 = UTXOSnapshot.none
    }
    struct Out {
        var address: UInt32
        var value: Int64
        var type: UInt8 = 6
        var spentBy: UInt32 = UTXOSnapshot.none
    }

    var snapshot = UTXOSnapshot()

    /// Appends a transaction with store id `id`.
    mutating func tx(_ id: Int64, coinbase: Bool = false, _ inputs: [In], _ outputs: [Out]) {
        for i in inputs {
            snapshot.inputAddress.append(i.address)
            snapshot.inputValue.append(i.value)
            snapshot.inputType.append(i.type)
            snapshot.inputSource.append(i.source)
        }
        for o in outputs {
            snapshot.outputAddress.append(o.address)
            snapshot.outputValue.append(o.value)
            snapshot.outputType.append(o.type)
            snapshot.outputSpentBy.append(o.spentBy)
        }
        snapshot.closeTransaction(id: id, coinbase: coinbase)
    }
}

func edgeList(_ e: ClusterEdges) -> [String] {
    (0..<e.count).map {
        "\(e.a[$0])-\(e.b[$0]) \(LinkHeuristic(rawValue: e.heuristic[$0])!.name) @\(e.evidence[$0])"
    }
}
