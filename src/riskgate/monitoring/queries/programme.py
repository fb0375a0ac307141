"""Reads of the monitoring programme — plans and their progress, points, sampling tasks, monitoring records, the
double-random spot checks — each scoped to the principal, and the portal's public aggregates."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riskgate.accounts.models import Organisation, OrganisationKind, User
from riskgate.assessment.models import Assessment, BodyKind, RegisteredBody
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.vocabulary import HazardType
from riskgate.core.work import WorkGroup, WorkItem, group, present
from riskgate.credit.models import CreditGrade

from ..models import (
    DrawStatus,
    ExternalCheck,
    InspectorTie,
    MonitoringPlan,
    MonitoringPoint,
    PlanProposal,
    Sample,
    SampleStatus,
    SamplingTask,
    SpotCheck,
    SpotCheckDraw,
    TaskStatus,
)

SAMPLING_UNIT_KINDS = [
    OrganisationKind.DIRECT_BUREAU,
    OrganisationKind.INSPECTION_BODY,
    OrganisationKind.PORT,
    OrganisationKind.MONITORING_POINT,
]


def organisation(principal: Principal) -> Organisation | None:
    return getattr(principal, "organisation", None)


# ---- plans --------------------------------------------------------------------------------------------------------


def plans(principal: Principal) -> QuerySet:
    """The plan versions a principal reads: those led in its jurisdiction, and those giving a quota to a unit in
    its jurisdiction (a cooperating bureau reads the national plan it works under)."""
    if not principal.has_permission(Permission.MONITORING_PLAN_VIEW):
        raise PermissionDenied
    led = MonitoringPlan.objects.visible_to(principal)
    units = Organisation.objects.visible_to(principal)
    return MonitoringPlan.objects.filter(Q(pk__in=led.values("pk")) | Q(quotas__unit__in=units.values("pk"))).distinct()


def current_plans(principal: Principal) -> QuerySet:
    return plans(principal).filter(is_current=True)


def managed_plans(principal: Principal) -> QuerySet:
    """The current plans the principal may change: led in its jurisdiction."""
    if not principal.has_permission(Permission.MONITORING_PLAN_MANAGE):
        return MonitoringPlan.objects.none()
    return MonitoringPlan.objects.visible_to(principal).filter(is_current=True)


def versions(plan: MonitoringPlan) -> QuerySet:
    return MonitoringPlan.objects.filter(lineage_id=plan.lineage_id).order_by("-version")


@dataclass
class UnitProgress:
    unit: Organisation
    quota: int
    assigned: int  # samples in sampling tasks
    received: int  # monitoring records submitted
    approved: int
    nonconforming: int
    expected: int  # where the unit should be by today, pro rata of the period

    @property
    def behind(self) -> bool:
        return self.received < self.expected

    @property
    def percent(self) -> int:
        return round(100 * self.received / self.quota) if self.quota else 100


def expected_by(plan: MonitoringPlan, quota: int, today: dt.date | None = None) -> int:
    """How many of a quota should be done by `today`: pro rata of the days of the period elapsed (rounded down)."""
    today = today or timezone.localdate()
    days = (plan.period_end - plan.period_start).days + 1
    elapsed = min(max((today - plan.period_start).days + 1, 0), days)
    return quota * elapsed // days


def progress(plan: MonitoringPlan, today: dt.date | None = None) -> tuple[list[UnitProgress], UnitProgress | None]:
    """Per unit of the current version: its quota, what is assigned, received, approved and non-conforming over the
    whole lineage, and whether it is behind; and the plan's totals."""
    quotas = list(plan.quotas.select_related("unit").order_by("unit__code"))
    lineage = Q(plan__lineage_id=plan.lineage_id)
    assigned = dict(
        SamplingTask.objects.filter(lineage).values_list("organisation").annotate(n=Sum("samples")).order_by()
    )
    counted = {
        row["organisation"]: row
        for row in Sample.objects.filter(lineage)
        .values("organisation")
        .annotate(
            received=Count("pk"),
            approved=Count("pk", filter=Q(status=SampleStatus.APPROVED)),
            nonconforming=Count("pk", filter=Q(passed=False)),
        )
        .order_by()
    }
    rows = []
    for quota in quotas:
        c = counted.get(quota.unit_id, {})
        rows.append(
            UnitProgress(
                unit=quota.unit,
                quota=quota.samples,
                assigned=assigned.get(quota.unit_id, 0),
                received=c.get("received", 0),
                approved=c.get("approved", 0),
                nonconforming=c.get("nonconforming", 0),
                expected=expected_by(plan, quota.samples, today),
            )
        )
    if not rows:
        return rows, None
    total = UnitProgress(
        unit=plan.organisation,
        quota=sum(r.quota for r in rows),
        assigned=sum(r.assigned for r in rows),
        received=sum(r.received for r in rows),
        approved=sum(r.approved for r in rows),
        nonconforming=sum(r.nonconforming for r in rows),
        expected=sum(r.expected for r in rows),
    )
    return rows, total


