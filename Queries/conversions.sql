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
