"""API of rapid response: the measures catalogue, measures in the caller's scope (decided in its jurisdiction or
executed by it), ordering one, progress and quantities from the executing units, and lifting."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from riskgate.accounts.models import Organisation
from riskgate.assessment.models import Assessment
from riskgate.core.access import field_error, pk_or_404
from riskgate.core.api_support import MAX_ID, Pagination, require
from riskgate.core.permissions import Permission
from riskgate.warnings.models import WarningNotice

from . import services
from .models import MeasureKind, Status

router = Router(tags=["rapid response"])


class KindOut(Schema):
    code: str
    name: str
    name_en: str
    mandatory: bool
    binds: str
    closing_evidence: str
    creates_control_rules: bool
    rule_action: str
    quantity_kinds: list[str]


class QuantityOut(Schema):
    kind: str
    amount: Decimal
    unit: str
    note: str
    organisation_id: int
    created_at: dt.datetime


class NoteOut(Schema):
    organisation_id: int
    text: str
    evidence_sha256: str
    created_at: dt.datetime


class MeasureOut(Schema):
    id: int
    reference: str
    kind: str = Field(..., alias="kind.code")
    status: str
    warning_id: int | None
    assessment_id: int | None
    target_kind: str
    target: str
    target_enterprise_id: int | None
    hs_codes: list[str]
    instructions: str
    organisation_id: int
    lead_unit_id: int
    cooperating_unit_ids: list[int]
    deadline: dt.datetime
    period_ends_at: dt.datetime | None
    control_rules: list[str]
    quantities: list[QuantityOut]
    notes: list[NoteOut]
    ordered_at: dt.datetime
    lift_mode: str
    lifted_at: dt.datetime | None
    lift_reason: str

    @staticmethod
    def resolve_cooperating_unit_ids(order):
        return [unit.pk for unit in order.cooperating_units.all()]

    @staticmethod
    def resolve_control_rules(order):
        return [rule.reference for rule in order.control_rules.all()]

    @staticmethod
    def resolve_quantities(order):
        return list(order.quantities.all())

    @staticmethod
    def resolve_notes(order):
        return list(order.notes.all())


class MeasureFilter(Schema):
    status: Status | None = None
    warning_id: int | None = Field(None, ge=1, le=MAX_ID)


class OrderIn(Schema):
    kind: str = Field(..., max_length=40, description="a measure kind's code (GET /measure-kinds)")
    warning_id: int | None = Field(None, ge=1, le=MAX_ID)
    assessment_id: int | None = Field(None, ge=1, le=MAX_ID)
    target_kind: str = Field(..., pattern="^(enterprise|product|batch|shipment)$")
    target: str = Field(..., min_length=1, max_length=500)
    target_enterprise_id: int | None = Field(None, ge=1, le=MAX_ID)
    hs_codes: list[str] = Field([], max_length=50)
    instructions: str = Field(..., min_length=1, max_length=5000)
    lead_unit_id: int = Field(..., ge=1, le=MAX_ID)
    cooperating_unit_ids: list[int] = Field([], max_length=50)
    deadline: dt.datetime
    period_ends_at: dt.datetime | None = None


class ProgressIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000)


class QuantityIn(Schema):
    kind: str = Field(..., pattern="^(seized|returned|destroyed|stopped|recalled|restricted)$")
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=3)
    unit: str = Field(..., min_length=1, max_length=20)
    note: str = Field("", max_length=300)


class LiftIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)
    evaluation: str = Field(..., min_length=1, max_length=5000)


def _orders(request):
    return (
        services.visible(request.auth)
        .select_related("kind")
        .prefetch_related("cooperating_units", "control_rules", "quantities", "notes")
    )


@router.get("/measure-kinds", response=list[KindOut], summary="The measures catalogue")
def list_kinds(request):
    require(request, Permission.RESPONSE_MEASURE_VIEW)
    return MeasureKind.objects.filter(active=True)


@router.get("/measures", response=list[MeasureOut], summary="Measures decided in or executed by the caller's scope")
@paginate(Pagination, page_size=50)
def list_measures(request, filters: Query[MeasureFilter]):
    orders = _orders(request)
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.warning_id:
        orders = orders.filter(warning_id=filters.warning_id)
    return orders.order_by("-ordered_at", "-id")


@router.get("/measures/{int:measure_id}", response=MeasureOut, summary="One measure")
def get_measure(request, measure_id: int):
    return pk_or_404(_orders(request), measure_id)


def _one(model, pk, field):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise field_error(field, _("不存在。"))
    return obj


@router.post("/measures", response={201: MeasureOut}, summary="Order a measure")
def order_measure(request, payload: OrderIn):
    require(request, Permission.RESPONSE_MEASURE_ORDER)
    kind = MeasureKind.objects.filter(code=payload.kind).first()
    if kind is None:
        raise field_error("kind", _("未知的措施种类。"))
    cooperating = list(Organisation.objects.filter(pk__in=payload.cooperating_unit_ids))
    if len(cooperating) != len(set(payload.cooperating_unit_ids)):
        raise field_error("cooperating_unit_ids", _("不存在。"))
    order = services.order_measure(
        request.auth, kind=kind, warning=_one(WarningNotice, payload.warning_id, "warning_id"),
        assessment=_one(Assessment, payload.assessment_id, "assessment_id"), target_kind=payload.target_kind,
        target=payload.target,
        target_enterprise=_one(Organisation, payload.target_enterprise_id, "target_enterprise_id"),
        hs_codes=payload.hs_codes, instructions=payload.instructions,
        lead_unit=_one(Organisation, payload.lead_unit_id, "lead_unit_id"), cooperating_units=cooperating,
        deadline=payload.deadline, period_ends_at=payload.period_ends_at,
    )  # fmt: skip
    return HttpStatus(201, pk_or_404(_orders(request), order.pk))


@router.post("/measures/{int:measure_id}/progress", response={201: MeasureOut}, summary="Report progress")
def report_progress(request, measure_id: int, payload: ProgressIn):
    order = pk_or_404(_orders(request), measure_id)
    services.report_progress(request.auth, order, text=payload.text)
    return HttpStatus(201, pk_or_404(_orders(request), measure_id))


@router.post("/measures/{int:measure_id}/quantities", response={201: MeasureOut}, summary="Record a quantity")
def record_quantity(request, measure_id: int, payload: QuantityIn):
    order = pk_or_404(_orders(request), measure_id)
    services.record_quantity(request.auth, order, kind=payload.kind, amount=payload.amount, unit=payload.unit,
                             note=payload.note)  # fmt: skip
    return HttpStatus(201, pk_or_404(_orders(request), measure_id))


@router.post("/measures/{int:measure_id}/lift", response=MeasureOut, summary="Lift a measure")
def lift_measure(request, measure_id: int, payload: LiftIn):
    order = pk_or_404(_orders(request), measure_id)
    services.lift(request.auth, order, reason=payload.reason, evaluation=payload.evaluation)
    return pk_or_404(_orders(request), measure_id)
