import FlowModel
import FlowReport
import Foundation

/// One reply of the server before it goes on the wire: status, content type, body, and extra
/// headers (a download's file name). The API's documents and pages are built as answers, so
/// they can be checked without HTTP.
struct Answer: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]
    /// A download's file name (`Content-Disposition: attachment`).
    var attachment: String? = nil

    static func json(_ document: JSONValue, status: Int = 200) -> Answer {
        Answer(
            status: status, contentType: "application/json; charset=utf-8",
            body: Array(document.rendered().utf8))
    }

    static func html(_ page: String, status: Int = 200) -> Answer {
        Answer(status: status, contentType: "text/html; charset=utf-8", body: Array(page.utf8))
    }

    static func csv(_ text: String, filename: String) -> Answer {
        Answer(
            status: 200, contentType: "text/csv; charset=utf-8", body: Array(text.utf8), attachment: filename)
    }

    /// An error as the API reports it: `{"error": {"kind", "message", "exit_code"}}`, the
    /// message being the one the command line prints, and an HTTP status for its kind: 400 for a
    /// usage error, 404 for something the database does not hold, 422 for bad input data, 503
    /// when the database is busy, 500 otherwise.
    static func error(_ error: any Error) -> Answer {
        let kind: String
        let message: String
        let exit: Int32
        if let e = error as? any ChainflowError {
            kind = e.kind
            message = e.description
            exit = e.exitCode
        } else {
            kind = "internal"
            message = "chainflow: internal error: \(error)"
            exit = ExitStatus.software
        }
        let status: Int =
            switch (kind, exit) {
            case ("notFound", _): 404
            case (_, ExitStatus.usage): 400
            case (_, ExitStatus.dataError): 422
            case ("busy", _): 503
            case (_, ExitStatus.noInput): 404
            default: 500
            }
        return json(
            .object([
                (
                    "error",
                    .object([
                        ("kind", .string(kind)), ("message", .string(message)),
                        ("exit_code", .int(Int64(exit))),
                        ("status", .int(Int64(status))),
                    ])
                )
            ]), status: status)
    }
}

/// The query string of a request, read strictly: an unknown or repeated parameter is a usage
/// error naming the ones the route takes, as the command line refuses an unknown option.
struct QueryItems: Sendable {
    var items: [(String, String)]
    var route: String

    init(_ items: [(String, String)], route: String) {
        self.items = items
        self.route = route
    }

    /// Refuses parameters not in `known`.
    func only(_ known: [String]) throws(UsageError) {
        for (name, _) in items where !known.contains(name) {
            throw UsageError(
                "\(route) has no parameter '\(name.prefix(40))'; it takes \(known.isEmpty ? "none" : known.joined(separator: ", "))",
                command: "serve")
        }
    }

    func all(_ name: String) -> [String] { items.filter { $0.0 == name }.map(\.1) }

    func one(_ name: String) throws(UsageError) -> String? {
        let values = all(name)
        guard values.count <= 1 else {
            throw UsageError("\(route): '\(name)' is given twice", command: "serve")
        }
        return values.first
    }

    func int(_ name: String, default value: Int, minimum: Int = 0) throws(UsageError) -> Int {
        guard let text = try one(name) else { return value }
        guard let v = Int(text), v >= minimum else {
            throw UsageError(
                "\(route): '\(name)' must be an integer of at least \(minimum), got '\(text.prefix(40))'",
                command: "serve")
        }
        return v
    }

    func bool(_ name: String) throws(UsageError) -> Bool {
        guard let text = try one(name) else { return false }
        switch text {
        case "", "1", "true", "yes": return true
        case "0", "false", "no": return false
        default:
            throw UsageError(
                "\(route): '\(name)' is true or false, got '\(text.prefix(40))'", command: "serve")
        }
    }
}
