/// The trace graphs as snapshot files (`SnapshotCodec`): every array as it is in memory, so
/// opening one copies arrays instead of reading and joining the database's rows.
extension UTXOTraceGraph {
    public static let snapshotKind: UInt32 = 1
    public static let snapshotVersion: UInt32 = 1

    public func snapshot(state: String) -> [UInt8] {
        var e = SnapshotEncoder(kind: Self.snapshotKind, version: Self.snapshotVersion, state: state)
        e.array(txIds)
        e.array(time)
        e.array(coinbase)
        e.array(firstInputId)
        e.array(firstOutputId)
        e.array(inputStart)
        e.array(outputStart)
        e.array(inputSpent)
        e.array(inputValue)
        e.array(inputAddress)
        e.array(inputTx)
        e.array(outputValue)
        e.array(outputAddress)
        e.array(outputTx)
        e.array(outputSpender)
        e.array(outputSpenderTx)
        e.array(byStoreId)
        return e.finished()
    }

    /// The graph a snapshot of the database in `state` holds; throws `SnapshotCodec.Rejection`.
    public init(snapshot bytes: UnsafeRawBufferPointer, state: String) throws {
        var d = try SnapshotDecoder(
            bytes, kind: Self.snapshotKind, version: Self.snapshotVersion, state: state)
        self.init()
        txIds = try d.array()
        time = try d.array()
        coinbase = try d.array()
        firstInputId = try d.array()
        firstOutputId = try d.array()
        inputStart = try d.array()
        outputStart = try d.array()
        inputSpent = try d.array()
        inputValue = try d.array()
        inputAddress = try d.array()
        inputTx = try d.array()
        outputValue = try d.array()
        outputAddress = try d.array()
        outputTx = try d.array()
        outputSpender = try d.array()
        outputSpenderTx = try d.array()
        byStoreId = try d.array()
        let t = txIds.count
        guard time.count == t, coinbase.count == t, firstInputId.count == t, firstOutputId.count == t,
            inputStart.count == t + 1, outputStart.count == t + 1,
            inputValue.count == inputSpent.count, inputAddress.count == inputSpent.count,
            inputTx.count == inputSpent.count, outputAddress.count == outputValue.count,
            outputTx.count == outputValue.count, outputSpender.count == outputValue.count,
            outputSpenderTx.count == outputValue.count, byStoreId.isEmpty || byStoreId.count == t
        else { throw SnapshotCodec.Rejection.badArray }
    }
}

extension AccountTraceGraph {
    public static let snapshotKind: UInt32 = 2
    public static let snapshotVersion: UInt32 = 1

    public func snapshot(state: String) -> [UInt8] {
        var e = SnapshotEncoder(kind: Self.snapshotKind, version: Self.snapshotVersion, state: state)
        e.scalar(asset)
        e.array(ids)
        e.array(time)
        e.array(from)
        e.array(to)
        e.array(amount)
        e.array(isFee)
        e.array(eventStart)
        e.array(events)
        e.array(nextOutflow)
        return e.finished()
    }

    /// The graph a snapshot of the database in `state` holds; throws `SnapshotCodec.Rejection`.
    public init(snapshot bytes: UnsafeRawBufferPointer, state: String) throws {
        var d = try SnapshotDecoder(
            bytes, kind: Self.snapshotKind, version: Self.snapshotVersion, state: state)
        self.init()
        asset = try d.scalar()
        ids = try d.array()
        time = try d.array()
        from = try d.array()
        to = try d.array()
        amount = try d.array()
        isFee = try d.array()
        eventStart = try d.array()
        events = try d.array()
        nextOutflow = try d.array()
        let n = ids.count
        guard time.count == n, from.count == n, to.count == n, amount.count == n, isFee.count == n,
            !eventStart.isEmpty, nextOutflow.count == events.count,
            Int(eventStart[eventStart.count - 1]) == events.count
        else { throw SnapshotCodec.Rejection.badArray }
    }
}
