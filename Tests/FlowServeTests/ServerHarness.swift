import FlowKit
import FlowTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `chainflow serve` process on a free port over a case database, and HTTP calls to it.
final class ServerHarness: @unchecked Sendable {
    let process: Process
    let base: String
    let folder: String

    /// Starts `chainflow serve --db db --port 0 extra…` and waits for the URL it prints.
    init(db: String, extra: [String] = [], label: String = "serve") throws {
        folder = try Fixtures.tempDir()
        let (process, stdout, stderr) = try CLIProcess.start(
            ["serve", "--db", db, "--port", "0"] + extra, in: folder, label: label)
        self.process = process
        var url: String?
        for _ in 0..<600 where url == nil {
            let text = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: {
                $0.hasPrefix("chainflow serve: http://")
            }) {
                url = line.split(separator: " ")[2].description
            } else if !process.isRunning {
                break
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let url else {
            process.terminate()
            let err = (try? String(contentsOfFile: stderr, encoding: .utf8)) ?? ""
            throw HarnessError(message: "chainflow serve printed no URL: \(err)")
        }
        base = url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    struct Reply {
        var status: Int
        var body: Data
        var headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// GET (or `method`) `path` on the server.
    func call(_ path: String, method: String = "GET", headers: [String: String] = [:], body: Data? = nil)
        async throws
        -> Reply
    {
        var request = URLRequest(url: try #require(URL(string: base + path)))
        request.httpMethod = method
        request.httpBody = body
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields {
            if let k = k as? String, let v = v as? String { fields[k.lowercased()] = v }
        }
        return Reply(status: http.statusCode, body: data, headers: fields)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The sample case database (SampleData, the two extra tags of `SampleCaseDB.writeTags`: one a
/// `<script>` label), built once for the suite.
enum ServeSample {
    static let built: Result<String, any Error> = Result {
        let dir = try Fixtures.tempDir()
        let tags = try SampleCaseDB.writeTags(in: dir)
        let path = dir + "/case.db"
        try SampleCase.build(samples: Fixtures.sampleData, path: path, tags: [tags])
        return path
    }

    /// Block 170's transaction: Satoshi pays Hal Finney 10 BTC.
    static let block170 = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
}
