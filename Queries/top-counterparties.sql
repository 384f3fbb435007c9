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