def proposals(plan: MonitoringPlan) -> QuerySet:
    return (
        PlanProposal.objects.filter(plan__lineage_id=plan.lineage_id)
        .select_related("assessment", "proposed_by", "decided_by", "result_plan")
        .order_by("-created_at", "-pk")
    )


def proposal_in_scope(principal: Principal, pk: int) -> PlanProposal | None:
    lineages = managed_plans(principal).values("lineage_id")
    return PlanProposal.objects.filter(plan__lineage_id__in=lineages, pk=pk).first()


def plan_tasks(plan: MonitoringPlan) -> QuerySet:
    return (
        SamplingTask.objects.filter(plan__lineage_id=plan.lineage_id)
        .select_related("organisation", "laboratory")
        .annotate(received=Count("sample_records"))
        .order_by("due_on", "pk")
    )


def quota_units(plan: MonitoringPlan) -> QuerySet:
    return Organisation.objects.filter(pk__in=plan.quotas.values("unit_id")).order_by("code")


def sampling_units(principal: Principal) -> QuerySet:
    """The units a plan may give quotas to: authorities, ports and monitoring points in the jurisdiction."""
    return Organisation.objects.visible_to(principal).filter(kind__in=SAMPLING_UNIT_KINDS, is_active=True)


def lead_units(principal: Principal) -> QuerySet:
    return Organisation.objects.visible_to(principal).filter(
        kind__in=[
            OrganisationKind.NATIONAL_AUTHORITY,
            OrganisationKind.WARNING_OFFICE,
            OrganisationKind.DIRECT_BUREAU,
            OrganisationKind.INSPECTION_BODY,
        ],
        is_active=True,
    )


def accepted_laboratories() -> QuerySet:
    """Laboratories whose results may be accepted: registered, accepted and within the acceptance's validity."""
    today = timezone.localdate()
    usable = RegisteredBody.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today), accepted=True, kind=BodyKind.VERIFICATION_LABORATORY
    )
    return Organisation.objects.filter(pk__in=usable.values("organisation_id"), is_active=True).order_by("code")


def assessment_plans_section(user, assessment) -> dict | None:
    """On a confirmed assessment's page, to those who may read plans: the plan changes proposed from it and,
    when the user may propose, the current plans to propose a change to."""
    if not user.has_permission(Permission.MONITORING_PLAN_VIEW):
        return None
    made = PlanProposal.objects.filter(assessment__lineage_id=assessment.lineage_id, plan__in=plans(user))
    made = made.select_related("plan").order_by("-created_at")
    open_plans = list(current_plans(user).order_by("-period_start")) if assessment.status == "confirmed" else []
    if not made.exists() and not open_plans:
        return None
    return {
        "proposals": list(made),
        "plans": open_plans,
        "assessment": assessment,
        "hazard_choices": HazardType.choices,
    }


# ---- points, tasks, samples ---------------------------------------------------------------------------------------


