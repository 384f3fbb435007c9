#!/usr/bin/env python3
"""Writes a transfers CSV in which one account, HUB, takes part in N transfers (half received
from, half paid to 20,000 counterparties), plus N/10 transfers between the counterparties, and a
watchlist tagging 50 of them; for timing the address report of a hub (docs/performance.md).

    python3 scripts/hub-ledger.py 1000000 /tmp/hub
    chainflow ingest --db /tmp/hub/h.db --format transfers-csv \
        --map tx=id,time=ts,from=src,to=dst,amount=amt --decimals 2 --asset USD /tmp/hub/hub.csv
    chainflow tags import --db /tmp/hub/h.db /tmp/hub/watchlist.csv
    time chainflow address --db /tmp/hub/h.db HUB --format json --out /tmp/hub/report.json
"""
import os
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
out = sys.argv[2] if len(sys.argv) > 2 else "."
os.makedirs(out, exist_ok=True)
rng = random.Random(15)
accounts = 20_000
t = 1_700_000_000
with open(os.path.join(out, "hub.csv"), "w") as f:
    f.write("id,ts,src,dst,amt\n")
    k = 0
    for i in range(n + n // 10):
        t += rng.randrange(0, 30)
        cp = "ACC-%d" % rng.randrange(accounts)
        amount = "%d.%02d" % (rng.randrange(1, 100_000), rng.randrange(100))
        if i % 11 == 10:
            src, dst = cp, "ACC-%d" % rng.randrange(accounts)
        elif rng.random() < 0.5:
            src, dst = cp, "HUB"
        else:
            src, dst = "HUB", cp
        k += 1
        f.write("t%d,%d,%s,%s,%s\n" % (k, t, src, dst, amount))
with open(os.path.join(out, "watchlist.csv"), "w") as f:
    f.write("address,label,category\n")
    for i in range(0, accounts, accounts // 50):
        f.write("ACC-%d,listed %d,sanctions\n" % (i, i))
