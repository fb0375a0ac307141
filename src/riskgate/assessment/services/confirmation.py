"""Confirmation and versions (Art.16): the authority confirms, amends or returns; a re-assessment is a new version."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import User
from riskgate.core import audit
from riskgate.core.access import field_error
from riskgate.core.principal import Principal, recorded

from .. import grading
from ..models import (
    REPORT_FIELDS,
    Assessment,
    DueDateChange,
    Status,
    Step,
)
from .common import _authority, _move, _notify_on_commit, sync_participants
from .report import _recompute
from .requests import _check_assignee, due_rule

# ----- confirmation and versions (Art.16) --------------------------------------------------------------------


CONFIRM, AMEND, RETURN = "confirm", "amend", "return"


@transaction.atomic
def decide(
    principal: Principal,
    assessment: Assessment,
    *,
    decision: str,
    note: str = "",
    level: str = "",
    meeting_on=None,
    meeting_attendees: str = "",
    meeting_conclusion: str = "",
) -> Assessment:
    """The authority confirms the report, confirms it with another level (amends), or returns it for more work;
    optionally after an expert meeting. A confirmed version supersedes the one it re-assesses."""
    assessment = _authority(principal, assessment)
    if assessment.status != Status.SUBMITTED:
        raise field_error("status", _("只有已提交的研判报告可以确认或退回。"))
    note = (note or "").strip()
    if meeting_on and not (meeting_attendees.strip() and meeting_conclusion.strip()):
        raise field_error("meeting_conclusion", _("召开专家会商时请填写出席人员和结论。"))
    assessment.meeting_on = meeting_on
    assessment.meeting_attendees = meeting_attendees.strip()
    assessment.meeting_conclusion = meeting_conclusion.strip()
    if decision == RETURN:
        if not note:
            raise field_error("note", _("退回时请写明需要补充或修改的内容。"))
        assessment.submitted_at = None
        _move(principal, assessment, Status.IN_PROGRESS, "returned", note)
        _notify_on_commit(
            assessment,
            assessment.lead.organisation,
            "assessment.returned",
            lambda: _("研判报告被退回：%s") % assessment.title,
        )
        return assessment
    if decision == AMEND:
        if level not in grading.WarningLevel.values or level == assessment.level:
            raise field_error("level", _("修改时请选择与报告不同的预警等级。"))
        if not note:
            raise field_error("note", _("修改等级时请说明理由。"))
        assessment.confirmed_level, assessment.amended = level, True
    elif decision == CONFIRM:
        assessment.confirmed_level, assessment.amended = assessment.level, False
    else:
        raise field_error("decision", _("未知的确认决定：%s") % decision)
    assessment.confirmation_note = note
    assessment.confirmed_by = recorded(principal)
    assessment.confirmed_at = timezone.now()
    _move(principal, assessment, Status.CONFIRMED, "amended" if decision == AMEND else "confirmed", note)
    if assessment.supersedes_id:
        previous = Assessment.objects.select_for_update().get(pk=assessment.supersedes_id)
        _move(principal, previous, Status.SUPERSEDED, "superseded", assessment.reference)
    return assessment


@transaction.atomic
def reassess(principal: Principal, assessment: Assessment, *, reason: str, lead: User | None = None) -> Assessment:
    """A new version of a confirmed assessment (the risk changed): same request and assignee, the report as a draft
    to revise, a new panel and a new due date. The confirmed version stays as it is until the new one is confirmed."""
    assessment = _authority(principal, assessment)
    reason = (reason or "").strip()
    if assessment.status != Status.CONFIRMED:
        raise field_error("status", _("只能对当前有效的已确认研判重新研判。"))
    if Assessment.objects.filter(supersedes=assessment).exists():
        raise field_error("status", _("该版本已有重新研判的新版本。"))
    if not reason:
        raise field_error("reason", _("请说明重新研判的原因（如风险发生变化）。"))
    lead = lead or assessment.lead
    members = list(assessment.members.all())
    _check_assignee(assessment.assignee_kind, assessment.institution, lead, members)
    rule = due_rule(assessment.urgency, assessment.hazard_type)
    now = timezone.now()
    new = assessment.supersede(
        reassessment_reason=reason,
        title=assessment.title,
        question=assessment.question,
        case=assessment.case,
        organisation=assessment.organisation,
        requested_by=recorded(principal),
        requested_at=now,
        urgency=assessment.urgency,
        hazard_type=assessment.hazard_type,
        assignee_kind=assessment.assignee_kind,
        institution=assessment.institution,
        group_name=assessment.group_name,
        lead=lead,
        due_at=now + dt.timedelta(hours=rule.hours),
        **{name: getattr(assessment, name) for name in REPORT_FIELDS},
    )
    new.save()
    new.information.set(assessment.information.all())
    new.members.set(members)
    for scenario in assessment.scenarios.all():
        scenario.pk = None
        scenario.assessment = new
        scenario.save()
    _recompute(new)
    new.save()
    sync_participants(new)
    DueDateChange.objects.create(
        assessment=new, kind=DueDateChange.Kind.INITIAL, due_at=new.due_at, reason=str(rule), actor=principal, at=now
    )
    Step.objects.create(assessment=new, action="reassessment_requested", to_status=Status.REQUESTED, actor=principal)
    audit.record(
        actor=principal,
        action="assessment.reassessment_requested",
        obj=new,
        reason=reason,
        changes=audit.facts(supersedes=assessment.pk, version=new.version),
    )
    _notify_on_commit(new, lead.organisation, "assessment.assigned", lambda: _("重新研判任务：%s") % new.title[:120])
    return new
