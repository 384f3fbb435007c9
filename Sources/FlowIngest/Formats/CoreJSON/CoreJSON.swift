import FlowBitcoin
public import FlowModel

/// A transaction from Bitcoin Core's `getrawtransaction <txid> true` (or a transaction object
/// of another Core answer), decoded and verified.
public struct CoreTransaction: Sendable {
    public var transaction: BitcoinTransaction
    /// The block that confirms it, when the answer says (`blockhash`); nil for a mempool answer.
    public var blockHash: Hash256?
    public var location: JSONLocation
    /// Outputs whose value and script this answer proves: its own outputs (its txid commits to
    /// them) and, in a verbosity 2 answer (Core 25+), the `prevout` of each input.
    public var knownOutputs: [KnownOutput]
}

/// Reads Bitcoin Core RPC JSON: `getblock <hash> 2` and `3` (Core ≥ 22 with `address`, older
/// with `addresses[]`), and `getrawtransaction <txid> true`, bare or in a JSON-RPC envelope
/// (`{"result": …, "error": null, "id": …}`).
///
/// A transaction's bytes come from its `hex`, or, when the export dropped it, are rebuilt from
/// its fields (version, vin with scriptSig and txinwitness, vout, locktime). Blocks are then
/// rebuilt byte for byte and decoded by `BlockDecoder`, exactly as a raw block: every txid is
/// recomputed and checked against the JSON `txid`, the merkle root against the header, the header
/// against the JSON `hash`; JSON values (BTC decimals, converted exactly) must equal the
/// decoded ones.
public enum CoreJSON {
    /// What one record holds.
    public enum Record: Sendable {
        case block(JSONBlock)
        case transaction(CoreTransaction)
    }

    /// Reads one record: a block (it has `merkleroot`) or a transaction (it has `vin`).
    public static func read(_ record: JSONRecord, network: Network) throws(IngestError) -> Record {
        let f = try unwrap(record)
        if f.node["merkleroot"] != nil || f.node["tx"] != nil {
            return .block(try block(f, network: network))
        }
        if f.node["vin"] != nil || f.node["txid"] != nil {
            return .transaction(try transaction(f, network: network))
        }
        throw f.failHere(
            "neither a Bitcoin Core block (getblock: merkleroot, tx) nor a transaction (getrawtransaction: txid, vin, vout)"
        )
    }

    /// The answer inside a JSON-RPC envelope, or the record itself.
    static func unwrap(_ record: JSONRecord) throws(IngestError) -> JSONFields {
        let top = JSONFields(record.node, record.location)
        guard top.node["result"] != nil, top.node["error"] != nil || top.node["id"] != nil else { return top }
        if let error = top.optional("error") {
            let message = error["message"]?.string ?? JSONFields.shown(error)
            throw top.fail("error", "the RPC call failed: \(quoted(message, limit: 120))", value: error)
        }
        let result = try top.required("result")
        switch result {
        case .object: return JSONFields(result, record.location, path: "result")
        case .string:
            throw top.fail(
                "result",
                "the result is hex text (getblock verbosity 0 or getrawtransaction without verbose): save the hex alone in a file and ingest it as a block, or ask for JSON (getblock <hash> 2)",
                value: result)
        default:
            throw top.fail(
                "result", "expected a block or a transaction object, found \(JSONFields.shown(result))")
        }
    }

    // MARK: getblock

