// The in-memory hand-off between the store and the tracing analyzers: compact arrays over dense
// indexes (CSR layout), loaded once and then traced any number of times. No SQL, no algorithms.

/// Main-chain Bitcoin transactions in chain order (height, then position), as flat arrays.
///
/// Transaction `t` (a dense index, `0 ..< transactionCount`) has inputs
/// `inputStart[t] ..< inputStart[t + 1]` and outputs `outputStart[t] ..< outputStart[t + 1]`,
/// in their order in the transaction. Chain order is a topological order: a transaction comes
/// after every transaction whose outputs it spends.
public struct UTXOTraceGraph: Sendable {
    /// `spentOutput` of an input whose spent output is not in the graph.
    public static let none: Int32 = -1

    /// `transactions.id` of each transaction.
    public var txIds: [Int64] = []
    /// Block time (Unix seconds).
    public var time: [Int64] = []
    public var coinbase: [Bool] = []
    /// `transactions.first_input_id` / `first_output_id`: store ids of the rows are these plus
    /// the position in the transaction.
    public var firstInputId: [Int64] = []
    public var firstOutputId: [Int64] = []
    public var inputStart: [Int32] = [0]
    public var outputStart: [Int32] = [0]

    /// Dense index of the output each input spends, or `none` (not stored, or not on the main
    /// chain).
    public var inputSpent: [Int32] = []
    /// Value in satoshi of the output each input spends; -1 when unknown.
    public var inputValue: [Int64] = []
    /// Address id of the output each input spends (0 when it has none or it is unknown).
    public var inputAddress: [UInt32] = []
    /// The transaction of each input.
    public var inputTx: [Int32] = []

    public var outputValue: [Int64] = []
    /// Address id paid by each output; 0 for outputs without an address.
    public var outputAddress: [UInt32] = []
    /// The transaction of each output.
    public var outputTx: [Int32] = []
    /// The input (dense index) that spends each output, or `none` while unspent.
    public var outputSpender: [Int32] = []
    /// The transaction of that input, or `none` (filled by `finish`).
    public var outputSpenderTx: [Int32] = []

    /// Transactions sorted by store id, for `transaction(storeId:)`; empty when `txIds` is
    /// already sorted.
    public var byStoreId: [Int32] = []

    public init() {}

    public var transactionCount: Int { txIds.count }
    public var inputCount: Int { inputSpent.count }
    public var outputCount: Int { outputValue.count }

    public func inputs(of t: Int) -> Range<Int> { Int(inputStart[t])..<Int(inputStart[t + 1]) }
    public func outputs(of t: Int) -> Range<Int> { Int(outputStart[t])..<Int(outputStart[t + 1]) }

    /// Appends a transaction whose inputs and outputs were appended since the previous call.
    public mutating func closeTransaction(
        id: Int64, time blockTime: Int64, coinbase isCoinbase: Bool, firstInputId: Int64, firstOutputId: Int64
    ) {
        let t = Int32(txIds.count)
        txIds.append(id)
        time.append(blockTime)
        coinbase.append(isCoinbase)
        self.firstInputId.append(firstInputId)
        self.firstOutputId.append(firstOutputId)
        for _ in Int(inputStart[inputStart.count - 1])..<inputSpent.count { inputTx.append(t) }
        for _ in Int(outputStart[outputStart.count - 1])..<outputValue.count { outputTx.append(t) }
        inputStart.append(Int32(inputSpent.count))
        outputStart.append(Int32(outputValue.count))
    }

    /// Fills `outputSpender` from `inputSpent` (the first main-chain spender wins) and the
    /// store-id index; call once after the last transaction.
    public mutating func finish() {
        outputSpender = [Int32](repeating: Self.none, count: outputValue.count)
        for i in 0..<inputSpent.count {
            let o = inputSpent[i]
            if o >= 0 && outputSpender[Int(o)] == Self.none { outputSpender[Int(o)] = Int32(i) }
        }
        outputSpenderTx = outputSpender.map { $0 >= 0 ? inputTx[Int($0)] : Self.none }
        var sorted = true
        for k in txIds.indices.dropFirst() where txIds[k - 1] >= txIds[k] {
            sorted = false
            break
        }
        byStoreId = sorted ? [] : txIds.indices.sorted { txIds[$0] < txIds[$1] }.map { Int32($0) }
    }

    /// The dense index of the transaction with store id `id`, if it is in the graph.
    public func transaction(storeId id: Int64) -> Int? {
        var lo = 0
        var hi = txIds.count
        while lo < hi {
            let mid = (lo + hi) / 2
            let k = byStoreId.isEmpty ? mid : Int(byStoreId[mid])
            if txIds[k] < id { lo = mid + 1 } else { hi = mid }
        }
        guard lo < txIds.count else { return nil }
        let k = byStoreId.isEmpty ? lo : Int(byStoreId[lo])
        return txIds[k] == id ? k : nil
    }

