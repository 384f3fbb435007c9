import FlowBitcoin
public import FlowModel

/// A planted peel chain: the transactions that carried it and every address it touched (the
/// first coin's address, the peeled payees and the change addresses), for `labels.csv`.
public struct PlantedPeelChain: Sendable, Equatable {
    public var id: Int
    /// Txids in chain order.
    public var txids: [Hash256]
    /// Address texts, sorted, without duplicates.
    public var addresses: [String]
}

/// The peel chains `Simulation` plants into an otherwise ordinary chain.
///
/// A chain starts from a large coin (at least `minimumStart` satoshi, the largest of 64 random
/// coins; no chain starts in the finishing stretch), held out of the UTXO pool while the chain runs: every hop is a 1-input, 2-output
/// payment that spends the previous change, pays a small share of it (the chain's peel range, 0.5
/// to 15 % of what is left) to an ordinary payee and sends the rest to a fresh change address of
/// the same wallet. Chains differ in length (5 to 16 hops), peel size and pace (a hop every block,
/// or with a chance per block; near the end of the generated chain up to three a block, spending
/// outputs of the same block, so every chain finishes); their last change returns to the pool. Planting draws from its own
/// random stream, so the economy's stream is not shifted by the plan itself.
struct PeelPlanter {
    /// A chain being built.
    struct Active {
        var id: Int
        var coin: Coin
        var wallet: UInt32
        var hopsLeft: Int
        var peelPerMille: ClosedRange<Int>
        /// Chance (thousandths) of a hop in a given block.
        var pacePerMille: Int
        var txids: [Hash256] = []
        var addresses: [UInt32] = []
    }

    static let minimumStart: UInt64 = 20_000_000
    static let hops = 5...16
    static let peelRanges: [ClosedRange<Int>] = [5...30, 20...80, 60...150]
    static let paces = [1_000, 700, 400]

    var random: SimRandom
    let total: Int
    /// Blocks between chain starts.
    let every: Int
    /// From this height on, every active chain hops up to three times a block so it finishes
    /// before the chain ends.
    let finishFrom: Int
    var started = 0
    var active: [Active] = []
    var finished: [(id: Int, txids: [Hash256], addresses: [UInt32])] = []

    init(seed: UInt64, chains: Int, expectedBlocks: Int) {
        random = SimRandom(seed: SplitMix64.mix(seed ^ 0x7065_656c_6368_6169))
        total = chains
        // Starts spread over the first 60 % of the blocks; the economy bootstraps first (a start
        // waits for a coin of at least `minimumStart`).
        every = max(1, (expectedBlocks * 6 / 10) / max(chains, 1))
        finishFrom = max(2, expectedBlocks * 85 / 100)
    }
}

extension Simulation {
    /// Starts and advances planted peel chains at the start of block `height`; returns the fees,
    /// weight and transaction count added, never more than `budget` transactions.
    mutating func plantPeelChains(height: Int, budget: Int) -> (fees: UInt64, weight: Int, transactions: Int)
    {
        guard var planter = peelPlanter, budget > 0 else { return (0, 0, 0) }
        // Held apart while it changes, so its arrays are not copied on write every block.
        peelPlanter = nil
        defer { peelPlanter = planter }
        // The next start is due once its slot has come; a start without a large enough coin is
        // tried again in the next block.
        if planter.started < planter.total, height >= 2 + planter.started * planter.every,
            height < planter.finishFrom
        {
            if let chain = startPeelChain(&planter) { planter.active.append(chain) }
        }
        let finishing = height >= planter.finishFrom
        var fees: UInt64 = 0
        var weight = 0
        var made = 0
        var k = 0
        while k < planter.active.count && made < budget {
            let hops =
                finishing ? 3 : planter.random.chance(perMille: planter.active[k].pacePerMille) ? 1 : 0
            for _ in 0..<hops where planter.active[k].hopsLeft > 0 && made < budget {
                let cost = peelHop(&planter.active[k], random: &planter.random, height: height)
                fees += cost.fee
                weight += cost.weight
                made += 1
            }
            if planter.active[k].hopsLeft == 0 {
                let done = planter.active.remove(at: k)
                planter.finished.append((done.id, done.txids, done.addresses))
            } else {
                k += 1
            }
        }
        return (fees, weight, made)
    }

