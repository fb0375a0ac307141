"""Reads of technical trade measures: the registry (every reader), a notification's impact on exporters — the
enterprises whose export declarations of the last year fall under its HS codes, with their volume, from the
screening decisions in the reader's jurisdiction — the alerts (an enterprise: its own) and the comments (each
organisation its own; authorities those of their jurisdiction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core.access import pk_or_404, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.work import WorkGroup, WorkItem, group, present
from riskgate.targeting.models import ScreeningDecision

from .models import Alert, Comment, CommentStatus, Notification, Status

IMPACT_DAYS = 365


def notifications(principal: Principal) -> QuerySet[Notification]:
    require(principal, Permission.TBT_NOTIFICATION_VIEW)
    return Notification.objects.all()


def notification_or_404(principal: Principal, pk: int) -> Notification:
    return pk_or_404(notifications(principal), pk)


def by_symbols(symbols: list[str]) -> dict[str, Notification]:
    return {n.symbol: n for n in Notification.objects.filter(symbol__in=symbols)}


@dataclass
class Exporter:
    enterprise: Organisation
    declarations: int
    value: Decimal
    headings: list[str]


def impact(principal: Principal, notification: Notification, *, days: int = IMPACT_DAYS) -> list[Exporter]:
    """The exporters a notification concerns: enterprises named on export declaration items of the last `days`
    whose HS code begins with one of the notification's codes, most exported value first."""
    prefixes = [str(code) for code in notification.hs_codes or () if str(code).isdigit()]
    if not prefixes:
        return []
    since = timezone.now() - dt.timedelta(days=days)
    codes = Q()
    for prefix in prefixes:
        codes |= Q(item__hs_code__startswith=prefix)
    items = (
        ScreeningDecision.objects.visible_to(principal)
        .filter(codes, screened_at__gte=since, item__direction="export")
        .values_list("item", flat=True)
    )
    totals: dict[str, list] = {}
    for item in items.iterator(chunk_size=2000):
        heading = str(item.get("hs_code", ""))[:4]
        for identifier in item.get("enterprise_ids") or ():
            entry = totals.setdefault(str(identifier), [0, Decimal(0), set()])
            entry[0] += 1
            entry[1] += Decimal(str(item.get("value") or 0))
            entry[2].add(heading)
    if not totals:
        return []
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True).filter(
        Q(customs_code__in=list(totals)) | Q(uscc__in=list(totals))
    )
    found: dict[int, Exporter] = {}
    for enterprise in enterprises:
        for identifier in (enterprise.customs_code, enterprise.uscc):
            if identifier in totals:
                count, value, headings = totals[identifier]
                row = found.setdefault(enterprise.pk, Exporter(enterprise, 0, Decimal(0), []))
                row.declarations += count
                row.value += value
                row.headings = sorted(set(row.headings) | headings)
    return sorted(found.values(), key=lambda e: (-e.value, e.enterprise.name))


def alerts(principal: Principal) -> QuerySet[Alert]:
    require(principal, Permission.TBT_NOTIFICATION_VIEW)
    return Alert.objects.visible_to(principal).select_related("notification", "enterprise")


def alerts_of(principal: Principal, notification: Notification) -> QuerySet[Alert]:
    return alerts(principal).filter(notification=notification)


def comments_of(principal: Principal, notification: Notification) -> QuerySet[Comment]:
    """The comments on a notification the principal may read: its organisation's, and (authorities) those of the
    organisations of its jurisdiction."""
    require(principal, Permission.TBT_NOTIFICATION_VIEW)
    return (
        Comment.objects.visible_to(principal).filter(notification=notification).select_related("organisation", "author")
    )


def comment_or_404(principal: Principal, pk: int) -> Comment:
    return pk_or_404(Comment.objects.visible_to(principal).select_related("notification"), pk)


def concerning(principal: Principal) -> QuerySet[Notification]:
    """For an enterprise: the notifications it was alerted to."""
    return notifications(principal).filter(alerts__enterprise=principal.organisation).distinct()


def _end_of(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def pending_work(user) -> list[WorkGroup]:
    """Enterprises: the notifications they were alerted to that are still open for comments and that their
    organisation has not yet commented on."""
    if not user.has_permission(Permission.TBT_COMMENT_WRITE) or user.organisation_id is None:
        return []
    if user.has_permission(Permission.TBT_NOTIFICATION_MANAGE):
        return []  # authorities comment from the registry; the queue is the exporters'
    today = timezone.localdate()
    rows = (
        Notification.objects.filter(alerts__enterprise=user.organisation_id, status=Status.OPEN)
        .filter(Q(comment_deadline__isnull=True) | Q(comment_deadline__gte=today))
        .exclude(comments__organisation=user.organisation_id, comments__status=CommentStatus.RECORDED)
        .distinct()
    )

    def item(notification):
        return WorkItem(
            title=f"{notification.symbol} · {notification.title}",
            url=notification.get_absolute_url(),
            due=_end_of(notification.comment_deadline),
            detail=notification.get_kind_display(),
        )

    waiting = group(
        "tbt.comments",
        gettext_lazy("可评议的技术性贸易措施通报"),
        rows,
        reverse("tbt:list") + "?mine=1",
        item,
        order=("comment_deadline", "pk"),
    )
    return present(waiting)
