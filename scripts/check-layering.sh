#!/bin/sh
# The layering of docs/architecture.md, checked by the code's own imports: each target may import
# only the modules listed for it, and SQL text lives in FlowStore alone. Prints every breach with
# its file and line; exits 1 when there is one.
set -eu
cd "$(dirname "$0")/.."
status=0

# allowed TARGET MODULE…: every `import X` in Sources/TARGET names one of the modules (or a system one).
allowed() {
    target=$1
    shift
    system="Foundation Dispatch Synchronization Glibc Darwin os"
    for file in $(find "Sources/$target" -name '*.swift'); do
        grep -nE '^(@[A-Za-z_]+ )*((public|package|internal|private|fileprivate) )?import ' "$file" |
            while IFS= read -r line; do
                module=$(printf '%s\n' "$line" | sed -E 's/^[0-9]+:.*import +((struct|class|enum|protocol|func|var|let|typealias) +)?([A-Za-z_][A-Za-z0-9_]*).*/\3/')
                ok=0
                for m in "$@" $system; do [ "$m" = "$module" ] && ok=1; done
                if [ $ok = 0 ]; then
                    echo "$file:${line%%:*}: $target may not import $module"
                    echo breach >> "$tmp"
                fi
            done
    done
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
allowed FlowModel
allowed FlowBitcoin FlowModel Crypto
allowed FlowAnalysis FlowModel
allowed FlowIngest FlowModel FlowBitcoin Crypto
allowed FlowSim FlowModel FlowBitcoin
allowed FlowStore FlowModel FlowBitcoin GRDB GRDBSQLite
allowed FlowPostgres FlowModel FlowStore PostgresNIO NIOCore NIOPosix Logging
allowed FlowReport FlowModel FlowAnalysis
allowed FlowRules FlowModel FlowAnalysis Yams
allowed FlowServe FlowKit FlowReport FlowModel Hummingbird Crypto
allowed chainflow FlowKit FlowReport FlowModel FlowServe ArgumentParser

# SQL statements in Swift string literals outside the store targets (FlowStore: SQLite, FlowPostgres).
grep -rnE '"[^"]*\b(SELECT [^"]*FROM|INSERT INTO|CREATE (TABLE|INDEX|VIEW)|DELETE FROM|UPDATE [a-z_]+ SET)\b' \
    --include='*.swift' Sources | grep -v -e '^Sources/FlowStore/' -e '^Sources/FlowPostgres/' | while IFS= read -r line; do
    echo "${line%%:*}:$(printf '%s' "$line" | cut -d: -f2): SQL outside FlowStore"
    echo breach >> "$tmp"
done

if [ -s "$tmp" ]; then
    echo "layering: $(wc -l < "$tmp") breach(es)"
    exit 1
fi
echo "layering: every target imports only what docs/architecture.md allows; no SQL outside FlowStore and FlowPostgres"