    static func block(_ f: JSONFields, network: Network) throws(IngestError) -> JSONBlock {
        let hash = try f.hash("hash")
        let prev: Hash256 = f.has("previousblockhash") ? try f.hash("previousblockhash") : .zero
        let header = BlockHeader(
            version: Int32(bitPattern: try f.bits32("version")), prevHash: prev,
            merkleRoot: try f.hash("merkleroot"), time: try f.uint32("time"), bits: try f.hex32("bits"),
            nonce: try f.uint32("nonce"))
        let computed = BitcoinSerial.hashHeader(header)
        guard computed == hash else {
            throw f.fail(
                "hash",
                "\(quoted(hash.hex, limit: 64)) is not the hash of the header fields (version, previousblockhash, merkleroot, time, bits, nonce), which hash to \(computed)",
                value: .string(hash.hex))
        }
        let txNodes = try f.array("tx")
        guard let first = txNodes.first else { throw f.fail("tx", "a block has at least one transaction") }
        if case .string = first {
            throw f.fail(
                "tx",
                "tx lists only txids (getblock verbosity 1): export with `getblock <hash> 2` (or 3, which adds input values)"
            )
        }
        if f.has("nTx") {
            let n = try f.count("nTx")
            guard n == txNodes.count else {
                throw f.fail(
                    "nTx", "nTx is \(n) but tx lists \(txNodes.count) transactions", value: .number("\(n)"))
            }
        }
        // The block's bytes: header, count, each transaction's bytes.
        var w = SerialWriter()
        w.bytes = BitcoinSerial.header(header)
        w.compactSize(txNodes.count)
        var starts = [Int]()
        var txFields = [JSONFields]()
        starts.reserveCapacity(txNodes.count)
        txFields.reserveCapacity(txNodes.count)
        for (i, node) in txNodes.enumerated() {
            let t = try f.element("tx", i, node)
            starts.append(w.bytes.count)
            w.bytes += t.has("hex") ? try t.hex("hex") : try serialize(t)
            txFields.append(t)
        }
        let block: BitcoinBlock
        switch BitcoinSerial.decodeBlock(w.bytes, network: network) {
        case .success(let b): block = b
        case .failure(let failure):
            if failure.code == .merkleMismatch {
                throw f.fail(
                    "merkleroot", failure.message, value: .string(header.merkleRoot.hex),
                    code: .merkleMismatch)
            }
            let i = max(0, (starts.lastIndex { $0 <= failure.offset }) ?? 0)
            let t = txFields[i]
            throw t.fail(
                t.has("hex") ? "hex" : "vin",
                "transaction \(i): its bytes do not decode: \(failure.message) (byte \(failure.offset - starts[i]) of the transaction)",
                code: failure.code)
        }
        var prevouts = [[SpentOutput?]]()
        var fees = [StatedFee?]()
        var anyPrevout = false
        var anyFee = false
        for (i, t) in txFields.enumerated() {
            let (known, fee) = try check(t, block.transactions[i], network: network)
            anyPrevout = anyPrevout || known.contains { $0 != nil }
            anyFee = anyFee || fee != nil
            prevouts.append(known)
            fees.append(fee)
        }
        let declaredHeight: Int? = f.has("height") ? try f.count("height") : nil
        if prev == .zero && hash != network.genesisHash && declaredHeight == nil {
            throw f.failHere(
                "block \(hash) has neither previousblockhash nor height: one is needed to place it in the chain"
            )
        }
        return JSONBlock(
            block: block, location: f.location, declaredHeight: declaredHeight,
            prevouts: anyPrevout ? prevouts : [], fees: anyFee ? fees : [])
    }

    // MARK: transactions

    /// A `getrawtransaction` answer.
    static func transaction(_ f: JSONFields, network: Network) throws(IngestError) -> CoreTransaction {
        let bytes = f.has("hex") ? try f.hex("hex") : try serialize(f)
        let tx: BitcoinTransaction
        switch BitcoinSerial.decodeTransaction(bytes) {
        case .success(let t): tx = t
        case .failure(let failure):
            throw f.fail(
                f.has("hex") ? "hex" : "vin",
                "the transaction's bytes do not decode: \(failure.message) (byte \(failure.offset))",
                code: failure.code)
        }
        let (prevouts, _) = try check(f, tx, network: network)
        var known = [KnownOutput]()
        for (n, o) in tx.outputs.enumerated() {
            known.append(
                KnownOutput(
                    txid: tx.txid, vout: UInt32(n),
                    output: SpentOutput(value: o.value, type: o.type, addressKey: o.addressKey)))
        }
        for (n, p) in prevouts.enumerated() {
            if let p {
                known.append(KnownOutput(txid: tx.inputs[n].prevTxid, vout: tx.inputs[n].prevVout, output: p))
            }
        }
        return CoreTransaction(
            transaction: tx, blockHash: f.has("blockhash") ? try f.hash("blockhash") : nil,
            location: f.location,
            knownOutputs: known)
    }

