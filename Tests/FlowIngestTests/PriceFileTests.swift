import FlowIngest
import Testing

@Suite("Price files: generic and CoinGecko CSV, decimals, errors")
struct PriceFileTests {
    static func parse(_ text: String, asset: String? = nil) throws -> PriceFile {
        try Array(text.utf8).withUnsafeBytes {
            try PriceFile.parse($0, file: "p.csv", asset: asset, currency: "USD")
        }
    }

    @Test func genericPricesWithCRLFAndContracts() throws {
        let f = try Self.parse(
            "\u{FEFF}date,asset,price\r\n2021-01-01,eth,730.5\r\n2021-01-01,0xDAC17F958D2ee523a2206206994597C13D831ec7,1\r\n"
        )
        #expect(f.kind == .generic)
        #expect(f.prices.map(\.asset) == ["ETH", "0xdac17f958d2ee523a2206206994597c13d831ec7"])
        #expect(f.prices.map(\.day) == [18_628, 18_628] && f.prices.map(\.price) == ["730.5", "1"])
    }

    @Test func coingeckoExportsNeedAnAssetAndReadExponents() throws {
        let text =
            "snapped_at,price,market_cap,total_volume\n2021-01-01 00:00:00 UTC,1.2e-05,1,2\n2021-01-02 00:00:00 UTC,737.7082,3,4\n"
        let f = try Self.parse(text, asset: "shib")
        #expect(f.kind == .coingecko && f.prices.map(\.price) == ["0.000012", "737.7082"])
        #expect(f.prices.map(\.day) == [18_628, 18_629] && f.prices.allSatisfy { $0.asset == "SHIB" })
        let e = try #require(throws: IngestError.self) { try Self.parse(text) }
        #expect("\(e)".contains("--asset"))
    }

    @Test func badPricesSayWhere() throws {
        let neg = try #require(throws: IngestError.self) {
            try Self.parse("date,asset,price\n2021-01-01,ETH,1\n2021-01-02,ETH,-3\n")
        }
        #expect("\(neg)".contains("p.csv:3:3") && "\(neg)".contains("'-3'"), "\(neg)")
        let date = try #require(throws: IngestError.self) {
            try Self.parse("date,asset,price\nyesterday,ETH,1\n")
        }
        #expect("\(date)".contains("p.csv:2:1"), "\(date)")
        let header = try #require(throws: IngestError.self) { try Self.parse("when,what\n1,2\n") }
        #expect(header.code == .unknownFormat && header.exitCode == 65)
        #expect(throws: IngestError.self) { try Self.parse("date,asset,price\n") }
        #expect(PriceFile.normalizedDecimal("12.3456789012345") == "12.345678901234")
        #expect(PriceFile.normalizedDecimal("1e3") == "1000" && PriceFile.normalizedDecimal("abc") == nil)
    }
}
