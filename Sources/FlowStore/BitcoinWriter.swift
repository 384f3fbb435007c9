public import FlowModel
import GRDB

/// What one ingest run added to the store.
public struct WriteSummary: Sendable, Codable, Equatable {
    public var blocksAdded = 0
    public var blocksSkipped = 0
    public var transactions = 0
    public var inputs = 0
    public var outputs = 0
    public var newAddresses = 0
    /// Inputs whose spent output was not in the store when the run ended (their value and
    /// address stay unknown until the funding transaction is ingested).
    public var unresolvedInputs = 0
    /// Inputs resolved at the end of the run (spending an output that came later in the files,
    /// or in an earlier run).
    public var lateResolvedInputs = 0
    /// Blocks not on the chain with the most work after this run.
    public var orphanedBlocks = 0
    /// Seconds spent building secondary indexes, resolving late prevouts and selecting the
    /// chain at the end of the run.
    public var indexSeconds = 0.0
    public var resolveSeconds = 0.0
    public var chainSeconds = 0.0

    public init() {}
}

/// Formats the address text of a key on a network (injected: the codec lives in FlowIngest).
public typealias AddressEncoder = @Sendable (AddressKey, Network) -> String

/// The single writer of an ingest run. Ids are assigned here, in input order, so the same input
/// always gives the same rows; prevouts are resolved in memory for the run, and in SQL at the
/// end for the rest.
///
/// Use: `store.withWriter { writer in try writer.write(block, …) …; try writer.commit() }`; then
/// `finish()` builds indexes, resolves what is left and selects the main chain.
public final class BitcoinWriter {
    let db: Database
    let path: String
    let encodeAddress: AddressEncoder
    public private(set) var summary = WriteSummary()

    private var nextBlockId: Int64
    private var nextTxId: Int64
    private var nextInputId: Int64
    private var nextOutputId: Int64
    private var nextAddressId: Int64
    private var knownBlocks: Set<Hash256>
    private var addressIds: [FamilyKey: Int64]

    /// Transactions of this run by txid: row id, first output id, output count.
    private var runTxs: [Hash256: TxRef] = [:]
    private let runFirstOutputId: Int64
    private var runOutputValues: [Int64] = []
    private var runOutputAddresses: [Int64] = []
    private var inTransaction = false

    private let insertBlock: BulkStatement
    private let insertTx: BulkStatement
    private let insertInput: BulkStatement
    private let insertOutput: BulkStatement
    private let insertAddress: BulkStatement

    struct TxRef {
        var id: Int64
        var firstOutputId: Int64
        var outputCount: Int32
    }

    /// An address key within its address family (mainnet, the shared test networks, regtest).
    struct FamilyKey: Hashable {
        var family: UInt8
        var key: AddressKey
    }

