import FlowBitcoin
import FlowModel

/// The running totals that become `GeneratedChainSummary`.
struct SimTotals {
    var blocks = 0
    var transactions = 0
    var segwitTransactions = 0
    var inputs = 0
    var outputs = 0
    var nullDataOutputs = 0
    var outputValue: UInt64 = 0
    var fees: UInt64 = 0
    var subsidy: UInt64 = 0
    var sameBlockSpends = 0
    /// Outputs paying each template (coinbase payouts included), by `SimScript` raw value.
    var outputsByScript = [Int](repeating: 0, count: SimScript.allCases.count)
}

/// One block as bytes: the header, then the transaction count, coinbase and the other
/// transactions, kept in two buffers so the coinbase (built last) needs no copy to go first.
struct SimBlock {
    var header: [UInt8]
    var hash: Hash256
    var transactionCount: Int
    var coinbase: [UInt8]
    var body: [UInt8]

    /// Serialized block length: header, CompactSize count, transactions.
    var length: Int { 80 + CompactSize.length(transactionCount) + coinbase.count + body.count }
}

/// The economy behind the generated chain: wallets, addresses and the UTXO set, advanced one
/// block at a time. See `ChainGenerator` for the model it follows.
struct Simulation {
    // Consensus-shaped constants.
    static let blockVersion: Int32 = 0x2000_0000
    static let regtestBits: UInt32 = 0x207f_ffff
    static let maxBlockWeight = 4_000_000
    /// No generated transaction weighs more than this (50 P2PKH inputs, 102 outputs).
    static let maxTransactionWeight = 50_000
    /// Timestamp of height 0 for the simulated clock; block h is 600·h seconds later, ± jitter.
    static let baseTime: UInt32 = 1_700_000_000

    // Economic shape (see `ChainGenerator` for what they produce).
    /// Inputs a wallet wants to spend in an ordinary payment (capped by the coins it owns).
    static let inputCounts = Buckets([
        (6100, 1...1), (2000, 2...2), (850, 3...3), (450, 4...4), (420, 5...8), (160, 9...20), (20, 21...50),
    ])
    /// Payees of an ordinary payment (batch payouts in the tail).
    static let payeeCounts = Buckets([
        (7800, 1...1), (1200, 2...2), (750, 3...5), (220, 6...20), (30, 21...100),
    ])
    /// Fee rate in satoshi per virtual byte.
    static let feeRates = Buckets([(4000, 1...2), (3500, 3...10), (2000, 11...50), (500, 51...200)])
    /// Most inputs of one payment.
    static let maxInputs = 50
    /// Bitcoin Core's dust threshold for P2PKH outputs: no payment or fee creates a smaller
    /// output (outputs stay at or above it once they are).
    static let dustLimit: UInt64 = 546
    /// Smallest change output a wallet creates; less goes to the payees instead.
    static let minimumChange: UInt64 = 1_000
    /// Random coins a multi-input spend considers before settling on the richest wallet.
    static let spenderCandidates = 4
    /// Chance (thousandths) that an ordinary payment has a change output.
    static let changePerMille = 850
    /// Chance (thousandths) that change goes back to the first input's address instead of a
    /// fresh address of the spending wallet.
    static let changeReusePerMille = 300
    /// Chance (thousandths) that a payment carries an extra OP_RETURN output.
    static let nullDataPerMille = 15
    /// Mining pools: the share (thousandths) of blocks each one mines, and its payout script.
    static let minerShares: [(perMille: Int, script: SimScript)] = [
        (300, .p2wpkh), (200, .p2pkh), (150, .p2wpkh), (100, .p2sh), (100, .p2tr), (70, .p2wpkh),
        (50, .p2pkh), (30, .p2wpkh),
    ]

    let network: Network
    var random: SimRandom
    var book: AddressBook
    var pool: CoinPool
    /// The UTXO count the economy steers towards: fewer coins favour fan-out payments, more coins
    /// favour consolidations.
    let targetCoins: Int
    var minerAddresses: [UInt32?]
    var totals = SimTotals()
    var previousHash: Hash256
    private var blockTxids: [Hash256] = []
    private var blockWtxids: [Hash256] = []
    private var body: ByteWriter
    private var coinbase: ByteWriter
    private var stripped: ByteWriter
    var spent: [Coin] = []
    private var selected: [Int] = []
    var payments: [(address: UInt32, value: UInt64)] = []
    private var amounts: [UInt64] = []
    /// Transactions of the block being built, to count spends of same-block outputs.
    var currentBlockTxids: Set<Hash256> = []
    /// Planted peel chains (nil when none are asked for: the chain is then exactly the economy's).
    var peelPlanter: PeelPlanter?

