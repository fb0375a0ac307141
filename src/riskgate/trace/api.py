"""Traceability API: the EPCIS 2.0 REST binding where it applies (capture of a document or one event, the capture
job, the event query and one event by its eventID), a trade item's chain for the people who may read it, and the
public trace view."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Body, Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticValidationError
from pydantic import field_validator

from riskgate.core.access import MAX_ID
from riskgate.core.api_support import require_caller
from riskgate.core.permissions import Permission

from . import epcis, queries, services

router = Router(tags=["traceability"])
CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


class CaptureOut(Schema):
    captureID: str = Field(..., description="the capture job's number (TCnnnnnnnn)")
    running: bool = False
    success: bool = True
    captureErrorBehaviour: str = "rollback"
    events: int = Field(..., description="events stored by this capture")
    skipped: int = Field(..., description="events already stored from the same organisation, identical (a retry)")
    eventIDs: list[str]
    errors: list[str] = []


class EventFilter(Schema):
    eventType: list[str] | None = Field(None, description="ObjectEvent, AggregationEvent…")
    GE_eventTime: dt.datetime | None = None
    LT_eventTime: dt.datetime | None = None
    EQ_bizStep: list[str] | None = Field(None, max_length=20)
    EQ_disposition: list[str] | None = Field(None, max_length=20)
    EQ_bizLocation: list[str] | None = Field(None, max_length=20)
    MATCH_anyEPC: list[str] | None = Field(None, max_length=20, description="EPC URIs or GS1 Digital Link URIs")
    perPage: int = Field(100, ge=1, le=1000)
    nextPageToken: int = Field(0, ge=0, le=MAX_ID, description="from the previous page's Link header")


class ItemIn(Schema):
    gtin: str = Field(..., pattern=r"^\d{8}$|^\d{12,14}$", description="GTIN-8, -12, -13 or -14")
    item: str = Field(..., min_length=1, max_length=20, description="the lot (batch) or the serial number")

    @field_validator("gtin")
    @classmethod
    def _check_digit(cls, value: str) -> str:
        if not epcis.valid_gtin(value):
            raise ValueError("the GTIN's check digit is wrong")
        return value


class ChainEventOut(Schema):
    eventID: str
    type: str
    eventTime: dt.datetime
    stage: str
    stage_label: str
    bizStep: str
    disposition: str
    organisation: str
    declarations: list[str]
    event: dict[str, Any]


class WarningRef(Schema):
    reference: str
    level: str
    title: str


class RecallRef(Schema):
    reference: str
    product: str
    status: str


class ChainOut(Schema):
    gtin: str
    item: str
    events: list[ChainEventOut]
    declarations: list[str]
    inspections: list[dict[str, Any]]
    warnings: list[WarningRef]
    recalls: list[RecallRef]


class PublicStageOut(Schema):
    stage: str
    label: str
    on: dt.date


class PublicTraceOut(Schema):
    gtin: str
    item: str
    found: bool
    origin_country: str
    produced_on: dt.date | None
    stages: list[PublicStageOut]
    inspections_passed: list[dt.date]
    warnings: list[WarningRef]
    recalls: list[RecallRef]


def _capture_out(captured: services.Captured) -> dict:
    record = captured.capture
    return {
        "captureID": record.reference,
        "events": record.events,
        "skipped": record.skipped,
        "eventIDs": captured.event_ids,
    }


def _store(request, payload: dict, response: HttpResponse) -> dict:
    require_caller(request, Permission.TRACE_EVENT_CAPTURE)
    captured = services.capture(request.auth, payload, body=request.body)
    response["Location"] = f"/api/v1/epcis/capture/{captured.capture.pk}"
    response["GS1-EPCIS-Capture-Limit"] = str(epcis.MAX_EVENTS)
    return _capture_out(captured)


@router.post(
    "/epcis/capture",
    response={202: CaptureOut},
    summary="Capture an EPCISDocument (validated against GS1's EPCIS 2.0 schema; all events or none)",
)
def capture(request, response: HttpResponse, payload: Body[dict[str, Any]]):
    return HttpStatus(202, _store(request, payload, response))


@router.post(
    "/epcis/events",
    response={201: CaptureOut},
    summary="Capture one EPCIS event (with its @context, as the schema asks)",
)
def capture_event(request, response: HttpResponse, payload: Body[dict[str, Any]]):
    return HttpStatus(201, _store(request, payload, response))


@router.get("/epcis/capture/{int:capture_id}", response=CaptureOut, summary="A capture job (synchronous: finished)")
def capture_job(request, capture_id: int):
    record = queries.capture_or_none(request.auth, capture_id) if 0 < capture_id <= MAX_ID else None
    if record is None:
        raise Http404
    ids = queries.captured_event_ids(record)
    return {"captureID": record.reference, "events": record.events, "skipped": record.skipped, "eventIDs": ids}


@router.get("/epcis/events", response=dict[str, Any], summary="EPCIS simple event query (an EPCISQueryDocument)")
def event_query(request, response: HttpResponse, filters: Query[EventFilter]):
    rows = queries.event_query(request.auth, filters.dict())
    if filters.nextPageToken:
        rows = rows.filter(pk__gt=filters.nextPageToken).order_by("id")
    elif filters.perPage:
        rows = rows.order_by("id")
    page = list(rows.values_list("pk", "body")[: filters.perPage + 1])
    if len(page) > filters.perPage:
        page = page[: filters.perPage]
        response["Link"] = f'</api/v1/epcis/events?nextPageToken={page[-1][0]}>; rel="next"'
    return {
        "@context": [CONTEXT],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(),
        "epcisBody": {
            "queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": [b for _, b in page]}}
        },
    }


@router.get("/epcis/events/{path:event_id}", response=dict[str, Any], summary="One event by its eventID")
def event_detail(request, event_id: str):
    row = queries.event_by_id(request.auth, event_id[:300])
    if row is None:
        raise Http404
    return row.body


def _warning_ref(notice) -> dict:
    return {"reference": notice.reference, "level": notice.level, "title": notice.title}


def _recall_ref(recall) -> dict:
    return {"reference": recall.reference, "product": recall.product, "status": recall.status}


@router.get("/trace/chain", response=ChainOut, summary="A trade item's chain (GTIN + lot or serial) in your scope")
def chain(request, gtin: str = Query("", max_length=14), item: str = Query("", max_length=20)):
    require_caller(request, Permission.TRACE_EVENT_VIEW)  # before the parameters: a refusal tells nothing more
    try:
        wanted = ItemIn(gtin=gtin, item=item)
    except PydanticValidationError as exc:
        raise ValidationError(exc.errors(include_url=False, include_context=False)) from None
    found = queries.chain(request.auth, epcis.gtin14(wanted.gtin), wanted.item)
    return {
        "gtin": found.gtin,
        "item": found.item,
        "events": [
            {
                "eventID": e.event_id,
                "type": e.event_type,
                "eventTime": e.event_time,
                "stage": e.stage,
                "stage_label": str(e.get_stage_display()),
                "bizStep": e.biz_step,
                "disposition": e.disposition,
                "organisation": e.organisation.name,
                "declarations": [n for n in e.declarations.split("|") if n],
                "event": e.body,
            }
            for e in found.events
        ],
        "declarations": found.declarations,
        "inspections": [
            {"reference": t.reference, "declaration_id": t.declaration_id, "status": t.status, "outcome": t.outcome}
            for t in found.inspections
        ],
        "warnings": [_warning_ref(w) for w in found.warnings],
        "recalls": [_recall_ref(r) for r in found.recalls],
    }


@router.get("/public/trace", response=PublicTraceOut, auth=None, summary="Public trace query of a trade item")
def public_trace(request, item: Query[ItemIn]):
    found = queries.public_trace(epcis.gtin14(item.gtin), item.item)
    return {
        "gtin": found.gtin,
        "item": found.item,
        "found": found.found,
        "origin_country": found.origin_country,
        "produced_on": found.produced_on,
        "stages": [{**s, "label": str(s["label"])} for s in found.stages],
        "inspections_passed": [i["on"] for i in found.inspections],
        "warnings": [_warning_ref(w) for w in found.warnings],
        "recalls": [_recall_ref(r) for r in found.recalls],
    }
