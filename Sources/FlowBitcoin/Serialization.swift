package import FlowModel

/// Bytes Bitcoin's CompactSize encoding of a count takes.
package enum CompactSize {
    /// Bytes the CompactSize encoding of `n` takes: 1, 3, 5 or 9.
    package static func length(_ n: Int) -> Int {
        n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffff_ffff ? 5 : 9
    }
}

/// Appends Bitcoin's serialization of integers, hashes and byte strings.
package struct SerialWriter {
    package var bytes: [UInt8] = []

    package init() {}

    package mutating func u32(_ v: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
    }

    package mutating func u64(_ v: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    package mutating func compactSize(_ n: Int) {
        if n < 0xfd {
            bytes.append(UInt8(n))
        } else if n <= 0xffff {
            bytes.append(0xfd)
            bytes.append(UInt8(n & 0xff))
            bytes.append(UInt8(n >> 8))
        } else if n <= 0xffff_ffff {
            bytes.append(0xfe)
            u32(UInt32(n))
        } else {
            bytes.append(0xff)
            u64(UInt64(n))
        }
    }

    package mutating func hash(_ h: Hash256) { bytes += h.wireBytes }

    /// A length-prefixed byte string (scripts, witness items).
    package mutating func varBytes(_ b: [UInt8]) {
        compactSize(b.count)
        bytes += b
    }
}

/// One transaction input as a JSON export describes it, for re-serializing the transaction.
package struct InputFields {
    package var prevTxid: Hash256
    package var prevVout: UInt32
    package var script: [UInt8]
    package var sequence: UInt32
    package var witness: [[UInt8]] = []

    package init(
        prevTxid: Hash256, prevVout: UInt32, script: [UInt8], sequence: UInt32, witness: [[UInt8]] = []
    ) {
        self.prevTxid = prevTxid
        self.prevVout = prevVout
        self.script = script
        self.sequence = sequence
        self.witness = witness
    }
}

/// Bitcoin serialization of headers and transactions rebuilt from JSON fields.
package enum BitcoinSerial {
    /// The 80-byte header.
    package static func header(_ h: BlockHeader) -> [UInt8] {
        var w = SerialWriter()
        w.u32(UInt32(bitPattern: h.version))
        w.hash(h.prevHash)
        w.hash(h.merkleRoot)
        w.u32(h.time)
        w.u32(h.bits)
        w.u32(h.nonce)
        return w.bytes
    }

    /// The block hash of a header (double SHA-256 of its 80 bytes).
    package static func hashHeader(_ h: BlockHeader) -> Hash256 {
        BitcoinHash.doubleSHA256(header(h))
    }

    /// A transaction's serialization: BIP144 with witness data when an input has any.
    package static func transaction(
        version: UInt32, inputs: [InputFields], outputs: [(value: UInt64, script: [UInt8])], locktime: UInt32
    ) -> [UInt8] {
        var w = SerialWriter()
        w.u32(version)
        let witness = inputs.contains { !$0.witness.isEmpty }
        if witness {
            w.bytes.append(0)
            w.bytes.append(1)
        }
        w.compactSize(inputs.count)
        for i in inputs {
            w.hash(i.prevTxid)
            w.u32(i.prevVout)
            w.varBytes(i.script)
            w.u32(i.sequence)
        }
        w.compactSize(outputs.count)
        for o in outputs {
            w.u64(o.value)
            w.varBytes(o.script)
        }
        if witness {
            for i in inputs {
                w.compactSize(i.witness.count)
                for item in i.witness { w.varBytes(item) }
            }
        }
        w.u32(locktime)
        return w.bytes
    }
}
