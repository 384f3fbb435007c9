public import FlowModel

import struct Foundation.Data
import class Foundation.FileHandle
import class Foundation.FileManager
import class Foundation.JSONEncoder
import struct Foundation.URL

/// What `ChainGenerator` builds: how many transactions, on which network, from which seed, and
/// how they are cut into blocks and files.
public struct ChainGeneratorOptions: Sendable {
    /// Total transactions in the chain, coinbases included (at least 1).
    public var transactions: Int
    /// The only source of randomness: equal options give byte-identical files.
    public var seed: UInt64
    /// Decides the blk-file magic, the genesis hash the first block builds on, and the halving
    /// interval (150 blocks on regtest, 210,000 elsewhere).
    public var network: Network = .regtest
    /// Most transactions in one block, coinbase included. A block also closes before it could
    /// exceed the 4,000,000 weight-unit consensus limit.
    public var transactionsPerBlock: Int = 2000
    /// Most blocks in one blk file. A file also closes before it would exceed 128 MiB, Bitcoin
    /// Core's `MAX_BLOCKFILE_SIZE`; the default lets ~1 MB blocks fill files to about that size.
    public var blocksPerFile: Int = 128
    /// Peel chains to plant (see `PeelPlanter`); with any, `labels.csv` lists them beside the
    /// blk files. Zero leaves the chain exactly as the economy makes it.
    public var peelChains: Int = 0

    /// Options for a chain of `transactions` transactions generated from `seed`.
    public init(
        transactions: Int, seed: UInt64, network: Network = .regtest, transactionsPerBlock: Int = 2000,
        blocksPerFile: Int = 128
    ) {
        self.transactions = transactions
        self.seed = seed
        self.network = network
        self.transactionsPerBlock = transactionsPerBlock
        self.blocksPerFile = blocksPerFile
    }
}

/// Ground truth about a generated chain, also written as `truth.json` beside its blk files so an
/// ingest can be checked against it.
public struct GeneratedChainSummary: Sendable, Codable, Equatable {
    public var network: Network
    public var seed: UInt64
    /// The blk file names, in order, relative to the output directory.
    public var files: [String]
    /// Blocks in each file (parallel to `files`).
    public var fileBlocks: [Int]
    /// Bytes of each file (parallel to `files`).
    public var fileBytes: [Int]
    /// Height of the first block (1: it builds on the network's genesis block, which is not written).
    public var firstHeight: Int
    /// Hash of the last block, in display hex.
    public var tipHash: String
    public var blocks: Int
    /// All transactions, coinbases included.
    public var transactions: Int
    /// Transactions serialized with BIP144 witness data (every coinbase, which carries the
    /// witness reserved value, and every payment spending a segwit or nested-segwit output).
    public var segwitTransactions: Int
    /// All inputs, the coinbases' included.
    public var inputs: Int
    /// All outputs, OP_RETURN outputs (payment data and witness commitments) included.
    public var outputs: Int
    /// OP_RETURN outputs: one witness commitment per coinbase plus occasional payment data.
    public var nullDataOutputs: Int
    /// Outputs paying each template, by Bitcoin Core type name (`pubkeyhash`,
    /// `witness_v0_keyhash`, `witness_v1_taproot`, `scripthash`, `nulldata`).
    public var outputTypes: [String: Int]
    /// Inputs that spend an output created earlier in the same block.
    public var sameBlockSpends: Int
    /// Sum of all output values in satoshi (equals `totalSubsidy` plus the value of all spent outputs).
    public var totalOutputValue: UInt64
    /// Sum of all fees in satoshi (the coinbases claim exactly subsidy + fees).
    public var totalFees: UInt64
    /// Sum of all block subsidies in satoshi.
    public var totalSubsidy: UInt64
    /// Distinct addresses paid by at least one output.
    public var addresses: Int
    /// Distinct owners (wallets) behind those addresses; the inputs of a transaction always
    /// belong to one wallet, so this is the cluster count a perfect clustering would find.
    public var wallets: Int
    /// Bytes of all blk files together.
    public var bytes: Int
    /// Planted peel chains listed in `labels.csv` (absent when none were planted).
    public var peelChains: Int?
}

