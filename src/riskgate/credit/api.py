"""API of quality credit: an enterprise's grade and why, event by event (officers of its jurisdiction and the
enterprise itself; the internal score only for those who manage credit); recording a fact from another system
(a penalty, an award) and a second officer's review of a proposed override."""

import datetime as dt

from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus

from riskgate.core.access import MAX_ID
from riskgate.core.api_support import require_caller
from riskgate.core.permissions import Permission

from . import queries, services
from .services import sharing

router = Router(tags=["credit"])


class EventOut(Schema):
    kind: str
    kind_name: str
    source: str
    detail: str
    occurred_at: dt.datetime
    favourable: bool
    counts: bool
    ceiling: str
    points: int | None = None
    weight: float | None = None
    contribution: float | None = None


class RecordOut(Schema):
    id: int
    name: str
    grade: str
    grade_label: str
    computed_grade: str
    override_id: int | None
    score: float | None = Field(None, description="the internal score (for those who manage credit only)")
    events: list[EventOut]


class EventIn(Schema):
    kind: str = Field(..., min_length=1, max_length=40, description="an event type's code")
    source: str = Field(..., min_length=1, max_length=50, description="the source document's number")
    occurred_on: dt.date
    detail: str = Field(..., min_length=1, max_length=5000)


class DecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=5000)


class DecisionOut(Schema):
    id: int
    status: str
    grade: str


def _enterprise(request, organisation_id: int):
    enterprise = queries.visible_enterprise(request.auth, organisation_id) if 0 < organisation_id <= MAX_ID else None
    if enterprise is None:
        raise Http404
    return enterprise


def _record_out(request, enterprise) -> dict:
    why = queries.explanation(enterprise)
    internal = request.auth.has_permission(Permission.CREDIT_RECORD_MANAGE)
    return {
        "id": enterprise.pk,
        "name": enterprise.name,
        "grade": why["grade"],
        "grade_label": why["grade_label"],
        "computed_grade": why["computed_grade"],
        "override_id": why["override"].pk if why["override"] else None,
        "score": why["score"] if internal else None,
        "events": [
            {
                "kind": r["type"].code,
                "kind_name": r["type"].name,
                "source": r["event"].source,
                "detail": r["event"].detail,
                "occurred_at": r["event"].occurred_at,
                "favourable": r["type"].favourable,
                "counts": r["counts"],
                "ceiling": r["type"].ceiling if r["counts"] else "",
                **(
                    {"points": r["points"], "weight": r["weight"], "contribution": r["contribution"]}
                    if internal
                    else {}
                ),
            }
            for r in why["events"]
        ],
    }


@router.get("/credit/enterprises/{int:organisation_id}", response=RecordOut, summary="An enterprise's credit record")
def get_record(request, organisation_id: int):
    require_caller(request, Permission.CREDIT_RECORD_VIEW)
    return _record_out(request, _enterprise(request, organisation_id))


@router.post(
    "/credit/enterprises/{int:organisation_id}/events",
    response={201: RecordOut},
    summary="Record a credit event from another system (a penalty, an award, a certification)",
)
def record_event(request, organisation_id: int, payload: EventIn):
    require_caller(request, Permission.CREDIT_RECORD_MANAGE)
    enterprise = _enterprise(request, organisation_id)
    services.record_by_officer(request.auth, enterprise, payload.dict())
    return HttpStatus(201, _record_out(request, enterprise))


@router.post(
    "/credit/overrides/{int:override_id}/decision",
    response=DecisionOut,
    summary="A second officer approves or rejects a proposed grade override",
)
def decide_override(request, override_id: int, payload: DecisionIn):
    require_caller(request, Permission.CREDIT_RECORD_MANAGE)
    override = queries.override_or_none(request.auth, override_id) if 0 < override_id <= MAX_ID else None
    if override is None:
        raise Http404
    decided = services.decide_override(request.auth, override, approve=payload.approve, note=payload.note)
    return {"id": decided.pk, "status": decided.status, "grade": decided.grade}


class PackageQuery(Schema):
    after: int = Field(0, ge=0, le=MAX_ID, description="the cursor of the last package pulled (0: from the start)")
    limit: int = Field(sharing.MAX_RECORDS, ge=1, le=sharing.MAX_RECORDS)


class PublicKeyOut(Schema):
    algorithm: str
    public_key: str = Field(..., description="Ed25519 public key, hex")
    key_id: str


@router.get(
    "/credit/sharing/packages",
    response={200: bytes},
    summary="A signed credit-sharing package of what came after the cursor (ZIP: manifest, JSON, CSV)",
    openapi_extra={
        "responses": {"200": {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}}
    },
)
def pull_package(request, query: Query[PackageQuery]):
    require_caller(request, Permission.CREDIT_SHARE_PULL)
    data, figures = sharing.package(request.auth, after=query.after, limit=query.limit)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="credit-share-{figures["after"]}-{figures["cursor"]}.zip"'
    response["X-Cursor"] = str(figures["cursor"])
    return response


@router.get("/credit/sharing/public-key", response=PublicKeyOut, summary="The key that verifies sharing packages")
def sharing_key(request):
    require_caller(request, Permission.CREDIT_SHARE_PULL)
    return sharing.public_key()
