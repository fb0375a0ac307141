"""Writes of traceability: capturing an EPCIS document — validated whole against GS1's schema, stored whole or
not at all, audited — by a person or an API token of the organisation whose events they are."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, is_token, person

from . import epcis
from .models import STAGE_OF_STEP, Capture, Stage, TraceEvent, TraceIdentifier

DECLARATION_PREFIX = "urn:riskgate:declaration:"  # a bizTransaction naming a customs declaration (报关单号)


@dataclass
class Captured:
    capture: Capture
    event_ids: list[str]


def declarations_of(event: dict) -> list[str]:
    """The customs declaration numbers an event's business transactions name."""
    found = []
    for entry in event.get("bizTransactionList") or ():
        value = entry.get("bizTransaction", "") if isinstance(entry, dict) else ""
        if value.startswith(DECLARATION_PREFIX):
            number = value[len(DECLARATION_PREFIX) :].strip()
            if number and number not in found and "|" not in number:
                found.append(number[:64])
    return found


def _row(event: dict, capture: Capture) -> TraceEvent:
    step = epcis.term(event.get("bizStep"))
    numbers = declarations_of(event)
    stage = STAGE_OF_STEP.get(step, Stage.OTHER)
    if event["type"] == "TransformationEvent" and stage == Stage.OTHER:
        stage = Stage.PRODUCTION
    if numbers and stage == Stage.OTHER:
        stage = Stage.DECLARATION
    return TraceEvent(
        capture=capture,
        organisation_id=capture.organisation_id,
        event_id=(event.get("eventID") or "")[:300] or epcis.new_event_id(),
        event_type=event["type"],
        action=event.get("action", "")[:8],
        event_time=epcis.event_time(event["eventTime"]),
        time_zone_offset=(event.get("eventTimeZoneOffset") or "")[:6],
        biz_step=step[:200],
        disposition=epcis.term(event.get("disposition"))[:200],
        stage=stage,
        read_point=epcis.location(event.get("readPoint")),
        biz_location=epcis.location(event.get("bizLocation")),
        declarations=("|" + "|".join(numbers) + "|")[:1000] if numbers else "",
        body=event,
    )


def _refuse(errors: list[tuple[str, str]]) -> ValidationError:
    """A refused document as field errors, each field a JSON pointer into the document."""
    fields: dict[str, list[str]] = {}
    for where, message in errors:
        fields.setdefault(where or "/", []).append(message)
    return ValidationError(fields)


def capture(principal: Principal, document, *, body: bytes | None = None) -> Captured:
    """Capture an EPCISDocument (or one event): every event is checked first, and the document is stored in one
    transaction. An event whose eventID is already stored is skipped when the same organisation sent the same
    event (a retried capture), and refuses the document otherwise."""
    require(principal, Permission.TRACE_EVENT_CAPTURE)
    organisation = getattr(principal, "organisation", None)
    if organisation is None:
        raise PermissionDenied(_("只有登记的机构才能报送追溯数据。"))
    try:
        events = epcis.check(document)
    except epcis.DocumentError as exc:
        raise _refuse(exc.errors) from None
    base = "/epcisBody/eventList/" if document.get("type") == "EPCISDocument" else "/"
    given = [(e.get("eventID") or "")[:300] for e in events]
    repeated = {i for i in given if i and given.count(i) > 1} if len(set(given)) < len(given) else set()
    if repeated:
        raise _refuse([(f"{base}{given.index(i)}/eventID", _("同一文档中事件标识重复：%s") % i) for i in repeated])
    digest = hashlib.sha256(body if body is not None else epcis.canonical(document).encode()).hexdigest()
    with transaction.atomic():
        stored = dict(
            TraceEvent.objects.filter(event_id__in=[i for i in given if i]).values_list("event_id", "organisation_id")
        )
        fresh, skipped = [], 0
        for index, (event, event_id) in enumerate(zip(events, given, strict=True)):
            if event_id in stored:
                if stored[event_id] != organisation.pk or not _same(event_id, event):
                    raise _refuse([(f"{base}{index}/eventID", _("该事件标识已被另一事件使用：%s") % event_id)])
                skipped += 1
                continue
            fresh.append(event)
        record = Capture.objects.create(
            organisation=organisation,
            captured_by=person(principal),
            token=principal.token if is_token(principal) else None,
            document_id=str(document.get("id", ""))[:300] if document.get("type") == "EPCISDocument" else "",
            events=len(fresh),
            skipped=skipped,
            digest=digest,
        )
        rows = [_row(event, record) for event in fresh]
        TraceEvent.objects.bulk_create(rows, batch_size=1000)
        if rows and rows[0].pk is None:  # a database that returns no ids from a bulk insert
            ids = dict(TraceEvent.objects.filter(capture=record).values_list("event_id", "pk"))
            for row in rows:
                row.pk = ids[row.event_id]
        TraceIdentifier.objects.bulk_create(
            [
                TraceIdentifier(event_id=row.pk, role=role, epc=found.epc, gtin=found.gtin, item=found.item)
                for row, event in zip(rows, fresh, strict=True)
                for role, found in epcis.identifiers(event)
            ],
            batch_size=2000,
        )
        audit.record(
            actor=principal,
            action="trace.captured",
            obj=record,
            changes=audit.facts(events=len(fresh), skipped=skipped, document=record.document_id, sha256=digest),
            organisation_id=organisation.pk,
        )
    return Captured(record, [row.event_id for row in rows])


def _same(event_id: str, event: dict) -> bool:
    body = TraceEvent.objects.filter(event_id=event_id).values_list("body", flat=True).first()
    return body is not None and epcis.canonical(body) == epcis.canonical(event)


def parse(body: bytes) -> dict:
    """The JSON of a capture's body, or a ValidationError naming the line and column."""
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "encoding"
        raise ValidationError({"/": [_("不是有效的 JSON（%s）。") % where]}) from None
