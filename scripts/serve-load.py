#!/usr/bin/env python3
"""Concurrent load on `chainflow serve`: C clients on loopback, each sending R requests one after
another (keep-alive) from a fixed mix of API routes over random accounts of a ledger database,
then p50/p90/p99/max latency, errors (any status but 200, any failed connection) and the
server's memory (VmRSS sampled every 0.2 s, and VmHWM at the end).

    scripts/serve-load.py CHAINFLOW DB [--clients 200] [--requests 10] [--accounts 20000]

The database is the 1,000,000-transfer hub ledger of docs/performance.md (`scripts/hub-ledger.py`:
accounts ACC-1…ACC-N, transfers t1…); the route mix leaves out the hub's own address report,
which is timed on its own. The client is Python threads: its own overhead is in the figures.
"""
import argparse
import http.client
import random
import re
import statistics
import subprocess
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("chainflow")
ap.add_argument("db")
ap.add_argument("--clients", type=int, default=200)
ap.add_argument("--requests", type=int, default=10)
ap.add_argument("--accounts", type=int, default=20000)
ap.add_argument("--transfers", type=int, default=1000000)
args = ap.parse_args()

server = subprocess.Popen([args.chainflow, "serve", "--db", args.db, "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
line = server.stdout.readline()
m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
if not m:
    raise SystemExit("no URL from chainflow serve: " + line)
port = int(m.group(1))


def rss(kind):
    for row in open(f"/proc/{server.pid}/status"):
        if row.startswith(kind + ":"):
            return int(row.split()[1])
    return 0


def route(rng):
    a = f"ACC-{rng.randint(1, args.accounts)}"
    b = f"ACC-{rng.randint(1, args.accounts)}"
    return rng.choice([
        f"/api/v1/address/{a}",
        f"/api/v1/neighbors/{a}?direction=out&limit=10",
        f"/api/v1/tx/t{rng.randint(1, args.transfers)}",
        f"/api/v1/search?q=ACC-{rng.randint(1, 999)}&limit=5",
        f"/api/v1/links?from={a}&to=HUB",
        f"/api/v1/links?from={a}&to={b}",
    ])


latencies, errors, kinds = [], [], {}
lock = threading.Lock()
start_gate = threading.Barrier(args.clients + 1)


def client(n):
    rng = random.Random(n)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start_gate.wait()
    for _ in range(args.requests):
        path = route(rng)
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            ok = r.status == 200 and len(body) > 0
            status = r.status
        except Exception as e:  # a refused or dropped connection is an error, counted
            ok, status = False, repr(e)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        dt = time.perf_counter() - t
        with lock:
            latencies.append(dt)
            kinds.setdefault(path.split("/")[3].split("?")[0], []).append(dt)
            if not ok:
                errors.append((path, status))
    conn.close()


peak = [0]
done = threading.Event()


def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss("VmRSS"))
        time.sleep(0.2)


idle = rss("VmRSS")
sampler = threading.Thread(target=sample)
sampler.start()
threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
for t in threads:
    t.start()
t0 = time.perf_counter()
start_gate.wait()
for t in threads:
    t.join()
wall = time.perf_counter() - t0
done.set()
sampler.join()
hwm = rss("VmHWM")
after = rss("VmRSS")

# The hub's own address report, alone (the heaviest document: 1,000,000 transfers).
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
t = time.perf_counter()
conn.request("GET", "/api/v1/address/HUB")
r = conn.getresponse()
r.read()
hub = time.perf_counter() - t
server.terminate()
server.wait()


def q(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


n = len(latencies)
print(f"{args.clients} clients x {args.requests} requests = {n} in {wall:.1f} s ({n / wall:.0f} req/s), "
      f"errors {len(errors)}")
print(f"latency p50 {q(latencies, .5) * 1000:.0f} ms, p90 {q(latencies, .9) * 1000:.0f} ms, "
      f"p99 {q(latencies, .99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
for k in sorted(kinds):
    v = kinds[k]
    print(f"  {k:10} {len(v):5}  p50 {statistics.median(v) * 1000:6.0f} ms  p99 {q(v, .99) * 1000:6.0f} ms")
print(f"server memory: idle {idle / 1024:.0f} MiB, peak sampled {peak[0] / 1024:.0f} MiB, VmHWM {hwm / 1024:.0f} MiB, "
      f"after {after / 1024:.0f} MiB")
print(f"hub address report alone: {hub:.2f} s, status {r.status}")
for e in errors[:5]:
    print("error:", e)
