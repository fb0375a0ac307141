"""Benchmark of the dashboards (issue 29 acceptance): the load time of every role's dashboard, on the demo data and
on 1,000,000 generated records of risk information, on SQLite and on PostgreSQL; target under 1 s at 1,000,000.

Usage:
  .venv/bin/python bench/dashboards/run.py generated [--records 1000000] [--engine sqlite|postgresql] [--fresh]
  .venv/bin/python bench/dashboards/run.py demo [--engine sqlite|postgresql]

`generated` builds its own database (SQLite var/bench-dashboards.sqlite3, or the PostgreSQL database
riskgate_bench_dashboards on PGHOST, trust auth; built once and reused, --fresh rebuilds): the demo's organisations
and accounts, and N records received uniformly over the last five years by the Xi'an, Harbin, Jinan, Qingdao,
Chongqing and Shenzhen bureaus and the units below them (seed 20261207), with a source, one or two hazard types, a
product category, an HS code and one or two origin countries each. `demo` reads the demo database (SQLite:
var/riskgate.sqlite3 after `make demo`; PostgreSQL: riskgate_bench_demo, loaded with the demo when empty). The
run stamps 2,000 records as changed and moves the refresh watermark: not for a live database.

Then, for each role's demo account: the dashboard page (GET /insight/, every chart, rendered) for the last twelve
months and for all five years, the median of 3 warm runs (and, not part of the target, the league table's page);
and the peer: the same figures by the straightforward GROUP BY over the raw table (indexed on received_at;
json_each / jsonb_array_elements_text for the lists), checked equal to the tallies' figures. And the full rebuild
of the tallies, and an incremental refresh after 1,000 records changed.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
SQLITE = ROOT / "var" / os.environ.get("BENCH_DB", "bench-dashboards.sqlite3")
PG_GENERATED, PG_DEMO = "riskgate_bench_dashboards", "riskgate_bench_demo"
ROLES = ["admin", "warning", "xian", "harbin", "port", "partner", "enterprise"]
UNITS = ["xian-customs", "harbin-customs", "jinan-customs", "qingdao-customs", "chongqing-customs", "shenzhen-customs"]


def pg_url(name: str) -> str:
    host, port, user = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432"), "postgres"
    exists = subprocess.run(
        ["psql", "-h", host, "-p", port, "-U", user, "-d", "postgres", "-tAc",
         f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(
            ["psql", "-h", host, "-p", port, "-U", user, "-d", "postgres", "-qc",
             f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0"],
            check=True,
        )  # fmt: skip
    return f"postgres://{user}@{host}:{port}/{name}"


def drop_pg(name: str) -> None:
    host, port = os.environ.get("PGHOST", "127.0.0.1"), os.environ.get("PGPORT", "5432")
    subprocess.run(["psql", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres", "-qc",
                    f"DROP DATABASE IF EXISTS {name}"], check=True)  # fmt: skip


def generate(records: int) -> None:
    import datetime as dt

    import numpy as np
    from django.utils import timezone

    from riskgate.accounts.models import Organisation
    from riskgate.core.fastpath import bulk
    from riskgate.core.models import HSCode
    from riskgate.core.vocabulary import HazardType
    from riskgate.intake.models import RiskInformation, SourceType

    rng = np.random.default_rng(20261207)
    t0 = time.perf_counter()
    units = []
    for code in UNITS:
        top = Organisation.objects.get(code=code)
        units += list(Organisation.objects.filter(path__startswith=top.path).exclude(kind="enterprise")
                      .values_list("pk", flat=True))  # fmt: skip
    sources = [s.value for s in SourceType]
    weight = {"inspection_nonconformity": 8, "foreign_recall": 30, "foreign_government": 25, "consumer_complaint": 8,
              "media": 6, "domestic_department": 4, "enterprise_report": 4}  # fmt: skip
    source_p = np.array([weight.get(s, 2) for s in sources], dtype=float)
    source_p /= source_p.sum()
    hazards = [h.value for h in HazardType]
    codes = list(HSCode.objects.filter(level=6).values_list("code", flat=True))
    countries = ["CN", "DE", "US", "VN", "IN", "TR", "IT", "FR", "ES", "PL", "NL", "TH", "BR", "JP", "KR", "GB",
                 "RU", "ID", "MY", "PK", "EG", "MA", "AR", "CL", "UA", "BE", "MX", "CA", "AU", "ZA"]  # fmt: skip
    country_p = 1 / np.arange(1, len(countries) + 1)
    country_p /= country_p.sum()
    categories = [f"产品类别{n:02d}" for n in range(60)]
    template = RiskInformation(source_type="media", channel="import", title="", organisation_id=units[0])
    names = [f.attname for f in RiskInformation._meta.concrete_fields if not f.primary_key]
    base = [getattr(template, n) for n in names]
    at = {n: i for i, n in enumerate(names)}
    now = timezone.now()
    span = 5 * 365 * 86400
    chunk = 100_000
    for lo in range(0, records, chunk):
        n = min(chunk, records - lo)
        unit = rng.choice(units, n)
        source = rng.choice(len(sources), n, p=source_p)
        hazard_a, hazard_b, two = rng.integers(0, len(hazards), n), rng.integers(0, len(hazards), n), rng.random(n)
        country_a, country_b = rng.choice(len(countries), n, p=country_p), rng.choice(len(countries), n, p=country_p)
        category, code, blank_code = rng.integers(0, len(categories), n), rng.integers(0, len(codes), n), rng.random(n)
        seconds = rng.uniform(0, span, n)
        rows = []
        for i in range(n):
            row = list(base)
            received = now - dt.timedelta(seconds=float(seconds[i]))
            row[at["title"]] = f"生成的风险信息 {lo + i}"
            row[at["organisation_id"]] = int(unit[i])
            row[at["source_type"]] = sources[source[i]]
            row[at["hazard_types"]] = sorted({hazards[hazard_a[i]], hazards[hazard_b[i]]} if two[i] < 0.3
                                             else {hazards[hazard_a[i]]})  # fmt: skip
            row[at["origin_countries"]] = sorted({countries[country_a[i]], countries[country_b[i]]} if two[i] < 0.1
                                                 else {countries[country_a[i]]})  # fmt: skip
            row[at["product_category"]] = categories[category[i]]
            row[at["hs_code_id"]] = None if blank_code[i] < 0.2 else codes[code[i]]
            row[at["received_at"]] = row[at["created_at"]] = row[at["updated_at"]] = received
            row[at["status_since"]] = received
            rows.append(row)
        bulk.insert_values(RiskInformation, names, rows)
        print(f"  {lo + n:,} records", end="\r", flush=True)
    print(f"generated {records:,} records of risk information in {time.perf_counter() - t0:.0f} s")


PEER_SQL = {
    "sqlite": {
        "list": "SELECT v, COUNT(*) FROM (SELECT DISTINCT ri.id, COALESCE(j.value, '') AS v FROM intake_riskinformation"
                " ri LEFT JOIN json_each(ri.{field}) j WHERE {where}) GROUP BY v",
        "day": "date(ri.received_at, '+8 hours')",
    },
    "postgresql": {
        "list": "SELECT v, COUNT(*) FROM (SELECT DISTINCT ri.id, COALESCE(j.v, '') AS v FROM intake_riskinformation"
                " ri LEFT JOIN LATERAL jsonb_array_elements_text(ri.{field}) AS j(v) ON TRUE WHERE {where}) s"
                " GROUP BY v",
        "day": "(ri.received_at AT TIME ZONE 'Asia/Shanghai')::date",
    },
}  # fmt: skip


def peer(user, period) -> dict:
    """The dashboard's information figures by GROUP BY over the raw rows, in the user's units."""
    import datetime as dt
    from collections import Counter

    from django.db import connection

    from riskgate.insight import queries

    units = queries.reader_units(user, period)
    adapt = connection.ops.adapt_datetimefield_value  # as the ORM stores them (SQLite: UTC text)
    where, params = "ri.received_at >= %s AND ri.received_at < %s", [adapt(period.start), adapt(period.end)]
    if units is not None:
        ids = list(units.values_list("pk", flat=True)) or [0]
        where += f" AND ri.organisation_id IN ({', '.join(str(int(i)) for i in ids)})"
    sql = PEER_SQL[connection.vendor]
    single = {"source": "ri.source_type", "category": "ri.product_category",
              "chapter": "COALESCE(substr(ri.hs_code_id, 1, 2), '')"}  # fmt: skip
    found = {}
    with connection.cursor() as cursor:
        for dimension, column in single.items():
            cursor.execute(f"SELECT {column}, COUNT(*) FROM intake_riskinformation ri WHERE {where} GROUP BY 1", params)
            found[dimension] = Counter(dict(cursor.fetchall()))
        for dimension, field in (("hazard", "hazard_types"), ("country", "origin_countries")):
            cursor.execute(sql["list"].format(field=field, where=where), params)
            found[dimension] = Counter(dict(cursor.fetchall()))
        cursor.execute(f"SELECT {sql['day']}, COUNT(*) FROM intake_riskinformation ri WHERE {where} GROUP BY 1", params)
        weeks = Counter()
        for day, n in cursor.fetchall():
            day = dt.date.fromisoformat(str(day)[:10])
            weeks[day - dt.timedelta(days=day.weekday())] += n
        found["weekly"] = weeks
    return found


def measure(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", choices=["generated", "demo"])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    if args.data == "generated":
        if args.engine == "sqlite":
            if args.fresh:
                SQLITE.unlink(missing_ok=True)
            SQLITE.parent.mkdir(exist_ok=True)
            os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE}"
        else:
            if args.fresh:
                drop_pg(PG_GENERATED)
            os.environ["DATABASE_URL"] = pg_url(PG_GENERATED)
    elif args.engine == "postgresql":
        os.environ["DATABASE_URL"] = pg_url(PG_DEMO)
    from django_setup import setup

    setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from riskgate.accounts.models import User
    from riskgate.insight import queries, services, tables
    from riskgate.insight.counting import month_of
    from riskgate.intake.models import RiskInformation

    call_command("migrate", verbosity=0)
    if args.data == "generated" and not RiskInformation.objects.exists():
        from riskgate.site.demo import load_world

        load_world()
        call_command("load_reference_data", verbosity=0)
        generate(args.records)
    if args.data == "demo" and not RiskInformation.objects.exists():
        call_command("load_demo")
    total = RiskInformation.objects.count()
    print(f"{args.data}: {total:,} records of risk information on {connection.vendor}")

    # No record changed in the future (a run before stamped some): the refreshes below see only their own changes.
    RiskInformation.objects.filter(updated_at__gt=timezone.now()).update(updated_at=timezone.now() - dt.timedelta(1))
    t0 = time.perf_counter()
    services.rebuild(timezone.now() + dt.timedelta(minutes=15))
    print(f"full rebuild of the tallies: {time.perf_counter() - t0:.1f} s")
    recent = RiskInformation.objects.filter(received_at__gte=timezone.now() - dt.timedelta(days=20))
    for minutes, label, pool in (
        (30, "received in the last 20 days", recent),
        (60, "anywhere in the five years", None),
    ):
        source = (pool if pool is not None else RiskInformation.objects).order_by("?")
        changed = list(source.values_list("pk", flat=True)[:1000])
        stamp = timezone.now() + dt.timedelta(minutes=minutes)  # after the last refresh, as a later change is
        RiskInformation.objects.filter(pk__in=changed).update(updated_at=stamp)
        t0 = time.perf_counter()
        done = services.refresh(stamp + dt.timedelta(minutes=15))
        print(f"incremental refresh after 1,000 records {label} changed: {time.perf_counter() - t0:.1f} s "
              f"({len(done.get('months', []))} months counted again)")  # fmt: skip
    RiskInformation.objects.filter(updated_at__gt=timezone.now()).update(updated_at=timezone.now())

    today = timezone.localdate()
    periods = {"last 12 months": tables.default_period(today),
               "five years": tables.Period(month_of(today.replace(year=today.year - 5)),
                                            month_of(today))}  # fmt: skip
    worst, unequal = 0.0, 0
    print(f"{'role':<12}{'period':<16}{'dashboard':>11}{'peer GROUP BY':>15}  figures")
    for username in ROLES:
        user = User.objects.filter(username=username).first()
        if user is None or not queries.charts_for(user):
            continue
        for name, period in periods.items():
            page = page_time(user, "/insight/", period)
            worst = max(worst, page)
            if user.has_permission("intake:information:view") and not queries.tallied(user):
                peer_text = f"{'—':>15}  (reads the raw rows: its sharing scope is not a set of units)"
            elif user.has_permission("intake:information:view"):
                peer_s = measure(3, lambda user=user, period=period: peer(user, period))
                raw = peer(user, period)
                mine = {d: queries.counts(user, period, d) for d in ("source", "hazard", "category", "chapter",
                                                                       "country")}  # fmt: skip
                mine["weekly"] = queries.weekly(user, period)
                same = all(+mine[d] == +raw[d] for d in mine)
                unequal += not same
                peer_text = f"{peer_s:>14.3f}s  {'equal' if same else 'DIFFER'}"
            else:
                peer_text = f"{'—':>15}  (no risk information charts)"
            print(f"{username:<12}{name:<16}{page:>10.3f}s{peer_text}")
    verdict = "met" if worst < 1 else "MISSED"
    print(f"target, every dashboard under 1 s: {verdict} (slowest {worst:.3f} s)")
    league(periods)
    return 1 if unequal else 0


def page_time(user, path: str, period) -> float:
    """A page for the period as the user, rendered whole: the median of 3 warm runs (the first request, not
    counted, pays for imports and template loading)."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    query = {"since": period.since.strftime("%Y-%m"), "until": period.until.strftime("%Y-%m")}

    def load():
        response = client.get(path, query)
        assert response.status_code == 200, response.status_code

    load()
    return measure(3, load)


def league(periods) -> None:
    """The league table page (issue 29.2; read live, no tallies) for the roles that read it: not part of the
    target, printed so that its cost at this volume is known."""
    from riskgate.accounts.models import User
    from riskgate.insight import performance

    print(f"{'role':<12}{'period':<16}{'league table':>13}")
    for username in ROLES:
        user = User.objects.filter(username=username).first()
        if user is None or not performance.may_read(user):
            continue
        for name, period in periods.items():
            print(f"{username:<12}{name:<16}{page_time(user, '/insight/performance/', period):>12.3f}s")


if __name__ == "__main__":
    sys.exit(main())
