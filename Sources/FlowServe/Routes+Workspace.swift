import FlowKit
import FlowModel
import FlowReport
import Foundation
import Hummingbird

/// The workspace's routes: pages (GET), the case file and reviews (POST, the only writes, to the
/// workspace's tables and to `alert_reviews` as `chainflow aml review` writes them), the script
/// and stylesheet.
extension Serve {
    static func addWorkspace(_ router: Router<BasicRequestContext>, _ options: ServeOptions, readers: Readers)
    {
        let token = options.token
        let writer = Writer(path: options.database)
        func page(
            _ path: RouterPath,
            _ build: @escaping @Sendable (CaseDatabase, [String: String], QueryItems) throws -> String
        ) {
            router.get(path) { request, context -> Response in
                var parameters: [String: String] = [:]
                for name in ["address", "id"] {
                    if let raw = context.parameters.get(name) {
                        parameters[name] = raw.removingPercentEncoding ?? raw
                    }
                }
                let query = QueryItems(requestQuery(request), route: request.uri.path)
                let fixed = parameters
                return await answer(readers) { db in
                    do {
                        return .html(try build(db, fixed, query))
                    } catch {
                        let failure = Answer.error(error)
                        let message = (error as? any ChainflowError)?.description ?? "\(error)"
                        return .html(
                            Workspace.page(
                                "Not shown", subtitle: message,
                                sections: [HTMLSection(title: "Error", blocks: [.code(message)])],
                                token: token),
                            status: failure.status)
                    }
                }
            }
        }
        page("/") { db, _, q in try Workspace.search(db, q: try q.one("q"), token: token) }
        page("/address/:address") { db, p, _ in try Workspace.address(db, p["address"] ?? "", token: token) }
        page("/tx/:id") { db, p, _ in try Workspace.transaction(db, p["id"] ?? "", token: token) }
        page("/cluster/:address") { db, p, q in
            try Workspace.cluster(db, p["address"] ?? "", with: try q.one("with"), token: token)
        }
        page("/trace") { db, _, q in try Workspace.trace(db, q, token: token) }
        page("/alerts") { db, _, q in try Workspace.alerts(db, q, token: token) }
        page("/case") { db, _, _ in CaseExport.page(try db.caseFile(), location: db.location, token: token) }

        let css = Answer(
            status: 200, contentType: "text/css; charset=utf-8", body: Array(StaticFiles.css.utf8))
        let js = Answer(
            status: 200, contentType: "text/javascript; charset=utf-8", body: Array(StaticFiles.js.utf8))
        router.get("/static/app.css") { _, _ in css.response }
        router.get("/static/app.js") { _, _ in js.response }
        // `/login?token=T`: a browser gets the cookie pages are checked against, then the search page.
        router.get("/login") { request, _ -> Response in
            let given = request.uri.queryParameters.get("token").map { String($0) } ?? ""
            guard let token, Guard<BasicRequestContext>.same(given, token) else {
                return Answer.error(ServeError(message: "wrong or missing token", exitCode: ExitStatus.usage))
                    .with(status: 401)
                    .response
            }
            var r = Response(status: .seeOther)
            r.headers[.location] = "/"
            r.headers[.setCookie] = "chainflow_token=\(token); HttpOnly; SameSite=Strict; Path=/"
            return r
        }

        router.get("/api/v1/case") { _, _ in
            await answer(readers) { db in .json(CaseExport.json(try db.caseFile())) }
        }
        func write(
            _ path: RouterPath,
            _ body:
                @escaping @Sendable (CaseDatabase, [String: String], [String: String], String) throws ->
                JSONValue
        ) {
            router.post(path) { request, context -> Response in
                guard request.headers[.xChainflowRequest] == "1" else {
                    return Answer.error(
                        ServeError(
                            message:
                                "a write needs the header X-Chainflow-Request: 1 (the workspace's script sends it)",
                            exitCode: ExitStatus.usage)
                    ).with(status: 403).response
                }
                let form: [String: String]
                do {
                    let buffer = try await request.body.collect(upTo: 256 * 1024)
                    form = Self.form(String(buffer: buffer))
                } catch {
                    return Answer.error(
                        ServeError(message: "the request body is over 256 KiB", exitCode: ExitStatus.usage)
                    )
                    .with(status: 413).response
                }
                var parameters: [String: String] = [:]
                if let raw = context.parameters.get("id") {
                    parameters["id"] = raw.removingPercentEncoding ?? raw
                }
                let at = TimeParser.isoString(Int64(Date().timeIntervalSince1970))
                let fixed = parameters
                return await writer.run { db in .json(try body(db, fixed, form, at)) }
            }
        }
        let reviewer =
            ProcessInfo.processInfo.environment["CHAINFLOW_REVIEWER"]
            ?? ProcessInfo.processInfo.environment["USER"] ?? "workspace"
        write("/api/v1/alerts/:id/review") { db, p, f, at in
            let (id, history) = try db.review(
                alert: p["id"] ?? "", status: f["status"] ?? "", note: f["note"] ?? "", reviewer: reviewer,
                at: at)
            try db.caseLog(kind: "review", detail: "\(id) \(f["status"] ?? "")", at: at)
            return .object([
                ("alert", .string(id)),
                (
                    "history",
                    .array(
                        history.map {
                            .object([
                                ("status", .string($0.status)), ("note", .string($0.note)),
                                ("reviewer", .string($0.reviewer)),
                                ("at", .string($0.at)),
                            ])
                        })
                ),
            ])
        }
        write("/api/v1/case/pins") { db, _, f, at in
            guard let address = f["address"], !address.isEmpty else {
                throw UsageError("give the address to pin as address=…", command: "serve")
            }
            try db.casePin(address: address, colour: f["colour"] ?? "", at: at)
            try db.caseLog(kind: "pin", detail: address, at: at)
            return CaseExport.json(try db.caseFile())
        }
        write("/api/v1/case/notes") { db, _, f, at in
            guard let text = f["text"], !text.isEmpty else {
                throw UsageError("a note needs text=…", command: "serve")
            }
            let id = try db.caseNote(subject: f["subject"] ?? "", text: text, at: at)
            try db.caseLog(kind: "note", detail: "note \(id)", at: at)
            return CaseExport.json(try db.caseFile())
        }
        write("/api/v1/case/log") { db, _, f, at in
            try db.caseLog(
                kind: String((f["kind"] ?? "step").prefix(40)),
                detail: String((f["detail"] ?? "").prefix(2000)), at: at)
            return .object([("logged", .bool(true))])
        }
        let exports = options.database + ".cases"
        write("/api/v1/case/export") { db, _, _, at in
            try db.caseLog(kind: "export", detail: exports, at: at)
            return try CaseExport.export(db, root: exports)
        }
    }

    /// An `application/x-www-form-urlencoded` body as a dictionary (the last of a repeated name).
    static func form(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let plus = s.replacingOccurrences(of: "+", with: " ")
                return plus.removingPercentEncoding ?? plus
            }
            out[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }
}

extension HTTPFields.Element.Name {
    static var xChainflowRequest: Self { Self("X-Chainflow-Request")! }
}

/// The workspace's writes, one at a time, each on a handle opened for writing (which applies the
/// workspace's migration the first time).
final class Writer: @unchecked Sendable {
    let path: String
    private let queue = DispatchQueue(label: "chainflow.serve.writer")

    init(path: String) { self.path = path }

    func run(_ body: @escaping @Sendable (CaseDatabase) throws -> Answer) async -> Response {
        await withCheckedContinuation { continuation in
            queue.async {
                let answer: Answer
                do {
                    answer = try body(try CaseDatabase.open(self.path, for: .write))
                } catch {
                    answer = Answer.error(error)
                }
                continuation.resume(returning: answer.response)
            }
        }
    }
}
