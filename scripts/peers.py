#!/usr/bin/env python3
"""chainflow beside the tools a user would pick instead, on the same file, in the same minute.

Runs chainflow and the speed baselines of ../shared/peers (the C SQLite API loader, DuckDB's CSV
load and its recursive 6-hop trace) on the same generated transfers file, alternating which goes
first, and prints each run's whole-process wall time, the medians and the ratio of medians
(baseline seconds / chainflow seconds: above 1 chainflow is faster). These machines drift by 2x
between days, so only ratios measured in one sitting are comparable; docs/performance.md keeps
them with their date.

    scripts/peers.py [--n-tx 1000000] [--runs 3] [--work /tmp/chainflow-peers]
                     [--chainflow .build/release/chainflow] [--only ingest,trace]

Setup is done on first use and kept in --work: a Python venv with duckdb and numpy (pinned as in
../shared/peers/requirements.txt), the C baseline compiled with gcc (needs libsqlite3-dev), and
the generated file (gen_traffic.py: Ethereum-style hashes and addresses, a Zipf-like activity).

Pairs:
  ingest  `chainflow ingest` of the transfers CSV into a fresh database (indexes included)
          vs `sqlite_insert norm` (C: parse, intern addresses, insert normalized rows, build the
          (from, time) and (to, time) indexes) and DuckDB's CSV load (load_duckdb.py).
  trace   `chainflow trace --from sent:HUB --asset ETH --policy poison --hops 6 --format json`
          from the busiest sender (graph open included) vs DuckDB's recursive CTE 6-hop
          earliest-arrival reachability over the same transfers (trace_duckdb.py, CSV load
          included; its query time alone is shown too).
  bitcoin `chainflow ingest` of a generated chain of --n-tx transactions (blk files, `chainflow
          generate bitcoin`) beside `sqlite_insert synth-int` (the C floor of SQLite's per-row cost:
          as many integer rows as transactions): chainflow's tx/s, the C baseline's rows/s, and
          their quotient (tx per C row), which stays comparable between machines of different speed.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers"))
CSV_MAP = "tx=tx_id,time=timestamp,from=from_address,to=to_address,amount=amount,asset=asset"


def log(text):
    print(text, flush=True)


def pinned(names):
    """The requirement lines of ../shared/peers/requirements.txt for `names`."""
    out = []
    with open(os.path.join(PEERS, "requirements.txt")) as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#") and line.split("==")[0] in names:
                out.append(line)
    return out


def setup(work):
    os.makedirs(work, exist_ok=True)
    venv = os.path.join(work, "venv")
    python = os.path.join(venv, "bin", "python")
    ready = os.path.exists(python) and subprocess.run(
        [python, "-c", "import duckdb, numpy"], capture_output=True).returncode == 0
    if not ready:
        log(f"setting up {venv} (duckdb, numpy) …")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q"] + pinned({"duckdb", "numpy"}), check=True)
    loader = os.path.join(work, "sqlite_insert")
    if not os.path.exists(loader):
        log("compiling the C SQLite baseline …")
        subprocess.run(["gcc", "-O2", "-o", loader, os.path.join(PEERS, "c", "sqlite_insert.c"), "-lsqlite3"],
                       check=True)
    return python, loader


def generate(python, work, n_tx):
    data = os.path.join(work, "data")
    csv = os.path.join(data, f"transfers_{n_tx}.csv")
    if not os.path.exists(csv) or not os.path.exists(os.path.join(data, f"meta_{n_tx}.json")):
        log(f"generating {n_tx} transfers into {data} …")
        subprocess.run([python, os.path.join(PEERS, "gen_traffic.py"), "--n-tx", str(n_tx), "--out-dir", data,
                        "--skip-utxo"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(data, f"meta_{n_tx}.json")) as fh:
        return csv, json.load(fh)


def timed(argv, stdout=subprocess.DEVNULL):
    """Whole-process wall seconds and the baseline's RESULT record (if it printed one)."""
    start = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE,
                       text=True)
    seconds = time.perf_counter() - start
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(argv)}\n{p.stderr[-2000:]}")
    record = None
    for line in (p.stdout or "").splitlines():
        if line.startswith("RESULT "):
            record = json.loads(line[len("RESULT "):])
    return seconds, record


