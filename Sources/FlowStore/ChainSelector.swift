import FlowBitcoin
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
/// height is 0 for a genesis block, 1 when its parent is a genesis block, the height its source
/// stated (Core JSON `height`, bitcoin-etl `number`: written in `height` when the block is
/// stored), else the BIP34 coinbase height when the block has one, and unknown otherwise.
///
/// Height-only blocks: a source that does not give a block's previous hash (bitcoin-etl's
/// blocks.json gives only the height) stores it with an all-zero `prev_hash` and the stated
/// height in `height`. Such a block is a root that keeps its stated height. `linkHeightOnly`
/// gives it its real parent once a block at the height below is stored whose hash, put in the
/// header, reproduces the block's hash; from then on it is an ordinary block. Blocks read from
/// block bytes always carry their previous hash, so chain selection over them is unchanged.
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
                // A height stated by the source was written with the row; a root never had a
                // parent, so an earlier height of it came from here too.
                nodes[root].height = n.oldHeight ?? n.coinbaseHeight
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

    /// Links height-only blocks (all-zero `prev_hash`, not a genesis block) to their parent: a
    /// stored block of the same network at the height below whose hash, as the header's previous
    /// hash, makes the header hash to the block's own hash. Heights are those of the last
    /// `update`. Returns the number of blocks linked.
    static func linkHeightOnly(_ db: Database) throws -> Int {
        struct Orphan {
            var id: Int64
            var hash: Hash256
            var height: Int64
            var network: String
            var header: BlockHeader
        }
        var orphans = [Orphan]()
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, hash, height, network, version, merkle_root, time, bits, nonce FROM blocks
                WHERE prev_hash = ? AND height > 0
                """, arguments: [Data(count: 32)])
        while let row = try rows.next() {
            guard let hash = Hash256(displayBytes: row.bytes(1)),
                let merkle = Hash256(displayBytes: row.bytes(5)),
                let network = Network(rawValue: row[3]), hash != network.genesisHash
            else { continue }
            let header = BlockHeader(
                version: Int32(truncatingIfNeeded: row[4] as Int64), prevHash: .zero, merkleRoot: merkle,
                time: UInt32(truncatingIfNeeded: row[6] as Int64),
                bits: UInt32(truncatingIfNeeded: row[7] as Int64),
                nonce: UInt32(truncatingIfNeeded: row[8] as Int64))
            orphans.append(Orphan(id: row[0], hash: hash, height: row[2], network: row[3], header: header))
        }
        guard !orphans.isEmpty else { return 0 }
        let wanted = Set(orphans.map { $0.height - 1 })
        var candidates = [Int64: [(hash: Hash256, network: String)]]()
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT hash, height, network FROM blocks WHERE height IS NOT NULL")
        while let row = try cursor.next() {
            let height: Int64 = row[1]
            guard wanted.contains(height), let hash = Hash256(displayBytes: row.bytes(0)) else { continue }
            candidates[height, default: []].append((hash, row[2]))
        }
        let update = try db.makeStatement(sql: "UPDATE blocks SET prev_hash = ? WHERE id = ?")
        var linked = 0
        for orphan in orphans {
            for candidate in candidates[orphan.height - 1] ?? [] where candidate.network == orphan.network {
                var header = orphan.header
                header.prevHash = candidate.hash
                if BitcoinSerial.hashHeader(header) == orphan.hash {
                    try update.execute(arguments: [Data(candidate.hash.displayBytes), orphan.id])
                    linked += 1
                    break
                }
            }
        }
        return linked
    }
}
