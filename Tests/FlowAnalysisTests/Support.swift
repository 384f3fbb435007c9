import FlowAnalysis
import FlowModel
import Testing

/// The property tests' deterministic stream (a failure replays from its seed).
typealias TestRandom = SplitMix64

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
