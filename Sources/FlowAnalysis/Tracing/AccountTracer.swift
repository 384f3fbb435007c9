public import FlowModel

/// Time-respecting taint tracing on account-model transfers of one asset (Ethereum, ledgers).
///
/// Seeds are transfers: the value they brought to their payee. A transfer only carries value
/// that reached its payer before it (transfers of the same second in store order).
///
/// **Forward**, each address keeps a tainted and a clean part of its balance, replayed from
/// its first transfer: an inflow adds its taint; an outflow carries, by the policy, the tainted
/// share of the balance at that moment (haircut: `floor(tainted × amount / balance)`, the
/// rounding remainder staying with the address), its full amount once the address is tainted
/// (poison), or its oldest units (FIFO, `AccountFIFO`). An outflow larger than the balance the
/// store shows is taken to spend clean funds from outside the store for the difference (an
/// export that starts after the account was funded). Gas fees draw on the balance like any
/// outflow and their taint is counted as fees.
///
/// **Backward**, a seed transfer's value is a demand on its payer's balance at that moment,
/// attributed to the payer's earlier inflows by the same rule read the other way (haircut: each
/// inflow supplies the demand on the balance just after it in proportion `amount : balance
/// before`; poison: every earlier inflow fully; FIFO: the inflow units the transfer consumed),
/// recursively, until minted value, unknown funds, a stop address or a limit.
///
/// The haircut of an account follows Möser, Böhme and Breuker ("Towards Risk Scoring of Bitcoin
/// Transactions", FC 2014), applied to balances as in Tironsakkul, Maarek, Eross and Just
/// ("Probing the Mystery of Cryptocurrency Theft", 2019). Only the addresses the taint reaches
/// are replayed, lazily, in one global time order (a heap of their next events).
public struct AccountTracer {
    let g: AccountTraceGraph
    let policy: TracePolicy
    let direction: TraceDirection
    let limits: TraceLimits

    var collector = TraceCollector()
    var result: TraceResult
    var heap = TraceHeap()
    var seeds: [Int32: Int] = [:]
    var absorbed: [Int32: UInt256] = [:]
    /// Per transfer with taint (forward) or demand (backward): its hop and the transfer its
    /// route came through (-1 for seeds).
    /// (Per-transfer and per-address arrays that start zero and are touched only where the trace
    /// goes: `TraceZeroedBuffer`; a hub's trace looked these up millions of times in
    /// dictionaries.) `parentPlusOne` holds the parent + 1 (0: none).
    let hopOf: TraceZeroedBuffer<Int32>
    let parentPlusOne: TraceZeroedBuffer<Int32>
    /// Forward: taint each transfer carries; backward: demand on each transfer.
    let carried: TraceZeroedBuffer<UInt256>

    // Balance replay of the reached addresses (haircut, poison).
    struct Account {
        var address: UInt32
        /// Forward: the next event to apply; backward: events from here on are done.
        var cursor: Int
        var tainted: UInt256 = .zero
        var clean: UInt256 = .zero
        var poisoned = false
        var hop = Int32.max
        var parent: Int32 = -1
        var parentAmount: UInt256 = .zero
        /// Forward: times of the first and the last tainted inflow.
        var firstArrival: Int64?
        var lastArrival: Int64?
        /// The heap key this account is scheduled at (nil when not scheduled).
        var scheduled: Int64?
        /// Forward: tainted arrivals not yet applied; backward: demanded outflows not yet swept
        /// (event indexes).
        var pending = PendingEvents()
        /// Backward: the balance before each event and the unknown funds each outflow drew.
        var before: [UInt256] = []
        var shortfall: [UInt256] = []
    }
    /// The slot in `accounts` of each address + 1 (0: not reached).
    let slotPlusOne: TraceZeroedBuffer<Int32>
    var accounts: [Account] = []

    // FIFO maps of the reached addresses.
    var fifo: [UInt32: AccountFIFO.Map] = [:]

    // Seeds carrying part of their transfer, from a hop and a route before this asset, and the
    // conversions' legs.
    var seedAmount: [Int32: UInt256] = [:]
    var seedHops: [Int32: Int32] = [:]
    var prefix: [Int32: [Int64]] = [:]
    var legs = ConversionLegs()
    var ranges: [Int32: TraceRanges<UInt256>] = [:]
    var contribution: [Int32: (hop: Int32, amount: UInt256)] = [:]