    /// The dense index of the output with store id `id` (`outputs.id`) of transaction store id
    /// `tx`, if both are in the graph.
    public func output(storeId id: Int64, tx: Int64) -> Int? {
        guard let t = transaction(storeId: tx) else { return nil }
        let n = id - firstOutputId[t]
        let range = outputs(of: t)
        guard n >= 0, n < Int64(range.count) else { return nil }
        return range.lowerBound + Int(n)
    }
}

/// Account-model transfers of one asset in time order, with each address's transfers (CSR).
///
/// Transfer `k` (a dense position) is the k-th in (time, `transfers.id`) order: transfers of the
/// same second keep their ingest order. Failed transfers (status 0) move nothing and are left
/// out; gas fees (`TransferKind.fee`) are kept, with `to` = 0, because they draw on the payer's
/// balance. Self-transfers (from = to) change no balance and are left out.
public struct AccountTraceGraph: Sendable {
    /// `assets.id` of the asset.
    public var asset: Int64 = 0
    /// `transfers.id` of each transfer.
    public var ids: [Int64] = []
    public var time: [Int64] = []
    /// Payer address id; 0 for minted value (block rewards, withdrawals).
    public var from: [UInt32] = []
    /// Payee address id; 0 for fees and burns.
    public var to: [UInt32] = []
    public var amount: [UInt256] = []
    public var isFee: [Bool] = []

    /// Address `a`'s transfers, in and out, are `events[eventStart[a] ..< eventStart[a + 1]]`
    /// (positions, ascending).
    public var eventStart: [Int32] = [0]
    public var events: [Int32] = []
    /// For each index `i` into `events` (address `a`'s range), the first index `j >= i` of that
    /// range whose transfer `a` pays, or the range's end: where a forward trace finds the next
    /// outflow without walking past the inflows between (a hub receives thousands).
    public var nextOutflow: [Int32] = []

    public init() {}

    public var count: Int { ids.count }
    public var addressLimit: Int { eventStart.count - 1 }

    /// Appends a transfer; call `finish()` after the last one. Transfers must come in (time, id)
    /// order.
    public mutating func append(
        id: Int64, time t: Int64, from f: UInt32, to d: UInt32, amount a: UInt256, fee: Bool
    ) {
        ids.append(id)
        time.append(t)
        from.append(f)
        to.append(d)
        amount.append(a)
        isFee.append(fee)
    }

    /// Builds the per-address event lists.
    public mutating func finish() {
        var maxAddress: UInt32 = 0
        for k in 0..<ids.count {
            maxAddress = max(maxAddress, from[k], to[k])
        }
        var counts = [Int32](repeating: 0, count: Int(maxAddress) + 2)
        for k in 0..<ids.count {
            if from[k] != 0 { counts[Int(from[k]) + 1] += 1 }
            if to[k] != 0 { counts[Int(to[k]) + 1] += 1 }
        }
        for a in 1..<counts.count { counts[a] += counts[a - 1] }
        eventStart = counts
        var fill = counts
        events = [Int32](repeating: 0, count: Int(counts[counts.count - 1]))
        for k in 0..<ids.count {
            if from[k] != 0 {
                events[Int(fill[Int(from[k])])] = Int32(k)
                fill[Int(from[k])] += 1
            }
            if to[k] != 0 {
                events[Int(fill[Int(to[k])])] = Int32(k)
                fill[Int(to[k])] += 1
            }
        }
        nextOutflow = [Int32](repeating: 0, count: events.count)
        for a in 0..<(eventStart.count - 1) {
            let start = Int(eventStart[a])
            var next = eventStart[a + 1]
            var j = Int(next) - 1
            while j >= start {
                if from[Int(events[j])] == UInt32(a) { next = Int32(j) }
                nextOutflow[j] = next
                j -= 1
            }
        }
    }

    /// Address `a`'s transfer positions, ascending.
    public func events(of a: UInt32) -> ArraySlice<Int32> {
        guard Int(a) < addressLimit else { return [] }
        return events[Int(eventStart[Int(a)])..<Int(eventStart[Int(a) + 1])]
    }

    /// The positions of the transfers with store ids in `wanted` that are in the graph (one
    /// pass: ids are in (time, id) order, not id order).
    public func positions(ofTransfers wanted: Set<Int64>) -> [Int64: Int] {
        var out: [Int64: Int] = [:]
        if wanted.isEmpty { return out }
        for k in 0..<ids.count where wanted.contains(ids[k]) { out[ids[k]] = k }
        return out
    }
}
