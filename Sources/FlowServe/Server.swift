import Dispatch
import FlowKit
public import FlowModel
import FlowReport
import Foundation
import Hummingbird

/// `chainflow serve`: the JSON API v1 and the browser workspace over one case database.
public enum Serve {
    /// Checks `options`, opens the database read-only, listens, calls `announce` with the URL
    /// once the server accepts connections, and serves until SIGINT or SIGTERM.
    public static func run(_ options: ServeOptions, announce: @escaping @Sendable (String) -> Void) throws {
        try options.validate()
        let readers = try Readers(path: options.database, count: options.readers)
        let app = application(options, readers: readers, announce: announce)
        let finished = DispatchSemaphore(value: 0)
        let failure = FailureBox()
        Task {
            do {
                try await app.runService()
            } catch {
                failure.error = error
            }
            finished.signal()
        }
        finished.wait()
        if let error = failure.error {
            throw ServeError(
                message: "cannot listen on \(options.host):\(options.port): \(error)",
                exitCode: ExitStatus.ioError)
        }
    }

    static func application(
        _ options: ServeOptions, readers: Readers, announce: @escaping @Sendable (String) -> Void
    ) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: Guard(token: options.token))
        for route in ApiRoutes.all {
            router.get(RouterPath(route.routerPath)) { request, context -> Response in
                var path: [String: String] = [:]
                for name in route.pathParameters {
                    let raw = context.parameters.get(name) ?? ""
                    path[name] = raw.removingPercentEncoding ?? raw
                }
                let parameters = path
                let query = QueryItems(requestQuery(request), route: route.path)
                return await answer(readers) { db in
                    .json(try route.document(db, parameters, query))
                }
            }
        }
        addWorkspace(router, options, readers: readers)
        let openapi = Answer.json(OpenAPI.document(version: ChainflowVersion.text))
        router.get("/api/v1/openapi.json") { _, _ in openapi.response }
        let host =
            options.host.contains(":") && !options.host.hasPrefix("[") ? "[\(options.host)]" : options.host
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(options.host, port: options.port), serverName: "chainflow"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                announce("http://\(host):\(port)/")
            }
        )
    }

    /// Runs `body` on a reader and turns what it throws into the API's JSON error.
    static func answer(_ readers: Readers, _ body: @escaping @Sendable (CaseDatabase) throws -> Answer) async
        -> Response
    {
        do {
            return try await readers.run { db in
                do { return try body(db) } catch { return Answer.error(error) }
            }.response
        } catch {
            return Answer.error(error).response
        }
    }

    /// The request's query string as (name, value) pairs in order (values percent-decoded).
    static func requestQuery(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}

/// Where the server's task leaves the error it stopped with.
final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}

/// An error of `chainflow serve` itself (the port is taken, the address cannot be bound).
public struct ServeError: ChainflowError {
    public var message: String
    public var exitCode: Int32
    public var kind: String { "serve" }
    public var location: String? { "chainflow serve" }
    public var description: String { "chainflow serve: error: \(message)" }
}

extension Answer {
    var response: Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        if let attachment { fields[.contentDisposition] = "attachment; filename=\"\(attachment)\"" }
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Every reply's security headers, and the token: with `--token T` an API call without
/// `Authorization: Bearer T` gets 401 (a page also accepts the cookie `/login` sets). Errors the
/// router raises itself (no such route) become the API's JSON errors.
struct Guard<Context: RequestContext>: RouterMiddleware {
    let token: String?

    static var policy: String {
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        var response: Response
        if let token, !Self.authorized(request, token: token) {
            response =
                Answer.error(
                    ServeError(
                        message:
                            "this server needs `Authorization: Bearer TOKEN` (the --token it was started with); a browser opens /login?token=TOKEN once",
                        exitCode: ExitStatus.usage)
                ).with(status: 401).response
            response.headers[.wwwAuthenticate] = "Bearer realm=\"chainflow\""
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError {
                let message =
                    error.status == .notFound
                    ? "no such route: \(request.method) \(request.uri.path.prefix(200)); the API's routes are listed at /api/v1/openapi.json"
                    : (error.body ?? "\(error.status)")
                response =
                    Answer.error(ServeError(message: message, exitCode: ExitStatus.usage))
                    .with(status: Int(error.status.code)).response
            }
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Whether the request may go on: the API needs `Authorization: Bearer T`; a page also
    /// takes the cookie `/login` sets; `/login` and the script and stylesheet need nothing.
    static func authorized(_ request: Request, token: String) -> Bool {
        let path = request.uri.path
        if path == "/login" || path.hasPrefix("/static/") { return true }
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            same(String(header.dropFirst("Bearer ".count)), token)
        {
            return true
        }
        guard !path.hasPrefix("/api/"), let cookies = request.headers[.cookie] else { return false }
        return cookies.split(separator: ";").contains { part in
            let p = part.trimmingCharacters(in: .whitespaces)
            return p.hasPrefix("chainflow_token=")
                && same(String(p.dropFirst("chainflow_token=".count)), token)
        }
    }

    /// `given == wanted`, in time that does not depend on where they differ.
    static func same(_ given: String, _ wanted: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(wanted.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

extension Answer {
    /// The same error document with another HTTP status (401 for a missing token).
    func with(status: Int) -> Answer {
        guard status != self.status else { return self }
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(
            of: "\"status\": \(self.status)", with: "\"status\": \(status)")
        return Answer(
            status: status, contentType: contentType, body: Array(text.utf8), attachment: attachment)
    }
}
