"""Loading reference data shipped with the project (GB/T 2260 regions)."""

import csv
from pathlib import Path

REGIONS_CSV = Path(__file__).parent / "data" / "regions.csv"


def load_regions(Region) -> int:
    """Insert or update every region of regions.csv, parents first; returns the number of rows."""
    with REGIONS_CSV.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["parent"] != "", r["code"]))
    for row in rows:
        Region.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "name_en": row["name_en"], "level": row["level"], "parent_id": row["parent"] or None},
        )
    return len(rows)