def points(principal: Principal) -> QuerySet:
    if not principal.has_permission(Permission.MONITORING_PLAN_VIEW):
        raise PermissionDenied
    return MonitoringPoint.objects.visible_to(principal).select_related("organisation", "organisation__region")


def own_point(principal: Principal) -> MonitoringPoint | None:
    org = organisation(principal)
    return MonitoringPoint.objects.filter(organisation=org, active=True).first() if org is not None else None


def tasks(principal: Principal) -> QuerySet:
    """Sampling tasks: authorities their jurisdiction's; a unit or laboratory the tasks it works."""
    org = organisation(principal)
    allowed = Q(pk__in=[])
    if principal.has_permission(Permission.MONITORING_PLAN_VIEW):
        allowed |= Q(pk__in=SamplingTask.objects.visible_to(principal).values("pk"))
    if org is not None and principal.has_permission(Permission.MONITORING_SAMPLE_SUBMIT):
        allowed |= Q(organisation=org) | Q(laboratory=org)
    if allowed == Q(pk__in=[]):
        raise PermissionDenied
    return SamplingTask.objects.filter(allowed).select_related("plan", "organisation", "laboratory")


def own_tasks(principal: Principal) -> QuerySet:
    """The tasks the principal's unit submits results for (as sampling unit or laboratory), open or done (a
    record of a done task may be sent again: the service answers with the stored one)."""
    org = organisation(principal)
    if org is None or not principal.has_permission(Permission.MONITORING_SAMPLE_SUBMIT):
        return SamplingTask.objects.none()
    return SamplingTask.objects.filter(Q(organisation=org) | Q(laboratory=org))


def open_tasks_for(principal: Principal) -> QuerySet:
    """The unit's tasks still open: those the submission form offers."""
    return own_tasks(principal).filter(status=TaskStatus.ASSIGNED)


def samples(principal: Principal) -> QuerySet:
    """Monitoring records: authorities their jurisdiction's (sampled there); a point or laboratory the records it
    submitted or tested; an enterprise the approved records that concern it (R-USE-1)."""
    org = organisation(principal)
    allowed = Q(pk__in=[])
    if principal.has_permission(Permission.MONITORING_PLAN_VIEW):
        allowed |= Q(pk__in=Sample.objects.visible_to(principal).values("pk"))
    if org is not None and principal.has_permission(Permission.MONITORING_SAMPLE_SUBMIT):
        allowed |= Q(submitter=org) | Q(laboratory=org)
    if org is not None and principal.has_permission(Permission.MONITORING_RESULT_OWN):
        allowed |= Q(enterprise=org, status=SampleStatus.APPROVED)
    if allowed == Q(pk__in=[]):
        raise PermissionDenied
    return Sample.objects.filter(allowed).select_related("organisation", "laboratory", "enterprise", "task", "plan")


def approvable(principal: Principal) -> QuerySet:
    if not principal.has_permission(Permission.MONITORING_PLAN_MANAGE):
        return Sample.objects.none()
    return Sample.objects.visible_to(principal).filter(status=SampleStatus.SUBMITTED)


def existing_sample(submitter: Organisation, sample_number: str) -> Sample | None:
    return Sample.objects.filter(submitter=submitter, sample_number=sample_number).first()


def enterprises(principal: Principal) -> QuerySet:
    """The enterprises a record or a check may name: those the principal's jurisdiction supervises; a point or a
    laboratory (outside the customs tree) names any registered enterprise."""
    base = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True)
    if principal.has_permission(Permission.MONITORING_SAMPLE_SUBMIT) and not principal.has_permission(
        Permission.MONITORING_PLAN_VIEW
    ):
        return base.order_by("name")
    return base.filter(pk__in=Organisation.objects.visible_to(principal).values("pk")).order_by("name")


def _sample_item(sample: Sample) -> WorkItem:
    return WorkItem(
        title=f"{sample.reference} {sample.product_name}",
        url=reverse("monitoring:sample", args=[sample.pk]),
        since=sample.created_at,
        detail=_("不合格") if not sample.passed else _("合格"),
    )


