"""Benchmark of long exports (issue 26.4): what the web request costs now, and how fast the background job writes.

Usage:  RISKGATE_DEV=1 .venv/bin/python bench/exports/run.py [--user warning] [--repeat 3]

It runs on the configured database — by default the development database that `make demo` fills with the real
public data (30,000+ risk-information items) — and times, in one process, for the user's whole list of risk
information (the warning office sees every item):
  1. the request that asks for the export: recording the job and its audit event (the web tier's whole cost);
  2. the background job writing the CSV, and the XLSX: rows/s, with every row's labels (source, channel,
     status, urgency, hazard types in the asker's language) and the list's scope, filters and order;
  3. the peer: one SQL query of the same columns (an indexed join with the organisation, in the same order)
     written by csv.writer — no ORM objects, no labels: the floor of any CSV export of these rows in Python.
The jobs' files and rows are deleted afterwards. Before issue 26.4 the export was answered inside the request.
"""

import argparse
import csv
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from django_setup import setup  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="warning")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import translation

    from riskgate.accounts.models import User
    from riskgate.core import exports
    from riskgate.core.models import ExportJob

    user = User.objects.filter(username=args.user).first()
    if user is None:
        print(f"error: no user {args.user!r}: load the demo first (make demo)", file=sys.stderr)
        return 2
    translation.activate("zh-hans")
    asks, runs = [], {"csv": [], "xlsx": []}
    rows = 0
    for _ in range(args.repeat):
        for fmt in ("csv", "xlsx"):
            exports.enqueue_on_commit = lambda *a: None  # the bench runs the job itself, timed apart
            t0 = time.perf_counter()
            job = exports.start(user, "intake.information", fmt, "")
            asks.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            assert exports.run(job.pk) == "done"
            runs[fmt].append(time.perf_counter() - t0)
            job.refresh_from_db()
            rows = job.total
            (Path(settings.EXPORT_DIR) / job.file).unlink()
            ExportJob.objects.filter(pk=job.pk).delete()
    peer = []
    sql = (
        "SELECT i.id, i.source_type, i.channel, i.status, i.urgency, i.title, i.product_name, i.brand, i.model,"
        " i.batch, i.product_category, i.hs_code_id, i.origin_countries, i.notifying_country, i.hazard_types,"
        " i.hazard_detail, i.notified_on, i.received_at, o.name, i.external_system, i.external_id"
        " FROM intake_riskinformation i JOIN accounts_organisation o ON o.id = i.organisation_id"
        " ORDER BY i.received_at DESC, i.id DESC"
    )
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        out = io.StringIO()
        writer = csv.writer(out)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            while chunk := cursor.fetchmany(2000):
                writer.writerows(chunk)
        peer.append(time.perf_counter() - t0)
    best = {fmt: min(times) for fmt, times in runs.items()}
    print(f"database: {connection.vendor}; rows exported: {rows:,} (user {args.user}); best of {args.repeat}")
    print(f"request that asks for the export: median {statistics.median(asks) * 1000:.1f} ms")
    for fmt, seconds in best.items():
        print(f"background job, {fmt.upper():4}: {seconds:6.2f} s  ({rows / seconds:8,.0f} rows/s)")
    print(f"peer, raw SQL + csv.writer: {min(peer):6.2f} s  ({rows / min(peer):8,.0f} rows/s)")
    print(f"job CSV / peer: {best['csv'] / min(peer):.1f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
