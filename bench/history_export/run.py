"""Benchmark of the web tier while the declaration-history export runs on the same CPUs (issue 24 item 21).

Usage:  .venv/bin/python bench/history_export/run.py [--items 200000] [--rate 30] [--baseline 20] [--db postgres]

It builds a fresh database (SQLite, or PostgreSQL at 127.0.0.1 with --db postgres) with the demo organisations and
N screened declaration items not yet in the history (bench/screening's generator: real HS subheadings), starts the
production web server (gunicorn, one worker per CPU) on 127.0.0.1, and requests a mix of pages at a fixed rate,
open loop (bench/serving.py): an officer's home page and rule list (signed in), the public warning portal and
/healthz. It measures the pages' latency
  1. with nothing else running (the peer: the web tier's normal range), before and after the exports;
  2. while the export of the N items runs as it did before (one batch of up to 200,000 decisions read, checked and
     written in one go at normal priority, DuckDB on every CPU) in a background-worker process;
  3. while the scheduled job exports the same N items as it does now (riskgate.targeting.tasks.export_history:
     steps of 5,000 decisions at idle CPU priority, DuckDB on one thread, segments merged into parts),
and prints p50/p95/p99 for each, with the export's time. Both exports run in a process that has loaded Django
before it is told to start, as a Celery worker has.
Target (issue 24 item 21): the pages' p95 during the export within the normal range (at most 1.25 times the
slower of the two quiet runs' p95).
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "screening"))

from serving import bench_env, gunicorn, open_loop  # noqa: E402

TARGET_RATIO = 1.25
OLD_BATCH = 200_000  # decisions per part in the export as it was


def build(n_items: int) -> None:
    """In a fresh process with the bench's settings: migrate, demo accounts, N screening decisions, a signed-in
    officer's session (printed)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from run import generate

    from riskgate.accounts.models import User
    from riskgate.site.demo import load_world
    from riskgate.targeting.models import ScreeningDecision
    from riskgate.warnings.demo import load_demo_warnings

    call_command("migrate", verbosity=0)
    load_world()
    load_demo_warnings()
    port = User.objects.get(username="port")
    _rules, items = generate(0, n_items, seed=11, raw=True)
    for start in range(0, len(items), 20_000):
        with transaction.atomic():
            ScreeningDecision.objects.bulk_create(
                ScreeningDecision(
                    declaration_id=item["declaration_id"],
                    item_no=item["item_no"],
                    item=item,
                    action="release",
                    rule_set_version=1,
                    organisation=port.organisation,
                )
                for item in items[start : start + 20_000]
            )
    client = Client()
    client.force_login(User.objects.get(username="warning"))
    print(f"SESSION {client.cookies['sessionid'].value}", flush=True)


def worker(mode: str) -> None:
    """A background worker: Django loaded, waits for a line on stdin, exports, prints the items and seconds."""
    import django

    django.setup()
    from riskgate.targeting import tasks

    sys.stdin.readline()
    started = time.perf_counter()
    if mode == "one-batch":
        _reset()
        items = _one_batch()
    elif mode == "stepped":
        _reset()
        items = tasks.export_history()
    print(f"DONE {items} {time.perf_counter() - started:.3f}", flush=True)


def _reset() -> None:
    import shutil

    from riskgate.targeting.models import HistoryExport
    from riskgate.targeting.services.retro import directory

    HistoryExport.objects.all().delete()
    shutil.rmtree(directory(), ignore_errors=True)


def _one_batch() -> int:
    """The export as it was before issue 24: every batch of OLD_BATCH decisions read, checked and written in one
    go, at the worker's own priority, DuckDB with its default threads (one per CPU)."""
    from riskgate.targeting.engine import parse_item
    from riskgate.targeting.engine.retro import write_history
    from riskgate.targeting.models import HistoryExport, ScreeningDecision
    from riskgate.targeting.services.retro import directory

    written, last = 0, 0
    while rows := list(
        ScreeningDecision.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "item")[:OLD_BATCH]
    ):
        items = [parse_item(data) for _pk, data in rows]
        name = f"part-{rows[0][0]:012d}"
        write_history(items, directory(), name)
        HistoryExport.objects.create(
            name=name, first_decision_id=rows[0][0], last_decision_id=rows[-1][0], items=len(items)
        )
        written, last = written + len(items), rows[-1][0]
    return written


def during_export(env: dict, mode: str, port: int, pages: list, rate: float) -> tuple[dict, int, float]:
    """The pages' latency from the moment the worker is told to start until it has finished."""
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, "--worker", mode],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(5)  # Django and the engine loaded, as in a running worker
    process.stdin.write("go\n")
    process.stdin.flush()
    latency = open_loop(port, pages, rate, until=lambda: process.poll() is not None)
    out, _ = process.communicate(timeout=600)
    if process.returncode != 0:
        raise SystemExit(f"the {mode} export failed (exit status {process.returncode})")
    done = next(line.split() for line in out.splitlines() if line.startswith("DONE "))
    return latency, int(done[1]), float(done[2])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--rate", type=float, default=30, help="page requests per second")
    parser.add_argument("--baseline", type=float, default=20, help="seconds of each quiet run")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--build-only", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only is not None:
        build(args.build_only)
        return
    if args.worker:
        worker(args.worker)
        return
    with bench_env("riskgate-history-export-", args.db) as (env, _workdir):
        started = time.perf_counter()
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--build-only", str(args.items)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        session = next(line.split()[1] for line in out.splitlines() if line.startswith("SESSION "))
        print(f"built {args.items:,} screened items in {time.perf_counter() - started:.0f} s ({args.db})", flush=True)
        signed_in = {"Cookie": f"sessionid={session}"}
        pages = [
            ("GET", "/", None, signed_in),
            ("GET", "/targeting/rules/", None, signed_in),
            ("GET", "/warnings/", None, {}),
            ("GET", "/healthz", None, {}),
        ]
        with gunicorn(env) as (_base, port, workers, _master):
            open_loop(port, pages, args.rate, 5)  # warm-up
            rows = [("quiet (peer)", open_loop(port, pages, args.rate, args.baseline), None)]
            for mode in ("one-batch", "stepped"):
                latency, items, seconds = during_export(env, mode, port, pages, args.rate)
                rows.append((f"during the {mode} export", latency, (items, seconds)))
            rows.append(("quiet again (peer)", open_loop(port, pages, args.rate, args.baseline), None))
    print(f"{workers} gunicorn workers, {args.rate:.0f} pages/s (home, rule list, portal, /healthz), {args.db}")
    for name, latency, export in rows:
        line = (
            f"{name:<28} p50 {latency['p50']:7.1f} ms | p95 {latency['p95']:7.1f} ms | p99 {latency['p99']:7.1f} ms "
            f"| max {latency['max']:7.1f} ms | {latency['requests']:>5} requests, errors {latency['errors']}"
        )
        if export:
            line += f" | exported {export[0]:,} items in {export[1]:.1f} s ({export[0] / export[1]:,.0f} items/s)"
        print(line + (f" {latency['sample']}" if latency["errors"] else ""))
    normal = max(rows[0][1]["p95"], rows[-1][1]["p95"])
    stepped = rows[2][1]["p95"]
    verdict = "met" if stepped <= TARGET_RATIO * normal and rows[2][1]["errors"] == 0 else "MISSED"
    print(
        f"p95 during the stepped export {stepped:.1f} ms against the quiet runs' {normal:.1f} ms "
        f"(target ≤ {TARGET_RATIO} × : {verdict}); the one-batch export's p95 was {rows[1][1]['p95']:.1f} ms"
    )


if __name__ == "__main__":
    main()
