"""Reads of assessments shared by the pages, the API and the other apps (always scoped to the principal)."""

from django.db.models import Count, QuerySet
from django.utils import timezone

from riskgate.core.permissions import Permission

from .models import OPEN_STATUSES, Assessment, Status, Vote

RECENT = 10


def visible(principal) -> QuerySet[Assessment]:
    """Assessments the principal may read: the requester's jurisdiction for authorities, own assignments for
    assessors and experts (ScopeMode.ASSIGNED)."""
    if not principal.has_permission(Permission.ASSESSMENT_VIEW):
        return Assessment.objects.none()
    return Assessment.objects.visible_to(principal)


def work_panel(user) -> dict | None:
    """The home page's panel: assessments in scope by stage, the overdue ones, and what waits for this user."""
    if not user.has_permission(Permission.ASSESSMENT_VIEW):
        return None
    mine = visible(user)
    shown = [*OPEN_STATUSES, Status.SUBMITTED]
    counts = dict(mine.filter(status__in=shown).values_list("status").annotate(n=Count("id")))
    waiting = mine.none()
    if user.has_permission(Permission.ASSESSMENT_REQUEST):
        waiting = mine.filter(status=Status.SUBMITTED)
    if user.has_permission(Permission.ASSESSMENT_VOTE):
        waiting = waiting | mine.filter(status=Status.PANEL_REVIEW, panel__expert__user=user, panel__vote=Vote.PENDING)
    return {
        "counts": [{"status": s, "label": Status(s).label, "n": counts.get(s, 0)} for s in shown],
        "overdue": mine.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now()).count(),
        "waiting": waiting.distinct().order_by("due_at")[:RECENT],
    }