    /// Rebuilds a transaction's bytes from its fields, for exports without `hex`.
    static func serialize(_ t: JSONFields) throws(IngestError) -> [UInt8] {
        var inputs = [InputFields]()
        for (i, node) in try t.array("vin").enumerated() {
            let v = try t.element("vin", i, node)
            var input: InputFields
            if v.has("coinbase") {
                input = InputFields(
                    prevTxid: .zero, prevVout: 0xffff_ffff, script: try v.hex("coinbase"),
                    sequence: try v.uint32("sequence"))
            } else {
                let script =
                    try v.optionalObject("scriptSig").map { (s) throws(IngestError) in try s.hex("hex") }
                    ?? []
                input = InputFields(
                    prevTxid: try v.hash("txid"), prevVout: try v.uint32("vout"), script: script,
                    sequence: try v.uint32("sequence"))
            }
            if v.has("txinwitness") {
                for (k, item) in try v.array("txinwitness").enumerated() {
                    guard let s = item.string, let b = Hex.decode(s) else {
                        throw v.fail(
                            "txinwitness", "witness item \(k) \(JSONFields.shown(item)) is not hex",
                            value: item)
                    }
                    input.witness.append(b)
                }
            }
            inputs.append(input)
        }
        var outputs = [(value: UInt64, script: [UInt8])]()
        for (n, node) in try t.array("vout").enumerated() {
            let o = try t.element("vout", n, node)
            outputs.append((try o.btc("value"), try o.object("scriptPubKey").hex("hex")))
        }
        return BitcoinSerial.transaction(
            version: try t.bits32("version"), inputs: inputs, outputs: outputs,
            locktime: try t.uint32("locktime"))
    }

    /// Checks a transaction object against its decoded bytes (txid, wtxid, output values,
    /// addresses, fee) and returns the `prevout` of each input (all nil when there is none) and,
    /// when the inputs' values are not all given, the `fee` the answer states (checked later,
    /// against the spent outputs the store knows).
    static func check(_ t: JSONFields, _ tx: BitcoinTransaction, network: Network) throws(IngestError)
        -> (prevouts: [SpentOutput?], fee: StatedFee?)
    {
        let txid = try t.hash("txid")
        guard txid == tx.txid else {
            throw t.fail(
                "txid",
                "\(quoted(txid.hex, limit: 64)) is not the txid of the transaction's bytes, which hash to \(tx.txid)",
                value: .string(txid.hex))
        }
        if t.has("hash") {
            let wtxid = try t.hash("hash")
            guard wtxid == tx.wtxid else {
                throw t.fail(
                    "hash",
                    "\(quoted(wtxid.hex, limit: 64)) is not the wtxid of the transaction's bytes, which hash to \(tx.wtxid)",
                    value: .string(wtxid.hex))
            }
        }
        let vout = try t.array("vout")
        guard vout.count == tx.outputs.count else {
            throw t.fail(
                "vout", "vout lists \(vout.count) outputs, the transaction's bytes have \(tx.outputs.count)")
        }
        for (n, node) in vout.enumerated() {
            let o = try t.element("vout", n, node)
            let value = try o.btc("value")
            let output = tx.outputs[n]
            guard value == output.value else {
                throw o.fail(
                    "value",
                    "\(JSONFields.shown(o.node["value"] ?? .null)) BTC is not the value in the transaction's bytes (\(output.value) satoshi)",
                    value: o.node["value"])
            }
            if o.has("n") {
                let stated = try o.count("n")
                guard stated == n else {
                    throw o.fail("n", "output \(n) says n = \(stated)", value: .number("\(stated)"))
                }
            }
            if let key = output.addressKey, let spk = try o.optionalObject("scriptPubKey") {
                try checkAddresses(spk, key: key, network: network)
            }
        }
        let vin = try t.array("vin")
        guard vin.count == tx.inputs.count else {
            throw t.fail(
                "vin", "vin lists \(vin.count) inputs, the transaction's bytes have \(tx.inputs.count)")
        }
        var prevouts = [SpentOutput?](repeating: nil, count: vin.count)
        guard !tx.isCoinbase else { return (prevouts, nil) }
        var known: UInt64 = 0
        var all = true
        for (i, node) in vin.enumerated() {
            let v = try t.element("vin", i, node)
            if let p = try v.optionalObject("prevout") {
                let spent = try spentOutput(p, network: network)
                prevouts[i] = spent
                // Each value is at most the supply, so the sum of a few thousand cannot overflow
                // before this check stops it.
                known += spent.value
                guard known <= JSONFields.maxSatoshi else {
                    throw v.fail(
                        "prevout",
                        "the prevouts of this transaction's inputs add up to more than 21 million BTC")
                }
            } else {
                all = false
            }
        }
        let outputs = tx.outputValue
        if all && known < outputs {
            throw t.fail(
                "vin",
                "the prevouts' values (\(known) satoshi) are less than the outputs' (\(outputs) satoshi): a transaction cannot create value"
            )
        }
        // Core ≥ 22 prints each transaction's fee when it knows the inputs: it must agree.
        if all && t.has("fee") {
            let fee = try t.btc("fee")
            guard known - outputs == fee else {
                throw t.fail(
                    "fee",
                    "fee \(JSONFields.shown(t.node["fee"] ?? .null)) BTC is not inputs − outputs (\(known) − \(outputs) satoshi from the prevouts and outputs)",
                    value: t.node["fee"])
            }
        }
        if !all && t.has("fee") {
            // Exact: the decimal BTC text to satoshi, no floating point; at most the supply.
            return (prevouts, StatedFee(satoshi: try t.btc("fee"), fields: t))
        }
        return (prevouts, nil)
    }