    /// Takes the largest of a few random coins out of the pool to start a chain, or nil when none
    /// is large enough yet (the start moves to a later block).
    private mutating func startPeelChain(_ planter: inout PeelPlanter) -> PeelPlanter.Active? {
        guard pool.count > 0 else { return nil }
        var best = planter.random.below(pool.count)
        for _ in 0..<63 {
            let candidate = planter.random.below(pool.count)
            if pool[candidate].value > pool[best].value { best = candidate }
        }
        let coin = pool[best]
        guard coin.value >= PeelPlanter.minimumStart else { return nil }
        let wallet = book.owners[Int(coin.address)]
        pool.remove(at: best, wallet: wallet, owners: book.owners)
        planter.started += 1
        return PeelPlanter.Active(
            id: planter.started, coin: coin, wallet: wallet,
            hopsLeft: planter.random.within(PeelPlanter.hops),
            peelPerMille: PeelPlanter.peelRanges[planter.random.below(PeelPlanter.peelRanges.count)],
            pacePerMille: PeelPlanter.paces[planter.random.below(PeelPlanter.paces.count)],
            addresses: [coin.address])
    }

    /// One hop of `chain`: spend its coin, peel a small payment, keep the change (held out of the
    /// pool until the last hop).
    private mutating func peelHop(
        _ chain: inout PeelPlanter.Active, random planRandom: inout SimRandom, height: Int
    ) -> (fee: UInt64, weight: Int) {
        let coin = chain.coin
        spent.removeAll(keepingCapacity: true)
        spent.append(coin)
        if currentBlockTxids.contains(coin.txid) { totals.sameBlockSpends += 1 }
        let type = book.types[Int(coin.address)]
        let vsize = 11 + 2 * 40 + type.inputVsize
        let feeRate = UInt64(Simulation.feeRates.draw(&planRandom))
        let fee = min(feeRate * UInt64(vsize), coin.value / 4)
        let spendable = coin.value - fee
        let perMille = UInt64(planRandom.within(chain.peelPerMille))
        let peel = max(spendable * perMille / 1_000, 2 * Simulation.dustLimit)
        let change = spendable - peel
        let payee = book.payee(SimScript.draw(&planRandom), random: &planRandom)
        let changeAddress = book.newAddress(type, wallet: chain.wallet)
        let changeVout = planRandom.below(2)
        payments.removeAll(keepingCapacity: true)
        payments.append((payee, peel))
        payments.insert((changeAddress, change), at: changeVout)
        chain.hopsLeft -= 1
        let last = chain.hopsLeft == 0
        let (txid, cost) = emitTransaction(
            height: height, nullData: false, fee: fee, spendable: spendable, heldVout: last ? nil : changeVout
        )
        chain.txids.append(txid)
        chain.addresses.append(payee)
        chain.addresses.append(changeAddress)
        chain.coin = Coin(
            txid: txid, value: change, address: changeAddress, vout: UInt32(changeVout),
            previous: CoinPool.none, next: CoinPool.none)
        return cost
    }

    /// The planted chains, finished ones first (by id), with address texts.
    func plantedPeelChains() -> [PlantedPeelChain] {
        guard let planter = peelPlanter else { return [] }
        var all = planter.finished
        all += planter.active.map { ($0.id, $0.txids, $0.addresses) }
        return all.filter { !$0.txids.isEmpty }.sorted { $0.id < $1.id }.map { chain in
            let texts = Set(chain.addresses.map { addressText($0) })
            return PlantedPeelChain(id: chain.id, txids: chain.txids, addresses: texts.sorted())
        }
    }

    /// The address text of a simulated address (its script, classified and encoded as on ingest).
    func addressText(_ address: UInt32) -> String {
        var writer = ByteWriter(capacity: 40)
        writer.script(paying: address, book: book)
        let bytes = Array(writer.bytes.dropFirst())
        return bytes.withUnsafeBytes { buffer in
            guard let key = ScriptClassifier.classify(buffer).1 else { return "" }
            return AddressCodec.encode(key, network: network)
        }
    }
}
