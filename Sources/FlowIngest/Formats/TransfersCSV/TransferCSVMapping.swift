/// Which CSV columns hold a transfer's fields (`--map tx=…,time=…,from=…,to=…,amount=…[,asset=…]`).
///
/// A column is named by its header text (case-insensitive) or by `#N` (1-based position, for
/// headers with repeated names). `from` and `to` may join several columns with `+` (e.g. bank
/// and account): the address is their values joined with `:`.
public struct TransferCSVMapping: Sendable, Equatable, CustomStringConvertible {
    public enum Column: Sendable, Equatable, CustomStringConvertible {
        case name(String)
        case position(Int)
        public var description: String {
            switch self {
            case .name(let n): n
            case .position(let p): "#\(p)"
            }
        }
    }

    public var tx: Column?
    public var time: Column
    public var from: [Column]
    public var to: [Column]
    public var amount: Column
    public var asset: Column?
    /// Decimals of amounts: "12.34" with 2 decimals is 1234 base units.
    public var decimals: Int
    /// The asset of every row when no `asset` column is mapped.
    public var defaultAsset: String
    /// Per-asset decimals overriding `decimals` (e.g. Bitcoin amounts in a multi-currency ledger).
    public var assetDecimals: [String: Int] = [:]
    /// Times are integer steps of this many seconds after `epoch` (AMLSim's day steps) instead of
    /// dates or Unix seconds; nil: dates or Unix seconds.
    public var timeUnit: TimeStep?
    /// Unix seconds of step 0 when `timeUnit` is set.
    public var epoch: Int64 = TransferCSVMapping.amlsimBaseDate

    /// A unit of integer time steps.
    public enum TimeStep: Int64, Sendable, Equatable, CaseIterable {
        case second = 1
        case minute = 60
        case hour = 3_600
        case day = 86_400

        public var name: String {
            switch self {
            case .second: "second"
            case .minute: "minute"
            case .hour: "hour"
            case .day: "day"
            }
        }

        public init?(name: String) {
            guard let u = TimeStep.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
            self = u
        }
    }

    /// AMLSim's default `base_date` (2017-01-01, its `conf.json`): step 0 of its simulations.
    public static let amlsimBaseDate: Int64 = 1_483_228_800

    public static let keys = ["tx", "time", "from", "to", "amount", "asset"]

    public init(
        tx: Column?, time: Column, from: [Column], to: [Column], amount: Column, asset: Column? = nil,
        decimals: Int = 2, defaultAsset: String = "UNIT"
    ) {
        self.tx = tx
        self.time = time
        self.from = from
        self.to = to
        self.amount = amount
        self.asset = asset
        self.decimals = decimals
        self.defaultAsset = defaultAsset
    }

    /// IBM AMLSim's `transactions.csv` (tran_id, orig_acct, bene_acct, tx_type, base_amt,
    /// tran_timestamp, is_sar, alert_id); amounts with 2 decimals.
    public static let amlsim = TransferCSVMapping(
        tx: .name("tran_id"), time: .name("tran_timestamp"), from: [.name("orig_acct")],
        to: [.name("bene_acct")], amount: .name("base_amt"), decimals: 2, defaultAsset: "USD")

    /// IBM AMLworld's `*_Trans.csv`: Timestamp, From Bank, Account, To Bank, Account, Amount
    /// Received, Receiving Currency, Amount Paid, Payment Currency, Payment Format, Is Laundering.
    /// The address is `bank:account`; the transfer carries the amount paid in the payment
    /// currency (what left the sender); amounts have up to 8 decimals.
    public static let amlworld: TransferCSVMapping = {
        var m = TransferCSVMapping(
            tx: nil, time: .position(1), from: [.position(2), .position(3)],
            to: [.position(4), .position(5)],
            amount: .position(8), asset: .position(9), decimals: 8, defaultAsset: "UNIT")
        m.assetDecimals = [:]
        return m
    }()

    /// IBM AMLSim's published samples (`sample/20K_*.tgz`): `sourceNodeId,targetNodeId,value,time`
    /// with integer day steps and no transaction id column (ids are the data row numbers).
    /// Amounts with 2 decimals in USD; step 0 is AMLSim's default base date, 2017-01-01.
    public static let amlsimSample: TransferCSVMapping = {
        var m = TransferCSVMapping(
            tx: nil, time: .name("time"), from: [.name("sourceNodeId")], to: [.name("targetNodeId")],
            amount: .name("value"), decimals: 2, defaultAsset: "USD")
        m.timeUnit = .day
        return m
    }()

    /// Preset names `--preset` takes.
    public static let presetNames = ["amlsim", "amlsim-sample", "amlworld"]

