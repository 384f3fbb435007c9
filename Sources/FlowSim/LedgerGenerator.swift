public import FlowModel
import Foundation

/// Options of `chainflow generate ledger`.
public struct LedgerOptions: Sendable {
    /// Accounts in all: customers, employers, merchants, utilities, exchanges and the accounts the
    /// planted typologies add.
    public var accounts: Int
    public var days: Int
    /// Typologies to plant (of `AmlTypology.ledger`); all of them by default.
    public var typologies: [AmlTypology]
    /// Planted instances per typology; nil: one per 250 accounts, at least 10.
    public var instancesPerTypology: Int?
    public var seed: UInt64
    /// Unix time of the first day (default 2024-01-01T00:00:00Z).
    public var start: Int64

    public init(
        accounts: Int = 5_000, days: Int = 180, typologies: [AmlTypology] = AmlTypology.ledger,
        instancesPerTypology: Int? = nil, seed: UInt64 = 7, start: Int64 = 1_704_067_200
    ) {
        self.accounts = accounts
        self.days = days
        self.typologies = typologies
        self.instancesPerTypology = instancesPerTypology
        self.seed = seed
        self.start = start
    }
}

/// What `LedgerGenerator.write` wrote.
public struct LedgerSummary: Sendable {
    public var transfers: Int
    public var planted: Int
    public var instances: Int
    public var accounts: Int
    public var transactionsPath: String
    public var labelsPath: String
    public var tagsPath: String
}

/// One planted laundering instance: its ground truth.
public struct LedgerInstance: Sendable, Equatable {
    public var id: Int
    public var typology: String
    public var members: [String]
    /// `tran_id`s of its transfers.
    public var transactions: [Int]

    public init(id: Int, typology: String, members: [String], transactions: [Int]) {
        self.id = id
        self.typology = typology
        self.members = members
        self.transactions = transactions
    }
}

/// An account-model ledger of normal activity with planted laundering typologies and their labels.
///
/// Normal activity: monthly salaries from employers (payroll hubs), rent to landlords, utility
/// bills, shopping at favourite merchants (hubs), payments between friends, exchange deposits and
/// withdrawals (tagged exchange hubs), occasional large purchases, collections for a friend, loans
/// repaid, customers who join late or leave early, people moving most of a salary straight to an
/// exchange, and legitimate look-alikes of typologies (a seller paid by many new buyers at once, a
/// sale's proceeds passed straight on). Planted: one instance of a typology per `instancesPerTypology`, at varied sizes,
/// amounts and timing, among customers who also have normal activity (velocity uses fresh or
/// long-dormant accounts, exposure tagged sanctioned and mixer addresses). Typologies follow IBM
/// AMLSim's (fan-in, fan-out, cycle, bipartite, stack, scatter-gather, gather-scatter, random)
/// and FATF red flags (structuring, pass-through, dormant accounts, sanctioned counterparties).
///
/// Written as AMLSim-style `transactions.csv` (amounts with 2 decimals in USD, `is_sar` and
/// `alert_id` marking planted rows), `labels.csv` (`instance_id,typology,members,transactions`,
/// lists separated by `;`) and `tags.csv` (`address,label,category`). The same seed gives the
/// same bytes: only integer arithmetic, no dictionary iteration.
public enum LedgerGenerator {
    struct Event {
        var time: Int64
        var from: Int32
        var to: Int32
        var cents: Int64
        var instance: Int32
    }

    final class Builder {
        var random: SimRandom
        let options: LedgerOptions
        var names: [String] = []
        var events: [Event] = []
        var instances: [(typology: String, members: [Int32], events: [Int])] = []
        var tags: [(Int32, String, String)] = []
        let day: Int64 = 86_400
        var start: Int64 { options.start }
        var end: Int64 { options.start + Int64(options.days) * day }

        init(options: LedgerOptions) {
            self.options = options
            random = SimRandom(seed: options.seed)
        }

        func account(_ name: String) -> Int32 {
            names.append(name)
            return Int32(names.count - 1)
        }

        func pick<T>(_ items: [T]) -> T { items[random.below(items.count)] }

        func amount(_ lo: Int64, _ hi: Int64) -> Int64 {
            lo + Int64(random.below(Int(hi - lo + 1)))
        }

        /// A time on day `d` between 08:00 and 22:00.
        func daytime(_ d: Int) -> Int64 {
            start + Int64(d) * day + 8 * 3_600 + Int64(random.below(14 * 3_600))
        }

        @discardableResult
        func pay(_ from: Int32, _ to: Int32, _ cents: Int64, at time: Int64, instance: Int32 = -1) -> Int {
            events.append(Event(time: time, from: from, to: to, cents: max(1, cents), instance: instance))
            return events.count - 1
        }
    }

