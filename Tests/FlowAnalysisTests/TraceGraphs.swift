import FlowAnalysis
import FlowModel

/// Hand-built and random graphs for the tracing tests.
enum TraceGraphs {
    struct Coin {
        var address: UInt32
        var value: Int64
    }

    /// Builds a UTXO graph: each transaction lists the dense outputs it spends (-1: an input
    /// whose spent output is not stored, with the value given) and its outputs.
    struct UTXOBuilder {
        var graph = UTXOTraceGraph()
        var nextInput: Int64 = 1
        var nextOutput: Int64 = 1

        /// Appends a transaction; returns the dense indexes of its outputs.
        @discardableResult
        mutating func tx(
            spends: [(coin: Int32, value: Int64)], pays: [Coin], time: Int64 = 0, coinbase: Bool = false,
            unknownAddress: UInt32 = 0
        ) -> [Int32] {
            for s in spends {
                graph.inputSpent.append(s.coin)
                graph.inputValue.append(s.coin >= 0 ? graph.outputValue[Int(s.coin)] : s.value)
                graph.inputAddress.append(s.coin >= 0 ? graph.outputAddress[Int(s.coin)] : unknownAddress)
            }
            let first = Int32(graph.outputValue.count)
            for p in pays {
                graph.outputValue.append(p.value)
                graph.outputAddress.append(p.address)
            }
            let id = Int64(graph.transactionCount + 1) * 10
            graph.closeTransaction(
                id: id, time: time, coinbase: coinbase, firstInputId: nextInput, firstOutputId: nextOutput)
            nextInput += Int64(spends.count)
            nextOutput += Int64(pays.count)
            return (0..<Int32(pays.count)).map { first + $0 }
        }

        mutating func spend(_ coins: [Int32], pays: [Coin], time: Int64 = 0) -> [Int32] {
            tx(spends: coins.map { ($0, 0) }, pays: pays, time: time)
        }

        func finished() -> UTXOTraceGraph {
            var g = graph
            g.finish()
            return g
        }
    }

    /// A random UTXO graph: coinbases and payments spending 1–3 unspent coins into 1–4 outputs
    /// with a small fee; a few inputs spend coins outside the store (known or unknown value).
    static func randomUTXO(transactions: Int, addresses: Int, seed: UInt64) -> (UTXOTraceGraph, [Int32]) {
        var random = TestRandom(seed: seed)
        var b = UTXOBuilder()
        var unspent: [Int32] = []
        for t in 0..<transactions {
            let time = Int64(1000 + t * 10)
            if unspent.count < 3 || random.below(6) == 0 {
                let outs = b.tx(
                    spends: [(-1, 0)],
                    pays: (0..<(1 + random.below(2))).map { _ in
                        Coin(
                            address: UInt32(1 + random.below(addresses)),
                            value: Int64(1 + random.below(5_000_000)))
                    }, time: time, coinbase: true)
                unspent += outs
                continue
            }
            var spends: [(coin: Int32, value: Int64)] = []
            var total: Int64 = 0
            for _ in 0..<(1 + random.below(3)) where !unspent.isEmpty {
                let k = random.below(unspent.count)
                let c = unspent.remove(at: k)
                spends.append((c, 0))
                total += b.graph.outputValue[Int(c)]
            }
            if random.below(25) == 0 {
                // An input from outside the store: value known (a stated prevout) or not.
                let v = Int64(1 + random.below(1_000_000))
                spends.append((-1, random.below(3) == 0 ? -1 : v))
                total += v
            }
            let fee = Int64(random.below(Int(min(total, 5000)) + 1))
            var left = total - fee
            var pays: [Coin] = []
            let n = 1 + random.below(4)
            for k in 0..<n {
                let v = k == n - 1 ? left : Int64(random.below(Int(left) + 1))
                left -= v
                pays.append(Coin(address: UInt32(1 + random.below(addresses)), value: v))
            }
            unspent += b.tx(
                spends: spends, pays: pays, time: time, unknownAddress: UInt32(1 + random.below(addresses)))
        }
        let g = b.finished()
        // Seeds: a few random coins.
        var seeds: [Int32] = []
        for _ in 0..<(1 + random.below(4)) { seeds.append(Int32(random.below(g.outputCount))) }
        return (g, seeds)
    }

    /// Builds an account graph from transfers given in time order.
    static func accounts(
        _ transfers: [(from: UInt32, to: UInt32, amount: UInt256, time: Int64, fee: Bool)]
    ) -> AccountTraceGraph {
        var g = AccountTraceGraph()
        g.asset = 2
        for (k, t) in transfers.enumerated() {
            g.append(id: Int64(100 + k), time: t.time, from: t.from, to: t.to, amount: t.amount, fee: t.fee)
        }
        g.finish()
        return g
    }

    /// Random transfers between `addresses` accounts: mints, payments, fees; times with ties;
    /// amounts small, beyond 2^64, or a payer's whole known balance.
    static func randomAccounts(transfers: Int, addresses: Int, seed: UInt64, big: Bool)
        -> (AccountTraceGraph, [Int32])
    {
        var random = TestRandom(seed: seed)
        var list: [(from: UInt32, to: UInt32, amount: UInt256, time: Int64, fee: Bool)] = []
        var balance = [UInt256](repeating: .zero, count: addresses + 1)
        var time: Int64 = 1_000
        for _ in 0..<transfers {
            if random.below(3) == 0 { time += Int64(random.below(100)) }
            let unit: UInt256 =
                big
                ? UInt256(limbs: (random.next(), random.next() % 1000, 0, 0))
                : UInt256(UInt64(1 + random.below(10_000)))
            let x = UInt32(1 + random.below(addresses))
            var y = UInt32(1 + random.below(addresses))
            if y == x { y = y % UInt32(addresses) + 1 }
            switch random.below(10) {
            case 0:
                // Minted.
                list.append((0, y, unit, time, false))
                balance[Int(y)] = balance[Int(y)] + unit
            case 1:
                // A fee.
                let fee = UInt256(UInt64(1 + random.below(100)))
                list.append((x, 0, fee, time, true))
                balance[Int(x)] = balance[Int(x)].minus(min(fee, balance[Int(x)]))
            case 2, 3:
                // The payer's whole balance (or more, when the store shows too little).
                let a = balance[Int(x)] == .zero ? unit : balance[Int(x)]
                list.append((x, y, a, time, false))
                balance[Int(x)] = balance[Int(x)].minus(min(a, balance[Int(x)]))
                balance[Int(y)] = balance[Int(y)] + a
            default:
                let a =
                    random.below(4) == 0 || balance[Int(x)] == .zero
                    ? unit
                    : balance[Int(x)].scaled(
                        by: UInt256(UInt64(1 + random.below(100))), dividedBy: UInt256(100)
                    ).quotient
                guard a != .zero else { continue }
                list.append((x, y, a, time, false))
                balance[Int(x)] = balance[Int(x)].minus(min(a, balance[Int(x)]))
                balance[Int(y)] = balance[Int(y)] + a
            }
        }
        let g = accounts(list)
        var seeds: [Int32] = []
        for _ in 0..<(1 + random.below(3)) {
            let p = Int32(random.below(g.count))
            if !g.isFee[Int(p)] { seeds.append(p) }
        }
        if seeds.isEmpty, let p = (0..<g.count).first(where: { !g.isFee[$0] }) { seeds.append(Int32(p)) }
        return (g, seeds)
    }
}
