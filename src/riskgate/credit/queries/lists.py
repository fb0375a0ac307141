"""Reads of the credit lists: who meets a criterion (and by which events), the entries of a jurisdiction, what
waits for a second officer, the repair applications, and the public lists."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.text import local
from riskgate.core.work import WorkItem, group, present

from ..models import (
    OPEN_ENTRY,
    CreditEvent,
    CreditGrade,
    EntryStatus,
    EventType,
    ListCriterion,
    ListEntry,
    RepairApplication,
    RepairStatus,
)


def criteria() -> QuerySet:
    return ListCriterion.objects.filter(active=True)


def criterion_or_none(pk) -> ListCriterion | None:
    return criteria().filter(pk=pk).first() if pk else None


def unfavourable_kinds() -> list[str]:
    return list(EventType.objects.filter(Q(points__lt=0) | ~Q(ceiling="")).values_list("code", flat=True))


def meeting(criterion: ListCriterion, enterprises: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """The enterprises of `enterprises` that meet the criterion now."""
    now = now or timezone.now()
    found = enterprises.filter(kind=OrganisationKind.ENTERPRISE)
    if criterion.event_kinds:
        since = now - dt.timedelta(days=criterion.within_days)
        counted = Q(credit_events__kind__in=criterion.event_kinds, credit_events__occurred_at__gte=since)
        found = found.annotate(facts=Count("credit_events", filter=counted)).filter(facts__gte=criterion.min_count)
    if criterion.grade == CreditGrade.REGULAR:
        found = found.filter(Q(credit_record__isnull=True) | Q(credit_record__grade=CreditGrade.REGULAR))
    elif criterion.grade:
        found = found.filter(credit_record__grade=criterion.grade)
    if criterion.clean_days:
        recent = CreditEvent.objects.filter(
            enterprise=OuterRef("pk"),
            kind__in=unfavourable_kinds(),
            occurred_at__gte=now - dt.timedelta(days=criterion.clean_days),
        )
        found = found.exclude(Exists(recent))
    return found


def meets(criterion: ListCriterion, enterprise: Organisation, now: dt.datetime | None = None) -> bool:
    return meeting(criterion, Organisation.objects.filter(pk=enterprise.pk), now).exists()


def facts(criterion: ListCriterion, enterprise: Organisation, now: dt.datetime | None = None) -> list[dict]:
    """The events by which the enterprise meets the criterion (kept with the entry)."""
    if not criterion.event_kinds:
        return []
    now = now or timezone.now()
    events = CreditEvent.objects.filter(
        enterprise=enterprise,
        kind__in=criterion.event_kinds,
        occurred_at__gte=now - dt.timedelta(days=criterion.within_days),
    ).order_by("occurred_at")
    return [{"kind": e.kind, "source": e.source, "occurred_at": e.occurred_at.isoformat()} for e in events]


def candidates(principal: Principal, criterion: ListCriterion) -> list[Organisation]:
    """Enterprises of the jurisdiction that meet the criterion and are not on its list (or proposed for it)."""
    listed = ListEntry.objects.filter(enterprise=OuterRef("pk"), kind=criterion.kind, status__in=OPEN_ENTRY)
    found = meeting(criterion, Organisation.objects.visible_to(principal)).exclude(Exists(listed))
    return list(found.order_by("name")[:100])


def entries(principal: Principal) -> QuerySet:
    return ListEntry.objects.visible_to(principal).select_related("enterprise", "criterion", "proposed_by")


def entry_or_none(principal: Principal, pk: int) -> ListEntry | None:
    return entries(principal).filter(pk=pk).first()


def entries_of(enterprise: Organisation) -> list[ListEntry]:
    return list(ListEntry.objects.filter(enterprise=enterprise).select_related("criterion").prefetch_related("repairs"))


def pending_entries(principal: Principal) -> QuerySet:
    """Entries waiting for a second officer: never the principal's own proposals."""
    return entries(principal).filter(status=EntryStatus.PROPOSED).exclude(proposed_by_id=principal.pk)


def repairs(principal: Principal) -> QuerySet:
    return RepairApplication.objects.visible_to(principal).select_related("entry", "enterprise", "submitted_by")


def repair_or_none(principal: Principal, pk: int) -> RepairApplication | None:
    return repairs(principal).filter(pk=pk).first()


def open_repair(entry: ListEntry) -> RepairApplication | None:
    return entry.repairs.filter(status=RepairStatus.SUBMITTED).first()


def published(kind: str = "") -> QuerySet:
    """What the portal shows: published entries, newest first (no internal reason, no facts)."""
    shown = ListEntry.objects.filter(status=EntryStatus.PUBLISHED).select_related("enterprise", "criterion")
    return shown.filter(kind=kind) if kind else shown


def public_entry_or_none(pk: int) -> ListEntry | None:
    return published().filter(pk=pk).first()


def list_work(user) -> list:
    """List entries and repair applications waiting for this officer."""
    if not user.has_permission(Permission.CREDIT_RECORD_MANAGE):
        return []
    return present(
        group(
            "credit.entries",
            _("待审核的名单认定"),
            pending_entries(user),
            reverse("credit:lists"),
            lambda e: WorkItem(
                title=f"{e.get_kind_display()} · {local(e.enterprise)}",
                url=reverse("credit:entry", args=[e.pk]),
                since=e.created_at,
                detail=e.criterion.name,
            ),
            order=("created_at",),
        ),
        group(
            "credit.repairs",
            _("待审核的信用修复申请"),
            repairs(user).filter(status=RepairStatus.SUBMITTED),
            reverse("credit:lists"),
            lambda r: WorkItem(
                title=f"{r.reference} · {local(r.enterprise)}",
                url=reverse("credit:entry", args=[r.entry_id]),
                since=r.created_at,
            ),
            order=("created_at",),
        ),
    )


def list_section(user, org) -> dict | None:
    """The lists an enterprise is or was on, for its organisation page."""
    if org.kind != OrganisationKind.ENTERPRISE or not user.has_permission(Permission.CREDIT_RECORD_VIEW):
        return None
    if not Organisation.objects.visible_to(user).filter(pk=org.pk).exists():
        return None
    found = entries_of(org)
    return {"org": org, "entries": found} if found else None