    init(network: Network, seed: UInt64, totalTransactions: Int) {
        self.network = network
        random = SimRandom(seed: seed)
        targetCoins = min(max(totalTransactions / 5, 1_000), 2_000_000)
        book = AddressBook(seed: seed, ringCapacity: 1 << 18)
        pool = CoinPool(expectedCoins: targetCoins + targetCoins / 4)
        minerAddresses = Array(repeating: nil, count: Simulation.minerShares.count)
        previousHash = network.genesisHash
        body = ByteWriter(capacity: 4_100_000)
        coinbase = ByteWriter(capacity: 512)
        stripped = ByteWriter(capacity: 65_536)
    }

    /// Subsidy at `height`: 50 BTC halving every 150 blocks on regtest, every 210,000 elsewhere.
    func subsidy(height: Int) -> UInt64 {
        let interval = network == .regtest ? 150 : 210_000
        let halvings = height / interval
        return halvings >= 64 ? 0 : (50 * 100_000_000) >> UInt64(halvings)
    }

    /// Builds block `height` with at most `maxTransactions` transactions (coinbase included).
    mutating func makeBlock(height: Int, maxTransactions: Int) -> SimBlock {
        body.reset()
        blockTxids.removeAll(keepingCapacity: true)
        blockWtxids.removeAll(keepingCapacity: true)
        blockTxids.append(.zero)
        blockWtxids.append(.zero)
        currentBlockTxids.removeAll(keepingCapacity: true)
        var fees: UInt64 = 0
        // Header, a 3-byte count and a generous coinbase allowance.
        var weight = 4 * (80 + 3 + 400)
        // Height 1 has nothing to spend yet: it holds only its coinbase.
        var left = height == 1 ? 0 : maxTransactions - 1
        let planted = plantPeelChains(height: height, budget: left)
        fees += planted.fees
        weight += planted.weight
        left -= planted.transactions
        while left > 0 && weight + Simulation.maxTransactionWeight <= Simulation.maxBlockWeight {
            let (fee, txWeight) = makeTransaction(height: height)
            fees += fee
            weight += txWeight
            left -= 1
        }
        let coinbaseTxid = makeCoinbase(height: height, fees: fees)
        blockTxids[0] = coinbaseTxid
        let merkleRoot = BitcoinHash.merkleRoot(blockTxids)

        var header = ByteWriter(capacity: 80)
        header.u32(UInt32(bitPattern: Simulation.blockVersion))
        header.hash(previousHash)
        header.hash(merkleRoot)
        header.u32(Simulation.baseTime &+ UInt32(600 * height + random.below(300)))
        header.u32(Simulation.regtestBits)
        header.u32(UInt32(truncatingIfNeeded: random.next()))
        let hash = BitcoinHash.doubleSHA256(header.bytes)
        previousHash = hash
        totals.blocks += 1
        totals.transactions += blockTxids.count
        return SimBlock(
            header: header.bytes, hash: hash, transactionCount: blockTxids.count, coinbase: coinbase.bytes,
            body: body.bytes)
    }

    private enum Mode { case ordinary, fanOut, consolidation }

    /// Ordinary payments most of the time; fan-outs when the UTXO set is below target (always
    /// at the start), consolidations when it is above.
    private mutating func chooseMode() -> Mode {
        let coins = pool.count
        if coins < targetCoins {
            if random.below(targetCoins) < targetCoins - coins { return .fanOut }
        } else if coins > targetCoins {
            if random.below(targetCoins) < coins - targetCoins { return .consolidation }
        }
        return .ordinary
    }

