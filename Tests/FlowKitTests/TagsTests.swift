import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

@Suite struct TagsTests {
    static let watchlists = Fixtures.packageRoot.appendingPathComponent("SampleData/watchlists").path

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    @Test func ofacListImportsEveryAddressOnceAndReimportAddsNothing() throws {
        let (store, _) = try Fixtures.freshStore()
        let path = Self.watchlists + "/sanctioned_addresses_XBT.txt"
        let expected = try Self.lines(path)
        let first = try TagImport.run(
            store: store, path: path, options: TagImportOptions(category: "sanctions"))
        #expect(first.kind == "lines")
        #expect(first.entries == expected.count)
        #expect(first.added == expected.count)
        let again = try TagImport.run(
            store: store, path: path, options: TagImportOptions(category: "sanctions"))
        #expect(again.added == 0)
        #expect(again.existing == expected.count)
        // The JSON form of the same list is the same source (the name without extension) and the
        // same set of tags.
        let json = try TagImport.run(
            store: store, path: Self.watchlists + "/sanctioned_addresses_XBT.json",
            options: TagImportOptions(category: "sanctions"))
        #expect(json.kind == "json")
        #expect(json.entries == expected.count)
        #expect(json.added == 0)
        let tags = try store.tags(of: expected[0])
        let want = TagRecord(
            address: expected[0], label: "sanctioned_addresses_XBT", category: "sanctions",
            source: "sanctioned_addresses_XBT")
        #expect(tags == [want])
        let summary = try store.tagSummary()
        #expect(summary.count == 1)
        #expect(summary[0].count == expected.count)
    }

    @Test func aTagIsOnePerAddressLabelAndSourceAndReplaceRemovesDelistings() throws {
        let (store, dir) = try Fixtures.freshStore()
        let path = Self.watchlists + "/sanctioned_addresses_XBT.txt"
        let expected = try Self.lines(path)
        _ = try TagImport.run(store: store, path: path, options: TagImportOptions())
        // Another category for the same address, label and source updates the tag.
        let again = try TagImport.run(
            store: store, path: path, options: TagImportOptions(category: "sanctions"))
        #expect(again.added == 0)
        #expect(try store.tags(of: expected[0]).map(\.category) == ["sanctions"])
        // A later list without the first ten addresses, with --replace: they are removed.
        let later = dir + "/sanctioned_addresses_XBT.txt"
        try (expected.dropFirst(10).joined(separator: "\n") + "\n").write(
            toFile: later, atomically: true, encoding: .utf8)
        let replaced = try TagImport.run(
            store: store, path: later, options: TagImportOptions(category: "sanctions", replace: true))
        #expect(replaced.removed == 10 && replaced.added == 0 && replaced.existing == expected.count - 10)
        #expect(try store.tags(of: expected[0]).isEmpty)
        #expect(try store.tags(of: expected[10]).count == 1)
        #expect(try store.tagSummary().map(\.count) == [expected.count - 10])
    }

    @Test func ethereumAddressesAreStoredLowercaseAndFoundInAnyCase() throws {
        let (store, _) = try Fixtures.freshStore()
        let path = Self.watchlists + "/sanctioned_addresses_ETH.txt"
        let checksummed = try Self.lines(path)[0]
        #expect(checksummed != checksummed.lowercased())
        _ = try TagImport.run(store: store, path: path, options: TagImportOptions(category: "sanctions"))
        let stored = try store.tags(of: checksummed).map { $0.address }
        #expect(stored == [checksummed.lowercased()])
        let profile = try #require(try AddressProfile.load(store: store, address: checksummed))
        #expect(profile.tags.count == 1)
        #expect(profile.assets.isEmpty)
    }

