/// The laundering typologies and red flags chainflow names: each rule of a rule file runs the
/// detector of one (FlowAnalysis), each instance `chainflow generate ledger` plants is one
/// (FlowSim), and labels and evaluations speak of them by these names.
///
/// Typologies follow IBM AMLSim / AMLworld (fan-in, fan-out, cycle, bipartite, stack,
/// scatter-gather, gather-scatter, random walk; Altman et al., "Realistic Synthetic Financial
/// Transactions for Anti-Money Laundering Models", NeurIPS 2023; Suzumura & Kanezashi, AMLSim,
/// 2021) and FATF red-flag indicators (structuring below reporting thresholds, rapid movement of
/// funds, dormant accounts suddenly active, exposure to sanctioned or mixer addresses: FATF,
/// "Virtual Assets Red Flag Indicators of Money Laundering and Terrorist Financing", 2020).
public enum AmlTypology: String, Sendable, CaseIterable, Codable {
    case fanIn = "fan-in"
    case fanOut = "fan-out"
    case scatterGather = "scatter-gather"
    case gatherScatter = "gather-scatter"
    case cycle
    case bipartite
    case stack
    case randomWalk = "random-walk"
    case structuring
    case passThrough = "pass-through"
    case velocity
    case exposure
    case peelChain = "peel-chain"

    /// The typologies an account-model ledger can carry, in planting order: all but peel chains,
    /// which live on UTXO chains (`chainflow generate bitcoin` plants those).
    public static let ledger: [AmlTypology] = allCases.filter { $0 != .peelChain }
}