def remove(path):
    for suffix in ("", "-wal", "-shm", ".wal", ".lock"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def run_pairs(name, contenders, runs):
    """`contenders`: [(label, fn -> (seconds, note))], chainflow first. Alternates the order."""
    times = {label: [] for label, _ in contenders}
    notes = {label: [] for label, _ in contenders}
    for r in range(runs):
        order = contenders if r % 2 == 0 else list(reversed(contenders))
        for label, fn in order:
            seconds, note = fn()
            times[label].append(seconds)
            if note:
                notes[label].append(note)
    base = statistics.median(times[contenders[0][0]])
    log(f"\n{name}: whole-process seconds per run (alternating), median, baseline/chainflow")
    for label, _ in contenders:
        med = statistics.median(times[label])
        runs_text = ", ".join(f"{t:.2f}" for t in times[label])
        ratio = "" if label == contenders[0][0] else f"  ratio {med / base:.2f}"
        extra = f"  ({notes[label][-1]})" if notes[label] else ""
        log(f"  {label:<34} {runs_text:<28} median {med:6.2f} s{ratio}{extra}")
    return {label: times[label] for label, _ in contenders}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n-tx", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/chainflow-peers")
    ap.add_argument("--chainflow", default=os.path.join(ROOT, ".build", "release", "chainflow"))
    ap.add_argument("--only", default="ingest,trace", help="comma-separated: ingest, trace, bitcoin")
    a = ap.parse_args()
    only = set(a.only.split(","))
    if not os.path.isdir(PEERS):
        sys.exit(f"no baselines at {PEERS}")
    if not os.path.exists(a.chainflow):
        log("building chainflow (release) …")
        subprocess.run(["swift", "build", "-c", "release", "--product", "chainflow"], cwd=ROOT, check=True)
    python, loader = setup(a.work)
    csv, meta = generate(python, a.work, a.n_tx)
    hub = meta["busiest_sender"]
    cf_db = os.path.join(a.work, "chainflow.db")
    c_db = os.path.join(a.work, "c.db")
    duck_db = os.path.join(a.work, "load.duckdb")
    log(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {a.n_tx} transfers ({csv}), hub {hub}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    results = {}

    def chainflow_ingest():
        remove(cf_db)
        seconds, _ = timed([a.chainflow, "ingest", "--db", cf_db, "--format", "transfers-csv", "--map", CSV_MAP,
                            "--decimals", "6", csv])
        return seconds, f"{a.n_tx / seconds:,.0f} transfers/s"

    def c_ingest():
        remove(c_db)
        seconds, record = timed([loader, "norm", c_db, csv], stdout=None)
        return seconds, f"its own timer {record['seconds']:.2f} s" if record else None

    def duck_load():
        seconds, record = timed([python, os.path.join(PEERS, "load_duckdb.py"), csv, "--db", duck_db], stdout=None)
        return seconds, f"its own timer {record['seconds']:.2f} s" if record else None

    if "ingest" in only or not os.path.exists(cf_db):
        results["ingest"] = run_pairs("transfer-CSV ingest into a fresh database", [
            ("chainflow ingest", chainflow_ingest), ("C SQLite API (sqlite_insert norm)", c_ingest),
            ("DuckDB CSV load", duck_load)], a.runs)

    def chainflow_trace():
        seconds, _ = timed([a.chainflow, "trace", "--db", cf_db, "--from", f"sent:{hub}", "--asset", "ETH",
                            "--policy", "poison", "--hops", "6", "--format", "json"])
        return seconds, None

    def duck_trace():
        seconds, record = timed([python, os.path.join(PEERS, "trace_duckdb.py"), csv, "--k", "6", "--method", "cte"],
                                stdout=None)
        if record:
            return seconds, (f"query {record['seconds']:.2f} s, CSV load {record['extra']['load_seconds']:.2f} s, "
                             f"{record['extra']['reached']} reached")
        return seconds, None

    if "trace" in only:
        results["trace"] = run_pairs("6-hop trace from the hub, end to end", [
            ("chainflow trace (poison, ETH)", chainflow_trace), ("DuckDB recursive CTE", duck_trace)], a.runs)
    if "bitcoin" in only:
        chain = os.path.join(a.work, f"chain-{a.n_tx}")
        if not os.path.exists(os.path.join(chain, "truth.json")):
            log(f"generating a {a.n_tx}-transaction chain into {chain} …")
            subprocess.run([a.chainflow, "generate", "bitcoin", "--txs", str(a.n_tx), "--out", chain], check=True,
                           stdout=subprocess.DEVNULL)
        btc_db = os.path.join(a.work, "bitcoin.db")
        int_db = os.path.join(a.work, "synth-int.db")

        def chainflow_bitcoin():
            remove(btc_db)
            seconds, _ = timed([a.chainflow, "ingest", "--db", btc_db, chain])
            return seconds, f"{a.n_tx / seconds:,.0f} tx/s"

        def c_synth():
            remove(int_db)
            seconds, record = timed([loader, "synth-int", int_db, str(a.n_tx)], stdout=None)
            return seconds, f"{record['rate_per_s']:,.0f} rows/s by its own timer" if record else None

        times = run_pairs("Bitcoin ingest of a generated chain beside SQLite's integer-row floor", [
            ("chainflow ingest (blk files)", chainflow_bitcoin), ("C SQLite API (sqlite_insert synth-int)", c_synth)],
            a.runs)
        results["bitcoin"] = times
        tx_per_s = a.n_tx / statistics.median(times["chainflow ingest (blk files)"])
        rows_per_s = a.n_tx / statistics.median(times["C SQLite API (sqlite_insert synth-int)"])
        log(f"  chainflow {tx_per_s:,.0f} tx/s, C {rows_per_s:,.0f} integer rows/s (whole process): "
            f"{tx_per_s / rows_per_s:.3f} tx per C row")
    with open(os.path.join(a.work, "results.jsonl"), "a") as fh:
        fh.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "n_tx": a.n_tx,
                             "seconds": results}) + "\n")


if __name__ == "__main__":
    main()