    init(db: Database, path: String, encodeAddress: @escaping AddressEncoder) throws {
        self.db = db
        self.path = path
        self.encodeAddress = encodeAddress
        func nextId(_ table: String) throws -> Int64 {
            (try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM \(table)") ?? 0) + 1
        }
        nextBlockId = try nextId("blocks")
        nextTxId = try nextId("transactions")
        nextInputId = try nextId("inputs")
        nextOutputId = try nextId("outputs")
        nextAddressId = try nextId("addresses")
        runFirstOutputId = nextOutputId
        knownBlocks = []
        let hashes = try Row.fetchCursor(db, sql: "SELECT hash FROM blocks")
        while let row = try hashes.next() {
            let bytes = row.bytes(0)
            if let h = Hash256(displayBytes: bytes) { knownBlocks.insert(h) }
        }
        addressIds = [:]
        let addresses = try Row.fetchCursor(db, sql: "SELECT id, chain, kind, program FROM addresses")
        while let row = try addresses.next() {
            let chain: String = row[1]
            let program = row.bytes(3)
            guard let family = Self.family(ofChain: chain),
                let key = AddressKey(kind: UInt8(truncatingIfNeeded: row[2] as Int64), program: program)
            else { continue }
            addressIds[FamilyKey(family: family, key: key)] = row[0]
        }
        insertBlock = try BulkStatement(
            db,
            """
            INSERT INTO blocks (id, hash, prev_hash, network, version, merkle_root, time, bits, nonce, size,
              stripped_size, weight, tx_count, first_tx_id, coinbase_height, work, source_file, source_offset)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
            """)
        insertTx = try BulkStatement(
            db,
            """
            INSERT INTO transactions (id, txid, wtxid, block_id, position, version, locktime, size, weight,
              is_coinbase, input_count, output_count, first_input_id, first_output_id, output_value, fee)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
            """)
        insertInput = try BulkStatement(
            db,
            """
            INSERT INTO inputs (id, tx_id, n, prev_txid, prev_vout, sequence, spent_output_id, value, address_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """)
        insertOutput = try BulkStatement(
            db,
            "INSERT INTO outputs (id, tx_id, n, value, type, address_id, script) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        )
        insertAddress = try BulkStatement(
            db, "INSERT INTO addresses (id, address, chain, kind, program) VALUES (?1, ?2, ?3, ?4, ?5)")
    }

    /// Address families: networks whose addresses are written the same way share one.
    static func family(of network: Network) -> UInt8 {
        switch network {
        case .mainnet: 0
        case .testnet, .testnet4, .signet: 1
        case .regtest: 2
        }
    }

    static func chainName(ofFamily family: UInt8) -> String {
        switch family {
        case 0: "bitcoin"
        case 1: "bitcoin-testnet"
        default: "bitcoin-regtest"
        }
    }

    static func family(ofChain chain: String) -> UInt8? {
        switch chain {
        case "bitcoin": 0
        case "bitcoin-testnet": 1
        case "bitcoin-regtest": 2
        default: nil
        }
    }

    /// Reserves room for about `transactions` new transactions in the run's in-memory maps, so
    /// they are not rehashed as they grow.
    public func reserve(transactions: Int) {
        guard transactions > 0 else { return }
        runTxs.reserveCapacity(transactions)
        addressIds.reserveCapacity(addressIds.count + transactions)
        runOutputValues.reserveCapacity(transactions * 3)
        runOutputAddresses.reserveCapacity(transactions * 3)
    }

    /// True when a block with this hash is already stored.
    public func contains(_ hash: Hash256) -> Bool { knownBlocks.contains(hash) }

    /// Writes one block atomically (inside the current batch transaction). A block already in the
    /// store is skipped and counted in `blocksSkipped`.
    public func write(_ block: BitcoinBlock, sourceFile: String, sourceOffset: Int) throws {
        if knownBlocks.contains(block.hash) {
            summary.blocksSkipped += 1
            return
        }
        if !inTransaction {
            try db.execute(sql: "BEGIN IMMEDIATE")
            inTransaction = true
        }
        let blockId = nextBlockId
        nextBlockId += 1
        let family = Self.family(of: block.network)
        let s = insertBlock
        s.bind(1, blockId)
        bindHash(s, 2, block.hash)
        bindHash(s, 3, block.header.prevHash)
        s.bind(4, text: block.network.rawValue)
        s.bind(5, Int64(block.header.version))
        bindHash(s, 6, block.header.merkleRoot)
        s.bind(7, Int64(block.header.time))
        s.bind(8, Int64(block.header.bits))
        s.bind(9, Int64(block.header.nonce))
        s.bind(10, block.size)
        s.bind(11, block.strippedSize)
        s.bind(12, block.weight)
        s.bind(13, block.transactions.count)
        s.bind(14, nextTxId)
        s.bind(15, block.coinbaseHeight.map(Int64.init))
        s.bind(16, blob: UInt256.work(bits: block.header.bits).bigEndianBytes)
        s.bind(17, text: sourceFile)
        s.bind(18, sourceOffset)
        try s.run()

        for (position, tx) in block.transactions.enumerated() {
            try write(tx, position: position, blockId: blockId, family: family, network: block.network)
        }
        knownBlocks.insert(block.hash)
        summary.blocksAdded += 1
    }

    private func write(
        _ tx: BitcoinTransaction, position: Int, blockId: Int64, family: UInt8, network: Network
    ) throws {
        let txId = nextTxId
        nextTxId += 1
        let firstOutputId = nextOutputId
        let firstInputId = nextInputId
        var outputValue: Int64 = 0
        for (n, output) in tx.outputs.enumerated() {
            var addressId: Int64?
            if let key = output.addressKey {
                addressId = try intern(key, family: family, network: network, text: output.address)
            }
            let value = Int64(output.value)
            outputValue += value
            let s = insertOutput
            s.bind(1, nextOutputId)
            s.bind(2, txId)
            s.bind(3, n)
            s.bind(4, value)
            s.bind(5, Int64(output.type.rawValue))
            s.bind(6, addressId)
            if let script = output.script { s.bind(7, blob: script) } else { s.bindNull(7) }
            try s.run()
            runOutputValues.append(value)
            runOutputAddresses.append(addressId ?? -1)
            nextOutputId += 1
        }
        let coinbase = tx.isCoinbase
        var inputValue: Int64 = 0
        var allResolved = !coinbase
        for (n, input) in tx.inputs.enumerated() {
            let s = insertInput
            s.bind(1, nextInputId)
            s.bind(2, txId)
            s.bind(3, n)
            s.bind(6, Int64(input.sequence))
            if coinbase {
                s.bindNull(4)
                s.bindNull(5)
                s.bindNull(7)
                s.bindNull(8)
                s.bindNull(9)
            } else if let ref = runTxs[input.prevTxid], input.prevVout < UInt32(ref.outputCount) {
                let outputId = ref.firstOutputId + Int64(input.prevVout)
                let slot = Int(outputId - runFirstOutputId)
                let value = runOutputValues[slot]
                let address = runOutputAddresses[slot]
                inputValue += value
                s.bindNull(4)
                s.bind(5, Int64(input.prevVout))
                s.bind(7, outputId)
                s.bind(8, value)
                s.bind(9, address >= 0 ? address : nil)
            } else {
                allResolved = false
                bindHash(s, 4, input.prevTxid)
                s.bind(5, Int64(input.prevVout))
                s.bindNull(7)
                s.bindNull(8)
                s.bindNull(9)
            }
            try s.run()
            nextInputId += 1
        }
        let s = insertTx
        s.bind(1, txId)
        bindHash(s, 2, tx.txid)
        if tx.wtxid != tx.txid { bindHash(s, 3, tx.wtxid) } else { s.bindNull(3) }
        s.bind(4, blockId)
        s.bind(5, position)
        s.bind(6, Int64(tx.version))
        s.bind(7, Int64(tx.locktime))
        s.bind(8, tx.size)
        s.bind(9, tx.weight)
        s.bind(10, coinbase ? 1 : 0)
        s.bind(11, tx.inputs.count)
        s.bind(12, tx.outputs.count)
        s.bind(13, firstInputId)
        s.bind(14, firstOutputId)
        s.bind(15, outputValue)
        s.bind(16, allResolved ? inputValue - outputValue : nil)
        try s.run()
        runTxs[tx.txid] = TxRef(id: txId, firstOutputId: firstOutputId, outputCount: Int32(tx.outputs.count))
        summary.transactions += 1
        summary.inputs += tx.inputs.count
        summary.outputs += tx.outputs.count
    }

    private func intern(_ key: AddressKey, family: UInt8, network: Network, text: String?) throws -> Int64 {
        let fk = FamilyKey(family: family, key: key)
        if let id = addressIds[fk] { return id }
        let id = nextAddressId
        nextAddressId += 1
        addressIds[fk] = id
        let s = insertAddress
        s.bind(1, id)
        s.bind(2, text: text ?? encodeAddress(key, network))
        s.bind(3, text: Self.chainName(ofFamily: family))
        s.bind(4, Int64(key.kind))
        s.bind(5, blob: key.program)
        try s.run()
        summary.newAddresses += 1
        return id
    }

    /// Builds the secondary indexes that are missing, in one transaction. (Switching to a
    /// rollback journal for the build was measured slower: leaving WAL checkpoints it first.)
    private func buildIndexes() throws {
        let existing = Set(
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"))
        let missing = Schema.secondaryIndexes.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return }
        // A small page cache makes SQLite's sorter cut the keys into many short runs, which its
        // worker threads sort in parallel: measured 2x faster index builds than with a large cache.
        let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA threads = 2")
        try db.execute(sql: "PRAGMA cache_size = -2048")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
        try db.execute(sql: "BEGIN IMMEDIATE")
        inTransaction = true
        for index in missing { try db.execute(sql: index.sql) }
        try commit()
    }

    /// Commits the blocks written since the last commit: they are now durable together.
    public func commit() throws {
        if inTransaction {
            try db.execute(sql: "COMMIT")
            inTransaction = false
        }
    }

    /// Abandons the blocks written since the last commit.
    func rollback() {
        if inTransaction {
            try? db.execute(sql: "ROLLBACK")
            inTransaction = false
        }
    }

    /// Builds secondary indexes, resolves inputs whose funding transaction is now known, selects
    /// the chain with the most work and computes the fees that became computable.
    public func finish() throws {
        try commit()
        var t = ContinuousClock.now
        func lap() -> Double {
            let now = ContinuousClock.now
            defer { t = now }
            let d = now - t
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        try buildIndexes()
        summary.indexSeconds = lap()
        try db.execute(sql: "BEGIN IMMEDIATE")
        inTransaction = true
        let chain = try ChainSelector.update(db)
        summary.orphanedBlocks = chain.orphaned
        summary.chainSeconds = lap()
        summary.lateResolvedInputs = try Resolver.resolvePending(db)
        try Resolver.repointOrphanedSpends(db)
        summary.resolveSeconds = lap()
        summary.unresolvedInputs =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM inputs WHERE spent_output_id IS NULL AND prev_txid IS NOT NULL"
            ) ?? 0
        try commit()
    }
}

/// Binds a hash in display order (as explorers print it), the form the database stores.
@inline(__always)
func bindHash(_ s: BulkStatement, _ i: Int32, _ h: Hash256) {
    var words = (
        h.w3.byteSwapped.littleEndian, h.w2.byteSwapped.littleEndian, h.w1.byteSwapped.littleEndian,
        h.w0.byteSwapped.littleEndian
    )
    withUnsafeBytes(of: &words) { s.bind(i, blob: $0) }
}

extension GraphStore {
    /// Runs one ingest: `body` writes blocks through the writer and commits batches; on return
    /// the writer finishes (indexes, late prevouts, main chain). Blocks committed before an error
    /// stay in the store; the uncommitted batch is rolled back.
    public func withWriter(
        encodeAddress: @escaping AddressEncoder, _ body: (BitcoinWriter) throws -> Void
    ) throws -> WriteSummary {
        do {
            return try queue.writeWithoutTransaction { db in
                let writer = try BitcoinWriter(db: db, path: path, encodeAddress: encodeAddress)
                do {
                    try body(writer)
                    try writer.finish()
                } catch {
                    writer.rollback()
                    // Keep what was committed consistent: indexes, resolution, chain.
                    if !(error is DatabaseError) { try? writer.finish() }
                    throw error
                }
                return writer.summary
            }
        } catch let error as DatabaseError {
            throw StoreError.wrap(error, path: path, doing: "writing blocks")
        }
    }
}
