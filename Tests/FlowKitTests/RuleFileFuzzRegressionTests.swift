import FlowKit
import FlowReport
import FlowRules
import Foundation
import Testing

/// Inputs the `rules` fuzz target once failed on (Tests/FuzzRegressions/rules/), fed to the rule
/// file reader and its value parsers the way `Fuzz/rules.swift` feeds them: each must now be an
/// error or nil, not a trap.
@Suite("Rule file fuzz regressions")
struct RuleFileFuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../FuzzRegressions/rules").standardized.path

    static let inputs: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .sorted()

    @Test func everyRegressionInputIsThere() {
        #expect(Self.inputs.count >= 2)
    }

    @Test(arguments: inputs)
    func regression(_ name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + name))
        let text = String(decoding: data, as: UTF8.self)
        #expect(AmlRuleFile.parseRatio(text) == nil)
        #expect(AmlRuleFile.parseDuration(text) == nil)
        #expect(throws: AmlRuleFileError.self) { try AmlRuleFile.parse(text, file: name) }
    }

    /// A ratio's whole part is range-checked before it is scaled (it overflowed `Int` before).
    @Test func ratioBounds() {
        #expect(AmlRuleFile.parseRatio("3333333333333333.1") == nil)
        #expect(AmlRuleFile.parseRatio("99999999999999999%") == nil)
        #expect(AmlRuleFile.parseRatio("100") == 1_000_000)
        #expect(AmlRuleFile.parseRatio("101") == nil)
        #expect(AmlRuleFile.parseRatio("10000%") == 1_000_000)
        #expect(AmlRuleFile.parseRatio("0.95") == 9_500)
        #expect(AmlRuleFile.parseRatio("95%") == 9_500)
    }
}
