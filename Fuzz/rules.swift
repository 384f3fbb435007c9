// libFuzzer target: the AML rule file (`chainflow aml run --rules FILE`): YAML parsed by Yams,
// then chainflow's own checks (known keys, detectors, durations, ratios, amounts, ranges), with
// errors naming line, column and field. Yams (its C scanner too) is linked as built by SwiftPM
// without coverage instrumentation; `AmlRuleFile.swift` and FlowAnalysis are instrumented.
// Built and run by scripts/fuzz.sh; see docs/robustness.md.
import FlowAnalysis
import FlowRules

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRules(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let set = try AmlRuleFile.parse(text, file: "fuzz.yaml")
        _ = set.rules.count
    } catch {
        _ = "\(error)"
    }
    // The value parsers on their own, as the CLI's --window and threshold options use them.
    _ = AmlRuleFile.parseDuration(text)
    _ = AmlRuleFile.parseRatio(text)
    return 0
}
