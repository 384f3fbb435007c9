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
