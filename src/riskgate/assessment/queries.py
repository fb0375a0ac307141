"""Reads of assessments shared by the pages, the API and the other apps (always scoped to the principal)."""

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from riskgate.accounts.models import Organisation, User
from riskgate.core.access import pk_or_404
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.scoping import ScopeMode
from riskgate.core.work import WorkGroup, WorkItem, group, present
from riskgate.intake.models import ASSESSABLE_STATUSES, RiskInformation

from . import acceptance
from .models import (
    OPEN_STATUSES,
    Appraisal,
    AppraisalResult,
    Assessment,
    BodyKind,
    Course,
    Expert,
    LabTask,
    RegisteredBody,
    Status,
    Vote,
)

RECENT = 10


def visible(principal: Principal) -> QuerySet[Assessment]:
    """Assessments the principal may read: the requester's jurisdiction for authorities, own assignments for
    assessors and experts (ScopeMode.ASSIGNED)."""
    if not principal.has_permission(Permission.ASSESSMENT_VIEW):
        return Assessment.objects.none()
    return Assessment.objects.visible_to(principal)


def work_panel(user) -> dict | None:
    """The home page's panel: assessments in scope by stage and the overdue ones (what waits for this user is in
    `pending_work`)."""
    if not user.has_permission(Permission.ASSESSMENT_VIEW):
        return None
    mine = visible(user)
    shown = [*OPEN_STATUSES, Status.SUBMITTED]
    counts = dict(mine.filter(status__in=shown).values_list("status").annotate(n=Count("id")))
    return {
        "counts": [{"status": s, "label": Status(s).label, "n": counts.get(s, 0)} for s in shown],
        "overdue": mine.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now()).count(),
    }


def _item(assessment: Assessment, *, since=None) -> WorkItem:
    return WorkItem(
        title=f"{assessment.reference} {assessment.title[:60]}",
        url=reverse("assessment:detail", args=[assessment.pk]),
        due=None if since else assessment.due_at,
        since=since,
        detail=assessment.get_status_display(),
    )


def pending_work(user) -> list[WorkGroup]:
    """My pending work in assessment: the assessments I conduct (to accept, to finish by their due date), the
    reports waiting for my vote, and — for the requesting authority — reports to confirm and overdue ones."""
    if not user.has_permission(Permission.ASSESSMENT_VIEW):
        return []
    mine = visible(user)
    listed = reverse("assessment:list")
    groups = []
    if user.has_permission(Permission.ASSESSMENT_CONDUCT):
        conducting = mine.filter(participants=user)
        groups += [
            group(
                "assessment.accept",
                gettext_lazy("待受理的研判任务"),
                conducting.filter(status=Status.REQUESTED),
                f"{listed}?status={Status.REQUESTED}",
                _item,
                due="due_at",
            ),
            group(
                "assessment.conduct",
                gettext_lazy("我承办的研判"),
                conducting.filter(status=Status.IN_PROGRESS),
                f"{listed}?status={Status.IN_PROGRESS}",
                _item,
                due="due_at",
            ),
        ]
    if user.has_permission(Permission.ASSESSMENT_VOTE):
        to_vote = mine.filter(status=Status.PANEL_REVIEW, panel__expert__user=user, panel__vote=Vote.PENDING)
        groups.append(
            group(
                "assessment.vote",
                gettext_lazy("待我表态的研判报告"),
                to_vote.distinct(),
                f"{listed}?status={Status.PANEL_REVIEW}",
                _item,
                due="due_at",
            )
        )
    if user.has_permission(Permission.ASSESSMENT_REQUEST) and user.scope_mode != ScopeMode.ASSIGNED:
        groups += [
            group(
                "assessment.confirm",
                gettext_lazy("待确认的研判报告"),
                mine.filter(status=Status.SUBMITTED),
                f"{listed}?status={Status.SUBMITTED}",
                lambda a: _item(a, since=a.submitted_at),
                order=("submitted_at", "pk"),
            ),
            group(
                "assessment.overdue",
                gettext_lazy("逾期未完成的研判"),
                mine.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now()),
                f"{listed}?overdue=on",
                _item,
                due="due_at",
            ),
        ]
    if may_train(user):
        groups.append(
            group(
                "assessment.appraisals",
                gettext_lazy("待确定的年度考核"),
                Appraisal.objects.filter(decided_at__isnull=True).select_related("expert", "body__organisation"),
                reverse("assessment:appraisals"),
                lambda a: WorkItem(
                    title=f"{a.year} · {a.subject}",
                    url=f"{reverse('assessment:appraisals')}?{urlencode({'year': a.year})}#appraisal-{a.pk}",
                    detail=a.get_proposed_display(),
                ),
                order=("year", "pk"),
            )
        )
    return present(*groups)


