"""API of risk information: search within the caller's scope, read one item, submit from partner systems."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from riskgate.core import audit
from riskgate.core import hs as hs_codes
from riskgate.core.access import MAX_ID
from riskgate.core.api_support import Pagination, require_caller
from riskgate.core.permissions import Permission
from riskgate.core.principal import is_token
from riskgate.core.vocabulary import HazardType, Urgency

from . import linking, queries, services
from .importers import PARTNER_COLUMNS, RowError, read_json_items, run_import
from .models import Channel, LinkProposal, LinkStatus, SourceType, Status, TradeDirection

router = Router(tags=["intake"])


class InformationOut(Schema):
    """Risk information as partners and officers' tools see it; reporters' personal data are never included."""

    id: int
    reference: str
    source_type: str
    channel: str
    hotline: str = Field("", description="the public hotline a call came through: 12315, 12345, 12360 or 12365")
    external_system: str
    external_id: str
    title: str
    description: str
    product_name: str
    brand: str
    model: str
    batch: str
    gtin: str
    hs_code: str | None = Field(None, alias="hs_code_id")
    declared_hs_code: str = Field(..., description="the national tariff code as declared (10 digits, 13 with CIQ)")
    product_category: str
    trade_direction: str
    origin_countries: list[str]
    notifying_country: str
    hazard_types: list[str]
    hazard_detail: str
    injured: int
    dead: int
    fire: bool
    notified_on: dt.date | None
    received_at: dt.datetime
    organisation_id: int
    urgency: str
    status: str
    case_id: int | None = Field(None, description="the risk case the item was linked into, if any")
    triage: dict = Field(
        default_factory=dict,
        description="the model's suggestion (model version, categories with scores, probability of a serious "
        "risk, flag); a suggestion only — officers decide",
    )


class InformationFilter(Schema):
    q: str | None = Field(None, max_length=200)
    source_type: SourceType | None = None
    status: Status | None = None
    hazard: HazardType | None = None
    urgency: Urgency | None = None
    origin: str | None = Field(None, pattern=r"^[A-Za-z]{2}$")
    hs_chapter: str | None = Field(None, pattern=r"^\d{2,6}$")
    organisation: int | None = Field(
        None, ge=1, le=MAX_ID, description="id of the responsible organisation (within the caller's scope)"
    )
    since: dt.date | None = None
    until: dt.date | None = None


@router.get("/intake/information", response=list[InformationOut], summary="Search risk information in scope")
@paginate(Pagination, page_size=50)
def list_information(request, filters: Query[InformationFilter]):
    require_caller(request, Permission.INTAKE_INFORMATION_VIEW)
    criteria = {k: (str(v) if hasattr(v, "value") else v) for k, v in filters.dict().items() if v not in (None, "")}
    return queries.information(request.auth, **criteria)


@router.get("/intake/information/{int:info_id}", response=InformationOut, summary="One item of risk information")
def get_information(request, info_id: int):
    require_caller(request, Permission.INTAKE_INFORMATION_VIEW)
    info = queries.information_or_404(request.auth, info_id)
    audit.record_read(actor=request.auth, obj=info)
    return info


class InformationIn(Schema):
    source_type: SourceType
    title: str = Field(..., min_length=1, max_length=500)
    description: str = Field("", max_length=20000)
    product_name: str = Field("", max_length=300)
    brand: str = Field("", max_length=200)
    model: str = Field("", max_length=300)
    batch: str = Field("", max_length=200)
    gtin: str = Field("", max_length=14)
    hs_code: str | None = Field(
        None,
        pattern=r"^(\d{2}|\d{4}|\d{6}|\d{8}|\d{10}|\d{13})$",
        description="HS chapter, heading or subheading (2, 4, 6 digits) or the national tariff code (8, 10, or 13 "
        "with the CIQ digits); grouped by its first six",
    )
    product_category: str = Field("", max_length=200)
    trade_direction: TradeDirection = TradeDirection.UNKNOWN
    origin_countries: list[str] = []
    notifying_country: str = Field("", max_length=2)
    hazard_types: list[HazardType] = Field(..., min_length=1)
    hazard_detail: str = Field("", max_length=5000)
    injured: int = Field(0, ge=0)
    dead: int = Field(0, ge=0)
    fire: bool = False
    occurred_on: dt.date | None = None
    urgency: Urgency = Urgency.NORMAL
    external_id: str = Field("", max_length=100, description="the sender's own reference; resubmitting it is refused")


_CELL = {"type": ["string", "number", "boolean", "null"]}
PARTNER_ITEM_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["external_id", "title"],
    "properties": {
        **{column: _CELL for column in PARTNER_COLUMNS},
        "external_id": {"type": "string", "minLength": 1, "maxLength": 100},
        "title": {"type": "string", "minLength": 1, "maxLength": 500},
        "hazard_types": {"type": ["string", "array"], "items": {"type": "string"}, "description": "; between several"},
        "origin_countries": {"type": ["string", "array"], "items": {"type": "string"}},
    },
}


class BatchIn(Schema):
    items: list[dict] = Field(
        ...,
        min_length=1,
        max_length=5000,
        description="rows in the partner format (docs/partner-format.md); each bad row is reported by its position",
        json_schema_extra={"items": PARTNER_ITEM_SCHEMA},
    )


class RejectedOut(Schema):
    line: int
    reason: str


class BatchReportOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    duplicates: list[RejectedOut]
    rejected: list[RejectedOut]


@router.post("/intake/batches", response=BatchReportOut, summary="Submit a batch in the partner format (idempotent)")
def submit_batch(request, payload: BatchIn):
    """Partner agencies and the single window: re-sending the same items creates nothing new; bad items are
    reported by their position and the good ones kept."""
    require_caller(request, Permission.INTAKE_INFORMATION_CREATE)

    organisation = request.auth.organisation
    if organisation is None:
        raise ValidationError(_("调用方没有所属机构。"))
    try:
        report = run_import(
            "partner",
            "api",
            organisation=organisation,
            actor=request.auth,
            rows=read_json_items(payload.items),
            channel=Channel.PARTNER_API,
            detect_links_now=False,
        )
    except RowError as exc:
        raise ValidationError({"items": [str(exc)]}) from exc
    return report


@router.post("/intake/information", response={201: InformationOut}, summary="Submit risk information (partner systems)")
def create_information(request, payload: InformationIn):
    require_caller(request, Permission.INTAKE_INFORMATION_CREATE)
    data = payload.dict()
    hs, national = hs_codes.split(data.pop("hs_code") or "")
    if hs and not queries.hs_code_exists(hs):
        raise ValidationError({"hs_code": [_("HS 编码 %s 不在 HS 2022 目录中。") % hs]})
    data["declared_hs_code"] = national
    external_id = data.pop("external_id")
    principal = request.auth
    if external_id:
        system = f"token:{principal.token.prefix}" if is_token(principal) else f"user:{principal.pk}"
        if queries.external_id_taken(system, external_id):
            raise ValidationError({"external_id": [_("该外部编号已提交过。")]})
        data.update(external_system=system, external_id=external_id)
    data.update(
        {k: [str(x) for x in data[k]] for k in ("hazard_types",)},
        origin_countries=[c.upper() for c in data["origin_countries"]],
        notifying_country=data["notifying_country"].upper(),
        channel=Channel.PARTNER_API if is_token(principal) else Channel.OFFICER_ENTRY,
        reporter_kind="system" if is_token(principal) else "person",
        hs_code_id=hs,
    )
    for key in ("source_type", "trade_direction", "urgency"):
        data[key] = str(data[key])
    info = services.create_information(principal, data=data)
    return HttpStatus(201, info)


# ----- links between reports of the same risk, and risk cases ------------------------------------------------


class LinkOut(Schema):
    id: int
    first_id: int
    second_id: int
    score: float
    reasons: dict
    status: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


class LinkFilter(Schema):
    status: LinkStatus = LinkStatus.PROPOSED
    information: int | None = Field(None, ge=1, le=MAX_ID, description="only proposals involving this item")


@router.get("/intake/links", response=list[LinkOut], summary="Proposed links between reports of the same risk")
@paginate(Pagination, page_size=50)
def list_links(request, filters: Query[LinkFilter]):
    require_caller(request, Permission.INTAKE_INFORMATION_VIEW)
    proposals = linking.visible_proposals(request.auth).filter(status=str(filters.status))
    if filters.information:
        proposals = proposals.filter(Q(first_id=filters.information) | Q(second_id=filters.information))
    return proposals.order_by("-score", "id")


class CaseOut(Schema):
    id: int
    reference: str
    title: str
    organisation_id: int | None = Field(..., description="the responsible organisation, if in the caller's scope")
    created_at: dt.datetime
    items: list[InformationOut]
    items_outside_scope: int


def _proposal(request, link_id: int) -> LinkProposal:
    proposal = linking.visible_proposal_or_none(request.auth, link_id)
    if proposal is None:
        raise Http404
    return proposal


@router.post("/intake/links/{int:link_id}/confirm", response=CaseOut, summary="Confirm a link: both in one case")
def confirm_link(request, link_id: int):
    require_caller(request, Permission.INTAKE_INFORMATION_PROCESS)
    case = linking.confirm(request.auth, _proposal(request, link_id))
    return _case_out(request, case)


@router.post("/intake/links/{int:link_id}/dismiss", response=LinkOut, summary="Dismiss a proposed link")
def dismiss_link(request, link_id: int):
    require_caller(request, Permission.INTAKE_INFORMATION_PROCESS)
    proposal = _proposal(request, link_id)
    linking.dismiss(request.auth, proposal)
    proposal.refresh_from_db()
    return proposal


@router.get("/intake/cases/{int:case_id}", response=CaseOut, summary="A risk case with all its reports in scope")
def get_case(request, case_id: int):
    require_caller(request, Permission.INTAKE_INFORMATION_VIEW)
    case = linking.visible_case_or_none(request.auth, case_id)
    if case is None:
        raise Http404
    audit.record_read(actor=request.auth, obj=case)
    return _case_out(request, case)


def _case_out(request, case) -> dict:
    view = linking.case_view(request.auth, case)
    return {
        "id": view.pk,
        "reference": view.reference,
        "title": view.title,
        "organisation_id": view.organisation.pk if view.organisation else None,
        "created_at": view.created_at,
        "items": view.items,
        "items_outside_scope": view.hidden,
    }
