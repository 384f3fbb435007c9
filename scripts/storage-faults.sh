#!/usr/bin/env bash
# Storage faults: a disk that fills up during an ingest, and a database in a read-only folder.
#
#   scripts/storage-faults.sh [path/to/chainflow] [transactions]
#
# Disk full: the ingest writes to a tmpfs smaller than the database. It must stop with exit 74 and
# "the disk is full"; the database left there must pass SQLite's integrity check and hold whole
# blocks only; moved to a roomy folder and re-ingested, it must equal an uninterrupted run's
# (per-table checksums).
# Read-only folder: a finished database bind-mounted read-only. Every read command must work on it
# (stats, tx, address, trace, cluster show, cluster flows, aml run --dry-run), with the same
# checksums; writing commands (ingest, aml run, cluster run) must fail with exit 74 and say why.
#
# Both need mount(2): run as root (CI is). Elsewhere the script says so and skips.
set -euo pipefail
BIN=${1:-.build/release/chainflow}
TXS=${2:-100000}
WORK=$(mktemp -d /tmp/chainflow-storage.XXXXXX)
MOUNTS=()
cleanup() {
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}

mkdir -p "$WORK/probe"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=1m tmpfs "$WORK/probe" 2>/dev/null; then
    echo "storage-faults: skipped (mounting a small tmpfs and a read-only bind mount needs root)"
    exit 0
fi
umount "$WORK/probe"

"$BIN" generate bitcoin --txs "$TXS" --seed 5 --out "$WORK/chain" >/dev/null
FILES=("$WORK"/chain/blk*.dat)
"$BIN" ingest --quiet --db "$WORK/clean.db" "${FILES[@]}" >/dev/null
"$BIN" stats --db "$WORK/clean.db" --checksums >"$WORK/clean.txt"
clean_blocks=$(sqlite3 "$WORK/clean.db" "SELECT count(*) FROM blocks")
db_bytes=$(stat -c %s "$WORK/clean.db")

# --- Disk full: a tmpfs a third the size of the finished database.
mkdir -p "$WORK/full"
size_kb=$((db_bytes / 3 / 1024))
mount -t tmpfs -o size=${size_kb}k tmpfs "$WORK/full"
MOUNTS+=("$WORK/full")
status=0
"$BIN" ingest --quiet --db "$WORK/full/x.db" "${FILES[@]}" >/dev/null 2>"$WORK/full.err" || status=$?
echo "disk full (${size_kb} KiB tmpfs): exit $status: $(cat "$WORK/full.err")"
[ "$status" = 74 ] || fail "expected exit 74 on a full disk, got $status"
grep -q "the disk is full" "$WORK/full.err" || fail "the error does not say the disk is full"
integrity=$(sqlite3 "$WORK/full/x.db" "PRAGMA integrity_check")
[ "$integrity" = ok ] || fail "integrity check after disk full: $integrity"
kept=$(sqlite3 "$WORK/full/x.db" "SELECT count(*) FROM blocks")
partial=$(sqlite3 "$WORK/full/x.db" \
    "SELECT count(*) FROM blocks b WHERE tx_count != (SELECT count(*) FROM transactions t WHERE t.block_id = b.id)")
[ "$partial" = 0 ] || fail "$partial block(s) with missing transactions after disk full"
echo "disk full: integrity ok, $kept of $clean_blocks blocks kept, each whole"
mkdir -p "$WORK/moved"
cp "$WORK/full"/x.db* "$WORK/moved/"
"$BIN" ingest --quiet --db "$WORK/moved/x.db" "${FILES[@]}" >/dev/null
"$BIN" stats --db "$WORK/moved/x.db" --checksums >"$WORK/moved.txt"
diff -u "$WORK/clean.txt" "$WORK/moved.txt" || fail "resumed after disk full, the database differs from an uninterrupted run"
echo "disk full: moved and resumed, equal to an uninterrupted run"

# --- Read-only folder: a finished, clustered database behind a read-only bind mount.
mkdir -p "$WORK/evidence" "$WORK/ro"
cp "$WORK/clean.db" "$WORK/evidence/case.db"
"$BIN" cluster run --db "$WORK/evidence/case.db" >/dev/null
"$BIN" stats --db "$WORK/evidence/case.db" --checksums >"$WORK/evidence.txt"
txid=$(sqlite3 "$WORK/evidence/case.db" "SELECT lower(hex(txid)) FROM transactions ORDER BY id LIMIT 1 OFFSET 500")
address=$(sqlite3 "$WORK/evidence/case.db" "SELECT address FROM addresses ORDER BY id LIMIT 1 OFFSET 100")
mount --bind "$WORK/evidence" "$WORK/ro"
MOUNTS=("$WORK/ro" "${MOUNTS[@]}")
mount -o remount,ro,bind "$WORK/ro"
touch "$WORK/ro/probe" 2>/dev/null && fail "the bind mount is writable"
DB=$WORK/ro/case.db
run_read() {
    local out
    if ! out=$("$BIN" "$@" 2>&1 >/dev/null); then
        fail "read command on a read-only folder failed: chainflow $*: $out"
    fi
    echo "read-only folder: chainflow $1 $2: ok"
}
run_read stats --db "$DB"
run_read tx --db "$DB" "$txid"
run_read address --db "$DB" "$address"
run_read trace --db "$DB" --from "$txid:0" --hops 3
run_read cluster show --db "$DB" "$address"
run_read cluster flows --db "$DB" "$address"
run_read aml run --db "$DB" --dry-run
"$BIN" stats --db "$DB" --checksums >"$WORK/ro.txt"
diff -u "$WORK/evidence.txt" "$WORK/ro.txt" || fail "checksums differ on the read-only mount"
run_write() {
    local status=0
    "$BIN" "$@" >/dev/null 2>"$WORK/ro.err" || status=$?
    [ "$status" = 74 ] || fail "chainflow $* on a read-only folder: expected exit 74, got $status: $(cat "$WORK/ro.err")"
    grep -q "read-only" "$WORK/ro.err" || fail "chainflow $*: the error does not say read-only: $(cat "$WORK/ro.err")"
    echo "read-only folder: chainflow $1 refused: $(head -1 "$WORK/ro.err")"
}
run_write ingest --quiet --db "$DB" "${FILES[@]}"
run_write ingest --quiet --db "$WORK/ro/new.db" "${FILES[@]}"
run_write aml run --db "$DB"
run_write cluster run --db "$DB"
integrity=$(sqlite3 "file:$DB?immutable=1" "PRAGMA integrity_check")
[ "$integrity" = ok ] || fail "integrity check on the read-only copy: $integrity"
echo "storage-faults: disk full and read-only folder reported clearly; nothing corrupted"
