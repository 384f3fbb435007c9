-- Balance history of an address: every movement in or out, in time order, with the balance after
-- it, per asset.
--
-- Bitcoin (main chain): one row per transaction that pays or spends the address (a payment with
-- change back to it shows both). Outputs known only from a source's prevout (their funding
-- transaction is not stored) are left out, as in `chainflow address`. Account model: one row per
-- transfer that moved value, gas fees included (they lower the balance). Balances can be negative
-- when an export starts after the address was funded.
--
-- Balances are running sums (window functions), one step per row: an address in a million
-- transfers takes seconds. Account-model amounts are summed exactly at any size by
-- `amount_balance` (docs/schema.md).
--
-- Parameters:
--   :address  text  the address, as stored (Ethereum lowercase); e.g. 12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S
--
-- Columns:
--   model     utxo or account
--   time      block or transfer time, ISO-8601 UTC
--   block     block height (Bitcoin) or number (Ethereum); NULL for ledgers
--   tx        hex txid, or the transfer's transaction hash or ledger id
--   asset     the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   received  base units in (exact decimal text)
--   sent      base units out (fees included)
--   balance   balance of this asset after the row, signed decimal text
--   decimals  the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a token
--     without a tokens export: then only the base units are known)
--   received_units  received in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
--   sent_units  sent in units of the asset (base units ÷ 10^decimals, exact decimal text); NULL
--     when the decimals are unknown
--   balance_units  balance in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
WITH me AS (SELECT id FROM addresses WHERE address = :address),
btc_moves AS (
    SELECT o.tx_id, o.value AS received, 0 AS sent
    FROM outputs o
    WHERE o.address_id = (SELECT id FROM me)
    UNION ALL
    SELECT i.tx_id, 0, o.value
    FROM outputs o
    JOIN inputs i ON i.spent_output_id = o.id
    WHERE o.address_id = (SELECT id FROM me)
),
btc AS (
    SELECT b.time, b.height, b.id AS block_id, t.position, t.txid,
        SUM(m.received) AS received, SUM(m.sent) AS sent
    FROM btc_moves m
    JOIN transactions t ON t.id = m.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    GROUP BY t.id
),
btc_rows AS (
    SELECT 'utxo' AS model, time, height AS block, lower(hex(txid)) AS tx, 'BTC' AS asset,
        CAST(received AS TEXT) AS received, CAST(sent AS TEXT) AS sent,
        CAST(SUM(received - sent) OVER (
            ORDER BY COALESCE(height, -1), block_id, position ROWS UNBOUNDED PRECEDING) AS TEXT) AS balance,
        1 AS asset_id, COALESCE(height, -1) AS k1, block_id AS k2, position AS k3, 8 AS decimals
    FROM btc
),
acct AS (
    SELECT tr.id, tr.time, tr.block, tr.tx, tr.asset_id,
        CASE WHEN tr.to_id = (SELECT id FROM me) THEN tr.amount END AS received,
        CASE WHEN tr.from_id = (SELECT id FROM me) THEN tr.amount END AS sent
    FROM transfers tr
    WHERE (tr.to_id = (SELECT id FROM me) OR tr.from_id = (SELECT id FROM me))
      AND COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
),
acct_rows AS (
    SELECT 'account' AS model, x.time, x.block, x.tx, asset_name(s.symbol, s.contract, s.id) AS asset,
        amount_text(x.received) AS received, amount_text(x.sent) AS sent,
        amount_balance(x.received, x.sent) OVER (
            PARTITION BY x.asset_id ORDER BY x.time, x.id ROWS UNBOUNDED PRECEDING) AS balance,
        x.asset_id, x.time AS k1, x.id AS k2, 0 AS k3, s.decimals AS decimals
    FROM acct x
    JOIN assets s ON s.id = x.asset_id
)
SELECT model, strftime('%Y-%m-%dT%H:%M:%SZ', time, 'unixepoch') AS time, block, tx, asset, received,
    sent, balance, decimals, amount_units(received, decimals) AS received_units,
    amount_units(sent, decimals) AS sent_units, amount_units(balance, decimals) AS balance_units
FROM (SELECT * FROM btc_rows UNION ALL SELECT * FROM acct_rows)
ORDER BY asset_id, k1, k2, k3
