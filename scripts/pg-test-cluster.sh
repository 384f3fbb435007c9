#!/bin/sh
# A throw-away PostgreSQL cluster for the PostgreSQL tests and measurements: `start` runs initdb in
# a new temporary folder as the `postgres` user, starts the server on a free local port (TCP on
# 127.0.0.1 and a socket in that folder) and creates the database `chainflow_test`; it prints
# `export CHAINFLOW_TEST_POSTGRES_URL=…` and `export CHAINFLOW_TEST_POSTGRES_DIR=…` for `eval`.
# `stop DIR` stops that cluster and removes its folder. Settings: PostgreSQL's defaults, except
# fsync=off and synchronous_commit=off when CHAINFLOW_PG_FAST=1 (throw-away data only).
set -eu

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "pg-test-cluster: no PostgreSQL server here (apt-get install postgresql)" >&2
    exit 69
fi

as_postgres() {
    if [ "$(id -un)" = postgres ]; then sh -c "$1"; else su postgres -s /bin/sh -c "$1"; fi
}

case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/chainflow-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -un)" = postgres ] || chown postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    extra=""
    if [ "${CHAINFLOW_PG_FAST:-0}" = 1 ]; then extra="-c fsync=off -c synchronous_commit=off"; fi
    as_postgres "$bin/initdb -D $dir/data -U postgres -A trust -E UTF8 --no-locale >$dir/initdb.log 2>&1"
    as_postgres "$bin/pg_ctl -D $dir/data -l $dir/server.log -w -t 60 -o \"-p $port -k $dir -c listen_addresses=127.0.0.1 $extra\" start >/dev/null"
    as_postgres "$bin/createdb -h 127.0.0.1 -p $port -U postgres chainflow_test"
    echo "export CHAINFLOW_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/chainflow_test"
    echo "export CHAINFLOW_TEST_POSTGRES_DIR=$dir"
    ;;
stop)
    dir=${2:?usage: pg-test-cluster.sh stop DIR}
    as_postgres "$bin/pg_ctl -D $dir/data -m fast -w stop >/dev/null" || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg-test-cluster.sh start | stop DIR" >&2
    exit 64
    ;;
esac
