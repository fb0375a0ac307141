"""Time limits of assessments (Art.15): reminders before the due date, escalation once it has passed."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from riskgate.core import audit
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission

from .models import OPEN_STATUSES, Assessment, DueDateRule


def remind_and_escalate(now: dt.datetime | None = None) -> dict[str, int]:
    """Remind the assignee of every open assessment whose due date is near, and escalate every overdue one to the
    requesting organisation and the one above it. Each happens once per due date: a granted extension re-arms them,
    and running the job again does nothing new."""
    now = now or timezone.now()
    rules = {(r.urgency, r.hazard_type): r.remind_hours for r in DueDateRule.objects.all()}
    reminded = escalated = 0
    open_ = Assessment.objects.filter(status__in=OPEN_STATUSES).select_related(
        "organisation__parent", "lead__organisation"
    )
    for assessment in open_.filter(reminded_at=None, due_at__gt=now).iterator():
        hours = rules.get((assessment.urgency, assessment.hazard_type), rules.get((assessment.urgency, ""), 24))
        if assessment.due_at - dt.timedelta(hours=hours) <= now:
            with transaction.atomic():
                if Assessment.objects.filter(pk=assessment.pk, reminded_at=None).update(reminded_at=now):
                    audit.record(actor=None, action="assessment.reminded", obj=assessment)
                    reminded += 1
                    _notify(assessment, assessment.lead.organisation, "assessment.due_soon", now)
    for assessment in open_.filter(escalated_at=None, due_at__lte=now).iterator():
        with transaction.atomic():
            if Assessment.objects.filter(pk=assessment.pk, escalated_at=None).update(escalated_at=now):
                audit.record(
                    actor=None,
                    action="assessment.escalated",
                    obj=assessment,
                    changes=audit.facts(due_at=assessment.due_at),
                )
                escalated += 1
                for organisation in {assessment.organisation, assessment.organisation.parent} - {None}:
                    _notify(assessment, organisation, "assessment.overdue", now)
                _notify(assessment, assessment.lead.organisation, "assessment.overdue", now)
    return {"reminded": reminded, "escalated": escalated}


def _notify(assessment: Assessment, organisation, kind: str, now: dt.datetime) -> None:
    if kind == "assessment.due_soon":
        title = gettext_lazy("研判即将到期（%(due)s）：%(title)s")
    else:
        title = gettext_lazy("研判已超过完成时限（%(due)s）：%(title)s")
    due = timezone.localtime(assessment.due_at).strftime("%Y-%m-%d %H:%M")
    notify_organisation(
        organisation=organisation,
        permission=Permission.ASSESSMENT_VIEW,
        about=assessment,
        kind=kind,
        title=in_both(lambda: title % {"due": due, "title": assessment.title[:100]}),
        link=reverse("assessment:detail", kwargs={"pk": assessment.pk}),
        object_key=f"{assessment.pk}:{assessment.due_at.isoformat()}",
    )
