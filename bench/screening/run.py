"""Benchmark of the declaration-screening engine (riskgate.targeting.engine), with its peers measured in the same run.

Usage:  .venv/bin/python bench/screening/run.py [--rules 10000] [--items 1000000] [--naive-sample 300]

It generates (seeded, reproducible) N active control rules and M declaration items from the real HS
nomenclature (../shared/data/hs), then prints:
  1. the engine on one core (one process, one thread): items/s over all M items, and the p50/p99 latency of
     screening one declaration (1–10 items) in process;
  1a. what no engine written in Python can skip, timed the same way over the same items: read every field of
     every item, join the descriptions into one UTF-8 text to scan for keywords, build one result per item (no
     matching at all) — the ceiling on items/s for the engine's design on this machine;
  2. the straightforward evaluator (every rule against every item, naive.py) on a sample of items, scaled to
     items/s, and the engine's speed-up over it;
  3. the engine's query alone — `Engine.match` over the batches already loaded as columns (`Batch`), the (item,
     rule) pairs before sampling — against DuckDB's (riskgate.targeting.engine.sql: the same semantics as one
     query of hash joins, written as a careful DuckDB user would) over the same items already loaded as tables,
     on one thread and on two, rounds interleaved in this process (medians); both must find exactly the same
     pairs on every item;
  4. end to end, item objects to result dicts: the engine (1.) against DuckDB loading the items, querying and
     building the same results (checked equal to the engine's).
Each timed part starts after a full collection of the cyclic garbage collector (generating the data leaves a
debt that would otherwise fall on whichever part runs first); collections that fall due during a part count.
Targets: at least 500,000 items/s on one core and at least 100× the straightforward evaluator (issue 6); the
engine's query faster than DuckDB's on one core, query against query, and ahead end to end; 1,000,000 items/s
end to end on one core (issue 31's goal).

Distribution (what real control rules look like; see docs/decisions/0011-screening.md): 80 % of the rules name
HS prefixes (4, 6, 8 or 10 digits; any commodity alike), 90 % of those also origins, 30 % enterprises, some
keywords or value bounds;
the rest are anchored on enterprises (8 %), trade marks in the description (7 %), origins with a value bound
(3 %) or ports with a value bound (2 %). Actions: inspect, sample (5–30 %), document check, hold, reject.
Items: 10-digit codes under the 5,600 HS subheadings, popular commodities more frequent (weight 1/rank^0.6),
30 origin countries, 20 ports, 50,000 enterprises, descriptions of a trade mark (one of 20,000) and the HS text,
declared over 30 days inside every rule's validity.
"""

import argparse
import csv
import datetime as dt
import gc
import math
import os
import random
import statistics
import sys
import time
from itertools import accumulate
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from riskgate.targeting.engine import (  # noqa: E402
    Engine,
    Item,
    naive,  # noqa: E402
    parse_item,
    parse_rule,
)
from riskgate.targeting.engine.fast import Batch, collector_paused  # noqa: E402
from riskgate.targeting.engine.sql import SqlScreen  # noqa: E402

TARGET_RATE, TARGET_SPEEDUP, GOAL_RATE = 500_000, 100, 1_000_000
DESCRIPTION = Item._fields.index("description")
COUNTRIES = [
    "CN",
    "US",
    "DE",
    "JP",
    "KR",
    "VN",
    "IT",
    "FR",
    "TH",
    "IN",
    "MY",
    "ID",
    "TR",
    "GB",
    "NL",
    "ES",
    "BR",
    "AU",
    "NZ",
    "CA",
    "MX",
    "CL",
    "PL",
    "BE",
    "CH",
    "SE",
    "DK",
    "IE",
    "PH",
    "SG",
]
PORTS = [
    f"CN{code}"
    for code in [
        "SHA",
        "NGB",
        "SZX",
        "TAO",
        "TSN",
        "XMN",
        "CAN",
        "DLC",
        "LYG",
        "FOC",
        "NKG",
        "WUH",
        "CKG",
        "CTU",
        "XIY",
        "URC",
        "HRB",
        "KMG",
        "NNG",
        "HAK",
    ]
]
SUFFIXES = ["0000", "1000", "9000", "0090", "1090", "2000"]
BRANDS = ["Acme", "Nordwerk", "Sakura", "星河", "锂电", "Bébé", "Straße", "Kiddo", "万达", "Vita"]  # stems of marks