    /// A payment amount on the scale of `coin`, the spender's first coin: one of eight octaves
    /// from 1/64 to 2 times its value, then uniform within ±50 % of it; never below twice the dust
    /// limit, and rounded down to three significant digits half of the time.
    private mutating func paymentAmount(scale coin: UInt64) -> UInt64 {
        let base = max((coin >> UInt64(random.within(0...7))) * 2, 2 * Simulation.dustLimit)
        var amount = base / 2 + UInt64(random.below(Int(base)))
        if amount >= 100_000 && random.chance(perMille: 500) {
            var unit: UInt64 = 1
            while unit * 1_000 <= amount { unit *= 10 }
            amount -= amount % unit
        }
        return amount
    }

    /// Appends one payment to the block body; returns its fee and weight.
    ///
    /// The spender picks a coin, decides what to pay (amounts on the scale of that coin), then adds
    /// its own oldest coins until it has the inputs it wanted and they cover the payments and the
    /// fee: large coins are split and small ones merged, which keeps the value distribution from
    /// collapsing into dust over long chains.
    private mutating func makeTransaction(height: Int) -> (fee: UInt64, weight: Int) {
        let mode = chooseMode()
        let wantedInputs: Int
        var payees: Int
        var hasChange: Bool
        switch mode {
        case .ordinary:
            wantedInputs = Simulation.inputCounts.draw(&random)
            payees = Simulation.payeeCounts.draw(&random)
            hasChange = random.chance(perMille: Simulation.changePerMille)
        case .fanOut:
            wantedInputs = 1
            // Batch payouts while the economy is young and coins are scarce.
            payees = pool.count < targetCoins / 2 ? random.within(10...40) : random.within(2...8)
            hasChange = true
        case .consolidation:
            wantedInputs = random.within(5...40)
            payees = 0
            hasChange = true
        }
        let nullData = random.chance(perMille: Simulation.nullDataPerMille)
        let feeRate = UInt64(Simulation.feeRates.draw(&random))
        var vsize = 11 + (nullData ? 51 : 0)

        // Inputs: a random coin (the larger of two, as wallets rarely spend dust on its own),
        // then more coins of the same wallet (common-input ownership). A spend that wants several
        // inputs looks at a few more coins and takes the one whose wallet holds the most, as busy
        // wallets are the ones that batch and consolidate.
        var first = random.below(pool.count)
        let other = random.below(pool.count)
        if pool[other].value > pool[first].value { first = other }
        var spender = book.owners[Int(pool[first].address)]
        var tries = 1
        while tries < Simulation.spenderCandidates && pool.holding(of: spender) < wantedInputs {
            let candidate = random.below(pool.count)
            let owner = book.owners[Int(pool[candidate].address)]
            if pool.holding(of: owner) > pool.holding(of: spender) {
                first = candidate
                spender = owner
            }
            tries += 1
        }
        if mode == .fanOut {
            // A fan-out splits one coin: no more payees than it can pay more than dust.
            payees = max(1, min(payees, Int(pool[first].value / (8 * Simulation.dustLimit))))
        }
        vsize += (payees + (hasChange ? 1 : 0)) * 40
        amounts.removeAll(keepingCapacity: true)
        var target: UInt64 = 0
        for _ in 0..<payees {
            // A fan-out shares its coin among the payees; other payments scale to the coin.
            let amount = paymentAmount(scale: pool[first].value / UInt64(mode == .fanOut ? payees : 1))
            amounts.append(amount)
            target += amount
        }
        selected.removeAll(keepingCapacity: true)
        selected.append(first)
        var inputValue = pool[first].value
        vsize += book.types[Int(pool[first].address)].inputVsize
        var cursor = pool.head(of: spender)
        while cursor != CoinPool.none && selected.count < Simulation.maxInputs {
            if selected.count >= wantedInputs && inputValue >= target + feeRate * UInt64(vsize) { break }
            let coin = pool[Int(cursor)]
            if Int(cursor) != first {
                selected.append(Int(cursor))
                inputValue += coin.value
                vsize += book.types[Int(coin.address)].inputVsize
            }
            cursor = coin.next
        }
        spent.removeAll(keepingCapacity: true)
        for index in selected {
            let coin = pool[index]
            spent.append(coin)
            if currentBlockTxids.contains(coin.txid) { totals.sameBlockSpends += 1 }
        }
        selected.sort(by: >)
        for index in selected { pool.remove(at: index, wallet: spender, owners: book.owners) }
        let spenderScript = book.types[Int(spent[0].address)]

        // Outputs: payees (by the target script mix) and change back to the spender, or
        // everything to the spender when consolidating. Fees take at most a quarter of the inputs
        // and never push a spend below the dust limit.
        var fee = min(feeRate * UInt64(vsize), inputValue / 4)
        if inputValue - fee < Simulation.dustLimit {
            fee = inputValue > Simulation.dustLimit ? inputValue - Simulation.dustLimit : 0
        }
        let spendable = inputValue - fee
        var changeValue: UInt64 = 0
        if payees == 0 {
            hasChange = true
            changeValue = spendable
        } else if spendable >= target + Simulation.minimumChange && hasChange {
            changeValue = spendable - target
        } else if spendable >= target {
            // No change: the payees get the excess (a sweep, or an exact-match coin selection).
            hasChange = false
            amounts[payees - 1] += spendable - target
        } else {
            // The wallet cannot cover the payments: they shrink to what it has.
            hasChange = false
            if spendable < Simulation.dustLimit * UInt64(payees) {
                payees = 1
                amounts.removeLast(amounts.count - 1)
                amounts[0] = spendable
            } else {
                // Each payee keeps at least the dust limit; the rest is shared in proportion.
                let floor = Simulation.dustLimit
                let share = spendable - floor * UInt64(payees)
                var given: UInt64 = 0
                for i in 0..<payees - 1 {
                    let scaled = target.dividingFullWidth(share.multipliedFullWidth(by: amounts[i]))
                    amounts[i] = floor + scaled.quotient
                    given += amounts[i]
                }
                amounts[payees - 1] = spendable - given
            }
        }
        payments.removeAll(keepingCapacity: true)
        for i in 0..<payees {
            payments.append((book.payee(SimScript.draw(&random), random: &random), amounts[i]))
        }
        if hasChange {
            let changeAddress: UInt32
            if random.chance(perMille: Simulation.changeReusePerMille) {
                changeAddress = spent[0].address
            } else {
                changeAddress = book.newAddress(spenderScript, wallet: spender)
            }
            payments.insert((changeAddress, changeValue), at: random.below(payments.count + 1))
        }

        return emitTransaction(height: height, nullData: nullData, fee: fee, spendable: spendable).cost
    }

