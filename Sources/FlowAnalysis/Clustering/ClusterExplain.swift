public import FlowModel

/// Why two addresses are in one cluster: the chain of links (transactions and heuristics) that
/// joined them.
///
/// The recorded links of a cluster form a spanning tree of its addresses (the merges of
/// `ClusterUnionFind`), so the explanation is the unique path between the two addresses in that
/// tree. It is found from the merge records alone, without loading the cluster: the last merge
/// that separated the two addresses' sides links `x` (on one side) to `y` (on the other), and
/// the path is path(a, x), x–y, path(y, b), where both halves only use earlier merges — so the
/// recursion ends, and each step costs a walk to the cluster's id.
public enum ClusterExplain {
    /// The links from `a` to `b`, in order; `[]` when `a == b`; nil when they are in different
    /// clusters. `record(x)` returns the merge record of `x`, nil for a cluster's id.
    public static func path<E: Error>(
        from a: UInt32, to b: UInt32, record: (UInt32) throws(E) -> LinkRecord?
    ) throws(E) -> [ExplainStep]? {
        var cache: [UInt32: LinkRecord?] = [:]
        func lookup(_ x: UInt32) throws(E) -> LinkRecord? {
            if let hit = cache[x] { return hit }
            let r = try record(x)
            cache[x] = r
            return r
        }
        /// `x` and its ancestors up to the cluster id, each with the record that links it up.
        func chain(_ x: UInt32) throws(E) -> [(node: UInt32, link: LinkRecord?)] {
            var out: [(UInt32, LinkRecord?)] = []
            var node = x
            while true {
                let link = try lookup(node)
                out.append((node, link))
                guard let link else { return out }
                node = link.parent
            }
        }
        var steps: [ExplainStep] = []
        var stack: [ExplainWork] = [.pair(a, b)]
        while let work = stack.popLast() {
            switch work {
            case .step(let s):
                steps.append(s)
            case .pair(let x, let y):
                if x == y { continue }
                let cx = try chain(x)
                let cy = try chain(y)
                guard cx.last?.node == cy.last?.node else { return nil }
                // Lowest common ancestor: strip the common tail.
                var i = cx.count - 1
                var j = cy.count - 1
                while i > 0 && j > 0 && cx[i - 1].node == cy[j - 1].node {
                    i -= 1
                    j -= 1
                }
                // cx[i] == cy[j] is the ancestor; the children below it (if any) were merged in.
                let linkX = i > 0 ? cx[i - 1].link : nil
                let linkY = j > 0 ? cy[j - 1].link : nil
                let later: LinkRecord
                let xSideIsChild: Bool
                switch (linkX, linkY) {
                case (let lx?, let ly?):
                    if lx.sequence > ly.sequence {
                        (later, xSideIsChild) = (lx, true)
                    } else {
                        (later, xSideIsChild) = (ly, false)
                    }
                case (let lx?, nil): (later, xSideIsChild) = (lx, true)
                case (nil, let ly?): (later, xSideIsChild) = (ly, false)
                case (nil, nil): continue
                }
                // x's side reaches the link through one end, y's side through the other.
                let (ex, ey) =
                    xSideIsChild ? (later.childSide, later.parentSide) : (later.parentSide, later.childSide)
                let step = ExplainStep(
                    from: ex, to: ey, heuristic: later.heuristic, evidence: later.evidence,
                    sequence: later.sequence)
                stack.append(.pair(ey, y))
                stack.append(.step(step))
                stack.append(.pair(x, ex))
            }
        }
        return steps
    }
}

private enum ExplainWork {
    case pair(UInt32, UInt32)
    case step(ExplainStep)
}
