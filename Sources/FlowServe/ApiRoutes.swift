import FlowKit
import FlowModel
import FlowReport

/// One route of the JSON API v1: its path (OpenAPI form, `{name}` for a path parameter), what it
/// answers, the command line that prints the same document byte for byte, its query parameters,
/// and how the document is built (the command's own FlowKit call and FlowReport renderer).
/// The router and `/api/v1/openapi.json` are both made from `ApiRoutes.all`, so they agree.
struct ApiRoute: Sendable {
    struct Parameter: Sendable {
        var name: String
        var type: String
        var meaning: String
        var repeated = false
    }

    var path: String
    var summary: String
    var cli: String
    var query: [Parameter]
    var document: @Sendable (CaseDatabase, [String: String], QueryItems) throws -> JSONValue

    /// The names in `{…}` of `path`, in order.
    var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    /// The path in the router's form (`:name`).
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }
}

enum ApiRoutes {
    static let prefix = "/api/v1"

    static let all: [ApiRoute] = [
        ApiRoute(
            path: prefix + "/address/{address}",
            summary:
                "An address's report: activity per asset, balance history, counterparties, tags, cluster, exposure, alerts.",
            cli: "chainflow address ADDRESS --format json [--limit N]",
            query: [.init(name: "limit", type: "integer", meaning: "counterparties per asset (default 10)")]
        ) { db, path, q in
            try q.only(["limit"])
            let limit = try q.int("limit", default: 10, minimum: 1)
            return AddressReportRender.json(
                try db.addressReport(path["address"] ?? "", counterparties: limit))
        },
        ApiRoute(
            path: prefix + "/tx/{id}",
            summary:
                "One transaction of any chain: Bitcoin inputs and outputs, Ethereum transfers, a ledger's transfers.",
            cli: "chainflow tx ID --json", query: []
        ) { db, path, q in
            try q.only([])
            let id = path["id"] ?? ""
            _ = try TransactionLookup.normalized(id)
            return try db.transaction(id).json
        },
        ApiRoute(
            path: prefix + "/cluster/{address}",
            summary:
                "The cluster of an address: members (paged), tags, totals, largest flows between clusters.",
            cli: "chainflow cluster show ADDRESS --format json [--limit N] [--flows N]",
            query: [
                .init(name: "limit", type: "integer", meaning: "members listed (default 50, 0: all)"),
                .init(
                    name: "flows", type: "integer",
                    meaning: "largest inflows and outflows per asset (default 10)"),
            ]
        ) { db, path, q in
            try q.only(["limit", "flows"])
            return ClusterReportRender.json(
                try db.clusterReport(
                    address: path["address"] ?? "", members: try q.int("limit", default: 50),
                    flows: try q.int("flows", default: 10, minimum: 1)))
        },
        ApiRoute(
            path: prefix + "/cluster/{address}/explain/{other}",
            summary:
                "Why two addresses are in one cluster: the chain of transactions and heuristics that joined them.",
            cli: "chainflow cluster explain ADDRESS OTHER --json", query: []
        ) { db, path, q in
            try q.only([])
            return ClusterRender.explainJSON(
                try db.clusterExplain(path["address"] ?? "", path["other"] ?? ""))
        },
        ApiRoute(
            path: prefix + "/trace",
            summary: "Follow value forward or backward from seeds under a taint policy.",
            cli:
                "chainflow trace --from SEED… [--policy P] [--hops N] [--backward] … (JSON is its default format)",
            query: traceParameters,
            document: { db, _, q in TraceRender.json(try db.trace(try traceOptions(q))) }),
        ApiRoute(
            path: prefix + "/alerts",
            summary: "The alerts inbox: stored AML alerts with their review status, most severe first.",
            cli:
                "chainflow query alerts [--param severity=S] [--param status=S] [--param rule=R] --format json",
            query: [
                .init(name: "severity", type: "string", meaning: "low, medium, high or critical"),
                .init(
                    name: "status", type: "string", meaning: "open, escalated, closed-true or closed-false"),
                .init(name: "rule", type: "string", meaning: "a rule's name"),
                .init(name: "limit", type: "integer", meaning: "most alerts (default 500)"),
            ]
        ) { db, _, q in
            try q.only(["severity", "status", "rule", "limit"])
            if let s = try q.one("severity"), !["low", "medium", "high", "critical"].contains(s) {
                throw UsageError(
                    "alerts: severity is low, medium, high or critical, got '\(s.prefix(30))'",
                    command: "serve")
            }
            if let s = try q.one("status"), !CaseDatabase.reviewStatuses.contains(s) {
                throw UsageError(
                    "alerts: status is \(CaseDatabase.reviewStatuses.joined(separator: ", ")), got '\(s.prefix(30))'",
                    command: "serve")
            }
            return try library(db, "alerts", q, ["severity", "status", "rule", "limit"])
        },
        ApiRoute(
            path: prefix + "/search",
            summary:
                "Addresses starting with q, tags whose label starts with q, the transaction whose id is q.",
            cli: "chainflow query search --param q=TEXT --format json",
            query: [
                .init(name: "q", type: "string", meaning: "the text (required)"),
                .init(name: "limit", type: "integer", meaning: "most rows of each kind (default 20)"),
            ]
        ) { db, _, q in
            try q.only(["q", "limit"])
            guard let text = try q.one("q"), !text.isEmpty else {
                throw UsageError("search: give the text to find as q=…", command: "serve")
            }
            return try library(db, "search", q, ["q", "limit"])
        },
        ApiRoute(
            path: prefix + "/links",
            summary: "The transactions between two addresses, both ways, in time order.",
            cli: "chainflow query transactions-between --param a=FROM --param b=TO --format json",
            query: [
                .init(name: "from", type: "string", meaning: "one address (required)"),
                .init(name: "to", type: "string", meaning: "the other address (required)"),
            ]
        ) { db, _, q in
            try q.only(["from", "to"])
            guard let a = try q.one("from"), let b = try q.one("to") else {
                throw UsageError("links: give both addresses as from=…&to=…", command: "serve")
            }
            return try db.query(try Queries.named("transactions-between"), params: ["a=\(a)", "b=\(b)"])
                .json()
        },
        ApiRoute(
            path: prefix + "/neighbors/{address}",
            summary:
                "The addresses an address received from (in) and paid to (out), per asset, largest first.",
            cli:
                "chainflow query neighbors --param address=ADDRESS [--param direction=D] [--param limit=N] --format json",
            query: [
                .init(name: "direction", type: "string", meaning: "in, out or both (default both)"),
                .init(
                    name: "limit", type: "integer", meaning: "neighbours per asset and direction (default 50)"
                ),
            ]
        ) { db, path, q in
            try q.only(["direction", "limit"])
            if let d = try q.one("direction"), !["in", "out", "both"].contains(d) {
                throw UsageError(
                    "neighbors: direction is in, out or both, got '\(d.prefix(30))'", command: "serve")
            }
            let params = ["address=\(path["address"] ?? "")"] + (try pairs(q, ["direction", "limit"]))
            return try db.query(try Queries.named("neighbors"), params: params).json()
        },
    ]

