"""Benchmark of the legal-inspection catalogue check at screening (issue 30 item 5, decision 0031): what it adds
to the engine's work per item, measured in one process on the same items, rounds alternated (this shared 2-CPU
machine spreads runs of one code by ±15 %, bench/RESULTS.md).

Usage:  .venv/bin/python bench/screening/catalogue.py [--rules 10000] [--items 200000] [--rounds 3]

The rules and items are bench/screening/run.py's (seeded, the real HS nomenclature). The catalogue: 4,000 of the
items' 10-digit HS codes and 200 of their 4-digit headings (the national catalogue holds some 4,600 codes), half of
the entries CCC; half of the items carry their certificate references. Each round screens every item in batches
of 10,000 with the engine alone, then with the engine and the check as the screening service applies it
(`services.screening.check_catalogue`), and the other way round in the next round. Printed: items/s of both in
each round, and the check's own cost per item.
"""

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from django_setup import setup

    setup()
    from run import generate

    from riskgate.targeting.engine import Engine, parse_item, parse_rule
    from riskgate.targeting.engine.catalogue import Catalogue, Entry
    from riskgate.targeting.services.screening import check_catalogue

    rules, payloads = generate(args.rules, args.items, raw=True)
    rng = random.Random(20261207)
    codes = sorted({p["hs_code"] for p in payloads})
    listed = rng.sample(codes, min(4000, len(codes)))
    headings = rng.sample(sorted({c[:4] for c in codes}), 200)
    entries = {c: Entry(True, n % 2 == 0) for n, c in enumerate(listed + headings)}
    catalogue = Catalogue(1, entries)
    for n, p in enumerate(payloads):
        if n % 2:
            p["certificates"] = [{"kind": "inspection", "number": "610120261234567890"},
                                 {"kind": "ccc", "number": "2024010911234567"}]  # fmt: skip
    items = [parse_item(p) for p in payloads]
    engine = Engine([parse_rule(r) for r in rules])
    batches = [(items[i : i + 10_000], payloads[i : i + 10_000]) for i in range(0, len(items), 10_000)]

    def engine_only() -> float:
        gc.collect()
        started = time.perf_counter()
        for batch, _ in batches:
            engine.screen(batch)
        return len(items) / (time.perf_counter() - started)

    checked_items = 0

    def with_check() -> float:
        nonlocal checked_items
        gc.collect()
        started = time.perf_counter()
        for batch, raw in batches:
            results = engine.screen(batch)
            check_catalogue(catalogue, raw, results)
            checked_items += sum(1 for r in results if any(str(m).startswith("CAT-") for m in r["matched_rules"]))
        return len(items) / (time.perf_counter() - started)

    def check_alone() -> float:
        results = [engine.screen(batch) for batch, _ in batches]
        gc.collect()
        started = time.perf_counter()
        for (_, raw), result in zip(batches, results, strict=True):
            check_catalogue(catalogue, raw, result)
        return (time.perf_counter() - started) / len(items) * 1e6

    alone, both = [], []
    for n in range(args.rounds):
        order = (engine_only, with_check) if n % 2 == 0 else (with_check, engine_only)
        for fn in order:
            (alone if fn is engine_only else both).append(fn())
        print(f"round {n + 1}: engine {alone[-1]:,.0f} items/s; engine + catalogue check {both[-1]:,.0f} items/s")
    cost = check_alone()
    print(
        f"catalogue: {len(entries):,} entries; {checked_items // args.rounds:,} of {len(items):,} items asked for a "
        f"document check each round"
    )
    print(
        f"engine alone median {statistics.median(alone):,.0f} items/s (runs {min(alone):,.0f}–{max(alone):,.0f}); "
        f"with the check median {statistics.median(both):,.0f} items/s; the check alone {cost:.2f} µs per item"
    )


if __name__ == "__main__":
    main()
