import FlowAnalysis
import FlowModel
import Testing

/// Amount thresholds in the reporting currency: converted per asset and day at imported prices,
/// per-asset overrides in asset units, assets without prices warned about; unordered cycles.
@Suite struct AmlFiatTests {
    static let ether = UInt256(1_000_000_000_000_000_000)

    /// Eight senders pay address 0 one ether each on day 0, and again on day 10.
    static func etherFanIn(prices: [(day: Int64, price: String)]?) -> TransferSnapshot {
        var s = TransferSnapshot()
        s.assets = [TransferSnapshot.AssetInfo(id: 2, symbol: "ETH", decimals: 18)]
        s.addressIds = (1...9).map { Int64($0) }
        for round in 0..<2 {
            for k in 0..<8 {
                s.append(
                    transferId: Int64(round * 10 + k + 1),
                    time: 86_400 * (100 + 10 * Int64(round)) + Int64(k) * 60,
                    from: UInt32(k + 1), to: 0, asset: 0, amount: ether)
            }
        }
        s.dataEnd = 86_400 * 200
        s.sortByTime()
        if let prices {
            var series = PriceSeries()
            for p in prices {
                series.append(day: p.day, price: UInt256.parseAmountOrZero(p.price, decimals: 12))
            }
            s.attachPricesForTest(["ETH": series])
        }
        return s
    }

    static func fanIn(_ s: TransferSnapshot, minAmount: AmountThreshold = AmountThreshold("5000"))
        -> [AmlAlert]
    {
        var set = AmlRuleSet.standard
        set.rules = set.rules.filter { $0.name == "fan-in" }
        set.rules[0].minAmount = minAmount
        return AmlEngine.run(s, rules: set, threads: 2)
    }

    @Test func usdThresholdsFollowTheDaysPrice() {
        // 8 ETH: $9,600 at $1,200 on day 100, $4,000 at $500 from day 105 on (carried forward).
        let s = Self.etherFanIn(prices: [(100, "1200"), (105, "500")])
        let alerts = Self.fanIn(s)
        #expect(alerts.count == 1)
        #expect(alerts.map(\.windowStart) == [Int64(86_400 * 100)])
        // Without prices the threshold is read in ether: 8 ETH < 5000 ETH, and a warning says so.
        let bare = Self.etherFanIn(prices: nil)
        #expect(Self.fanIn(bare).isEmpty)
        var set = AmlRuleSet.standard
        set.rules = set.rules.filter { $0.name == "fan-in" }
        let warnings = set.unpricedWarnings(bare)
        #expect(
            warnings.count == 1 && warnings[0].contains("ETH") && warnings[0].contains("fan-in"),
            "\(warnings)")
        #expect(set.unpricedWarnings(s).isEmpty)
    }

    @Test func aPerAssetOverrideIsInAssetUnitsEvenWithPrices() {
        let s = Self.etherFanIn(prices: [(100, "1200")])
        #expect(Self.fanIn(s, minAmount: AmountThreshold("5000", perAsset: ["ETH": "9"])).isEmpty)
        #expect(Self.fanIn(s, minAmount: AmountThreshold("5000", perAsset: ["ETH": "8"])).count == 2)
    }

    @Test func thresholdsRoundUpToWholeBaseUnitsAndValuesRoundDown() {
        let price = UInt256.parseAmountOrZero("1200", decimals: 12)
        let threshold = UInt256.parseAmountOrZero("5000", decimals: 12)
        // 5000 / 1200 ETH = 4.1666… ETH: 4166666666666666667 wei.
        #expect(
            PriceSeries.baseUnits(of: threshold, decimals: 18, price: price)
                == UInt256(4_166_666_666_666_666_667))
        var series = PriceSeries()
        series.append(day: 10, price: price)
        series.append(day: 12, price: UInt256.parseAmountOrZero("0.5", decimals: 12))
        #expect(series.price(at: 9 * 86_400) == price, "before the first day: the first price")
        #expect(series.price(at: 11 * 86_400 + 5) == price, "a missing day carries the price forward")
        #expect(
            series.value(of: Self.ether, decimals: 18, at: 12 * 86_400)
                == UInt256.parseAmountOrZero("0.5", decimals: 12))
    }

    @Test func unorderedCyclesAreFoundOnceWhenAsked() {
        var b = LedgerBuilder()
        // a -> b on day 1, c -> a on day 3, b -> c on day 5: a round trip, in no time order.
        b.pay("a", "b", 3_000, at: 1 * LedgerBuilder.day)
        b.pay("c", "a", 3_000, at: 3 * LedgerBuilder.day)
        b.pay("b", "c", 3_000, at: 5 * LedgerBuilder.day)
        #expect(b.alerts(["cycle"]) { $0.rules[0].inTimeOrder = true }.isEmpty)
        let any = b.alerts(["cycle"]) { $0.rules[0].inTimeOrder = false }
        #expect(any.count == 1)
        #expect(any.first.map { b.name($0.subjects[0]) } == "a", "reported from its earliest transfer")
        #expect(any.first?.explanation.contains("in any time order") == true)
        // Ordinary unrelated payments make no cycle.
        var c = LedgerBuilder()
        c.pay("a", "b", 3_000, at: 0)
        c.pay("b", "c", 3_000, at: LedgerBuilder.day)
        c.pay("c", "d", 3_000, at: 2 * LedgerBuilder.day)
        #expect(c.alerts(["cycle"]) { $0.rules[0].inTimeOrder = false }.isEmpty)
    }
}

