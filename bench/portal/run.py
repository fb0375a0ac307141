"""Benchmark of the public warning portal: the search page with 100,000 published warnings under concurrent load.

Usage:  .venv/bin/python bench/portal/run.py [--warnings 100000] [--seconds 15] [--connections 32]
                                            [--db sqlite|postgres]

It builds a fresh database (a temporary SQLite file, or a fresh PostgreSQL database at 127.0.0.1:5432 as user
postgres) with N published public warnings (Chinese and English text, search tokens, levels, kinds, HS codes,
origins), starts the production web server (gunicorn, one worker per CPU) on 127.0.0.1, and drives it with wrk
(Debian package `wrk`, installed by `make system-deps`):
  1. the portal search page, a mix of popular searches and filters (keywords such as 召回 and 电池, levels, HS
     chapters, origins, pages): p50/p95/p99 latency and requests/s;
  2. a long tail: 5,000 different searches (keywords, filters, pages) drawn with Zipf's law (the k-th most
     popular search is asked 1/k as often as the first), as searches on a public site are;
  3. the same page with a distinct search on every request (no two alike), the uncached worst case;
  4. the peers, from the same server: a static file (the portal's stylesheet), and the smallest dynamic page
     (/healthz: the whole middleware stack and one database query) — the ceiling of any page rendered per
     request on this machine.
With --cache redis the web processes share one page cache in Redis (CACHE_URL) instead of one each.
Targets: p95 under 50 ms and at least 800 requests/s on the search page (issue 5); with every search distinct,
p95 under 30 ms and at least 1,000 requests/s (issue 31).
"""

import argparse
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from serving import bench_env, gunicorn  # noqa: E402

TARGET_P95_MS, TARGET_RPS = 50, 800
DISTINCT_P95_MS, DISTINCT_RPS = 30, 1000  # every search new (issue 31)

PRODUCTS = [
    "锂电池移动电源",
    "儿童电动车",
    "电热水壶",
    "婴儿推车",
    "塑料玩具",
    "电吹风",
    "折叠椅",
    "抽屉柜",
    "乳粉",
    "冷冻虾仁",
    "辣椒粉",
    "化妆品",
    "儿童睡衣",
    "电暖器",
    "头盔",
    "自行车",
]
HAZARDS = [
    "过热起火",
    "小零件窒息",
    "沙门氏菌超标",
    "铅含量超标",
    "绳带勒颈",
    "夹伤手指",
    "倾倒压伤",
    "触电",
    "致敏物质未标示",
    "召回",
]
ENGLISH = [
    "power bank overheats",
    "small parts choking hazard",
    "Salmonella",
    "lead above limit",
    "tip-over",
    "electric shock",
    "undeclared milk",
    "recall",
    "burn hazard",
    "strangulation",
]
ORIGINS = ["CN", "DE", "US", "VN", "JP", "KR", "IT", "TR", "IN", "TH"]
HS = [
    "8507",
    "8711",
    "8516",
    "8715",
    "9503",
    "8516",
    "9401",
    "9403",
    "0402",
    "0306",
    "0904",
    "3304",
    "6108",
    "8516",
    "6506",
    "8712",
]


