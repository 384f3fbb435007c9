import FlowBitcoin
public import FlowModel
import GRDB

/// What a source other than raw block bytes knows about a decoded block beyond the block itself.
public struct BlockExtras: Sendable {
    /// The height the source states (Bitcoin Core's `height`, bitcoin-etl's `number`). It is the
    /// block's height while its parent is not stored; the only placement of a block whose source
    /// gives no previous hash (stored with an all-zero `prev_hash`; see `ChainSelector`).
    public var declaredHeight: Int?
    /// Known prevouts by transaction position, then input index (nil: unknown); empty when the
    /// source gives none.
    public var prevouts: [[SpentOutput?]]
    /// Fees the source states by transaction position (Bitcoin Core getblock `fee`), in
    /// satoshi; nil: not stated. Empty when it states none. Stored as the fee while an input's
    /// value is unknown; checked against inputs − outputs when they are known (`feeMismatches`).
    public var statedFees: [Int64?]

    public init(declaredHeight: Int? = nil, prevouts: [[SpentOutput?]] = [], statedFees: [Int64?] = []) {
        self.declaredHeight = declaredHeight
        self.prevouts = prevouts
        self.statedFees = statedFees
    }
}

/// A stated fee that is not inputs − outputs of the transaction it belongs to.
public struct FeeMismatch: Sendable, Equatable {
    /// Index of the block in the planned list, and the transaction's position in it.
    public var block: Int
    public var position: Int
    public var stated: Int64
    public var inputs: Int64
    public var outputs: Int64
}

/// The rows one batch of blocks becomes, planned in memory and ready to insert.
public struct PlannedBatch: Sendable {
    struct BlockRow: Sendable {
        var id: Int64
        var block: BlockFields
        var firstTxId: Int64
        /// The block's proof of work, 32 bytes big-endian.
        var work: [UInt8]
        var sourceFile: String
        var sourceOffset: Int
    }

    /// The block columns (the block without its transactions, so the batch does not keep them).
    struct BlockFields: Sendable {
        var hash: Hash256
        var header: BlockHeader
        var network: Network
        var size: Int
        var strippedSize: Int
        var weight: Int
        var txCount: Int
        var coinbaseHeight: Int?
        /// Height stated by the source, written with the row.
        var declaredHeight: Int?
    }

    struct TxRow: Sendable {
        var id: Int64
        var txid: Hash256
        var wtxid: Hash256?
        var blockId: Int64
        var position: Int32
        var version: Int32
        var locktime: UInt32
        var size: Int32
        var weight: Int32
        var coinbase: Bool
        var inputCount: Int32
        var outputCount: Int32
        var firstInputId: Int64
        var firstOutputId: Int64
        var outputValue: Int64
        var fee: Int64?
    }

    struct OutputRow: Sendable {
        var txId: Int64
        var n: Int32
        var type: UInt8
        var value: Int64
        var addressId: Int64?
        var script: [UInt8]?
    }

    struct InputRow: Sendable {
        var txId: Int64
        var n: Int32
        var sequence: UInt32
        var prevVout: UInt32?
        /// Kept only while unresolved.
        var prevTxid: Hash256?
        var spentOutputId: Int64?
    }

    /// A `prevouts` row: what the source says an unresolved input spends.
    struct PrevoutRow: Sendable {
        var inputId: Int64
        var value: Int64
        var type: UInt8?
        var addressId: Int64?
    }

    struct AddressRow: Sendable {
        var id: Int64
        var text: String
        var family: UInt8
        var key: AddressKey
    }

    var blocks: [BlockRow] = []
    var transactions: [TxRow] = []
    /// Outputs and inputs have consecutive ids from these.
    var firstOutputId: Int64 = 0
    var outputs: [OutputRow] = []
    var firstInputId: Int64 = 0
    var inputs: [InputRow] = []
    var addresses: [AddressRow] = []
    var prevouts: [PrevoutRow] = []
    /// Stored transactions whose fee may have become computable through `prevouts` (ids).
    var feeCandidates: [Int64] = []
    /// Blocks skipped because they were already stored (or earlier in this run).
    public var skippedBlocks = 0
    /// Stated fees (`BlockExtras.statedFees`) that the inputs' known values contradict; the
    /// caller refuses the batch with a located error.
    public var feeMismatches: [FeeMismatch] = []
}

