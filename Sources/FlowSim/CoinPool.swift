import FlowModel

/// One unspent output in the simulation.
struct Coin {
    var txid: Hash256
    var value: UInt64
    var address: UInt32
    var vout: UInt32
    /// Neighbours in the owning wallet's coin list (`CoinPool.none` at the ends).
    var previous: UInt32
    var next: UInt32
}

/// The unspent-output set: one contiguous array of coins, plus an intrusive doubly linked list per
/// wallet so a spender can find more of its own coins in O(1) per coin.
///
/// Removal swaps the last coin into the hole (and relinks it), so the array stays dense and the
/// memory is proportional to the live UTXO count, not to the chain length. A wallet's list is in
/// oldest-first order, so wallets spend their oldest coins first and only rarely outputs of the
/// block being built.
struct CoinPool {
    static let none = UInt32.max

    /// A wallet's coin list.
    struct Holdings {
        var head = CoinPool.none
        var tail = CoinPool.none
        var count: UInt32 = 0
    }

    private(set) var coins: [Coin] = []
    /// Per wallet id (dense, allocated in order; grown on first use).
    private(set) var wallets: [Holdings] = []
    /// Sum of all coin values in satoshi.
    private(set) var totalValue: UInt64 = 0

    var count: Int { coins.count }

    init(expectedCoins: Int) {
        coins.reserveCapacity(expectedCoins)
    }

    subscript(index: Int) -> Coin { coins[index] }

    /// The oldest coin of `wallet`.
    func head(of wallet: UInt32) -> UInt32 {
        Int(wallet) < wallets.count ? wallets[Int(wallet)].head : CoinPool.none
    }

    /// The number of coins `wallet` holds.
    func holding(of wallet: UInt32) -> Int {
        Int(wallet) < wallets.count ? Int(wallets[Int(wallet)].count) : 0
    }

    /// Adds a coin owned by `wallet` at the end of its list.
    mutating func add(txid: Hash256, vout: UInt32, value: UInt64, address: UInt32, wallet: UInt32) {
        let index = UInt32(coins.count)
        let w = Int(wallet)
        while wallets.count <= w { wallets.append(Holdings()) }
        let oldTail = wallets[w].tail
        coins.append(
            Coin(
                txid: txid, value: value, address: address, vout: vout, previous: oldTail, next: CoinPool.none
            ))
        if oldTail != CoinPool.none {
            coins[Int(oldTail)].next = index
        } else {
            wallets[w].head = index
        }
        wallets[w].tail = index
        wallets[w].count += 1
        totalValue += value
    }

    /// Removes the coin at `index`, owned by `wallet`; `owners` maps address ids to wallets (to
    /// relink the coin moved into the hole). The coin that was last moves to `index`: callers that
    /// remove several coins remove them in descending index order.
    mutating func remove(at index: Int, wallet: UInt32, owners: [UInt32]) {
        let coin = coins[index]
        let w = Int(wallet)
        wallets[w].count -= 1
        totalValue -= coin.value
        if coin.previous != CoinPool.none {
            coins[Int(coin.previous)].next = coin.next
        } else {
            wallets[w].head = coin.next
        }
        if coin.next != CoinPool.none {
            coins[Int(coin.next)].previous = coin.previous
        } else {
            wallets[w].tail = coin.previous
        }
        let last = coins.count - 1
        if index != last {
            let moved = coins[last]
            coins[index] = moved
            let slot = UInt32(index)
            let owner = Int(owners[Int(moved.address)])
            if moved.previous != CoinPool.none {
                coins[Int(moved.previous)].next = slot
            } else {
                wallets[owner].head = slot
            }
            if moved.next != CoinPool.none {
                coins[Int(moved.next)].previous = slot
            } else {
                wallets[owner].tail = slot
            }
        }
        coins.removeLast()
    }
}
