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
