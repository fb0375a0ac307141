"""EU Safety Gate motor-vehicle alerts."""

from riskgate.core.vocabulary import Urgency

from ...models import SourceType
from .mapping import classify_hazards, countries, first_country, parse_date, require


def map_safety_gate(row: dict) -> tuple[str, dict]:
    require(row, "case_number")
    origins, origin_text = countries(row["country_of_origin"], ";,")
    product = " ".join(x for x in [row["product"], row["brand"], row["name"]] if x)
    recall = "recall" in row["measures"].lower()
    return row["case_number"], {
        "source_type": SourceType.FOREIGN_RECALL if recall else SourceType.FOREIGN_GOVERNMENT,
        "title": f"{product} — {row['risk_type']}"[:500],
        "description": row["danger"],
        "product_name": (row["product"] or row["description"])[:300],
        "brand": row["brand"][:200],
        "model": " ".join(x for x in [row["name"], row["model"]] if x)[:300],
        "batch": row["production_dates"][:200],
        "product_category": row["category"][:200],
        "origin_countries": origins,
        "origin_text": origin_text,
        "notifying_country": first_country(row["notifying_country"]),
        "hazard_types": classify_hazards(row["risk_type"]),
        "hazard_detail": row["risk_type"],
        "notified_on": parse_date(row["published_date"], "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"),
        "urgency": Urgency.URGENT if row["risk_level"] == "Serious risk" else Urgency.NORMAL,
        "_source_data": {k: row[k] for k in ("measures", "risk_level", "company_recall_code", "reference_url")},
    }
