-- Largest flows of one asset in a time window: the biggest single payments, Bitcoin outputs and
-- account-model transfers alike, largest first.
--
-- A Bitcoin flow is one output of a main-chain transaction; its payer is shown as the address of
-- the transaction's first input, and `payers` counts the distinct input addresses (coinbase
-- outputs have no payer). An account flow is one transfer that moved value: failed transactions,
-- gas-fee rows and zero-value calls are left out.
--
-- Parameters:
--   :asset  text     asset symbol as in the assets table; e.g. BTC
--   :since  time     start of the window, inclusive (Unix seconds or ISO-8601); e.g. 2009-01-01
--   :until  time     end of the window, inclusive; e.g. 2009-02-01
--   :limit  integer  rows to return; default 20; e.g. 10
--
-- Columns:
--   model         utxo (a Bitcoin output) or account (a transfer)
--   time          block time or transfer time, ISO-8601 UTC
--   tx            transaction: hex txid, or the transfer's transaction hash or ledger id
--   from_address  the payer (Bitcoin: the first input's address); NULL when unknown or minted
--   payers        distinct input addresses of the Bitcoin transaction; 1 for a transfer
--   to_address    the payee; NULL for outputs without an address
--   asset         the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   amount        base units (satoshi, wei, token units, cents), exact decimal text
--   decimals      the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a
--     token without a tokens export: then only the base units are known)
--   amount_units  amount in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
WITH flows AS (
    SELECT 'utxo' AS model, b.time AS time, lower(hex(t.txid)) AS tx,
        (SELECT a2.address
         FROM inputs i
         LEFT JOIN outputs o2 ON o2.id = i.spent_output_id
         LEFT JOIN prevouts p ON p.input_id = i.id
         JOIN addresses a2 ON a2.id = COALESCE(o2.address_id, p.address_id)
         WHERE i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1
         ORDER BY i.id LIMIT 1) AS from_address,
        (SELECT COUNT(DISTINCT COALESCE(o2.address_id, p.address_id))
         FROM inputs i
         LEFT JOIN outputs o2 ON o2.id = i.spent_output_id
         LEFT JOIN prevouts p ON p.input_id = i.id
         WHERE i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1) AS payers,
        a.address AS to_address, 'BTC' AS asset, o.value AS amount, o.id AS ord, 8 AS decimals
    FROM blocks b
    CROSS JOIN transactions t ON t.id BETWEEN b.first_tx_id AND b.first_tx_id + b.tx_count - 1
    CROSS JOIN outputs o ON o.id BETWEEN t.first_output_id AND t.first_output_id + t.output_count - 1
    LEFT JOIN addresses a ON a.id = o.address_id
    WHERE :asset = 'BTC' AND b.in_main_chain = 1 AND b.time BETWEEN :since AND :until
      AND o.value > 0
    UNION ALL
    SELECT 'account', tr.time, tr.tx, fa.address, 1, ta.address, s.symbol, tr.amount, -tr.id, s.decimals
    FROM transfers tr
    JOIN assets s ON s.id = tr.asset_id
    LEFT JOIN addresses fa ON fa.id = tr.from_id
    LEFT JOIN addresses ta ON ta.id = tr.to_id
    WHERE s.symbol = :asset AND tr.time BETWEEN :since AND :until
      AND tr.kind <> 3 AND COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
)
SELECT model, strftime('%Y-%m-%dT%H:%M:%SZ', time, 'unixepoch') AS time, tx, from_address, payers,
    to_address, asset, amount_text(amount) AS amount, decimals, amount_units(amount, decimals) AS amount_units
FROM flows
ORDER BY flows.amount DESC, flows.time, ord
LIMIT :limit