def information_section(user, info: RiskInformation) -> dict | None:
    """The section of a risk information page listing its assessments, and whether this user may request one
    (own jurisdiction, the permission, a status that can be assessed)."""
    assessments = visible(user).filter(information=info).order_by("lineage_id", "version")
    own = RiskInformation.objects.visible_to(user, shared=False).filter(pk=info.pk).exists()
    can_request = own and user.has_permission(Permission.ASSESSMENT_REQUEST) and info.status in ASSESSABLE_STATUSES
    if not can_request and not assessments:
        return None
    return {"assessments": assessments, "can_request": can_request}


def case_section(user, case) -> dict | None:
    """The assessment part of a risk case's page (issue 26): the assessments of its items (or of the case), the
    case's standing that follows from them, and whether this user may request one for its verified items."""
    if not user.has_permission(Permission.ASSESSMENT_VIEW):
        return None
    ids = [info.pk for info in case.items]
    assessments = list(
        visible(user).filter(Q(case=case.pk) | Q(information__in=ids)).distinct().order_by("lineage_id", "version")
    )
    current = [a for a in assessments if a.status != Status.SUPERSEDED]
    if any(a.status == Status.CONFIRMED for a in current):
        levels = sorted({a.get_confirmed_level_display() for a in current if a.status == Status.CONFIRMED})
        standing = gettext_lazy("已研判：%(levels)s") % {"levels": "、".join(str(x) for x in levels)}
    elif current:
        standing = gettext_lazy("研判中")
    else:
        standing = gettext_lazy("尚未研判")
    verified = RiskInformation.objects.visible_to(user, shared=False).filter(pk__in=ids, status__in=ASSESSABLE_STATUSES)
    references = [info.reference for info in verified.order_by("pk")]
    can_request = (
        bool(references)
        and user.has_permission(Permission.ASSESSMENT_REQUEST)
        and not any(a.status in OPEN_STATUSES or a.status == Status.SUBMITTED for a in current)
    )
    query = urlencode({"information": ", ".join(references), "title": case.title[:200]})
    return {"assessments": assessments, "standing": standing, "can_request": can_request, "query": query}


def report_context(assessment: Assessment) -> dict:
    """What the report page and the PDF both show."""
    return {
        "a": assessment,
        "information": assessment.information.all(),
        "scenarios": assessment.scenarios.all(),
        "panel": assessment.panel.select_related("expert", "expert__organisation"),
        "lab_tasks": assessment.lab_tasks.select_related("laboratory").prefetch_related("results"),
        "proposal": assessment.proposal,
        "proposal_reasons": [
            (REASON_LABELS.get(key, key), points) for key, points in (assessment.proposal.get("reasons") or {}).items()
        ],
    }


REASON_LABELS = {
    "risk": gettext_lazy("风险等级"),
    "urgency": gettext_lazy("紧急程度"),
    "units": gettext_lazy("市场数量"),
    "regions": gettext_lazy("涉及地区"),
    "consumers": gettext_lazy("涉及消费者"),
    "cross_border": gettext_lazy("跨境"),
    "scope_cap": gettext_lazy("影响范围分值封顶"),
    "ceiling": gettext_lazy("该风险等级的最高预警等级"),
}


