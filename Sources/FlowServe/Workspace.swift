import FlowKit
import FlowModel
import FlowReport
import Foundation

/// The browser workspace's pages, rendered on the server from FlowReport's documents (the same
/// HTML reports the commands write) and dressed with the workspace's navigation, its stylesheet
/// and its one script (`/static/app.js`). Untrusted text reaches a page only through FlowReport's
/// escaping (`HTMLPage.escape`, `HTML.text`, `HTML.code`); the script adds only text nodes and
/// attributes, never markup.
enum Workspace {
    /// The report's own policy line (no script at all), replaced by the server's header policy
    /// (`Guard.policy`: scripts from this server only).
    static let reportPolicy =
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"

    /// `page` (a FlowReport HTML document) with the workspace's head and navigation; `token` is
    /// handed to the script for its API calls when the server has one.
    static func dress(_ page: String, token: String?, extra: String = "") -> String {
        var out = page
        var head =
            "<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"/static/app.css\">\n<script src=\"/static/app.js\" defer></script>\n"
        if let token { head += "<meta name=\"chainflow-token\" content=\"\(HTMLPage.escape(token))\">\n" }
        if let range = out.range(of: reportPolicy) {
            out.replaceSubrange(range, with: head)
        } else if let range = out.range(of: "</head>") {
            out.replaceSubrange(range, with: head + "</head>")
        }
        let nav = """
            <nav class="workspace"><a href="/">chainflow</a>
            <form action="/" method="get" role="search"><input type="search" name="q" placeholder="address, txid, tag label" aria-label="search"><button>Search</button></form>
            <a href="/trace">Trace</a> <a href="/alerts">Alerts</a> <a href="/case">Case</a></nav>

            """
        if let range = out.range(of: "<body>\n") { out.replaceSubrange(range, with: "<body>\n" + nav) }
        if !extra.isEmpty, let range = out.range(of: "</main>", options: .backwards) {
            out.replaceSubrange(range, with: extra + "</main>")
        }
        return out
    }

    static func page(_ title: String, subtitle: String? = nil, sections: [HTMLSection], token: String?)
        -> String
    {
        dress(HTMLPage(title: title, subtitle: subtitle, sections: sections).render(), token: token)
    }

    // MARK: Pages

    /// `/`: the search box and what it found (the `search` query's rows, each linking to its page).
    static func search(_ db: CaseDatabase, q: String?, token: String?) throws -> String {
        guard let q, !q.isEmpty else {
            return page(
                "chainflow workspace", subtitle: db.location,
                sections: [
                    HTMLSection(
                        title: "Search",
                        blocks: [
                            HTML(
                                raw:
                                    "<p>Type an address (or its start), a transaction id, or the start of a tag's label into the box above.</p>\n"
                            )
                        ])
                ], token: token)
        }
        let answer = try db.query(try Queries.named("search"), params: ["q=\(q)"])
        let rows: [[HTML]] = answer.result.rows.map { row in
            let kind = text(row[0])
            let value = text(row[1])
            let target = kind == "transaction" ? "/tx/" : "/address/"
            return [
                .text(kind), link(target + percent(value), .code(value)), .text(text(row[2])),
                .text(text(row[3])),
                .text(text(row[4])),
            ]
        }
        let table = HTMLTable(
            caption: "\(rows.count) found for “\(q)”",
            columns: [.init("kind"), .init("value"), .init("label"), .init("category"), .init("chain")],
            rows: rows)
        return page(
            "Search", subtitle: q,
            sections: [
                HTMLSection(
                    title: "Results",
                    blocks: [
                        rows.isEmpty ? .text("Nothing in this database starts with that text.") : table.html
                    ])
            ], token: token)
    }

    /// `/address/A`: the address report with the interactive flow graph rooted at A.
    static func address(_ db: CaseDatabase, _ address: String, token: String?) throws -> String {
        let report = try db.addressReport(address, counterparties: 10)
        let graph = graphSection(root: address)
        return dress(AddressReportRender.html(report).html, token: token, extra: graph)
    }

