public import FlowModel

/// A change-output heuristic: which outputs of a transaction it *cannot rule out* as the change
/// paid back to the spender (the candidate-set formulation of BlockSci, Kalodner et al., USENIX
/// Security 2020). Change heuristics are opt-in: each has known false positives, and a wrong
/// change link merges two unrelated clusters, which is how super-clusters form (Möser and
/// Narayanan, "Resurrecting Address Clustering in Bitcoin", FC 2022, measure the error rates).
///
/// Every heuristic considers only outputs that pay an address (never OP_RETURN or bare
/// multisig), in non-coinbase transactions with at least two such outputs whose inputs are all
/// known, and which are not CoinJoin-like.
public enum ChangeHeuristic: String, Sendable, CaseIterable, Codable {
    /// The output is the first payment ever to its address (in chain order): wallets send
    /// change to a fresh address. Meiklejohn et al., "A Fistful of Bitcoins", IMC 2013
    /// (heuristic 2); BlockSci's `client_change_address_behavior`. False positives: payees'
    /// fresh receiving addresses — most wallets show a new address per payment, so this is only
    /// safe when exactly one output qualifies, and even then merges payees; Meiklejohn et al.
    /// also waited to see the address never reused, which this heuristic does not.
    case oneTime = "one-time"
    /// The output pays one of the transaction's input addresses (change sent back to the
    /// spending address). BlockSci's `address_reuse`; Androulaki et al., "Evaluating User
    /// Privacy in Bitcoin", FC 2013. It links nothing new beside multi-input (the address is
    /// already an input address); it matters in combinations, where it points at the change and
    /// so rules out the other outputs. False positives: payments back to the payer.
    case addressReuse = "address-reuse"
    /// All inputs spend one script type and the output has that type (wallets keep one type).
    /// BlockSci's `address_type`; Möser and Narayanan 2022. False positives: payees of the same
    /// type — with P2WPKH the common type today, weak on its own.
    case addressType = "address-type"
    /// The output is smaller than every input: if the change were larger than some input, coin
    /// selection would not have needed that input. Nick, "Data-Driven De-Anonymization in
    /// Bitcoin" (ETH Zürich, 2015); BlockSci's `optimal_change`. False positives: wallets that do
    /// not select coins optimally, and payments smaller than every input.
    case optimalChange = "optimal-change"
    /// The output's value is *not* a multiple of 10^digits satoshi: payments are often round
    /// amounts, change rarely is. Androulaki et al. 2013; BlockSci's `power_of_ten_value`
    /// (default 6 digits = 0.01 BTC). False positives: payments fixed in fiat (not round in BTC).
    case roundValue = "round-value"
    /// In a peeling chain (one input, two outputs, and the previous or a next transaction also
    /// has one input and two outputs), the output that continues the chain — unspent, or spent
    /// by a one-input two-output transaction — is the change. Meiklejohn et al. 2013 (peeling
    /// chains); BlockSci's `peeling_chain`. It depends on later transactions, so a run with it
    /// always reclusters in full. False positives: ordinary one-in-two-out payments.
    case peelingChain = "peeling-chain"
}

/// A composition of change heuristics: `a&b` (an output must qualify under both), `a|b` (under
/// either), `&` binding tighter than `|` (BlockSci composes its heuristics the same way). With
/// `requireUnique` (the default), a transaction's change is linked only when exactly one output
/// qualifies; otherwise every qualifying output is linked.
public struct ChangeRule: Sendable, Equatable, CustomStringConvertible {
    /// Alternatives, each a conjunction of heuristics.
    public var terms: [[ChangeHeuristic]]
    public var requireUnique: Bool
    /// `round-value`: a payment is a multiple of 10^roundDigits satoshi.
    public var roundDigits: Int

    public init(terms: [[ChangeHeuristic]], requireUnique: Bool = true, roundDigits: Int = 6) {
        self.terms = terms
        self.requireUnique = requireUnique
        self.roundDigits = roundDigits
    }

    /// Parses `one-time`, `one-time&address-type`, `optimal-change|round-value`, …
    public static func parse(_ text: String) throws(ChangeRuleError) -> ChangeRule {
        var terms: [[ChangeHeuristic]] = []
        for alternative in text.split(separator: "|", omittingEmptySubsequences: false) {
            var term: [ChangeHeuristic] = []
            for name in alternative.split(separator: "&", omittingEmptySubsequences: false) {
                let trimmed = name.trimmingSpaces
                guard let h = ChangeHeuristic(rawValue: trimmed) else {
                    throw ChangeRuleError(text: text, bad: trimmed)
                }
                if !term.contains(h) { term.append(h) }
            }
            terms.append(term)
        }
        return ChangeRule(terms: terms)
    }

    /// Canonical text (`a&b|c`).
    public var description: String {
        terms.map { $0.map(\.rawValue).joined(separator: "&") }.joined(separator: "|")
    }

    public var heuristics: Set<ChangeHeuristic> { Set(terms.joined()) }

    /// Whether a decision can change when later transactions arrive (peeling-chain looks at how
    /// outputs are spent).
    public var dependsOnLaterTransactions: Bool { heuristics.contains(.peelingChain) }
}

/// A change rule that names no known heuristic.
public struct ChangeRuleError: ChainflowError {
    public var text: String
    public var bad: String
    public var kind: String { "usage" }
    public var location: String? { nil }
    public var exitCode: Int32 { ExitStatus.usage }
    public var description: String { message }
    public var message: String {
        "unknown change heuristic '\(bad.prefix(40))' in '\(text.prefix(80))'; known: "
            + ChangeHeuristic.allCases.map(\.rawValue).joined(separator: ", ")
            + " (combine with & and |)"
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
