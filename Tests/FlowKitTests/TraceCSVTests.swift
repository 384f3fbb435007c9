import FlowReport
import Foundation
import Testing

@testable import FlowKit

/// `chainflow trace --format csv`: a row per endpoint and cut, exact amounts that add up.
@Suite struct TraceCSVTests {
    @Test func csvRowsAccountForTheSeedsExactly() throws {
        let store = try TraceStoreTests.ledgerStore()
        let run = try Trace.run(store: store, options: TraceOptions(from: ["1", "2", "3", "4"]))
        let lines = TraceRender.csv(run).split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "trace,policy,direction,asset,row,kind,address,categories,location,prevout,amount_base_units,amount,share_billionths,hops,path,time,last_time,path_times"
        )
        let report = try #require(run.reports.first)
        let rows = lines.dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.count == report.endpoints.count + report.cuts.count)
        #expect(rows.allSatisfy { $0.count == 18 })
        // Times: ISO-8601 UTC, as many step times as steps.
        for row in rows {
            #expect(row[15].hasSuffix("Z") && row[16] >= row[15], "\(row)")
            #expect(row[17].split(separator: " ").count == row[14].split(separator: " ").count, "\(row)")
        }
        // The ledger has no fees and no limits were hit: the endpoints hold the seeds exactly.
        let sum = rows.compactMap { Int($0[10]) }.reduce(0, +)
        #expect(report.totals.seeds.uint64.map(Int.init) == sum)
        #expect(rows.contains { $0[6] == "ACC-2001" && $0[5] == "balance" })
    }

    @Test func untrustedTextIsQuotedAndDisarmed() {
        #expect(CSVText.cell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
    }
}
