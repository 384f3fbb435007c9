#!/usr/bin/env bash
# Crash-safety check of the PostgreSQL backend: ingest a generated ledger into a PostgreSQL
# database while killing the ingest with SIGKILL (mid-COPY) at several points, resume it, and
# require the final database to equal an uninterrupted run's: row counts and md5 digests of every
# transfer, address and asset row in id order, and each source's progress.
#
#   scripts/crash-resume-pg.sh path/to/chainflow POSTGRES_URL [accounts] [kills]
# POSTGRES_URL names a database the script may create databases beside (CHAINFLOW_TEST_POSTGRES_URL).
set -euo pipefail
BIN=$1
BASE=$2
ACCOUNTS=${3:-20000}
KILLS=${4:-4}
WORK=$(mktemp -d /tmp/chainflow-crash-pg.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

"$BIN" generate ledger --accounts "$ACCOUNTS" --days 365 --out "$WORK/gen" --no-ingest >/dev/null
LEDGER=$WORK/gen/transactions.csv
suffix=$(date +%s)_$$
database() { # NAME -> URL of a new database NAME beside BASE
    psql -X -q -d "$BASE" -c "CREATE DATABASE $1"
    echo "${BASE%/*}/$1"
}
digest() { # URL -> one line per table: rows and md5 of the rows in id order
    psql -X -q -A -t -d "$1" <<'SQL'
SELECT 'transfers ' || COUNT(*) || ' ' || md5(string_agg(concat_ws('|', id, kind, tx, seq, from_id, to_id, asset_id, amount, time, block, status, source_id, line), ',' ORDER BY id)) FROM transfers;
SELECT 'addresses ' || COUNT(*) || ' ' || md5(string_agg(concat_ws('|', id, address, chain, kind), ',' ORDER BY id)) FROM addresses;
SELECT 'assets ' || COUNT(*) || ' ' || md5(string_agg(concat_ws('|', id, chain, symbol, contract, decimals), ',' ORDER BY id)) FROM assets;
SELECT 'sources ' || string_agg(concat_ws('|', id, format, size, bytes_done, rows_done, status), ',' ORDER BY id) FROM sources;
SQL
}

clean=$(database "cf_clean_$suffix")
start=$(date +%s.%N)
"$BIN" ingest --quiet --db "$clean" "$LEDGER" >/dev/null
clean_seconds=$(echo "$(date +%s.%N) - $start" | bc)
digest "$clean" > "$WORK/clean.txt"

crash=$(database "cf_crash_$suffix")
RANDOM=17
killed=0
for i in $(seq 1 "$KILLS"); do
    percent=$(( (i * 90) / (KILLS + 1) + RANDOM % 10 ))
    delay=$(echo "scale=2; $clean_seconds * $percent / 100" | bc)
    "$BIN" ingest --quiet --db "$crash" "$LEDGER" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
done
"$BIN" ingest --quiet --db "$crash" "$LEDGER" >/dev/null
digest "$crash" > "$WORK/crash.txt"
runs=$(psql -X -q -A -t -d "$crash" -c "SELECT COUNT(*) FROM runs WHERE status = 'running'")

if ! diff "$WORK/clean.txt" "$WORK/crash.txt"; then
    echo "crash-resume-pg: FAILED: the resumed database differs from an uninterrupted ingest" >&2
    exit 1
fi
echo "crash-resume-pg: ok: $killed of $KILLS ingests killed mid-load (clean ingest ${clean_seconds}s), resumed; $(head -1 "$WORK/clean.txt"); $runs runs left 'running' by the kills"
psql -X -q -d "$BASE" -c "DROP DATABASE cf_clean_$suffix" -c "DROP DATABASE cf_crash_$suffix"
