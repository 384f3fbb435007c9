import FlowBitcoin
public import FlowModel

/// A block line of bitcoin-etl's blocks.json: the header fields, sizes and transaction count,
/// without the previous block hash (older exports) but with the height (`number`).
public struct ETLBlock: Sendable {
    public var hash: Hash256
    public var number: Int
    public var transactionCount: Int
    public var location: JSONLocation
    var version: UInt32
    var merkleRoot: Hash256
    var time: UInt32
    var bits: UInt32
    var nonce: UInt32
    /// `previous_block_hash`, written by newer bitcoin-etl versions.
    var previousHash: Hash256?
    var size: Int
    var strippedSize: Int?
    var weight: Int?
    /// The coinbase input's script (bitcoin-etl leaves the coinbase's `inputs` empty).
    var coinbaseParam: [UInt8]?
}

/// A line of bitcoin-etl's transactions.json: enough fields to rebuild the transaction's
/// serialization without witness data, and so its txid.
public struct ETLTransaction: Sendable {
    public var txid: Hash256
    public var blockHash: Hash256
    public var blockNumber: Int?
    /// Position in the block, when the export gives it.
    public var index: Int?
    public var isCoinbase: Bool
    public var location: JSONLocation
    var version: UInt32
    var lockTime: UInt32
    var size: Int
    var virtualSize: Int?
    /// Non-coinbase inputs (a coinbase's input is rebuilt from the block's `coinbase_param`).
    var inputs: [InputFields]
    /// What enriched inputs say they spend (value, type, address); nil when not enriched.
    var known: [SpentOutput?]
    var outputs: [(value: UInt64, script: [UInt8])]
    /// A coinbase input the export does list (some versions do): its script and sequence.
    var coinbaseScript: [UInt8]?
    var coinbaseSequence: UInt32?
}

/// Reads bitcoin-etl JSON lines (`export_blocks_and_transactions` or `stream` output):
/// blocks.json and transactions.json, one object per line, or both kinds mixed (`type` says which).
///
/// bitcoin-etl exports no raw bytes. A transaction's version, inputs (spent_transaction_hash,
/// spent_output_index, script_hex, sequence), outputs (value, script_hex) and lock_time rebuild
/// its serialization without witness data, whose double SHA-256 must be the stated `hash`; the
/// coinbase's input is rebuilt from the block's `coinbase_param`. The merkle root of the txids
/// must be the block's. Enriched inputs (`value`, `type`, `addresses`) give known prevouts;
/// unenriched ones (value null) stay unknown until the funding transaction is stored. Witness
/// data is not exported: a segwit transaction's wtxid is unknown (its size and weight are known).
///
/// Only the Bitcoin chain is read: bitcoin-etl's Bitcoin Cash, Dogecoin, Litecoin and Zcash
/// exports fail with an error that says so (their addresses or nonces are not Bitcoin's).
public enum BitcoinETL {
    public enum Record: Sendable {
        case block(ETLBlock)
        case transaction(ETLTransaction)
    }

    /// The coinbase sequence numbers tried, in order, when the export does not give it.
    static let coinbaseSequences: [UInt32] = [0xffff_ffff, 0, 0xffff_fffe]

    /// Reads one line: a block (it has `merkle_root`) or a transaction (it has `inputs`).
    public static func read(_ record: JSONRecord, network: Network) throws(IngestError) -> Record {
        let f = JSONFields(record.node, record.location)
        if let type = f.node["type"]?.string {
            switch type {
            case "block": return .block(try block(f))
            case "transaction": return .transaction(try transaction(f, network: network))
            default:
                throw f.fail(
                    "type", "\(quoted(type)) records are not read (expected block or transaction)",
                    value: .string(type))
            }
        }
        if f.node["merkle_root"] != nil { return .block(try block(f)) }
        if f.node["inputs"] != nil || f.node["outputs"] != nil {
            return .transaction(try transaction(f, network: network))
        }
        throw f.failHere(
            "neither a bitcoin-etl block (merkle_root, number) nor a transaction (hash, inputs, outputs)")
    }

