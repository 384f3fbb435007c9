import FlowModel
import Foundation
import Testing

/// Where the test data lives.
///
/// `SampleData/bitcoin` ships with the package, so tests over it always run. The larger set in
/// `<package root>/../shared/data/bitcoin` is only present on development machines and CI; tests
/// over it are skipped with `Fixtures.sharedSkipReason` when it is absent.
enum Fixtures {
    /// The package root, three levels above this file (Tests/FlowIngestTests/Fixtures.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// SampleData/bitcoin: small real files copied from ../shared/data (see ORIGIN.md there).
    static let sample: URL = packageRoot.appendingPathComponent("SampleData/bitcoin")

    /// ../shared/data/bitcoin: the full set of real chain data.
    static let shared: URL = packageRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/data/bitcoin")

    /// True when ../shared/data/bitcoin exists.
    static let sharedIsAvailable: Bool = FileManager.default.fileExists(atPath: shared.path)

    static let sharedSkipReason: Comment =
        "../shared/data/bitcoin is absent: tests over the full real-data set are skipped (SampleData tests still run)"

    /// A file under SampleData/bitcoin.
    static func sample(_ relative: String) -> URL { sample.appendingPathComponent(relative) }

    /// A file under ../shared/data/bitcoin.
    static func shared(_ relative: String) -> URL { shared.appendingPathComponent(relative) }

    /// The bytes of the file at `url`.
    static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    /// The parsed JSON document in `url`.
    static func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }

    /// A fresh temporary directory, removed by the caller with `removeTemporaryDirectory`.
    static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("chainflow-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func removeTemporaryDirectory(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Collects mismatches between decoded values and truth values, so that a test reports how many
/// facts disagree and the first few of them instead of thousands of separate failures.
struct Mismatches {
    private(set) var all: [String] = []

    /// Records a mismatch when `actual != expected`; `what` names the fact (e.g. "tx 3 txid").
    mutating func check<T: Equatable>(_ actual: T, _ expected: T, _ what: @autoclosure () -> String) {
        if actual != expected { all.append("\(what()): got \(actual), expected \(expected)") }
    }

    /// Optional values, shown as the value or `nil`.
    mutating func check<T: Equatable>(_ actual: T?, _ expected: T?, _ what: @autoclosure () -> String) {
        if actual != expected {
            all.append(
                "\(what()): got \(actual.map { "\($0)" } ?? "nil"), expected \(expected.map { "\($0)" } ?? "nil")"
            )
        }
    }

    /// Records a mismatch with a free-form message.
    mutating func fail(_ message: String) { all.append(message) }

    /// Records one test issue listing the first mismatches, when there are any.
    func expectNone(sourceLocation: SourceLocation = #_sourceLocation) {
        if !all.isEmpty { Issue.record("\(summary())", sourceLocation: sourceLocation) }
    }

    /// The first `limit` mismatches, one a line, with the total.
    func summary(limit: Int = 10) -> String {
        let shown = all.prefix(limit).joined(separator: "\n  ")
        return "\(all.count) mismatch(es):\n  \(shown)" + (all.count > limit ? "\n  …" : "")
    }
}

extension Network {
    /// The network named as the truth files and Bitcoin Core's test vectors name it.
    init?(truthName name: String) {
        switch name {
        case "mainnet", "main": self = .mainnet
        case "testnet", "test": self = .testnet
        case "testnet4": self = .testnet4
        case "signet": self = .signet
        case "regtest": self = .regtest
        default: return nil
        }
    }
}
