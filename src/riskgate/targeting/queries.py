"""Reads of port control shared by the pages and the API, always scoped to the principal: control rules,
inspection tasks, the enterprises whose grades the policy page shows, and what a rule request names."""

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.assessment.models import Assessment, BodyKind
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core.access import require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.work import WorkGroup, WorkItem, group, present
from riskgate.credit import queries as credit
from riskgate.warnings.models import WarningNotice
from riskgate.warnings.queries import basis_for

from .models import (
    CatalogueEntry,
    CatalogueVersion,
    CommodityRecord,
    ControlRule,
    InspectionTask,
    ScreeningDecision,
    SupervisionPolicy,
    TaskStatus,
)


def rules(principal: Principal) -> QuerySet[ControlRule]:
    """Control rule versions of the principal's jurisdiction, and those its organisation executes: named as an
    executing unit (itself or a unit above it), or having opened an inspection task the principal sees — by a hit
    or by a retro-screening's follow-up (issue 26: a retro task's rule answered 404 to the port)."""
    own = ControlRule.objects.visible_to(principal)
    organisation = getattr(principal, "organisation", None)
    if organisation is None or not organisation.path:
        return own
    above = [f"/{'/'.join(parts)}/" for parts in _prefixes(organisation.path)]
    executed = ControlRule.objects.filter(executing__path__in=above).values("pk")
    tasks = InspectionTask.objects.visible_to(principal)
    opened = ControlRule.objects.filter(tasks__in=tasks).values("pk")
    followed = ControlRule.objects.filter(follow_ups__in=tasks).values("pk")
    return ControlRule.objects.filter(
        Q(pk__in=own.values("pk")) | Q(pk__in=executed) | Q(pk__in=opened) | Q(pk__in=followed)
    )


def manages(principal: Principal, rule: ControlRule) -> bool:
    """Whether the rule is of the principal's jurisdiction (executing units read it; only its issuers change it)."""
    return ControlRule.objects.visible_to(principal).filter(pk=rule.pk).exists()


def _prefixes(path: str) -> list[list[str]]:
    """The paths of an organisation and of every unit above it ("/1/4/9/" → /1/, /1/4/, /1/4/9/)."""
    parts = [p for p in path.split("/") if p]
    return [parts[: n + 1] for n in range(len(parts))]


def tasks(principal: Principal) -> QuerySet[InspectionTask]:
    """Inspection tasks of the principal's jurisdiction (its ports' tasks for a port)."""
    require(principal, Permission.TARGETING_TASK_VIEW)
    return InspectionTask.objects.visible_to(principal)


def enterprises(principal: Principal) -> QuerySet[Organisation]:
    """Enterprises of the principal's jurisdiction (whose credit grades differential supervision uses)."""
    return Organisation.objects.visible_to(principal).filter(kind=OrganisationKind.ENTERPRISE)


def graded_enterprises(principal: Principal, *, limit: int = 200) -> list[Organisation]:
    """The first enterprises of the jurisdiction by name, each with its credit grade (the policy page)."""
    return credit.graded(enterprises(principal).order_by("name")[:limit])


def units(principal: Principal) -> QuerySet[Organisation]:
    """The organisations a rule of the principal may name as executing: those of its jurisdiction."""
    return Organisation.objects.visible_to(principal)


def bases(principal: Principal) -> QuerySet[WarningNotice]:
    """Warnings a rule may be issued from: those of the principal's jurisdiction and those sent to its organisation."""
    return basis_for(principal)


def versions(rule: ControlRule) -> QuerySet[ControlRule]:
    """Every version of the rule's lineage, oldest first."""
    return ControlRule.objects.filter(lineage_id=rule.lineage_id).order_by("version")


def catalogue_versions() -> QuerySet[CatalogueVersion]:
    """The legal-inspection catalogue's versions, newest first (reference data every port officer reads)."""
    return CatalogueVersion.objects.select_related("created_by", "basis").order_by("-number")


def catalogue_entries(version: CatalogueVersion | None) -> QuerySet[CatalogueEntry]:
    return version.entries.order_by("hs_prefix") if version is not None else CatalogueEntry.objects.none()


def catalogue_bases(principal: Principal) -> QuerySet[Assessment]:
    """Confirmed assessments of the principal's jurisdiction, that a catalogue adjustment may rest on."""
    return Assessment.objects.visible_to(principal).filter(status=AssessmentStatus.CONFIRMED).order_by("-id")


def laboratories() -> list[tuple[str, str]]:
    """The registered laboratories an inspection result may name (code, name); whether a third party's result is
    accepted for the item is the service's check (decision 0029)."""
    rows = Organisation.objects.filter(
        assessment_body__kind=BodyKind.VERIFICATION_LABORATORY,
        assessment_body__accepted=True,
        assessment_body__exited_on=None,
        is_active=True,
    ).order_by("code")
    return [(o.code, o.name) for o in rows]


def decisions(principal: Principal) -> QuerySet[ScreeningDecision]:
    """Screening decisions of the principal's jurisdiction."""
    return ScreeningDecision.objects.visible_to(principal)


def commodity_records() -> QuerySet[CommodityRecord]:
    """The HS headings with inspections, the most non-conformities first (differential supervision's page)."""
    return CommodityRecord.objects.filter(inspections__gt=0).order_by("-nonconformities")


def policies() -> QuerySet[SupervisionPolicy]:
    """The versions of the differential-supervision policy, newest (in force) first."""
    return SupervisionPolicy.objects.order_by("-id")


def pending_work(user) -> list[WorkGroup]:
    """My pending work at the port: open inspection tasks of my jurisdiction, the oldest first."""
    if not user.has_permission(Permission.TARGETING_TASK_RECORD):
        return []
    open_tasks = tasks(user).filter(status=TaskStatus.OPEN)
    return present(
        group(
            "targeting.tasks",
            _("待处置的查验任务"),
            open_tasks,
            f"{reverse('targeting:tasks')}?status={TaskStatus.OPEN}",
            lambda task: WorkItem(
                title=f"{task.reference} {task.declaration_id} #{task.item_no}",
                url=task.get_absolute_url(),
                since=task.created_at,
                detail=f"{task.get_action_display()} · {task.hs_code}",
            ),
            order=("created_at", "pk"),
        )
    )


def grade_of(enterprise: Organisation) -> str:
    return credit.grade_of(enterprise)
