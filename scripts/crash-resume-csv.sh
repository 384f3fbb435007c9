#!/usr/bin/env bash
# Crash-safety check for transfer files: ingest a generated ledger CSV while killing the ingest
# with SIGKILL at several points, resume it, and require the final database to equal an
# uninterrupted run's (row counts and per-table content checksums, including `sources`) and to
# pass SQLite's integrity check.
#
#   scripts/crash-resume-csv.sh [path/to/chainflow] [rows] [kills]
set -euo pipefail
BIN=${1:-.build/release/chainflow}
ROWS=${2:-1000000}
KILLS=${3:-4}
WORK=$(mktemp -d /tmp/chainflow-crash-csv.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# A deterministic AMLSim-style ledger: ROWS transfers between 50,000 accounts.
python3 - "$WORK/ledger.csv" "$ROWS" <<'PY'
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

start=$(date +%s.%N)
"$BIN" ingest --quiet --db "$WORK/clean.db" "$WORK/ledger.csv" >/dev/null
clean_seconds=$(echo "$(date +%s.%N) - $start" | bc)
"$BIN" stats --db "$WORK/clean.db" --checksums > "$WORK/clean.txt"

RANDOM=43
for i in $(seq 1 "$KILLS"); do
    jitter=$((RANDOM % 15))
    percent=$(( (i * 90) / (KILLS + 1) + jitter ))
    delay=$(echo "scale=2; $clean_seconds * $percent / 100" | bc)
    "$BIN" ingest --quiet --db "$WORK/crash.db" "$WORK/ledger.csv" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then
        echo "kill $i: SIGKILL after ${delay}s"
    else
        echo "kill $i: run finished before ${delay}s"
    fi
    wait "$pid" 2>/dev/null || true
done
"$BIN" ingest --quiet --db "$WORK/crash.db" "$WORK/ledger.csv" >/dev/null
"$BIN" stats --db "$WORK/crash.db" --checksums > "$WORK/crash.txt"

if ! diff -u "$WORK/clean.txt" "$WORK/crash.txt"; then
    echo "FAIL: the resumed database differs from the uninterrupted one"
    exit 1
fi
integrity=$(sqlite3 "$WORK/crash.db" "PRAGMA integrity_check")
if [ "$integrity" != "ok" ]; then
    echo "FAIL: integrity check: $integrity"
    exit 1
fi
echo "crash-resume-csv: $KILLS kills, resumed database equals the uninterrupted one; integrity ok"
grep -E 'transfers|addresses|sources' "$WORK/crash.txt"
