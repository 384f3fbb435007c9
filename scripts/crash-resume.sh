#!/usr/bin/env bash
# Crash-safety check: ingest a generated chain while killing the ingest with SIGKILL at random
# points, resume it, and require the final database to equal an uninterrupted run's (same row
# counts and per-table content checksums) and to pass SQLite's integrity check.
#
#   scripts/crash-resume.sh [path/to/chainflow] [transactions] [kills]
set -euo pipefail
BIN=${1:-.build/release/chainflow}
TXS=${2:-300000}
KILLS=${3:-4}
WORK=$(mktemp -d /tmp/chainflow-crash.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

"$BIN" generate bitcoin --txs "$TXS" --seed 11 --out "$WORK/chain" >/dev/null
FILES=("$WORK"/chain/blk*.dat)

start=$(date +%s.%N)
"$BIN" ingest --quiet --db "$WORK/clean.db" "${FILES[@]}" >/dev/null
clean_seconds=$(echo "$(date +%s.%N) - $start" | bc)
"$BIN" stats --db "$WORK/clean.db" --checksums > "$WORK/clean.txt"

# Kill points spread over the uninterrupted run's duration, with seeded jitter: each resumed run
# skips what the previous ones committed and is killed further along (late kills land in the
# index build at the end).
RANDOM=42
for i in $(seq 1 "$KILLS"); do
    jitter=$((RANDOM % 15))
    percent=$(( (i * 90) / (KILLS + 1) + jitter ))
    delay=$(echo "scale=2; $clean_seconds * $percent / 100" | bc)
    "$BIN" ingest --quiet --db "$WORK/crash.db" "${FILES[@]}" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then
        echo "kill $i: SIGKILL after ${delay}s"
    else
        echo "kill $i: run finished before ${delay}s"
    fi
    wait "$pid" 2>/dev/null || true
done
"$BIN" ingest --quiet --db "$WORK/crash.db" "${FILES[@]}" >/dev/null
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
echo "crash-resume: $KILLS kills, resumed database equals the uninterrupted one; integrity ok"
grep checksum "$WORK/crash.txt"