    /// Serializes the payment spending `spent` and paying `payments` into the block body, adds its
    /// outputs to the pool (except `heldVout`, which the caller keeps out of it) and the totals;
    /// returns its txid, fee and weight.
    mutating func emitTransaction(
        height: Int, nullData: Bool, fee: UInt64, spendable: UInt64, heldVout: Int? = nil
    ) -> (txid: Hash256, cost: (fee: UInt64, weight: Int)) {
        // Serialize: BIP144 when any input carries a witness.
        let segwit = spent.contains { book.types[Int($0.address)] != .p2pkh }
        let start = body.count
        body.u32(random.chance(perMille: 900) ? 2 : 1)
        if segwit {
            body.u8(0)
            body.u8(1)
        }
        let bodyStart = body.count
        let sequence: UInt32 =
            switch random.below(10) {
            case 0..<6: 0xffff_fffd
            case 6..<9: 0xffff_ffff
            default: 0xffff_fffe
            }
        body.compactSize(spent.count)
        for coin in spent {
            body.hash(coin.txid)
            body.u32(coin.vout)
            switch book.types[Int(coin.address)] {
            case .p2pkh:
                body.u8(107)
                body.signature(&random)
                body.publicKey(book.publicKey(of: coin.address), odd: coin.address & 1 == 1)
            case .p2sh:
                // Redeem script of nested P2WPKH: OP_0 <20-byte key hash>.
                body.u8(23)
                body.u8(22)
                body.u8(0)
                body.u8(20)
                body.words(book.publicKey(of: coin.address), count: 20)
            case .p2wpkh, .p2tr:
                body.u8(0)
            }
            body.u32(sequence)
        }
        body.compactSize(payments.count + (nullData ? 1 : 0))
        for payment in payments {
            body.u64(payment.value)
            body.script(paying: payment.address, book: book)
        }
        if nullData {
            let length = random.within(8...40)
            body.u64(0)
            body.compactSize(length + 2)
            body.u8(0x6a)
            body.u8(UInt8(length))
            body.random(length, &random)
        }
        let bodyEnd = body.count
        if segwit {
            for coin in spent {
                switch book.types[Int(coin.address)] {
                case .p2pkh:
                    body.u8(0)
                case .p2wpkh, .p2sh:
                    body.u8(2)
                    body.signature(&random)
                    body.publicKey(book.publicKey(of: coin.address), odd: coin.address & 1 == 1)
                case .p2tr:
                    body.u8(1)
                    body.u8(64)
                    body.random(64, &random)
                }
            }
        }
        let locktimeStart = body.count
        body.u32(sequence != 0xffff_ffff && random.chance(perMille: 600) ? UInt32(height - 1) : 0)
        let end = body.count

        let (txid, wtxid) = identifiers(
            start: start, bodyStart: bodyStart, bodyEnd: bodyEnd, locktimeStart: locktimeStart, end: end,
            segwit: segwit)
        blockTxids.append(txid)
        blockWtxids.append(wtxid)
        currentBlockTxids.insert(txid)

        for (vout, payment) in payments.enumerated() {
            if vout != heldVout {
                pool.add(
                    txid: txid, vout: UInt32(vout), value: payment.value, address: payment.address,
                    wallet: book.owners[Int(payment.address)])
            }
            totals.outputsByScript[Int(book.types[Int(payment.address)].rawValue)] += 1
        }
        totals.inputs += spent.count
        totals.outputs += payments.count + (nullData ? 1 : 0)
        totals.nullDataOutputs += nullData ? 1 : 0
        totals.outputValue += spendable
        totals.fees += fee
        if segwit { totals.segwitTransactions += 1 }
        let strippedSize = segwit ? 4 + (bodyEnd - bodyStart) + 4 : end - start
        return (txid, (fee, strippedSize * 3 + (end - start)))
    }

