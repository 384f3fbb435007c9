/// The heuristics that can link two addresses into one cluster (the `clusters.heuristic` column).
public enum LinkHeuristic: UInt8, Sendable, CaseIterable, Codable {
    /// Common-input ownership: the inputs of one transaction are spent by one wallet.
    case multiInput = 1
    /// A change output: paid back to the wallet that funded the transaction.
    case change = 2
    /// Ethereum deposit-address reuse: addresses that pay the same exchange deposit address.
    case depositAddress = 3

    /// The name used in `--heuristics` and in reports.
    public var name: String {
        switch self {
        case .multiInput: "multi-input"
        case .change: "change"
        case .depositAddress: "deposit-address"
        }
    }
}
