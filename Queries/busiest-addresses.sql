-- Busiest addresses in a time window: the addresses in the most transactions, Bitcoin and account
-- model together.
--
-- Bitcoin (main chain): transactions that pay or spend the address. Account model: transfers from
-- or to it that moved value (gas fees left out). Coinbase payouts count as transactions.
--
-- Parameters:
--   :since  time     start of the window, inclusive (Unix seconds or ISO-8601); e.g. 2009-01-01
--   :until  time     end of the window, inclusive; e.g. 2030-01-01
--   :limit  integer  rows to return; default 20; e.g. 10
--
-- Columns:
--   address       the address
--   chain         its address family (bitcoin, ethereum, ledger, …)
--   transactions  Bitcoin transactions plus account transfers in the window
--   first_time    its first movement in the window, ISO-8601 UTC
--   last_time     its last movement in the window
--   tags          its tags, `category: label` separated by `; ` (NULL when none)
WITH window_txs AS (
    SELECT t.id, t.first_input_id, t.input_count, t.first_output_id, t.output_count, b.time
    FROM blocks b
    CROSS JOIN transactions t ON t.id BETWEEN b.first_tx_id AND b.first_tx_id + b.tx_count - 1
    WHERE b.in_main_chain = 1 AND b.time BETWEEN :since AND :until
),
touches AS (
    SELECT o.address_id AS address_id, w.id AS tx, w.time
    FROM window_txs w
    CROSS JOIN outputs o ON o.id BETWEEN w.first_output_id AND w.first_output_id + w.output_count - 1
    WHERE o.address_id IS NOT NULL
    UNION
    SELECT COALESCE(so.address_id, p.address_id), w.id, w.time
    FROM window_txs w
    CROSS JOIN inputs i ON i.id BETWEEN w.first_input_id AND w.first_input_id + w.input_count - 1
    LEFT JOIN outputs so ON so.id = i.spent_output_id
    LEFT JOIN prevouts p ON p.input_id = i.id
    WHERE COALESCE(so.address_id, p.address_id) IS NOT NULL
    UNION ALL
    SELECT tr.from_id, -tr.id, tr.time FROM transfers tr
    WHERE tr.from_id IS NOT NULL AND tr.time BETWEEN :since AND :until
      AND tr.kind <> 3 AND COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
    UNION ALL
    SELECT tr.to_id, -tr.id, tr.time FROM transfers tr
    WHERE tr.to_id IS NOT NULL AND tr.from_id IS NOT tr.to_id AND tr.time BETWEEN :since AND :until
      AND tr.kind <> 3 AND COALESCE(tr.status, 1) = 1 AND tr.amount <> 0
),
counts AS (
    SELECT address_id, COUNT(DISTINCT tx) AS transactions, MIN(time) AS first_time, MAX(time) AS last_time
    FROM touches
    GROUP BY address_id
    ORDER BY transactions DESC, address_id
    LIMIT :limit
)
SELECT a.address, a.chain, c.transactions,
    strftime('%Y-%m-%dT%H:%M:%SZ', c.first_time, 'unixepoch') AS first_time,
    strftime('%Y-%m-%dT%H:%M:%SZ', c.last_time, 'unixepoch') AS last_time,
    (SELECT group_concat(tag, '; ') FROM (
        SELECT tg.category || ': ' || tg.label AS tag FROM tags tg WHERE tg.address = a.address
        ORDER BY tg.category, tg.label)) AS tags
FROM counts c
JOIN addresses a ON a.id = c.address_id
ORDER BY c.transactions DESC, c.address_id
