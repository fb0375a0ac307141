"""Benchmark of bulk intake: rows/s of the real import and of a 100,000-row synthetic partner import.

Usage:  .venv/bin/python bench/intake/run.py [--db sqlite|postgres|both] [--synthetic 100000]

Each database run starts from an empty database (a temporary SQLite file, or a fresh PostgreSQL database
at 127.0.0.1:5432 as user postgres), migrates it, loads the demo organisations and the HS nomenclature, then
times, in one process:
  1. the full import of every real file of ../shared/data;
  2. the same import again (idempotent re-import: nothing changes);
  3. a synthetic import of N partner-format rows with Chinese and English text;
  4. the peer: the straightforward way, one validated ORM save per row, on a 2,000-row sample of (3).
Every import figure includes tokenization and search indexing, the MinHash signature and triage suggestion of
each row, and duplicate detection over the whole database at the end of the import (its proposals counted).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_ROWS_PER_SECOND = 3000

PRODUCTS = [
    "锂电池移动电源",
    "儿童电动车",
    "电热水壶",
    "婴儿推车",
    "塑料玩具",
    "电吹风",
    "LED lamp",
    "baby stroller",
    "power bank",
    "kettle",
    "children's pyjamas",
    "electric heater",
    "乳粉",
    "冷冻虾仁",
    "chicken fillets",
]
HAZARDS = [
    "过热起火",
    "小零件窒息",
    "沙门氏菌超标",
    "铅含量超标",
    "绳带勒颈",
    "electric shock",
    "Salmonella",
    "lead",
    "burn hazard",
    "choking hazard",
]


def synthetic_rows(n: int, seed: int = 7):
    rng = random.Random(seed)
    for i in range(n):
        product, hazard = rng.choice(PRODUCTS), rng.choice(HAZARDS)
        yield (
            i + 2,
            {
                "external_id": f"SYN-{i:07d}",
                "source_type": rng.choice(["consumer_complaint", "test_institution", "domestic_department", "media"]),
                "title": f"{product}{hazard}（批次 {rng.randint(1000, 9999)}）",
                "description": f"{product} 在使用中出现{hazard}。Reported by partner agency {rng.randint(1, 40)}.",
                "product_name": product,
                "brand": f"Brand{rng.randint(1, 500)}",
                "hazard_types": rng.choice(["physical", "chemical", "biological", "physical;chemical"]),
                "origin_countries": rng.choice(["CN", "DE", "US", "VN;CN", "JP"]),
                "urgency": rng.choice(["normal"] * 9 + ["urgent"]),
            },
        )


def run_inside(db: str, synthetic: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from riskgate.core.reference import load_hs
    from riskgate.intake import services
    from riskgate.intake.importers import SOURCES, import_files, map_partner, run_import
    from riskgate.intake.models import RiskInformation
    from riskgate.site.demo import load_world

    call_command("migrate", verbosity=0)
    load_hs()
    load_world()
    office = services.warning_office()

    real = [(k, settings.RISKGATE_SHARED_DATA / s.default_file) for k, s in SOURCES.items() if s.default_file]
    started = time.perf_counter()
    # As `manage.py import_risk_information --all` runs them: derived values on a second process when there is
    # a second CPU; one duplicate detection after the last file.
    reports, proposed = import_files(real, organisation=office, processes=2)
    rows = sum(r.rows for r in reports)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again, _ = import_files(real, organisation=office, processes=2)
    second = time.perf_counter() - started
    assert sum(r.created + r.updated for r in again) == 0

    started = time.perf_counter()
    report = run_import("partner", "synthetic", organisation=office, rows=synthetic_rows(synthetic), processes=2)
    synth = time.perf_counter() - started
    assert report.created == synthetic

    # The peer: one validated ORM save per row (what a straightforward importer does), on a sample.
    sample = 2000
    from riskgate.intake.enrich import search_text_of

    started = time.perf_counter()
    for _line, row in synthetic_rows(sample, seed=99):
        row["external_id"] = "NAIVE-" + row["external_id"]
        external_id, fields = map_partner(row)
        info = RiskInformation(
            external_system="NAIVE", external_id=external_id, organisation=office, channel="bulk_import", **fields
        )
        info.full_clean()
        info.search_tokens = search_text_of(info)
        info.save()
    naive = time.perf_counter() - started

    print(
        f"[{db}] real files: {rows:,} rows in {first:.1f} s = {rows / first:,.0f} rows/s "
        f"(target {TARGET_ROWS_PER_SECOND:,})"
    )
    print(f"[{db}] real files again (idempotent, nothing changes): {rows / second:,.0f} rows/s")
    print(
        f"[{db}] synthetic partner rows: {synthetic:,} in {synth:.1f} s = {synthetic / synth:,.0f} rows/s "
        f"(target {TARGET_ROWS_PER_SECOND:,})"
    )
    print(f"[{db}] peer, one ORM save per row: {sample:,} in {naive:.1f} s = {sample / naive:,.0f} rows/s")
    print(
        f"[{db}] links proposed by duplicate detection: real files {proposed:,}, "
        f"synthetic {report.proposed_links:,} (included in the figures above)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        run_inside(args.inside, args.synthetic)
        return
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        env = {
            **os.environ,
            "RISKGATE_DEV": "1",
            "DJANGO_SETTINGS_MODULE": "riskgate.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
        with tempfile.TemporaryDirectory() as tmp:
            env["RISKGATE_VAR_DIR"] = tmp
            name = f"riskgate_bench_{os.getpid()}"
            if db == "postgres":
                subprocess.run(
                    [
                        "psql",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-q",
                        "-c",
                        f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                        "TEMPLATE template0",
                    ],
                    check=True,
                )
                env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
            else:
                env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            try:
                subprocess.run(
                    [sys.executable, __file__, "--inside", db, "--synthetic", str(args.synthetic)], env=env, check=True
                )
            finally:
                if db == "postgres":
                    subprocess.run(
                        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name}"],
                        check=False,
                    )


if __name__ == "__main__":
    main()
