"""Loading reference data: GB/T 2260 regions (shipped here) and the HS nomenclature (../shared/data/hs)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import HSCode, HSSection

DATA = Path(__file__).parent / "data"
REGIONS_CSV = DATA / "regions.csv"
HS_ZH_CSV = DATA / "hs_chapters_zh.csv"


def load_regions(Region) -> int:
    """Insert or update every region of regions.csv, parents first; returns the number of rows."""
    with REGIONS_CSV.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["parent"] != "", r["code"]))
    for row in rows:
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "level": row["level"],
                "parent_id": row["parent"] or None,
            },
        )
    return len(rows)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise FileNotFoundError(
            f"Reference file not found: {path} (set RISKGATE_SHARED_DATA to the shared/data folder)"
        )
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _upsert(model, rows: list[dict], fields: list[str], report: LoadReport) -> None:
    existing = {obj.pk: obj for obj in model.objects.all()}
    to_create, to_update = [], []
    for row in rows:
        obj = existing.get(row["pk"])
        if obj is None:
            to_create.append(model(pk=row["pk"], **{f: row[f] for f in fields}))
        elif any(getattr(obj, f) != row[f] for f in fields):
            for f in fields:
                setattr(obj, f, row[f])
            to_update.append(obj)
        else:
            report.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=500)
    model.objects.bulk_update(to_update, fields, batch_size=500)
    report.created += len(to_create)
    report.updated += len(to_update)


def load_hs(folder: Path | None = None) -> LoadReport:
    """Load the HS 2022 sections and codes with their Chinese chapter names; idempotent and atomic."""

    folder = folder or settings.RISKGATE_SHARED_DATA / "hs"
    sections = _read_csv(folder / "sections.csv")
    # The file carries one aggregate row, "TOTAL", that is not a code.
    codes = [r for r in _read_csv(folder / "harmonized-system.csv") if r["hscode"] != "TOTAL"]
    zh = {r["code"]: r["name_zh"] for r in _read_csv(HS_ZH_CSV)}
    known = {r["hscode"] for r in codes}
    section_codes = {s["section"].strip() for s in sections}
    bad = [r for r in codes if not r["hscode"].isdigit() or len(r["hscode"]) not in (2, 4, 6)]
    if bad:
        raise ValueError(f"{len(bad)} HS rows have malformed codes, first: {bad[0]}")
    report = LoadReport()
    with transaction.atomic():
        _upsert(
            HSSection,
            [
                {
                    "pk": s["section"].strip(),
                    "name": s["name"].strip(),
                    "name_zh": zh.get(s["section"].strip(), ""),
                    "position": i,
                }
                for i, s in enumerate(sections, start=1)
            ],
            ["name", "name_zh", "position"],
            report,
        )
        _upsert(
            HSCode,
            [
                {
                    "pk": r["hscode"],
                    "level": len(r["hscode"]),
                    "parent_id": r["parent"] if r["parent"] in known else None,
                    "section_id": r["section"].strip() if r["section"].strip() in section_codes else None,
                    "description": r["description"].strip(),
                    "description_zh": zh.get(r["hscode"], ""),
                }
                for r in codes
            ],
            ["level", "parent_id", "section_id", "description", "description_zh"],
            report,
        )
    return report
