#!/usr/bin/env bash
# Peak memory of `chainflow ingest` on a generated chain (docs/robustness.md, "Resource limits").
#
#   scripts/ingest-memory.sh [path/to/chainflow] [chain|csv] [count] [work folder]
#
# chain: generates a Bitcoin-like chain of COUNT transactions (blk*.dat files of at most 128 MiB,
# as Bitcoin Core writes them); csv: an AMLSim-style ledger of COUNT transfers between 50,000
# accounts (one file). Ingests it under /usr/bin/time -v, and samples /proc/PID/status
# every 0.2 s for the resident set split into anonymous memory (heap: what the ingest allocates)
# and file-backed pages (the memory-mapped input and SQLite's files, which the kernel can drop).
# Prints input size, database size, wall-clock time, peak RSS (time -v) and the peak of each part.
set -euo pipefail
BIN=${1:-.build/release/chainflow}
MODE=${2:-chain}
TXS=${3:-1000000}
WORK=${4:-$(mktemp -d /tmp/chainflow-memory.XXXXXX)}
mkdir -p "$WORK"

if [ "$MODE" = csv ]; then
    if [ ! -f "$WORK/ledger-$TXS.csv" ]; then
        python3 - "$WORK/ledger-$TXS.csv" "$TXS" <<'PY'
import random, sys, datetime
path, rows = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
start = datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc)
with open(path, "w") as f:
    f.write("tran_id,orig_acct,bene_acct,tx_type,base_amt,tran_timestamp,is_sar,alert_id\n")
    for i in range(1, rows + 1):
        a, b = rng.randrange(50000), rng.randrange(50000)
        t = (start + datetime.timedelta(seconds=7 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        f.write(f"{i},A{a},A{b},TRANSFER,{rng.randrange(1, 10**7) / 100:.2f},{t},False,-1\n")
PY
    fi
    FILES=("$WORK/ledger-$TXS.csv")
else
    if [ ! -d "$WORK/chain-$TXS" ]; then
        "$BIN" generate bitcoin --txs "$TXS" --seed 11 --out "$WORK/chain-$TXS" >/dev/null
    fi
    FILES=("$WORK/chain-$TXS"/blk*.dat)
fi
input=$(cat "${FILES[@]}" | wc -c)
rm -f "$WORK/memory.db" "$WORK/memory.db-wal" "$WORK/memory.db-shm"

/usr/bin/time -v "$BIN" ingest --quiet --db "$WORK/memory.db" "${FILES[@]}" >/dev/null 2>"$WORK/time.txt" &
wrapper=$!
# The ingest is the wrapper's child.
pid=""
for _ in $(seq 1 50); do
    pid=$(pgrep -P "$wrapper" || true)
    [ -n "$pid" ] && break
    sleep 0.1
done
peak_anon=0
peak_file=0
while [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; do
    anon=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    file=$(awk '/^RssFile/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${anon:-0}" -gt "$peak_anon" ] && peak_anon=$anon
    [ "${file:-0}" -gt "$peak_file" ] && peak_file=$file
    sleep 0.2
done
wait "$wrapper"
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
db=$(stat -c %s "$WORK/memory.db")
echo "$MODE:               $TXS $([ "$MODE" = csv ] && echo transfers || echo transactions)"
echo "input:               $((input / 1048576)) MiB in ${#FILES[@]} file(s)"
echo "database:            $((db / 1048576)) MiB"
echo "wall clock:          $elapsed"
echo "peak RSS (time -v):  $((peak_kb / 1024)) MiB"
echo "peak anonymous RSS:  $((peak_anon / 1024)) MiB (sampled)"
echo "peak file-backed:    $((peak_file / 1024)) MiB (sampled)"
