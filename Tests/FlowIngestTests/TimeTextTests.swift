import FlowIngest
import FlowModel
import Testing

/// `TimeParser.isoString` is the inverse of `TimeParser.parse` on ISO-8601 UTC text.
@Suite struct TimeTextTests {
    @Test func knownInstants() {
        #expect(TimeParser.isoString(0) == "1970-01-01T00:00:00Z")
        #expect(TimeParser.isoString(1_231_006_505) == "2009-01-03T18:15:05Z")  // Bitcoin's genesis block
        #expect(TimeParser.isoString(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(TimeParser.isoString(-1) == "1969-12-31T23:59:59Z")
    }

    @Test func roundTripsEveryFewHoursOverFourCenturies() {
        var t: Int64 = -2_208_988_800  // 1900-01-01
        while t < 10_413_792_000 {  // 2300-01-01
            #expect(TimeParser.parse(TimeParser.isoString(t)) == t, "\(t)")
            t += 7 * 3_600 + 13 * 60 + 17
        }
    }

    /// A date alone as the end of a window means the whole day; Unix seconds of ten digits do not.
    @Test func windowEnd() {
        #expect(TimeParser.parseWindowEnd("1700000000") == 1_700_000_000)
        #expect(TimeParser.parseWindowEnd("2024-03-01") == 1_709_337_599)
        #expect(TimeParser.parseWindowEnd(" 2024/03/01\r") == 1_709_337_599)
        #expect(TimeParser.parseWindowEnd("2024-03-01T12:00:00Z") == 1_709_294_400)
        #expect(TimeParser.parseWindowEnd("2024-03-0x") == nil)
        #expect(!TimeParser.isDateAlone("1700000000"))
        #expect(TimeParser.isDateAlone("2024-03-01"))
    }
}
