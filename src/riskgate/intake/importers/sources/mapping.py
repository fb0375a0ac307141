"""What the source mappers share: hazard keywords, dates, countries, required columns."""

import datetime as dt
import re
from functools import lru_cache

from riskgate.core.countries import country_codes
from riskgate.core.dates import out_of_window
from riskgate.core.vocabulary import HazardType

from ..reading import RowError

HAZARD_KEYWORDS: list[tuple[str, str]] = [
    (r"fraud|adulterat|counterfeit", HazardType.FRAUD),
    (r"allergen|undeclared|sterility|sub-?potent|superpotent", HazardType.HEALTH),
    (
        r"pathogen|micro-?organism|microbial|salmonella|listeria|e\.? ?coli|clostridium|bacteri|virus|norovirus|"
        r"hepatitis|parasit|mou?ld|biocontaminant|yeast",
        HazardType.BIOLOGICAL,
    ),
    (
        r"pesticide|mycotoxin|aflatoxin|ochratoxin|metal|lead|cadmium|mercury|contaminant|migration|additive|"
        r"veterinary|chemical|toxin|residue|dioxin|ethylene oxide|carbon monoxide|poison|phthalate|formaldehyde",
        HazardType.CHEMICAL,
    ),
    (
        r"foreign bod|glass|fragment|injur|fire|burn|shock|laceration|chok|strangul|entrap|fall|crash|drown|"
        r"tip-?over|security|electrocution",
        HazardType.PHYSICAL,
    ),
    (r"environment|emission", HazardType.ENVIRONMENTAL),
]


# Matched against the lower-cased text: several times faster than re.IGNORECASE on these alternations.
_HAZARD_PATTERNS = [(re.compile(p), h) for p, h in HAZARD_KEYWORDS]


def classify_hazards(*texts: str) -> list[str]:
    return list(_classify(" ".join(t for t in texts if t)))


@lru_cache(maxsize=20_000)
def _classify(text: str) -> tuple[str, ...]:
    """(Hazard texts recur across notifications: cached.)"""
    lowered = text.lower()
    found = tuple(str(h) for pattern, h in _HAZARD_PATTERNS if pattern.search(lowered))
    return found or ((str(HazardType.OTHER),) if text.strip() else ())


def parse_date(value: str, *formats: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    date = _parse_date(value, formats)
    if why := out_of_window(date):
        raise RowError(why)
    return date


@lru_cache(maxsize=20_000)
def _parse_date(value: str, formats: tuple[str, ...]) -> dt.date:
    """(Notification dates recur: cached; a date is immutable.)"""
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise RowError(f"日期无法识别：{value!r}")


def countries(value: str, separators: str = ";,") -> tuple[list[str], str]:
    codes, _unknown = country_codes(value, separators)
    return codes, value[:500]


def first_country(value: str) -> str:
    codes, _ = country_codes(value, ";,")
    return codes[0] if codes else ""


def require(row: dict, *names: str) -> None:
    missing = [n for n in names if not row.get(n)]
    if missing:
        raise RowError("缺少必填字段：" + ", ".join(missing))
