import FlowModel
public import FlowReport
public import FlowStore

extension AddressReport {
    /// The report for `address`; nil when neither the graph nor the tags know it.
    public static func load(store: any CaseReadStore, address: String, counterparties limit: Int = 10) throws
        -> AddressReport?
    {
        // One read of the address's rows for the profile and the report.
        var read: (text: String, rows: AddressReportRows)?
        let profile = try AddressProfile.load(store: store, address: address) { text throws(StoreError) in
            do {
                let rows = try store.addressReportRows(text, counterparties: limit)
                read = (text, rows)
                return (rows.assets, rows.fees)
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(.io, "reading the address's rows failed: \(error)", path: store.path)
            }
        }
        guard let profile else { return nil }
        let rows: AddressReportRows
        if let read, read.text == profile.address {
            rows = read.rows
        } else {
            rows = try store.addressReportRows(profile.address, counterparties: limit)
        }
        let (history, counterparties, exposure) = (rows.history, rows.counterparties, rows.exposure)
        var byCategory: [CategoryExposure] = []
        var seen = Set<[String]>()
        for e in exposure where seen.insert([e.category, e.asset, e.counterparty]).inserted {
            if let k = byCategory.firstIndex(where: { $0.category == e.category && $0.asset == e.asset }) {
                byCategory[k].received = byCategory[k].received + e.received
                byCategory[k].sent = byCategory[k].sent + e.sent
                byCategory[k].counterparties += 1
            } else {
                byCategory.append(
                    CategoryExposure(
                        category: e.category, asset: e.asset, received: e.received, sent: e.sent,
                        counterparties: 1))
            }
        }
        let alerts = try store.addressAlerts(profile.address)
        var report = AddressReport(
            profile: profile, history: history, counterparties: counterparties, counterpartyLimit: limit,
            exposure: exposure, exposureByCategory: byCategory, alerts: alerts)
        report.value(with: try store.priceSeries(currency: AddressProfile.currency))
        return report
    }
}
