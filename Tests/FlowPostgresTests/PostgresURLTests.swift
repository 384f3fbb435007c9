import FlowPostgres
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// libpq's URL forms, the environment defaults and the password file, without a server.
@Suite struct PostgresURLTests {
    let env = ["USER": "analyst"]

    @Test func fullURL() throws {
        let url = try PostgresURL.parse("postgresql://alice@db.example:6543/cases", environment: env)
        #expect(url.host == "db.example")
        #expect(url.port == 6543)
        #expect(url.user == "alice")
        #expect(url.database == "cases")
        #expect(url.socketPath == nil)
        #expect(url.description == "postgresql://alice@db.example:6543/cases")
    }

    @Test func defaultsFromLibpqEnvironment() throws {
        let url = try PostgresURL.parse(
            "postgres://",
            environment: ["PGHOST": "10.0.0.7", "PGPORT": "5999", "PGUSER": "bob", "USER": "x"])
        #expect(url.host == "10.0.0.7")
        #expect(url.port == 5999)
        #expect(url.user == "bob")
        // libpq: the database defaults to the user name.
        #expect(url.database == "bob")
    }

    @Test func socketFolderAndIPv6() throws {
        let socket = try PostgresURL.parse("postgresql:///cases?host=/tmp/pg&port=5433", environment: env)
        #expect(socket.socketPath == "/tmp/pg/.s.PGSQL.5433")
        #expect(socket.user == "analyst")
        let v6 = try PostgresURL.parse("postgresql://u@[::1]:5432/d", environment: env)
        #expect(v6.host == "::1")
        #expect(v6.description == "postgresql://u@[::1]:5432/d")
    }

    @Test func percentEscapes() throws {
        let url = try PostgresURL.parse("postgresql://an%40lyst:p%3Ass@h/my%20db", environment: env)
        #expect(url.user == "an@lyst")
        #expect(url.password == "p:ss")
        #expect(url.database == "my db")
    }

    @Test func passwordNeverPrinted() throws {
        let url = try PostgresURL.parse("postgresql://u:s3cret@h:5432/d", environment: env)
        #expect(url.password == "s3cret")
        #expect(!url.description.contains("s3cret"))
        #expect(!"\(url)".contains("s3cret"))
        let fromEnv = try PostgresURL.parse("postgresql://u@h/d", environment: ["PGPASSWORD": "envpw"])
        #expect(fromEnv.password == "envpw")
        #expect(!fromEnv.description.contains("envpw"))
    }

    @Test(arguments: [
        ("postgresql://h:99999/d", "port '99999'"),
        ("postgresql://h:abc/d", "port 'abc'"),
        ("postgresql://h/d?sslmode=require", "TLS"),
        ("postgresql://h/d?sslmode=bogus", "sslmode 'bogus'"),
        ("postgresql://h/d?frobnicate=1", "unknown URL parameter 'frobnicate'"),
        ("postgresql://h/d?password=x", "PGPASSWORD"),
        ("postgresql://[::1/d", "'[' without ']'"),
    ])
    func badURLs(text: String, expected: String) {
        #expect {
            _ = try PostgresURL.parse(text, environment: [:])
        } throws: { error in
            let e = error as? StoreError
            return e?.description.contains(expected) == true && e?.exitCode == 66
        }
    }

    @Test func passwordFile() throws {
        let dir = try Fixtures.tempDir()
        let file = dir + "/pgpass"
        try """
        # comment
        other:5432:*:u:wrong
        db.example:6543:cases:alice:first\\:pw
        *:*:*:alice:fallback
        localhost:5432:*:sock:viasocket
        """.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let env = ["PGPASSFILE": file]
        #expect(
            try PostgresURL.parse("postgresql://alice@db.example:6543/cases", environment: env).password
                == "first:pw")
        #expect(
            try PostgresURL.parse("postgresql://alice@elsewhere/x", environment: env).password == "fallback")
        #expect(try PostgresURL.parse("postgresql://bob@elsewhere/x", environment: env).password == nil)
        // A socket host matches `localhost`, as in libpq.
        #expect(
            try PostgresURL.parse("postgresql://sock@/x?host=/tmp", environment: env).password == "viasocket")
        // PGPASSWORD wins over the file.
        var both = env
        both["PGPASSWORD"] = "env"
        #expect(try PostgresURL.parse("postgresql://alice@elsewhere/x", environment: both).password == "env")
        // A file others can read is ignored (libpq does the same).
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        #expect(try PostgresURL.parse("postgresql://alice@elsewhere/x", environment: env).password == nil)
    }

    @Test func onlyPostgresURLsArePostgres() {
        #expect(PostgresURL.isPostgres("postgresql://h/d"))
        #expect(PostgresURL.isPostgres("POSTGRES://h/d"))
        #expect(!PostgresURL.isPostgres("case.db"))
        #expect(!PostgresURL.isPostgres("/tmp/postgresql/case.db"))
    }
}