    /// Traces the seed transfers (positions in `graph`; duplicates count once).
    public static func trace(
        _ graph: AccountTraceGraph, seeds: [Int32], policy: TracePolicy, direction: TraceDirection,
        limits: TraceLimits, paths: Int = .max
    ) -> TraceResult {
        var tracer = AccountTracer(graph, policy: policy, direction: direction, limits: limits)
        return tracer.run(seeds)
    }

    /// Traces seeds that carry part of their transfer (`AccountSeed`: the value a conversion
    /// brought into this asset), stopping at the legs of `conversions`: value reaching one is a
    /// `conversion` cut, or, when `conversions.follow` is set, a `converted` endpoint with a
    /// `ConversionHit` the caller follows in the other asset (`CrossAssetTrace`).
    public static func trace(
        _ graph: AccountTraceGraph, seeds: [AccountSeed], policy: TracePolicy, direction: TraceDirection,
        limits: TraceLimits, conversions: ConversionLegs
    ) -> TraceResult {
        var tracer = AccountTracer(graph, policy: policy, direction: direction, limits: limits)
        tracer.legs = conversions
        for s in seeds {
            if tracer.seedAmount[s.position] == nil {
                tracer.seedAmount[s.position] = min(s.amount, graph.amount[Int(s.position)])
                tracer.seedHops[s.position] = Int32(clamping: s.hops)
                tracer.prefix[s.position] = s.prefix
            }
        }
        return tracer.run(seeds.map(\.position))
    }

    init(_ graph: AccountTraceGraph, policy: TracePolicy, direction: TraceDirection, limits: TraceLimits) {
        g = graph
        self.policy = policy
        self.direction = direction
        self.limits = limits
        result = TraceResult(policy: policy, direction: direction)
        hopOf = TraceZeroedBuffer(count: graph.count)
        parentPlusOne = TraceZeroedBuffer(count: graph.count)
        carried = TraceZeroedBuffer(count: graph.count)
        slotPlusOne = TraceZeroedBuffer(count: graph.addressLimit + 1)
    }

    /// The transfer the route to `p` came through; -1 for a seed or a transfer not reached.
    func parentOf(_ p: Int32) -> Int32 { parentPlusOne[Int(p)] - 1 }

    func setParent(_ p: Int32, _ parent: Int32) { parentPlusOne[Int(p)] = parent + 1 }

    /// The slot of a reached address.
    func slot(_ a: UInt32) -> Int? {
        let t = slotPlusOne[Int(a)]
        return t == 0 ? nil : Int(t) - 1
    }

    mutating func run(_ seedList: [Int32]) -> TraceResult {
        var unique: [Int32] = []
        for (k, p) in seedList.enumerated() where seeds[p] == nil && !g.isFee[Int(p)] {
            seeds[p] = k
            unique.append(p)
        }
        unique.sort()
        for p in unique {
            hopOf[Int(p)] = seedHops[p] ?? 0
            setParent(p, -1)
            carried[Int(p)] = seedValue(p)
            if policy == .fifo { ranges[p] = TraceRanges(lower: .zero, upper: seedValue(p)) }
        }
        switch (policy, direction) {
        case (.fifo, .forward): fifoForward(unique)
        case (.fifo, .backward): fifoBackward(unique)
        case (_, .forward): balanceForward(unique)
        case (_, .backward): balanceBackward(unique)
        }
        collector.finish(into: &result)
        var counted = Set<Int32>()
        result.seedAmounts = seedList.map { p in
            guard seeds[p] != nil, counted.insert(p).inserted else { return .zero }
            return seedValue(p).minus(min(seedValue(p), absorbed[p] ?? .zero))
        }
        result.seedTotal = result.seedAmounts.reduce(.zero, +)
        return result
    }

    // MARK: Shared

    /// What seed transfer `p` carries: its amount, or the part a conversion brought.
    func seedValue(_ p: Int32) -> UInt256 { seedAmount[p] ?? g.amount[Int(p)] }

    /// The route of transfer `p`, seed first (store ids), after the route that brought the seed
    /// (a conversion's, from another asset).
    func path(_ p: Int32) -> [Int64] {
        var out: [Int64] = []
        var x = p
        var first = p
        while x >= 0 {
            out.append(g.ids[Int(x)])
            first = x
            x = parentOf(x)
        }
        out.reverse()
        return (prefix[first] ?? []) + out
    }

