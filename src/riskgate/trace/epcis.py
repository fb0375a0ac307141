"""GS1 EPCIS 2.0 without Django: the official JSON schema, the identifiers an event names, its fields.

The schema is GS1's `EPCIS-JSON-Schema.json` as published (data/, with GS1's notice), checked by jsonschema-rs
with formats on. Identifiers are read in the two syntaxes EPCIS 2.0 allows: EPC URIs (`urn:epc:id:sgtin:…`,
`urn:epc:class:lgtin:…`, `urn:epc:idpat:sgtin:…`) and GS1 Digital Link URIs (`https://…/01/<GTIN>/10/<lot>`,
`…/21/<serial>`); a trade item is indexed by its GTIN-14 and its lot or serial, so one query finds it whichever
syntax the capturing system used. Other identifiers (SSCC, GRAI, SGLN…) are indexed as written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import jsonschema_rs

SCHEMA = Path(__file__).resolve().parent / "data" / "EPCIS-JSON-Schema.json"
EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
MAX_EVENTS = 10_000  # per captured document (announced as GS1-EPCIS-Capture-Limit)
MAX_ERRORS = 20  # schema errors reported for one refused document
MAX_IDENTIFIER = 400

# CBV 2.0 writes its terms bare ("shipping") or as URIs of either generation.
_CBV_PREFIXES = (
    "urn:epcglobal:cbv:bizstep:",
    "https://ref.gs1.org/cbv/BizStep-",
    "urn:epcglobal:cbv:disp:",
    "https://ref.gs1.org/cbv/Disp-",
)

_SGTIN = re.compile(r"urn:epc:id:sgtin:(\d{6,12})\.(\d{1,7})\.(.{1,20})")
_LGTIN = re.compile(r"urn:epc:class:lgtin:(\d{6,12})\.(\d{1,7})\.(.{1,20})")
_IDPAT = re.compile(r"urn:epc:idpat:sgtin:(\d{6,12})\.(\d{1,7})\.\*")
_DIGITAL_LINK = re.compile(
    r"https?://[^/?#]+(?:/[^?#]*?)?/01/(\d{8}|\d{12,14})(?:/(10|21)/([^/?#]{1,20}))?/?(?:[?#].*)?"
)
# What a hand-held scanner types from a GS1-128 or DataMatrix: "(01)09506000134352(10)ABC" or the same without
# the brackets, the variable-length lot or serial ending the string or at a group separator.
_ELEMENT_STRING = re.compile(r"\(01\)(\d{14})(?:\((10|21)\)([^()]{1,20}))?")
_RAW_ELEMENT_STRING = re.compile(r"01(\d{14})(?:(10|21)([^\x1d]{1,20}))?")


class DocumentError(ValueError):
    """A document refused: `errors` are (JSON pointer, message) pairs, the pointer naming where in the document."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors[0][1] if errors else "invalid document")
        self.errors = errors


@cache
def validator():
    return jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")), validate_formats=True)


def pointer(path) -> str:
    """A JSON pointer (RFC 6901) of a path of keys and indexes."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def schema_errors(document) -> list[tuple[str, str]]:
    """The schema's errors of a document (empty: valid), deepest first, at most MAX_ERRORS."""
    found = []
    for error in validator().iter_errors(document):
        found.append((pointer(error.instance_path), error.message[:500]))
        if len(found) >= MAX_ERRORS:
            break
    return sorted(found, key=lambda e: -e[0].count("/"))


def check_digit(body: str) -> str:
    """The GS1 check digit of the digits before it (weights 3 and 1 from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def valid_gtin(value: str) -> bool:
    return value.isdigit() and len(value) in (8, 12, 13, 14) and check_digit(value[:-1]) == value[-1]


def gtin14(value: str) -> str:
    return value.zfill(14)


def _gtin_of(company_prefix: str, item_reference: str) -> str | None:
    """The GTIN-14 of an EPC's company prefix and indicator + item reference (13 digits together)."""
    if len(company_prefix) + len(item_reference) != 13:
        return None
    body = item_reference[0] + company_prefix + item_reference[1:]
    return body + check_digit(body)


@dataclass(frozen=True)
class Identifier:
    epc: str  # as written in the event
    gtin: str = ""  # GTIN-14 of a trade item
    item: str = ""  # its lot (class level) or serial (instance level); empty for a whole GTIN
    serial: bool = False