    static func block(_ f: JSONFields) throws(IngestError) -> ETLBlock {
        let hash = try f.hash("hash")
        let number = try f.count("number")
        if let nonce = f.node["nonce"]?.string, nonce.utf8.count > 8 {
            throw f.fail(
                "nonce",
                "\(quoted(nonce)) is a 256-bit nonce, so this is not a Bitcoin block (Zcash has them): \(AddressCheck.otherChains)",
                value: .string(nonce))
        }
        let count = try f.count("transaction_count")
        guard count > 0 else {
            throw f.fail(
                "transaction_count", "a block has at least one transaction", value: .number("\(count)"))
        }
        return ETLBlock(
            hash: hash, number: number, transactionCount: count, location: f.location,
            version: try f.bits32("version"), merkleRoot: try f.hash("merkle_root"),
            time: try f.uint32("timestamp"),
            bits: try f.hex32("bits"), nonce: try f.hex32("nonce"),
            previousHash: f.has("previous_block_hash") ? try f.hash("previous_block_hash") : nil,
            size: try f.count("size"),
            strippedSize: f.has("stripped_size") ? try f.count("stripped_size") : nil,
            weight: f.has("weight") ? try f.count("weight") : nil,
            coinbaseParam: f.has("coinbase_param") ? try f.hex("coinbase_param") : nil)
    }

    static func transaction(_ f: JSONFields, network: Network) throws(IngestError) -> ETLTransaction {
        if f.node["size"]?.isNull == true {
            throw f.fail(
                "size",
                "size is null, as bitcoin-etl writes it for Dogecoin and Zcash transactions, never for Bitcoin: \(AddressCheck.otherChains)",
                value: .null)
        }
        let coinbaseNode = try f.required("is_coinbase")
        guard case .bool(let isCoinbase) = coinbaseNode else {
            throw f.fail(
                "is_coinbase", "expected true or false, found \(JSONFields.shown(coinbaseNode))",
                value: coinbaseNode)
        }
        var tx = ETLTransaction(
            txid: try f.hash("hash"), blockHash: try f.hash("block_hash"),
            blockNumber: f.has("block_number") ? try f.count("block_number") : nil,
            index: f.has("index") ? try f.count("index") : nil, isCoinbase: isCoinbase, location: f.location,
            version: try f.bits32("version"), lockTime: try f.uint32("lock_time"), size: try f.count("size"),
            virtualSize: f.has("virtual_size") ? try f.count("virtual_size") : nil, inputs: [], known: [],
            outputs: [])
        for (i, node) in try f.array("inputs").enumerated() {
            let v = try f.element("inputs", i, node)
            if isCoinbase {
                guard i == 0, !v.has("spent_transaction_hash") else {
                    throw v.failHere("a coinbase transaction has one input, spending nothing")
                }
                tx.coinbaseScript = v.has("script_hex") ? try v.hex("script_hex") : nil
                tx.coinbaseSequence = v.has("sequence") ? try v.uint32("sequence") : nil
                continue
            }
            tx.inputs.append(
                InputFields(
                    prevTxid: try v.hash("spent_transaction_hash"),
                    prevVout: try v.uint32("spent_output_index"),
                    script: try v.hex("script_hex"), sequence: try v.uint32("sequence")))
            tx.known.append(try spentOutput(v, network: network))
        }
        if !isCoinbase && tx.inputs.isEmpty {
            throw f.fail("inputs", "a transaction that is not a coinbase has at least one input")
        }
        var paid: UInt64 = 0
        for (n, node) in try f.array("outputs").enumerated() {
            let o = try f.element("outputs", n, node)
            if o.has("index") {
                let index = try o.count("index")
                guard index == n else {
                    throw o.fail("index", "output \(n) says index \(index)", value: .number("\(index)"))
                }
            }
            let value = try o.satoshi("value")
            let script = try o.hex("script_hex")
            if case (_, let key?) = BitcoinSerial.classify(script), let list = o.node["addresses"]?.array,
                list.count == 1, let text = list[0].string,
                let problem = AddressCheck.problem(text, key: key, network: network)
            {
                throw o.fail("addresses", problem, value: .string(text))
            }
            tx.outputs.append((value, script))
            paid += value
            guard paid <= JSONFields.maxSatoshi else {
                throw o.fail(
                    "value", "the outputs' values add up to more than 21 million BTC", value: o.node["value"])
            }
        }
        try checkInputValues(f, tx)
        return tx
    }

