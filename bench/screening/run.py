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
  3. DuckDB doing the same work as one SQL join (prefix, origin, port and enterprise joins, then every other
     criterion), on one thread and on all threads, and a check that it finds the same (item, rule) pairs as the
     engine (sampling rules before their sampling, which SQL does not reproduce).
Each timed part starts after a full collection of the cyclic garbage collector (generating the data leaves a
debt that would otherwise fall on whichever part runs first); collections that fall due during a part count.
Targets (issue 6): at least 500,000 items/s on one core, at least 100× the straightforward evaluator, faster
than the DuckDB join.

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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from riskgate.targeting.engine import (  # noqa: E402
    Engine,
    Item,
    naive,  # noqa: E402
    parse_item,
    parse_rule,
)
from riskgate.targeting.engine.fast import collector_paused  # noqa: E402

TARGET_RATE, TARGET_SPEEDUP = 500_000, 100
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


def pairs(results) -> set[tuple[str, int, str]]:
    return {(r["declaration_id"], r["item_no"], rule) for r in results for rule in r["matched_rules"]}


DUCKDB_SQL = """
WITH item_prefix AS (
    SELECT i.iid, substr(i.hs, 1, n) AS prefix FROM items i, range(2, 11) t(n) WHERE n <= length(i.hs)
), candidate AS (
    SELECT p.iid, h.rid FROM item_prefix p JOIN rule_hs h USING (prefix)
    UNION
    SELECT i.iid, o.rid FROM items i JOIN rule_origin o ON o.country = i.origin
        JOIN rules r ON r.rid = o.rid AND NOT r.has_hs
    UNION
    SELECT i.iid, p.rid FROM items i JOIN rule_port p ON p.port = i.port
        JOIN rules r ON r.rid = p.rid AND NOT r.has_hs AND NOT r.has_origin
    UNION
    SELECT e.iid, f.rid FROM item_firm e JOIN rule_firm f USING (firm)
        JOIN rules r ON r.rid = f.rid AND NOT r.has_hs AND NOT r.has_origin AND NOT r.has_port
    UNION
    SELECT i.iid, r.rid FROM items i, rules r
        WHERE NOT r.has_hs AND NOT r.has_origin AND NOT r.has_port AND NOT r.has_firm
)
SELECT c.iid, c.rid FROM candidate c JOIN items i USING (iid) JOIN rules r USING (rid)
WHERE (r.direction = 'any' OR r.direction = i.direction)
  AND (r.low IS NULL OR i.value >= r.low) AND (r.high IS NULL OR i.value <= r.high)
  AND (r.valid_from IS NULL OR i.at >= r.valid_from) AND (r.valid_to IS NULL OR i.at < r.valid_to)
  AND (NOT r.has_origin OR EXISTS (SELECT 1 FROM rule_origin o WHERE o.rid = r.rid AND o.country = i.origin))
  AND (NOT r.has_port OR EXISTS (SELECT 1 FROM rule_port p WHERE p.rid = r.rid AND p.port = i.port))
  AND (NOT r.has_firm OR EXISTS (SELECT 1 FROM rule_firm f JOIN item_firm e USING (firm)
                                 WHERE f.rid = r.rid AND e.iid = i.iid))
  AND (NOT r.has_keyword OR EXISTS (SELECT 1 FROM rule_keyword k WHERE k.rid = r.rid
                                    AND contains(i.description, k.keyword)))
"""


