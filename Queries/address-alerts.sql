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