    @Test func csvTagsCarryLabelCategoryConfidenceAndShowOnTheAddress() throws {
        let (store, dir) = try Fixtures.freshStore()
        try Fixtures.ingest(store, [Fixtures.sample("blk/blocks1-256.dat")])
        // An address paid in block 1.
        let txid = try #require(
            Hash256(displayHex: "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098"))
        let tx = try #require(try store.transaction(txid))
        let address = try #require(tx.outputs[0].address)
        let csv = dir + "/labels.csv"
        try "address,label,category,confidence\n\(address),<script>alert(1)</script>,exchange,0.75\n".write(
            toFile: csv, atomically: true, encoding: .utf8)
        let report = try TagImport.run(store: store, path: csv, options: TagImportOptions())
        #expect(report.kind == "csv")
        #expect(report.added == 1)
        #expect(report.inGraph == 1)
        let profile = try #require(try AddressProfile.load(store: store, address: address))
        #expect(profile.bitcoin?.received == 5_000_000_000)
        let assets = profile.assets.map { $0.asset }
        #expect(assets == ["BTC"])
        let want = TagRecord(
            address: address, label: "<script>alert(1)</script>", category: "exchange", source: "labels",
            confidence: 0.75)
        #expect(profile.tags == [want])
        let json = Render.addressJSON(profile).rendered()
        #expect(json.contains("\"category\": \"exchange\""))
        #expect(json.contains("\"received\": \"5000000000\""))
    }

    @Test func badEntriesNameFileLineAndValueAndStoreNothing() throws {
        let (store, dir) = try Fixtures.freshStore()
        let csv = dir + "/bad.csv"
        try "address,label,category,confidence\n1BoatSLRHtKNngkdXEeobR76b53LETtpyT,x,exchange,1.5\n".write(
            toFile: csv, atomically: true, encoding: .utf8)
        let error = try #require(
            throws: IngestError.self,
            performing: { try TagImport.run(store: store, path: csv, options: TagImportOptions()) })
        #expect(error.line == 2)
        #expect(error.column == 4)
        #expect(error.description.contains("'1.5'"))
        #expect(error.exitCode == 65)
        let spaces = dir + "/spaces.txt"
        try "1BoatSLRHtKNngkdXEeobR76b53LETtpyT\nnot an address\n".write(
            toFile: spaces, atomically: true, encoding: .utf8)
        let e2 = try #require(
            throws: IngestError.self,
            performing: { try TagImport.run(store: store, path: spaces, options: TagImportOptions()) })
        #expect(e2.line == 2)
        #expect(e2.description.contains("'not an address'"))
        let summary = try store.tagSummary()
        #expect(summary.isEmpty)
        let json = dir + "/bad.json"
        try "[\"1BoatSLRHtKNngkdXEeobR76b53LETtpyT\",\n  oops]".write(
            toFile: json, atomically: true, encoding: .utf8)
        let e3 = try #require(
            throws: IngestError.self,
            performing: { try TagImport.run(store: store, path: json, options: TagImportOptions()) })
        #expect(e3.line == 2)
        #expect(e3.column == 3)
    }

    @Test(
        "CRLF and byte-order-mark copies of the OFAC list tag the same addresses; quoted commas stay in the label; a file without addresses is an error"
    )
    func crlfBomQuotedAndEmpty() throws {
        let path = Self.watchlists + "/sanctioned_addresses_XBT.txt"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let expected = try Self.lines(path)
        let (store, dir) = try Fixtures.freshStore()
        var crlf = Data()
        for b in original {
            if b == 0x0a { crlf.append(0x0d) }
            crlf.append(b)
        }
        for (name, bytes) in [("crlf.txt", crlf), ("bom.txt", Data([0xef, 0xbb, 0xbf]) + original)] {
            try bytes.write(to: URL(fileURLWithPath: dir + "/" + name))
            let r = try TagImport.run(
                store: store, path: dir + "/" + name, options: TagImportOptions(category: "sanctions"))
            #expect(r.entries == expected.count, "\(name)")
            #expect(
                try store.tags(of: expected.last!).contains {
                    $0.source == (name as NSString).deletingPathExtension
                })
        }
        let csv = dir + "/quoted.csv"
        try "address,label,category\r\n1BoatSLRHtKNngkdXEeobR76b53LETtpyT,\"Hal, Finney\",person\r\n".write(
            toFile: csv, atomically: true, encoding: .utf8)
        _ = try TagImport.run(store: store, path: csv, options: TagImportOptions())
        let tag = try #require(
            try store.tags(of: "1BoatSLRHtKNngkdXEeobR76b53LETtpyT").first { $0.source == "quoted" })
        #expect(tag.label == "Hal, Finney" && tag.category == "person")
        for text in ["", "address,label,category\r\n", "# only a comment\n"] {
            let empty = dir + "/empty.csv"
            try text.write(toFile: empty, atomically: true, encoding: .utf8)
            let e = try #require(
                throws: IngestError.self,
                performing: { try TagImport.run(store: store, path: empty, options: TagImportOptions()) })
            #expect(e.exitCode == 65 && e.description.contains("no addresses in this file"))
        }
    }
}