    /// Enriched input values must pay for the outputs, and add up to `input_value` when given.
    static func checkInputValues(_ f: JSONFields, _ tx: ETLTransaction) throws(IngestError) {
        guard !tx.isCoinbase, !tx.known.isEmpty, tx.known.allSatisfy({ $0 != nil }) else { return }
        var inputs: UInt64 = 0
        for k in tx.known {
            inputs += k?.value ?? 0
            guard inputs <= JSONFields.maxSatoshi else {
                throw f.fail("inputs", "the inputs' values add up to more than 21 million BTC")
            }
        }
        let outputs = tx.outputs.reduce(UInt64(0)) { $0 &+ $1.value }
        guard inputs >= outputs else {
            throw f.fail(
                "inputs",
                "the inputs' values (\(inputs) satoshi) are less than the outputs' (\(outputs) satoshi): a transaction cannot create value"
            )
        }
        if f.has("input_value") {
            let stated = try f.satoshi("input_value")
            guard stated == inputs else {
                throw f.fail(
                    "input_value", "input_value \(stated) is not the sum of the inputs' values (\(inputs))",
                    value: .number(String(stated)))
            }
        }
    }

    /// What an enriched input says it spends; nil when the input is not enriched (value null).
    static func spentOutput(_ v: JSONFields, network: Network) throws(IngestError) -> SpentOutput? {
        guard v.has("value") else { return nil }
        let value = try v.satoshi("value")
        let type = v.optional("type")?.string.flatMap { ScriptType(coreName: $0) }
        var key: AddressKey?
        if let list = v.node["addresses"]?.array, list.count == 1, let text = list[0].string {
            if let problem = AddressCheck.problem(text, network: network) {
                throw v.fail("addresses", problem, value: .string(text))
            }
            key = AddressCodec.decode(text)?.key
        }
        return SpentOutput(value: value, type: type, addressKey: key)
    }

