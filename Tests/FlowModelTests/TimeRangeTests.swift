import FlowModel
import Testing

/// Times at the ends of the range (issue 15, low item): year 1 and year 9999 print with four
/// digits and read back, in ISO-8601 and Unix seconds alike; a year 10000 is refused in both.
struct TimeRangeTests {
    @Test("years 1 and 9999 round-trip; 10000 is not a time in either form")
    func edges() {
        let first: Int64 = -62_135_596_800
        #expect(TimeParser.isoString(first) == "0001-01-01T00:00:00Z")
        #expect(TimeParser.parse("0001-01-01T00:00:00Z") == first)
        // 0999-12-31: a three-digit year, padded.
        #expect(TimeParser.isoString(-30_610_310_400) == "0999-12-31T00:00:00Z")
        #expect(TimeParser.isoString(TimeParser.latest) == "9999-12-31T23:59:59Z")
        #expect(TimeParser.parse("9999-12-31T23:59:59Z") == TimeParser.latest)
        #expect(TimeParser.parse(String(TimeParser.latest)) == TimeParser.latest)
        #expect(TimeParser.parse(String(TimeParser.latest + 1)) == nil)
        #expect(TimeParser.parse("10000-01-01T00:00:00Z") == nil)
        #expect(TimeParser.parse("0000-01-01T00:00:00Z") == nil)
        #expect(TimeParser.isoString(TimeParser.latest + 1) == "10000-01-01T00:00:00Z")
    }
}