    /// Writes the coinbase of block `height` into `coinbase`: a BIP34 height push, the subsidy
    /// plus the block's fees paid to a mining pool, and the BIP141 witness commitment over the
    /// block's wtxids (the coinbase's own counts as zero; its witness is the 32-byte reserved
    /// value). Returns its txid.
    private mutating func makeCoinbase(height: Int, fees: UInt64) -> Hash256 {
        var pick = random.below(1000)
        var miner = 0
        while miner < Simulation.minerShares.count - 1 && pick >= Simulation.minerShares[miner].perMille {
            pick -= Simulation.minerShares[miner].perMille
            miner += 1
        }
        let payout: UInt32
        if let known = minerAddresses[miner] {
            payout = known
        } else {
            payout = book.newAddress(Simulation.minerShares[miner].script, wallet: book.newWallet())
            minerAddresses[miner] = payout
        }
        let reward = subsidy(height: height)
        let value = reward + fees
        let witnessRoot = BitcoinHash.merkleRoot(blockWtxids)
        let commitment = BitcoinHash.doubleSHA256(witnessRoot.wireBytes + [UInt8](repeating: 0, count: 32))

        coinbase.reset()
        coinbase.u32(2)
        coinbase.u8(0)
        coinbase.u8(1)
        let bodyStart = coinbase.count
        coinbase.compactSize(1)
        coinbase.hash(.zero)
        coinbase.u32(0xffff_ffff)
        var scriptSig = ByteWriter(capacity: 40)
        scriptSig.heightPush(height)
        scriptSig.u8(8)
        scriptSig.random(8, &random)
        let tag = Array("/chainflow-sim/".utf8)
        scriptSig.u8(UInt8(tag.count))
        scriptSig.bytes.append(contentsOf: tag)
        coinbase.compactSize(scriptSig.count)
        coinbase.bytes.append(contentsOf: scriptSig.bytes)
        coinbase.u32(0xffff_ffff)
        coinbase.compactSize(2)
        coinbase.u64(value)
        coinbase.script(paying: payout, book: book)
        coinbase.u64(0)
        coinbase.u8(38)
        coinbase.bytes.append(contentsOf: [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed])
        coinbase.hash(commitment)
        let bodyEnd = coinbase.count
        coinbase.u8(1)
        coinbase.u8(32)
        coinbase.bytes.append(contentsOf: repeatElement(0, count: 32))
        let locktimeStart = coinbase.count
        coinbase.u32(0)

        stripped.reset()
        stripped.bytes.append(contentsOf: coinbase.bytes[0..<4])
        stripped.bytes.append(contentsOf: coinbase.bytes[bodyStart..<bodyEnd])
        stripped.bytes.append(contentsOf: coinbase.bytes[locktimeStart...])
        let txid = BitcoinHash.doubleSHA256(stripped.bytes)

        pool.add(txid: txid, vout: 0, value: value, address: payout, wallet: book.owners[Int(payout)])
        totals.outputsByScript[Int(book.types[Int(payout)].rawValue)] += 1
        totals.inputs += 1
        totals.outputs += 2
        totals.nullDataOutputs += 1
        totals.outputValue += value
        totals.subsidy += reward
        totals.segwitTransactions += 1
        return txid
    }