def _task_item(task: SamplingTask) -> WorkItem:
    due = timezone.make_aware(dt.datetime.combine(task.due_on, dt.time(23, 59)))
    return WorkItem(
        title=f"{task.reference} {task.product}",
        url=reverse("monitoring:samples") + f"?task={task.pk}",
        due=due,
        detail=_("%(n)s 批，%(lab)s") % {"n": task.samples, "lab": task.laboratory},
    )


def programme_work(user) -> list[WorkGroup]:
    """Records awaiting approval (authorities) and open sampling tasks (points and laboratories)."""
    groups = []
    if user.has_permission(Permission.MONITORING_PLAN_MANAGE):
        waiting = approvable(user).order_by("created_at", "pk")
        listed = reverse("monitoring:samples")
        groups += present(group("monitoring.samples", gettext_lazy("待审核的监测数据"), waiting, listed, _sample_item))
    if user.has_permission(Permission.MONITORING_SAMPLE_SUBMIT):
        open_ = open_tasks_for(user).order_by("due_on", "pk")
        listed = reverse("monitoring:samples")
        groups += present(group("monitoring.tasks", gettext_lazy("待完成的抽样任务"), open_, listed, _task_item))
    return groups


# ---- spot checks --------------------------------------------------------------------------------------------------


def draws(principal: Principal) -> QuerySet:
    if not principal.has_permission(Permission.MONITORING_SPOTCHECK_MANAGE):
        raise PermissionDenied
    return SpotCheckDraw.objects.visible_to(principal).select_related("organisation", "drawn_by")


def checks_of(draw: SpotCheckDraw) -> QuerySet:
    return draw.checks.select_related("enterprise", "recorded_by").prefetch_related("inspectors").order_by("position")


def my_checks(principal: Principal) -> QuerySet:
    """The checks the principal was drawn for (an inspector records its result)."""
    if not principal.has_permission(Permission.MONITORING_SPOTCHECK_INSPECT) or not getattr(principal, "pk", None):
        return SpotCheck.objects.none()
    return SpotCheck.objects.filter(inspectors=principal).select_related("draw", "enterprise")


def check_in_scope(principal: Principal, pk: int) -> SpotCheck | None:
    mine = my_checks(principal).values("pk")
    managed = (
        SpotCheck.objects.filter(draw__in=draws(principal).values("pk")).values("pk")
        if principal.has_permission(Permission.MONITORING_SPOTCHECK_MANAGE)
        else SpotCheck.objects.none().values("pk")
    )
    return SpotCheck.objects.filter(Q(pk__in=mine) | Q(pk__in=managed)).filter(pk=pk).select_related("draw").first()


def external_checks(principal: Principal) -> QuerySet:
    if not principal.has_permission(Permission.MONITORING_SPOTCHECK_MANAGE):
        raise PermissionDenied
    return ExternalCheck.objects.visible_to(principal).select_related("agency", "enterprise")


def partner_agencies() -> QuerySet:
    return Organisation.objects.filter(kind=OrganisationKind.PARTNER_AGENCY, is_active=True).order_by("name")


def inspector_code(user_id: int) -> str:
    return f"I{user_id:06d}"


def checked_in_period(start: dt.date, end: dt.date) -> set[int]:
    """Enterprises already checked in the period: drawn in an overlapping draw, or checked by another agency."""
    drawn = SpotCheck.objects.filter(draw__period_start__lte=end, draw__period_end__gte=start)
    other = ExternalCheck.objects.filter(checked_on__gte=start, checked_on__lte=end)
    return set(drawn.values_list("enterprise_id", flat=True)) | set(other.values_list("enterprise_id", flat=True))


