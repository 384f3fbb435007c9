-- Addresses by tag category with their balances: every address tagged with a category that occurs
-- in the graph, with what it received, sent and holds, per asset.
--
-- Bitcoin: main-chain outputs paid to the address and those of them spent on the main chain.
-- Account model: transfers that moved value, gas fees counted as sent. Tagged addresses that never
-- transacted here give no rows.
--
-- Parameters:
--   :category  text  tag category; e.g. high-risk
--
-- Columns:
--   address    the tagged address
--   labels     its labels in this category, separated by `; `
--   asset      the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   received   base units received (exact decimal text)
--   sent       base units sent
--   balance    received − sent, signed decimal text
--   payments   Bitcoin outputs received and spent, or transfers
--   last_time  the latest movement, ISO-8601 UTC
--   decimals   the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a
--     token without a tokens export: then only the base units are known)
--   received_units  received in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
--   sent_units  sent in units of the asset (base units ÷ 10^decimals, exact decimal text); NULL
--     when the decimals are unknown
--   balance_units  balance in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
WITH tagged AS (
    SELECT a.id, a.address, group_concat(t.label, '; ') AS labels
    FROM (SELECT DISTINCT address, label FROM tags WHERE category = :category ORDER BY address, label) t
    JOIN addresses a ON a.address = t.address
    GROUP BY a.id
),
moves AS (
    SELECT g.id, 1 AS asset_id, o.value AS received, NULL AS sent, b.time
    FROM tagged g
    CROSS JOIN outputs o ON o.address_id = g.id
    JOIN transactions t ON t.id = o.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    UNION ALL
    SELECT g.id, 1, NULL, o.value, b.time
    FROM tagged g
    CROSS JOIN outputs o ON o.address_id = g.id
    CROSS JOIN inputs i ON i.spent_output_id = o.id
    JOIN transactions t ON t.id = i.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    UNION ALL
    SELECT g.id, tr.asset_id, tr.amount, NULL, tr.time
    FROM tagged g CROSS JOIN transfers tr ON tr.to_id = g.id
    WHERE COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
    UNION ALL
    SELECT g.id, tr.asset_id, NULL, tr.amount, tr.time
    FROM tagged g CROSS JOIN transfers tr ON tr.from_id = g.id
    WHERE COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
)
SELECT g.address, g.labels, asset_name(s.symbol, s.contract, s.id) AS asset,
    amount_text(amount_sum(m.received)) AS received, amount_text(amount_sum(m.sent)) AS sent,
    amount_diff(amount_sum(m.received), amount_sum(m.sent)) AS balance, COUNT(*) AS payments,
    strftime('%Y-%m-%dT%H:%M:%SZ', MAX(m.time), 'unixepoch') AS last_time, s.decimals AS decimals,
    amount_units(amount_sum(m.received), s.decimals) AS received_units,
    amount_units(amount_sum(m.sent), s.decimals) AS sent_units,
    amount_units(amount_diff(amount_sum(m.received), amount_sum(m.sent)), s.decimals) AS balance_units
FROM moves m
JOIN tagged g ON g.id = m.id
JOIN assets s ON s.id = m.asset_id
GROUP BY g.id, m.asset_id
ORDER BY g.address, m.asset_id
