"""Reads of the audit trail and notifications shared by the pages and the API (always scoped to the principal)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import notifications
from .models import AuditEvent, Region
from .permissions import Permission
from .principal import Principal


def audit_events(
    principal: Principal,
    *,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The events the principal may read, filtered; newest first."""
    events = AuditEvent.objects.visible_to(principal)
    if actor:
        events = events.filter(Q(actor__username__icontains=actor) | Q(actor_repr__icontains=actor))
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events


RECENT = 10


def notifications_panel(user) -> dict | None:
    """The home page's panel: the latest notifications for the user's organisation, the same notice (title and
    link) told several times on one line with its count (issue 26: one notice to nine recipients was nine
    lines)."""
    notes = notifications.for_user(user, RECENT * 3)
    return {"notifications": grouped(notes)[:RECENT]} if notes else None


def grouped(notes) -> list:
    """Notifications with the same title and link as one entry (the newest), `times` set to how many."""
    seen: dict[tuple[str, str], object] = {}
    for note in notes:  # newest first
        key = (note.title, note.link)
        if key in seen:
            seen[key].times += 1
        else:
            note.times = 1
            seen[key] = note
    return list(seen.values())


def audit_panel(user) -> dict | None:
    """The home page's panel for auditors: recent events and the failed sign-ins of the last day."""
    if not user.has_permission(Permission.AUDIT_EVENT_VIEW):
        return None
    events = AuditEvent.objects.visible_to(user)
    return {
        "recent_events": events.select_related("actor")[:RECENT],
        "failed_logins_24h": events.filter(
            action__in=["login.failed", "login.locked", "login.throttled"],
            at__gte=timezone.now() - dt.timedelta(hours=24),
        ).count(),
    }


def my_sign_ins(user) -> QuerySet[AuditEvent]:
    """The user's own last sign-ins (shown on the home page's account panel)."""
    return AuditEvent.objects.filter(actor=user, action__startswith="login.").order_by("-seq")[:5]


def regions() -> QuerySet[Region]:
    """The administrative regions (public reference data)."""
    return Region.objects.all()
