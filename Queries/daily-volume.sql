-- Daily volume per asset in a time window: how many payments and how much value moved each UTC day.
--
-- Bitcoin: outputs of main-chain transactions other than coinbases (change outputs included: a
-- transaction's outputs cannot all be told apart as payments). Account model: transfers that
-- moved value, gas fees left out.
--
-- Parameters:
--   :since  time  start of the window, inclusive (Unix seconds or ISO-8601); e.g. 2009-01-01
--   :until  time  end of the window, inclusive; e.g. 2030-01-01
--
-- Columns:
--   day       the UTC day, YYYY-MM-DD
--   asset     the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   payments  Bitcoin outputs or account transfers
--   volume    their sum, base units (exact decimal text)
--   decimals  the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a token
--     without a tokens export: then only the base units are known)
--   volume_units  volume in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
WITH moves AS (
    SELECT b.time, 1 AS asset_id, o.value AS amount
    FROM blocks b
    -- the block's transactions after its coinbase
    CROSS JOIN transactions t ON t.id BETWEEN b.first_tx_id + 1 AND b.first_tx_id + b.tx_count - 1
    CROSS JOIN outputs o ON o.id BETWEEN t.first_output_id AND t.first_output_id + t.output_count - 1
    WHERE b.in_main_chain = 1 AND b.time BETWEEN :since AND :until
    UNION ALL
    SELECT tr.time, tr.asset_id, tr.amount
    FROM transfers tr
    WHERE tr.time BETWEEN :since AND :until AND tr.kind <> 3 AND COALESCE(tr.status, 1) = 1
      AND tr.amount <> 0
)
SELECT strftime('%Y-%m-%d', m.time, 'unixepoch') AS day, asset_name(s.symbol, s.contract, s.id) AS asset,
    COUNT(*) AS payments, amount_text(amount_sum(m.amount)) AS volume, s.decimals AS decimals,
    amount_units(amount_sum(m.amount), s.decimals) AS volume_units
FROM moves m
JOIN assets s ON s.id = m.asset_id
GROUP BY day, m.asset_id
ORDER BY day, m.asset_id
