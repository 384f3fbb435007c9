import ArgumentParser
import FlowKit
import FlowStore

struct AddressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "address",
        abstract: "Received, sent, balance, transaction count and first/last seen of an address.")

    @Argument(help: "The address (Base58 or bech32).")
    var address: String

    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: JSONFlag

    func run() throws {
        do {
            guard let summary = try GraphStore(path: database.db, readOnly: true).address(address) else {
                throw StoreError(
                    .notFound, "address '\(address.prefix(90))' does not occur in this database",
                    path: database.db)
            }
            print(
                output.json ? Render.addressJSON(summary).rendered() : Render.addressText(summary),
                terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
