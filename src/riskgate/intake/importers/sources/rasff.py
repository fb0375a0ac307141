"""EU RASFF: the notifications export and the 2024 risk-decision file (which enriches the same records)."""

from riskgate.core.vocabulary import Urgency

from ...models import SourceType
from .mapping import classify_hazards, countries, first_country, parse_date, require


def map_rasff(row: dict) -> tuple[str, dict]:
    require(row, "Reference", "Product")
    origins, origin_text = countries(row["Country Origin"])
    hazard_category = row["Hazard Category"] if row["Hazard Category"] != "n/a" else ""
    return row["Reference"], {
        "source_type": SourceType.FOREIGN_GOVERNMENT,
        "title": " — ".join(x for x in [row["Hazard Substance"] or hazard_category, row["Product"]] if x)[:500],
        "product_name": row["Product"][:300],
        "product_category": row["Product Category"][:200],
        "origin_countries": origins,
        "origin_text": origin_text,
        "notifying_country": first_country(row["Notification From"]),
        "hazard_types": classify_hazards(hazard_category, row["Hazard Substance"]),
        "hazard_detail": "; ".join(x for x in [row["Hazard Substance"], hazard_category] if x),
        "notified_on": parse_date(row["Date of Case"], "%b %d, %Y"),
    }


def map_rasff_risk_decision(row: dict) -> tuple[str, dict]:
    require(row, "reference", "subject")
    origins, origin_text = countries(row["origin"], ",")
    decision = row["risk_decision"]
    return row["reference"], {
        "source_type": SourceType.FOREIGN_GOVERNMENT,
        "title": row["subject"][:500],
        "description": row["subject"],
        "product_category": row["category"][:200],
        "origin_countries": origins,
        "origin_text": origin_text,
        "notifying_country": first_country(row["notifying_country"]),
        "hazard_types": classify_hazards(row["hazards"], row["subject"]),
        "hazard_detail": row["hazards"],
        "notified_on": parse_date(row["date"][:19], "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"),
        "urgency": Urgency.URGENT if decision == "serious" else Urgency.NORMAL,
        "_source_data": {
            k: row[k]
            for k in (
                "classification",
                "risk_decision",
                "type",
                "distribution",
                "forAttention",
                "forFollowUp",
                "operator",
            )
        },
    }
