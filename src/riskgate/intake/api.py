"""API of risk information: search within the caller's scope, read one item, submit from partner systems."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from riskgate.core import audit
from riskgate.core.access import get_visible_or_404
from riskgate.core.api_support import MAX_ID, Pagination, require
from riskgate.core.models import HSCode
from riskgate.core.permissions import Permission

from . import queries, services
from .models import Channel, HazardType, RiskInformation, SourceType, Status, TradeDirection, Urgency

router = Router(tags=["intake"])


class InformationOut(Schema):
    """Risk information as partners and officers' tools see it; reporters' personal data are never included."""

    id: int
    reference: str
    source_type: str
    channel: str
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
    require(request, Permission.INTAKE_INFORMATION_VIEW)
    criteria = {k: (str(v) if hasattr(v, "value") else v) for k, v in filters.dict().items() if v not in (None, "")}
    return queries.information(request.auth, **criteria)


@router.get("/intake/information/{int:info_id}", response=InformationOut, summary="One item of risk information")
def get_information(request, info_id: int):
    require(request, Permission.INTAKE_INFORMATION_VIEW)
    info = get_visible_or_404(RiskInformation.objects.all(), request.auth, pk=info_id)
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
    hs_code: str | None = Field(None, pattern=r"^\d{2}(\d{2}){0,2}$")
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


class BatchIn(Schema):
    items: list[dict] = Field(
        ..., min_length=1, max_length=5000, description="rows in the partner format (docs/partner-format.md)"
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
    require(request, Permission.INTAKE_INFORMATION_CREATE)
    from .importers import RowError, read_json_items, run_import

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
        )
    except RowError as exc:
        raise ValidationError({"items": [str(exc)]}) from exc
    return report


@router.post("/intake/information", response={201: InformationOut}, summary="Submit risk information (partner systems)")
def create_information(request, payload: InformationIn):
    require(request, Permission.INTAKE_INFORMATION_CREATE)
    data = payload.dict()
    hs = data.pop("hs_code")
    if hs and not HSCode.objects.filter(pk=hs).exists():
        raise ValidationError({"hs_code": [_("HS 编码 %s 不在 HS 2022 目录中。") % hs]})
    external_id = data.pop("external_id")
    principal = request.auth
    is_token = getattr(principal, "is_api_token", False)
    if external_id:
        system = f"token:{principal.token.prefix}" if is_token else f"user:{principal.pk}"
        if RiskInformation.objects.filter(external_system=system, external_id=external_id).exists():
            raise ValidationError({"external_id": [_("该外部编号已提交过。")]})
        data.update(external_system=system, external_id=external_id)
    data.update(
        {k: [str(x) for x in data[k]] for k in ("hazard_types",)},
        origin_countries=[c.upper() for c in data["origin_countries"]],
        notifying_country=data["notifying_country"].upper(),
        channel=Channel.PARTNER_API if is_token else Channel.OFFICER_ENTRY,
        reporter_kind="system" if is_token else "person",
        hs_code_id=hs,
    )
    for key in ("source_type", "trade_direction", "urgency"):
        data[key] = str(data[key])
    info = services.create_information(principal, data=data)
    return HttpStatus(201, info)
