import FlowBitcoin
import FlowIngest
import FlowModel

/// Compares one decoded block with its truth record: identity, header, sizes, counts and
/// values, then every transaction and output. Mismatches are collected in `m`, prefixed by `label`.
func compare(_ block: BitcoinBlock, with truth: TruthBlock, label: String, into m: inout Mismatches) {
    m.check(block.hash.hex, truth.blockHash, "\(label) hash")
    m.check(
        block.network.rawValue, Network(truthName: truth.network)?.rawValue ?? truth.network,
        "\(label) network")
    compareHeader(block.header, with: truth, label: label, into: &m)
    m.check(truth.merkleRootMatchesComputed, true, "\(label) truth's merkle_root_matches_computed")

    m.check(block.size, truth.size, "\(label) size")
    m.check(block.strippedSize, truth.strippedSize, "\(label) stripped_size")
    m.check(block.weight, truth.weight, "\(label) weight")
    m.check(block.transactions.count, truth.txCount, "\(label) tx_count")
    m.check(block.transactions.filter(\.hasWitness).count, truth.segwitTxCount, "\(label) segwit_tx_count")
    m.check(block.transactions.reduce(0) { $0 + $1.inputs.count }, truth.inputCount, "\(label) input_count")
    m.check(
        block.transactions.reduce(0) { $0 + $1.outputs.count }, truth.outputCount, "\(label) output_count")
    m.check(
        block.transactions.reduce(0) { $0 + $1.outputValue }, truth.totalOutputValueSats,
        "\(label) total_output_value_sats")

    // Coinbase facts: first transaction, its txid and value, and the BIP34 height it claims.
    if let coinbase = block.transactions.first {
        m.check(coinbase.isCoinbase, true, "\(label) first transaction is a coinbase")
        m.check(coinbase.txid.hex, truth.coinbaseTxid, "\(label) coinbase_txid")
        m.check(coinbase.outputValue, truth.coinbaseValueSats, "\(label) coinbase_value_sats")
    }
    if let claimed = block.coinbaseHeight, let height = truth.height {
        m.check(claimed, height, "\(label) BIP34 coinbase height")
    }

    var typeCounts = [String: Int]()
    for tx in block.transactions {
        for output in tx.outputs { typeCounts[output.type.coreName, default: 0] += 1 }
    }
    m.check(typeCounts, truth.outputTypeCounts, "\(label) output_type_counts")

    guard block.transactions.count == truth.transactions.count else { return }
    for (index, (tx, truthTx)) in zip(block.transactions, truth.transactions).enumerated() {
        compare(tx, with: truthTx, network: block.network, label: "\(label) tx \(index)", into: &m)
    }
}

private func compareHeader(
    _ header: BlockHeader, with truth: TruthBlock, label: String, into m: inout Mismatches
) {
    m.check(UInt32(bitPattern: header.version), UInt32(truncatingIfNeeded: truth.version), "\(label) version")
    m.check(header.prevHash.hex, truth.prevBlockHash, "\(label) prev_block_hash")
    m.check(header.merkleRoot.hex, truth.merkleRoot, "\(label) merkle_root")
    m.check(header.time, truth.time, "\(label) time")
    m.check(hex8(header.bits), truth.bits, "\(label) bits")
    m.check(header.nonce, truth.nonce, "\(label) nonce")
}

func compare(
    _ tx: BitcoinTransaction, with truth: TruthTransaction, network: Network, label: String,
    into m: inout Mismatches
) {
    m.check(tx.txid.hex, truth.txid, "\(label) txid")
    m.check(tx.wtxid.hex, truth.wtxid, "\(label) wtxid")
    m.check(tx.hasWitness, truth.hasWitness, "\(label) has_witness")
    m.check(UInt32(bitPattern: tx.version), UInt32(truncatingIfNeeded: truth.version), "\(label) version")
    m.check(tx.locktime, truth.locktime, "\(label) locktime")
    m.check(tx.size, truth.size, "\(label) size")
    m.check(tx.strippedSize, truth.strippedSize, "\(label) stripped_size")
    m.check(tx.weight, truth.weight, "\(label) weight")
    m.check(tx.vsize, truth.vsize, "\(label) vsize")
    m.check(tx.isCoinbase, truth.isCoinbase, "\(label) is_coinbase")
    m.check(tx.outputValue, truth.outputValueSats, "\(label) output_value_sats")

    m.check(tx.inputs.count, truth.inputs.count, "\(label) input count")
    for (i, (input, truthInput)) in zip(tx.inputs, truth.inputs).enumerated() {
        m.check(input.prevTxid.hex, truthInput.prevTxid, "\(label) input \(i) prev_txid")
        m.check(input.prevVout, truthInput.prevVout, "\(label) input \(i) prev_vout")
        m.check(input.sequence, truthInput.sequence, "\(label) input \(i) sequence")
        m.check(input.witnessItems, truthInput.witnessItems, "\(label) input \(i) witness_items")
    }

    m.check(tx.outputs.count, truth.outputs.count, "\(label) output count")
    for (output, truthOutput) in zip(tx.outputs, truth.outputs) {
        compare(
            output, with: truthOutput, network: network, label: "\(label) output \(truthOutput.n)", into: &m)
    }
}

/// Value, Core type name and address of one output. A pay-to-pubkey output's address is the
/// P2PKH address of its key; an output without a truth address has no address key.
func compare(
    _ output: TxOutput, with truth: TruthOutput, network: Network, label: String, into m: inout Mismatches
) {
    m.check(output.value, truth.valueSats, "\(label) value_sats")
    m.check(output.type.coreName, truth.type, "\(label) type")

    let expectedAddress = truth.type == "pubkey" ? truth.p2pkhOfPubkey : truth.address
    let address = output.addressKey.map { AddressCodec.encode($0, network: network) }
    m.check(address, expectedAddress, "\(label) address")

    // The script is kept where it cannot be rebuilt; otherwise it is rebuilt from the address.
    if let script = output.script {
        m.check(Hex.encode(script), truth.scriptPubkeyHex, "\(label) kept script")
    } else if let key = output.addressKey {
        m.check(
            Hex.encode(AddressCodec.script(for: key)), truth.scriptPubkeyHex,
            "\(label) script rebuilt from address")
    } else {
        m.fail("\(label): neither a script nor an address was kept")
    }
}

/// A compact target as Bitcoin Core prints it: 8 lower-case hex digits.
func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
}
