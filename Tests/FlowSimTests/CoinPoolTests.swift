import FlowModel
import Testing

@testable import FlowSim

/// The coin pool's intrusive lists survive arbitrary swap-removals: checked against a naive model.
@Test("coin pool lists stay consistent under random adds and removals")
func coinPoolMatchesNaiveModel() {
    var random = SimRandom(seed: 42)
    let owners: [UInt32] = (0..<64).map { UInt32($0 % 9) }  // address id -> wallet
    var pool = CoinPool(expectedCoins: 16)
    var model: [UInt32: [UInt64]] = [:]  // wallet -> coin values, oldest first
    var nextValue: UInt64 = 1
    for step in 0..<5_000 {
        if pool.count == 0 || random.below(100) < 55 {
            let address = UInt32(random.below(owners.count))
            let wallet = owners[Int(address)]
            pool.add(txid: .zero, vout: 0, value: nextValue, address: address, wallet: wallet)
            model[wallet, default: []].append(nextValue)
            nextValue += 1
        } else {
            let index = random.below(pool.count)
            let coin = pool[index]
            let wallet = owners[Int(coin.address)]
            pool.remove(at: index, wallet: wallet, owners: owners)
            model[wallet]?.removeAll { $0 == coin.value }
        }
        if step % 97 == 0 || step == 4_999 {
            var total: UInt64 = 0
            for wallet in UInt32(0)..<9 {
                var values: [UInt64] = []
                var cursor = pool.head(of: wallet)
                var previous = CoinPool.none
                while cursor != CoinPool.none {
                    let coin = pool[Int(cursor)]
                    #expect(coin.previous == previous)
                    #expect(owners[Int(coin.address)] == wallet)
                    values.append(coin.value)
                    previous = cursor
                    cursor = coin.next
                }
                #expect(values == model[wallet, default: []], "wallet \(wallet) at step \(step)")
                #expect(pool.holding(of: wallet) == values.count)
                total += values.reduce(0, +)
            }
            #expect(pool.totalValue == total)
        }
    }
}

@Test(
    "BIP34 height pushes are minimal script numbers",
    arguments: [
        (1, [0x51]), (16, [0x60]), (17, [0x01, 0x11]), (127, [0x01, 0x7f]), (128, [0x02, 0x80, 0x00]),
        (255, [0x02, 0xff, 0x00]), (256, [0x02, 0x00, 0x01]), (32_767, [0x02, 0xff, 0x7f]),
        (32_768, [0x03, 0x00, 0x80, 0x00]), (840_000, [0x03, 0x40, 0xd1, 0x0c]),
    ] as [(Int, [UInt8])])
func heightPush(height: Int, expected: [UInt8]) {
    var writer = ByteWriter(capacity: 8)
    writer.heightPush(height)
    #expect(writer.bytes == expected)
}

@Test("the random stream is fixed by the seed")
func randomStreamIsStable() {
    var a = SimRandom(seed: 7)
    var b = SimRandom(seed: 7)
    var c = SimRandom(seed: 8)
    let first = (0..<8).map { _ in a.next() }
    #expect(first == (0..<8).map { _ in b.next() })
    #expect(first != (0..<8).map { _ in c.next() })
    // Pinned: a change here changes every generated chain.
    var pinned = SimRandom(seed: 0)
    #expect(pinned.next() == 0x99ec_5f36_cb75_f2b4)
}
