-- Transactions between two addresses, in both directions, in time order.
--
-- Bitcoin (main chain): a transaction in which one address spends and the other is paid (the
-- amount is what the payee received in it). Account model: transfers from one to the other that
-- moved value.
--
-- Parameters:
--   :a  text  one address, as stored; e.g. 12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S
--   :b  text  the other address; e.g. 1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3
--
-- Columns:
--   model         utxo or account
--   time          block or transfer time, ISO-8601 UTC
--   tx            hex txid, or the transfer's transaction hash or ledger id
--   from_address  the payer (:a or :b)
--   to_address    the payee
--   asset         the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   amount        base units (exact decimal text)
--   decimals      the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a
--     token without a tokens export: then only the base units are known)
--   amount_units  amount in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
WITH ends AS (
    SELECT (SELECT id FROM addresses WHERE address = :a) AS x,
        (SELECT id FROM addresses WHERE address = :b) AS y
),
pairs AS (SELECT x AS payer, y AS payee FROM ends UNION ALL SELECT y, x FROM ends),
btc AS (
    SELECT pr.payer, pr.payee, t.id AS tx_id, b.time, COALESCE(b.height, -1) AS k1, t.position AS k2,
        (SELECT SUM(o.value) FROM outputs o
         WHERE o.id BETWEEN t.first_output_id AND t.first_output_id + t.output_count - 1
           AND o.address_id = pr.payee) AS amount
    FROM pairs pr
    CROSS JOIN outputs so ON so.address_id = pr.payer
    CROSS JOIN inputs i ON i.spent_output_id = so.id
    JOIN transactions t ON t.id = i.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    GROUP BY pr.payer, t.id
),
rows AS (
    SELECT 'utxo' AS model, btc.time, lower(hex(t.txid)) AS tx, btc.payer, btc.payee, 1 AS asset_id,
        btc.amount, btc.k1, btc.k2
    FROM btc JOIN transactions t ON t.id = btc.tx_id
    WHERE btc.amount IS NOT NULL
    UNION ALL
    SELECT 'account', tr.time, tr.tx, tr.from_id, tr.to_id, tr.asset_id, tr.amount, tr.time, tr.id
    FROM pairs pr
    CROSS JOIN transfers tr ON tr.from_id = pr.payer AND tr.to_id = pr.payee
    WHERE tr.kind <> 3 AND COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
)
SELECT r.model, strftime('%Y-%m-%dT%H:%M:%SZ', r.time, 'unixepoch') AS time, r.tx,
    fa.address AS from_address, ta.address AS to_address, asset_name(s.symbol, s.contract, s.id) AS asset,
    amount_text(r.amount) AS amount, s.decimals AS decimals, amount_units(r.amount, s.decimals) AS amount_units
FROM rows r
JOIN addresses fa ON fa.id = r.payer
JOIN addresses ta ON ta.id = r.payee
JOIN assets s ON s.id = r.asset_id
ORDER BY r.time, r.k1, r.k2, fa.address