def build(n: int) -> None:
    """N published public warnings, inserted in batches (search tokens computed as the services do)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from riskgate.accounts.models import Organisation, User
    from riskgate.site.demo import load_world
    from riskgate.warnings.models import Change, Status, WarningNotice

    call_command("migrate", verbosity=0)
    load_world()
    office = Organisation.objects.get(code="gacc-warning-office")
    drafter = User.objects.get(username="warning")
    rng = random.Random(5)
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for i in range(n):
        p = rng.randrange(len(PRODUCTS))
        hazard, english = rng.choice(HAZARDS), rng.choice(ENGLISH)
        lifted = rng.random() < 0.15
        notice = WarningNotice(
            version=1,
            change=Change.LIFTED if lifted else Change.NEW,
            status=Status.LIFTED if lifted else Status.PUBLISHED,
            level=rng.choice(["I", "II", "III", "III", "IV", "IV"]),
            kinds=rng.choice(
                [
                    ["public_announcement"],
                    ["business_notice", "agency_notice"],
                    ["public_announcement", "agency_notice"],
                ]
            ),
            hazard_type=rng.choice(["physical", "chemical", "biological"]),
            title=f"关于进口{PRODUCTS[p]}{hazard}风险的警示（{i:06d}）",
            title_en=f"Imported {PRODUCTS[p]}: {english} ({i:06d})",
            summary=f"{PRODUCTS[p]}存在{hazard}风险，涉及批次 {rng.randint(1000, 9999)}。",
            summary_en=f"Risk of {english}.",
            items="停止销售和使用涉及批次。",
            measures="口岸加严查验；责令召回。",
            product_category=PRODUCTS[p],
            hs_codes=[HS[p]],
            origin_countries=[rng.choice(ORIGINS)],
            regions=rng.choice([[], [], ["610000"], ["440000", "310000"]]),
            organisation=office,
            drafted_by=drafter,
            published_at=now - __import__("datetime").timedelta(minutes=n - i),
            current=True,
        )
        notice.index()
        batch.append(notice)
        if len(batch) == 5000:
            with transaction.atomic():
                WarningNotice.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            WarningNotice.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE riskwarnings_warningnotice SET lineage_id = id")
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE riskwarnings_warningnotice")
    print(f"built {n:,} published warnings in {time.perf_counter() - started:.0f} s", flush=True)


LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES p50=%.2f p95=%.2f p99=%.2f non2xx=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
"""


def popular_paths() -> list[str]:
    """What people search most: keywords, a level, a kind, an HS chapter, an origin, a later page."""
    from urllib.parse import urlencode

    queries = [
        {},
        {"q": "召回"},
        {"q": "电池"},
        {"q": "玩具"},
        {"q": "沙门氏菌"},
        {"q": "recall"},
        {"q": "lead"},
        {"level": "I"},
        {"level": "II"},
        {"kind": "public_announcement"},
        {"hs_chapter": "85"},
        {"origin": "CN"},
        {"state": "lifted"},
        {"q": "儿童", "level": "III"},
        {"page": "2"},
        {"page": "10"},
        {"q": "折叠椅"},
        {"q": "乳粉", "origin": "CN"},
        {"region": "610100"},
        {"category": "头盔"},
    ]
    return ["/warnings/" + (f"?{urlencode(q)}" if q else "") for q in queries]


def long_tail_paths(count: int = 5000) -> list[str]:
    """`count` different searches, most popular first (their order is a fixed shuffle)."""
    from urllib.parse import urlencode

    words = ["", *PRODUCTS, *HAZARDS, "recall", "lead", "Salmonella", "power bank", "choking"]
    filters = [
        {},
        *({"level": v} for v in ["I", "II", "III", "IV"]),
        *({"origin": v} for v in ORIGINS),
        *({"hs_chapter": v} for v in ["85", "95", "94", "8507", "0402"]),
        *({"state": v} for v in ["active", "adjusted", "lifted"]),
        {"kind": "public_announcement"},
        {"region": "610100"},
        {"since": "2026-01-01"},
    ]
    combos = [(w, f, p) for w in words for f in filters for p in (1, 2, 3)]
    random.Random(11).shuffle(combos)
    paths = []
    for word, criteria, page in combos[:count]:
        query = {**({"q": word} if word else {}), **criteria, **({"page": str(page)} if page > 1 else {})}
        paths.append("/warnings/" + (f"?{urlencode(query)}" if query else ""))
    return paths