    public static func preset(_ name: String) -> TransferCSVMapping? {
        switch name.lowercased() {
        case "amlsim": amlsim
        case "amlsim-sample", "amlsim-ibm": amlsimSample
        case "amlworld": amlworld
        default: nil
        }
    }

    /// Parses `tx=tran_id,time=ts,from=a,to=b,amount=amt[,asset=cur]`; `from`/`to` may be `a+b`.
    public static func parse(_ spec: String, decimals: Int = 2, defaultAsset: String = "UNIT")
        throws(IngestError)
        -> TransferCSVMapping
    {
        var fields: [String: [Column]] = [:]
        for part in spec.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, !kv[1].isEmpty else {
                throw IngestError(
                    .badValue, "--map: expected key=column, found \(quoted(part))", field: "map")
            }
            let key = kv[0].trimmingCharacters(in: .whitespaces).lowercased()
            guard keys.contains(key) else {
                throw IngestError(
                    .badValue, "--map: unknown key \(quoted(key)); keys are \(keys.joined(separator: ", "))",
                    field: "map")
            }
            guard fields[key] == nil else {
                throw IngestError(.badValue, "--map: \(key) given twice", field: "map")
            }
            let columns = kv[1].split(separator: "+", omittingEmptySubsequences: false).map {
                column(String($0))
            }
            // "time=+" or "from=a+" names an empty column.
            guard !columns.contains(.name("")) else {
                throw IngestError(
                    .badValue, "--map: \(key) names no column in \(quoted(part))", field: "map")
            }
            fields[key] = columns
        }
        for required in ["time", "from", "to", "amount"] where fields[required] == nil {
            throw IngestError(
                .badValue,
                "--map: missing \(required)=COLUMN (needs time, from, to, amount; tx and asset are optional)",
                field: "map")
        }
        for single in ["tx", "time", "amount", "asset"] where (fields[single]?.count ?? 0) > 1 {
            throw IngestError(.badValue, "--map: \(single) takes one column", field: "map")
        }
        return TransferCSVMapping(
            tx: fields["tx"]?.first, time: fields["time"]![0], from: fields["from"]!, to: fields["to"]!,
            amount: fields["amount"]![0], asset: fields["asset"]?.first, decimals: decimals,
            defaultAsset: defaultAsset)
    }

    static func column(_ text: String) -> Column {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("#"), let p = Int(t.dropFirst()), p >= 1 { return .position(p) }
        return .name(t)
    }

    public var description: String {
        var parts: [String] = []
        if let tx { parts.append("tx=\(tx)") }
        parts.append("time=\(time)")
        parts.append("from=" + from.map(\.description).joined(separator: "+"))
        parts.append("to=" + to.map(\.description).joined(separator: "+"))
        parts.append("amount=\(amount)")
        if let asset { parts.append("asset=\(asset)") }
        parts.append("decimals=\(decimals)")
        if asset == nil { parts.append("default_asset=\(defaultAsset)") }
        if let timeUnit {
            parts.append("time_unit=\(timeUnit.name)")
            parts.append("epoch=\(epoch)")
        }
        return parts.joined(separator: ",")
    }

    /// Column indexes (0-based) of the mapping in a file with `header`.
    public struct Resolved: Sendable {
        public var tx: Int?
        public var time: Int
        public var from: [Int]
        public var to: [Int]
        public var amount: Int
        public var asset: Int?
        public var names: [String]
        /// Fields a row must have.
        public var width: Int
    }

    /// Finds the mapped columns in `header`; a column that is not there is an error naming the
    /// header's columns.
    public func resolve(header: [String], file: String) throws(IngestError) -> Resolved {
        let lower = header.map { $0.lowercased() }
        func index(_ c: Column, _ key: String) throws(IngestError) -> Int {
            switch c {
            case .position(let p):
                guard p <= header.count else {
                    throw IngestError(
                        .badValue, "column #\(p) for \(key) is past the header's \(header.count) columns",
                        file: file, line: 1, field: key)
                }
                return p - 1
            case .name(let n):
                guard let i = lower.firstIndex(of: n.lowercased()) else {
                    throw IngestError(
                        .badValue,
                        "missing column \(quoted(n)) for \(key); the header has: \(header.joined(separator: ", "))",
                        file: file, line: 1, field: key)
                }
                return i
            }
        }
        var from: [Int] = []
        for c in self.from { from.append(try index(c, "from")) }
        var to: [Int] = []
        for c in self.to { to.append(try index(c, "to")) }
        let r = Resolved(
            tx: try tx.map { (c) throws(IngestError) in try index(c, "tx") }, time: try index(time, "time"),
            from: from, to: to, amount: try index(amount, "amount"),
            asset: try asset.map { (c) throws(IngestError) in try index(c, "asset") },
            names: header, width: header.count)
        return r
    }
}