/// The error of the data generators (`ChainGenerator`, `LedgerGenerator`): an invalid option
/// (exit 64), an output directory already holding data, or a file that cannot be written (74).
public struct GeneratorError: ChainflowError {
    public enum Code: String, Sendable {
        case invalidOption
        case directoryNotEmpty
        case io
    }

    public var code: Code
    public var message: String
    /// The file or directory concerned, when there is one.
    public var path: String?

    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var kind: String { code.rawValue }
    public var location: String? { path ?? "chainflow generate" }
    public var exitCode: Int32 {
        switch code {
        case .io: ExitStatus.ioError
        case .invalidOption, .directoryNotEmpty: ExitStatus.usage
        }
    }

    public var description: String { "\(location ?? "chainflow generate"): error: \(message)" }
}

/// A deterministic synthetic Bitcoin chain for scale tests and benchmarks.
///
/// ## Structure
/// Files are Bitcoin Core style `blk00000.dat`, `blk00001.dat`, …: each block framed by the
/// network magic and its little-endian length, no XOR obfuscation, no padding. The first block
/// is at height 1 and builds on the network's real genesis hash (the genesis block itself is not
/// written); it holds only its coinbase, since nothing exists to spend yet. Headers carry version
/// 0x20000000, the previous block's hash, the merkle root of the txids, strictly increasing
/// times (600 s apart plus jitter), regtest bits 0x207fffff and a random nonce (no proof of work
/// is ground, so only regtest-style validation of the target would pass). Every coinbase starts
/// its scriptSig with the BIP34 height, pays subsidy + fees exactly, and commits to the block's
/// wtxids (BIP141). Payments use version 1 or 2, BIP144 serialization whenever an input has a
/// witness, and plausible unlock data: P2PKH a 72-byte DER-shaped signature and a 33-byte key in
/// the scriptSig; P2WPKH the same two items as witness; P2SH a nested-P2WPKH redeem script plus
/// that witness; P2TR one 64-byte Schnorr signature. Keys and signatures are random bytes (no
/// elliptic-curve math), so scripts would not verify. Coinbase maturity (100 blocks) is not
/// enforced: coinbase outputs are spendable from the next block.
///
/// ## Economy
/// Wallets own addresses. A payment picks a random coin (the larger of two draws; multi-input
/// spends prefer, among a few draws, the wallet holding the most coins), decides what to pay on
/// the scale of that coin, and adds its wallet's oldest coins until it has the inputs it wanted
/// and they cover payments and fee. So a transaction's inputs always belong to one wallet
/// (common-input ownership holds exactly; `wallets` in the summary counts the true owners).
/// Payees are P2PKH / P2WPKH / P2TR / P2SH drawn 30 / 40 / 20 / 10 %, paid round amounts half
/// of the time; change (85 % of ordinary payments) goes to a fresh address of the spender, or
/// 30 % of the time back to its first input's address, at a random output position. About
/// 1.5 % of payments carry an OP_RETURN output. Fees are 1–200 sat/vB of an estimated vsize,
/// capped at a quarter of the inputs; no payment creates an output below the 546-sat dust
/// limit. Payees are drawn by preferential attachment over recent payments, so address activity
/// is heavy-tailed. The UTXO set is steered towards transactions / 5 coins (1,000 … 2,000,000):
/// fan-out payments while it is smaller (which is how the chain bootstraps from the first
/// coinbase), consolidations while it is larger. Payments average about 2.5 inputs and 2.7
/// outputs (the surplus is the UTXO set's growth). Inputs spend outputs of earlier blocks and,
/// occasionally (~1 %), of earlier transactions in the same block. Every value is an exact
/// satoshi amount: for every payment inputs = outputs + fee, and every coinbase claims
/// subsidy + its block's fees.
///
/// Randomness comes only from a xoshiro256** stream seeded with `seed`, using integer
/// arithmetic only, so the same options give byte-identical files on every platform. Memory is
/// bounded by the live UTXO set, two small tables per address and one block.
public enum ChainGenerator {
    /// Name of the ground-truth file written beside the blk files.
    public static let truthFileName = "truth.json"
    /// Bitcoin Core's largest blk file (`MAX_BLOCKFILE_SIZE`).
    static let maxFileBytes = 128 << 20

