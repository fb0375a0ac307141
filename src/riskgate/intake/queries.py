"""Reads of risk information shared by pages, exports and the API (always scoped to the principal)."""

import datetime as dt

from django.db.models import Count, QuerySet

from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal
from riskgate.core.search import matching
from riskgate.core.vocabulary import Urgency

from .deadlines import overdue_q
from .models import RiskInformation, Status

RECENT = 10

SORTS = {
    "-received": ("-received_at", "-id"),
    "received": ("received_at", "id"),
    "-notified": ("-notified_on", "-id"),
    "notified": ("notified_on", "id"),
    "urgency": ("-urgency", "-received_at"),
}


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
    sort: str | None = None,
) -> QuerySet[RiskInformation]:
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
    return items.order_by(*SORTS.get(sort or "", SORTS["-received"]))


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
