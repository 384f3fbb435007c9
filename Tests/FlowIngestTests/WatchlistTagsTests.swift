import FlowIngest
import FlowModel
import Foundation
import Testing

/// Label and seed-list readers without a database: the tags a watchlist or label file becomes
/// (SampleData/watchlists, SampleData/transfers/labels.csv) and the seeds of a seed list.
@Suite("Watchlist tags and seed lists, without a database")
struct WatchlistTagsTests {
    static let root = Fixtures.packageRoot.appendingPathComponent("SampleData")

    @Test("an OFAC list: one tag per address, lowercased, named and sourced after the file")
    func ofacList() throws {
        let path = Self.root.appendingPathComponent("watchlists/sanctioned_addresses_ETH.txt").path
        let (kind, entries) = try WatchlistReader.read(path: path)
        #expect(kind == .lines)
        let stem = WatchlistReader.stem(of: path)
        #expect(stem == "sanctioned_addresses_ETH")
        let tags = WatchlistReader.tags(entries, source: stem, label: stem, category: "sanctions")
        // 152 lines, each one address (wc -l).
        #expect(tags.count == 152)
        #expect(
            tags.first
                == TagRecord(
                    address: "0x01e2919679362dfbc9ee1644ba9c6da6d6245bb1", label: stem, category: "sanctions",
                    source: stem, confidence: nil))
        #expect(tags.allSatisfy { $0.address == $0.address.lowercased() && $0.source == stem })
        // Without a category the list's tags are "watchlist".
        #expect(
            WatchlistReader.tags(entries, source: stem, label: stem, category: nil).allSatisfy {
                $0.category == WatchlistReader.defaultCategory
            })
    }

    @Test("a label CSV: each entry's own label, category and confidence; a given category overrides")
    func labelCSV() throws {
        let path = Self.root.appendingPathComponent("transfers/labels.csv").path
        let (kind, entries) = try WatchlistReader.read(path: path)
        #expect(kind == .csv)
        let tags = WatchlistReader.tags(entries, source: "kyc", label: "labels", category: nil)
        #expect(
            tags == [
                TagRecord(
                    address: "ACC-4001", label: "Offshore Holdings Ltd", category: "high-risk", source: "kyc",
                    confidence: 0.8),
                TagRecord(
                    address: "ACC-5001", label: "Corner Bakery", category: "customer", source: "kyc",
                    confidence: nil),
            ])
        let overridden = WatchlistReader.tags(entries, source: "kyc", label: "labels", category: "review")
        #expect(overridden.map(\.category) == ["review", "review"])
        #expect(overridden.map(\.label) == ["Offshore Holdings Ltd", "Corner Bakery"])
    }

    @Test("a seed list: comments, blank lines, spaces, CRLF and CR line ends, a byte-order mark")
    func seedList() {
        let text = "\u{FEFF}address:ACC-1\r\n# a comment\r\n\r\n  tx:0xabc  # the deposit\rsent:ACC-2\n\t\n"
        #expect(
            SeedList.entries(text) == [
                SeedList.Entry(text: "address:ACC-1", line: 1),
                SeedList.Entry(text: "tx:0xabc", line: 4),
                SeedList.Entry(text: "sent:ACC-2", line: 5),
            ])
        #expect(SeedList.entries("").isEmpty && SeedList.entries("# nothing\n").isEmpty)
    }
}
