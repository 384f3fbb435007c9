import FlowIngest
import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

@Suite("Safe ingest: bad input, resume, order and thread independence")
struct ResumeTests {
    static let chainFile = Fixtures.sample("blk/blocks1-256.dat")

    @Test("a truncated file stores the blocks before the break, reports where, and a rerun completes it")
    func truncatedThenResumed() throws {
        let frames = try Fixtures.blkFrames(Self.chainFile)
        let (store, dir) = try Fixtures.freshStore()
        let cut = dir + "/blk00000.dat"
        // The reference: one clean run over the complete file at the same path.
        try Fixtures.write(frames.flatMap { $0 }, to: cut)
        let (clean, _) = try Fixtures.freshStore()
        try Fixtures.ingest(clean, [cut])

        // 100 whole blocks, then half of block #100.
        var bytes = frames[0..<100].flatMap { $0 }
        bytes += frames[100].prefix(frames[100].count / 2)
        try Fixtures.write(bytes, to: cut)
        let error = try #require(throws: IngestError.self) { try Fixtures.ingest(store, [cut]) }
        #expect(error.code == .truncated)
        #expect(error.blockIndex == 100)
        #expect(error.offset == frames[0..<100].reduce(0) { $0 + $1.count } + 8)
        #expect(error.exitCode == 65)
        #expect(error.description.contains("blk00000.dat: byte "))
        let partial = try store.stats()
        #expect(partial.blocks == 100)
        #expect(partial.maxHeight == 100)
        #expect(try store.conservationViolations().isEmpty)

        // The complete file, as after the interrupted copy finished: same state as one clean run.
        try Fixtures.write(frames.flatMap { $0 }, to: cut)
        let resumed = try Fixtures.ingest(store, [cut])
        #expect(resumed.summary.blocksAdded == 155)
        #expect(resumed.summary.blocksSkipped == 100)
        #expect(try store.contentFingerprint() == clean.contentFingerprint())
    }

    @Test("a block whose merkle root does not match is an error naming it; blocks before it stay")
    func merkleMismatchStops() throws {
        var frames = try Fixtures.blkFrames(Self.chainFile)
        // Block #10 (height 11): flip a byte inside its coinbase's output value.
        let victim = 10
        frames[victim][8 + 80 + 1 + 4 + 1 + 36 + 10] ^= 0x01
        let (store, dir) = try Fixtures.freshStore()
        let path = dir + "/bad.dat"
        try Fixtures.write(frames.flatMap { $0 }, to: path)
        let error = try #require(throws: IngestError.self) { try Fixtures.ingest(store, [path]) }
        #expect(error.code == .merkleMismatch)
        #expect(error.blockIndex == victim)
        #expect(error.message.contains("merkle root mismatch"))
        #expect(try store.stats().blocks == victim)
    }

    @Test("blocks in any order within a run resolve every prevout and give the same fees and balances")
    func outOfOrder() throws {
        let frames = try Fixtures.blkFrames(Self.chainFile)
        let (ordered, _) = try Fixtures.freshStore()
        try Fixtures.ingest(ordered, [Self.chainFile])
        let (shuffled, dir) = try Fixtures.freshStore()
        let path = dir + "/reversed.dat"
        try Fixtures.write(frames.reversed().flatMap { $0 }, to: path)
        let report = try Fixtures.ingest(shuffled, [path])
        #expect(report.summary.unresolvedInputs == 0)
        #expect(report.summary.lateResolvedInputs > 0)
        #expect(try shuffled.stats() == ordered.stats())
        for address in ["12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S", "1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3"] {
            #expect(try shuffled.address(address) == ordered.address(address))
        }
        let hal = try #require(
            Hash256(displayHex: "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"))
        let a = try #require(try ordered.transaction(hal))
        let b = try #require(try shuffled.transaction(hal))
        #expect(a.fee == 0 && b.fee == 0)
        #expect(a.inputs == b.inputs && a.outputs == b.outputs)
    }

    @Test("the database is identical with one decoding thread and with several")
    func threadIndependence() throws {
        let files = [
            Self.chainFile, Fixtures.sample("blk/277647.dat"), Fixtures.sample("raw/block_13b8a.hex"),
        ]
        let (one, _) = try Fixtures.freshStore()
        try Fixtures.ingest(one, files, threads: 1)
        let (many, _) = try Fixtures.freshStore()
        _ = try BitcoinIngest.run(
            store: many, options: IngestOptions(paths: files, threads: 4, batchBytes: 4096))
        #expect(try one.contentFingerprint() == many.contentFingerprint())
    }

    @Test("an XOR-obfuscated blk file (Bitcoin Core 28+) ingests like the plain one")
    func xorObfuscated() throws {
        let plain = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.chainFile)))
        let key: [UInt8] = [0x3c, 0xa1, 0x07, 0xfe, 0x11, 0x80, 0x5b, 0x92]
        let (store, dir) = try Fixtures.freshStore()
        try Fixtures.write(
            plain.enumerated().map { $0.element ^ key[$0.offset % 8] }, to: dir + "/blk00000.dat")
        try Fixtures.write(key, to: dir + "/xor.dat")
        let report = try Fixtures.ingest(store, [dir + "/blk00000.dat"])
        #expect(report.files[0].xorObfuscated)
        #expect(report.summary.blocksAdded == 255)
        let (clean, _) = try Fixtures.freshStore()
        try Fixtures.ingest(clean, [Self.chainFile])
        var a = try store.contentFingerprint()
        var b = try clean.contentFingerprint()
        // Source paths differ (blocks.source_file); compare the other tables.
        a["blocks"] = nil
        b["blocks"] = nil
        #expect(a == b)
    }

    @Test("a missing file is reported before anything is written")
    func missingFile() throws {
        let (store, dir) = try Fixtures.freshStore()
        let error = try #require(throws: IngestError.self) {
            try Fixtures.ingest(store, [Self.chainFile, dir + "/nope.dat"])
        }
        #expect(error.code == .missingFile)
        #expect(error.exitCode == 66)
        #expect(try store.stats().blocks == 0)
    }
}
