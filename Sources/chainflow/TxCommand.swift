import FlowReport
import ArgumentParser
import FlowKit
import FlowModel
import FlowStore

struct TxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract: "Show one transaction: block, inputs with the outputs they spend, outputs, fee.")

    @Argument(help: "The txid (64 hex digits, as explorers show it).")
    var txid: String

    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: JSONFlag

    func validate() throws {
        guard Hash256(displayHex: txid) != nil else {
            throw ValidationError("txid '\(txid.prefix(70))' is not 64 hex digits")
        }
    }

    func run() throws {
        do {
            guard let hash = Hash256(displayHex: txid) else { throw ExitCode(64) }
            guard let tx = try GraphStore(path: database.db, readOnly: true).transaction(hash) else {
                throw StoreError(.notFound, "no transaction \(txid) in this database", path: database.db)
            }
            print(
                output.json ? Render.transactionJSON(tx).rendered() : Render.transactionText(tx),
                terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