    /// Generates the chain described by `options` into `directory` (created when missing; it
    /// must not already hold blk*.dat files), writes `truth.json`, and returns the same summary.
    public static func write(options: ChainGeneratorOptions, to directory: String) throws(GeneratorError)
        -> GeneratedChainSummary
    {
        try validate(options)
        try prepare(directory)

        var simulation = Simulation(
            network: options.network, seed: options.seed, totalTransactions: options.transactions)
        if options.peelChains > 0 {
            simulation.peelPlanter = PeelPlanter(
                seed: options.seed, chains: options.peelChains,
                expectedBlocks: options.transactions / max(1, options.transactionsPerBlock - 1))
        }
        var files: [String] = []
        var fileBlocks: [Int] = []
        var fileBytes: [Int] = []
        var output: BlockFileOutput?
        var left = options.transactions
        var height = 1
        let magic = options.network.magic
        while left > 0 {
            let block = simulation.makeBlock(
                height: height, maxTransactions: min(left, options.transactionsPerBlock))
            left -= block.transactionCount
            height += 1
            let framed = 8 + block.length
            if let current = output,
                current.blocks >= options.blocksPerFile || current.bytes + framed > maxFileBytes
            {
                try current.close()
                fileBlocks.append(current.blocks)
                fileBytes.append(current.bytes)
                output = nil
            }
            if output == nil {
                let name = fileName(files.count)
                files.append(name)
                output = try BlockFileOutput(path: path(directory, name))
            }
            try output?.append(block, magic: magic)
        }
        if let current = output {
            try current.close()
            fileBlocks.append(current.blocks)
            fileBytes.append(current.bytes)
        }

        let totals = simulation.totals
        var types: [String: Int] = ["nulldata": totals.nullDataOutputs]
        for script in SimScript.allCases {
            types[script.scriptType.coreName] = totals.outputsByScript[Int(script.rawValue)]
        }
        var summary = GeneratedChainSummary(
            network: options.network, seed: options.seed, files: files, fileBlocks: fileBlocks,
            fileBytes: fileBytes, firstHeight: 1, tipHash: simulation.previousHash.hex, blocks: totals.blocks,
            transactions: totals.transactions, segwitTransactions: totals.segwitTransactions,
            inputs: totals.inputs, outputs: totals.outputs, nullDataOutputs: totals.nullDataOutputs,
            outputTypes: types, sameBlockSpends: totals.sameBlockSpends, totalOutputValue: totals.outputValue,
            totalFees: totals.fees, totalSubsidy: totals.subsidy, addresses: simulation.book.count,
            wallets: Int(simulation.book.walletCount), bytes: fileBytes.reduce(0, +), peelChains: nil)
        if options.peelChains > 0 {
            let planted = simulation.plantedPeelChains()
            summary.peelChains = planted.count
            try writeLabels(planted, to: path(directory, labelsFileName))
        }
        try writeTruth(summary, to: path(directory, truthFileName))
        return summary
    }

    /// Name of the planted-instance file (`instance_id,typology,members,transactions`, the
    /// format `aml evaluate` reads), written when peel chains are planted.
    public static let labelsFileName = "labels.csv"

    static func writeLabels(_ chains: [PlantedPeelChain], to path: String) throws(GeneratorError) {
        var text = "instance_id,typology,members,transactions\n"
        for chain in chains {
            text += "\(chain.id),peel-chain,\(chain.addresses.joined(separator: ";")),"
            text += chain.txids.map(\.hex).joined(separator: ";") + "\n"
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw GeneratorError(
                .io,
                "cannot write the labels file: \(FileProblem.describe(error, path: path, writing: true))",
                path: path)
        }
    }

