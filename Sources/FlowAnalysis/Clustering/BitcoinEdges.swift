public import FlowModel

/// Which Bitcoin heuristics a clustering run applies.
public struct BitcoinHeuristicOptions: Sendable, Equatable {
    /// Common-input ownership: all inputs of a transaction belong to one wallet (Nakamoto 2008,
    /// §10; Reid and Harrigan, "An Analysis of Anonymity in the Bitcoin System", 2011; Meiklejohn
    /// et al., IMC 2013, heuristic 1). False positives: CoinJoins (see `CoinJoinRule`), PayJoin
    /// (BIP78, built to look ordinary: undetectable) and coins shared by custodians.
    public var multiInput: Bool
    /// Leave CoinJoin-like transactions out of every heuristic (`CoinJoinRule`).
    public var skipCoinJoin: Bool
    /// Change heuristics, when any.
    public var change: ChangeRule?

    public init(multiInput: Bool = true, skipCoinJoin: Bool = true, change: ChangeRule? = nil) {
        self.multiInput = multiInput
        self.skipCoinJoin = skipCoinJoin
        self.change = change
    }
}

/// What the Bitcoin heuristics found in a snapshot.
public struct BitcoinEdgeReport: Sendable, Equatable {
    /// Non-coinbase transactions examined.
    public var transactions = 0
    /// All inputs of the snapshot (coinbases' included).
    public var inputs = 0
    /// Transactions with two or more distinct input addresses that the multi-input heuristic used.
    public var multiInputTransactions = 0
    /// Store ids of the CoinJoin-like transactions left out, in chain order.
    public var coinJoins: [Int64] = []
    /// Transactions whose change output was linked.
    public var changeLinked = 0
    /// Transactions where more than one output qualified as change (not linked).
    public var changeAmbiguous = 0
    /// Transactions not judged because an input's value, type or address is unknown.
    public var changeUnknownInputs = 0

    public init() {}

    mutating func add(_ o: BitcoinEdgeReport) {
        transactions += o.transactions
        inputs += o.inputs
        multiInputTransactions += o.multiInputTransactions
        coinJoins += o.coinJoins
        changeLinked += o.changeLinked
        changeAmbiguous += o.changeAmbiguous
        changeUnknownInputs += o.changeUnknownInputs
    }
}

/// Turns a `UTXOSnapshot` into clustering edges with the chosen heuristics.
///
/// Per transaction, in chain order: multi-input edges join the first input address to every
/// other distinct input address (a star: the same clusters as every pair, with fewer edges);
/// then the change edge joins the first input address to the change output's address. The
/// transactions are cut into chunks examined in parallel and concatenated in order, so the edges
/// do not depend on the thread count.
public enum BitcoinEdges {
    public static func build(
        _ s: UTXOSnapshot, options: BitcoinHeuristicOptions, threads: Int
    ) -> (edges: ClusterEdges, report: BitcoinEdgeReport) {
        let n = s.transactionCount
        let fresh: [Bool] =
            options.change?.heuristics.contains(.oneTime) == true ? freshOutputs(s) : []
        let chunks = threads <= 1 || n < 4096 ? 1 : threads * 4
        let bounds = (0...chunks).map { n * $0 / chunks }
        let parts = parallelMap(chunks, threads: threads) { c in
            var worker = Worker(s: s, options: options, fresh: fresh)
            worker.run(bounds[c]..<bounds[c + 1])
            return (worker.edges, worker.report)
        }
        var edges = ClusterEdges()
        edges.reserveCapacity(parts.reduce(0) { $0 + $1.0.count })
        var report = BitcoinEdgeReport()
        for (e, r) in parts {
            edges.append(contentsOf: e)
            report.add(r)
        }
        return (edges, report)
    }

    /// For each output: whether its transaction is the first (in chain order) to pay its address.
    static func freshOutputs(_ s: UTXOSnapshot) -> [Bool] {
        let before = UInt32.max - 1
        var firstTx = [UInt32](repeating: UTXOSnapshot.none, count: Int(s.maxAddress) + 1)
        for a in s.paidBefore { firstTx[Int(a)] = before }
        var fresh = [Bool](repeating: false, count: s.outputCount)
        for t in 0..<s.transactionCount {
            for o in s.outputs(of: t) {
                let a = Int(s.outputAddress[o])
                if a == Int(UTXOSnapshot.noAddress) { continue }
                if firstTx[a] == UTXOSnapshot.none { firstTx[a] = UInt32(t) }
                fresh[o] = firstTx[a] == UInt32(t)
            }
        }
        return fresh
    }

    /// The per-chunk pass (own edges and scratch buffers).
    struct Worker {
        let s: UTXOSnapshot
        let options: BitcoinHeuristicOptions
        let fresh: [Bool]
        var edges = ClusterEdges()
        var report = BitcoinEdgeReport()
        var distinct: [UInt32] = []
        var distinctSet = Set<UInt32>()
        var scratch: [Int64] = []
        var eligible: [Int] = []
        var candidates: [Int] = []