    /// The graph panel the script fills: the root node, expandable inputs and outputs.
    static func graphSection(root: String) -> String {
        let a = HTMLPage.escape(root)
        return """
            <section id="flow-graph-panel"><h2>Flow graph</h2>
            <p class="hint">Click a node to select it; expand its inputs (who paid it) or outputs (whom it paid), collapse, pin, colour, filter by asset and amount. Each expansion is logged in the case.</p>
            <div class="graph-tools"><button type="button" data-act="in">Expand inputs</button> <button type="button" data-act="out">Expand outputs</button> <button type="button" data-act="collapse">Collapse</button> <button type="button" data-act="pin">Pin to case</button> <label>colour <select data-act="colour"><option value="">none</option><option value="#d64545">red</option><option value="#2f80ed">blue</option><option value="#27ae60">green</option><option value="#f2994a">orange</option></select></label> <label>asset <input data-filter="asset" size="6"></label> <label>min units <input data-filter="min" size="8"></label> <a data-act="trace" href="/trace?from=address:\(percent(root))">Trace from here</a></div>
            <div id="flow-graph" data-root="\(a)"></div>
            <p id="graph-selected" class="hint"></p>
            </section>

            """
    }

    /// `/tx/ID`: the transaction as `chainflow tx` prints it.
    static func transaction(_ db: CaseDatabase, _ id: String, token: String?) throws -> String {
        _ = try TransactionLookup.normalized(id)
        let report = try db.transaction(id)
        return page(
            "Transaction", subtitle: id,
            sections: [
                HTMLSection(
                    title: "As chainflow tx prints it",
                    blocks: [HTML(raw: "<pre class=\"linkify\">\(HTMLPage.escape(report.text))</pre>\n")]),
                HTMLSection(
                    title: "Documents",
                    blocks: [
                        HTML(
                            raw:
                                "<p><a href=\"/api/v1/tx/\(percent(id))\">JSON</a> · <a href=\"/trace?from=tx:\(percent(id))\">trace its outputs</a></p>\n"
                        )
                    ]),
            ], token: token)
    }

    /// `/cluster/A`: the cluster report, and the "why" view when `with` names another member.
    static func cluster(_ db: CaseDatabase, _ address: String, with other: String?, token: String?) throws
        -> String
    {
        let report = try db.clusterReport(address: address, members: 50, flows: 10)
        var extra = ""
        if let other, !other.isEmpty {
            let x = try db.clusterExplain(address, other)
            extra =
                "<section id=\"explain\"><h2>Why \(HTMLPage.escape(address)) and \(HTMLPage.escape(other)) are one cluster</h2>\n<pre class=\"linkify\">\(HTMLPage.escape(ClusterRender.explainText(x)))</pre></section>\n"
        } else {
            extra =
                "<section id=\"explain\"><h2>Why is an address in this cluster?</h2><form method=\"get\" action=\"/cluster/\(percent(address))\"><input name=\"with\" placeholder=\"another member\" size=\"40\"> <button>Explain</button></form></section>\n"
        }
        return dress(ClusterReportRender.html(report).html, token: token, extra: extra)
    }

    /// `/trace?from=…`: the trace form, and the trace report (with its flow picture) when seeds
    /// are given.
    static func trace(_ db: CaseDatabase, _ q: QueryItems, token: String?) throws -> String {
        let from = q.all("from").first ?? ""
        let policy = (try? q.one("policy")) ?? nil
        let hops = ((try? q.one("hops")) ?? nil) ?? "6"
        let stop = q.all("stop_at_tag").first ?? ""
        let backward = (try? q.bool("backward")) ?? false
        func option(_ p: String) -> String {
            "<option\(p == (policy ?? "haircut") ? " selected" : "")>\(p)</option>"
        }
        let form = """
            <section id="trace-panel"><h2>Trace</h2><form method="get" action="/trace" class="trace-form">
            <label>seed <input name="from" size="60" value="\(HTMLPage.escape(from))" placeholder="address:X, tx:X, output:TXID:N"></label>
            <label>policy <select name="policy">\(option("haircut"))\(option("fifo"))\(option("poison"))</select></label>
            <label>hops <input name="hops" size="3" value="\(HTMLPage.escape(hops))"></label>
            <label>stop at tag <input name="stop_at_tag" size="12" value="\(HTMLPage.escape(stop))" placeholder="exchange"></label>
            <label><input type="checkbox" name="backward" value="true"\(backward ? " checked" : "")> backward</label>
            <button>Run trace</button></form></section>

            """
        guard !from.isEmpty else {
            return page("Trace", sections: [], token: token).replacingOccurrences(
                of: "<main>\n", with: "<main>\n" + form)
        }
        var items = q.items.filter { !$0.1.isEmpty }
        items.removeAll { $0.0 == "backward" }
        if backward { items.append(("backward", "true")) }
        let run = try db.trace(try ApiRoutes.traceOptions(QueryItems(items, route: "/trace")))
        let html = dress(TraceRender.html(run), token: token)
        return html.replacingOccurrences(of: "<main>\n", with: "<main>\n" + form)
    }

