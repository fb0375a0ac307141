"""The exchange format of control rules, declaration items and screening results (docs/screening-format.md),
read and checked. Pure Python: no Django, so the engine runs in any worker and from the command line.

Every check names the field it refuses; the command line adds the line. Nothing is coerced silently: a number
given as text, an HS code with letters, an unknown country or an unknown field is an error.
"""

import datetime as dt
import functools
import hashlib
import math
import re
from dataclasses import dataclass
from hashlib import blake2b as _blake2b
from typing import NamedTuple

from riskgate.core.countries import EXTRA_NAMES

ACTIONS = ("reject", "hold", "inspect", "sample", "document_check")  # strongest first
STRENGTH = {action: len(ACTIONS) - i for i, action in enumerate(ACTIONS)}  # reject 5 … document_check 1
RELEASE = "release"
DIRECTIONS = ("import", "export")
# The fields of a rule that decide what it matches (a rule version is these and its id).
RULE_CRITERIA = (
    "direction",
    "hs_prefixes",
    "origin_countries",
    "enterprise_ids",
    "ports",
    "keywords",
    "min_value",
    "max_value",
    "valid_from",
    "valid_to",
    "action",
    "sampling_rate",
)
RULE_FIELDS = frozenset({"id", *RULE_CRITERIA})
ITEM_FIELDS = frozenset(
    {
        "declaration_id",
        "item_no",
        "direction",
        "hs_code",
        "origin_country",
        "enterprise_ids",
        "port",
        "description",
        "value",
        "declared_at",
        "certificates",  # checked by the legal-inspection catalogue (engine/catalogue.py), not by the rules
    }
)
_DIGITS = re.compile(r"[0-9]+")
_ALPHA2 = re.compile(r"[A-Z]{2}")


CERTIFICATE_KINDS = KINDS = ("inspection", "ccc")  # the references the legal-inspection catalogue asks for


class CertificateError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def parse_certificates(value) -> dict[str, str]:
    """The certificates a declaration item names ([{"kind": "ccc", "number": "…"}]), by kind. The structure is
    checked here (an error names the field); whether a number is well formed is the catalogue's check."""
    if value is None:
        return {}
    if not isinstance(value, list) or len(value) > 10:
        raise CertificateError("certificates", "expected a list of at most 10 {kind, number} objects")
    found: dict[str, str] = {}
    for i, entry in enumerate(value):
        if not isinstance(entry, dict) or set(entry) != {"kind", "number"}:
            raise CertificateError(f"certificates[{i}]", "expected an object with kind and number")
        if entry["kind"] not in KINDS:
            raise CertificateError(f"certificates[{i}].kind", f"expected one of {', '.join(KINDS)}")
        if not isinstance(entry["number"], str) or len(entry["number"]) > 40:
            raise CertificateError(f"certificates[{i}].number", "expected a string of at most 40 characters")
        found[entry["kind"]] = entry["number"].strip()
    return found