    /// Builds the block from its line and all its transaction lines (in any order when they
    /// carry `index`), verifying every txid, the merkle root, and the sizes. A transaction is
    /// proven only when the bytes rebuilt from its fields hash to its stated txid; the merkle root
    /// then proves that the block holds those txids. A coinbase whose input sequence the export
    /// leaves out is rebuilt with each of `coinbaseSequences`; when none reproduces its txid, the
    /// exported fields (its outputs' values and payees among them) are not the transaction the
    /// merkle root commits to, and the block is refused (`unprovenCoinbase`). `parents` are
    /// hashes of blocks at the height below read in the same run: one whose hash, as the
    /// previous hash, makes the header hash to the block's hash becomes its parent. Without one
    /// (and without `previous_block_hash`), the block keeps a zero previous hash and is placed
    /// by its `number` alone (the declared height, given in every case).
    public static func assemble(
        _ block: ETLBlock, _ lines: [ETLTransaction], network: Network, parents: [Hash256]
    ) throws(IngestError) -> JSONBlock {
        func blockError(_ key: String, _ message: String, value: String?, code: IngestError.Code = .badValue)
            -> IngestError
        {
            block.location.error(message, field: key, key: key, valueText: value, code: code)
        }
        var txs = lines
        if txs.allSatisfy({ $0.index != nil }) {
            txs.sort { ($0.index ?? 0) < ($1.index ?? 0) }
            for (i, tx) in txs.enumerated() where tx.index != i {
                throw tx.location.error(
                    "block \(block.hash) has \(block.transactionCount) transactions, but none at index \(i) (this one says \(tx.index ?? -1))",
                    field: "index", key: "index", valueText: tx.index.map(String.init))
            }
        }
        var transactions = [BitcoinTransaction]()
        transactions.reserveCapacity(txs.count)
        var coinbaseBytes: [UInt8] = []
        for (position, line) in txs.enumerated() {
            if let number = line.blockNumber, number != block.number {
                throw line.location.error(
                    "block_number \(number) is not the number of block \(block.hash) (\(block.number))",
                    field: "block_number", key: "block_number", valueText: String(number))
            }
            guard line.isCoinbase == (position == 0) else {
                throw line.location.error(
                    position == 0
                        ? "the block's first transaction must be its coinbase"
                        : "only the block's first transaction is a coinbase",
                    field: "is_coinbase", key: "is_coinbase", valueText: line.isCoinbase ? "true" : "false")
            }
            var tx: BitcoinTransaction
            if line.isCoinbase {
                guard let script = line.coinbaseScript ?? block.coinbaseParam else {
                    throw blockError(
                        "coinbase_param", "the coinbase's input script (coinbase_param) is missing",
                        value: nil)
                }
                var found: (BitcoinTransaction, [UInt8])?
                var first: (BitcoinTransaction, [UInt8])?
                let sequences = line.coinbaseSequence.map { [$0] } ?? coinbaseSequences
                for sequence in sequences {
                    let input = InputFields(
                        prevTxid: .zero, prevVout: 0xffff_ffff, script: script, sequence: sequence)
                    let bytes = BitcoinSerial.transaction(
                        version: line.version, inputs: [input], outputs: line.outputs, locktime: line.lockTime
                    )
                    let decoded = try decode(bytes, line)
                    if first == nil { first = (decoded, bytes) }
                    if decoded.txid == line.txid {
                        found = (decoded, bytes)
                        break
                    }
                }
                guard let found else {
                    throw unprovenCoinbase(block, line, sequences: sequences, computed: first?.0.txid)
                }
                (tx, coinbaseBytes) = found
            } else {
                let bytes = BitcoinSerial.transaction(
                    version: line.version, inputs: line.inputs, outputs: line.outputs, locktime: line.lockTime
                )
                tx = try decode(bytes, line)
                guard tx.txid == line.txid else { throw txidError(block, line, computed: tx.txid) }
            }
            // The stated size includes witness data, which bitcoin-etl does not export.
            guard line.size >= tx.strippedSize else {
                throw line.location.error(
                    "size \(line.size) is smaller than the transaction without witness data (\(tx.strippedSize) bytes)",
                    field: "size", key: "size", valueText: String(line.size))
            }
            tx.size = line.size
            if let vsize = line.virtualSize, vsize != tx.vsize {
                throw line.location.error(
                    "virtual_size \(vsize) does not fit size \(line.size) and the \(tx.strippedSize) bytes without witness data (vsize \(tx.vsize))",
                    field: "virtual_size", key: "virtual_size", valueText: String(vsize))
            }
            transactions.append(tx)
        }
        let root = BitcoinHash.merkleRoot(transactions.map(\.txid))
        guard root == block.merkleRoot else {
            throw blockError(
                "merkle_root",
                "block \(block.hash): merkle root mismatch: merkle_root is \(block.merkleRoot), the transactions' txids hash to \(root)",
                value: "\"\(block.merkleRoot.hex)\"", code: .merkleMismatch)
        }
        let countLength = CompactSize.length(transactions.count)
        let size = 80 + countLength + transactions.reduce(0) { $0 + $1.size }
        let strippedSize = 80 + countLength + transactions.reduce(0) { $0 + $1.strippedSize }
        guard size == block.size else {
            throw blockError(
                "size", "size \(block.size) is not the sum of the header and transactions (\(size) bytes)",
                value: String(block.size))
        }
        if let stated = block.strippedSize, stated != strippedSize {
            throw blockError(
                "stripped_size",
                "stripped_size \(stated) is not the size without witness data (\(strippedSize) bytes)",
                value: String(stated))
        }
        if let weight = block.weight, weight != strippedSize * 3 + size {
            throw blockError(
                "weight", "weight \(weight) is not 3 × stripped size + size (\(strippedSize * 3 + size))",
                value: String(weight))
        }
        var header = BlockHeader(
            version: Int32(bitPattern: block.version), prevHash: .zero, merkleRoot: block.merkleRoot,
            time: block.time, bits: block.bits, nonce: block.nonce)
        var linked = false
        if let stated = block.previousHash {
            header.prevHash = stated
            guard BitcoinSerial.hashHeader(header) == block.hash else {
                throw blockError(
                    "hash",
                    "\(quoted(block.hash.hex, limit: 64)) is not the hash of the header (version, previous_block_hash, merkle_root, timestamp, bits, nonce), which hashes to \(BitcoinSerial.hashHeader(header))",
                    value: "\"\(block.hash.hex)\"")
            }
            linked = true
        } else {
            var candidates = parents
            if block.number == 0 { candidates.insert(.zero, at: 0) }
            if block.number == 1 { candidates.insert(network.genesisHash, at: 0) }
            for candidate in candidates {
                header.prevHash = candidate
                if BitcoinSerial.hashHeader(header) == block.hash {
                    linked = true
                    break
                }
            }
            if !linked { header.prevHash = .zero }
        }
        if block.hash == network.genesisHash && !linked {
            throw blockError(
                "hash", "the genesis block's header does not hash to its hash", value: "\"\(block.hash.hex)\""
            )
        }
        var coinbaseHeight: Int?
        if block.version >= 2 {
            coinbaseHeight = coinbaseBytes.withUnsafeBytes {
                BlockDecoder.bip34Height($0, transactionStart: 0)
            }
        }
        let decoded = BitcoinBlock(
            hash: block.hash, header: header, network: network, size: size, strippedSize: strippedSize,
            transactions: transactions, coinbaseHeight: coinbaseHeight)
        let prevouts = txs.map { line in line.isCoinbase ? [nil] : line.known }
        let any = prevouts.contains { $0.contains { $0 != nil } }
        return JSONBlock(
            block: decoded, location: block.location, declaredHeight: block.number,
            prevouts: any ? prevouts : [])
    }

