"""Benchmark of traceability (issue 30 acceptance): capture of 100,000 events validated against GS1's EPCIS 2.0
schema (target ≥ 2,000 events/s), and the chain query of one batch among 10,000,000 stored events (target p95
< 50 ms), on SQLite and on PostgreSQL.

Usage:
  .venv/bin/python bench/trace/run.py [--engine sqlite|postgresql] [--events 10000000] [--capture 100000] [--fresh]

The run builds its own database (SQLite var/bench-trace.sqlite3, or the PostgreSQL database riskgate_bench_trace on
PGHOST, trust auth; built once and reused, --fresh rebuilds): the demo's organisations and accounts, then the
stored history, written by the database itself (a recursive CTE / generate_series): 1,000,000 batches of 1,000
products (GTINs), ten events each — commissioning, inspecting, shipping, an AggregationEvent that packs the batch
on a pallet (an SSCC shared by 20 batches), then arriving, the import declaration, receiving, storing, selling,
and a sensor report — every event with its body, one index row per identifier (the aggregation two).

Then:
  capture — 100 EPCISDocuments of 1,000 new events each (ObjectEvents naming a lot, every tenth an
    AggregationEvent) through `trace.services.capture` (schema validation, the eventID check, the inserts, the
    audit record, one transaction per document); the figure is events/s over the whole run. The peer: the same
    rows inserted by the same bulk path without validation (what validation and the checks cost).
  chain — 1,000 batches drawn at random (seed 20261207): `trace.queries.chain` for the warning office's officer
    (the four indexed reads of the chain, the events, the warnings and recalls that cover it); p50 and p95.
    The peer: one SQL statement (the item's events and its pallets' events, a UNION of index joins), checked to
    return the same events.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
SQLITE = ROOT / "var" / "bench-trace.sqlite3"
PG = "riskgate_bench_trace"
BATCH_EVENTS = 10
PALLET = 20
PRODUCTS = 1000
STEPS = ["commissioning", "inspecting", "shipping", "packing", "arriving", "entering_exiting", "receiving", "storing",
         "retail_selling", "sensor_reporting"]  # fmt: skip
STAGES = ["production", "inspection", "logistics", "logistics", "logistics", "declaration", "logistics", "logistics",
          "sale", "logistics"]  # fmt: skip


def pg_url() -> str:
    host, port = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432")
    psql = ["psql", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres"]
    exists = subprocess.run([*psql, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{PG}'"],
                            capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run([*psql, "-qc", f"CREATE DATABASE {PG} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
                        "LC_CTYPE 'C.UTF-8' TEMPLATE template0"], check=True)  # fmt: skip
    return f"postgres://postgres@{host}:{port}/{PG}"


def gtin(product: int) -> str:
    from riskgate.trace.epcis import check_digit

    body = f"0690{product:09d}"
    return body + check_digit(body)


def lgtin(product: int, lot: str) -> str:
    # company prefix 690 + 4 digits (7), indicator 0 + item reference 5 digits: GTIN 0 690pppp ppppp c
    digits = f"{product:09d}"
    return f"urn:epc:class:lgtin:690{digits[:4]}.0{digits[4:]}.{lot}"


def fill(events: int) -> None:
    """The stored history, written by the database in chunks of 1,000,000 events."""
    from django.db import connection

    from riskgate.accounts.models import Organisation
    from riskgate.trace.models import Capture

    org = Organisation.objects.get(code="ent-xian-trading")
    capture = Capture.objects.create(organisation=org, events=events, digest="0" * 64, document_id="bench history")
    products = [(p, gtin(p)) for p in range(PRODUCTS)]
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_products")
        cursor.execute("CREATE TABLE bench_products (p integer PRIMARY KEY, gtin varchar(14), prefix varchar(20))")
        cursor.executemany(
            "INSERT INTO bench_products VALUES (%s, %s, %s)",
            [(p, g, f"690{p:09d}"[:7] + ".0" + f"{p:09d}"[4:]) for p, g in products],
        )
        steps = "', '".join(STEPS)
        stages = "', '".join(STAGES)
        if vendor == "sqlite":
            cursor.execute("PRAGMA synchronous = OFF")
            series = "WITH RECURSIVE n(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM n WHERE i < {hi}) SELECT i FROM n"
            step_of = f"json_extract('{json.dumps(STEPS)}', '$[' || (i % {BATCH_EVENTS}) || ']')"
            stage_of = f"json_extract('{json.dumps(STAGES)}', '$[' || (i % {BATCH_EVENTS}) || ']')"
            moment = (
                "strftime('%Y-%m-%d %H:%M:%S', '2021-01-01', '+' || (i / 10 * 40 + (i % 10) * 3600 * 24) || ' seconds')"
            )
            text = "CAST(i AS TEXT)"
            concat = "||"
        else:
            series = "SELECT i FROM generate_series({lo}::bigint, {hi}::bigint) AS g(i)"
            step_of = f"(ARRAY['{steps}'])[i % {BATCH_EVENTS} + 1]"
            stage_of = f"(ARRAY['{stages}'])[i % {BATCH_EVENTS} + 1]"
            moment = "TIMESTAMPTZ '2021-01-01 00:00:00+00' + make_interval(secs => i / 10 * 40 + (i % 10) * 86400)"
            text = "i::text"
            concat = "||"
        lot = f"'L' {concat} {text.replace('i', '(i / 10)')}"
        kind = "CASE WHEN i % 10 = 3 THEN 'AggregationEvent' ELSE 'ObjectEvent' END"
        body = (
            f'\'{{"type": "\' {concat} {kind} {concat} \'", "eventTime": "\' {concat} {moment} '
            f'{concat} \'", "eventTimeZoneOffset": "+08:00", "action": "OBSERVE", "bizStep": "\' {concat} '
            f'{step_of} {concat} \'", "quantityList": [{{"epcClass": "urn:epc:class:lgtin:\' '
            f'{concat} p.prefix {concat} \'.\' {concat} {lot} {concat} \'", "quantity": 1200, "uom": "KGM"}}], '
            f'"readPoint": {{"id": "urn:epc:id:sgln:6901234.00001.\' {concat} {text.replace("i", "(i % 10)")} '
            f"{concat} '\"}}}}'"
        )
        if vendor == "postgresql":
            body = f"({body})::jsonb"
        chunk = 1_000_000
        t0 = time.perf_counter()
        for lo in range(0, events, chunk):
            hi = min(events, lo + chunk) - 1
            cursor.execute(
                "INSERT INTO trace_traceevent (id, capture_id, organisation_id, event_id, event_type, action, "
                "event_time, time_zone_offset, recorded_at, biz_step, disposition, stage, read_point, biz_location, "
                "declarations, body) "
                f"SELECT i + 1, {capture.pk}, {org.pk}, 'urn:bench:' {concat} {text}, {kind}, 'OBSERVE', "
                f"{moment}, '+08:00', {moment}, "
                f"{step_of}, '', {stage_of}, '', '', '', {body} "
                f"FROM ({series.format(lo=lo, hi=hi)}) s JOIN bench_products p ON p.p = (i / 10) % {PRODUCTS}"
            )
            cursor.execute(
                "INSERT INTO trace_traceidentifier (event_id, role, epc, gtin, item) "
                f"SELECT i + 1, CASE WHEN i % 10 = 3 THEN 'child' ELSE 'epc' END, "
                f"'urn:epc:class:lgtin:' {concat} p.prefix {concat} '.' {concat} {lot}, p.gtin, {lot} "
                f"FROM ({series.format(lo=lo, hi=hi)}) s JOIN bench_products p ON p.p = (i / 10) % {PRODUCTS}"
            )
            pallet = text.replace("i", f"(i / 10 / {PALLET})")
            cursor.execute(
                "INSERT INTO trace_traceidentifier (event_id, role, epc, gtin, item) "
                f"SELECT i + 1, 'parent', 'urn:epc:id:sscc:6901234.' {concat} {pallet}, '', '' "
                f"FROM ({series.format(lo=lo, hi=hi)}) s WHERE i % 10 = 3"
            )
            print(f"  {hi + 1:,} events ({time.perf_counter() - t0:.0f} s)", flush=True)
        cursor.execute("DROP TABLE bench_products")
        if vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('trace_traceevent', 'id'), %s)", [events + 1])
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")


def capture_documents(n_events: int, per_document: int = 1000) -> list[dict]:
    context = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]
    documents, events = [], []
    for i in range(n_events):
        product, lot = i % PRODUCTS, f"C{i // 10}"
        event = {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:00000000-0000-4000-9000-{i:012d}",
            "eventTime": f"2026-11-{1 + i % 28:02d}T08:00:00+08:00",
            "eventTimeZoneOffset": "+08:00",
            "action": "OBSERVE",
            "bizStep": STEPS[i % 10] or "packing",
            "quantityList": [{"epcClass": lgtin(product, lot), "quantity": 1200, "uom": "KGM"}],
            "readPoint": {"id": "urn:epc:id:sgln:6901234.00001.0"},
        }
        if i % 10 == 3:
            event = {
                "type": "AggregationEvent",
                "eventID": event["eventID"],
                "eventTime": event["eventTime"],
                "eventTimeZoneOffset": "+08:00",
                "action": "ADD",
                "bizStep": "packing",
                "parentID": f"urn:epc:id:sscc:6901234.{900000000 + i // 200}",
                "childQuantityList": event["quantityList"],
            }
        events.append(event)
        if len(events) == per_document:
            documents.append({"@context": context, "type": "EPCISDocument", "schemaVersion": "2.0",
                              "creationDate": "2026-12-01T00:00:00Z", "epcisBody": {"eventList": events}})  # fmt: skip
            events = []
    return documents


def bench_capture(n_events: int) -> None:
    from django.db import connection, transaction

    from riskgate.accounts.models import User
    from riskgate.trace import epcis, services
    from riskgate.trace.models import Capture, TraceEvent, TraceIdentifier

    enterprise = User.objects.get(username="enterprise")
    TraceEvent.objects.filter(event_id__startswith="urn:uuid:00000000-0000-4000-9000-").delete()
    documents = capture_documents(n_events)
    t0 = time.perf_counter()
    for document in documents:
        services.capture(enterprise, document)
    ours = time.perf_counter() - t0
    print(f"capture: {n_events:,} events in {ours:.1f} s = {n_events / ours:,.0f} events/s "
          f"(validated, {len(documents)} documents of {len(documents[0]['epcisBody']['eventList'])})")  # fmt: skip
    TraceEvent.objects.filter(event_id__startswith="urn:uuid:00000000-0000-4000-9000-").delete()
    # The peer: the same rows by the same bulk inserts, without the schema, the eventID check or the audit.
    capture = Capture.objects.create(organisation=enterprise.organisation, events=0, digest="0" * 64)
    t0 = time.perf_counter()
    for document in documents:
        with transaction.atomic():
            events = document["epcisBody"]["eventList"]
            rows = [services._row(e, capture) for e in events]
            TraceEvent.objects.bulk_create(rows, batch_size=1000)
            index = [
                TraceIdentifier(event_id=r.pk, role=role, epc=f.epc, gtin=f.gtin, item=f.item)
                for r, e in zip(rows, events, strict=True)
                for role, f in epcis.identifiers(e)
            ]
            TraceIdentifier.objects.bulk_create(index, batch_size=2000)
    peer = time.perf_counter() - t0
    print(f"  peer (bulk insert, no validation): {n_events / peer:,.0f} events/s; validation alone: "
          f"{n_events / sum(_time(epcis.check, d) for d in documents):,.0f} events/s")  # fmt: skip
    TraceEvent.objects.filter(event_id__startswith="urn:uuid:00000000-0000-4000-9000-").delete()
    connection.close()


def _time(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


PEER = """
SELECT e.* FROM trace_traceevent e WHERE e.id IN (
  SELECT event_id FROM trace_traceidentifier WHERE gtin = %s AND item = %s
  UNION
  SELECT other.event_id FROM trace_traceidentifier mine
    JOIN trace_traceidentifier parent ON parent.event_id = mine.event_id AND parent.role = 'parent'
    JOIN trace_traceidentifier other ON other.epc = parent.epc
  WHERE mine.gtin = %s AND mine.item = %s AND mine.role = 'child'
) ORDER BY e.event_time, e.id
"""


def bench_chain(events: int, runs: int = 1000) -> None:
    from django.db import connection

    from riskgate.accounts.models import User
    from riskgate.trace import queries

    officer = User.objects.get(username="warning")
    rng = random.Random(20261207)
    batches = [rng.randrange(events // BATCH_EVENTS) for _ in range(runs)]
    items = [(gtin(b % PRODUCTS), f"L{b}") for b in batches]
    for g, lot in items[:20]:  # warm the caches
        queries.chain(officer, g, lot)
    ours, peer, sizes = [], [], []
    with connection.cursor() as cursor:
        for g, lot in items:
            t0 = time.perf_counter()
            found = queries.chain(officer, g, lot)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            cursor.execute(PEER, [g, lot, g, lot])
            ids = [r[0] for r in cursor.fetchall()]
            peer.append(time.perf_counter() - t0)
            assert ids == [e.pk for e in found.events], (g, lot)
            sizes.append(len(ids))

    def p(values, q):
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    print(f"chain of one batch among {events:,} events ({runs} batches, {statistics.mean(sizes):.0f} events each): "
          f"p50 {p(ours, 50):.1f} ms, p95 {p(ours, 95):.1f} ms; peer (one SQL statement): p50 {p(peer, 50):.1f} ms, "
          f"p95 {p(peer, 95):.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--capture", type=int, default=100_000)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    if args.engine == "sqlite":
        SQLITE.parent.mkdir(exist_ok=True)
        if args.fresh and SQLITE.exists():
            SQLITE.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE}"
    else:
        if args.fresh:
            subprocess.run(["psql", "-h", os.environ.get("PGHOST", "127.0.0.1"), "-U", "postgres", "-d", "postgres",
                            "-qc", f"DROP DATABASE IF EXISTS {PG}"], check=True)  # fmt: skip
        os.environ["DATABASE_URL"] = pg_url()
    env = {**os.environ, "RISKGATE_DEV": "1"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v", "0"], check=True, env=env)
    from django_setup import setup

    setup()
    from riskgate.site.demo import load_world
    from riskgate.trace.models import TraceEvent

    load_world()
    stored = TraceEvent.objects.filter(event_id__startswith="urn:bench:").count()
    if stored < args.events:
        TraceEvent.objects.filter(event_id__startswith="urn:bench:").delete() if stored else None
        t0 = time.perf_counter()
        fill(args.events)
        print(f"stored history: {args.events:,} events in {time.perf_counter() - t0:.0f} s")
    print(f"engine {args.engine}: {TraceEvent.objects.count():,} events stored")
    bench_capture(args.capture)
    bench_chain(args.events)


if __name__ == "__main__":
    main()
