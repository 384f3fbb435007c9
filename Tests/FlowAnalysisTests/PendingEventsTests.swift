import FlowModel
import Testing

@testable import FlowAnalysis

@Suite("Pending event indexes of a traced account")
struct PendingEventsTests {
    @Test("min, max and remove agree with an unordered list under random inserts and removals")
    func againstList() {
        var random = SplitMix64(seed: 0x9e4d)
        for round in 0..<50 {
            var fast = PendingEvents()
            var model: [Int] = []
            for _ in 0..<(200 + round * 40) {
                switch random.below(5) {
                case 0, 1:
                    // Mostly ascending arrivals, sometimes out of order, sometimes repeated.
                    let x = random.below(4) == 0 ? random.below(1000) : (model.max() ?? 0) + random.below(3)
                    fast.insert(x)
                    model.append(x)
                case 2:
                    // The walk removes the smallest.
                    if let x = model.min() {
                        let removed = fast.remove(x)
                        #expect(removed)
                        model.remove(at: model.firstIndex(of: x)!)
                    }
                default:
                    let x = random.below(1000)
                    let there = model.firstIndex(of: x)
                    let removed = fast.remove(x)
                    #expect(removed == (there != nil), "remove \(x)")
                    if let at = there { model.remove(at: at) }
                }
                #expect(fast.min == model.min() && fast.max == model.max())
            }
        }
    }
}