        init(s: UTXOSnapshot, options: BitcoinHeuristicOptions, fresh: [Bool]) {
            self.s = s
            self.options = options
            self.fresh = fresh
        }

        mutating func run(_ range: Range<Int>) {
            for t in range {
                let ins = s.inputs(of: t)
                report.inputs += ins.count
                if s.coinbase[t] { continue }
                report.transactions += 1
                // Distinct known input addresses, in input order; unknown or address-less inputs
                // count separately (as distinct owners for the CoinJoin test).
                distinct.removeAll(keepingCapacity: true)
                distinctSet.removeAll(keepingCapacity: true)
                var opaque = 0
                var unknown = false
                for i in ins {
                    let a = s.inputAddress[i]
                    if a == UTXOSnapshot.unknown || a == UTXOSnapshot.noAddress {
                        opaque += 1
                        unknown = unknown || a == UTXOSnapshot.unknown
                        continue
                    }
                    if ins.count <= 32 {
                        if !distinct.contains(a) { distinct.append(a) }
                    } else if distinctSet.insert(a).inserted {
                        distinct.append(a)
                    }
                }
                let outs = s.outputs(of: t)
                if options.skipCoinJoin
                    && CoinJoinRule.isCoinJoinLike(
                        inputCount: ins.count, distinctInputAddresses: distinct.count + opaque,
                        outputValues: s.outputValue[outs], scratch: &scratch)
                {
                    report.coinJoins.append(s.txIds[t])
                    continue
                }
                if options.multiInput && distinct.count >= 2 {
                    report.multiInputTransactions += 1
                    for k in 1..<distinct.count {
                        edges.append(distinct[0], distinct[k], evidence: s.txIds[t], heuristic: .multiInput)
                    }
                }
                if let rule = options.change, !distinct.isEmpty {
                    change(t, ins: ins, outs: outs, rule: rule, unknownInput: unknown)
                }
            }
        }

        func looksLikePeel(_ t: Int) -> Bool {
            s.inputStart[t + 1] - s.inputStart[t] == 1 && s.outputStart[t + 1] - s.outputStart[t] == 2
        }

        mutating func change(
            _ t: Int, ins: Range<Int>, outs: Range<Int>, rule: ChangeRule, unknownInput: Bool
        ) {
            eligible.removeAll(keepingCapacity: true)
            for o in outs where s.outputAddress[o] != UTXOSnapshot.noAddress { eligible.append(o) }
            guard eligible.count >= 2 else { return }
            let used = rule.heuristics
            var minInput = Int64.max
            var inputType: UInt8? = nil
            var mixedTypes = false
            var unknown = unknownInput
            for i in ins {
                if used.contains(.optimalChange) {
                    let v = s.inputValue[i]
                    if v < 0 { unknown = true } else { minInput = min(minInput, v) }
                }
                if used.contains(.addressType) {
                    let ty = s.inputType[i]
                    if ty == 255 {
                        unknown = true
                    } else if let seen = inputType, seen != ty {
                        mixedTypes = true
                    } else {
                        inputType = ty
                    }
                }
            }
            if unknown {
                report.changeUnknownInputs += 1
                return
            }
            var peel = false
            if used.contains(.peelingChain) && looksLikePeel(t) {
                let source = s.inputSource[ins.lowerBound]
                peel = source != UTXOSnapshot.none && looksLikePeel(Int(source))
                for o in outs where !peel {
                    let by = s.outputSpentBy[o]
                    peel = by != UTXOSnapshot.none && looksLikePeel(Int(by))
                }
            }
            var unit: Int64 = 1
            for _ in 0..<min(rule.roundDigits, 18) { unit *= 10 }
            func qualifies(_ h: ChangeHeuristic, _ o: Int) -> Bool {
                switch h {
                case .oneTime: return fresh[o]
                case .addressReuse: return distinct.contains(s.outputAddress[o])
                case .addressType: return !mixedTypes && inputType == s.outputType[o]
                case .optimalChange: return s.outputValue[o] < minInput
                case .roundValue: return s.outputValue[o] % unit != 0
                case .peelingChain:
                    let by = s.outputSpentBy[o]
                    return peel && (by == UTXOSnapshot.none || looksLikePeel(Int(by)))
                }
            }
            candidates.removeAll(keepingCapacity: true)
            for o in eligible
            where rule.terms.contains(where: { term in term.allSatisfy { qualifies($0, o) } }) {
                candidates.append(o)
            }
            if candidates.isEmpty { return }
            if rule.requireUnique && candidates.count > 1 {
                report.changeAmbiguous += 1
                return
            }
            report.changeLinked += 1
            for o in candidates {
                edges.append(distinct[0], s.outputAddress[o], evidence: s.txIds[t], heuristic: .change)
            }
        }
    }
}