def enterprise_pool(principal: Principal, criteria: dict, start: dt.date, end: dt.date) -> list[Organisation]:
    """The enterprises a draw picks from: in the principal's jurisdiction, matching the criteria (enterprise types,
    province, credit grades; for a special check, HS code prefixes of what the enterprise was sampled on), not
    already checked in the period."""
    pool = Organisation.objects.visible_to(principal).filter(kind=OrganisationKind.ENTERPRISE, is_active=True)
    if criteria.get("province"):
        pool = pool.filter(region_id__startswith=str(criteria["province"])[:2])
    if criteria.get("hs_codes"):
        sampled = Q()
        for prefix in criteria["hs_codes"]:
            sampled |= Q(hs_code__startswith=prefix)
        pool = pool.filter(pk__in=Sample.objects.filter(sampled).values("enterprise_id"))
    chosen = []
    excluded = checked_in_period(start, end)
    types, grades = set(criteria.get("enterprise_types") or []), set(criteria.get("credit_grades") or [])
    for enterprise in pool.select_related("credit_record").order_by("code"):
        if enterprise.pk in excluded:
            continue
        if types and not types & set(enterprise.enterprise_types or []):
            continue
        record = getattr(enterprise, "credit_record", None)
        if grades and (record.grade if record else CreditGrade.REGULAR) not in grades:
            continue
        chosen.append(enterprise)
    return chosen


def inspector_pool(principal: Principal) -> list[User]:
    """Active people in the jurisdiction whose role puts them in the inspectors' directory."""
    people = User.objects.visible_to(principal).filter(is_active=True).select_related("role").order_by("pk")
    return [u for u in people if u.role and Permission.MONITORING_SPOTCHECK_INSPECT.value in u.role.permissions]


def ties(inspector_ids: list[int], enterprise_ids: list[int]) -> list[tuple[int, int]]:
    rows = InspectorTie.objects.filter(inspector_id__in=inspector_ids, enterprise_id__in=enterprise_ids)
    return sorted(set(rows.values_list("inspector_id", "enterprise_id")))


# ---- the portal (public) ------------------------------------------------------------------------------------------


def published_draws() -> QuerySet:
    return SpotCheckDraw.objects.filter(status=DrawStatus.PUBLISHED).select_related("organisation")


def published_checks(draw: SpotCheckDraw) -> QuerySet:
    return draw.checks.select_related("enterprise").order_by("position")


def portal_results() -> dict:
    """Approved monitoring results in aggregate (no enterprise, no sample): per plan, product category and HS
    heading, how many batches were tested and how many did not conform; per test item the same."""
    approved = Sample.objects.filter(status=SampleStatus.APPROVED)
    plan_of = {p.lineage_id: p for p in MonitoringPlan.objects.filter(is_current=True)}
    grouped: dict[tuple, list[int]] = {}
    for lineage, category, hs, passed in approved.values_list(
        "plan__lineage_id", "product_category", "hs_code", "passed"
    ).iterator(chunk_size=5000):
        counts = grouped.setdefault((lineage, category or "", (hs or "")[:4]), [0, 0])
        counts[0] += 1
        counts[1] += not passed
    rows = [
        {
            "plan": plan_of.get(lineage),
            "product": category,
            "hs": heading,
            "tested": tested,
            "failed": failed,
            "rate": round(100 * failed / tested, 1),
        }
        for (lineage, category, heading), (tested, failed) in sorted(
            grouped.items(), key=lambda kv: (kv[0][0] or 0, kv[0][2], kv[0][1])
        )
    ]
    items = (
        approved.values("results__item")
        .annotate(tested=Count("results"), failed=Count("results", filter=Q(results__passed=False)))
        .filter(tested__gt=0)
        .order_by("-failed", "results__item")
    )
    totals = approved.aggregate(tested=Count("pk"), failed=Count("pk", filter=Q(passed=False)))
    return {"rows": rows, "items": list(items)[:30], "totals": totals}


def visible_assessments(principal: Principal) -> QuerySet:
    return Assessment.objects.visible_to(principal)


def tasks_readable(principal: Principal) -> QuerySet:
    """The tasks the principal may filter its records by (none for an enterprise)."""
    if principal.has_permission(Permission.MONITORING_PLAN_VIEW) or principal.has_permission(
        Permission.MONITORING_SAMPLE_SUBMIT
    ):
        return tasks(principal)
    return SamplingTask.objects.none()
