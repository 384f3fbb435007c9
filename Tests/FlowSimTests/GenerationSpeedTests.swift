import FlowSim
import Foundation
import Testing

/// Times a large generation. Skipped unless `FLOWSIM_BENCH` names a transaction count; run it in
/// release: `FLOWSIM_BENCH=1000000 swift test -c release --filter FlowSimTests.generationSpeed`.
@Test(
    "generation speed",
    .enabled(
        if: ProcessInfo.processInfo.environment["FLOWSIM_BENCH"] != nil, "set FLOWSIM_BENCH=<transactions>"))
func generationSpeed() throws {
    let count = Int(ProcessInfo.processInfo.environment["FLOWSIM_BENCH"] ?? "") ?? 1_000_000
    let directory = temporaryDirectory("bench")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let clock = ContinuousClock()
    let start = clock.now
    let summary = try ChainGenerator.write(
        options: ChainGeneratorOptions(transactions: count, seed: 1), to: directory)
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let payments = Double(summary.transactions - summary.blocks)
    print(
        """
        FlowSim: \(summary.transactions) transactions, \(summary.blocks) blocks, \(summary.files.count) files, \
        \(summary.bytes) bytes in \(seconds) s (\(Int(Double(summary.transactions) / seconds)) tx/s); \
        inputs/payment \((Double(summary.inputs - summary.blocks) / payments)), \
        outputs/payment \((Double(summary.outputs - 2 * summary.blocks) / payments)), \
        addresses \(summary.addresses), wallets \(summary.wallets), same-block spends \(summary.sameBlockSpends)
        """)
    #expect(summary.transactions == count)
}
