/// The ledger rules of a transfers CSV (a bank-style ledger, AMLSim, AMLworld): which column
/// mapping a file is read with, what identifies it as a source, and what its rows store. Pure:
/// no database.
///
/// Each data row (`TransferCSVParser.next()`, a `ParsedTransfer`) is one ledger transfer (kind
/// `ledger`, status true, no block) from `from` to `to` (joined columns as `a:b`), of `amount`
/// in base units of its asset: the row's asset column, else the mapping's `defaultAsset`, with
/// `decimals(ofAsset:)` decimals. Its `seq` is its place among the file's data rows, and its tx
/// the `tx` column (none when empty). Ledger rows are never merged: the same row in two files
/// is two transfers, so a file's identity is its content under its mapping.
public enum TransferCSVMapper {
    /// The format names of transfers-CSV sources start with this.
    public static let format = "transfers-csv"

    /// The mapping a file is read with: `given` (`--map` or `--preset`), else the preset its
    /// header matched (`detectedRole`), with the options that override the mapping's own:
    /// decimals, the default asset, the time unit and epoch (an epoch alone means day steps).
    /// No mapping at all is an error naming the file and what to give.
    public static func mapping(
        file: String, given: TransferCSVMapping?, detectedRole: String?, decimals: Int? = nil,
        asset: String? = nil, timeUnit: TransferCSVMapping.TimeStep? = nil, epoch: Int64? = nil
    ) throws(IngestError) -> TransferCSVMapping {
        guard var mapping = given ?? detectedRole.flatMap(TransferCSVMapping.preset) else {
            throw IngestError(
                .unknownFormat,
                "no column mapping for this CSV: give --map tx=COL,time=COL,from=COL,to=COL,amount=COL[,asset=COL] or --preset "
                    + TransferCSVMapping.presetNames.joined(separator: "|"),
                file: file)
        }
        if let decimals { mapping.decimals = decimals }
        if let asset { mapping.defaultAsset = asset }
        if let timeUnit { mapping.timeUnit = timeUnit }
        if let epoch {
            if mapping.timeUnit == nil { mapping.timeUnit = .day }
            mapping.epoch = epoch
        }
        return mapping
    }

    /// The source format of a file read with `mapping` (`sources.format`): the same bytes under
    /// another mapping are other rows.
    public static func sourceFormat(_ mapping: TransferCSVMapping) -> String {
        "\(format) \(mapping)"
    }
}

extension TransferCSVMapping {
    /// Decimals of amounts in `asset`: its own (`assetDecimals`), else the mapping's.
    public func decimals(ofAsset asset: String) -> Int {
        assetDecimals[asset] ?? decimals
    }
}