extension AmlFiatTests {
    @Test func aFanInIsABurstAgainstTheSubjectsOwnRate() {
        // "quiet" gets 8 new senders in one day and nothing else in 60 days: a burst.
        // "busy" gets 8 new senders every 3 days for 30 days: its ordinary rate, no alert.
        var b = LedgerBuilder()
        for k in 0..<8 { b.pay("s\(k)", "quiet", 1_000, at: 40 * LedgerBuilder.day + Int64(k) * 600) }
        for w in 0..<10 {
            for k in 0..<8 {
                b.pay("b\(w)-\(k)", "busy", 1_000, at: Int64(w) * 3 * LedgerBuilder.day + Int64(k) * 600)
            }
        }
        let alerts = b.alerts(["fan-in"]) { $0.rules[0].minAmount = AmountThreshold("0") }
        #expect(alerts.map { b.name($0.subjects[0]) } == ["quiet"])
        #expect(alerts.first?.explanation.contains("its own history predicts 0.") == true, "\(alerts)")
        // With the test off (max-chance 1), the busy address's windows alert too.
        let off = b.alerts(["fan-in"]) {
            $0.rules[0].minAmount = AmountThreshold("0")
            $0.rules[0].maxChance = 1
        }
        #expect(off.count >= 10, "\(off.count)")
    }
}

extension AmlFiatTests {
    @Test func accountPeelChainsAreFoundAndOneHandOffIsNot() {
        var b = LedgerBuilder()
        var amount = 100_000.0
        b.pay("src", "p0", amount, at: LedgerBuilder.day)
        for k in 0..<6 {
            let t = LedgerBuilder.day + Int64(k + 1) * 3_600
            let peel = amount * 0.08
            b.pay("p\(k)", "exit\(k)", peel, at: t)
            b.pay("p\(k)", "p\(k + 1)", amount - peel - 10, at: t + 60)
            amount -= peel + 10
        }
        // Someone pays a bill and moves the rest to a new account once: not a chain.
        b.pay("x", "y", 20_000, at: 2 * LedgerBuilder.day)
        b.pay("y", "shop", 1_000, at: 2 * LedgerBuilder.day + 60)
        b.pay("y", "y2", 18_990, at: 2 * LedgerBuilder.day + 120)
        let alerts = b.alerts(["peel-chain"])
        #expect(alerts.count == 1)
        #expect(alerts.first.map { b.name($0.subjects[0]) } == "p0")
        #expect(alerts.first?.rows.count == 13, "the first transfer, six hand-offs and six peels")
        #expect(alerts.first?.explanation.contains("moved through 6 addresses") == true)
    }
}

extension TransferSnapshot {
    /// Prices by symbol, as the store's loader attaches them.
    mutating func attachPricesForTest(_ series: [String: PriceSeries]) {
        currency = "USD"
        prices = assets.map { series[$0.symbol] }
    }
}
