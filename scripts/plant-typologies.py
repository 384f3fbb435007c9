#!/usr/bin/env python3
"""Plant laundering typologies at realistic USD sizes into an Ethereum-style transfer CSV.

Reads a CSV with tx_id,timestamp,from_address,to_address,amount,asset (as written by
../shared/peers/gen_traffic.py: 6-decimal amounts, ETH/USDT/USDC) and writes the same rows plus
planted instances, sorted by time, and chainflow's labels.csv (instance_id,typology,members,
transactions) for `chainflow aml evaluate`. Prices: ETH 1,200 USD, stablecoins 1 (give the same to
`chainflow prices import`). Typologies: fan-in, fan-out, cycle (round trips, half of them out of
time order), peel-chain and structuring (just under 10,000 USD). Deterministic from --seed.

  python3 scripts/plant-typologies.py IN.csv OUT_DIR [--per-typology 20] [--seed 1]
"""
import argparse
import csv
import hashlib
import os
import random

PRICE = {"ETH": 1200.0, "USDT": 1.0, "USDC": 1.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("out_dir")
    ap.add_argument("--per-typology", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    with open(a.input, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    t0 = min(int(r[1]) for r in body)
    t1 = max(int(r[1]) for r in body)
    counter = [0]

    def fresh(kind):
        counter[0] += 1
        return "0x" + hashlib.sha256(f"plant/{a.seed}/{kind}/{counter[0]}".encode()).hexdigest()[: (40 if kind == "addr" else 64)]

    planted = []
    labels = []

    def add(instance, typology, members, legs):
        txs = []
        for (src, dst, usd, t, asset) in legs:
            tx = fresh("tx")
            units = usd / PRICE[asset]
            planted.append([tx, str(int(t)), src, dst, f"{units:.6f}", asset])
            txs.append(tx)
        labels.append([str(instance), typology, ";".join(members), ";".join(txs)])

    k = 0
    for typology in ["fan-in", "fan-out", "cycle", "peel-chain", "structuring"]:
        for _ in range(a.per_typology):
            k += 1
            asset = rng.choice(["ETH", "ETH", "USDT", "USDC"])
            start = rng.randint(t0 + 86_400, t1 - 10 * 86_400)
            hub = fresh("addr")
            if typology in ("fan-in", "fan-out"):
                n = rng.randint(8, 15)
                others = [fresh("addr") for _ in range(n)]
                legs = []
                for o in others:
                    usd = rng.uniform(2_000, 9_000)
                    t = start + rng.randint(0, 36 * 3600)
                    legs.append((o, hub, usd, t, asset) if typology == "fan-in" else (hub, o, usd, t, asset))
                add(k, typology, [hub] + others, legs)
            elif typology == "cycle":
                n = rng.randint(3, 5)
                ring = [hub] + [fresh("addr") for _ in range(n - 1)]
                usd = rng.uniform(10_000, 100_000)
                times = sorted(start + rng.randint(0, 10 * 86_400) for _ in range(n))
                if k % 2 == 0:
                    rng.shuffle(times)
                legs = []
                for i in range(n):
                    legs.append((ring[i], ring[(i + 1) % n], usd, times[i], asset))
                    usd *= rng.uniform(0.95, 0.99)
                add(k, typology, ring, legs)
            elif typology == "peel-chain":
                n = rng.randint(5, 10)
                usd = rng.uniform(50_000, 500_000)
                cur = hub
                t = start
                legs = [(fresh("addr"), cur, usd, t, asset)]
                members = [legs[0][0], cur]
                for _ in range(n):
                    t += rng.randint(600, 12 * 3600)
                    peel = usd * rng.uniform(0.03, 0.12)
                    nxt = fresh("addr")
                    exit_ = fresh("addr")
                    legs.append((cur, exit_, peel, t, asset))
                    legs.append((cur, nxt, usd - peel - usd * 0.001, t + 30, asset))
                    usd = usd - peel - usd * 0.001
                    members += [nxt, exit_]
                    cur = nxt
                add(k, typology, members, legs)
            else:  # structuring: 4-8 transfers just under 10,000 USD into one account within 5 days
                n = rng.randint(4, 8)
                senders = [fresh("addr") for _ in range(rng.randint(1, 3))]
                legs = [
                    (rng.choice(senders), hub, rng.uniform(9_100, 9_950), start + rng.randint(0, 5 * 86_400), "USDT")
                    for _ in range(n)
                ]
                add(k, typology, [hub] + senders, legs)
    out = body + planted
    out.sort(key=lambda r: int(r[1]))
    os.makedirs(a.out_dir, exist_ok=True)
    with open(os.path.join(a.out_dir, "transfers.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(out)
    with open(os.path.join(a.out_dir, "labels.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["instance_id", "typology", "members", "transactions"])
        w.writerows(labels)
    print(f"{len(body)} ordinary and {len(planted)} planted transfers ({len(labels)} instances) in {a.out_dir}")


if __name__ == "__main__":
    main()