    /// Value reaching a conversion's leg `p` (forward: the payment into the pool; backward: the
    /// pool's payment out): a `conversion` cut, or a `converted` endpoint and a hit to follow.
    mutating func convert(_ p: Int32, _ amount: UInt256, link: Int) {
        let k = Int(p)
        let pool = direction == .forward ? g.to[k] : g.from[k]
        let hops = hopOf[Int(p)]
        add(
            legs.follow ? .converted : .conversion, .transfer(g.ids[k]), address: pool, amount: amount,
            hops: hops, route: p)
        if legs.follow, amount != .zero {
            result.conversionHits.append(
                ConversionHit(link: link, amount: amount, hops: Int(hops), path: path(p), time: g.time[k]))
        }
    }

    /// Records a contribution at an endpoint or cut, reached by transfer `route`; its time is
    /// that transfer's unless `time` (and `lastTime`, for several arrivals) says otherwise.
    mutating func add(
        _ kind: TraceEndpointKind, _ location: TraceLocation, address: UInt32, amount: UInt256, hops: Int32,
        route: Int32, time: Int64? = nil, lastTime: Int64? = nil
    ) {
        let h = Int(hops == .max ? 0 : hops)
        let p = collector.wantsPath(kind, location, amount: amount, hops: h) ? path(route) : nil
        collector.add(
            kind, location, address: address, amount: amount, hops: h, path: p,
            time: time ?? (route >= 0 ? g.time[Int(route)] : nil), lastTime: lastTime)
    }

    mutating func below(_ amount: UInt256) {
        result.belowThreshold = result.belowThreshold + amount
        result.belowThresholdBranches += 1
    }

    func isStop(_ a: UInt32) -> Bool { a != 0 && limits.stops.contains(a) }