def hs_subheadings() -> list[tuple[str, str]]:
    shared = Path(os.environ.get("RISKGATE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    with open(shared / "hs" / "harmonized-system.csv", encoding="utf-8") as handle:
        return [(row["hscode"], row["description"]) for row in csv.DictReader(handle) if len(row["hscode"]) == 6]


def generate(n_rules: int, n_items: int, seed: int = 6, raw: bool = False):
    """Rules and items, parsed by the exchange format (or, with raw=True, as the JSON objects they come from)."""
    read_rule, read_item = (dict, dict) if raw else (parse_rule, parse_item)
    rng = random.Random(seed)
    subheadings = hs_subheadings()
    rng.shuffle(subheadings)
    weights = list(accumulate(1 / (k + 1) ** 0.6 for k in range(len(subheadings))))  # popular commodities
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    enterprises = [f"91{n:016d}" for n in range(50_000)]
    brands = [f"{rng.choice(BRANDS)}{n:05d}" for n in range(20_000)]  # trade marks in the descriptions
    # Rules ---------------------------------------------------------------------------------------------------
    rules = []
    for n in range(n_rules):
        rule: dict = {"id": f"R{n:05d}"}
        anchor = rng.random()
        if anchor < 0.80:
            prefixes = []
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                code = rng.choice(subheadings)[0] + rng.choice(SUFFIXES)
                prefixes.append(code[: rng.choices([4, 6, 8, 10], [15, 45, 30, 10])[0]])
            rule["hs_prefixes"] = prefixes
            if rng.random() < 0.9:
                rule["origin_countries"] = rng.sample(COUNTRIES, rng.choice([1, 1, 2]))
            if rng.random() < 0.3:
                rule["enterprise_ids"] = rng.sample(enterprises, rng.choice([1, 2, 5]))
            if rng.random() < 0.1:
                rule["keywords"] = [rng.choice(brands).casefold()]
        elif anchor < 0.88:
            rule["enterprise_ids"] = rng.sample(enterprises, rng.choice([1, 1, 3]))
        elif anchor < 0.95:
            rule["keywords"] = rng.sample(brands, rng.choice([1, 1, 2]))
            if rng.random() < 0.5:
                rule["origin_countries"] = rng.sample(COUNTRIES, 1)
        elif anchor < 0.98:
            rule["origin_countries"] = rng.sample(COUNTRIES, 1)
            rule["min_value"] = rng.choice([200_000, 500_000])
        else:
            rule["ports"] = rng.sample(PORTS, 1)
            rule["min_value"] = rng.choice([200_000, 500_000])
        if rng.random() < 0.2:
            rule["max_value"] = max(rng.choice([1_000, 10_000, 1_000_000]), rule.get("min_value", 0))
        rule["direction"] = rng.choice(["import", "import", "import", "export", "any"])
        rule["valid_from"] = (start - dt.timedelta(days=rng.randint(1, 300))).isoformat()
        if rng.random() < 0.5:
            rule["valid_to"] = (start + dt.timedelta(days=rng.randint(31, 400))).isoformat()
        rule["action"] = rng.choices(["inspect", "sample", "document_check", "hold", "reject"], [40, 25, 20, 10, 5])[0]
        if rule["action"] == "sample":
            rule["sampling_rate"] = rng.choice([0.05, 0.1, 0.2, 0.3])
        rules.append(read_rule(rule))
    # Items ---------------------------------------------------------------------------------------------------
    items, declaration, item_no, size = [], 0, 0, 0
    for _ in range(n_items):
        if item_no == size:
            declaration, item_no, size = declaration + 1, 0, rng.randint(1, 10)
            firm = rng.sample(enterprises, rng.choice([1, 1, 2]))
            port, origin = rng.choice(PORTS), rng.choice(COUNTRIES[:12] if rng.random() < 0.8 else COUNTRIES)
            moment = start + dt.timedelta(seconds=rng.randint(0, 30 * 86400))
            direction = "import" if rng.random() < 0.7 else "export"
        item_no += 1
        code, text = rng.choices(subheadings, cum_weights=weights)[0]
        items.append(
            read_item(
                {
                    "declaration_id": f"2026{declaration:014d}",
                    "item_no": item_no,
                    "direction": direction,
                    "hs_code": code + rng.choice(SUFFIXES),
                    "origin_country": origin,
                    "enterprise_ids": firm,
                    "port": port,
                    "description": f"{rng.choice(brands)} {text[:120]}",
                    "value": round(math.exp(rng.gauss(8, 2)), 2),
                    "declared_at": moment.isoformat(),
                }
            )
        )
    return rules, items


def unavoidable(batch: list) -> list[dict]:
    """What any engine written in Python does with a batch whatever its design: every field read, the
    descriptions joined into one text for the keyword scan, one result per item; nothing is matched."""
    fields = tuple(zip(*batch, strict=True))
    "\x00".join(fields[DESCRIPTION]).encode("utf-8", "surrogatepass")
    return [
        {"declaration_id": declaration, "item_no": k, "matched_rules": (), "action": "release"}
        for declaration, k in zip(fields[0], fields[1], strict=True)
    ]


def declarations(items):
    grouped, current = [], []
    for item in items:
        if current and item.declaration_id != current[0].declaration_id:
            grouped.append(current)
            current = []
        current.append(item)
    if current:
        grouped.append(current)
    return grouped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=300)
    parser.add_argument("--latency-declarations", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the queries alone")
    args = parser.parse_args()

    started = time.perf_counter()
    rules, items = generate(args.rules, args.items)
    print(
        f"generated {len(rules):,} rules and {len(items):,} items in {time.perf_counter() - started:.1f} s "
        f"(parsed and checked by the exchange format)",
        flush=True,
    )

    started = time.perf_counter()
    engine = Engine(rules)
    build = time.perf_counter() - started

    # Each timed part starts with a full collection, so that none is charged with collecting what generating
    # the data left behind (a collection that comes due while 1,000,000 items are alive walks them all: 0.7–1 s
    # here). Collections that fall due during a part stay in its time.
    gc.collect()
    started = time.perf_counter()
    results = []
    for offset in range(0, len(items), 10_000):
        results += engine.screen(items[offset : offset + 10_000])
    seconds = time.perf_counter() - started
    rate = len(items) / seconds
    hits = sum(1 for r in results if r["matched_rules"])
    actions = {}
    for r in results:
        actions[r["action"]] = actions.get(r["action"], 0) + 1

    gc.collect()
    started = time.perf_counter()
    floor = []
    for offset in range(0, len(items), 10_000):
        with collector_paused():  # during each batch only, as Engine.screen does: the collections between count alike
            floor += unavoidable(items[offset : offset + 10_000])
    floor_rate = len(items) / (time.perf_counter() - started)
    del floor

    gc.collect()
    latencies = []  # per declaration: the engine keeps nothing from earlier batches, so any engine will do
    for group in declarations(items)[: args.latency_declarations]:
        t0 = time.perf_counter_ns()
        engine.screen(group)
        latencies.append((time.perf_counter_ns() - t0) / 1e6)
    cut = statistics.quantiles(latencies, n=100)

    sample = random.Random(1).sample(items, min(args.naive_sample, len(items)))
    started = time.perf_counter()
    expected = [naive.screen(rules, item) for item in sample]
    naive_rate = len(sample) / (time.perf_counter() - started)
    by_key = {(r["declaration_id"], r["item_no"]): r for r in results}
    assert all(by_key[(e["declaration_id"], e["item_no"])] == e for e in expected), "engine ≠ straightforward"

    # The query alone: the engine's batches loaded as columns first (the same batches of 10,000), DuckDB's items
    # loaded as its tables first, one database per thread count; rounds interleaved, medians.
    gc.collect()
    with collector_paused():
        started = time.perf_counter()
        batches = [Batch(items[offset : offset + 10_000]) for offset in range(0, len(items), 10_000)]
        for batch in batches:
            batch.text()
        engine_load = time.perf_counter() - started
    peers = {threads: SqlScreen(rules, threads) for threads in (1, 2)}
    duck_load = {}
    for threads, peer in peers.items():
        started = time.perf_counter()
        peer.load(items)
        duck_load[threads] = time.perf_counter() - started
    queries: dict[str, list] = {"engine": [], 1: [], 2: []}
    engine_pairs = duck_pairs = None
    for _ in range(args.rounds):
        gc.collect()
        with collector_paused():
            started = time.perf_counter()
            found = [engine.match(batch) for batch in batches]
            queries["engine"].append(time.perf_counter() - started)
        engine_pairs = found
        for threads, peer in peers.items():
            started = time.perf_counter()
            duck_pairs = peer.query()
            queries[threads].append(time.perf_counter() - started)
    count = len(rules)
    engine_set = np.concatenate(
        [found_ + offset * count for offset, found_ in zip(range(0, len(items), 10_000), engine_pairs, strict=True)]
    )
    engine_set.sort()
    duck_set = np.sort(duck_pairs[0] * count + duck_pairs[1])
    assert np.array_equal(engine_set, duck_set), "DuckDB and the engine found different (item, rule) pairs"
    del batches, found, engine_pairs
    ends = {}
    for threads, peer in peers.items():
        gc.collect()
        started = time.perf_counter()
        duck_results = peer.screen(items)
        ends[threads] = time.perf_counter() - started
        assert duck_results == results, "DuckDB's results differ from the engine's"
        del duck_results

    print(f"engine: {len(rules):,} rules compiled in {build * 1000:.0f} ms")
    print(
        f"engine, one core: {len(items):,} items in {seconds:.2f} s = {rate:,.0f} items/s "
        f"({hits:,} items hit; actions {dict(sorted(actions.items()))}) "
        f"(target ≥ {TARGET_RATE:,}: {'met' if rate >= TARGET_RATE else 'MISSED'})"
    )
    print(
        f"unavoidable work alone (every field read, descriptions joined, one result per item; no matching): "
        f"{floor_rate:,.0f} items/s"
    )
    print(
        f"engine, one declaration ({len(latencies):,} declarations of 1–10 items, in process): "
        f"p50 {cut[49]:.3f} ms, p99 {cut[98]:.3f} ms"
    )
    speedup = rate / naive_rate
    print(
        f"straightforward evaluator: {naive_rate:,.0f} items/s ({len(sample)} items × {len(rules):,} rules, "
        f"same results) → engine {speedup:,.0f}× (target ≥ {TARGET_SPEEDUP}×: "
        f"{'met' if speedup >= TARGET_SPEEDUP else 'MISSED'})"
    )
    engine_query = statistics.median(queries["engine"])
    print(
        f"loading {len(items):,} items as columns: engine (Batch) {len(items) / engine_load:,.0f} items/s; "
        + "; ".join(f"DuckDB, {t} thread{'s' if t > 1 else ''}, {len(items) / s:,.0f}" for t, s in duck_load.items())
    )
    print(
        f"query alone, same {len(engine_set):,} (item, rule) pairs before sampling, median of {args.rounds} "
        f"interleaved rounds: engine, one core {len(items) / engine_query:,.0f} items/s"
    )
    for threads in (1, 2):
        duck_query = statistics.median(queries[threads])
        verdict = "engine faster" if duck_query > engine_query else "DuckDB FASTER"
        print(
            f"  DuckDB, {threads} thread{'s' if threads > 1 else ''}: {len(items) / duck_query:,.0f} items/s "
            f"(engine on one core {duck_query / engine_query:.2f}× its speed: {verdict})"
        )
    print(f"end to end, item objects to the same result dicts: engine, one core {rate:,.0f} items/s")
    for threads, seconds_ in ends.items():
        verdict = "engine faster" if rate * seconds_ > len(items) else "DuckDB FASTER"
        print(
            f"  DuckDB, {threads} thread{'s' if threads > 1 else ''}: {len(items) / seconds_:,.0f} items/s ({verdict})"
        )
    print(f"end to end on one core, goal ≥ {GOAL_RATE:,}: {'met' if rate >= GOAL_RATE else 'MISSED'}")


if __name__ == "__main__":
    main()
