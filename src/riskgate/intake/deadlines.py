"""Time limits of the intake workflow: which items are overdue, and the scheduled escalation of them."""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from riskgate.accounts.models import Organisation
from riskgate.core import audit
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission

from .models import RiskInformation, Status, TimeLimit

# What happens next to a report in each status, as the reporter reads it on the status page (issue 26).
NEXT_STEP = {
    Status.RECEIVED: gettext_lazy("受理机构将开始核实。"),
    Status.UNDER_VERIFICATION: gettext_lazy("受理机构正在核实，核实后决定是否采纳。"),
    Status.VERIFIED: gettext_lazy("已核实，将报告预警办公室或提请风险研判。"),
    Status.REPORTED: gettext_lazy("预警办公室将决定是否提请风险研判。"),
    Status.ASSESSMENT_REQUESTED: gettext_lazy("正在进行风险研判，研判结论将决定是否发布预警或采取措施。"),
    Status.REJECTED: gettext_lazy("经核实未予采纳，办理结束。"),
    Status.MERGED: gettext_lazy("已与同一风险的其他报告合并办理。"),
    Status.CLOSED: gettext_lazy("办理结束。"),
}


def next_step(info: RiskInformation) -> dict:
    """What happens next to the report and by when (its status's time limit, when the status has one)."""
    hours = limits().get((info.status, info.urgency))
    due = info.status_since + dt.timedelta(hours=hours) if hours is not None else None
    return {"text": NEXT_STEP.get(info.status, ""), "due": due}


def limits() -> dict[tuple[str, str], int]:
    return {(t.status, t.urgency): t.hours for t in TimeLimit.objects.all()}


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Items that have stayed in their status longer than its time limit."""
    now = now or timezone.now()
    q = Q(pk__in=[])
    for (status, urgency), hours in limits().items():
        q |= Q(status=status, urgency=urgency, status_since__lt=now - dt.timedelta(hours=hours))
    return q


def mark_overdue(items, now: dt.datetime | None = None) -> None:
    """Set `overdue` on each item of a page (for highlighting), from one read of the limits."""
    now = now or timezone.now()
    table = limits()
    for item in items:
        hours = table.get((item.status, item.urgency))
        item.overdue = hours is not None and item.status_since < now - dt.timedelta(hours=hours)


def escalation_target(info_org: Organisation) -> Organisation | None:
    """Overdue items are escalated to the organisation above the responsible one (the top one to itself)."""
    return info_org.parent or info_org


def escalate_overdue(now: dt.datetime | None = None) -> dict[str, int]:
    """Escalate every overdue item once per status: one digest notification per organisation above.

    Running it again escalates nothing new (items remember the status they were escalated in)."""
    now = now or timezone.now()
    due: QuerySet[RiskInformation] = (
        RiskInformation.objects.filter(overdue_q(now))
        .exclude(escalated_status=F("status"))
        .select_related("organisation__parent")
    )
    per_target: Counter[int] = Counter()
    with transaction.atomic():
        for info in due.iterator(chunk_size=2000):
            target = escalation_target(info.organisation)
            if target is not None:
                per_target[target.pk] += 1
        escalated = due.update(escalated_status=F("status"))
        if escalated:
            audit.record(
                actor=None,
                action="intake.escalated",
                object_type="intake.riskinformation",
                changes=audit.facts(count=escalated),
            )
    day = timezone.localdate(now).isoformat()
    for org_id, count in per_target.items():
        org = Organisation.objects.get(pk=org_id)
        notify_organisation(
            organisation=org,
            permission=Permission.INTAKE_INFORMATION_PROCESS,
            kind="intake.overdue",
            title=in_both(lambda count=count: _("%(n)d 条风险信息超过处理时限") % {"n": count}),
            link=reverse("intake:list") + "?overdue=on",
            object_key=f"{day}:{now:%H%M%S}",
        )
    return {"escalated": escalated, "organisations": len(per_target)}
