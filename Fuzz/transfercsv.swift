// libFuzzer target: generic transfer CSV (`chainflow ingest --format transfers-csv`). The first
// line of the input picks the column mapping — `amlsim`, `amlworld`, or a `--map` spec such as
// `tx=id,time=ts,from=a+b,to=c,amount=amt` — optionally followed by `|DECIMALS`; the rest is the
// CSV file, read row by row through `TransferCSVParser` (CSV syntax, UTF-8, times, amounts).
// Built and run by scripts/fuzz.sh; see docs/robustness.md.
import FlowIngest
import FlowModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTransferCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let all = UnsafeRawBufferPointer(start: data, count: size)
    let newline = all.firstIndex(of: 0x0a) ?? size
    let selector = String(decoding: all[0..<newline], as: UTF8.self)
    let csv = UnsafeRawBufferPointer(rebasing: all[min(size, newline + 1)...])
    let parts = selector.split(separator: "|", maxSplits: 1)
    let spec = parts.first.map(String.init) ?? ""
    // Decimals as the CLI accepts them (--decimals 0...77: a UInt256 holds 77 decimal digits).
    let decimals = parts.count > 1 ? max(0, min(77, Int(parts[1]) ?? 2)) : 2
    var mapping: TransferCSVMapping
    if let preset = TransferCSVMapping.preset(spec) {
        mapping = preset
    } else {
        do {
            mapping = try TransferCSVMapping.parse(spec, decimals: decimals)
        } catch {
            _ = error.description
            return 0
        }
    }
    if parts.count > 1 { mapping.decimals = decimals }
    do {
        var parser = try TransferCSVParser(file: "fuzz.csv", bytes: csv, mapping: mapping)
        var rows = 0
        while rows < 100_000, let transfer = try parser.next() {
            rows += 1
            _ = transfer.amount.description
        }
    } catch {
        _ = error.description
    }
    return 0
}