    /// `/alerts`: the inbox (the `alerts` query) with filters, a review form per alert.
    static func alerts(_ db: CaseDatabase, _ q: QueryItems, token: String?) throws -> String {
        try q.only(["severity", "status", "rule"])
        let params = try ApiRoutes.pairs(q, ["severity", "status", "rule"]).filter { !$0.hasSuffix("=") }
        let answer = try db.query(try Queries.named("alerts"), params: params)
        let c = Dictionary(uniqueKeysWithValues: answer.result.columns.enumerated().map { ($1, $0) })
        func v(_ row: [SQLValue], _ name: String) -> String { c[name].map { text(row[$0]) } ?? "" }
        let statuses = CaseDatabase.reviewStatuses
        let rows: [[HTML]] = answer.result.rows.map { row in
            let fingerprint = v(row, "fingerprint")
            let subjects = v(row, "subjects").split(separator: ",").map { s in
                link("/address/\(percent(String(s)))", .code(String(s))).markup
            }
            let options = statuses.map { s in
                "<option\(s == v(row, "status") ? " selected" : "")>\(s)</option>"
            }.joined()
            let review = HTML(
                raw:
                    "<form class=\"review\" data-alert=\"\(HTMLPage.escape(fingerprint))\"><select name=\"status\">\(options)</select> <input name=\"note\" size=\"24\" placeholder=\"note\"> <button>Save</button></form>"
            )
            return [
                .text(v(row, "severity")), .text(v(row, "score")), .text(v(row, "rule")),
                .text(v(row, "typology")),
                HTML(raw: subjects.joined(separator: " ")), .text(v(row, "amount_units")),
                .text(v(row, "asset")),
                .text(v(row, "window_end")), .text(v(row, "status")), .text(v(row, "note")), review,
            ]
        }
        func select(_ name: String, _ values: [String]) -> String {
            let current = (try? q.one(name)) ?? nil
            return "<label>\(name) <select name=\"\(name)\"><option value=\"\">any</option>"
                + values.map { "<option\($0 == current ? " selected" : "")>\($0)</option>" }.joined()
                + "</select></label>"
        }
        let filters = HTML(
            raw:
                "<form method=\"get\" action=\"/alerts\" class=\"filters\">\(select("severity", ["low", "medium", "high", "critical"])) \(select("status", statuses)) <label>rule <input name=\"rule\" value=\"\(HTMLPage.escape(((try? q.one("rule")) ?? nil) ?? ""))\"></label> <button>Filter</button></form>\n"
        )
        let table = HTMLTable(
            caption: rows.count == 1 ? "1 alert" : "\(rows.count) alerts",
            columns: [
                .init("severity"), .init("score", numeric: true), .init("rule"), .init("typology"),
                .init("subjects"),
                .init("amount", numeric: true), .init("asset"), .init("last evidence"), .init("status"),
                .init("note"),
                .init("review"),
            ], rows: rows)
        return page(
            "Alerts inbox", subtitle: "stored AML alerts, most severe first (chainflow query alerts)",
            sections: [HTMLSection(title: "Alerts", blocks: [filters, table.html])], token: token)
    }

    // MARK: Pieces

    static func link(_ href: String, _ content: HTML) -> HTML {
        HTML(raw: "<a href=\"\(HTMLPage.escape(href))\">\(content.markup)</a>")
    }

    static func text(_ v: SQLValue) -> String {
        switch v {
        case .null: ""
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .text(let s): s
        case .blob(let b): b.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// `s` as one path segment or query value.
    static func percent(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
