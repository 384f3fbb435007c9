import FlowModel
import Testing

@Suite("Keccak-256 and ABI words")
struct KeccakTests {
    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

    @Test("published Keccak-256 vectors (the original padding, not SHA3-256)")
    func vectors() {
        #expect(
            Self.hex(Keccak256.hash([])) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        )
        #expect(
            Self.hex(Keccak256.hash(text: "abc"))
                == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
        #expect(
            Self.hex(Keccak256.hash(text: "The quick brown fox jumps over the lazy dog"))
                == "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")
    }

    @Test("messages of more than one block (136 bytes), exactly one, and one byte short of it")
    func multiBlock() {
        // Reference values from pycryptodome's Keccak (digest_bits=256).
        #expect(
            Self.hex(Keccak256.hash([UInt8](repeating: 0, count: 200)))
                == "e1bb54e1bc3af48d01e5dbfc81015c98152a574f6428c6948aa4837c9c0baad9")
        #expect(
            Self.hex(Keccak256.hash([UInt8](repeating: 0, count: 136)))
                == "3a5912a7c5faa06ee4fe906253e339467a9ce87d533c65be3c15cb231cdb25f9")
        #expect(
            Self.hex(Keccak256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 135)))
                == "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446")
    }

    @Test("token event topics equal the ones ethereum-etl's recorded filters ask nodes for")
    func topics() {
        // The topics ethereum-etl's recorded eth_newFilter calls ask for (file names of its test
        // resources in ../shared/data/ethereum-defi/ethetl-16896735-nft).
        #expect(
            TokenEvents.transfer.description
                == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        #expect(
            TokenEvents.transferSingle.description
                == "0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62")
        #expect(
            TokenEvents.transferBatch.description
                == "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb")
    }

    @Test("int256 words: two's complement")
    func signed() {
        let minusOne = UInt256.max
        #expect(ABIWord.signed(minusOne) == (true, UInt256(1)))
        #expect(ABIWord.signed(UInt256(5)) == (false, UInt256(5)))
        #expect(ABIWord.address(UInt256(1)) == "0x0000000000000000000000000000000000000001")
        #expect(ABIWord.address(.max) == nil)
    }
}