def write_scripts(workdir: Path) -> dict[str, Path]:
    paths = ",\n".join(f'  "{p}"' for p in popular_paths())
    tail = ",\n".join(f'  "{p}"' for p in long_tail_paths())
    words = ",".join(f'"{__import__("urllib.parse").parse.quote(w)}"' for w in [*PRODUCTS, *HAZARDS])
    scripts = {
        "popular": f"""
local paths = {{
{paths}
}}
local i = math.random(#paths)
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
""",
        "long_tail": f"""
local paths = {{
{tail}
}}
math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
request = function()
  -- rank k with probability proportional to 1/k (Zipf, s = 1): k = floor(N^u) for u uniform in [0, 1)
  local k = math.floor(math.exp(math.random() * math.log(#paths + 1)))
  return wrk.format("GET", paths[math.min(math.max(k, 1), #paths)])
end
""",
        "distinct": f"""
local words = {{{words}}}
math.randomseed(os.time() + tonumber(tostring({{}}):sub(8), 16))
request = function()
  -- a keyword, a page, an origin and a start date (any of 2,000 days): 480,000 different searches, every
  -- one a parameter the page reads (unknown parameters such as ?nonce= are served from the page cache)
  local path = "/warnings/?q=" .. words[math.random(#words)] .. "&page=" .. math.random(3)
    .. "&origin=" .. ({{"CN", "DE", "US", "VN", "JP"}})[math.random(5)]
    .. "&since=" .. os.date("!%Y-%m-%d", 1577836800 + 86400 * math.random(0, 1999))
  return wrk.format("GET", path)
end
""",
        "static": "",
    }
    files = {}
    for name, body in scripts.items():
        files[name] = workdir / f"{name}.lua"
        files[name].write_text(body + LUA_DONE, encoding="utf-8")
    return files


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    match = re.search(r"PERCENTILES p50=([\d.]+) p95=([\d.]+) p99=([\d.]+) non2xx=(\d+)", out)
    if match:
        figures.update(p50=float(match.group(1)), p95=float(match.group(2)), p99=float(match.group(3)))
        figures["errors"] = int(match.group(4))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warnings", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cache", choices=["process", "redis"], default="process")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.warnings)
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian package `wrk`; `make system-deps` installs it)")
    if args.cache == "redis":
        subprocess.run(["redis-cli", "-n", "9", "FLUSHDB"], check=True, capture_output=True)  # noqa: S607
    with bench_env("riskgate-portal-bench-", args.db) as (env, workdir):
        if args.cache == "redis":
            env["CACHE_URL"] = "redis://127.0.0.1:6379/9"
        subprocess.run(
            [sys.executable, __file__, "--build-only", "--warnings", str(args.warnings)], env=env, check=True
        )  # noqa: S603
        with gunicorn(env, "/warnings/") as (base, _port, workers, _pid):
            scripts = write_scripts(workdir)
            wrk(base, 10, args.connections, scripts["popular"])  # warm up the workers (each builds its search index)
            popular = wrk(base, args.seconds, args.connections, scripts["popular"])
            long_tail = wrk(base, args.seconds, args.connections, scripts["long_tail"])
            distinct = wrk(base, args.seconds, args.connections, scripts["distinct"])
            static = wrk(f"{base}/static/riskgate/app.css", args.seconds, args.connections, scripts["static"])
            dynamic = wrk(f"{base}/healthz", args.seconds, args.connections, scripts["static"])
    print(
        f"[{args.db}] {args.warnings:,} warnings, {workers} gunicorn workers, page cache {args.cache}, "
        f"wrk {args.connections} connections, {args.seconds} s each"
    )
    scenarios = (
        ("search page, popular searches", popular),
        ("search page, long tail of 5,000 searches (Zipf)", long_tail),
        ("search page, every search distinct", distinct),
    )
    for name, figures in scenarios:
        p95, rps = (DISTINCT_P95_MS, DISTINCT_RPS) if figures is distinct else (TARGET_P95_MS, TARGET_RPS)
        verdict = "met" if figures["p95"] < p95 and figures["rps"] >= rps else "MISSED"
        print(
            f"[{args.db}] {name}: p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
            f"p99 {figures['p99']:.1f} ms, "
            f"{figures['rps']:,.0f} requests/s, non-2xx {figures['errors']} "
            f"(target p95 < {p95} ms and ≥ {rps:,} requests/s: {verdict})"
        )
    print(
        f"[{args.db}] peer, static file from the same server: {static['rps']:,.0f} requests/s, "
        f"p95 {static['p95']:.1f} ms"
    )
    print(
        f"[{args.db}] peer, smallest dynamic page (/healthz): {dynamic['rps']:,.0f} requests/s, "
        f"p95 {dynamic['p95']:.1f} ms"
    )


if __name__ == "__main__":
    main()
