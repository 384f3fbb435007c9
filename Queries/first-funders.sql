-- First funders of an address: the earliest payments into it and who made them.
--
-- Bitcoin (main chain): the earliest transactions paying the address in which it does not spend
-- itself, one row per distinct input address (a coinbase has none: its row says `coinbase`).
-- Account model: the earliest transfers to it that moved value (a transfer without a payer is
-- `minted`: block rewards, withdrawals).
--
-- Parameters:
--   :address  text     the address, as stored (Ethereum lowercase); e.g. 1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3
--   :limit    integer  funding payments to list (each may have several payers); default 10; e.g. 3
--
-- Columns:
--   n        1 for the first funding payment, 2 for the next, …
--   model    utxo or account
--   time     block or transfer time, ISO-8601 UTC
--   tx       hex txid, or the transfer's transaction hash or ledger id
--   kind     payment, coinbase (newly mined), transfer, or minted
--   funder   the paying address; NULL for coinbase and minted
--   asset    the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   amount   base units the address received in that payment (exact decimal text)
--   decimals  the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a token
--     without a tokens export: then only the base units are known)
--   amount_units  amount in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
WITH me AS (SELECT id FROM addresses WHERE address = :address),
funding AS (
    SELECT 'utxo' AS model, b.time, COALESCE(b.height, -1) AS k1, t.position AS k2, t.id AS tx_id,
        NULL AS transfer_id, t.is_coinbase, 1 AS asset_id, SUM(o.value) AS amount
    FROM outputs o
    JOIN transactions t ON t.id = o.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    WHERE o.address_id = (SELECT id FROM me)
      AND NOT EXISTS (
          SELECT 1 FROM inputs i JOIN outputs so ON so.id = i.spent_output_id
          WHERE i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1
            AND so.address_id = (SELECT id FROM me))
    GROUP BY t.id
    UNION ALL
    SELECT 'account', tr.time, tr.time, tr.id, NULL, tr.id, 0, tr.asset_id, tr.amount
    FROM transfers tr
    WHERE tr.to_id = (SELECT id FROM me) AND tr.kind <> 3 AND COALESCE(tr.status, 1) = 1
      AND tr.amount <> 0
),
ranked AS (
    SELECT funding.*, ROW_NUMBER() OVER (ORDER BY time, k1, k2, model DESC) AS n
    FROM funding
),
firsts AS (SELECT * FROM ranked WHERE n <= :limit),
payers AS (
    SELECT DISTINCT f.n, COALESCE(o.address_id, p.address_id) AS funder_id
    FROM firsts f
    CROSS JOIN transactions t ON t.id = f.tx_id
    CROSS JOIN inputs i ON i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1
    LEFT JOIN outputs o ON o.id = i.spent_output_id
    LEFT JOIN prevouts p ON p.input_id = i.id
    WHERE f.is_coinbase = 0 AND COALESCE(o.address_id, p.address_id) IS NOT NULL
    UNION ALL
    SELECT f.n, tr.from_id
    FROM firsts f JOIN transfers tr ON tr.id = f.transfer_id
)
SELECT f.n, f.model, strftime('%Y-%m-%dT%H:%M:%SZ', f.time, 'unixepoch') AS time,
    COALESCE(lower(hex(t.txid)), tr.tx) AS tx,
    CASE
        WHEN f.model = 'utxo' AND f.is_coinbase = 1 THEN 'coinbase'
        WHEN f.model = 'utxo' THEN 'payment'
        WHEN p.funder_id IS NULL THEN 'minted'
        ELSE 'transfer'
    END AS kind,
    a.address AS funder, asset_name(s.symbol, s.contract, s.id) AS asset, amount_text(f.amount) AS amount,
    s.decimals AS decimals, amount_units(f.amount, s.decimals) AS amount_units
FROM firsts f
LEFT JOIN payers p ON p.n = f.n
LEFT JOIN addresses a ON a.id = p.funder_id
LEFT JOIN transactions t ON t.id = f.tx_id
LEFT JOIN transfers tr ON tr.id = f.transfer_id
JOIN assets s ON s.id = f.asset_id
ORDER BY f.n, a.address
