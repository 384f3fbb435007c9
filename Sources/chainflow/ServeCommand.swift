import ArgumentParser
import FlowKit
import FlowModel
import FlowServe
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a case database to a browser and over a JSON API (read-only on the case data).",
        discussion: """
            Prints the URL, then serves until interrupted. The API (/api/v1/…, listed at /api/v1/openapi.json) answers the same JSON documents the commands print. Binds 127.0.0.1 by default; another --host needs --token T, and then every API call needs the header `Authorization: Bearer T`. See docs/serve.md.
            """)

    @OptionGroup var database: DatabaseOption

    @Option(name: .long, help: "TCP port (0: a free one).")
    var port = 8080

    @Option(name: .long, help: "Address to bind; other than loopback only with --token.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Bearer token every API call must carry (at least 8 characters).")
    var token: String?

    func validate() throws {
        do {
            try ServeOptions(database: database.db, host: host, port: port, token: token).validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        do {
            let options = ServeOptions(database: database.db, host: host, port: port, token: token)
            try Serve.run(options) { url in
                let line = "chainflow serve: \(url) (\(database.db): case data read-only)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        } catch {
            throw fail(error)
        }
    }
}
