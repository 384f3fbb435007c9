#!/usr/bin/env python3
"""Scaling evidence: ingest and analyse generated Bitcoin chains of several sizes.

usage: scripts/scale.py [--sizes 1000000,5000000,20000000] [--work /tmp/chainflow-scale]
                        [--chainflow .build/release/chainflow] [--keep]

For each size it generates a chain (`chainflow generate bitcoin --txs N`, once per size), ingests
it into a fresh database and runs the commands an investigator runs next, each as its own process
under /usr/bin/time (wall seconds and peak RSS):
  ingest        chainflow ingest --db DB CHAIN
  stats         chainflow stats --db DB --json
  trace (build) a 6-hop haircut trace from a busy address: the first trace writes the graph snapshot
  trace (open)  the same trace again: it opens the snapshot
  cluster run   chainflow cluster run --db DB
  aml run       chainflow aml run --db DB --dry-run
and prints per size: ingest tx/s, database and snapshot bytes, and each command's seconds and peak
RSS, with the slowest command. Each sitting is appended to WORK/scale.jsonl with its date, so
docs/performance.md can quote the figures with the command that measured them.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A busy address without scanning the whole outputs table: the most paid address among the last
# 200,000 outputs (a sample of the chain's recent activity).
BUSY_SQL = """-- Busy address: the most paid address among the last 200,000 outputs.
--
-- Columns:
--   address  the address
SELECT a.address FROM outputs o JOIN addresses a ON a.id = o.address_id
WHERE o.id > (SELECT MAX(id) FROM outputs) - 200000 AND o.address_id IS NOT NULL
GROUP BY o.address_id ORDER BY COUNT(*) DESC, o.address_id LIMIT 1
"""


def log(text):
    print(text, flush=True)


def timed(argv, capture=False):
    """Runs argv under /usr/bin/time; returns (seconds, peak RSS in MiB, stdout, stderr)."""
    stats_file = os.path.join(WORK, ".time")
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-o", stats_file, "-f", "%e %M"] + argv,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{proc.stderr[-2000:]}")
    with open(stats_file) as fh:
        fields = fh.read().split()
    rss_mib = int(fields[-1]) / 1024 if fields else float("nan")
    return wall, rss_mib, proc.stdout or "", proc.stderr or ""


def folder_bytes(path):
    if not os.path.exists(path):
        return 0
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def main():
    global WORK
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000000,5000000,20000000")
    ap.add_argument("--work", default="/tmp/chainflow-scale")
    ap.add_argument("--chainflow", default=os.path.join(ROOT, ".build", "release", "chainflow"))
    ap.add_argument("--keep", action="store_true", help="keep each size's database afterwards")
    a = ap.parse_args()
    WORK = a.work
    os.makedirs(WORK, exist_ok=True)
    cf = a.chainflow
    if not os.path.exists(cf):
        sys.exit(f"no chainflow at {cf}: swift build -c release --product chainflow")
    sitting = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cores": os.cpu_count(),
               "load": round(os.getloadavg()[0], 1), "sizes": {}}
    log(f"{sitting['time']}, {sitting['cores']} cores, load {sitting['load']}")
    query = os.path.join(WORK, "busy.sql")
    with open(query, "w") as fh:
        fh.write(BUSY_SQL)
    for n in [int(s) for s in a.sizes.split(",")]:
        chain = os.path.join(WORK, f"chain-{n}")
        if not os.path.exists(os.path.join(chain, "truth.json")):
            log(f"generating {n:,} transactions into {chain} …")
            subprocess.run([cf, "generate", "bitcoin", "--txs", str(n), "--out", chain], check=True,
                           stdout=subprocess.DEVNULL)
        db = os.path.join(WORK, f"scale-{n}.db")
        for suffix in ["", "-wal", "-shm", ".lock"]:
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        shutil.rmtree(db + ".graph", ignore_errors=True)
        rows = {}
        rows["ingest"] = timed([cf, "ingest", "--db", db, chain])[:2]
        rows["stats"] = timed([cf, "stats", "--db", db, "--json"])[:2]
        out = timed([cf, "query", "--db", db, "--file", query, "--format", "csv"], capture=True)[2]
        busy = [line for line in out.splitlines() if line.strip()][-1].strip().strip('"')
        trace = [cf, "trace", "--db", db, "--from", f"address:{busy}", "--policy", "haircut", "--hops", "6",
                 "--format", "json", "--timings"]
        loads = {}
        for name in ["trace (build)", "trace (open)"]:
            wall, rss, _, err = timed(trace)
            rows[name] = (wall, rss)
            m = re.search(r"load ([0-9.]+) s", err)
            loads[name] = float(m.group(1)) if m else None
        rows["cluster run"] = timed([cf, "cluster", "run", "--db", db])[:2]
        rows["aml run"] = timed([cf, "aml", "run", "--db", db, "--dry-run"])[:2]
        ingest_s = rows["ingest"][0]
        entry = {
            "tx_per_s": round(n / ingest_s),
            "database_bytes": folder_bytes(db) + folder_bytes(db + "-wal"),
            "snapshot_bytes": folder_bytes(db + ".graph"),
            "busy_address": busy,
            "trace_load_seconds": loads,
            "commands": {k: {"seconds": round(v[0], 3), "peak_rss_mib": round(v[1], 1)} for k, v in rows.items()},
        }
        sitting["sizes"][str(n)] = entry
        slowest = max((k for k in rows if k != "ingest"), key=lambda k: rows[k][0])
        log(f"\n{n:,} transactions: ingest {entry['tx_per_s']:,} tx/s, database {entry['database_bytes'] / 2**20:,.0f} MiB, "
            f"snapshot {entry['snapshot_bytes'] / 2**20:,.0f} MiB, busy address {busy}")
        for k, (s, r) in rows.items():
            extra = f" (load {loads[k]:.3f} s)" if loads.get(k) is not None else ""
            log(f"  {k:<14} {s:9.2f} s  {r:8.0f} MiB peak{extra}")
        log(f"  slowest after ingest: {slowest} ({rows[slowest][0]:.2f} s)")
        if not a.keep:
            for suffix in ["", "-wal", "-shm", ".lock"]:
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            shutil.rmtree(db + ".graph", ignore_errors=True)
    with open(os.path.join(WORK, "scale.jsonl"), "a") as fh:
        fh.write(json.dumps(sitting) + "\n")


if __name__ == "__main__":
    main()