    /// `blk00000.dat` for file 0.
    static func fileName(_ index: Int) -> String {
        let digits = String(index)
        return "blk" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".dat"
    }

    static func path(_ directory: String, _ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }

    static func validate(_ options: ChainGeneratorOptions) throws(GeneratorError) {
        // Address and coin ids are 32-bit; 100 million transactions stay far below that.
        guard options.transactions >= 1, options.transactions <= 100_000_000 else {
            throw GeneratorError(
                .invalidOption, "transactions \(options.transactions): expected 1...100000000")
        }
        guard options.transactionsPerBlock >= 1 else {
            throw GeneratorError(
                .invalidOption,
                "transactionsPerBlock \(options.transactionsPerBlock): expected at least 1 (the coinbase)")
        }
        guard options.peelChains >= 0 else {
            throw GeneratorError(
                .invalidOption, "peelChains \(options.peelChains): expected 0 or more")
        }
        guard options.blocksPerFile >= 1 else {
            throw GeneratorError(
                .invalidOption, "blocksPerFile \(options.blocksPerFile): expected at least 1")
        }
    }

    /// Creates `directory` when missing; refuses one that already holds blk files, which would
    /// otherwise mix with the generated chain.
    static func prepare(_ directory: String) throws(GeneratorError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw GeneratorError(
                .io,
                "cannot create the output directory: \(FileProblem.describe(error, path: directory, writing: true))",
                path: directory)
        }
        let existing: [String]
        do {
            existing = try manager.contentsOfDirectory(atPath: directory)
        } catch {
            throw GeneratorError(
                .io,
                "cannot list the output directory: \(FileProblem.describe(error, path: directory, writing: true))",
                path: directory)
        }
        if let clash = existing.sorted().first(where: { $0.hasPrefix("blk") && $0.hasSuffix(".dat") }) {
            throw GeneratorError(
                .directoryNotEmpty,
                "already holds '\(clash)': choose an empty directory, or remove its blk*.dat files first",
                path: directory)
        }
    }

    static func writeTruth(_ summary: GeneratedChainSummary, to path: String) throws(GeneratorError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(summary)
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            throw GeneratorError(
                .io, "cannot write the truth file: \(FileProblem.describe(error, path: path, writing: true))",
                path: path)
        }
    }
}

extension SimScript {
    var scriptType: ScriptType {
        switch self {
        case .p2pkh: .pubkeyhash
        case .p2wpkh: .witnessV0KeyHash
        case .p2tr: .witnessV1Taproot
        case .p2sh: .scripthash
        }
    }
}

/// One blk file being written, block by block.
struct BlockFileOutput {
    let path: String
    let handle: FileHandle
    private(set) var blocks = 0
    private(set) var bytes = 0

    init(path: String) throws(GeneratorError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw GeneratorError(.io, "cannot create the block file", path: path)
        }
        self.handle = handle
    }

    /// Appends `block` framed by `magic` and its little-endian length.
    mutating func append(_ block: SimBlock, magic: [UInt8]) throws(GeneratorError) {
        var head = ByteWriter(capacity: 100)
        head.bytes.append(contentsOf: magic)
        head.u32(UInt32(block.length))
        head.bytes.append(contentsOf: block.header)
        head.compactSize(block.transactionCount)
        do {
            try handle.write(contentsOf: Data(head.bytes))
            try handle.write(contentsOf: Data(block.coinbase))
            try handle.write(contentsOf: Data(block.body))
        } catch {
            throw GeneratorError(
                .io,
                "cannot write block \(blocks) of the file: \(FileProblem.describe(error, path: path, writing: true))",
                path: path)
        }
        blocks += 1
        bytes += head.count + block.coinbase.count + block.body.count
    }

    func close() throws(GeneratorError) {
        do {
            try handle.close()
        } catch {
            throw GeneratorError(
                .io, "cannot close the block file: \(FileProblem.describe(error, path: path, writing: true))",
                path: path)
        }
    }
}
