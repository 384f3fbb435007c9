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