/// Plans the rows of an ingest run: assigns ids in input order (so the same input always gives
/// the same rows), interns addresses and resolves prevouts against this run's earlier outputs.
/// What it cannot resolve stays pending for the writer's end-of-run pass.
///
/// It holds the run's in-memory state and is used by one thread at a time: created on the
/// writer's thread from the database, then handed to the planning thread.
public final class BitcoinPlanner: @unchecked Sendable {
    private var nextBlockId: Int64
    private var nextTxId: Int64
    private var nextInputId: Int64
    private var nextOutputId: Int64
    private var nextAddressId: Int64
    private var knownBlocks: Set<Hash256>
    private var addressIds: [FamilyKey: Int64]

    /// Transactions of this run by txid: first output id and output count; and the values of
    /// this run's outputs by id, to compute fees without reading them back.
    private var runTxs: [Hash256: TxRef] = [:]
    private let runFirstOutputId: Int64
    private var runOutputValues: [Int64] = []

    struct TxRef {
        var firstOutputId: Int64
        var outputCount: Int32
    }

    /// An address key within its address family (mainnet, the shared test networks, regtest).
    struct FamilyKey: Hashable {
        var family: UInt8
        var key: AddressKey
    }

    init(db: Database) throws {
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
            if let h = Hash256(displayBytes: row.bytes(0)) { knownBlocks.insert(h) }
        }
        addressIds = [:]
        let addresses = try Row.fetchCursor(db, sql: "SELECT id, chain, kind, program FROM addresses")
        while let row = try addresses.next() {
            let chain: String = row[1]
            guard let family = Self.family(ofChain: chain),
                let key = AddressKey(kind: UInt8(truncatingIfNeeded: row[2] as Int64), program: row.bytes(3))
            else { continue }
            addressIds[FamilyKey(family: family, key: key)] = row[0]
        }
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
    }

    /// True when a block with this hash is stored or was planned earlier in this run.
    public func isKnown(_ hash: Hash256) -> Bool { knownBlocks.contains(hash) }

    /// Plans the rows of `blocks` (in order). Blocks already stored, or seen earlier in the run,
    /// are skipped and counted.
    public func plan(_ blocks: [(block: BitcoinBlock, offset: Int)], sourceFile: String) -> PlannedBatch {
        plan(blocks, sourceFile: sourceFile, extras: nil)
    }

    /// Plans the rows of `blocks` with what their source adds (`extras[i]` belongs to
    /// `blocks[i]`): a declared height for a block without its previous hash, and known prevouts
    /// of inputs whose funding transaction is not in this run. Known prevouts become `prevouts`
    /// rows for the inputs that stay unresolved, and count in fees.
    public func plan(
        _ blocks: [(block: BitcoinBlock, offset: Int)], sourceFile: String, extras: [BlockExtras?]?
    ) -> PlannedBatch {
        var batch = PlannedBatch()
        batch.firstOutputId = nextOutputId
        batch.firstInputId = nextInputId
        for (index, (block, offset)) in blocks.enumerated() {
            let extra = extras.flatMap { index < $0.count ? $0[index] : nil }
            if knownBlocks.contains(block.hash) {
                batch.skippedBlocks += 1
                continue
            }
            knownBlocks.insert(block.hash)
            let blockId = nextBlockId
            nextBlockId += 1
            batch.blocks.append(
                PlannedBatch.BlockRow(
                    id: blockId,
                    block: PlannedBatch.BlockFields(
                        hash: block.hash, header: block.header, network: block.network, size: block.size,
                        strippedSize: block.strippedSize, weight: block.weight,
                        txCount: block.transactions.count,
                        coinbaseHeight: block.coinbaseHeight, declaredHeight: extra?.declaredHeight),
                    firstTxId: nextTxId, work: UInt256.work(bits: block.header.bits).bigEndianBytes,
                    sourceFile: sourceFile, sourceOffset: offset))
            let family = Self.family(of: block.network)
            let prevouts = extra?.prevouts ?? []
            let fees = extra?.statedFees ?? []
            for position in block.transactions.indices {
                let known =
                    position < prevouts.count && !prevouts[position].isEmpty ? prevouts[position] : nil
                let stated = position < fees.count ? fees[position] : nil
                if let m = plan(
                    block.transactions[position], position: position, blockId: blockId, family: family,
                    network: block.network, known: known, statedFee: stated, into: &batch)
                {
                    batch.feeMismatches.append(
                        FeeMismatch(
                            block: index, position: position, stated: m.stated, inputs: m.inputs,
                            outputs: m.outputs))
                }
            }
        }
        return batch
    }

    private func plan(
        _ tx: BitcoinTransaction, position: Int, blockId: Int64, family: UInt8, network: Network,
        known: [SpentOutput?]?, statedFee: Int64?, into batch: inout PlannedBatch
    ) -> (stated: Int64, inputs: Int64, outputs: Int64)? {
        let txId = nextTxId
        nextTxId += 1
        let firstOutputId = nextOutputId
        let firstInputId = nextInputId
        var outputValue: Int64 = 0
        for n in tx.outputs.indices {
            let output = tx.outputs[n]
            var addressId: Int64?
            if let key = output.addressKey {
                addressId = intern(key, family: family, network: network, into: &batch)
            }
            let value = Int64(output.value)
            outputValue += value
            batch.outputs.append(
                PlannedBatch.OutputRow(
                    txId: txId, n: Int32(n), type: output.type.rawValue, value: value, addressId: addressId,
                    script: output.script))
            runOutputValues.append(value)
        }
        nextOutputId += Int64(tx.outputs.count)
        let coinbase = tx.isCoinbase
        var inputValue: Int64 = 0
        var allResolved = !coinbase
        for n in tx.inputs.indices {
            let input = tx.inputs[n]
            var row = PlannedBatch.InputRow(txId: txId, n: Int32(n), sequence: input.sequence)
            if !coinbase {
                row.prevVout = input.prevVout
                if let ref = runTxs[input.prevTxid], input.prevVout < UInt32(ref.outputCount) {
                    let outputId = ref.firstOutputId + Int64(input.prevVout)
                    let slot = Int(outputId - runFirstOutputId)
                    inputValue += runOutputValues[slot]
                    row.spentOutputId = outputId
                } else {
                    row.prevTxid = input.prevTxid
                    // The source's prevout stands in until the funding transaction is stored.
                    if let known, n < known.count, let prevout = known[n] {
                        let value = Int64(prevout.value)
                        inputValue += value
                        batch.prevouts.append(
                            PlannedBatch.PrevoutRow(
                                inputId: firstInputId + Int64(n), value: value, type: prevout.type?.rawValue,
                                addressId: prevout.addressKey.map {
                                    intern($0, family: family, network: network, into: &batch)
                                }))
                    } else {
                        allResolved = false
                    }
                }
            }
            batch.inputs.append(row)
        }
        nextInputId += Int64(tx.inputs.count)
        var mismatch: (stated: Int64, inputs: Int64, outputs: Int64)?
        if allResolved, let statedFee, statedFee != inputValue - outputValue {
            mismatch = (statedFee, inputValue, outputValue)
        }
        batch.transactions.append(
            PlannedBatch.TxRow(
                id: txId, txid: tx.txid, wtxid: tx.wtxid != tx.txid ? tx.wtxid : nil, blockId: blockId,
                position: Int32(position), version: tx.version, locktime: tx.locktime, size: Int32(tx.size),
                weight: Int32(tx.weight), coinbase: coinbase, inputCount: Int32(tx.inputs.count),
                outputCount: Int32(tx.outputs.count), firstInputId: firstInputId,
                firstOutputId: firstOutputId,
                outputValue: outputValue,
                fee: allResolved ? inputValue - outputValue : coinbase ? nil : statedFee))
        runTxs[tx.txid] = TxRef(firstOutputId: firstOutputId, outputCount: Int32(tx.outputs.count))
        return mismatch
    }

    /// Plans `prevouts` rows for stored, unresolved inputs (found with
    /// `BitcoinWriter.unresolvedInputs(spending:)`) from outputs a source describes; their
    /// transactions' fees are recomputed when the run finishes.
    public func planPrevouts(
        _ items: [(inputId: Int64, txId: Int64, prevout: SpentOutput)], network: Network
    ) -> PlannedBatch {
        var batch = PlannedBatch()
        batch.firstOutputId = nextOutputId
        batch.firstInputId = nextInputId
        let family = Self.family(of: network)
        for item in items {
            batch.prevouts.append(
                PlannedBatch.PrevoutRow(
                    inputId: item.inputId, value: Int64(item.prevout.value),
                    type: item.prevout.type?.rawValue,
                    addressId: item.prevout.addressKey.map {
                        intern($0, family: family, network: network, into: &batch)
                    }))
            batch.feeCandidates.append(item.txId)
        }
        return batch
    }

    private func intern(
        _ key: AddressKey, family: UInt8, network: Network, into batch: inout PlannedBatch
    ) -> Int64 {
        let fk = FamilyKey(family: family, key: key)
        if let id = addressIds[fk] { return id }
        let id = nextAddressId
        nextAddressId += 1
        addressIds[fk] = id
        batch.addresses.append(
            PlannedBatch.AddressRow(
                id: id, text: AddressCodec.encode(key, network: network), family: family, key: key))
        return id
    }
}
