import ArgumentParser
import FlowKit
import FlowStore

struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract:
            "Received, sent, balance, transaction count and first/last seen of an address, per asset, with its tags."
    )

    @Argument(help: "The address (Base58, bech32, 0x… Ethereum, or a ledger account).")
    var address: String

    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: JSONFlag

    func run() throws {
        do {
            let store = try GraphStore(path: database.db, readOnly: true)
            let profile = try AddressProfile.load(store: store, address: address)
            guard let profile else {
                throw StoreError(
                    .notFound,
                    "address '\(address.prefix(90))' does not occur in this database (graph or tags)",
                    path: database.db)
            }
            print(
                output.json ? Render.addressJSON(profile).rendered() : Render.addressText(profile),
                terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