def acceptance_refusal(organisation: Organisation, hs_code: str, test_items) -> str | None:
    """Why results of `organisation` for these test items of a commodity (its HS code) are not accepted, or None
    (decision 0029)."""
    body = RegisteredBody.objects.filter(organisation=organisation).first()
    scopes = list(body.scopes.all()) if body is not None else []
    name = organisation.name
    for item in test_items:
        why = acceptance.refusal(name, body, scopes, hs_code, item)
        if why:
            return why
    return None


def published_bodies() -> QuerySet[RegisteredBody]:
    """The third-party institutions of the public acceptance registry: those accepted, suspended or exited, with
    their scopes and violations."""
    return (
        RegisteredBody.objects.filter(third_party=True)
        .select_related("organisation")
        .prefetch_related("scopes", "violations")
        .order_by("organisation__name")
    )


def scope_of(body: RegisteredBody, pk: int):
    """One of the institution's scopes, or 404."""
    return pk_or_404(body.scopes.all(), pk)


def body_or_404(pk: int) -> RegisteredBody:
    return pk_or_404(RegisteredBody.objects.select_related("organisation").prefetch_related("scopes", "violations"), pk)


def institutions() -> QuerySet[Organisation]:
    """Technical institutions an assessment may be assigned to (any registered one, across jurisdictions)."""
    return Organisation.objects.filter(assessment_body__kind=BodyKind.TECHNICAL_INSTITUTION)


def people_with(*permissions: Permission) -> QuerySet[User]:
    """Active accounts holding any of the permissions, by organisation (leads and members of working groups)."""
    q = Q()
    for permission in permissions:
        q |= Q(role__permissions__icontains=f'"{permission.value}"')
    return User.objects.filter(q, is_active=True).select_related("organisation").order_by("organisation__name", "pk")


def leads() -> QuerySet[User]:
    """Who may lead an assessment."""
    return people_with(Permission.ASSESSMENT_CONDUCT)


def members() -> QuerySet[User]:
    """Who may sit on a working group."""
    return people_with(Permission.ASSESSMENT_CONDUCT, Permission.ASSESSMENT_VOTE)


def fresh(assessment: Assessment) -> Assessment:
    """The assessment as stored now (after a service changed it)."""
    return Assessment.objects.get(pk=assessment.pk)


def versions(assessment: Assessment) -> QuerySet[Assessment]:
    """Every version of the assessment's lineage, oldest first (shown with a version the reader may see)."""
    return Assessment.objects.filter(lineage_id=assessment.lineage_id).order_by("version")


def newer(assessment: Assessment) -> Assessment | None:
    """The re-assessment that supersedes this version, if any."""
    return Assessment.objects.filter(supersedes=assessment).first()


def lab_task(assessment: Assessment, pk: int) -> LabTask | None:
    return LabTask.objects.filter(assessment=assessment, pk=pk).first()


def experts() -> QuerySet[Expert]:
    """The expert pool (a registry: open to those who conduct assessments)."""
    return Expert.objects.all()


def may_train(principal: Principal) -> bool:
    """Art.28: the national authority (总局 or its warning office) trains and appraises the assessment
    institutions and their people."""
    organisation = getattr(principal, "organisation", None)
    return (
        principal.has_permission(Permission.ASSESSMENT_REQUEST)
        and organisation is not None
        and organisation.kind in ("national_authority", "warning_office")
    )


def offered_experts() -> QuerySet[Expert]:
    """The experts who may be offered for a new panel: in the pool and not failed at their latest appraisal."""
    return Expert.objects.filter(active=True).exclude(appraisal=AppraisalResult.FAIL)


# -- training and appraisal (read by those who read the registries) -------------------------------------------------


def courses() -> QuerySet[Course]:
    return Course.objects.select_related("organisation").annotate(
        attended=Count("records", filter=Q(records__attended=True))
    )


def course_records(course: Course) -> QuerySet:
    return course.records.select_related("expert", "expert__organisation", "course")


def appraisals(year: int | None = None) -> QuerySet[Appraisal]:
    found = Appraisal.objects.select_related("expert", "expert__organisation", "body__organisation", "decided_by")
    return found if year is None else found.filter(year=year)


def appraisal_years() -> list[int]:
    return list(Appraisal.objects.order_by("-year").values_list("year", flat=True).distinct())
