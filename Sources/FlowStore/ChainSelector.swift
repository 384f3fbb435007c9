import FlowModel
import Foundation
import GRDB

/// Chooses, among competing forks, the chain with the most cumulative proof of work, and gives
/// every block its height.
///
/// Blocks form trees: a block whose parent is not in the store is a root. Within a tree, the tip
/// with the most cumulative work wins (on a tie, the block stored first, as Bitcoin Core keeps
/// the first chain it saw); the blocks on the path from the root to that tip are the main chain,
/// the others are orphaned. Separate trees (unrelated block ranges) do not compete. A root's
/// height is 0 for a genesis block, 1 when its parent is a genesis block, the BIP34 coinbase
/// height when the block has one, and unknown otherwise.
enum ChainSelector {
    struct Result {
        var orphaned: Int
        var changed: Int
    }

    static func update(_ db: Database) throws -> Result {
        struct Node {
            var id: Int64
            var hash: Hash256
            var prev: Hash256
            var work: UInt256
            var coinbaseHeight: Int64?
            var network: Network
            var oldHeight: Int64?
            var oldChainWork: [UInt8]?
            var oldMain: Bool
            var height: Int64? = nil
            var chainWork = UInt256.zero
            var main = false
        }
        var nodes = [Node]()
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, hash, prev_hash, work, coinbase_height, network, height, chain_work, in_main_chain
                FROM blocks ORDER BY id
                """)
        while let row = try cursor.next() {
            guard let hash = Hash256(displayBytes: row.bytes(1)),
                let prev = Hash256(displayBytes: row.bytes(2))
            else { continue }
            nodes.append(
                Node(
                    id: row[0], hash: hash, prev: prev, work: UInt256(bigEndianBytes: row.bytes(3)) ?? .zero,
                    coinbaseHeight: row[4], network: Network(rawValue: row[5]) ?? .mainnet, oldHeight: row[6],
                    oldChainWork: row.optionalBytes(7), oldMain: (row[8] as Int64) != 0))
        }
        var indexOf = [Hash256: Int](minimumCapacity: nodes.count)
        for (i, n) in nodes.enumerated() where indexOf[n.hash] == nil { indexOf[n.hash] = i }
        var children = [[Int]](repeating: [], count: nodes.count)
        var roots = [Int]()
        for (i, n) in nodes.enumerated() {
            if let p = indexOf[n.prev], p != i {
                children[p].append(i)
            } else {
                roots.append(i)
            }
        }
        for root in roots {
            let n = nodes[root]
            if n.hash == n.network.genesisHash {
                nodes[root].height = 0
            } else if n.prev == n.network.genesisHash {
                nodes[root].height = 1
            } else {
                nodes[root].height = n.coinbaseHeight
            }
            nodes[root].chainWork = n.work
            // Depth-first over the tree, tracking the tip with the most work.
            var best = root
            var stack = [root]
            while let i = stack.popLast() {
                let cw = nodes[i].chainWork
                if nodes[best].chainWork < cw || (nodes[best].chainWork == cw && nodes[i].id < nodes[best].id)
                {
                    best = i
                }
                for c in children[i] {
                    nodes[c].chainWork = cw + nodes[c].work
                    nodes[c].height = nodes[i].height.map { $0 + 1 }
                    stack.append(c)
                }
            }
            var walk: Int? = best
            while let i = walk {
                nodes[i].main = true
                walk = i == root ? nil : indexOf[nodes[i].prev]
            }
        }
        let update = try db.makeStatement(
            sql: "UPDATE blocks SET height = ?, chain_work = ?, in_main_chain = ? WHERE id = ?")
        var result = Result(orphaned: 0, changed: 0)
        for n in nodes {
            if !n.main { result.orphaned += 1 }
            let chainWork = n.chainWork.bigEndianBytes
            if n.height != n.oldHeight || chainWork != n.oldChainWork || n.main != n.oldMain {
                try update.execute(arguments: [n.height, Data(chainWork), n.main ? 1 : 0, n.id])
                result.changed += 1
            }
        }
        return result
    }
}
