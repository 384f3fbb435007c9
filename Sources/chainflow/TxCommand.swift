import ArgumentParser
import FlowKit
import FlowModel
import FlowReport

struct TxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tx",
        abstract:
            "Show one transaction of any chain: Bitcoin (block, time, inputs with the outputs they spend, outputs, fee), Ethereum (status, fee, sender, transfers and token transfers) or a ledger's transfers."
    )

    @Argument(
        help:
            "The transaction id: a Bitcoin txid (64 hex digits, as explorers show it), an Ethereum hash (0x…), or a ledger transaction id; `tx:ID` says explicitly that it is a transaction."
    )
    var id: String

    @OptionGroup var database: DatabaseOption
    @OptionGroup var output: JSONFlag

    func validate() throws {
        do {
            _ = try TransactionLookup.normalized(id)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        do {
            let report = try CaseDatabase.open(database.db, for: .read).transaction(id)
            try emit(output.json ? report.json.rendered() : report.text, terminator: "")
        } catch {
            throw fail(error)
        }
    }
}
