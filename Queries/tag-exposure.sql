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