class FormatError(ValueError):
    """Input that is not in the exchange format; `field` names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Rule:
    id: str | int
    direction: str  # import, export or any
    hs_prefixes: tuple[str, ...]
    origin_countries: frozenset[str]
    enterprise_ids: frozenset[str]
    ports: frozenset[str]
    keywords: tuple[str, ...]  # casefolded
    min_value: float | None
    max_value: float | None
    valid_from: dt.datetime | None
    valid_to: dt.datetime | None
    action: str
    sampling_rate: float


class Item(NamedTuple):
    """A declaration item. A named tuple rather than a dataclass: the engine reads a batch's fields as columns
    with one `zip(*items)`, a third of the time that reading eleven attributes of each item took (0.28 against
    0.94 µs per item in batches of 10,000, bench/screening's items, this machine)."""

    declaration_id: str
    item_no: int
    direction: str
    hs_code: str
    origin_country: str
    enterprise_ids: tuple[str, ...]
    port: str
    description: str  # casefolded once here: keywords match case-insensitively
    value: float
    declared_at: dt.datetime
    at: float  # declared_at as a POSIX timestamp (compared with the rules' validity)


def _country_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | frozenset(EXTRA_NAMES)


COUNTRIES = _country_codes()


def _fields(data, allowed: frozenset[str], what: str) -> dict:
    if not isinstance(data, dict):
        raise FormatError(what, f"expected a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise FormatError(unknown[0], f"unknown field (the fields of a {what} are: {', '.join(sorted(allowed))})")
    return data


def _text(data: dict, field: str, *, required: bool = True, max_length: int = 200) -> str:
    value = data.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise FormatError(field, "expected a non-empty string" if required else "expected a string")
    if len(value) > max_length:
        raise FormatError(field, f"longer than {max_length} characters")
    return value


def _number(data: dict, field: str, *, required: bool) -> float | None:
    value = data.get(field)
    if value is None:
        if required:
            raise FormatError(field, "expected a number")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FormatError(field, f"expected a number, got {json_type(value)}")
    return float(value)


def _moment(data: dict, field: str, *, required: bool) -> dt.datetime | None:
    value = data.get(field)
    if value is None:
        if required:
            raise FormatError(field, "expected a date and time (ISO 8601 with its offset, e.g. 2026-11-30T08:00:00Z)")
        return None
    if not isinstance(value, str):
        raise FormatError(field, f"expected an ISO 8601 date and time, got {json_type(value)}")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise FormatError(field, f"not an ISO 8601 date and time: {value!r}") from None
    if moment.tzinfo is None:
        raise FormatError(field, f"the time needs its offset (Z or +08:00): {value!r}")
    return moment


def _list(data: dict, field: str) -> list:
    value = data.get(field)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FormatError(field, f"expected a list, got {json_type(value)}")
    return value


def _strings(data: dict, field: str, *, max_length: int = 100) -> list[str]:
    values = _list(data, field)
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise FormatError(f"{field}[{i}]", "expected a non-empty string")
        if len(value) > max_length:
            raise FormatError(f"{field}[{i}]", f"longer than {max_length} characters")
    return values


def _hs(value, field: str, *, shortest: int) -> str:
    if not isinstance(value, str) or not _DIGITS.fullmatch(value) or not shortest <= len(value) <= 10:
        raise FormatError(field, f"an HS code is {shortest}–10 digits, got {value!r}")
    return value


def _country(value, field: str) -> str:
    if not isinstance(value, str) or not _ALPHA2.fullmatch(value) or value not in COUNTRIES:
        raise FormatError(field, f"not an ISO 3166-1 alpha-2 country code: {value!r}")
    return value


def _direction(data: dict, field: str, allowed: tuple[str, ...]) -> str:
    value = data.get(field)
    if value not in allowed:
        raise FormatError(field, f"expected one of {', '.join(allowed)}, got {value!r}")
    return value


def json_type(value) -> str:
    return {
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def parse_rule(data) -> Rule:
    data = _fields(data, RULE_FIELDS, "rule")
    rule_id = data.get("id")
    if isinstance(rule_id, bool) or not isinstance(rule_id, str | int) or rule_id == "":
        raise FormatError("id", "expected a non-empty string or an integer")
    if isinstance(rule_id, str) and len(rule_id) > 64:
        raise FormatError("id", "longer than 64 characters")
    action = data.get("action")
    if action not in ACTIONS:
        raise FormatError("action", f"expected one of {', '.join(ACTIONS)}, got {action!r}")
    rate = _number(data, "sampling_rate", required=False)
    if rate is None:
        rate = 1.0
    elif not 0 <= rate <= 1:
        raise FormatError("sampling_rate", f"expected a rate between 0 and 1, got {rate}")
    low, high = _number(data, "min_value", required=False), _number(data, "max_value", required=False)
    if low is not None and high is not None and low > high:
        raise FormatError("max_value", "is below min_value")
    start, end = _moment(data, "valid_from", required=False), _moment(data, "valid_to", required=False)
    if start is not None and end is not None and end <= start:
        raise FormatError("valid_to", "is not after valid_from")
    return Rule(
        id=rule_id,
        direction=_direction(data, "direction", ("import", "export", "any")) if "direction" in data else "any",
        hs_prefixes=tuple(
            dict.fromkeys(_hs(v, f"hs_prefixes[{i}]", shortest=2) for i, v in enumerate(_list(data, "hs_prefixes")))
        ),
        origin_countries=frozenset(
            _country(v, f"origin_countries[{i}]") for i, v in enumerate(_list(data, "origin_countries"))
        ),
        enterprise_ids=frozenset(_strings(data, "enterprise_ids")),
        ports=frozenset(_strings(data, "ports")),
        keywords=tuple(dict.fromkeys(k.casefold() for k in _strings(data, "keywords"))),
        min_value=low,
        max_value=high,
        valid_from=start,
        valid_to=end,
        action=action,
        sampling_rate=rate,
    )


def parse_item(data) -> Item:
    data = _fields(data, ITEM_FIELDS, "declaration item")
    item_no = data.get("item_no")
    if isinstance(item_no, bool) or not isinstance(item_no, int) or item_no < 1:
        raise FormatError("item_no", f"expected a whole number from 1, got {item_no!r}")
    value = _number(data, "value", required=True)
    if value < 0:
        raise FormatError("value", "is negative")
    declared_at = _moment(data, "declared_at", required=True)
    if "certificates" in data:
        try:
            parse_certificates(data["certificates"])
        except CertificateError as exc:
            raise FormatError(exc.field, exc.message) from None
    return Item(
        declaration_id=_text(data, "declaration_id", max_length=64),
        item_no=item_no,
        direction=_direction(data, "direction", DIRECTIONS),
        hs_code=_hs(data.get("hs_code"), "hs_code", shortest=4),
        origin_country=_country(data.get("origin_country"), "origin_country"),
        enterprise_ids=tuple(_strings(data, "enterprise_ids")),
        port=_text(data, "port", max_length=64),
        description=_text(data, "description", required=False, max_length=2000).casefold(),
        value=value,
        declared_at=declared_at,
        at=declared_at.timestamp(),
    )


def selected(declaration_id: str, item_no: int, rule_id, rate: float) -> bool:
    """Whether a sampling rule selects an item: a pure function of (declaration, item, rule), so an audit can
    reproduce it. BLAKE2b of "declaration_id␟item_no␟rule_id" read as a fraction of 2⁶⁴, below the rate."""
    if rate >= 1:
        return True
    if not rate > 0:  # zero, negative or not a number
        return False
    return _blake2b(f"{declaration_id}\x1f{item_no}\x1f{rule_id}".encode(), digest_size=8).digest() < _below(rate)


@functools.lru_cache(maxsize=4096)
def _below(rate: float) -> bytes:
    """The 8 big-endian bytes of ⌈rate × 2⁶⁴⌉: a whole number x is below rate × 2⁶⁴ exactly when it is below that,
    and 8-byte digests compare as their big-endian numbers, so `selected` compares the digest with it as it is
    (a third of the time of converting each digest to a number). Below 2⁶⁴ for every rate under 1: floats there
    are 2¹¹ apart."""
    return math.ceil(rate * 18446744073709551616).to_bytes(8, "big")


def draw(declaration_id: str, item_no: int, rule_id) -> float:
    """The fraction `selected` compares with the rate (shown when a decision is explained)."""
    digest = hashlib.blake2b(f"{declaration_id}\x1f{item_no}\x1f{rule_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 18446744073709551616


def rule_sort_key(rule_id) -> tuple:
    """Integers first in numeric order, then strings in code-point order."""
    return (0, rule_id, "") if isinstance(rule_id, int) else (1, 0, rule_id)


def result(item: Item, matched, action: str) -> dict:
    """One item's result; `matched_rules` a tuple, as the engine gives it (a JSON array when written)."""
    return {
        "declaration_id": item.declaration_id,
        "item_no": item.item_no,
        "matched_rules": tuple(matched),
        "action": action,
    }