    static func decode(_ bytes: [UInt8], _ line: ETLTransaction) throws(IngestError) -> BitcoinTransaction {
        switch BitcoinSerial.decodeTransaction(bytes) {
        case .success(let tx): return tx
        case .failure(let failure):
            throw line.location.error(
                "the transaction rebuilt from its fields does not decode: \(failure.message)",
                field: "inputs",
                key: "inputs", code: failure.code)
        }
    }

    static func txidError(_ block: ETLBlock, _ line: ETLTransaction, computed: Hash256?) -> IngestError {
        line.location.error(
            "block \(block.number) \(block.hash): \(quoted(line.txid.hex, limit: 64)) is not the txid of the transaction rebuilt from its fields (version, inputs, outputs, lock_time), which hash to \(computed.map { "\($0)" } ?? "?"); the block is not stored",
            field: "hash", key: "hash", valueText: "\"\(line.txid.hex)\"")
    }

    /// A coinbase that no rebuild reproduces: what the export says it pays is unproven.
    static func unprovenCoinbase(
        _ block: ETLBlock, _ line: ETLTransaction, sequences: [UInt32], computed: Hash256?
    ) -> IngestError {
        let tried = sequences.map { s -> String in
            let digits = String(s, radix: 16)
            return String(repeating: "0", count: 8 - digits.count) + digits
        }
        let sequenceText =
            line.coinbaseSequence == nil
            ? "with the sequence numbers bitcoin-etl leaves out tried as \(tried.joined(separator: ", "))"
            : "with its exported sequence \(tried.joined())"
        return line.location.error(
            "block \(block.number) \(block.hash): coinbase \(line.txid) is unproven: rebuilt from the exported fields (version, outputs, lock_time and the block's coinbase_param) \(sequenceText), it hashes to \(computed.map { "\($0)" } ?? "?"), never to its txid, so these are not the coinbase the merkle root commits to (changed values or payees, or a sequence number the export does not give); the block is not stored: ingest it from raw blocks or Bitcoin Core getblock JSON",
            field: "hash", key: "hash", valueText: "\"\(line.txid.hex)\"")
    }
}
