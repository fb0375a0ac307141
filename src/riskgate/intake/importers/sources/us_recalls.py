"""US recalls: CPSC, FDA enforcement reports, NHTSA vehicle recalls."""

import hashlib
import re

from riskgate.core.vocabulary import HazardType, Urgency

from ...models import SourceType
from .mapping import classify_hazards, parse_date, require

# CPSC's titles name the firm and the product: "<firm> Recalls <product> Due to …", or "<product> Recalled Due to …;
# Imported by <firm>" (also Sold, Distributed, Manufactured by). Most rows leave `manufacturer` empty.
_CPSC_RECALLS = re.compile(r"^(?P<firm>.+?) Recalls (?P<product>.+?)(?: Due to |$)")
_CPSC_RECALLED = re.compile(r"^(?P<product>.+?) Recalled(?: Due to |$)")
_CPSC_BRANDED = re.compile(r"involves (?:the |all |certain )?(?P<firm>[\w'&.+]+(?: [\w'&.+]+){0,3}?)[- ]branded")
_CPSC_SUFFIX = re.compile(r",? (?:of [A-Z][\w ]+|doing business as .*)$")
_CPSC_BY = re.compile(r"(?:Imported|Sold|Distributed|Manufactured|Made)\b[^;]*? by (?P<firm>[^;]+)")


def cpsc_names(title: str, manufacturer: str, description: str = "") -> tuple[str, str]:
    """The firm and the product a CPSC recall names: the manufacturer column when filled, else the title's firm,
    else the brand its description names ("… involves AMZCMJ DGD-branded children's tower stools")."""
    firm, product = manufacturer.strip(), title
    if found := _CPSC_RECALLS.match(title):
        firm, product = firm or found["firm"], found["product"]
    elif found := _CPSC_RECALLED.match(title):
        product = found["product"]
        if by := _CPSC_BY.search(title):
            firm = firm or by["firm"].strip()
    if not firm and (branded := _CPSC_BRANDED.search(description[:400])):
        firm = branded["firm"]
    return _CPSC_SUFFIX.sub("", firm).strip(), product


def map_cpsc(row: dict) -> tuple[str, dict]:
    require(row, "recall_number", "title")
    firm, product = cpsc_names(row["title"], row["manufacturer"], row["description"])
    return row["recall_number"], {
        "source_type": SourceType.FOREIGN_RECALL,
        "title": row["title"][:500],
        "description": row["description"],
        "product_name": product[:300],
        "brand": firm[:200],
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
