#!/usr/bin/env bash
# libFuzzer targets for chainflow's decoders (Fuzz/*.swift; docs/robustness.md).
#
#   scripts/fuzz.sh build                 build every target into .build-fuzz/bin/
#   scripts/fuzz.sh run TARGET SECONDS    fuzz one target (builds and seeds it first)
#   scripts/fuzz.sh all SECONDS           fuzz every target in turn, SECONDS each
#   scripts/fuzz.sh list                  the target names
#   scripts/fuzz.sh replay TARGET FILE…   run inputs once (e.g. a crash) and exit
#
# FlowModel, FlowBitcoin, FlowIngest, FlowAnalysis and FlowRules are compiled straight from Sources/ with swiftc
# -sanitize=fuzzer,address (coverage + AddressSanitizer), without GRDB. swift-crypto (SHA-256) and
# Yams (the rule file's YAML) are built by SwiftPM in release mode and linked uninstrumented.
# Corpora, crashes and logs live under .build-fuzz/ (ignored by git); seeds come from SampleData/,
# ../shared/data (when present) and Fuzz/seeds/. Fuzzing runs at nice 19: the machine is shared.
# Environment: FUZZ_OUT (default .build-fuzz), FUZZ_DATA (default ../shared/data),
# FUZZ_JOBS_NICE (default 19).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${FUZZ_OUT:-$ROOT/.build-fuzz}
DATA=${FUZZ_DATA:-$ROOT/../shared/data}
NICE=${FUZZ_JOBS_NICE:-19}
SPM=$OUT/spm
TARGETS=(blocks hex corejson bitcoinetl ethetl transfercsv rules address)

max_len() {
    case $1 in
        blocks | hex) echo 131072 ;;
        corejson | bitcoinetl | ethetl) echo 65536 ;;
        transfercsv | rules) echo 8192 ;;
        address) echo 128 ;;
        *) echo 4096 ;;
    esac
}

build_deps() {
    if [ ! -f "$SPM/release/Modules/Crypto.swiftmodule" ]; then
        echo "== SwiftPM: swift-crypto (release)"
        nice -n "$NICE" swift build -c release --scratch-path "$SPM" --target Crypto >"$OUT/spm-crypto.log" 2>&1 \
            || { tail -20 "$OUT/spm-crypto.log"; exit 1; }
    fi
    if [ ! -f "$SPM/release/Modules/Yams.swiftmodule" ]; then
        echo "== SwiftPM: Yams (release)"
        nice -n "$NICE" swift build -c release --scratch-path "$SPM" --target Yams >"$OUT/spm-yams.log" 2>&1 \
            || { tail -20 "$OUT/spm-yams.log"; exit 1; }
    fi
}

# Objects of SwiftPM targets, e.g. `objects Crypto CCryptoBoringSSL`.
objects() {
    for t in "$@"; do find "$SPM/release/$t.build" -name '*.o'; done
}

build() {
    mkdir -p "$OUT/modules" "$OUT/obj" "$OUT/bin"
    build_deps
    local rel=$SPM/release checkouts=$SPM/checkouts
    local common=(
        -swift-version 6 -enable-upcoming-feature InternalImportsByDefault -package-name chainflow
        -parse-as-library -O -g -sanitize=fuzzer,address
        -I "$OUT/modules" -I "$rel/Modules" -module-cache-path "$OUT/module-cache"
        -Xcc "-fmodule-map-file=$checkouts/swift-crypto/Sources/CCryptoBoringSSLShims/include/module.modulemap"
        -Xcc -I -Xcc "$checkouts/swift-crypto/Sources/CCryptoBoringSSLShims/include"
        -Xcc "-fmodule-map-file=$checkouts/swift-crypto/Sources/CCryptoBoringSSL/include/module.modulemap"
        -Xcc -I -Xcc "$checkouts/swift-crypto/Sources/CCryptoBoringSSL/include"
        -Xcc "-fmodule-map-file=$checkouts/Yams/Sources/CYaml/include/module.modulemap"
        -Xcc -I -Xcc "$checkouts/Yams/Sources/CYaml/include"
    )
    for module in FlowModel FlowBitcoin FlowIngest FlowAnalysis FlowRules; do
        echo "== swiftc $module (fuzzer, address)"
        local sources=()
        while IFS= read -r f; do sources+=("$f"); done < <(find "Sources/$module" -name '*.swift' | sort)
        nice -n "$NICE" swiftc "${common[@]}" -module-name "$module" -wmo -emit-module \
            -emit-module-path "$OUT/modules/$module.swiftmodule" -c "${sources[@]}" -o "$OUT/obj/$module.o"
    done
    local crypto=() yams=()
    while IFS= read -r f; do crypto+=("$f"); done < <(objects Crypto CCryptoBoringSSL CCryptoBoringSSLShims CryptoBoringWrapper)
    while IFS= read -r f; do yams+=("$f"); done < <(objects Yams CYaml)
    for t in "${TARGETS[@]}"; do
        echo "== swiftc fuzz-$t"
        local extra=()
        # The rule file's reader is its own module (FlowRules), linked with Yams.
        [ "$t" = rules ] && extra=("$OUT/obj/FlowRules.o" "${yams[@]}")
        nice -n "$NICE" swiftc "${common[@]}" -use-ld=lld -module-name "fuzz_$t" "Fuzz/$t.swift" "${extra[@]}" \
            "$OUT/obj/FlowModel.o" "$OUT/obj/FlowBitcoin.o" "$OUT/obj/FlowIngest.o" "$OUT/obj/FlowAnalysis.o" "${crypto[@]}" \
            -o "$OUT/bin/fuzz-$t"
    done
}

