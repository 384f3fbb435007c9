package import FlowModel

/// Classifies an output script into Bitcoin Core's standard templates and extracts the address.
///
/// The checks and their order follow Bitcoin Core's `Solver` (script/solver.cpp): P2SH, witness
/// programs (v0 key/script hash, v1 taproot, pay-to-anchor, other versions), OP_RETURN data that is
/// push-only, pay-to-pubkey, pay-to-pubkey-hash, bare multisig, and everything else nonstandard.
package enum ScriptClassifier {
    static let opReturn: UInt8 = 0x6a
    static let opCheckSig: UInt8 = 0xac
    static let opCheckMultiSig: UInt8 = 0xae

    /// Type, address key and retained script of one output script.
    package static func classify(_ s: UnsafeRawBufferPointer) -> (ScriptType, AddressKey?, keepScript: Bool) {
        let n = s.count
        // P2SH: OP_HASH160 <20> OP_EQUAL
        if n == 23 && s[0] == 0xa9 && s[1] == 0x14 && s[22] == 0x87 {
            return (.scripthash, AddressKey(kind: AddressKey.kindScriptHash, program: slice(s, 2, 20)), false)
        }
        // Witness program: version opcode + one direct push of 2...40 bytes.
        if n >= 4 && n <= 42 && (s[0] == 0 || (s[0] >= 0x51 && s[0] <= 0x60)) && Int(s[1]) + 2 == n {
            let version: UInt8 = s[0] == 0 ? 0 : s[0] - 0x50
            let program = slice(s, 2, n - 2)
            if version == 0 && n - 2 == 20 {
                return (.witnessV0KeyHash, AddressKey(kind: 0, program: program), false)
            }
            if version == 0 && n - 2 == 32 {
                return (.witnessV0ScriptHash, AddressKey(kind: 0, program: program), false)
            }
            if version == 1 && n - 2 == 32 {
                return (.witnessV1Taproot, AddressKey(kind: 1, program: program), false)
            }
            if version == 1 && n == 4 && s[2] == 0x4e && s[3] == 0x73 {
                return (.anchor, AddressKey(kind: 1, program: program), false)
            }
            if version != 0 {
                return (.witnessUnknown, AddressKey(kind: version, program: program), false)
            }
            return (.nonstandard, nil, true)
        }
        if n >= 1 && s[0] == opReturn && isPushOnly(s, from: 1) {
            return (.nulldata, nil, true)
        }
        // P2PK: <33 or 65-byte pubkey> OP_CHECKSIG
        if (n == 35 && s[0] == 33 || n == 67 && s[0] == 65) && s[n - 1] == opCheckSig {
            let key = slice(s, 1, n - 2)
            if validPubkeySize(key) {
                let hash = BitcoinHash.hash160(key)
                return (.pubkey, AddressKey(kind: AddressKey.kindPubkeyHash, program: hash), true)
            }
        }
        // P2PKH: OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
        if n == 25 && s[0] == 0x76 && s[1] == 0xa9 && s[2] == 0x14 && s[23] == 0x88 && s[24] == opCheckSig {
            return (.pubkeyhash, AddressKey(kind: AddressKey.kindPubkeyHash, program: slice(s, 3, 20)), false)
        }
        if isMultisig(s) {
            return (.multisig, nil, true)
        }
        return (.nonstandard, nil, true)
    }

    static func slice(_ s: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: s[start..<(start + count)])
    }

    /// A public key has a plausible size for its first byte (Bitcoin Core's `CPubKey::ValidSize`).
    static func validPubkeySize(_ key: UnsafeRawBufferPointer) -> Bool {
        guard let first = key.first else { return false }
        switch first {
        case 2, 3: return key.count == 33
        case 4, 6, 7: return key.count == 65
        default: return false
        }
    }

    /// One script operation: the opcode and the range of pushed data.
    struct Op {
        var opcode: UInt8
        var data: Range<Int>
    }

    /// Reads the operation at `pc`; nil when the script ends inside a push.
    static func op(_ s: UnsafeRawBufferPointer, at pc: inout Int) -> Op? {
        guard pc < s.count else { return nil }
        let opcode = s[pc]
        pc += 1
        var length = 0
        if opcode < 0x4c {
            length = Int(opcode)
        } else if opcode == 0x4c {
            guard pc + 1 <= s.count else { return nil }
            length = Int(s[pc])
            pc += 1
        } else if opcode == 0x4d {
            guard pc + 2 <= s.count else { return nil }
            length = Int(s[pc]) | Int(s[pc + 1]) << 8
            pc += 2
        } else if opcode == 0x4e {
            guard pc + 4 <= s.count else { return nil }
            length = Int(s[pc]) | Int(s[pc + 1]) << 8 | Int(s[pc + 2]) << 16 | Int(s[pc + 3]) << 24
            pc += 4
        }
        guard length <= s.count - pc else { return nil }
        let range = pc..<(pc + length)
        pc += length
        return Op(opcode: opcode, data: range)
    }

    /// True when every operation from `start` parses and is a push (opcode ≤ OP_16).
    static func isPushOnly(_ s: UnsafeRawBufferPointer, from start: Int) -> Bool {
        var pc = start
        while pc < s.count {
            guard let o = op(s, at: &pc), o.opcode <= 0x60 else { return false }
        }
        return true
    }

    /// A small number from OP_1...OP_16, or a minimal one-byte push of 17...20.
    static func scriptNumber(_ s: UnsafeRawBufferPointer, _ o: Op, min: Int, max: Int) -> Int? {
        var value: Int?
        if o.opcode >= 0x51 && o.opcode <= 0x60 {
            value = Int(o.opcode) - 0x50
        } else if o.opcode == 1 && o.data.count == 1 && s[o.data.lowerBound] > 16
            && s[o.data.lowerBound] < 0x80
        {
            value = Int(s[o.data.lowerBound])
        }
        guard let v = value, v >= min, v <= max else { return nil }
        return v
    }

    /// Bare multisig: OP_m <pubkey>... OP_n OP_CHECKMULTISIG with 1 ≤ m ≤ n ≤ 20 and n keys.
    static func isMultisig(_ s: UnsafeRawBufferPointer) -> Bool {
        guard let last = s.last, last == opCheckMultiSig else { return false }
        var pc = 0
        guard let first = op(s, at: &pc), let required = scriptNumber(s, first, min: 1, max: 20) else {
            return false
        }
        var keys = 0
        var current = op(s, at: &pc)
        while let o = current, validPubkeySize(UnsafeRawBufferPointer(rebasing: s[o.data])) {
            keys += 1
            current = op(s, at: &pc)
        }
        guard let countOp = current, let count = scriptNumber(s, countOp, min: required, max: 20) else {
            return false
        }
        return keys == count && pc + 1 == s.count
    }
}
