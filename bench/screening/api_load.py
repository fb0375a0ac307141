"""The screening API under load: one declaration per request at a steady rate, as the single window sends them.

Usage:  .venv/bin/python bench/screening/api_load.py [--rate 200] [--seconds 20] [--rules 10000]

It builds a fresh database (SQLite, or PostgreSQL at 127.0.0.1 with --db postgres) with the demo organisations
and N active control rules (bench/screening's generator), issues an API token for the port account, starts the
production web server (gunicorn, one worker per CPU) on 127.0.0.1, and sends declarations of 1–10 items to
POST /api/v1/screening/declarations at a fixed rate (open loop: each request is due at its time whatever the
earlier ones did, and its latency counts from that time, so a slow server cannot hide its queue). Prints
p50/p99 latency and the rate achieved; every decision is stored by the server as in production. Peer: the same
server's /healthz under the same schedule.
Target (issue 6): p99 under 20 ms at 200 declarations/s.
"""

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from serving import bench_env, gunicorn, open_loop, workers_cpu_seconds  # noqa: E402

TARGET_P99_MS = 20


def build(n_rules: int, n_catalogue: int = 0) -> None:
    """In a fresh process with the bench's settings: migrate, demo accounts, N rules, a legal-inspection catalogue of
    n_catalogue entries (the declarations' own 10-digit codes and 4-digit headings, half CCC: decision 0031), a
    token (printed)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from run import generate

    from riskgate.accounts.models import User
    from riskgate.accounts.services import issue_token
    from riskgate.site.demo import load_world
    from riskgate.targeting.models import CRITERIA, ControlRule, RuleSetState

    call_command("migrate", verbosity=0)
    load_world()
    officer, port = User.objects.get(username="warning"), User.objects.get(username="port")
    rules, _items = generate(n_rules, 0, raw=True)
    with transaction.atomic():
        made = ControlRule.objects.bulk_create(
            [
                ControlRule(
                    **{k: v for k, v in rule.items() if k in CRITERIA},
                    organisation=officer.organisation,
                    created_by=officer,
                )
                for rule in rules
            ]
        )
        ControlRule.objects.filter(pk__in=[r.pk for r in made]).update(lineage_id=F("id"))
        RuleSetState.objects.create(pk=1, version=1, changed_at=timezone.now())
    if n_catalogue:
        import random

        from riskgate.targeting.services import catalogue

        _rules, items = generate(0, 20_000, seed=9, raw=True)
        codes = sorted({item["hs_code"] for item in items})
        rng = random.Random(20261207)
        chosen = rng.sample(codes, min(n_catalogue - n_catalogue // 20, len(codes)))
        chosen += rng.sample(sorted({c[:4] for c in codes}), n_catalogue // 20)  # headings (the longest prefix wins)
        catalogue.adjust(
            officer,
            reason="bench",
            add=[
                {"hs_prefix": c, "name": c, "legal_inspection": True, "ccc": n % 2 == 0} for n, c in enumerate(chosen)
            ],
        )
    issued = issue_token(
        User.objects.get(username="admin"),
        name="single window (bench)",
        organisation=port.organisation,
        permissions=["targeting:declaration:screen"],
        expires_at=None,
    )
    print(f"TOKEN {issued.secret}", flush=True)


def declarations(n_items: int, every_item_certified: bool = False) -> list[bytes]:
    from run import generate

    _rules, items = generate(0, n_items, seed=9, raw=True)
    grouped: dict[str, list] = {}
    for n, item in enumerate(items):
        if n % 4 or every_item_certified:  # three items in four carry their certificate references (or all)
            item["certificates"] = [
                {"kind": "inspection", "number": "610120261234567890"},
                {"kind": "ccc", "number": "2024010911234567"},
            ]
        grouped.setdefault(item["declaration_id"], []).append(item)
    return [json.dumps({"items": group}, ensure_ascii=False).encode() for group in grouped.values()]


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--catalogue", type=int, default=0, help="entries of a legal-inspection catalogue (0: none)")
    parser.add_argument(
        "--all-certified", action="store_true", help="every item carries its references (no document check follows)"
    )
    parser.add_argument("--build-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only is not None:
        build(args.build_only, args.catalogue)
        return
    with bench_env("riskgate-screening-http-", args.db) as (env, _workdir):
        out = subprocess.run(
            [sys.executable, __file__, "--build-only", str(args.rules), "--catalogue", str(args.catalogue)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout  # noqa: S603
        token = next(line.split()[1] for line in out.splitlines() if line.startswith("TOKEN "))
        bodies = declarations(int(args.rate * args.seconds * 6), args.all_certified)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        posts = [("POST", "/api/v1/screening/declarations", body, headers) for body in bodies]
        with gunicorn(env) as (_base, port, workers, master):
            open_loop(port, posts[:200], 50, 4)  # warm-up: each worker's engine
            used, mine = workers_cpu_seconds(master), _own_cpu_seconds()
            screening = open_loop(port, posts, args.rate, args.seconds)
            cpu_ms = (workers_cpu_seconds(master) - used) * 1000 / screening["requests"]
            sender_ms = (_own_cpu_seconds() - mine) * 1000 / screening["requests"]
            healthz = open_loop(port, [("GET", "/healthz", None, {})], args.rate, args.seconds / 2)
    verdict = "met" if screening["p99"] < TARGET_P99_MS and screening["errors"] == 0 else "MISSED"
    print(f"{args.rules:,} active rules, {workers} gunicorn workers, {args.db}; declarations of 1–10 items")
    print(
        f"screening API at {args.rate:.0f} declarations/s for {args.seconds:.0f} s: p50 {screening['p50']:.1f} ms, "
        f"p99 {screening['p99']:.1f} ms, achieved {screening['rate']:.0f}/s, errors {screening['errors']} "
        f"{screening['sample']} (target p99 < {TARGET_P99_MS} ms: {verdict})"
    )
    print(
        f"server CPU a declaration (the workers' user + system time over the run): {cpu_ms:.1f} ms — "
        f"{workers} workers can serve at most {workers * 1000 / cpu_ms:.0f} declarations/s on this machine, "
        f"before the load generator's share ({sender_ms:.1f} ms a declaration, on the same cores)"
    )
    print(f"peer, /healthz at the same rate: p50 {healthz['p50']:.1f} ms, p99 {healthz['p99']:.1f} ms")


if __name__ == "__main__":
    main()
