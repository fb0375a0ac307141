"""The partner agencies' and single window's file format (docs/partner-format.md)."""

from functools import lru_cache

from riskgate.core import hs as hs_codes
from riskgate.core.countries import is_valid_code
from riskgate.core.models import HSCode
from riskgate.core.vocabulary import HazardType, Urgency

from ...models import SourceType, TradeDirection, valid_gtin
from ..reading import RowError
from .mapping import parse_date, require

PARTNER_COLUMNS = [
    "external_id",
    "source_type",
    "title",
    "description",
    "product_name",
    "brand",
    "model",
    "batch",
    "gtin",
    "hs_code",
    "product_category",
    "trade_direction",
    "origin_countries",
    "notifying_country",
    "hazard_types",
    "hazard_detail",
    "injured",
    "dead",
    "fire",
    "occurred_on",
    "notified_on",
    "urgency",
]


_PARTNER_COLUMN_SET = frozenset(PARTNER_COLUMNS)


@lru_cache(maxsize=16)
def _allowed(choices) -> frozenset[str]:
    return frozenset(choices.values)


def _choice(row: dict, name: str, choices, default: str = "") -> str:
    value = row.get(name, "").strip() or default
    if value not in _allowed(choices):
        raise RowError(f"{name} 的值无效：{value!r}（可选：{', '.join(choices.values)}）")
    return value


def _count(row: dict, name: str) -> int:
    value = row.get(name, "").strip() or "0"
    if not value.isdigit():
        raise RowError(f"{name} 应为非负整数：{value!r}")
    return int(value)


def map_partner(row: dict) -> tuple[str, dict]:
    """The documented exchange format of partner agencies and the single window (docs/partner-format.md)."""

    require(row, "external_id", "title")
    unknown = sorted(set(row) - _PARTNER_COLUMN_SET)
    if unknown:
        raise RowError("未知的列：" + ", ".join(unknown))
    hazards = [h.strip() for h in row.get("hazard_types", "").split(";") if h.strip()]
    if not hazards or any(h not in _allowed(HazardType) for h in hazards):
        raise RowError(f"hazard_types 无效：{row.get('hazard_types', '')!r}（可选：{', '.join(HazardType.values)}）")
    origins = [c.strip().upper() for c in row.get("origin_countries", "").split(";") if c.strip()]
    notifying = row.get("notifying_country", "").strip().upper()
    bad = [c for c in [*origins, *([notifying] if notifying else [])] if not is_valid_code(c)]
    if bad:
        raise RowError("未知的国家或地区代码：" + ", ".join(bad))
    gtin = row.get("gtin", "").strip()
    if gtin and not valid_gtin(gtin):
        raise RowError(f"商品条码校验位错误：{gtin}")
    try:
        hs, national = hs_codes.split(row.get("hs_code", ""))
    except hs_codes.CodeError as exc:
        raise RowError(str(exc)) from exc
    if hs and not HSCode.objects.filter(pk=hs).exists():
        raise RowError(f"HS 编码 {hs} 不在 HS 2022 目录中。")
    fire = row.get("fire", "").strip().lower()
    if fire not in ("", "0", "1", "true", "false", "是", "否"):
        raise RowError(f"fire 应为 true/false：{fire!r}")
    return row["external_id"].strip(), {
        "source_type": _choice(row, "source_type", SourceType, SourceType.OTHER),
        "title": row["title"][:500],
        "description": row.get("description", ""),
        "product_name": row.get("product_name", "")[:300],
        "brand": row.get("brand", "")[:200],
        "model": row.get("model", "")[:300],
        "batch": row.get("batch", "")[:200],
        "gtin": gtin,
        "hs_code_id": hs or None,
        "declared_hs_code": national,
        "product_category": row.get("product_category", "")[:200],
        "trade_direction": _choice(row, "trade_direction", TradeDirection, TradeDirection.UNKNOWN),
        "origin_countries": origins,
        "notifying_country": notifying,
        "hazard_types": hazards,
        "hazard_detail": row.get("hazard_detail", ""),
        "injured": _count(row, "injured"),
        "dead": _count(row, "dead"),
        "fire": fire in ("1", "true", "是"),
        "occurred_on": parse_date(row.get("occurred_on", ""), "%Y-%m-%d"),
        "notified_on": parse_date(row.get("notified_on", ""), "%Y-%m-%d"),
        "urgency": _choice(row, "urgency", Urgency, Urgency.NORMAL),
    }