def identify(value: str) -> Identifier:
    """What an EPC or class URI names: a trade item (GTIN and lot or serial) or another identifier."""
    value = value.strip()[:MAX_IDENTIFIER]
    for pattern, serial in ((_SGTIN, True), (_LGTIN, False)):
        match = pattern.fullmatch(value)
        if match:
            gtin = _gtin_of(match[1], match[2])
            if gtin:
                return Identifier(value, gtin, unquote(match[3]), serial)
    match = _IDPAT.fullmatch(value)
    if match and (gtin := _gtin_of(match[1], match[2])):
        return Identifier(value, gtin)
    match = _DIGITAL_LINK.fullmatch(value)
    if match and valid_gtin(match[1]):
        return Identifier(value, gtin14(match[1]), unquote(match[3] or ""), match[2] == "21")
    return Identifier(value)


def read_code(text: str) -> tuple[str, str] | None:
    """The GTIN-14 and lot or serial a person or a scanner gives: a Digital Link URI, an EPC URI, or a GS1 element
    string; None when the text holds none of them."""
    text = (text or "").strip()
    if not text:
        return None
    found = identify(text)
    if found.gtin:
        return found.gtin, found.item
    for pattern in (_ELEMENT_STRING, _RAW_ELEMENT_STRING):
        match = pattern.fullmatch(text.replace(" ", ""))
        if match and valid_gtin(match[1]):
            return match[1], (match[3] or "").strip()
    return None


# Which identifiers of an event play which part: (key, role, is a quantity list).
_LISTS = {
    "ObjectEvent": (("epcList", "epc", False), ("quantityList", "epc", True)),
    "TransactionEvent": (("parentID", "parent", False), ("epcList", "epc", False), ("quantityList", "epc", True)),
    "AggregationEvent": (
        ("parentID", "parent", False),
        ("childEPCs", "child", False),
        ("childQuantityList", "child", True),
    ),
    "AssociationEvent": (
        ("parentID", "parent", False),
        ("childEPCs", "child", False),
        ("childQuantityList", "child", True),
    ),
    "TransformationEvent": (
        ("inputEPCList", "input", False),
        ("inputQuantityList", "input", True),
        ("outputEPCList", "output", False),
        ("outputQuantityList", "output", True),
    ),
}


def identifiers(event: dict) -> list[tuple[str, Identifier]]:
    """(role, identifier) of every EPC and class an event names, each once per role."""
    seen, found = set(), []
    for key, role, quantities in _LISTS.get(event.get("type"), ()):
        value = event.get(key)
        if value is None:
            continue
        values = [value] if isinstance(value, str) else value
        for entry in values:
            epc = entry.get("epcClass") if quantities else entry
            if isinstance(epc, str) and (role, epc) not in seen:
                seen.add((role, epc))
                found.append((role, identify(epc)))
    return found


def term(value) -> str:
    """A CBV term without its URI prefix ("shipping" for "https://ref.gs1.org/cbv/BizStep-shipping")."""
    if not isinstance(value, str):
        return ""
    for prefix in _CBV_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def event_time(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def location(value) -> str:
    return value.get("id", "")[:MAX_IDENTIFIER] if isinstance(value, dict) else ""


def events_of(document: dict) -> list[dict]:
    """The events a capture carries: an EPCISDocument's event list, or one bare event."""
    if document.get("type") == "EPCISDocument":
        return list(document["epcisBody"]["eventList"])
    return [document]


def check(document) -> list[dict]:
    """The events of a document to capture, or DocumentError with every problem found: the schema's errors,
    then what the schema leaves to the capturing system (an event type, a time with its offset, the limit)."""
    if not isinstance(document, dict):
        raise DocumentError([("", "the body must be a JSON object (an EPCISDocument or one event)")])
    errors = schema_errors(document)
    if errors:
        raise DocumentError(errors)
    kind = document.get("type")
    if kind not in ("EPCISDocument", *EVENT_TYPES):
        raise DocumentError([("/type", f"captures an EPCISDocument or an event, not {str(kind)[:60]}")])
    events = events_of(document)
    base = "/epcisBody/eventList/" if kind == "EPCISDocument" else "/"
    if len(events) > MAX_EVENTS:
        raise DocumentError([(base.rstrip("/"), f"at most {MAX_EVENTS} events per capture, not {len(events)}")])
    problems = []
    for index, event in enumerate(events):
        where = f"{base}{index}" if kind == "EPCISDocument" else ""
        if event.get("type") not in EVENT_TYPES:
            problems.append((f"{where}/type", f"not an EPCIS 2.0 event type: {str(event.get('type'))[:60]}"))
            continue
        try:
            event_time(event["eventTime"])
        except (ValueError, KeyError):
            problems.append((f"{where}/eventTime", "an eventTime with its UTC offset is required"))
        if len(problems) >= MAX_ERRORS:
            break
    if problems:
        raise DocumentError(problems)
    return events


def new_event_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def canonical(event: dict) -> str:
    return json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
