import GRDB

/// The database schema as named migrations. A shipped migration is never edited: changes go in a
/// new one. docs/schema.md documents every column.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-bitcoin-graph") { db in
            try db.execute(sql: v1)
        }
        return migrator
    }

    /// Secondary indexes, built after a bulk load (`CREATE INDEX IF NOT EXISTS`, so a run that
    /// was interrupted before building them builds them next time).
    static let secondaryIndexes: [(name: String, sql: String)] = [
        ("addresses_by_text", "CREATE UNIQUE INDEX IF NOT EXISTS addresses_by_text ON addresses(address)"),
        ("transactions_by_txid", "CREATE INDEX IF NOT EXISTS transactions_by_txid ON transactions(txid)"),
        ("outputs_by_address", "CREATE INDEX IF NOT EXISTS outputs_by_address ON outputs(address_id)"),
        (
            "inputs_by_spent_output",
            "CREATE INDEX IF NOT EXISTS inputs_by_spent_output ON inputs(spent_output_id)"
        ),
    ]

    static let v1 = """
        CREATE TABLE script_types (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        INSERT INTO script_types (id, name) VALUES
            (0, 'nonstandard'), (1, 'pubkey'), (2, 'pubkeyhash'), (3, 'scripthash'), (4, 'multisig'),
            (5, 'nulldata'), (6, 'witness_v0_keyhash'), (7, 'witness_v0_scripthash'),
            (8, 'witness_v1_taproot'), (9, 'witness_unknown'), (10, 'anchor');

        CREATE TABLE blocks (
            id INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            prev_hash BLOB NOT NULL,
            height INTEGER,
            network TEXT NOT NULL,
            version INTEGER NOT NULL,
            merkle_root BLOB NOT NULL,
            time INTEGER NOT NULL,
            bits INTEGER NOT NULL,
            nonce INTEGER NOT NULL,
            size INTEGER NOT NULL,
            stripped_size INTEGER NOT NULL,
            weight INTEGER NOT NULL,
            tx_count INTEGER NOT NULL,
            first_tx_id INTEGER NOT NULL,
            coinbase_height INTEGER,
            work BLOB NOT NULL,
            chain_work BLOB,
            in_main_chain INTEGER NOT NULL DEFAULT 1,
            source_file TEXT NOT NULL,
            source_offset INTEGER NOT NULL
        );

        CREATE TABLE addresses (
            id INTEGER PRIMARY KEY,
            address TEXT NOT NULL,
            chain TEXT NOT NULL,
            kind INTEGER NOT NULL,
            program BLOB NOT NULL
        );

        CREATE TABLE transactions (
            id INTEGER PRIMARY KEY,
            txid BLOB NOT NULL,
            wtxid BLOB,
            block_id INTEGER NOT NULL REFERENCES blocks(id),
            position INTEGER NOT NULL,
            version INTEGER NOT NULL,
            locktime INTEGER NOT NULL,
            size INTEGER NOT NULL,
            weight INTEGER NOT NULL,
            is_coinbase INTEGER NOT NULL,
            input_count INTEGER NOT NULL,
            output_count INTEGER NOT NULL,
            first_input_id INTEGER NOT NULL,
            first_output_id INTEGER NOT NULL,
            output_value INTEGER NOT NULL,
            fee INTEGER
        );

        CREATE TABLE outputs (
            id INTEGER PRIMARY KEY,
            tx_id INTEGER NOT NULL REFERENCES transactions(id),
            n INTEGER NOT NULL,
            value INTEGER NOT NULL,
            type INTEGER NOT NULL REFERENCES script_types(id),
            address_id INTEGER REFERENCES addresses(id),
            script BLOB
        );

        CREATE TABLE inputs (
            id INTEGER PRIMARY KEY,
            tx_id INTEGER NOT NULL REFERENCES transactions(id),
            n INTEGER NOT NULL,
            prev_txid BLOB,
            prev_vout INTEGER,
            sequence INTEGER NOT NULL,
            spent_output_id INTEGER REFERENCES outputs(id)
        );
        CREATE INDEX inputs_unresolved ON inputs(prev_txid)
            WHERE spent_output_id IS NULL AND prev_txid IS NOT NULL;

        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            parameters TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            summary TEXT
        );
        """
}
