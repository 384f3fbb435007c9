-- Exposure of an address to tagged categories within one hop: its direct counterparties that carry
-- tags (sanctions, mixer, exchange, …), with the amounts received from and sent to them.
--
-- Counterparties are found as in top-counterparties.sql: Bitcoin transactions on the main chain in
-- which the address pays another address or is paid by a transaction another address funded, and
-- account transfers that moved value. A counterparty with several tags gives one row per tag.
--
-- Parameters:
--   :address  text  the address, as stored (Ethereum lowercase); e.g. ACC-3001
--
-- Columns:
--   category      the counterparty's tag category
--   label         the tag's label
--   counterparty  the tagged address
--   asset         the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   received      base units the address received from it (exact decimal text)
--   sent          base units the address sent to it
--   payments      Bitcoin transactions or account transfers between the two
--   decimals      the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a
--     token without a tokens export: then only the base units are known)
--   received_units  received in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
--   sent_units    sent in units of the asset (base units ÷ 10^decimals, exact decimal text); NULL
--     when the decimals are unknown
WITH me AS (SELECT id FROM addresses WHERE address = :address),
mine AS (
    SELECT o.id AS output_id, o.tx_id, o.value
    FROM outputs o
    JOIN transactions t ON t.id = o.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    WHERE o.address_id = (SELECT id FROM me)
),
spending AS (
    SELECT i.tx_id
    FROM mine m
    JOIN inputs i ON i.spent_output_id = m.output_id
    JOIN transactions t ON t.id = i.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    UNION
    SELECT i.tx_id
    FROM prevouts p
    JOIN inputs i ON i.id = p.input_id
    JOIN transactions t ON t.id = i.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    WHERE p.address_id = (SELECT id FROM me)
),
received_in AS (
    SELECT tx_id, SUM(value) AS value FROM mine
    WHERE tx_id NOT IN (SELECT tx_id FROM spending)
    GROUP BY tx_id
),
flows AS (
    SELECT DISTINCT r.tx_id AS tx, COALESCE(o.address_id, p.address_id) AS cp, 1 AS asset_id,
        r.value AS received, NULL AS sent
    FROM received_in r
    CROSS JOIN transactions t ON t.id = r.tx_id
    CROSS JOIN inputs i ON i.id BETWEEN t.first_input_id AND t.first_input_id + t.input_count - 1
    LEFT JOIN outputs o ON o.id = i.spent_output_id
    LEFT JOIN prevouts p ON p.input_id = i.id
    WHERE COALESCE(o.address_id, p.address_id) IS NOT NULL
    UNION ALL
    SELECT o.tx_id, o.address_id, 1, NULL, o.value
    FROM spending s
    CROSS JOIN transactions t ON t.id = s.tx_id
    CROSS JOIN outputs o ON o.id BETWEEN t.first_output_id AND t.first_output_id + t.output_count - 1
    WHERE o.address_id IS NOT NULL AND o.address_id <> (SELECT id FROM me)
    UNION ALL
    SELECT -tr.id, tr.from_id, tr.asset_id, tr.amount, NULL
    FROM transfers tr
    WHERE tr.to_id = (SELECT id FROM me) AND tr.from_id IS NOT NULL AND tr.from_id <> tr.to_id
      AND tr.kind <> 3 AND COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
    UNION ALL
    SELECT -tr.id, tr.to_id, tr.asset_id, NULL, tr.amount
    FROM transfers tr
    WHERE tr.from_id = (SELECT id FROM me) AND tr.to_id IS NOT NULL AND tr.from_id <> tr.to_id
      AND tr.kind <> 3 AND COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
),
totals AS (
    SELECT cp, asset_id, amount_sum(received) AS received, amount_sum(sent) AS sent,
        amount_sum(COALESCE(received, sent)) AS total, COUNT(DISTINCT tx) AS payments
    FROM flows
    GROUP BY cp, asset_id
)
SELECT t.category, t.label, a.address AS counterparty, asset_name(s.symbol, s.contract, s.id) AS asset,
    amount_text(x.received) AS received, amount_text(x.sent) AS sent, x.payments, s.decimals AS decimals,
    amount_units(x.received, s.decimals) AS received_units, amount_units(x.sent, s.decimals) AS sent_units
FROM totals x
JOIN addresses a ON a.id = x.cp
JOIN tags t ON t.address = a.address
JOIN assets s ON s.id = x.asset_id
GROUP BY t.category, t.label, x.cp, x.asset_id
ORDER BY t.category, x.asset_id, x.total DESC, a.address, t.label