    /// A verbosity 3 `prevout`: value, and type and address from its script (or, without the
    /// script's hex, from the `type` and `address` text).
    static func spentOutput(_ p: JSONFields, network: Network) throws(IngestError) -> SpentOutput {
        let value = try p.btc("value")
        guard let spk = try p.optionalObject("scriptPubKey") else {
            return SpentOutput(value: value, type: nil, addressKey: nil)
        }
        if spk.has("hex") {
            let (type, key) = BitcoinSerial.classify(try spk.hex("hex"))
            if let key { try checkAddresses(spk, key: key, network: network) }
            return SpentOutput(value: value, type: type, addressKey: key)
        }
        var type: ScriptType?
        if spk.has("type") {
            let name = try spk.string("type")
            guard let t = ScriptType(coreName: name) else {
                throw spk.fail(
                    "type", "\(quoted(name)) is not a Bitcoin Core script type name", value: .string(name))
            }
            type = t
        }
        return SpentOutput(value: value, type: type, addressKey: try addressKey(spk, network: network))
    }

    /// The one address of a `scriptPubKey` (`address`, or a one-element `addresses`), decoded;
    /// nil when there is none or several.
    static func addressKey(_ spk: JSONFields, network: Network) throws(IngestError) -> AddressKey? {
        let (key, text) = try addressText(spk)
        guard let text else { return nil }
        if let problem = AddressCheck.problem(text, network: network) {
            throw spk.fail(key, problem, value: .string(text))
        }
        return AddressCodec.decode(text)?.key
    }

    /// The address text of a `scriptPubKey` and the key holding it.
    static func addressText(_ spk: JSONFields) throws(IngestError) -> (key: String, text: String?) {
        if spk.has("address") { return ("address", try spk.string("address")) }
        if spk.has("addresses") {
            let list = try spk.array("addresses")
            if list.count == 1 {
                guard let s = list[0].string else {
                    throw spk.fail("addresses", "expected address text, found \(JSONFields.shown(list[0]))")
                }
                return ("addresses", s)
            }
        }
        return ("address", nil)
    }

    /// The address text of a `scriptPubKey` must be the one the script pays on `network`.
    static func checkAddresses(_ spk: JSONFields, key: AddressKey, network: Network) throws(IngestError) {
        let (field, text) = try addressText(spk)
        guard let text else { return }
        if let problem = AddressCheck.problem(text, key: key, network: network) {
            throw spk.fail(field, problem, value: .string(text))
        }
    }
}
