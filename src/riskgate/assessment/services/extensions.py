"""Time limits (Art.15): an assessor asks for more time, the authority decides."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error
from riskgate.core.principal import Principal

from ..models import (
    Assessment,
    DueDateChange,
)
from .common import _authority, _conducting, _notify_on_commit

# ----- time limits (Art.15) ---------------------------------------------------------------------------------


@transaction.atomic
def request_extension(
    principal: Principal, assessment: Assessment, *, new_due_at: dt.datetime, reason: str
) -> DueDateChange:
    """An assessor who cannot finish asks the authority for more time, before the due date, with a reason."""
    assessment = _conducting(principal, assessment)
    now = timezone.now()
    reason = (reason or "").strip()
    if now >= assessment.due_at:
        raise field_error("due_at", _("已超过完成时限：延期须在时限届满前申请。"))
    if not reason:
        raise field_error("reason", _("请说明不能按期完成的原因。"))
    if new_due_at <= assessment.due_at:
        raise field_error("new_due_at", _("申请的时限须晚于当前时限。"))
    if assessment.due_dates.filter(kind=DueDateChange.Kind.EXTENSION_REQUESTED, decided=False).exists():
        raise field_error("new_due_at", _("已有待审批的延期申请。"))
    change = DueDateChange.objects.create(
        assessment=assessment,
        kind=DueDateChange.Kind.EXTENSION_REQUESTED,
        due_at=assessment.due_at,
        requested_due_at=new_due_at,
        reason=reason,
        actor=principal,
        at=now,
    )
    audit.record(
        actor=principal,
        action="assessment.extension_requested",
        obj=assessment,
        reason=reason,
        changes=audit.facts(due_at=assessment.due_at, requested=new_due_at),
    )
    _notify_on_commit(
        assessment,
        assessment.organisation,
        "assessment.extension",
        lambda: _("研判延期申请：%s") % assessment.title[:120],
    )
    return change


@transaction.atomic
def decide_extension(principal: Principal, assessment: Assessment, *, grant: bool, note: str = "") -> DueDateChange:
    assessment = _authority(principal, assessment)
    pending = (
        assessment.due_dates.select_for_update()
        .filter(kind=DueDateChange.Kind.EXTENSION_REQUESTED, decided=False)
        .first()
    )
    if pending is None:
        raise field_error("extension", _("没有待审批的延期申请。"))
    note = (note or "").strip()
    if not grant and not note:
        raise field_error("note", _("不准延期时请说明理由。"))
    pending.decided = True
    pending.save(update_fields=["decided"])
    before = assessment.due_at
    if grant:
        assessment.due_at = pending.requested_due_at
        assessment.reminded_at = assessment.escalated_at = None
        assessment.save()
    decision = DueDateChange.objects.create(
        assessment=assessment,
        kind=DueDateChange.Kind.GRANTED if grant else DueDateChange.Kind.REFUSED,
        due_at=assessment.due_at,
        requested_due_at=pending.requested_due_at,
        reason=note,
        actor=principal,
    )
    audit.record(
        actor=principal,
        action="assessment.extension_granted" if grant else "assessment.extension_refused",
        obj=assessment,
        reason=note,
        changes={"due_at": [audit.jsonable(before), audit.jsonable(assessment.due_at)]} if grant else {},
    )
    return decision