    /// txid (legacy serialization) and wtxid (full serialization) of the transaction in
    /// `body[start..<end]`.
    private mutating func identifiers(
        start: Int, bodyStart: Int, bodyEnd: Int, locktimeStart: Int, end: Int, segwit: Bool
    ) -> (Hash256, Hash256) {
        body.bytes.withUnsafeBytes { all in
            let wtxid = BitcoinHash.doubleSHA256(UnsafeRawBufferPointer(rebasing: all[start..<end]))
            guard segwit else { return (wtxid, wtxid) }
            stripped.reset()
            stripped.bytes.append(contentsOf: all[start..<(start + 4)])
            stripped.bytes.append(contentsOf: all[bodyStart..<bodyEnd])
            stripped.bytes.append(contentsOf: all[locktimeStart..<end])
            return (BitcoinHash.doubleSHA256(stripped.bytes), wtxid)
        }
    }
}

extension ByteWriter {
    /// A push of a DER-shaped 72-byte ECDSA signature (33-byte r, 32-byte s) with SIGHASH_ALL.
    mutating func signature(_ random: inout SimRandom) {
        u8(72)
        u8(0x30)
        u8(0x45)
        u8(0x02)
        u8(0x21)
        u8(0x00)
        u8(0x80 | UInt8(truncatingIfNeeded: random.next()))
        self.random(31, &random)
        u8(0x02)
        u8(0x20)
        u8(0x7f & UInt8(truncatingIfNeeded: random.next()))
        self.random(31, &random)
        u8(0x01)
    }

    /// A push of a 33-byte compressed public key with x coordinate `x`.
    mutating func publicKey(_ x: (UInt64, UInt64, UInt64, UInt64), odd: Bool) {
        u8(33)
        u8(odd ? 0x03 : 0x02)
        words(x, count: 32)
    }

    /// The output script (with its CompactSize length) paying `address`.
    mutating func script(paying address: UInt32, book: AddressBook) {
        let program = book.program(of: address)
        switch book.types[Int(address)] {
        case .p2pkh:
            u8(25)
            u8(0x76)
            u8(0xa9)
            u8(20)
            words(program, count: 20)
            u8(0x88)
            u8(0xac)
        case .p2wpkh:
            u8(22)
            u8(0)
            u8(20)
            words(program, count: 20)
        case .p2tr:
            u8(34)
            u8(0x51)
            u8(32)
            words(program, count: 32)
        case .p2sh:
            u8(23)
            u8(0xa9)
            u8(20)
            words(program, count: 20)
            u8(0x87)
        }
    }

    /// The BIP34 height push: the height as a minimal CScriptNum (OP_1...OP_16 for 1...16).
    mutating func heightPush(_ height: Int) {
        if height >= 1 && height <= 16 {
            u8(0x50 + UInt8(height))
            return
        }
        var digits: [UInt8] = []
        var rest = height
        while rest > 0 {
            digits.append(UInt8(rest & 0xff))
            rest >>= 8
        }
        if let last = digits.last, last & 0x80 != 0 { digits.append(0) }
        if digits.isEmpty {
            u8(0)  // OP_0: height 0
            return
        }
        u8(UInt8(digits.count))
        bytes.append(contentsOf: digits)
    }
}