def duckdb_join(rules, items, threads: int | None):
    """Load rules and items into DuckDB (not timed), then time the join. Returns (seconds, pair set)."""
    import duckdb

    db = duckdb.connect()
    if threads:
        db.execute(f"SET threads = {threads}")
    db.execute("""CREATE TABLE rules (rid VARCHAR, direction VARCHAR, low DOUBLE, high DOUBLE, valid_from DOUBLE,
                  valid_to DOUBLE, has_hs BOOLEAN, has_origin BOOLEAN, has_port BOOLEAN, has_firm BOOLEAN,
                  has_keyword BOOLEAN)""")
    db.executemany(
        "INSERT INTO rules VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.id,
                r.direction,
                r.min_value,
                r.max_value,
                r.valid_from and r.valid_from.timestamp(),
                r.valid_to and r.valid_to.timestamp(),
                bool(r.hs_prefixes),
                bool(r.origin_countries),
                bool(r.ports),
                bool(r.enterprise_ids),
                bool(r.keywords),
            )
            for r in rules
        ],
    )
    for table, column, values in (
        ("rule_hs", "prefix", lambda r: r.hs_prefixes),
        ("rule_origin", "country", lambda r: r.origin_countries),
        ("rule_port", "port", lambda r: r.ports),
        ("rule_firm", "firm", lambda r: r.enterprise_ids),
        ("rule_keyword", "keyword", lambda r: r.keywords),
    ):
        db.execute(f"CREATE TABLE {table} (rid VARCHAR, {column} VARCHAR)")
        db.executemany(f"INSERT INTO {table} VALUES (?, ?)", [(r.id, v) for r in rules for v in set(values(r))])  # noqa: S608
    import numpy as np

    frame = {
        "iid": np.arange(len(items)),
        "direction": [i.direction for i in items],
        "hs": [i.hs_code for i in items],
        "origin": [i.origin_country for i in items],
        "port": [i.port for i in items],
        "description": [i.description for i in items],
        "value": np.array([i.value for i in items]),
        "at": np.array([i.at for i in items]),
    }
    firms = {
        "iid": np.array([n for n, i in enumerate(items) for _ in i.enterprise_ids]),
        "firm": [f for i in items for f in i.enterprise_ids],
    }
    db.register("item_frame", _frame(frame))
    db.register("firm_frame", _frame(firms))
    db.execute("CREATE TABLE items AS SELECT * FROM item_frame")
    db.execute("CREATE TABLE item_firm AS SELECT * FROM firm_frame")
    started = time.perf_counter()
    found = db.execute(DUCKDB_SQL).fetchall()
    seconds = time.perf_counter() - started
    keys = [(i.declaration_id, i.item_no) for i in items]
    return seconds, {(*keys[iid], rid) for iid, rid in found}


def _frame(columns: dict):
    """A column dict as something DuckDB can register: a pandas-free Arrow table if pyarrow is present, else a
    NumPy structured set of arrays through DuckDB's own dict-of-arrays support."""
    import numpy as np

    return {
        name: (values if isinstance(values, np.ndarray) else np.array(values, dtype=object))
        for name, values in columns.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=300)
    parser.add_argument("--latency-declarations", type=int, default=20_000)
    parser.add_argument("--duckdb-items", type=int, default=100_000, help="items given to the DuckDB join")
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

    sampling = {r.id for r in rules if r.action == "sample"}
    duck, some = {}, items[: args.duckdb_items]
    some_keys = {(i.declaration_id, i.item_no) for i in some}
    some_pairs = {p for p in pairs(results) if p[:2] in some_keys}
    for threads in (1, os.cpu_count() or 1):
        duck_seconds, duck_pairs = duckdb_join(rules, some, threads)
        duck[threads] = duck_seconds
        assert {p for p in duck_pairs if p[2] not in sampling} == {p for p in some_pairs if p[2] not in sampling}
        assert some_pairs <= duck_pairs, "DuckDB missed a pair the engine found"

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
    for threads, duck_seconds in duck.items():
        duck_rate = len(some) / duck_seconds
        verdict = "engine faster" if rate > duck_rate else "DuckDB FASTER"
        print(
            f"DuckDB join, {threads} thread{'s' if threads > 1 else ''}, {len(some):,} items: {duck_seconds:.2f} s = "
            f"{duck_rate:,.0f} items/s, same pairs ({verdict})"
        )


if __name__ == "__main__":
    main()
