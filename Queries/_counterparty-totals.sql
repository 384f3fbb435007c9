-- Shared by top-counterparties.sql and tag-exposure.sql (a file whose name starts with `_` is a
-- part, not a query): the counterparty flows of one address, as the CTEs `me`, `mine`,
-- `spending`, `received_in`, `flows` and `totals` (one row per counterparty and asset: `cp`
-- address id, `asset_id`, `received`, `sent`, `total` in base units, `payments`). A query takes it
-- with a line `-- include: _counterparty-totals` where its statement begins, then goes on with
-- `, more AS (...)` or its SELECT; `chainflow query NAME --sql` prints the whole statement.
--
-- Parameters:
--   :address  text  the address, as stored (Ethereum lowercase)
WITH me AS (SELECT id FROM addresses WHERE address = :address),
mine AS (
    -- outputs paid to the address on the main chain
    SELECT o.id AS output_id, o.tx_id, o.value
    FROM outputs o
    JOIN transactions t ON t.id = o.tx_id
    JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
    WHERE o.address_id = (SELECT id FROM me)
),
spending AS (
    -- main-chain transactions in which the address spends
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
    SELECT tx_id, SUM(value) AS value
    FROM mine
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
