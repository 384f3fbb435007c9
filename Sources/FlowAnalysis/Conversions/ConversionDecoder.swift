public import FlowModel

/// One DeFi protocol's events read as conversions. A decoder names the event signatures it reads
/// (`Swap(address,uint256,uint256,uint256,uint256,address)`: the registry indexes it by their
/// topics) and decides, for a log with one of them, whether the emitting contract is one of the
/// protocol's (a fixed contract, or a pool its factory made) and what it converted.
///
/// Adding a protocol is one file: a type conforming to this protocol, listed in
/// `ConversionRegistry.standard` (docs/defi.md shows how).
public protocol ConversionDecoder: Sendable {
    /// The protocol name conversions carry (`uniswap-v2`).
    var protocolName: String { get }
    /// The event signatures it reads.
    var signatures: [String] { get }
    /// The conversion `log` states, or nil when it is not one of this protocol's (another
    /// contract, a malformed event, assets that the transaction's transfers do not show).
    func decode(_ log: EventLog, in tx: TransactionEvents) -> Conversion?
}

/// The logs of one transaction and the token transfers they state: what decoders read. The
/// tokens a pool converted are the ones it received and paid in the same transaction (no network
/// lookups).
public struct TransactionEvents: Sendable {
    public let logs: [EventLog]
    /// ERC-20 `Transfer` movements of the logs (ERC-721/1155 and WETH mints are left out).
    public let transfers: [TokenMovement]

    /// `logs`: all logs of one transaction, any order.
    public init(logs: [EventLog]) {
        self.logs = logs.sorted { $0.logIndex < $1.logIndex }
        transfers = self.logs.flatMap(TokenEvents.movements).filter { $0.standard == .erc20 }
    }

    /// What `pool` received and paid per token in the logs after `after` and before `before`
    /// (log indexes, exclusive): the sums, and the largest single transfer of each token.
    public func flows(of pool: String, after: Int64, before: Int64) -> PoolFlows {
        var f = PoolFlows()
        for t in transfers where t.logIndex > after && t.logIndex < before && t.from != t.to {
            if t.to == pool { PoolFlows.add(&f.received, t) }
            if t.from == pool { PoolFlows.add(&f.paid, t) }
        }
        return f
    }

    /// The topics of the swap events a pool's transfers are counted between (Uniswap V2 and V3).
    public static let swapTopics: Set<UInt256> = [
        ABIWord.topic(UniswapV2Swap.signature), ABIWord.topic(UniswapV3Swap.signature),
    ]

    /// A swap event's conversion: `body` with what the pool received and paid between its
    /// previous swap and the event; with `afterToo` (pools of unknown factories, which may move
    /// the tokens after their event), else with what it moved between the event and its next swap.
    public func swap(_ log: EventLog, afterToo: Bool, _ body: (PoolFlows) -> Conversion?) -> Conversion? {
        let pool = log.address
        let previous = previous(of: pool, before: log.logIndex, topics: Self.swapTopics)
        if let c = body(flows(of: pool, after: previous, before: log.logIndex)) { return c }
        guard afterToo else { return nil }
        let next = next(of: pool, after: log.logIndex, topics: Self.swapTopics)
        return body(flows(of: pool, after: log.logIndex, before: next))
    }

    /// The index of the first log after `logIndex` that `pool` emitted with one of `topics`, or
    /// `Int64.max`.
    public func next(of pool: String, after logIndex: Int64, topics: Set<UInt256>) -> Int64 {
        for l in logs where l.logIndex > logIndex && l.address == pool {
            if let s = l.signature, topics.contains(s) { return l.logIndex }
        }
        return .max
    }

    /// The index of the last log before `logIndex` that `pool` emitted with one of `topics`, or
    /// -1: a pool's transfers for an event lie between its previous such event and this one.
    public func previous(of pool: String, before logIndex: Int64, topics: Set<UInt256>) -> Int64 {
        var last: Int64 = -1
        for l in logs where l.logIndex < logIndex && l.address == pool {
            if let s = l.signature, topics.contains(s) { last = l.logIndex }
        }
        return last
    }
}

/// Tokens a pool received and paid within one event's window of logs.
public struct PoolFlows: Sendable, Equatable {
    public struct Flow: Sendable, Equatable {
        public var total: UInt256 = .zero
        /// The largest single transfer (its `seq` and amount): the leg a trace follows.
        public var largestSeq: Int64 = 0
        public var largest: UInt256 = .zero
    }
    public var received: [String: Flow] = [:]
    public var paid: [String: Flow] = [:]

    static func add(_ side: inout [String: Flow], _ t: TokenMovement) {
        var flow = side[t.token] ?? Flow()
        flow.total = flow.total + t.amount
        if flow.largest == .zero || t.amount > flow.largest {
            flow.largest = t.amount
            flow.largestSeq = t.seq
        }
        side[t.token] = flow
    }

    /// Every token received or paid, in address order.
    public var tokens: [String] { Set(received.keys).union(paid.keys).sorted() }
}

/// Contract addresses made by `CREATE2`: the low 20 bytes of
/// `keccak256(0xff ++ deployer ++ salt ++ keccak256(init code))` (EIP-1014), which is how a
/// factory's pool address follows from its tokens: a pool is the factory's when the address
/// computes.
public enum ContractAddress {
    public static func create2(deployer: String, salt: [UInt8], initCodeHash: String) -> String? {
        guard let d = Hex.decode(deployer.dropFirst(2)), d.count == 20,
            let h = Hex.decode(initCodeHash.dropFirst(2)), h.count == 32, salt.count == 32
        else { return nil }
        return "0x" + Hex.encode(Keccak256.hash([0xff] + d + salt + h).suffix(20))
    }

    /// An address as an ABI word (12 zero bytes, then its 20).
    public static func word(_ address: String) -> [UInt8] {
        [UInt8](repeating: 0, count: 12) + (Hex.decode(address.dropFirst(2)) ?? [])
    }
}

/// The decoders conversions are read with, indexed by event topic: for each log, the first
/// decoder of its topic that returns a conversion wins.
public struct ConversionRegistry: Sendable {
    /// Uniswap V2 and V3 pools of Uniswap's factories, pools of other factories with the same
    /// events (forks: SushiSwap and others, when the transaction's transfers show exactly the
    /// event's amounts), and WETH9 wraps.
    public static let standard = ConversionRegistry([
        UniswapV2Swap.uniswap, UniswapV3Swap.uniswap, WETH9Wraps(), UniswapV2Swap.fork, UniswapV3Swap.fork,
    ])

    public let decoders: [any ConversionDecoder]
    let byTopic: [UInt256: [any ConversionDecoder]]

    public init(_ decoders: [any ConversionDecoder]) {
        self.decoders = decoders
        var index: [UInt256: [any ConversionDecoder]] = [:]
        for d in decoders {
            for s in d.signatures { index[ABIWord.topic(s), default: []].append(d) }
        }
        byTopic = index
    }

    /// Every topic some decoder reads.
    public var topics: Set<UInt256> { Set(byTopic.keys) }

    /// The conversions of one transaction's logs, by log index.
    public func conversions(_ logs: [EventLog]) -> [Conversion] {
        guard logs.contains(where: { $0.signature.map { byTopic[$0] != nil } ?? false }) else { return [] }
        let tx = TransactionEvents(logs: logs)
        var out: [Conversion] = []
        for log in tx.logs {
            guard let sig = log.signature, let candidates = byTopic[sig] else { continue }
            for d in candidates {
                if let c = d.decode(log, in: tx) {
                    out.append(c)
                    break
                }
            }
        }
        return out
    }
}
