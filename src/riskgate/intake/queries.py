"""Reads of risk information shared by pages, exports and the API (always scoped to the principal)."""

import datetime as dt

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from riskgate.core.access import get_visible_or_404
from riskgate.core.listing import by
from riskgate.core.models import HSCode
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.search import matching
from riskgate.core.vocabulary import Urgency
from riskgate.core.work import SHOWN, WorkGroup, WorkItem, group, present

from .deadlines import limits, overdue_q
from .linking import visible_proposals
from .models import ImportJob, LinkStatus, Reward, RiskInformation, Status

RECENT = 10

# The officer's list of risk information: its sortable columns (core.listing) and default order; the export of
# the list follows the same order.
LIST_COLUMNS = {
    "reference": by("id"),
    "title": by("title"),
    "source": by("source_type", "external_system"),
    "notified": by("notified_on", descending_first=True),
    "received": by("received_at", descending_first=True),
    "urgency": by("urgency", "status_since", descending_first=True),
    "status": by("status", "status_since"),
}
LIST_ORDER = "-received"


def information(
    principal: Principal,
    *,
    q: str | None = None,
    source_type: str | None = None,
    status: str | None = None,
    hazard: str | None = None,
    hs_chapter: str | None = None,
    origin: str | None = None,
    urgency: str | None = None,
    organisation: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    overdue: bool = False,
) -> QuerySet[RiskInformation]:
    """The items the principal may read, filtered; newest first (a list reorders them by its column headers)."""
    items = RiskInformation.objects.visible_to(principal)
    if overdue:
        items = items.filter(overdue_q())
    if q:
        items = matching(items, q)
    if source_type:
        items = items.filter(source_type=source_type)
    if status:
        items = items.filter(status=status)
    if hazard:
        items = items.filter(hazard_types__icontains=f'"{hazard}"')
    if hs_chapter:
        items = items.filter(hs_code__code__startswith=hs_chapter)
    if origin:
        items = items.filter(origin_countries__icontains=f'"{origin.upper()}"')
    if urgency:
        items = items.filter(urgency=urgency)
    if organisation:
        items = items.filter(organisation_id=organisation)
    if since:
        items = items.filter(received_at__date__gte=since)
    if until:
        items = items.filter(received_at__date__lte=until)
    return items.order_by("-received_at", "-id")


def open_work_panel(user) -> dict | None:
    """The home page's panel: open risk information in scope by status, and the urgent items."""
    if not user.has_permission(Permission.INTAKE_INFORMATION_VIEW):
        return None
    open_statuses = [Status.RECEIVED, Status.UNDER_VERIFICATION, Status.VERIFIED, Status.REPORTED]
    items = RiskInformation.objects.visible_to(user).filter(status__in=open_statuses)
    counts = dict(items.values_list("status").annotate(n=Count("id")))
    return {
        "counts": [{"status": s, "label": Status(s).label, "n": counts.get(s, 0)} for s in open_statuses],
        "urgent": items.filter(urgency=Urgency.URGENT).order_by("-received_at")[:RECENT],
    }


# What an officer who processes information does next in each status (Art.13), as the home page names it.
WORK = {
    Status.RECEIVED: _("待核实的风险信息"),
    Status.UNDER_VERIFICATION: _("核实中的风险信息"),
    Status.VERIFIED: _("已核实、待上报或提请研判"),
    Status.REPORTED: _("已上报、待决定是否研判"),
}


def pending_work(user) -> list[WorkGroup]:
    """My pending work in intake: items of my own jurisdiction in each status with a time limit (due first), and
    the link proposals waiting for an officer."""
    if not user.has_permission(Permission.INTAKE_INFORMATION_PROCESS):
        return []
    own = RiskInformation.objects.visible_to(user, shared=False)
    table = limits()
    groups = []
    for status, label in WORK.items():
        waiting = own.filter(status=status)
        count = waiting.count()
        if not count:
            continue
        # The nearest deadlines: within one urgency the deadline follows status_since, so the first few of each
        # urgency (index status, urgency, status_since) merged by deadline are the first few overall (an urgency
        # without a time limit after them, oldest first).
        first = []
        for urgency in Urgency.values:
            hours = table.get((status, urgency))
            for info in waiting.filter(urgency=urgency).order_by("status_since", "id")[:SHOWN]:
                due = info.status_since + dt.timedelta(hours=hours) if hours is not None else None
                first.append((due is None, due or info.status_since, info.pk, due, info))
        first.sort(key=lambda row: row[:3])
        groups.append(
            WorkGroup(
                key=f"intake.{status}",
                label=label,
                count=count,
                overdue=waiting.filter(overdue_q()).count(),
                url=f"{reverse('intake:list')}?status={status}",
                items=[
                    WorkItem(
                        title=f"{info.reference} {info.title[:60]}",
                        url=reverse("intake:detail", args=[info.pk]),
                        due=due,
                        since=info.status_since,
                        detail=info.get_urgency_display(),
                    )
                    for *_order, due, info in first[:SHOWN]
                ],
            )
        )
    proposals = visible_proposals(user, shared=False).filter(status=LinkStatus.PROPOSED)
    links = group(
        "intake.links",
        _("待确认的关联建议"),
        proposals.select_related("first", "second"),
        reverse("intake:links"),
        lambda p: WorkItem(
            title=f"{p.first.title[:40]} ~ {p.second.title[:40]}",
            url=reverse("intake:detail", args=[p.first_id]),
            since=p.created_at,
            detail=f"{p.score:.2f}",
        ),
        order=("-score", "id"),
    )
    return [*groups, *present(links)]


def information_or_404(principal: Principal, pk: int) -> RiskInformation:
    """An item the principal may read (own jurisdiction or shared with its agency), or 404."""
    return get_visible_or_404(RiskInformation.objects.select_related("organisation", "hs_code"), principal, pk=pk)


def own(principal: Principal, pk: int) -> RiskInformation | None:
    """An item of the principal's own jurisdiction (not merely shared with its agency), or None."""
    return RiskInformation.objects.visible_to(principal, shared=False).filter(pk=pk).first()


def own_ids(principal: Principal, ids: list[int]) -> list[int]:
    """Which of these items are of the principal's own jurisdiction (those it may process)."""
    return list(
        RiskInformation.objects.visible_to(principal, shared=False).filter(pk__in=ids).values_list("pk", flat=True)
    )


def enterprise_reports(principal: Principal) -> QuerySet[RiskInformation]:
    """An enterprise's own reports (and nothing of anyone else's), newest first."""
    return RiskInformation.objects.filter(reporter_organisation=principal.organisation).order_by("-received_at")


def import_jobs(principal: Principal) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(principal).select_related("created_by")


def import_job_or_404(principal: Principal, pk: int) -> ImportJob:
    return get_visible_or_404(ImportJob.objects.select_related("created_by", "organisation"), principal, pk=pk)


def hs_code_exists(code: str) -> bool:
    return HSCode.objects.filter(pk=code).exists()


def external_id_taken(system: str, external_id: str) -> bool:
    """True when a partner system already submitted an item under this id."""
    return RiskInformation.objects.filter(external_system=system, external_id=external_id).exists()


def reward_of(info: RiskInformation) -> Reward | None:
    """The whistleblower reward of a report (the caller has checked the report is in scope)."""
    return Reward.objects.filter(information=info).select_related("proposed_by", "decided_by", "paid_by").first()
