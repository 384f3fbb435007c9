// Generated from Queries/*.sql by `RECORD_QUERIES=1 swift test --filter QueryLibraryTests`: do not
// edit. QueryLibraryTests fails when this file and Queries/ differ.
// swift-format-ignore-file

extension QueryLibrary {
    /// The library's files (name, text without the final newline), in name order.
    static let embedded: [(name: String, text: String)] = [
        (
            "_counterparty-totals",
            #"""
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
"""#
        ),
        (
            "address-alerts",
            #"""
-- AML alerts that involve an address, most severe first: as a subject (the fan-in's receiver,
-- the cycle's origin) or as another address of the alert's evidence.
--
-- Needs a stored rule run (`chainflow aml run`). The full evidence (transactions, edges) of an
-- alert is in `alerts.evidence` as JSON, or in `chainflow aml run --format json`.
--
-- Parameters:
--   :address  text  the address, as stored (Ethereum lowercase); e.g. ACC-2001
--
-- Columns:
--   alert         the alert's id (alerts.id)
--   rule          the rule that raised it
--   typology      the pattern it matches
--   severity      low, medium, high or critical
--   score         1–100 (50 at the rule's threshold)
--   role          subject or involved
--   window_start  time of its first evidence transfer, ISO-8601 UTC
--   window_end    time of its last evidence transfer
--   asset         the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`; NULL when the alert has none
--   amount        amount the rule measured, base units (exact decimal text)
--   explanation   the rule's one-line explanation
--   decimals      the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a
--     token without a tokens export: then only the base units are known)
--   amount_units  amount in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
SELECT al.id AS alert, al.rule, al.typology,
    CASE al.severity WHEN 1 THEN 'low' WHEN 2 THEN 'medium' WHEN 3 THEN 'high' WHEN 4 THEN 'critical'
        ELSE CAST(al.severity AS TEXT) END AS severity,
    al.score,
    CASE WHEN aa.subject = 1 THEN 'subject' ELSE 'involved' END AS role,
    strftime('%Y-%m-%dT%H:%M:%SZ', al.window_start, 'unixepoch') AS window_start,
    strftime('%Y-%m-%dT%H:%M:%SZ', al.window_end, 'unixepoch') AS window_end,
    CASE WHEN s.id IS NOT NULL THEN asset_name(s.symbol, s.contract, s.id) END AS asset,
    amount_text(al.amount) AS amount, al.explanation, s.decimals AS decimals,
    amount_units(al.amount, s.decimals) AS amount_units
FROM addresses a
JOIN alert_addresses aa ON aa.address_id = a.id
JOIN alerts al ON al.id = aa.alert_id
LEFT JOIN assets s ON s.id = al.asset_id
WHERE a.address = :address
ORDER BY al.severity DESC, al.score DESC, al.id
"""#
        ),
        (
            "alerts",
            #"""
-- The alerts inbox, most severe first.
--
-- AML alerts of the stored rule runs with their review status (the latest `chainflow aml review`
-- of each, else open), highest score first within a severity, filtered by severity, status and
-- rule. `chainflow serve` lists it at /api/v1/alerts. Needs a stored rule run (`chainflow aml run`).
--
-- Parameters:
--   :severity  text     low, medium, high, critical, or any; default any; e.g. high
--   :status    text     open, escalated, closed-true, closed-false, or any; default any; e.g. open
--   :rule      text     a rule's name, or any; default any; e.g. structuring
--   :limit     integer  most alerts listed; default 500; e.g. 20
--
-- Columns:
--   alert         the alert's id (alerts.id)
--   fingerprint   its stable id, which `chainflow aml review` takes (a unique prefix will do)
--   rule          the rule that raised it
--   typology      the pattern it matches
--   severity      low, medium, high or critical
--   score         1–100 (50 at the rule's threshold)
--   status        open, escalated, closed-true or closed-false (open when never reviewed)
--   reviewer      who reviewed it last; NULL when never reviewed
--   note          the last review's note; NULL when never reviewed
--   reviewed_at   when it was reviewed last; NULL when never reviewed
--   window_start  time of its first evidence transfer, ISO-8601 UTC
--   window_end    time of its last evidence transfer
--   subjects      its subject addresses, comma-separated in text order
--   asset         the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`; NULL when the alert has none
--   amount        amount the rule measured, base units (exact decimal text)
--   explanation   the rule's one-line explanation
--   decimals      the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown
--   amount_units  amount in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
WITH latest AS (
    SELECT r.alert_id, r.status, r.note, r.reviewer, r.at
    FROM alert_reviews r
    WHERE r.id = (SELECT MAX(r2.id) FROM alert_reviews r2 WHERE r2.alert_id = r.alert_id)
),
listed AS (
    SELECT al.*, COALESCE(l.status, 'open') AS review_status, l.note AS review_note,
        l.reviewer AS review_by, l.at AS review_at,
        CASE al.severity WHEN 1 THEN 'low' WHEN 2 THEN 'medium' WHEN 3 THEN 'high'
            WHEN 4 THEN 'critical' ELSE CAST(al.severity AS TEXT) END AS severity_name
    FROM alerts al
    LEFT JOIN latest l ON l.alert_id = al.id
)
SELECT x.id AS alert, x.fingerprint, x.rule, x.typology, x.severity_name AS severity, x.score,
    x.review_status AS status, x.review_by AS reviewer, x.review_note AS note, x.review_at AS reviewed_at,
    strftime('%Y-%m-%dT%H:%M:%SZ', x.window_start, 'unixepoch') AS window_start,
    strftime('%Y-%m-%dT%H:%M:%SZ', x.window_end, 'unixepoch') AS window_end,
    (SELECT group_concat(address, ',') FROM (
        SELECT a.address FROM alert_addresses aa JOIN addresses a ON a.id = aa.address_id
        WHERE aa.alert_id = x.id AND aa.subject = 1 ORDER BY a.address)) AS subjects,
    CASE WHEN s.id IS NOT NULL THEN asset_name(s.symbol, s.contract, s.id) END AS asset,
    amount_text(x.amount) AS amount, x.explanation, s.decimals AS decimals,
    amount_units(x.amount, s.decimals) AS amount_units
FROM listed x
LEFT JOIN assets s ON s.id = x.asset_id
WHERE (:severity = 'any' OR x.severity_name = :severity)
  AND (:status = 'any' OR x.review_status = :status)
  AND (:rule = 'any' OR x.rule = :rule)
ORDER BY x.severity DESC, x.score DESC, x.id
LIMIT :limit
"""#
        ),
        (
            "balance-history",
            #"""
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
"""#
        ),
        (
            "busiest-addresses",
            #"""
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
"""#
        ),
        (
            "cluster-mates-of-tagged",
            #"""
-- Addresses sharing a cluster with a tagged one: for every address tagged with a category, the
-- other members of its cluster (the entity the clustering heuristics say controls it).
--
-- Needs a clustering run (`chainflow cluster run`). An address in no cluster of two or more has no
-- mates and gives no rows. `chainflow cluster explain TAGGED MEMBER` shows why two were joined.
--
-- Parameters:
--   :category  text     tag category; e.g. exchange
--   :limit     integer  rows to return; default 1000; e.g. 100
--
-- Columns:
--   tagged_address   the tagged address
--   label            its tag's label
--   cluster_id       the cluster's id (its smallest address id)
--   cluster_address  the cluster's id address
--   cluster_size     addresses in the cluster
--   member           another address of the cluster
--   member_tags      the member's own tags, `category: label` separated by `; ` (NULL when none)
SELECT t.address AS tagged_address, t.label, c.cluster_id, ca.address AS cluster_address,
    (SELECT COUNT(*) FROM clusters x WHERE x.cluster_id = c.cluster_id) AS cluster_size,
    m.address AS member,
    (SELECT group_concat(tag, '; ') FROM (
        SELECT mt.category || ': ' || mt.label AS tag FROM tags mt WHERE mt.address = m.address
        ORDER BY mt.category, mt.label)) AS member_tags
FROM tags t
JOIN addresses ta ON ta.address = t.address
JOIN clusters c ON c.address_id = ta.id
JOIN clusters mc ON mc.cluster_id = c.cluster_id AND mc.address_id <> ta.id
JOIN addresses m ON m.id = mc.address_id
JOIN addresses ca ON ca.id = c.cluster_id
WHERE t.category = :category
ORDER BY c.cluster_id, t.address, t.label, m.id
LIMIT :limit
"""#
        ),
        (
            "cluster-sizes",
            #"""
-- Largest clusters by size: the entities the last clustering run found, with how many of
-- their addresses carry tags and which categories.
--
-- Needs a clustering run (`chainflow cluster run`); addresses in no cluster of two or more are not
-- listed. `chainflow cluster show ADDRESS` shows one cluster's members and totals.
--
-- Parameters:
--   :min_size  integer  smallest cluster to list; default 2; e.g. 2
--   :limit     integer  rows to return; default 20; e.g. 10
--
-- Columns:
--   cluster_id       the cluster's id (its smallest address id)
--   cluster_address  the address with that id
--   size             addresses in the cluster
--   tagged_members   members with at least one tag
--   categories       distinct tag categories of its members, separated by `, ` (NULL when none)
WITH sizes AS (
    SELECT cluster_id, COUNT(*) AS size FROM clusters
    GROUP BY cluster_id
    HAVING COUNT(*) >= :min_size
    ORDER BY size DESC, cluster_id
    LIMIT :limit
),
member_tags AS (
    SELECT DISTINCT s.cluster_id, c.address_id, t.category
    FROM sizes s
    JOIN clusters c ON c.cluster_id = s.cluster_id
    JOIN addresses a ON a.id = c.address_id
    JOIN tags t ON t.address = a.address
)
SELECT s.cluster_id, a.address AS cluster_address, s.size,
    (SELECT COUNT(DISTINCT address_id) FROM member_tags m WHERE m.cluster_id = s.cluster_id)
        AS tagged_members,
    (SELECT group_concat(category, ', ') FROM (
        SELECT DISTINCT category FROM member_tags m WHERE m.cluster_id = s.cluster_id
        ORDER BY category)) AS categories
FROM sizes s
JOIN addresses a ON a.id = s.cluster_id
ORDER BY s.size DESC, s.cluster_id
"""#
        ),
        (
            "conversions",
            #"""
-- DeFi conversions in a block range: every swap and wrap decoded from the stored logs (Uniswap V2
-- and V3 swaps, their forks, WETH wraps), with both assets and exact amounts.
--
-- Needs logs (an ethereum-etl logs export or node receipts). A conversion is value in one asset
-- going into a contract (the pool) and value in another coming out, as the contract's event
-- states it; `docs/defi.md` says how each protocol is read and how to add one.
--
-- Parameters:
--   :from_block  integer  first block number, inclusive; e.g. 0
--   :to_block    integer  last block number, inclusive; e.g. 99999999
--
-- Columns:
--   block             block number
--   time              block time, ISO-8601 UTC
--   tx                transaction hash
--   log_index         the event's log index
--   protocol          uniswap-v2, uniswap-v3, uniswap-v2-fork, uniswap-v3-fork, weth, …
--   pool              the converting contract (the WETH contract for a wrap)
--   trader            who asked the pool (the event's sender: a router when the swap went through one)
--   recipient         who received the output
--   asset_in          the asset the pool received: its name (symbol, else shortened contract)
--   asset_in_contract its contract; NULL for ether
--   amount_in         what the pool received, base units (exact decimal text)
--   asset_out         the asset the pool paid
--   asset_out_contract its contract; NULL for ether
--   amount_out        what the pool paid, base units
--   decimals_in       decimals of asset_in; NULL when unknown (no tokens export)
--   amount_in_units   amount_in in units of asset_in; NULL when its decimals are unknown
--   decimals_out      decimals of asset_out
--   amount_out_units  amount_out in units of asset_out
SELECT c.block, strftime('%Y-%m-%dT%H:%M:%SZ', c.time, 'unixepoch') AS time, c.tx, c.log_index, c.protocol,
    p.address AS pool, tr.address AS trader, re.address AS recipient,
    asset_name(ai.symbol, ai.contract, ai.id) AS asset_in, NULLIF(ai.contract, '') AS asset_in_contract,
    amount_text(c.amount_in) AS amount_in,
    asset_name(ao.symbol, ao.contract, ao.id) AS asset_out, NULLIF(ao.contract, '') AS asset_out_contract,
    amount_text(c.amount_out) AS amount_out,
    ai.decimals AS decimals_in, amount_units(c.amount_in, ai.decimals) AS amount_in_units,
    ao.decimals AS decimals_out, amount_units(c.amount_out, ao.decimals) AS amount_out_units
FROM conversions c
JOIN addresses p ON p.id = c.pool_id
JOIN addresses tr ON tr.id = c.trader_id
JOIN addresses re ON re.id = c.recipient_id
JOIN assets ai ON ai.id = c.asset_in
JOIN assets ao ON ao.id = c.asset_out
WHERE c.block BETWEEN :from_block AND :to_block
ORDER BY c.block, c.tx, c.log_index
"""#
        ),
        (
            "daily-volume",
            #"""
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
"""#
        ),
        (
            "fees-by-block",
            #"""
-- Fees paid per block: what the transactions of each main-chain Bitcoin block paid, and the gas fees of
-- each Ethereum block, in a height range.
--
-- A Bitcoin fee is known when every input's value is (its spent output is stored, or a source's
-- prevout gives it); `unknown_fee_txs` counts the others, so `fee_total` is exact over the known
-- ones. `coinbase_claimed` is the coinbase's outputs minus the block subsidy (mainnet schedule:
-- 50 BTC halving every 210,000 blocks): what the miner claimed, the block's total fee unless it
-- under-claimed, known even when the spent outputs are not stored. Ethereum rows sum the gas fees
-- (`fee` transfers, stored when receipts were ingested) per block number.
--
-- Parameters:
--   :from_height  integer  first block height or number, inclusive; e.g. 170
--   :to_height    integer  last, inclusive; e.g. 277647
--
-- Columns:
--   chain             bitcoin (network in brackets when not mainnet) or the account chain
--   height            block height or number
--   block             block hash (hex); NULL for Ethereum rows
--   time              block time, ISO-8601 UTC
--   transactions      transactions in the block (Ethereum: those that paid a fee)
--   fee_total         sum of the known fees, base units (exact decimal text)
--   unknown_fee_txs   non-coinbase transactions whose fee is unknown (NULL for Ethereum)
--   min_fee           smallest known fee; NULL when none
--   max_fee           largest known fee
--   coinbase_claimed  coinbase outputs − subsidy, satoshi (NULL for Ethereum and regtest)
--   asset             the asset the fees are paid in: BTC, or the chain's gas asset (ETH)
--   decimals          its decimals (8 for BTC, 18 for ETH)
--   fee_total_units   fee_total in units of the asset (exact decimal text)
--   min_fee_units     min_fee likewise
--   max_fee_units     max_fee likewise
--   coinbase_claimed_units  coinbase_claimed in BTC
SELECT
    CASE WHEN b.network = 'mainnet' THEN 'bitcoin' ELSE 'bitcoin (' || b.network || ')' END AS chain,
    b.height, lower(hex(b.hash)) AS block,
    strftime('%Y-%m-%dT%H:%M:%SZ', b.time, 'unixepoch') AS time,
    b.tx_count AS transactions,
    CAST(COALESCE(SUM(t.fee), 0) AS TEXT) AS fee_total,
    SUM(t.is_coinbase = 0 AND t.fee IS NULL) AS unknown_fee_txs,
    CAST(MIN(t.fee) AS TEXT) AS min_fee, CAST(MAX(t.fee) AS TEXT) AS max_fee,
    CASE WHEN b.network <> 'regtest' AND b.height IS NOT NULL THEN
        (SELECT cb.output_value FROM transactions cb WHERE cb.id = b.first_tx_id)
        - (5000000000 >> MIN(b.height / 210000, 63))
    END AS coinbase_claimed,
    'BTC' AS asset, 8 AS decimals, amount_units(COALESCE(SUM(t.fee), 0), 8) AS fee_total_units,
    amount_units(MIN(t.fee), 8) AS min_fee_units, amount_units(MAX(t.fee), 8) AS max_fee_units,
    amount_units(CASE WHEN b.network <> 'regtest' AND b.height IS NOT NULL THEN
        (SELECT cb.output_value FROM transactions cb WHERE cb.id = b.first_tx_id)
        - (5000000000 >> MIN(b.height / 210000, 63))
    END, 8) AS coinbase_claimed_units
FROM blocks b
CROSS JOIN transactions t ON t.id BETWEEN b.first_tx_id AND b.first_tx_id + b.tx_count - 1
WHERE b.in_main_chain = 1 AND b.height BETWEEN :from_height AND :to_height
GROUP BY b.id
UNION ALL
SELECT s.chain, tr.block, NULL, strftime('%Y-%m-%dT%H:%M:%SZ', MIN(tr.time), 'unixepoch'),
    COUNT(DISTINCT tr.tx), amount_text(amount_sum(tr.amount)), NULL,
    amount_text(MIN(tr.amount)), amount_text(MAX(tr.amount)), NULL,
    asset_name(s.symbol, s.contract, s.id), s.decimals, amount_units(amount_sum(tr.amount), s.decimals),
    amount_units(MIN(tr.amount), s.decimals), amount_units(MAX(tr.amount), s.decimals), NULL
FROM transfers tr
JOIN assets s ON s.id = tr.asset_id
WHERE tr.kind = 3 AND tr.block BETWEEN :from_height AND :to_height
GROUP BY s.chain, tr.block
ORDER BY 1, 2
"""#
        ),
        (
            "first-funders",
            #"""
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
"""#
        ),
        (
            "largest-flows",
            #"""
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
"""#
        ),
        (
            "largest-unspent",
            #"""
-- Largest unspent Bitcoin outputs: where the most value sits unspent on the main chain.
--
-- An output is unspent when no main-chain input spends it. An input whose spent output is not
-- stored cannot be matched, so on a partial chain some outputs listed may have been spent in
-- blocks that were not ingested. Scans every output: on a large database it takes a while.
--
-- Parameters:
--   :limit  integer  rows to return; default 20; e.g. 10
--
-- Columns:
--   txid     hex txid of the transaction that created the output
--   n        output index (vout)
--   address  the address paid; NULL for outputs without one (multisig, nonstandard)
--   type     script type (Bitcoin Core's names)
--   value    satoshi
--   height   block height
--   time     block time, ISO-8601 UTC
--   asset    BTC
--   decimals  8 (satoshi are 10^-8 BTC)
--   value_units  value in BTC (satoshi ÷ 10^8, exact decimal text)
SELECT lower(hex(t.txid)) AS txid, o.n, a.address, st.name AS type, o.value, b.height,
    strftime('%Y-%m-%dT%H:%M:%SZ', b.time, 'unixepoch') AS time, 'BTC' AS asset, 8 AS decimals,
    amount_units(o.value, 8) AS value_units
FROM outputs o
JOIN transactions t ON t.id = o.tx_id
JOIN blocks b ON b.id = t.block_id AND b.in_main_chain = 1
LEFT JOIN addresses a ON a.id = o.address_id
LEFT JOIN script_types st ON st.id = o.type
WHERE o.value > 0
  AND NOT EXISTS (
      SELECT 1 FROM inputs i
      JOIN transactions st2 ON st2.id = i.tx_id
      JOIN blocks sb ON sb.id = st2.block_id AND sb.in_main_chain = 1
      WHERE i.spent_output_id = o.id)
ORDER BY o.value DESC, o.id
LIMIT :limit
"""#
        ),
        (
            "neighbors",
            #"""
-- The neighbours of an address, per asset and direction.
--
-- One row per neighbour, asset and direction: the addresses it received from (`in`) and paid to
-- (`out`), largest amount first. The graph of `chainflow serve` expands a node with it.
-- Counterparties are found as in top-counterparties.sql (Bitcoin main chain: payers of what the
-- address received, payees of what it spent other than its change; account model: transfers that
-- moved value).
--
-- Parameters:
--   :address    text     the address, as stored (Ethereum lowercase); e.g. 12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S
--   :direction  text     in, out or both; default both; e.g. out
--   :limit      integer  neighbours per asset and direction; default 50; e.g. 5
--
-- Columns:
--   neighbor      the other address
--   direction     in (value came from it) or out (value went to it)
--   asset         the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   amount        base units moved that way (exact decimal text)
--   payments      Bitcoin transactions or account transfers between the two, both ways
--   decimals      the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown
--   amount_units  amount in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
-- include: _counterparty-totals
,
sides AS (
    SELECT cp, asset_id, 'in' AS direction, received AS amount, payments FROM totals
    WHERE received IS NOT NULL AND amount_text(received) <> '0' AND :direction IN ('in', 'both')
    UNION ALL
    SELECT cp, asset_id, 'out' AS direction, sent AS amount, payments FROM totals
    WHERE sent IS NOT NULL AND amount_text(sent) <> '0' AND :direction IN ('out', 'both')
),
ordered AS (
    SELECT sides.*, ROW_NUMBER() OVER (PARTITION BY asset_id, direction ORDER BY amount DESC, cp) AS n
    FROM sides
)
SELECT a.address AS neighbor, o.direction, asset_name(s.symbol, s.contract, s.id) AS asset,
    amount_text(o.amount) AS amount, o.payments, s.decimals AS decimals,
    amount_units(o.amount, s.decimals) AS amount_units
FROM ordered o
JOIN addresses a ON a.id = o.cp
JOIN assets s ON s.id = o.asset_id
WHERE o.n <= :limit
ORDER BY o.asset_id, o.direction, o.n
"""#
        ),
        (
            "search",
            #"""
-- Find an address, a tag or a transaction by what an investigator types.
--
-- Addresses that start with the text, tags whose label starts with it (ignoring case), and the transaction whose id
-- it is (a Bitcoin txid of 64 hex digits, an Ethereum hash or a ledger transaction id). The
-- search box of `chainflow serve`.
-- A transaction is found by a scan of the transactions or transfers (no index on ids as text).
--
-- Parameters:
--   :q      text     the text (addresses as stored: Ethereum lowercase); e.g. 12cbQ
--   :limit  integer  most rows of each kind; default 20; e.g. 5
--
-- Columns:
--   kind      address, tag or transaction
--   value     the address (address and tag rows) or the transaction id
--   label     the tag's label on tag rows; NULL on the others
--   category  the tag's category on tag rows; NULL on the others
--   chain     the address's chain (bitcoin, ethereum, ledger) on address rows; the chain of the
--     transaction on transaction rows; NULL on tag rows
SELECT * FROM (
    SELECT 'address' AS kind, a.address AS value, NULL AS label, NULL AS category, a.chain AS chain
    FROM addresses a
    WHERE a.address >= :q AND a.address < :q || char(1114111)
    ORDER BY a.address
    LIMIT :limit
)
UNION ALL
SELECT * FROM (
    SELECT 'tag', t.address, t.label, t.category, NULL
    FROM tags t
    WHERE length(:q) > 0 AND lower(substr(t.label, 1, length(:q))) = lower(:q)
    ORDER BY t.label, t.address, t.category
    LIMIT :limit
)
UNION ALL
SELECT * FROM (
    SELECT 'transaction', lower(hex(t.txid)), NULL, NULL, 'bitcoin'
    FROM transactions t
    WHERE length(:q) = 64 AND lower(hex(t.txid)) = lower(:q)
    LIMIT 1
)
UNION ALL
SELECT * FROM (
    SELECT DISTINCT 'transaction', tr.tx, NULL, NULL, sr.chain
    FROM transfers tr
    JOIN assets sr ON sr.id = tr.asset_id
    WHERE length(:q) > 0 AND tr.tx = :q
    LIMIT 1
)
"""#
        ),
        (
            "tag-exposure",
            #"""
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
-- include: _counterparty-totals
SELECT t.category, t.label, a.address AS counterparty, asset_name(s.symbol, s.contract, s.id) AS asset,
    amount_text(x.received) AS received, amount_text(x.sent) AS sent, x.payments, s.decimals AS decimals,
    amount_units(x.received, s.decimals) AS received_units, amount_units(x.sent, s.decimals) AS sent_units
FROM totals x
JOIN addresses a ON a.id = x.cp
JOIN tags t ON t.address = a.address
JOIN assets s ON s.id = x.asset_id
GROUP BY t.category, t.label, x.cp, x.asset_id
ORDER BY t.category, x.asset_id, x.total DESC, a.address, t.label
"""#
        ),
        (
            "tagged-balances",
            #"""
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
"""#
        ),
        (
            "top-counterparties",
            #"""
-- Top counterparties of an address: who it received from and paid to, per asset, largest total
-- first.
--
-- Bitcoin (main chain): in a transaction where the address spends, every other address paid is a
-- counterparty it sent to (its own change is not counted); in a transaction where it receives
-- without spending, every input address is a counterparty it received from, credited with the
-- full amount the address received there (a transaction with several payers credits each). Account
-- model: transfers that moved value, from or to the address (gas fees left out).
--
-- Parameters:
--   :address  text     the address, as stored (Ethereum lowercase); e.g. 12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S
--   :limit    integer  counterparties per asset; default 20; e.g. 5
--
-- Columns:
--   counterparty  the other address
--   asset         the asset's name: its symbol, else its contract shortened (`0xf4ec…95dd`), else
--     `asset #ID`
--   received      base units the address received from it (exact decimal text)
--   sent          base units the address sent to it
--   total         received + sent; rows are ordered by it within each asset
--   payments      Bitcoin transactions or account transfers between the two
--   rank          1 for the largest counterparty of each asset
--   decimals      the asset's decimals (BTC 8, ETH 18, a ledger's cents 2); NULL when unknown (a
--     token without a tokens export: then only the base units are known)
--   received_units  received in units of the asset (base units ÷ 10^decimals, exact decimal text);
--     NULL when the decimals are unknown
--   sent_units    sent in units of the asset (base units ÷ 10^decimals, exact decimal text); NULL
--     when the decimals are unknown
--   total_units   total in units of the asset (base units ÷ 10^decimals, exact decimal text); NULL
--     when the decimals are unknown
-- include: _counterparty-totals
,
ranked AS (
    SELECT totals.*, ROW_NUMBER() OVER (PARTITION BY asset_id ORDER BY total DESC, cp) AS rank
    FROM totals
)
SELECT a.address AS counterparty, asset_name(s.symbol, s.contract, s.id) AS asset,
    amount_text(r.received) AS received, amount_text(r.sent) AS sent, amount_text(r.total) AS total,
    r.payments, r.rank, s.decimals AS decimals, amount_units(r.received, s.decimals) AS received_units,
    amount_units(r.sent, s.decimals) AS sent_units, amount_units(r.total, s.decimals) AS total_units
FROM ranked r
JOIN addresses a ON a.id = r.cp
JOIN assets s ON s.id = r.asset_id
WHERE r.rank <= :limit
ORDER BY r.asset_id, r.rank
"""#
        ),
        (
            "transactions-between",
            #"""
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
"""#
        ),
    ]
}
