/// One event a contract emitted in a transaction (an Ethereum log): the emitting contract, up to
/// four 32-byte topics (the first is the hash of the event's signature, unless the event is
/// anonymous) and its data, as a node's receipt or an ethereum-etl `logs` export states it.
public struct EventLog: Sendable, Equatable {
    /// The transaction hash (lower-case `0x…`).
    public var tx: String
    /// Position of the log in its block (ethereum-etl `log_index`, JSON-RPC `logIndex`).
    public var logIndex: Int64
    public var block: Int64
    /// Unix seconds of the block.
    public var time: Int64
    /// The emitting contract (lower-case `0x` + 40 hex digits).
    public var address: String
    /// 0 to 4 topics, 32 bytes each, read as big-endian numbers.
    public var topics: [UInt256]
    /// The non-indexed arguments, ABI-encoded.
    public var data: [UInt8]
    /// 1-based line in the file it was read from (provenance).
    public var line: Int

    public init(
        tx: String, logIndex: Int64, block: Int64, time: Int64, address: String, topics: [UInt256],
        data: [UInt8], line: Int = 0
    ) {
        self.tx = tx
        self.logIndex = logIndex
        self.block = block
        self.time = time
        self.address = address
        self.topics = topics
        self.data = data
        self.line = line
    }

    /// The event's signature hash (topic 0), nil for an anonymous event with no topics.
    public var signature: UInt256? { topics.first }

    /// ABI word `i` of the data (32 bytes, big-endian), nil beyond its end.
    public func word(_ i: Int) -> UInt256? {
        let start = 32 * i
        guard i >= 0, start + 32 <= data.count else { return nil }
        return UInt256(bigEndianBytes: Array(data[start..<(start + 32)]))
    }

    /// The number of whole ABI words in the data.
    public var wordCount: Int { data.count / 32 }
}

/// Reading ABI values out of 32-byte words.
public enum ABIWord {
    /// The address in the low 20 bytes of `word` (lower-case `0x…`), nil when the high 12 bytes
    /// are not zero (not an address).
    public static func address(_ word: UInt256) -> String? {
        let bytes = word.bigEndianBytes
        guard bytes.prefix(12).allSatisfy({ $0 == 0 }) else { return nil }
        return "0x" + Hex.encode(bytes.suffix(20))
    }

    /// The address in the low 20 bytes of `word`, whatever the high bytes (as Solidity reads an
    /// `address` from a topic).
    public static func lowAddress(_ word: UInt256) -> String {
        "0x" + Hex.encode(word.bigEndianBytes.suffix(20))
    }

    /// An `int256` as sign and magnitude: two's complement, so a word with the top bit set is
    /// negative.
    public static func signed(_ word: UInt256) -> (negative: Bool, magnitude: UInt256) {
        guard word.limbs.3 >> 63 == 1 else { return (false, word) }
        // -x = ~x + 1
        let inverted = UInt256(limbs: (~word.limbs.0, ~word.limbs.1, ~word.limbs.2, ~word.limbs.3))
        return (true, inverted + UInt256(1))
    }

    /// The topic of an event signature such as `Transfer(address,address,uint256)`.
    public static func topic(_ signature: String) -> UInt256 {
        UInt256(bigEndianBytes: Keccak256.hash(text: signature)) ?? .zero
    }
}
