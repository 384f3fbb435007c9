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
