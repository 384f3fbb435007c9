import FlowAnalysis
import FlowModel
import Testing

/// Each detector finds its planted pattern in a small ledger, normal hubs raise nothing, and the
/// alert list does not depend on the thread count.
@Suite struct AmlDetectorTests {
    static let day = LedgerBuilder.day
    static let hour: Int64 = 3_600

    /// One planted case per rule: the builder, and the rule that must fire on it.
    static let planted: [(rule: String, build: @Sendable (inout LedgerBuilder) -> Void)] = [
        (
            "fan-in",
            { b in
                for k in 0..<8 { b.pay("S\(k)", "T", 1_500, at: 10 * day + Int64(k) * 5 * hour) }
            }
        ),
        (
            "fan-out",
            { b in
                for k in 0..<8 { b.pay("S", "R\(k)", 1_500, at: 10 * day + Int64(k) * 5 * hour) }
            }
        ),
        (
            "scatter-gather",
            { b in
                for k in 0..<4 {
                    b.pay("SRC", "M\(k)", 3_000, at: 10 * day + Int64(k) * hour)
                    b.pay("M\(k)", "SINK", 2_900, at: 10 * day + Int64(k + 5) * hour)
                }
            }
        ),
        (
            "gather-scatter",
            { b in
                for k in 0..<4 { b.pay("IN\(k)", "H", 3_000, at: 10 * day + Int64(k) * hour) }
                for k in 0..<4 { b.pay("H", "OUT\(k)", 2_800, at: 10 * day + Int64(k + 6) * hour) }
            }
        ),
        (
            "cycle",
            { b in
                b.pay("A", "B", 10_000, at: 10 * day)
                b.pay("B", "C", 9_700, at: 10 * day + 5 * hour)
                b.pay("C", "D", 9_500, at: 10 * day + 20 * hour)
                b.pay("D", "A", 9_300, at: 11 * day + 8 * hour)
            }
        ),
        (
            "bipartite",
            { b in
                for (k, s) in ["A1", "A2", "A3"].enumerated() {
                    for (j, r) in ["B1", "B2", "B3"].enumerated() {
                        b.pay(s, r, 2_000, at: 10 * day + Int64(k * 3 + j) * hour)
                    }
                }
            }
        ),
        (
            "stack",
            { b in
                for s in ["A1", "A2"] { for r in ["B1", "B2", "B3"] { b.pay(s, r, 3_000, at: 10 * day) } }
                for s in ["B1", "B2", "B3"] { for r in ["C1", "C2"] { b.pay(s, r, 2_900, at: 12 * day) } }
            }
        ),
        (
            "random-walk",
            { b in
                var v = 20_000.0
                for k in 0..<5 {
                    b.pay("W\(k)", "W\(k + 1)", v, at: 10 * day + Int64(k) * 10 * hour)
                    v *= 0.95
                }
            }
        ),
        (
            "structuring",
            { b in
                for k in 0..<4 {
                    b.pay("SMURF\(k)", "T", 9_500 + Double(k * 10), at: 10 * day + Int64(k) * day)
                }
            }
        ),
        (
            "pass-through",
            { b in
                b.pay("A", "M", 25_000, at: 10 * day)
                b.pay("M", "Z", 24_500, at: 10 * day + 3 * hour)
            }
        ),
        (
            "velocity",
            { b in
                for k in 0..<12 { b.pay("NEW", "P\(k % 4)", 300, at: 10 * day + Int64(k) * hour) }
            }
        ),
        (
            "exposure",
            { b in
                b.tags["SDN"] = ["sanctions"]
                b.pay("Y", "I", 8_000, at: 10 * day)
                b.pay("I", "SDN", 7_800, at: 10 * day + 6 * hour)
            }
        ),
    ]

    @Test(arguments: planted.indices)
    func plantedPatternIsFound(_ k: Int) {
        var b = LedgerBuilder()
        Self.planted[k].build(&b)
        let rule = Self.planted[k].rule
        let alerts = b.alerts([rule])
        #expect(!alerts.isEmpty, "\(rule) finds its planted case")
        for a in alerts {
            #expect(a.rule == rule)
            #expect(!a.rows.isEmpty && !a.explanation.isEmpty && a.windowStart <= a.windowEnd)
            #expect(a.score >= 1 && a.score <= 100)
        }
    }

    @Test func exposureIsDirectAndIndirectWithAmount() {
        var b = LedgerBuilder()
        b.tags["SDN"] = ["sanctions"]
        b.pay("Y", "I", 8_000, at: 10 * Self.day)
        b.pay("I", "SDN", 7_800, at: 10 * Self.day + 6 * Self.hour)
        let alerts = b.alerts(["exposure"])
        let bySubject = Dictionary(uniqueKeysWithValues: alerts.map { (b.name($0.subjects[0]), $0) })
        #expect(bySubject["I"]?.severity == .high, "direct exposure")
        #expect(bySubject["I"]?.amount == UInt256(780_000))
        #expect(bySubject["Y"]?.severity == .medium, "indirect exposure, two hops")
        #expect(bySubject["Y"]?.amount == UInt256(780_000), "the path's smallest transfer")
    }

