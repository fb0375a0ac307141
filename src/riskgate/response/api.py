"""API of rapid response: the measures catalogue, measures in the caller's scope (decided in its jurisdiction or
executed by it), ordering one, progress and quantities from the executing units, and lifting; obligations of
risk-responsible parties and recalls in view, and a recall's progress."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from riskgate.core import audit
from riskgate.core.access import MAX_ID, field_error, named, named_all, pk_or_404
from riskgate.core.api_support import Pagination, filtered, require_caller
from riskgate.core.permissions import Permission

from .models import ObligationStatus, RecallStatus, RecallType, Status
from .queries import measures as measure_queries
from .queries import obligations as obligation_queries
from .queries import recalls as recall_queries
from .services import measures as services
from .services import recalls

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


class CheckOut(Schema):
    checked_on: dt.date
    result: str
    findings: str
    organisation_id: int


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
    implemented_at: dt.datetime | None
    overdue: bool = Field(..., alias="is_overdue")
    overdue_at: dt.datetime | None
    period_ends_at: dt.datetime | None
    checks: list[CheckOut]
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

    @staticmethod
    def resolve_checks(order):
        return list(order.checks.all())


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
    implemented: bool = Field(False, description="the lead unit reports the measure carried out in full")


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
        measure_queries.visible(request.auth)
        .select_related("kind")
        .prefetch_related("cooperating_units", "control_rules", "quantities", "notes")
    )


@router.get("/measure-kinds", response=list[KindOut], summary="The measures catalogue")
def list_kinds(request):
    require_caller(request, Permission.RESPONSE_MEASURE_VIEW)
    return measure_queries.kinds()


@router.get("/measures", response=list[MeasureOut], summary="Measures decided in or executed by the caller's scope")
@paginate(Pagination, page_size=50)
def list_measures(request, filters: Query[MeasureFilter]):
    return filtered(_orders(request), filters).order_by("-ordered_at", "-id")


@router.get("/measures/{int:measure_id}", response=MeasureOut, summary="One measure")
def get_measure(request, measure_id: int):
    return pk_or_404(_orders(request), measure_id)


@router.post("/measures", response={201: MeasureOut}, summary="Order a measure")
def order_measure(request, payload: OrderIn):
    require_caller(request, Permission.RESPONSE_MEASURE_ORDER)
    kind = measure_queries.kinds().filter(code=payload.kind).first()
    if kind is None:
        raise field_error("kind", _("未知的措施种类。"))
    principal = request.auth
    order = services.order_measure(
        request.auth,
        kind=kind,
        warning=named(measure_queries.bases(principal), payload.warning_id, "warning_id"),
        assessment=named(measure_queries.assessments(principal), payload.assessment_id, "assessment_id"),
        target_kind=payload.target_kind,
        target=payload.target,
        target_enterprise=named(
            measure_queries.enterprises(principal), payload.target_enterprise_id, "target_enterprise_id"
        ),
        hs_codes=payload.hs_codes,
        instructions=payload.instructions,
        lead_unit=named(measure_queries.lead_units(principal), payload.lead_unit_id, "lead_unit_id"),
        cooperating_units=named_all(
            measure_queries.cooperating_units(principal), payload.cooperating_unit_ids, "cooperating_unit_ids"
        ),
        deadline=payload.deadline,
        period_ends_at=payload.period_ends_at,
    )
    return HttpStatus(201, pk_or_404(_orders(request), order.pk))


@router.post("/measures/{int:measure_id}/progress", response={201: MeasureOut}, summary="Report progress")
def report_progress(request, measure_id: int, payload: ProgressIn):
    order = pk_or_404(_orders(request), measure_id)
    services.report_progress(request.auth, order, text=payload.text, implemented=payload.implemented)
    return HttpStatus(201, pk_or_404(_orders(request), measure_id))


@router.post("/measures/{int:measure_id}/quantities", response={201: MeasureOut}, summary="Record a quantity")
def record_quantity(request, measure_id: int, payload: QuantityIn):
    order = pk_or_404(_orders(request), measure_id)
    services.record_quantity(
        request.auth, order, kind=payload.kind, amount=payload.amount, unit=payload.unit, note=payload.note
    )
    return HttpStatus(201, pk_or_404(_orders(request), measure_id))


@router.post("/measures/{int:measure_id}/lift", response=MeasureOut, summary="Lift a measure")
def lift_measure(request, measure_id: int, payload: LiftIn):
    order = pk_or_404(_orders(request), measure_id)
    services.lift(request.auth, order, reason=payload.reason, evaluation=payload.evaluation)
    return pk_or_404(_orders(request), measure_id)


# Obligations of risk-responsible parties and recalls: read by whoever sees them on their pages (response.scope:
# authorities their jurisdiction, an enterprise its own, the evaluating institution its cases), and a recall's
# progress reported by its enterprise's own system. Files are named by their SHA-256 only; enforcement records
# stay on the supervising authority's page.


class MitigationReportOut(Schema):
    version: int
    defect_analysis: str
    quantity_distribution: str
    measures: str
    plan: str
    expected_effect: str
    submitted_at: dt.datetime
    verdict: str
    feasibility: str
    effectiveness: str
    adequacy: str
    truthful: bool | None
    evaluated_at: dt.datetime | None


class PartyReportOut(Schema):
    kind: str
    text: str
    file_sha256: str
    submitted_at: dt.datetime
    decision: str
    decided_at: dt.datetime | None


class ObligationOut(Schema):
    id: int
    reference: str
    status: str
    warning_id: int
    measure_id: int | None
    enterprise_id: int
    institution_id: int
    organisation_id: int
    requirements: str
    report_due: dt.datetime
    overdue_at: dt.datetime | None
    consumers_notified: str
    consumers_notified_at: dt.datetime | None
    consumers_proof_sha256: str
    created_at: dt.datetime
    lifted_at: dt.datetime | None
    reports: list[MitigationReportOut]
    party_reports: list[PartyReportOut]
    checks: list[CheckOut]

    @staticmethod
    def resolve_reports(obligation):
        return list(obligation.reports.all())

    @staticmethod
    def resolve_party_reports(obligation):
        return list(obligation.party_reports.all())

    @staticmethod
    def resolve_checks(obligation):
        return list(obligation.checks.all())


class ObligationFilter(Schema):
    status: ObligationStatus | None = None
    warning_id: int | None = Field(None, ge=1, le=MAX_ID)


class RecallProgressOut(Schema):
    as_of: dt.date
    units_corrected: int
    rate: float
    note: str


class RecallOut(Schema):
    id: int
    reference: str
    kind: str
    recall_type: str
    status: str
    enterprise_id: int
    warning_id: int | None
    measure_id: int | None
    organisation_id: int
    product: str
    brand: str
    model: str
    hs_code: str
    defect: str
    affected_units: int | None = Field(..., description="null while an ordered recall awaits its plan")
    affected_range: str
    distribution: str
    remedies: list[str]
    communication_plan: str
    source: str
    started_on: dt.date
    public: bool
    published_at: dt.datetime | None
    completed_at: dt.datetime | None
    effectiveness_rate: float = Field(..., description="units corrected so far ÷ units concerned (latest report)")
    progress: list[RecallProgressOut]

    @staticmethod
    def resolve_progress(recall):
        reports = sorted(recall.progress.all(), key=lambda p: p.as_of)
        return [
            {
                "as_of": p.as_of,
                "units_corrected": p.units_corrected,
                "note": p.note,
                "rate": round(p.units_corrected / recall.affected_units, 4),
            }
            for p in reports
        ]

    @staticmethod
    def resolve_effectiveness_rate(recall):
        reports = sorted(recall.progress.all(), key=lambda p: p.as_of)
        return round(reports[-1].units_corrected / recall.affected_units, 4) if reports else 0.0


class RecallFilter(Schema):
    status: RecallStatus | None = None
    recall_type: RecallType | None = None


class RecallProgressIn(Schema):
    as_of: dt.date
    units_corrected: int = Field(..., ge=0, le=100_000_000, description="cumulative, never less than reported before")
    note: str = Field("", max_length=5000)


def _obligations(request):
    return obligation_queries.visible(request.auth).prefetch_related("reports", "party_reports", "checks")


def _recalls(request):
    return recall_queries.visible(request.auth).prefetch_related("progress")


@router.get("/obligations", response=list[ObligationOut], summary="Obligations of risk-responsible parties in view")
@paginate(Pagination, page_size=50)
def list_obligations(request, filters: Query[ObligationFilter]):
    return filtered(_obligations(request), filters).order_by("-created_at", "-id")


@router.get("/obligations/{int:obligation_id}", response=ObligationOut, summary="One obligation, with its reports")
def get_obligation(request, obligation_id: int):
    obligation = pk_or_404(_obligations(request), obligation_id)
    audit.record_read(actor=request.auth, obj=obligation)
    return obligation


@router.get("/recalls", response=list[RecallOut], summary="Recalls in view, with their progress")
@paginate(Pagination, page_size=50)
def list_recalls(request, filters: Query[RecallFilter]):
    return filtered(_recalls(request), filters).order_by("-created_at", "-id")


@router.get("/recalls/{int:recall_id}", response=RecallOut, summary="One recall, with its progress")
def get_recall(request, recall_id: int):
    recall = pk_or_404(_recalls(request), recall_id)
    audit.record_read(actor=request.auth, obj=recall)
    return recall


@router.post("/recalls/{int:recall_id}/progress", response={201: RecallOut}, summary="Report a recall's progress")
def report_recall_progress(request, recall_id: int, payload: RecallProgressIn):
    recall = pk_or_404(recall_queries.visible(request.auth), recall_id)
    recalls.report_progress(
        request.auth, recall, as_of=payload.as_of, units_corrected=payload.units_corrected, note=payload.note
    )
    return HttpStatus(201, pk_or_404(_recalls(request), recall_id))