    /// The query library's `name` run with the request's parameters `names` as `--param`s.
    static func library(_ db: CaseDatabase, _ name: String, _ q: QueryItems, _ names: [String]) throws
        -> JSONValue
    {
        try db.query(try Queries.named(name), params: try pairs(q, names)).json()
    }

    static func pairs(_ q: QueryItems, _ names: [String]) throws(UsageError) -> [String] {
        var out: [String] = []
        for name in names {
            if let v = try q.one(name) { out.append("\(name)=\(v)") }
        }
        return out
    }

    static let traceParameters: [ApiRoute.Parameter] = [
        .init(
            name: "from", type: "string",
            meaning: "a seed: address:X, sent:X, tx:X, output:TXID:N or a bare id", repeated: true),
        .init(name: "policy", type: "string", meaning: "haircut (default), fifo or poison"),
        .init(name: "hops", type: "integer", meaning: "most transactions followed from a seed (default 6)"),
        .init(
            name: "backward", type: "boolean", meaning: "where the value came from instead of where it went"),
        .init(name: "since", type: "string", meaning: "start of the window (Unix seconds or ISO-8601)"),
        .init(name: "until", type: "string", meaning: "end of the window"),
        .init(
            name: "min_amount", type: "string", meaning: "cut branches carrying less, in units of the asset"),
        .init(
            name: "stop_at_tag", type: "string", meaning: "stop at addresses tagged with this category",
            repeated: true),
        .init(name: "asset", type: "string", meaning: "the asset to trace when the seeds hold several"),
        .init(name: "each", type: "boolean", meaning: "trace each seed on its own"),
        .init(name: "through_conversions", type: "boolean", meaning: "follow value through swaps and wraps"),
        .init(
            name: "limit", type: "integer",
            meaning: "endpoints, cuts and addresses listed per trace (default 1000, 0: all)"),
    ]

    /// The trace command's options from a query string, checked as the command checks them.
    static func traceOptions(_ q: QueryItems) throws -> TraceOptions {
        try q.only(traceParameters.map(\.name))
        let from = q.all("from")
        guard !from.isEmpty else {
            throw UsageError(
                "give a seed with from=address:X|tx:X|output:TXID:N (or a bare address, txid or TXID:N)",
                command: "trace")
        }
        var policy = TracePolicy.haircut
        if let p = try q.one("policy") {
            guard let given = TracePolicy(rawValue: p) else {
                throw UsageError(
                    "policy '\(p.prefix(30))' is not one of \(TracePolicy.allCases.map(\.rawValue).joined(separator: ", "))",
                    command: "trace")
            }
            policy = given
        }
        let window = try TimeWindow(since: try q.one("since"), until: try q.one("until"), command: "trace")
        var options = TraceOptions(
            from: from, policy: policy, maxHops: try q.int("hops", default: 6), since: window.since,
            until: window.until, minAmount: try q.one("min_amount"), stopCategories: q.all("stop_at_tag"),
            asset: try q.one("asset"), each: try q.bool("each"), limit: try q.int("limit", default: 1000))
        options.backward = try q.bool("backward")
        options.throughConversions = try q.bool("through_conversions")
        return options
    }
}