    @Test func cycleNeedsValueToComeBack() {
        var b = LedgerBuilder()
        b.pay("A", "B", 10_000, at: 10 * Self.day)
        b.pay("B", "C", 9_700, at: 10 * Self.day + 5 * Self.hour)
        b.pay("C", "A", 500, at: 10 * Self.day + 9 * Self.hour)  // not the same money
        #expect(b.alerts(["cycle"]).isEmpty, "500 is not the same money, in any time order")
        b.pay("C", "A", 9_000, at: 9 * Self.day)  // before the cycle started
        #expect(b.alerts(["cycle"]) { $0.rules[0].inTimeOrder = true }.isEmpty)
        // In any time order (the default) it is a pre-funded round trip: C paid A the day before.
        let any = b.alerts(["cycle"])
        #expect(any.count == 1 && any[0].rows.count == 3)
    }

    @Test func structuringIgnoresAnEstablishedSalaryJustUnderTheThreshold() {
        var b = LedgerBuilder()
        for month in 0..<6 {
            for k in 0..<4 {
                b.pay("EMP", "E\(k)", 9_600, at: Int64(month) * 30 * Self.day + Int64(k) * Self.hour)
            }
        }
        #expect(b.alerts(["structuring", "fan-out"]).isEmpty)
    }

    /// Normal hubs: a payroll paying 80 employees monthly, a merchant with 200 regular customers,
    /// an exchange (tagged) taking deposits, friends chipping in small amounts.
    static func normalLedger() -> LedgerBuilder {
        var b = LedgerBuilder()
        b.tags["EXCH"] = ["exchange"]
        for month in 0..<5 {
            let m = Int64(month) * 30 * day
            for e in 0..<80 {
                b.pay("PAYROLL", "E\(e)", 3_000 + Double(e * 50), at: m + Int64(e) * 60)
                b.pay("E\(e)", "SHOP", 20 + Double(e % 7), at: m + 2 * day + Int64(e) * 600)
                b.pay("E\(e)", "SHOP", 35, at: m + 9 * day + Int64(e) * 600)
                b.pay("E\(e)", "LANDLORD\(e % 20)", 1_200, at: m + 3 * day + Int64(e) * 60)
                if e % 3 == 0 { b.pay("E\(e)", "EXCH", 2_000, at: m + 4 * day + Int64(e) * 60) }
                if e % 5 == 0 { b.pay("EXCH", "E\(e)", 1_500, at: m + 15 * day + Int64(e) * 60) }
            }
            for c in 0..<120 { b.pay("C\(c)", "SHOP", 15, at: m + Int64(c) * 3_000) }
        }
        for f in 0..<8 { b.pay("E\(f)", "E70", 40, at: 50 * day + Int64(f) * 600) }
        return b
    }

    @Test func normalHubsRaiseNothing() {
        let b = Self.normalLedger()
        let alerts = b.alerts(AmlRuleSet.standard.rules.map(\.name))
        #expect(alerts.isEmpty, "\(alerts.map { "\($0.rule): \($0.explanation)" })")
    }

    @Test func threadCountDoesNotChangeTheAlerts() {
        var b = Self.normalLedger()
        for k in 0..<Self.planted.count { Self.planted[k].build(&b) }
        let all = AmlRuleSet.standard.rules.map(\.name)
        let one = b.alerts(all, threads: 1)
        #expect(one.count >= Self.planted.count)
        for threads in [2, 3, 8] { #expect(b.alerts(all, threads: threads) == one) }
    }

    @Test func ratiosAreExact() {
        let v = UInt256(1_000)
        #expect(v.permyriad(9_000) == UInt256(900))
        #expect(UInt256(999).ratioPermyriad(to: v) == 9_990)
        let big = UInt256(limbs: (0, 0, 1, 0))  // 2^128
        #expect(big.permyriad(5_000) == UInt256(limbs: (0, 1 << 63, 0, 0)))
    }
}

/// Amounts beyond 2^64 and per-asset thresholds.
@Suite struct AmlExactAmountTests {
    @Test func fanInOfEtherBeyond64BitsUsesTheEtherThreshold() {
        var s = TransferSnapshot()
        s.assets = [
            TransferSnapshot.AssetInfo(id: 2, symbol: "ETH", decimals: 18),
            TransferSnapshot.AssetInfo(id: 3, symbol: "USD", decimals: 2),
        ]
        s.addressIds = (1...20).map { Int64($0) }
        let fiveEther = UInt256(5_000_000_000_000_000_000)
        for k in 0..<8 {
            // Senders 1…8 pay address 0 five ether each; the same senders pay 10 USD to address 9.
            s.append(
                transferId: Int64(k + 1), time: 1_000_000 + Int64(k) * 60, from: UInt32(k + 1), to: 0,
                asset: 0,
                amount: fiveEther)
            s.append(
                transferId: Int64(k + 100), time: 1_000_000 + Int64(k) * 60, from: UInt32(k + 1), to: 9,
                asset: 1,
                amount: UInt256(1_000))
        }
        s.dataEnd = 2_000_000
        s.sortByTime()
        var set = AmlRuleSet.standard
        set.rules = set.rules.filter { $0.name == "fan-in" }
        set.rules[0].minAmount = AmountThreshold("5000", perAsset: ["ETH": "20"])
        let alerts = AmlEngine.run(s, rules: set, threads: 2)
        #expect(alerts.count == 1, "the ether fan-in passes 20 ETH; 80 USD stays under 5000 USD")
        #expect(alerts.first?.subjects == [0])
        // 40 ether = 4 * 10^19 wei > 2^64, summed exactly.
        #expect(alerts.first?.amount == UInt256(decimal: "40000000000000000000"))
        #expect(alerts.first?.explanation.contains("40 ETH") == true)
        set.rules[0].minAmount = AmountThreshold("5000", perAsset: ["ETH": "40.000000000000000001"])
        #expect(AmlEngine.run(s, rules: set, threads: 1).isEmpty, "one wei short")
    }
}