    /// Writes the three files into `directory` and returns what was written.
    public static func write(options: LedgerOptions, to directory: String) throws -> LedgerSummary {
        guard options.accounts >= 500 else {
            throw GeneratorError(.invalidOption, "--accounts must be at least 500, got \(options.accounts)")
        }
        guard options.days >= 90 else {
            throw GeneratorError(.invalidOption, "--days must be at least 90, got \(options.days)")
        }
        let b = generate(options)
        // Order by time (ties by generation order), then number the rows.
        let order = b.events.indices.sorted { (b.events[$0].time, $0) < (b.events[$1].time, $1) }
        var tranId = [Int](repeating: 0, count: b.events.count)
        var csv = "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n"
        csv.reserveCapacity(b.events.count * 80)
        for (k, e) in order.enumerated() {
            tranId[e] = k + 1
            let ev = b.events[e]
            let cents = ev.cents % 100
            csv +=
                "\(k + 1),\(b.names[Int(ev.from)]),\(b.names[Int(ev.to)]),TRANSFER,\(ev.cents / 100).\(cents < 10 ? "0" : "")\(cents),"
            csv += isoTime(ev.time)
            csv += ev.instance >= 0 ? ",True,\(ev.instance + 1)\n" : ",False,-1\n"
        }
        var labels = "instance_id,typology,members,transactions\n"
        for (k, instance) in b.instances.enumerated() {
            let members = instance.members.map { b.names[Int($0)] }.joined(separator: ";")
            let txs = instance.events.map { tranId[$0] }.sorted().map(String.init).joined(separator: ";")
            labels += "\(k + 1),\(instance.typology),\(members),\(txs)\n"
        }
        var tags = "address,label,category\n"
        for (a, label, category) in b.tags { tags += "\(b.names[Int(a)]),\(label),\(category)\n" }
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GeneratorError(
                .io,
                "cannot create the output folder: \(FileProblem.describe(error, path: directory, writing: true))",
                path: directory)
        }
        let paths = ["transactions.csv", "labels.csv", "tags.csv"].map { directory + "/" + $0 }
        for (path, text) in zip(paths, [csv, labels, tags]) {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw GeneratorError(
                    .io, "cannot write the file: \(FileProblem.describe(error, path: path, writing: true))",
                    path: path)
            }
        }
        return LedgerSummary(
            transfers: b.events.count, planted: b.events.filter { $0.instance >= 0 }.count,
            instances: b.instances.count, accounts: b.names.count, transactionsPath: paths[0],
            labelsPath: paths[1],
            tagsPath: paths[2])
    }

    static func generate(_ options: LedgerOptions) -> Builder {
        let b = Builder(options: options)
        let n = options.accounts
        let exchanges = (0..<max(2, n / 1_000)).map { b.account("EXCH-\($0 + 1)") }
        let merchants = (0..<max(10, n / 50)).map { b.account("SHOP-\($0 + 1)") }
        let employers = (0..<max(10, n / 60)).map { b.account("EMP-\($0 + 1)") }
        let utilities = (0..<max(3, n / 500)).map { b.account("UTIL-\($0 + 1)") }
        let perTypology = options.instancesPerTypology ?? max(10, n / 250)
        let fresh = options.typologies.contains(.velocity) ? perTypology : 0
        let customerCount = n - b.names.count - fresh
        let customers = (0..<customerCount).map { b.account("ACC-\(String(100_000 + $0))") }
        for e in exchanges { b.tags.append((e, "Exchange \(b.names[Int(e)])", "exchange")) }
        normalActivity(
            b, customers: customers, exchanges: exchanges, merchants: merchants, employers: employers,
            utilities: utilities)
        plant(b, customers: customers, fresh: fresh, perTypology: perTypology)
        return b
    }

    static func normalActivity(
        _ b: Builder, customers: [Int32], exchanges: [Int32], merchants: [Int32], employers: [Int32],
        utilities: [Int32]
    ) {
        let days = b.options.days
        var landlords: [Int32] = []
        for c in customers where b.random.chance(perMille: 60) { landlords.append(c) }
        if landlords.isEmpty { landlords = [customers[0]] }
        for c in customers {
            // Active period: most customers the whole time, some join late or leave early.
            var first = 0
            var last = days - 1
            if b.random.chance(perMille: 30) { first = b.random.below(days / 2) }
            if b.random.chance(perMille: 30) { last = days / 2 + b.random.below(days / 2) }
            // Salary.
            var salary: Int64 = 0
            var salaryDay = 0
            if b.random.chance(perMille: 900) {
                let employer = b.pick(employers)
                salary =
                    b.random.chance(perMille: 30) ? b.amount(900_000, 999_000) : b.amount(180_000, 850_000)
                salaryDay = b.random.chance(perMille: 500) ? 0 : 14
                var month = 0
                while month * 30 + salaryDay <= last {
                    let d = month * 30 + salaryDay + b.random.below(2)
                    if d >= first && d <= last {
                        let t = b.start + Int64(d) * b.day + 8 * 3_600 + Int64(b.random.below(7_200))
                        b.pay(employer, c, salary, at: t)
                    }
                    month += 1
                }
            }
            // Rent and utilities, monthly.
            let rent: Int64 = b.random.chance(perMille: 600) ? b.amount(60_000, 250_000) : 0
            let landlord = b.pick(landlords)
            let bills = (0..<(1 + b.random.below(2))).map { _ in (b.pick(utilities), b.amount(4_000, 25_000))
            }
            var month = 0
            while month * 30 <= last {
                if rent > 0 && landlord != c {
                    let d = month * 30 + 1 + b.random.below(4)
                    if d >= first && d <= last { b.pay(c, landlord, rent, at: b.daytime(d)) }
                }
                for (u, v) in bills {
                    let d = month * 30 + 10 + b.random.below(10)
                    if d >= first && d <= last { b.pay(c, u, v + b.amount(0, 2_000), at: b.daytime(d)) }
                }
                month += 1
            }
            // Shopping at favourite merchants.
            let favourites = (0..<(3 + b.random.below(6))).map { _ in b.pick(merchants) }
            let rate = 250 + b.random.below(350)  // purchases per 1000 days
            for d in first...last where b.random.below(1_000) < rate {
                let m = b.random.chance(perMille: 850) ? b.pick(favourites) : b.pick(merchants)
                b.pay(c, m, b.amount(500, 40_000), at: b.daytime(d))
            }
            // Friends.
            let friends = (0..<(3 + b.random.below(8))).map { _ in b.pick(customers) }.filter { $0 != c }
            if !friends.isEmpty {
                for d in first...last where b.random.below(1_000) < 50 {
                    b.pay(c, b.pick(friends), b.amount(1_000, 60_000), at: b.daytime(d))
                }
                // A collection for this customer: several friends chip in on one day.
                if b.random.chance(perMille: 60) {
                    let d = first + b.random.below(max(1, last - first))
                    for f in friends.prefix(4 + b.random.below(6)) {
                        b.pay(f, c, b.amount(2_000, 15_000), at: b.daytime(d))
                    }
                }
                // A loan from a friend, repaid in full a few weeks later.
                if b.random.chance(perMille: 20) && last - first > 40 {
                    let d = first + b.random.below(last - first - 35)
                    let f = b.pick(friends)
                    let loan = b.amount(100_000, 500_000)
                    b.pay(f, c, loan, at: b.daytime(d))
                    b.pay(c, f, loan, at: b.daytime(d + 7 + b.random.below(25)))
                }
            }
            // Exchange users.
            if b.random.chance(perMille: 250) {
                let x = b.pick(exchanges)
                for d in first...last where b.random.below(1_000) < 60 {
                    if b.random.chance(perMille: 550) {
                        b.pay(c, x, b.amount(10_000, 400_000), at: b.daytime(d))
                    } else {
                        b.pay(x, c, b.amount(10_000, 400_000), at: b.daytime(d))
                    }
                }
                // Some move most of each salary to the exchange within hours.
                if salary > 0 && b.random.chance(perMille: 400) {
                    var month = 0
                    while month * 30 + salaryDay + 2 <= last {
                        let d = month * 30 + salaryDay + 1
                        if d >= first {
                            b.pay(c, x, salary * Int64(90 + b.random.below(9)) / 100, at: b.daytime(d))
                        }
                        month += 1
                    }
                }
            }
            // Legitimate look-alikes the rules cannot tell from laundering (they keep precision
            // honest): a small seller paid by many new buyers within two days (tickets, a garage
            // sale), and a car sold to a stranger with the money passed on at once to repay a loan.
            if b.random.chance(perMille: 5) && last - first > 3 {
                let d = first + b.random.below(last - first - 2)
                for _ in 0..<(8 + b.random.below(8)) {
                    let buyer = b.pick(customers)
                    if buyer != c {
                        b.pay(
                            buyer, c, b.amount(30_000, 120_000),
                            at: b.daytime(d) + Int64(b.random.below(86_400)))
                    }
                }
            }
            if b.random.chance(perMille: 3) && last - first > 3 {
                let d = first + b.random.below(last - first - 2)
                let price = b.amount(1_500_000, 6_000_000)
                let t = b.daytime(d)
                b.pay(b.pick(customers), c, price, at: t)
                b.pay(
                    c, b.pick(customers), price * Int64(95 + b.random.below(5)) / 100,
                    at: t + Int64(3_600 + b.random.below(30_000)))
            }
            // One large purchase.
            if b.random.chance(perMille: 50) {
                b.pay(
                    c, b.pick(merchants), b.amount(300_000, 3_000_000),
                    at: b.daytime(first + b.random.below(last - first + 1)))
            }
        }
        // Businesses: merchants pay suppliers (employers) monthly; employers pay utilities.
        for m in merchants {
            let supplier = b.pick(employers)
            let v = b.amount(500_000, 5_000_000)
            var month = 0
            while month * 30 + 20 < days {
                b.pay(
                    m, supplier, v + b.amount(0, 100_000), at: b.daytime(month * 30 + 20 + b.random.below(5)))
                month += 1
            }
        }
        for e in employers {
            let u = b.pick(utilities)
            var month = 0
            while month * 30 + 5 < days {
                b.pay(e, u, b.amount(20_000, 200_000), at: b.daytime(month * 30 + 5 + b.random.below(5)))
                month += 1
            }
        }
    }
}
