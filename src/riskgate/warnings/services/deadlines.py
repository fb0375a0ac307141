"""Publication time limits (R-WRN-3): a confirmed assessment's warning must be published within the limit of its
level; past it, the requesting organisation and the one above it are told, once."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.assessment.models import Assessment
from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core import audit
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission

from ..models import PublicationLimit, Status


def overdue_publications(now: dt.datetime | None = None) -> list[Assessment]:
    """Confirmed assessments (the version in force) whose warning is not published within its level's limit."""
    now = now or timezone.now()
    limits = dict(PublicationLimit.objects.values_list("level", "hours"))
    published = [Status.PUBLISHED, Status.SUPERSEDED, Status.LIFTED]
    candidates = (
        Assessment.objects.filter(status=AssessmentStatus.CONFIRMED)
        .exclude(warnings__status__in=published)
        .select_related("organisation__parent")
    )
    return [
        a
        for a in candidates
        if a.confirmed_level in limits and a.confirmed_at + dt.timedelta(hours=limits[a.confirmed_level]) < now
    ]


def escalate_unpublished(now: dt.datetime | None = None) -> int:
    """Tell the requester and the organisation above about each overdue publication; once per assessment."""
    sent = 0
    for assessment in overdue_publications(now):
        title = in_both(lambda assessment=assessment: _("预警发布超时：%s") % assessment.title[:100])
        link = reverse("warnings:manage_list")
        told = False
        for organisation in {assessment.organisation, assessment.organisation.parent} - {None}:
            told |= notify_organisation(
                organisation=organisation,
                permission=Permission.WARNING_DRAFT,
                about=assessment,
                kind="warning.publication_overdue",
                title=title,
                link=link,
                object_key=str(assessment.pk),
            )
        if told:
            audit.record(actor=None, action="warning.publication_overdue", obj=assessment)
            sent += 1
    return sent
