import FlowModel
public import FlowReport
public import FlowStore

extension AmlRun {
    /// Tag categories of the addresses of `alerts`, by address text: what `html` colours the
    /// pictures and labels the addresses with. One pass over the tags table.
    public static func tagCategories(store: any CaseReadStore, alerts: [AmlAlertDocument]) throws -> [String:
        [String]]
    {
        var ids = Set<Int64>()
        for a in alerts {
            ids.formUnion(a.ids.subjects)
            ids.formUnion(a.ids.addresses)
        }
        ids.remove(0)
        let valid = ids.filter { $0 > 0 && $0 <= Int64(UInt32.max) }
        let categories = try store.tagCategories(valid.map { UInt32($0) })
        if categories.isEmpty { return [:] }
        let texts = try store.addressTexts(categories.keys.map { Int64($0) })
        var out: [String: [String]] = [:]
        for (id, list) in categories {
            if let text = texts[Int64(id)] { out[text] = list }
        }
        return out
    }
}
