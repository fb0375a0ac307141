"""Reads of the audit trail shared by the pages and the API (always scoped to the principal)."""

import datetime as dt

from django.db.models import Q, QuerySet

from .models import AuditEvent


def audit_events(
    principal,
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
