"""US recalls: CPSC, FDA enforcement reports, NHTSA vehicle recalls."""

import hashlib

from riskgate.core.vocabulary import HazardType, Urgency

from ...models import SourceType
from .mapping import classify_hazards, parse_date, require


def map_cpsc(row: dict) -> tuple[str, dict]:
    require(row, "recall_number", "title")
    return row["recall_number"], {
        "source_type": SourceType.FOREIGN_RECALL,
        "title": row["title"][:500],
        "description": row["description"],
        "product_name": row["title"][:300],
        "brand": row["manufacturer"][:200],
        "product_category": "Consumer products",
        "notifying_country": "US",
        "hazard_types": classify_hazards(row["hazards"], row["title"]),
        "hazard_detail": row["hazards"],
        "notified_on": parse_date(row["recall_date"], "%Y-%m-%d"),
        "_source_data": {k: row[k] for k in ("remedy", "url")},
    }


def map_fda(row: dict) -> tuple[str, dict]:
    require(row, "report_date", "firm", "product_description")
    key = hashlib.sha256("|".join(row[k] for k in ("report_date", "firm", "product_description", "reason")).encode())
    return key.hexdigest()[:40], {
        "source_type": SourceType.FOREIGN_RECALL,
        "title": f"{row['firm']} — {row['reason']}"[:500],
        "description": row["product_description"],
        "product_name": row["product_description"][:300],
        "brand": row["firm"][:200],
        "product_category": f"FDA {row['category']}"[:200],
        "notifying_country": "US",
        "hazard_types": classify_hazards(row["reason"]),
        "hazard_detail": row["reason"],
        "notified_on": parse_date(row["report_date"], "%Y%m%d"),
        "urgency": Urgency.URGENT if row["classification"] == "Class I" else Urgency.NORMAL,
        "_source_data": {k: row[k] for k in ("classification", "voluntary", "status", "state")},
    }


def map_nhtsa(row: dict) -> tuple[str, dict]:
    require(row, "nhtsa_id")
    return row["nhtsa_id"], {
        "source_type": SourceType.FOREIGN_RECALL,
        "title": f"{row['make']} {row['model']} {row['year']} — {row['component']}"[:500],
        "description": f"{row['subject']} {row['recall_description']}".strip(),
        "product_name": f"{row['make']} {row['model']} {row['year']}".strip()[:300],
        "brand": row["make"][:200],
        "model": f"{row['model']} {row['year']}".strip()[:300],
        "product_category": "Motor vehicles",
        "notifying_country": "US",
        "hazard_types": classify_hazards(row["recall_description"], row["component"]) or [str(HazardType.PHYSICAL)],
        "hazard_detail": row["recall_description"],
        "notified_on": parse_date(row["report_date"], "%d/%m/%Y"),
        "_source_data": {"component": row["component"]},
    }
