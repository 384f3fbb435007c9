/// How taint passes through a transaction or an account (the taint policies of the literature).
///
/// - `poison`: any tainted input taints every output fully (Möser, Böhme and Breuker, "Towards
///   Risk Scoring of Bitcoin Transactions", FC 2014: "poison"). It never loses track of a coin
///   but over-taints: amounts do not add up to the seeds.
/// - `haircut`: each output carries the tainted share of its inputs (Möser et al. 2014,
///   "haircut"); an account's outflow carries its tainted share of the balance at that moment.
///   Exact integer shares; conserves value.
/// - `fifo`: first in, first out: input and output amounts are laid end to end in their order
///   and each output carries the overlap with tainted input ranges (Anderson, Shumailov, Ryan and
///   Stajano, "Bitcoin Redux", WEIS 2018, following the rule of *Clayton's Case*, 1816); an
///   account spends its oldest value first. Tracked per unit (ranges, not shares); conserves
///   value.
public enum TracePolicy: String, Sendable, CaseIterable, Codable {
    case poison
    case haircut
    case fifo

    /// Whether traced amounts add up exactly to the seeds (poison over-taints by design).
    public var conservesValue: Bool { self != .poison }
}

/// Forward: where did the seeds' value go. Backward: where did it come from.
public enum TraceDirection: String, Sendable, Codable {
    case forward
    case backward
}
