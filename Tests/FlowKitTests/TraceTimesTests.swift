import FlowKit
import FlowModel
import FlowReport
import FlowStore
import FlowTestSupport
import Foundation
import Testing

/// Traces carry times: every endpoint and every step, in JSON, Markdown, CSV and HTML, checked
/// against the sample files' own times (the truth file's block times, the ledger's timestamps).
@Suite struct TraceTimesTests {
    /// Block time (ISO-8601) of every transaction of the Bitcoin sample, by txid, from its truth file.
    static func truthTimes() throws -> [String: String] {
        var out: [String: String] = [:]
        for block in try Fixtures.truthBlocks(Fixtures.sample("blk/blocks1-256.truth.json")) {
            let time = try #require(block["time"] as? Int)
            for tx in try #require(block["transactions"] as? [[String: Any]]) {
                out[try #require(tx["txid"] as? String)] = TimeParser.isoString(Int64(time))
            }
        }
        return out
    }

    /// The ledger's rows: transaction id -> its timestamp as written.
    static func ledgerTimes() throws -> [String: String] {
        let text = try String(
            contentsOfFile: Fixtures.packageRoot.appendingPathComponent("SampleData/transfers/ledger.csv")
                .path,
            encoding: .utf8)
        var out: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            out[f[0]] = f[5]
        }
        return out
    }

    static func objects(_ v: Any?) -> [[String: Any]] { v as? [[String: Any]] ?? [] }

    @Test(
        "Satoshi's coins forward: each endpoint's time is the block time of the transaction that created its output, each step's that of its transaction (truth file)"
    )
    func bitcoinTimesAreBlockTimes() throws {
        let truth = try Self.truthTimes()
        let run = try Trace.run(
            store: try GoldenTests.store(), options: TraceOptions(from: [SampleCaseDB.satoshi], maxHops: 6))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(TraceRender.json(run).rendered().utf8))
                as? [String: Any])
        let endpoints = Self.objects(json["endpoints"])
        #expect(endpoints.count == 6)
        for e in endpoints {
            let outpoint = try #require(e["outpoint"] as? String)
            let txid = String(outpoint.prefix(64))
            let time = try #require(truth[txid], "\(txid) is in the sample")
            #expect(e["time"] as? String == time, "\(outpoint)")
            // An output is reached once: first and last are the same.
            #expect(e["last_time"] as? String == time)
            let steps = Self.objects(e["steps"])
            #expect(steps.map { $0["id"] as? String } == (e["path"] as? [String] ?? []))
            for s in steps {
                let id = try #require(s["id"] as? String)
                #expect(s["time"] as? String == truth[id], "step \(id)")
            }
            // The forward route ends with the transaction that created the endpoint's output.
            #expect(steps.last?["id"] as? String == txid)
        }
        // Hal's 10 BTC reached him in block 170 (2009-01-12T03:30:25Z): in every format.
        let hal = try #require(endpoints.first { $0["address"] as? String == SampleCaseDB.hal })
        #expect(hal["time"] as? String == "2009-01-12T03:30:25Z")
        let r = try #require(run.reports.first)
        let md = TraceRender.markdown(run)
        let csv = TraceRender.csv(run)
        let html = TraceRender.html(run)
        for e in r.endpoints {
            let time = try #require(e.time.map(Render.isoTime))
            #expect(csv.contains(",\(time),\(time),"))
            #expect(html.contains("<span class=\"time\">\(time)</span>"))
            for (k, id) in e.path.enumerated() {
                let step = try #require(truth[id])
                #expect(e.pathTimes[k].map(Render.isoTime) == step)
                #expect(md.contains("`\(id.prefix(8))…` \(step)"))
                #expect(html.contains("<span class=\"when\">\(step)</span>"))
            }
        }
        #expect(md.contains("| hops | time | path |"))
    }

    @Test("Hal's coins backward: the coinbase endpoint is dated by the block that mined it (truth file)")
    func backwardBitcoinTimes() throws {
        let truth = try Self.truthTimes()
        let run = try Trace.run(
            store: try GoldenTests.store(),
            options: TraceOptions(from: ["address:" + SampleCaseDB.hal], direction: .backward, maxHops: 6))
        let r = try #require(run.reports.first)
        let coinbase = r.endpoints.filter { $0.kind == .coinbase }
        #expect(!coinbase.isEmpty)
        for e in coinbase {
            let txid = String(try #require(e.location).prefix(64))
            #expect(e.time.map(Render.isoTime) == truth[txid])
            // The route ends with the coinbase itself, dated like the endpoint.
            #expect(e.path.last == txid && e.pathTimes.last == e.time)
        }
    }

    @Test(
        "the sample ledger: an account reached by four transfers has the first and last of their times; a stop tag is dated by the transfer that reached it"
    )
    func ledgerTimes() throws {
        let times = try Self.ledgerTimes()
        let store = try TraceStoreTests.ledgerStore()
        let run = try Trace.run(store: store, options: TraceOptions(from: ["1", "2", "3", "4"]))
        let r = try #require(run.reports.first)
        // ACC-2001 keeps part of what transactions 1 to 4 brought it.
        let kept = try #require(r.endpoints.first { $0.address == "ACC-2001" })
        #expect(
            kept.time.map(Render.isoTime) == times["1"] && kept.lastTime.map(Render.isoTime) == times["4"])
        #expect(kept.reachedMoreThanOnce)
        for e in r.endpoints {
            for (k, id) in e.path.enumerated() { #expect(e.pathTimes[k].map(Render.isoTime) == times[id]) }
        }
        let json = TraceRender.json(run).rendered()
        #expect(
            json.contains(
                "\"time\": \"\(times["1"] ?? "?")\",\n      \"last_time\": \"\(times["4"] ?? "?")\""))
        #expect(
            TraceRender.markdown(run).contains("\(times["1"] ?? "?") … \(times["4"] ?? "?") (first … last)"))
        #expect(TraceRender.html(run).contains("first \(times["1"] ?? "?")<br>last \(times["4"] ?? "?")"))
        // When did it reach the high-risk account? Transaction 6.
        let stopped = try Trace.run(
            store: store, options: TraceOptions(from: ["1", "2", "3", "4"], stopCategories: ["high-risk"]))
        let tagged = try #require(stopped.reports.first?.endpoints.first { $0.kind == .tagged })
        #expect(tagged.address == "ACC-4001" && tagged.time.map(Render.isoTime) == times["6"])
    }
}