# Seeds each target's corpus from the real samples (once; the corpus then grows by fuzzing).
seed() {
    local t=$1 dir=$OUT/corpus/$t
    mkdir -p "$dir"
    if [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then return; fi
    python3 - "$t" "$dir" "$ROOT" "$DATA" <<'PY'
import glob, hashlib, json, os, sys
target, out, root, data = sys.argv[1:5]
roots = [os.path.join(root, "SampleData")] + ([data] if os.path.isdir(data) else [])
cap = {"blocks": 131072, "hex": 131072}.get(target, 65536)

def files(*patterns):
    found = []
    for r in roots:
        for p in patterns:
            found += glob.glob(os.path.join(r, p), recursive=True)
    return sorted(set(found))

def put_one(blob):
    if not blob or len(blob) > cap:
        return
    name = hashlib.sha1(blob).hexdigest()
    with open(os.path.join(out, name), "wb") as f:
        f.write(blob)

def put(blob):
    """A seed and, for text targets, its CRLF and byte-order-mark copies (issue 14: Windows and
    Excel files). A transfercsv seed's first line is its mapping: the copies change the CSV after it."""
    if isinstance(blob, str):
        blob = blob.encode()
    put_one(blob)
    if target in ("blocks", "address") or b"\0" in blob[:1024]:
        return
    head, body = b"", blob
    if target == "transfercsv" and b"\n" in blob:
        head, body = blob.split(b"\n", 1)
        head += b"\n"
    lf = body.replace(b"\r\n", b"\n")
    put_one(head + lf.replace(b"\n", b"\r\n"))
    put_one(head + b"\xef\xbb\xbf" + body)

def read(path):
    with open(path, "rb") as f:
        return f.read()

def blk_frames(blob):
    """(magic, block) pairs of a blk*.dat file."""
    frames, i = [], 0
    while i + 8 <= len(blob) and blob[i:i + 4] != b"\0\0\0\0":
        n = int.from_bytes(blob[i + 4:i + 8], "little")
        frames.append((blob[i:i + 4], blob[i + 8:i + 8 + n]))
        i += 8 + n
    return frames

def raw_blocks():
    blocks = []
    for p in files("**/blk/*.dat"):
        blocks += [b for _, b in blk_frames(read(p))[:40]]
    for p in files("**/raw/*.raw", "**/core-json/*.raw"):
        blocks.append(read(p))
    return [b for b in blocks if len(b) <= cap]

if target == "blocks":
    for p in files("**/blk/*.dat"):
        blob = read(p)
        frames = blk_frames(blob)
        for magic, b in frames[:40]:
            put(magic + len(b).to_bytes(4, "little") + b)
        put(b"".join(m + len(b).to_bytes(4, "little") + b for m, b in frames[:3]) + b"\0" * 16)
        put(blob[:cap])
    for b in raw_blocks():
        put(b)
elif target == "hex":
    for p in files("**/*.hex"):
        put(read(p))
    blocks = raw_blocks()
    for b in blocks:
        put(b.hex())
    put("\n".join(b.hex() for b in blocks[:4]) + "\n")
    put("\r\n".join(b.hex().upper() for b in blocks[4:7]))
elif target == "corejson":
    for p in files("**/core-json/**/*.json", "**/rpc_response_*.json"):
        if not p.endswith(".truth.json"):
            put(read(p))
elif target == "bitcoinetl":
    for d in sorted({os.path.dirname(p) for p in files("**/expected_blocks.json")}):
        blocks = read(os.path.join(d, "expected_blocks.json"))
        put(blocks)
        tx = os.path.join(d, "expected_transactions.json")
        if os.path.exists(tx):
            put(read(tx))
            put(blocks.rstrip(b"\n") + b"\n" + read(tx))
elif target == "ethetl":
    for p in files("**/ethereum-etl/**/*.csv", "**/ethereum-etl/**/*.json"):
        put(read(p))
elif target == "transfercsv":
    for p in files("**/transfers/*.csv"):
        blob = read(p)
        put(b"amlsim\n" + blob)
        put(b"tx=tran_id,time=tran_timestamp,from=orig_acct,to=bene_acct+tx_type,amount=base_amt|2\n" + blob)
    for p in glob.glob(os.path.join(root, "Fuzz/seeds/transfercsv/*")):
        put(read(p))
elif target == "rules":
    for p in glob.glob(os.path.join(root, "Fuzz/seeds/rules/*")):
        put(read(p))
elif target == "address":
    for p in files("**/vectors/key_io_valid.json"):
        for case in json.loads(read(p)):
            if case and isinstance(case[0], str) and len(case[0]) <= 128:
                put(case[0])
    for p in files("**/watchlists/**/*.txt"):
        for line in read(p).decode(errors="replace").split("\n")[:40]:
            put(line.strip())
    # Key bytes: kind selector then program (see Fuzz/address.swift).
    put(bytes([17]) + bytes(range(20)))
    put(bytes([0]) + bytes(range(32)))
    put(bytes([1]) + bytes(range(32)))
PY
    echo "seeded $t: $(ls "$dir" | wc -l) inputs"
}

run() {
    local t=$1 seconds=$2
    [ -x "$OUT/bin/fuzz-$t" ] || build
    seed "$t"
    mkdir -p "$OUT/crashes/$t" "$OUT/logs"
    local log=$OUT/logs/$t.log
    echo "== fuzz-$t for ${seconds}s (log: $log)"
    local status=0
    nice -n "$NICE" "$OUT/bin/fuzz-$t" "$OUT/corpus/$t" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len="$(max_len "$t")" -print_final_stats=1 \
        -artifact_prefix="$OUT/crashes/$t/" >"$log" 2>&1 || status=$?
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
    grep -E '^#[0-9]+ +DONE' "$log" | tail -1 || true
    if [ "$status" -ne 0 ]; then
        echo "fuzz-$t stopped with status $status:"
        grep -E 'ERROR|SUMMARY|Fatal error|Test unit written' "$log" | head -20
        return "$status"
    fi
}

case ${1:-} in
    build) build ;;
    list) printf '%s\n' "${TARGETS[@]}" ;;
    run)
        [ $# -eq 3 ] || { echo "usage: $0 run TARGET SECONDS" >&2; exit 64; }
        [[ " ${TARGETS[*]} " == *" $2 "* ]] || { echo "unknown target '$2'; targets: ${TARGETS[*]}" >&2; exit 64; }
        run "$2" "$3"
        ;;
    all)
        [ $# -eq 2 ] || { echo "usage: $0 all SECONDS" >&2; exit 64; }
        failed=0
        for t in "${TARGETS[@]}"; do run "$t" "$2" || failed=1; done
        exit $failed
        ;;
    replay)
        [ $# -ge 3 ] || { echo "usage: $0 replay TARGET FILE..." >&2; exit 64; }
        t=$2
        shift 2
        [ -x "$OUT/bin/fuzz-$t" ] || build
        "$OUT/bin/fuzz-$t" -runs=1 "$@"
        ;;
    *)
        echo "usage: $0 build | run TARGET SECONDS | all SECONDS | list | replay TARGET FILE..." >&2
        exit 64
        ;;
esac
