import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// The JSON that scripts read is an interface: it is compared byte for byte with recorded files.
/// Re-record deliberately with `RECORD_GOLDENS=1 swift test --filter GoldenTests` and review the diff;
/// a mismatch leaves `<name>.actual` beside the golden (`Golden`, FlowTestSupport).
@Suite("JSON output matches the recorded goldens")
struct GoldenTests {
    static let goldens = Fixtures.packageRoot.appendingPathComponent("Tests/FlowKitTests/Goldens")

    static func check(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        try Golden.check(text, name, in: goldens, sourceLocation: sourceLocation)
    }

    static func store() throws -> GraphStore {
        let (store, _) = try Fixtures.freshStore()
        try Fixtures.ingest(
            store, ["blk/blocks1-256.dat", "blk/277647.dat"].map(Fixtures.sample))
        return store
    }

    @Test("stats --json, tx --json and address --json")
    func jsonGoldens() throws {
        let store = try Self.store()
        try Self.check(Render.statsJSON(try store.stats()).rendered(), "stats.json")
        let hal = try #require(
            Hash256(displayHex: "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"))
        try Self.check(
            Render.transactionJSON(try #require(try store.transaction(hal))).rendered(), "tx-f4184fc5.json")
        let busy = try #require(
            Hash256(displayHex: "d1e594eabe8c582dc01a8768cb01679aea6956165806f69f40e22e5e352b3bd1"))
        try Self.check(
            Render.transactionJSON(try #require(try store.transaction(busy))).rendered(), "tx-d1e594ea.json")
        // What `chainflow address --json` prints: the Bitcoin totals, assets[], fees_paid[], tags[].
        let satoshi = try #require(
            try AddressProfile.load(store: store, address: "12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S"))
        try Self.check(Render.addressJSON(satoshi).rendered(), "address-12cbQLTF.json")
    }
}
