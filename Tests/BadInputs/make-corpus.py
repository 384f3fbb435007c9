#!/usr/bin/env python3
"""Writes the bad-input corpus of Tests/BadInputs from the good samples in SampleData/.

Each file is a real sample damaged in one way (see manifest.tsv for the error each must give).
The files are committed; this script documents how each was made and re-creates them:

    python3 Tests/BadInputs/make-corpus.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "SampleData")


def sample(path):
    with open(os.path.join(SAMPLES, path), "rb") as f:
        return f.read()


def write(name, data):
    if isinstance(data, str):
        data = data.encode()
    os.makedirs(os.path.dirname(os.path.join(HERE, name)), exist_ok=True)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def frames(blob):
    """(magic, block) pairs of a blk file."""
    out, i = [], 0
    while i + 8 <= len(blob) and blob[i:i + 4] != b"\0\0\0\0":
        n = int.from_bytes(blob[i + 4:i + 8], "little")
        out.append((blob[i:i + 4], blob[i + 8:i + 8 + n]))
        i += 8 + n
    return out


def framed(pairs):
    return b"".join(m + len(b).to_bytes(4, "little") + b for m, b in pairs)


def compact(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + n.to_bytes(2, "little")
    return b"\xfe" + n.to_bytes(4, "little")


chain = frames(sample("bitcoin/blk/blk_0_to_4.dat"))  # heights 0-4 on the real genesis block
magic = chain[0][0]

# --- Good files: the base every case starts from, and what a partly-bad file must leave behind.
write("good/blocks-0-1.dat", framed(chain[:2]))
write("good/blocks-0-2.dat", framed(chain[:3]))
write("good/blocks-0-3.dat", framed(chain[:4]))
ledger = sample("transfers/ledger.csv").decode()
header, *rows = ledger.strip("\n").split("\n")
write("good/ledger-head.csv", "\n".join([header] + rows[:4]) + "\n")
write("good/ledger-rows-5-7.csv", "\n".join([header] + rows[4:7]) + "\n")

# --- Blocks.
# The file ends 100 bytes into block 4 (blocks 0-3 are whole).
whole = framed(chain)
write("blocks/truncated-block.dat", whole[: len(framed(chain[:4])) + 8 + 100])
# Block 2's network magic is not a network's.
write("blocks/wrong-magic.dat", framed(chain[:2]) + b"\xde\xad\xbe\xef" + framed(chain[2:])[4:])
# Block 3's length field says 4 GiB.
bad = bytearray(framed(chain))
at = len(framed(chain[:3]))
bad[at + 4:at + 8] = b"\xff\xff\xff\xff"
write("blocks/impossible-length.dat", bytes(bad))
# Block 3 says 100 bytes more than it has before block 4's magic: block 3 runs into block 4 and the
# decoder finds trailing bytes.
bad = bytearray(framed(chain))
n = len(chain[3][1])
bad[at + 4:at + 8] = (n + 100).to_bytes(4, "little")
write("blocks/length-overruns.dat", bytes(bad))
# A byte of block 2's coinbase script changed: its txid, so the merkle root, no longer match.
b2 = bytearray(chain[2][1])
b2[80 + 1 + 4 + 1 + 32 + 4 + 1 + 2] ^= 0x01
write("blocks/merkle-mismatch.dat", framed(chain[:2] + [(magic, bytes(b2))] + chain[3:]))
# Block 1's coinbase output claims 2^64-1 satoshi.
b1 = bytearray(chain[1][1])
script_len = b1[80 + 1 + 4 + 1 + 32 + 4]
value_at = 80 + 1 + 4 + 1 + 32 + 4 + 1 + script_len + 4 + 1
b1[value_at:value_at + 8] = b"\xff" * 8
write("blocks/output-value-overflow.dat", framed([chain[0], (magic, bytes(b1))]))
# The transaction count says 200,000 transactions (more than the bytes could hold).
b3 = bytearray(chain[3][1])
write("blocks/impossible-tx-count.dat", framed(chain[:3] + [(magic, bytes(b3[:80]) + b"\xfe\x40\x0d\x03\x00" + bytes(b3[81:]))]))
# A raw block (no framing) with three stray bytes after its last transaction.
write("blocks/trailing-bytes.raw", chain[4][1] + b"\x00\x01\x02")
# Block 4's header only (80 bytes and a count byte, no transactions).
write("blocks/header-only.raw", chain[4][1][:81])
# Hex text with a non-hex letter, and hex with an odd number of digits.
hex_lines = [b.hex() for _, b in chain]
line = hex_lines[2]
write("blocks/bad-hex-digit.hex", "\n".join(hex_lines[:2] + [line[:300] + "zz" + line[302:]] + hex_lines[3:]) + "\n")
write("blocks/odd-hex.hex", "\n".join(hex_lines[:3] + [hex_lines[3][:-1]]) + "\n")
# Duplicate transactions (CVE-2012-2459): the last of an odd number of transactions repeated.
# The merkle root is unchanged, as Bitcoin computes it, and the txid appears twice.
big = bytes.fromhex(sample("bitcoin/raw/block_13b8a.hex").decode().strip())
ntx = big[80]  # 9: one count byte
assert ntx % 2 == 1 and ntx < 0xfc
# The last transaction's size is in the sample's truth file; it is the block's last bytes.
import json
truth = json.loads(sample("bitcoin/raw/block_13b8a.truth.json"))
size = truth["blocks"][0]["transactions"][-1]["size"]
dup = big[:80] + compact(ntx + 1) + big[81:] + big[-size:]
write("blocks/duplicate-transaction.dat", framed([(magic, dup)]))
# Empty file.
write("blocks/empty.dat", b"")

# --- Unknown format: a PNG signature and a text that is no known export.
write("unknown/picture.png", b"\x89PNG\r\n\x1a\n" + bytes(range(64)))
write("unknown/notes.txt", "These are case notes, not an export.\nSee the ticket.\n")
write("unknown/other-csv.csv", "name,colour,size\nball,red,3\n")

# --- Transfers CSV (AMLSim header, detected): rows 1-3 good, then the bad row, then more rows.
good = rows[4:7]


def csv_case(name, bad_row, text=None):
    body = "\n".join([header] + good + [bad_row] + rows[7:9]) + "\n"
    write("csv/" + name, text if text is not None else body)


cols = rows[8].split(",")


def row_with(i, value):
    c = list(cols)
    c[i] = value
    return ",".join(c)


csv_case("negative-amount.csv", row_with(4, "-250.00"))
csv_case("overflowing-amount.csv", row_with(4, "1" + "0" * 80))
csv_case("not-a-number-amount.csv", row_with(4, "12,5".replace(",", ";")))
csv_case("too-precise-amount.csv", row_with(4, "10.001"))
csv_case("extra-column.csv", rows[8] + ",surplus")
csv_case("missing-column.csv", ",".join(cols[:-1]))
csv_case("bad-time.csv", row_with(5, "yesterday"))
csv_case("empty-address.csv", row_with(1, ""))
csv_case("unterminated-quote.csv", row_with(1, '"ACC-1'))
body = ("\n".join([header] + good) + "\n").encode() + row_with(1, "ACC-\udcff").encode(
    "utf-8", "surrogateescape") + b"\n"
write("csv/non-utf8.csv", body)
write("csv/header-only-wrong.csv", "tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n" + "1,2\n")

# --- Bitcoin Core JSON and bitcoin-etl JSON lines.
core = sample("bitcoin-json/core-json/block766390.getblock-verbosity2.json").decode()
write("json/core-truncated.json", core[: len(core) // 2])
key = '"txid": "' if '"txid": "' in core else '"txid":"'
write("json/core-txid-not-hex.json", core.replace(key, key + "0", 1))
# A txid that is a valid hash but not the transaction's: one digit changed.
i = core.index(key) + len(key)
write("json/core-txid-mismatch.json", core[:i] + ("1" if core[i] != "1" else "2") + core[i + 1:])
etl_dir = "bitcoin-json/bitcoin-etl/bitcoin/block_1/"
etl_blocks = sample(etl_dir + "expected_blocks.json").decode().strip()
etl_txs = sample(etl_dir + "expected_transactions.json").decode().strip()
write("json/etl-negative-value.jsonl", etl_blocks + "\n" + etl_txs.replace('"value": 5000000000', '"value": -5000000000', 1) + "\n")
write("json/etl-missing-field.jsonl", etl_blocks + "\n" + etl_txs.replace('"is_coinbase": true, ', "", 1) + "\n")

# Forged coinbases: bitcoin-etl exports no coinbase bytes, so a coinbase is proven only when the
# transaction rebuilt from its exported fields hashes to its txid (the merkle root commits to the
# txids, not to the fields). Blocks 50001-50002 (inputs not enriched), both block lines first.
forged_dir = "bitcoin-json/bitcoin-etl/bitcoin/block_with_transactions/"
forged_blocks = sample(forged_dir + "expected_blocks.json").decode().strip().split("\n")
forged_txs = sample(forged_dir + "expected_transactions.json").decode().strip().split("\n")
write("good/etl-block-50001.jsonl", "\n".join(forged_blocks[:1] + forged_txs[:3]) + "\n")
# Block 50002's coinbase pays 20,000,000 BTC instead of 50 (under the 21 million cap, so only the
# txid check can see it); block 50001 before it is stored.
coinbase = forged_txs[3].replace('"value": 5000000000', '"value": 2000000000000000').replace(
    '"output_value": 5000000000', '"output_value": 2000000000000000')
assert coinbase != forged_txs[3]
write("json/etl-forged-coinbase-value.jsonl", "\n".join(forged_blocks + forged_txs[:3] + [coinbase]) + "\n")
# Block 50001's coinbase pays the genesis block's key (its script, type and address) instead of
# the miner's: same length, same value; nothing is stored.
genesis_key = "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f"
miner_key = "04c1b5671c8975087cc796d6ea73d2407591528b5c669106f9b6ab6ef6e373a57553e14866aaeffc44a9f58e5ee0c7faa7add7474f0a2c55a22cb40b949fdc933c"
payee = forged_txs[0].replace(miner_key, genesis_key).replace(
    "1PkqKGbNLDdDJGveCcNUMV9CEFH77ADrPQ", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
assert payee.count(genesis_key) == 2 and "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa" in payee
write("json/etl-forged-coinbase-payee.jsonl", "\n".join(forged_blocks + [payee] + forged_txs[1:]) + "\n")

# --- ethereum-etl CSV.
tx = sample("ethereum-etl/blocks_with_transactions/expected_transactions.csv").decode().strip().split("\n")
fields = tx[2].split(",")
fields[7] = "1.5e18"  # value: wei as an integer, not in scientific notation
write("eth/transactions-bad-value.csv", "\n".join([tx[0], tx[1], ",".join(fields)]) + "\n")
write("eth/transactions-short-row.csv", "\n".join([tx[0], tx[1], ",".join(tx[2].split(",")[:9])]) + "\n")
fields = tx[2].split(",")
fields[5] = "0xZZ" + fields[5][4:]  # from_address: not hex
write("eth/transactions-bad-address.csv", "\n".join([tx[0], tx[1], ",".join(fields)]) + "\n")


# --- Line endings and byte-order marks: the same damage in a CRLF copy and a BOM copy gives the
# same error at the same line and column, and keeps the same rows.
negative = "\n".join([header] + good + [row_with(4, "-250.00")] + rows[7:9]) + "\n"
write("csv/crlf-negative-amount.csv", negative.replace("\n", "\r\n"))
write("csv/bom-negative-amount.csv", b"\xef\xbb\xbf" + negative.encode())
write("blocks/bom-bad-hex-digit.hex", b"\xef\xbb\xbf" + "\r\n".join(
    hex_lines[:2] + [hex_lines[2][:300] + "zz" + hex_lines[2][302:]] + hex_lines[3:]).encode() + b"\r\n")

# --- Folders: a folder stands for its files; an empty one among them is reported, the others
# ingested (exit 65 at the end); a folder with no export in it is an error.
write("folders/with-empty/a-rows-5-7.csv", "\n".join([header] + good) + "\n")
write("folders/with-empty/b-empty.csv", b"")
write("folders/notes-only/README.md", "Case notes: the exports are on the evidence drive.\n")

# --- A UTF-16 copy of the ledger (Excel's "Unicode Text"): named as such, not read as blocks.
write("unknown/utf16.csv", b"\xff\xfe" + ("\r\n".join([header] + good) + "\r\n").encode("utf-16-le"))

# --- Hostile: files an attacker shaped (issue 15). Names with control characters or bidi
# overrides would display as other names; a transaction hash repeated with other content and a
# block number with two hashes would be counted twice. The ledger cases keep rows 1-3.
def hostile_csv(name, bad_row):
    write("hostile/" + name, "\n".join([header] + good + [bad_row] + rows[7:9]) + "\n")


hostile_csv("nul-account.csv", row_with(1, "ACC-2001\x00evil"))
hostile_csv("ansi-account.csv", row_with(2, "\"ACC-2001\x1b[2K\rsanctions: none\""))
hostile_csv("bidi-account.csv", row_with(2, "ACC-\u202e1002"))
forged = tx[1].replace(",110000000000000000000,", ",1100000000000000000000,")
write("hostile/etl-duplicate-tx.csv", "\n".join([tx[0], tx[1], forged]) + "\n")
blocks = sample("ethereum-etl/blocks_with_transactions/expected_blocks.csv").decode().strip().split("\n")
orphan = blocks[1].replace(blocks[1].split(",")[1], "0x" + "ab" * 32)
write("hostile/etl-reorg-blocks.csv", "\n".join(blocks + [orphan]) + "\n")
