"""API of risk assessment: list and read within the caller's scope (assignees see only their own), request an
assessment, vote, ask for and decide on extensions, confirm/amend/return. Nothing is public: every operation needs
an assessment permission, and unconfirmed results are visible only to the requester's jurisdiction and assignees."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from riskgate.core import audit
from riskgate.core.access import MAX_ID, named, named_all
from riskgate.core.api_support import Pagination, require_caller
from riskgate.core.permissions import Permission
from riskgate.core.vocabulary import HazardType, Urgency, WarningLevel

from . import queries, services
from .models import OPEN_STATUSES, Assessment, AssigneeKind, Status

router = Router(tags=["assessment"])


class ScenarioOut(Schema):
    description: str
    severity: int
    vulnerable_group: str
    steps: list[dict]
    probability: str
    level: str


class SeatOut(Schema):
    expert: str = Field(..., alias="expert.name")
    chair: bool
    vote: str
    vote_note: str


class LabResultOut(Schema):
    item: str
    value: str
    unit: str
    limit: str
    limit_kind: str
    passed: bool


class LabTaskOut(Schema):
    laboratory_id: int
    samples: str
    test_items: str
    method: str
    report_number: str
    completed_at: dt.datetime | None
    results: list[LabResultOut]

    @staticmethod
    def resolve_results(task):
        return [
            {
                **{f: getattr(r, f) for f in ("item", "unit", "limit_kind", "passed")},
                "value": str(r.value.normalize()),
                "limit": str(r.limit.normalize()),
            }
            for r in task.results.all()
        ]


class AssessmentSummary(Schema):
    id: int
    reference: str
    version: int
    title: str
    status: str
    urgency: str
    hazard_type: str
    organisation_id: int
    institution_id: int | None
    lead_id: int
    requested_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    risk_level: str
    proposed_level: str
    override_level: str
    confirmed_level: str
    supersedes_id: int | None


class AssessmentOut(AssessmentSummary):
    question: str
    information: list[int]
    assignee_kind: str
    group_name: str
    method: str
    method_note: str
    findings: str
    hazard: str
    non_injury_kind: str
    likelihood: int | None
    impact: int | None
    units: int | None
    regions: int | None
    consumers: int | None
    cross_border: bool
    scope_note: str
    residual_risk: str
    recommended_measures: str
    uncertainty: str
    sensitivity: str
    proposal: dict
    override_reason: str
    submitted_at: dt.datetime | None
    amended: bool
    confirmation_note: str
    confirmed_at: dt.datetime | None
    meeting_on: dt.date | None
    meeting_attendees: str
    meeting_conclusion: str
    scenarios: list[ScenarioOut]
    panel: list[SeatOut]
    lab_tasks: list[LabTaskOut]

    @staticmethod
    def resolve_information(a):
        return sorted(a.information.values_list("pk", flat=True))

    @staticmethod
    def resolve_scenarios(a):
        return list(a.scenarios.all())

    @staticmethod
    def resolve_panel(a):
        return list(a.panel.select_related("expert"))

    @staticmethod
    def resolve_lab_tasks(a):
        return list(a.lab_tasks.prefetch_related("results"))


class AssessmentFilter(Schema):
    status: Status | None = None
    overdue: bool | None = None


@router.get("/assessments", response=list[AssessmentSummary], summary="Assessments in scope (assignees: their own)")
@paginate(Pagination, page_size=50)
def list_assessments(request, filters: Query[AssessmentFilter]):
    require_caller(request, Permission.ASSESSMENT_VIEW)
    items = queries.visible(request.auth)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.overdue:
        items = items.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    return items


def _visible(request, assessment_id: int) -> Assessment:
    require_caller(request, Permission.ASSESSMENT_VIEW)
    assessment = queries.visible(request.auth).filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    return assessment


@router.get("/assessments/{int:assessment_id}", response=AssessmentOut, summary="One assessment with its report")
def get_assessment(request, assessment_id: int):
    assessment = _visible(request, assessment_id)
    audit.record_read(actor=request.auth, obj=assessment)
    return assessment


class RequestIn(Schema):
    title: str = Field(..., min_length=1, max_length=500)
    question: str = Field("", max_length=20000)
    information: list[int] = Field(..., min_length=1, max_length=500, description="ids of verified risk information")
    urgency: Urgency = Urgency.NORMAL
    hazard_type: HazardType
    assignee_kind: AssigneeKind
    institution_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_name: str = Field("", max_length=200)
    lead_id: int = Field(..., ge=1, le=MAX_ID)
    member_ids: list[int] = Field([], max_length=50)


@router.post("/assessments", response={201: AssessmentOut}, summary="Request an assessment")
def request_assessment(request, payload: RequestIn):
    require_caller(request, Permission.ASSESSMENT_REQUEST)
    if any(not 1 <= i <= MAX_ID for i in [*payload.information, *payload.member_ids]):
        raise ValidationError({"information": ["编号超出范围。"]})
    assessment = services.request_assessment(
        request.auth,
        title=payload.title,
        question=payload.question,
        information_ids=payload.information,
        urgency=payload.urgency.value,
        hazard_type=payload.hazard_type.value,
        assignee_kind=payload.assignee_kind.value,
        institution=named(queries.institutions(), payload.institution_id, "institution_id"),
        group_name=payload.group_name,
        lead=named(queries.leads(), payload.lead_id, "lead_id"),
        members=named_all(queries.members(), payload.member_ids, "member_ids"),
    )
    return HttpStatus(201, assessment)


class VoteIn(Schema):
    approve: bool
    note: str = Field("", max_length=5000)


@router.post("/assessments/{int:assessment_id}/vote", response=AssessmentOut, summary="A panel member's vote")
def vote(request, assessment_id: int, payload: VoteIn):
    assessment = _visible(request, assessment_id)
    services.vote(request.auth, assessment, approve=payload.approve, note=payload.note)
    return queries.fresh(assessment)


class ExtensionIn(Schema):
    new_due_at: dt.datetime
    reason: str = Field(..., min_length=1, max_length=5000)


@router.post("/assessments/{int:assessment_id}/extension", response=AssessmentOut, summary="Ask for more time")
def request_extension(request, assessment_id: int, payload: ExtensionIn):
    assessment = _visible(request, assessment_id)
    services.request_extension(request.auth, assessment, new_due_at=payload.new_due_at, reason=payload.reason)
    return queries.fresh(assessment)


class ExtensionDecisionIn(Schema):
    grant: bool
    note: str = Field("", max_length=5000)


@router.post(
    "/assessments/{int:assessment_id}/extension/decision", response=AssessmentOut, summary="Grant or refuse more time"
)
def decide_extension(request, assessment_id: int, payload: ExtensionDecisionIn):
    assessment = _visible(request, assessment_id)
    services.decide_extension(request.auth, assessment, grant=payload.grant, note=payload.note)
    return queries.fresh(assessment)


class DecisionIn(Schema):
    decision: str = Field(..., pattern="^(confirm|amend|return)$")
    level: WarningLevel | None = None
    note: str = Field("", max_length=5000)
    meeting_on: dt.date | None = None
    meeting_attendees: str = Field("", max_length=2000)
    meeting_conclusion: str = Field("", max_length=5000)


@router.post("/assessments/{int:assessment_id}/decision", response=AssessmentOut, summary="Confirm, amend or return")
def decide(request, assessment_id: int, payload: DecisionIn):
    assessment = _visible(request, assessment_id)
    services.decide(
        request.auth,
        assessment,
        decision=payload.decision,
        level=payload.level.value if payload.level else "",
        note=payload.note,
        meeting_on=payload.meeting_on,
        meeting_attendees=payload.meeting_attendees,
        meeting_conclusion=payload.meeting_conclusion,
    )
    return queries.fresh(assessment)