    /// Index into `g.events` of position `p` among address `a`'s events.
    func eventIndex(_ a: UInt32, _ p: Int32) -> Int {
        var lo = Int(g.eventStart[Int(a)])
        var hi = Int(g.eventStart[Int(a) + 1])
        while lo < hi {
            let mid = (lo + hi) / 2
            if g.events[mid] < p { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    mutating func account(_ a: UInt32) -> Int {
        if let s = slot(a) { return s }
        let s = accounts.count
        slotPlusOne[Int(a)] = Int32(s + 1)
        let start = Int(g.eventStart[Int(a)])
        let end = Int(g.eventStart[Int(a) + 1])
        var acc = Account(address: a, cursor: direction == .forward ? start : end)
        if direction == .backward {
            // Replay the balance once: before each event, and unknown funds drawn by outflows.
            var balance = UInt256.zero
            acc.before.reserveCapacity(end - start)
            acc.shortfall.reserveCapacity(end - start)
            for e in start..<end {
                let k = Int(g.events[e])
                acc.before.append(balance)
                if g.to[k] == a {
                    acc.shortfall.append(.zero)
                    balance = balance + g.amount[k]
                } else {
                    let amount = g.amount[k]
                    let missing = amount > balance ? amount.minus(balance) : .zero
                    acc.shortfall.append(missing)
                    balance = balance.plus(missing).minus(amount)
                }
            }
        }
        accounts.append(acc)
        return s
    }

    // MARK: Forward (haircut, poison)

    mutating func balanceForward(_ seedPositions: [Int32]) {
        // Seed arrivals are events of their own (odd keys), after the outflow at the same position.
        for p in seedPositions { heap.push(2 * Int64(p) + 1) }
        while let key = heap.pop() {
            let p = Int32(key >> 1)
            if key & 1 == 1 {
                result.steps += 1
                arrive(p, carried[Int(p)], seed: true)
            } else {
                let w = g.from[Int(p)]
                guard let s = slot(w), accounts[s].scheduled == key else { continue }
                accounts[s].scheduled = nil
                result.steps += 1
                let e = eventIndex(w, p)
                walk(s, to: e)
                let amount = outflow(s, g.amount[Int(p)])
                accounts[s].cursor = e + 1
                emit(s, p, amount)
                scheduleForward(s)
            }
        }
        // What the reached addresses still hold at the end.
        for s in accounts.indices {
            let end = Int(g.eventStart[Int(accounts[s].address) + 1])
            walk(s, to: end)
            if accounts[s].tainted != .zero {
                add(
                    .balance, .address(accounts[s].address), address: accounts[s].address,
                    amount: accounts[s].tainted, hops: accounts[s].hop, route: accounts[s].parent,
                    time: accounts[s].firstArrival, lastTime: accounts[s].lastArrival)
            }
        }
    }

    /// Taint `amount` arrives at the payee of transfer `p`.
    mutating func arrive(_ p: Int32, _ amount: UInt256, seed: Bool) {
        let k = Int(p)
        if g.isFee[k] {
            result.fees = result.fees + amount
            return
        }
        if let link = legs.legs[p] {
            convert(p, amount, link: link)
            return
        }
        let y = g.to[k]
        if y == 0 {
            add(.burned, .transfer(g.ids[k]), address: 0, amount: amount, hops: hopOf[Int(p)], route: p)
            return
        }
        if !seed && amount < limits.minAmount {
            below(amount)
            return
        }
        if !seed && isStop(y) {
            add(.tagged, .address(y), address: y, amount: amount, hops: hopOf[Int(p)], route: p)
            return
        }
        carried[Int(p)] = amount
        let s = account(y)
        accounts[s].pending.insert(eventIndex(y, p))
        scheduleForward(s)
    }

    /// Schedules the account's next outflow that may carry taint.
    mutating func scheduleForward(_ s: Int) {
        let a = accounts[s].address
        let end = Int(g.eventStart[Int(a) + 1])
        var from: Int
        if accounts[s].tainted != .zero || accounts[s].poisoned {
            from = accounts[s].cursor
        } else if let first = accounts[s].pending.min {
            from = first + 1
        } else {
            return
        }
        if from < end { from = Int(g.nextOutflow[from]) }
        guard from < end else { return }
        let key = 2 * Int64(g.events[from])
        if let current = accounts[s].scheduled, current <= key { return }
        accounts[s].scheduled = key
        heap.push(key)
    }

    /// Applies the account's events before event index `e`.
    mutating func walk(_ s: Int, to e: Int) {
        let a = accounts[s].address
        while accounts[s].cursor < e {
            let i = accounts[s].cursor
            let k = Int(g.events[i])
            accounts[s].cursor += 1
            if g.to[k] == a {
                accounts[s].pending.remove(i)
                inflow(s, k)
            } else {
                let amount = outflow(s, g.amount[k])
                emit(s, Int32(k), amount)
            }
        }
    }

    mutating func inflow(_ s: Int, _ k: Int) {
        let p = Int32(k)
        let amount = g.amount[k]
        let taint = carried[Int(p)]
        if policy == .poison {
            if accounts[s].poisoned || taint != .zero {
                accounts[s].poisoned = true
                accounts[s].tainted = accounts[s].tainted.plus(accounts[s].clean).plus(amount)
                accounts[s].clean = .zero
            } else {
                accounts[s].clean = accounts[s].clean.plus(amount)
            }
        } else {
            accounts[s].tainted = accounts[s].tainted.plus(taint)
            accounts[s].clean = accounts[s].clean.plus(amount.minus(taint))
        }
        if taint != .zero {
            if accounts[s].firstArrival == nil { accounts[s].firstArrival = g.time[k] }
            accounts[s].lastArrival = g.time[k]
            let h = hopOf[Int(p)]
            if h < accounts[s].hop || (h == accounts[s].hop && taint > accounts[s].parentAmount) {
                accounts[s].hop = h
                accounts[s].parent = p
                accounts[s].parentAmount = taint
            }
        }
    }

    /// Applies an outflow of `amount`; returns the taint it carries.
    mutating func outflow(_ s: Int, _ amount: UInt256) -> UInt256 {
        let t = accounts[s].tainted
        let c = accounts[s].clean
        if policy == .poison {
            guard accounts[s].poisoned else {
                accounts[s].clean = c.minus(min(c, amount))
                return .zero
            }
            accounts[s].tainted = amount > t ? .zero : t.minus(amount)
            return amount
        }
        var total = t.plus(c)
        var clean = c
        if amount > total {
            // Funds from outside the store, taken as clean.
            clean = clean.plus(amount.minus(total))
            total = amount
        }
        if t == .zero {
            accounts[s].clean = clean.minus(amount)
            return .zero
        }
        let share = t.scaled(by: amount, dividedBy: total).quotient
        accounts[s].tainted = t.minus(share)
        accounts[s].clean = clean.minus(amount.minus(share))
        return share
    }

    /// Taint `amount` leaves account `s` in transfer `p`.
    mutating func emit(_ s: Int, _ p: Int32, _ amount: UInt256) {
        if amount == .zero { return }
        if seeds[p] != nil {
            if policy != .poison { absorbed[p] = (absorbed[p] ?? .zero) + amount }
            return
        }
        let acc = accounts[s]
        let h = acc.hop == .max ? 1 : acc.hop + 1
        hopOf[Int(p)] = h
        setParent(p, acc.parent)
        if let until = limits.until, g.time[Int(p)] > until {
            add(
                .timeLimit, .address(acc.address), address: acc.address, amount: amount, hops: acc.hop,
                route: acc.parent)
            return
        }
        if Int(h) > limits.maxHops {
            add(
                .hopLimit, .address(acc.address), address: acc.address, amount: amount, hops: acc.hop,
                route: acc.parent)
            return
        }
        arrive(p, amount, seed: false)
    }

    // MARK: Backward (haircut, poison)

    /// Heap keys: `2p + 1` for the payee of transfer `p` (its inflow splits the demand), `2p`
    /// for the payer (its outflow drew unknown funds). The heap is a min-heap: keys are negated.
    mutating func balanceBackward(_ seedPositions: [Int32]) {
        for p in seedPositions.reversed() {
            result.steps += 1
            departBack(p, carried[Int(p)], seed: true)
        }
        while let negated = heap.pop() {
            let key = -negated
            let p = Int32(key >> 1)
            let a = key & 1 == 1 ? g.to[Int(p)] : g.from[Int(p)]
            guard let s = slot(a), accounts[s].scheduled == key else { continue }
            accounts[s].scheduled = nil
            result.steps += 1
            let e = eventIndex(a, p)
            while accounts[s].cursor > e {
                accounts[s].cursor -= 1
                stepBack(s, accounts[s].cursor)
            }
            scheduleBackward(s)
        }
        for s in accounts.indices where accounts[s].tainted != .zero {
            // Cannot happen: an address's history starts from a zero balance.
            add(
                .unknownSource, .address(accounts[s].address), address: accounts[s].address,
                amount: accounts[s].tainted, hops: accounts[s].hop, route: accounts[s].parent)
        }
    }

    /// Demand `amount` on transfer `p`, to be explained by its payer's earlier inflows.
    mutating func departBack(_ p: Int32, _ amount: UInt256, seed: Bool) {
        let k = Int(p)
        if let link = legs.legs[p] {
            convert(p, amount, link: link)
            return
        }
        let x = g.from[k]
        if x == 0 {
            add(.minted, .transfer(g.ids[k]), address: 0, amount: amount, hops: hopOf[Int(p)], route: p)
            return
        }
        if !seed && amount < limits.minAmount {
            below(amount)
            return
        }
        if !seed && isStop(x) {
            add(.tagged, .address(x), address: x, amount: amount, hops: hopOf[Int(p)], route: p)
            return
        }
        carried[Int(p)] = amount
        let s = account(x)
        accounts[s].pending.insert(eventIndex(x, p))
        scheduleBackward(s)
    }

    /// Schedules the account's next event (going back in time) where demand leaves it: an
    /// inflow, or an outflow that drew unknown funds.
    mutating func scheduleBackward(_ s: Int) {
        let a = accounts[s].address
        let start = Int(g.eventStart[Int(a)])
        var from: Int
        if accounts[s].tainted != .zero || accounts[s].poisoned {
            from = accounts[s].cursor - 1
        } else if let last = accounts[s].pending.max {
            from = last
        } else {
            return
        }
        var key: Int64 = -1
        while from >= start {
            let k = g.events[from]
            if g.to[Int(k)] == a {
                key = 2 * Int64(k) + 1
                break
            }
            if accounts[s].shortfall[from - start] != .zero {
                key = 2 * Int64(k)
                break
            }
            from -= 1
        }
        guard key >= 0 else { return }
        if let current = accounts[s].scheduled, current >= key { return }
        accounts[s].scheduled = key
        heap.push(-key)
    }

    /// Passes event index `e` of account `s` going back in time.
    mutating func stepBack(_ s: Int, _ e: Int) {
        let a = accounts[s].address
        let start = Int(g.eventStart[Int(a)])
        let k = Int(g.events[e])
        let p = Int32(k)
        if g.to[k] == a {
            guard accounts[s].tainted != .zero || accounts[s].poisoned else { return }
            let amount = g.amount[k]
            let part: UInt256
            if policy == .poison {
                part = amount
            } else {
                let before = accounts[s].before[e - start]
                let parts = TraceShares.split(
                    accounts[s].tainted, weights: [amount, before], total: amount.plus(before))
                part = parts[0]
                accounts[s].tainted = parts[1]
            }
            giveBack(s, p, part)
            return
        }
        if accounts[s].pending.remove(e) {
            let demand = carried[Int(p)]
            if policy == .poison {
                accounts[s].poisoned = true
            } else {
                accounts[s].tainted = accounts[s].tainted.plus(demand)
            }
            let h = hopOf[Int(p)]
            if h < accounts[s].hop || (h == accounts[s].hop && demand > accounts[s].parentAmount) {
                accounts[s].hop = h
                accounts[s].parent = p
                accounts[s].parentAmount = demand
            }
        }
        let missing = accounts[s].shortfall[e - start]
        guard missing != .zero, accounts[s].tainted != .zero || accounts[s].poisoned else { return }
        let unknown: UInt256
        if policy == .poison {
            unknown = missing
        } else {
            let before = accounts[s].before[e - start]
            let parts = TraceShares.split(
                accounts[s].tainted, weights: [missing, before], total: missing.plus(before))
            unknown = parts[0]
            accounts[s].tainted = parts[1]
        }
        let acc = accounts[s]
        // When the outflow that drew the unknown funds left.
        add(
            .unknownSource, .address(a), address: a, amount: unknown, hops: acc.hop, route: acc.parent,
            time: g.time[k])
    }

    /// Demand `amount` leaves account `s` through its inflow `p`.
    mutating func giveBack(_ s: Int, _ p: Int32, _ amount: UInt256) {
        if amount == .zero { return }
        if seeds[p] != nil {
            if policy != .poison { absorbed[p] = (absorbed[p] ?? .zero) + amount }
            return
        }
        let acc = accounts[s]
        let h = acc.hop == .max ? 1 : acc.hop + 1
        hopOf[Int(p)] = h
        setParent(p, acc.parent)
        if let since = limits.since, g.time[Int(p)] < since {
            add(
                .timeLimit, .address(acc.address), address: acc.address, amount: amount, hops: acc.hop,
                route: acc.parent)
            return
        }
        if Int(h) > limits.maxHops {
            add(
                .hopLimit, .address(acc.address), address: acc.address, amount: amount, hops: acc.hop,
                route: acc.parent)
            return
        }
        result.steps += 1
        departBack(p, amount, seed: false)
    }
}

/// An account's pending event indexes, kept in order: the smallest and largest are read in O(1)
/// and an index is found by binary search, so a hub with thousands of tainted arrivals does not
/// scan them all per event. Arrivals come nearly in order, so inserting is mostly an append, and
/// the walk removes from the front (a moving head, compacted now and then).
struct PendingEvents {
    private var storage: [Int] = []
    private var head = 0

    var min: Int? { head < storage.count ? storage[head] : nil }
    var max: Int? { head < storage.count ? storage[storage.count - 1] : nil }

    /// The first position in `head..<count` whose index is `>= x`.
    private func lowerBound(_ x: Int) -> Int {
        var lo = head
        var hi = storage.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if storage[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    mutating func insert(_ x: Int) {
        if head == storage.count || x >= storage[storage.count - 1] {
            storage.append(x)
        } else {
            storage.insert(x, at: lowerBound(x))
        }
    }

    /// Removes one occurrence of `x`; false when it is not pending.
    @discardableResult
    mutating func remove(_ x: Int) -> Bool {
        let at = lowerBound(x)
        guard at < storage.count, storage[at] == x else { return false }
        if at == head {
            head += 1
            if head == storage.count {
                storage.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64 && head * 2 >= storage.count {
                storage.removeFirst(head)
                head = 0
            }
        } else {
            storage.remove(at: at)
        }
        return true
    }
}
