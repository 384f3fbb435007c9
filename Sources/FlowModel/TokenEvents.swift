/// The token standards a transfer event belongs to.
public enum TokenStandard: String, Sendable, Codable, CaseIterable {
    /// Fungible tokens: `Transfer(from, to, value)`.
    case erc20 = "ERC-20"
    /// Non-fungible tokens: `Transfer(from, to, tokenId)` with the token id indexed (4 topics).
    case erc721 = "ERC-721"
    /// Multi-tokens: `TransferSingle` / `TransferBatch` (an amount of each token id).
    case erc1155 = "ERC-1155"
}

/// One movement of tokens an event states: ERC-20 and ERC-721 `Transfer`, ERC-1155
/// `TransferSingle` and each element of a `TransferBatch`.
///
/// The asset is the emitting contract (a collection for ERC-721 and ERC-1155); a non-fungible
/// token id is a unit of it: an ERC-721 transfer moves amount 1 of its collection with
/// `tokenId` set, an ERC-1155 transfer `amount` units of token `tokenId`.
public struct TokenMovement: Sendable, Equatable {
    public var standard: TokenStandard
    /// The token contract (lower-case `0x…`).
    public var token: String
    public var from: String
    public var to: String
    public var amount: UInt256
    /// ERC-721 and ERC-1155: the token id; nil for ERC-20.
    public var tokenId: UInt256?
    /// ERC-1155: the address that made the transfer (`operator`).
    public var operatorAddress: String?
    public var logIndex: Int64
    /// The element of a `TransferBatch` (0 for every other event).
    public var batchIndex: Int

    public init(
        standard: TokenStandard, token: String, from: String, to: String, amount: UInt256,
        tokenId: UInt256? = nil, operatorAddress: String? = nil, logIndex: Int64, batchIndex: Int = 0
    ) {
        self.standard = standard
        self.token = token
        self.from = from
        self.to = to
        self.amount = amount
        self.tokenId = tokenId
        self.operatorAddress = operatorAddress
        self.logIndex = logIndex
        self.batchIndex = batchIndex
    }

    /// The transfer's `seq` within its transaction: log index + 1 (as ethereum-etl's token
    /// transfers are stored), plus batch index × 2^32 for the elements of a `TransferBatch`
    /// after the first.
    public var seq: Int64 { logIndex + 1 + Int64(batchIndex) << 32 }
}

/// Decoding token transfer events from logs.
///
/// - `Transfer(address,address,uint256)` (topic `0xddf252ad…`): the rule of ethereum-etl's
///   `extract_token_transfers`: the topics after the first and the data's 32-byte words together
///   must be exactly three values (from, to, value; an address is a word's low 20 bytes), else the
///   event is not a transfer (ethereum-etl skips it too). Four topics and no data is ERC-721
///   (the token id indexed; amount 1); anything else that fits is ERC-20, including tokens that
///   index nothing (one topic, three data words).
/// - ERC-1155 `TransferSingle(address,address,address,uint256,uint256)` (operator, from, to
///   indexed; id and value in the data) and `TransferBatch(address,address,address,uint256[],uint256[])`
///   (ids and values as ABI arrays of equal length: one movement per element).
public enum TokenEvents {
    public static let transfer = ABIWord.topic("Transfer(address,address,uint256)")
    public static let transferSingle = ABIWord.topic(
        "TransferSingle(address,address,address,uint256,uint256)")
    public static let transferBatch = ABIWord.topic(
        "TransferBatch(address,address,address,uint256[],uint256[])")

    /// The token movements `log` states; empty when it is no (well-formed) transfer event.
    public static func movements(_ log: EventLog) -> [TokenMovement] {
        guard let sig = log.signature else { return [] }
        if sig == transfer { return transferEvent(log).map { [$0] } ?? [] }
        if sig == transferSingle || sig == transferBatch { return erc1155(log, batch: sig == transferBatch) }
        return []
    }

    static func transferEvent(_ log: EventLog) -> TokenMovement? {
        guard log.data.count % 32 == 0 else { return nil }
        var values = Array(log.topics.dropFirst())
        for i in 0..<log.wordCount {
            guard let w = log.word(i) else { return nil }
            values.append(w)
        }
        guard values.count == 3 else { return nil }
        let from = ABIWord.lowAddress(values[0])
        let to = ABIWord.lowAddress(values[1])
        if log.topics.count == 4 && log.data.isEmpty {
            return TokenMovement(
                standard: .erc721, token: log.address, from: from, to: to, amount: UInt256(1),
                tokenId: values[2], logIndex: log.logIndex)
        }
        return TokenMovement(
            standard: .erc20, token: log.address, from: from, to: to, amount: values[2],
            logIndex: log.logIndex)
    }

    static func erc1155(_ log: EventLog, batch: Bool) -> [TokenMovement] {
        guard log.topics.count == 4 else { return [] }
        let op = ABIWord.lowAddress(log.topics[1])
        let from = ABIWord.lowAddress(log.topics[2])
        let to = ABIWord.lowAddress(log.topics[3])
        if !batch {
            guard log.data.count == 64, let id = log.word(0), let value = log.word(1) else { return [] }
            return [
                TokenMovement(
                    standard: .erc1155, token: log.address, from: from, to: to, amount: value, tokenId: id,
                    operatorAddress: op, logIndex: log.logIndex)
            ]
        }
        guard let ids = array(log, at: 0), let values = array(log, at: 1), ids.count == values.count else {
            return []
        }
        return ids.indices.map { i in
            TokenMovement(
                standard: .erc1155, token: log.address, from: from, to: to, amount: values[i],
                tokenId: ids[i],
                operatorAddress: op, logIndex: log.logIndex, batchIndex: i)
        }
    }

    /// The `uint256[]` whose offset is the data's word `head`: nil when the offset or length
    /// points outside the data.
    static func array(_ log: EventLog, at head: Int) -> [UInt256]? {
        guard let offsetWord = log.word(head), let offset = offsetWord.uint64, offset % 32 == 0,
            offset < UInt64(log.data.count)
        else { return nil }
        let start = Int(offset / 32)
        guard let lengthWord = log.word(start), let length = lengthWord.uint64,
            length <= UInt64(log.wordCount - start - 1)
        else { return nil }
        var out: [UInt256] = []
        out.reserveCapacity(Int(length))
        for k in 0..<Int(length) {
            guard let w = log.word(start + 1 + k) else { return nil }
            out.append(w)
        }
        return out
    }
}
