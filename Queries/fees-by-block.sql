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
