"""Requesting an assessment (Art.14): the due date by rule, the assignee checked, the items it covers."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, User
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person, recorded
from riskgate.core.scoping import ScopeMode
from riskgate.intake import services as intake
from riskgate.intake.linking import visible_case_or_none
from riskgate.intake.models import ASSESSABLE_STATUSES, RiskCase, RiskInformation
from riskgate.intake.models import TRANSITIONS as INTAKE_TRANSITIONS
from riskgate.intake.models import Status as InfoStatus

from ..models import (
    Assessment,
    AssigneeKind,
    BodyKind,
    DueDateChange,
    DueDateRule,
    RegisteredBody,
    Status,
    Step,
)
from .common import _notify_on_commit, sync_participants

# ----- request and assignment (Art.14) ----------------------------------------------------------------------


def due_rule(urgency: str, hazard_type: str) -> DueDateRule:
    rule = (
        DueDateRule.objects.filter(urgency=urgency, hazard_type=hazard_type).first()
        or DueDateRule.objects.filter(urgency=urgency, hazard_type="").first()
    )
    if rule is None:
        raise field_error("urgency", _("没有该紧急程度的研判时限规则，请在管理后台设置。"))
    return rule


def _check_assignee(kind: str, institution: Organisation | None, lead: User, members: list[User]) -> None:
    if not lead.is_active or not lead.has_permission(Permission.ASSESSMENT_CONDUCT):
        raise field_error("lead", _("牵头评估人须为具有研判权限的在岗人员。"))
    if kind == AssigneeKind.INSTITUTION:
        body = RegisteredBody.objects.filter(organisation=institution, kind=BodyKind.TECHNICAL_INSTITUTION).first()
        if institution is None or body is None or not body.usable:
            raise field_error("institution", _("请选择已登记且在有效期内的风险评估技术机构。"))
        if lead.organisation is None or not lead.organisation.is_within(institution):
            raise field_error("lead", _("牵头评估人须属于所指定的技术机构。"))
    elif kind == AssigneeKind.WORKING_GROUP:
        if not members:
            raise field_error("members", _("专门工作组须列明成员。"))
        outsiders = [
            str(m)
            for m in members
            if not m.is_active
            or not (m.has_permission(Permission.ASSESSMENT_CONDUCT) or m.has_permission(Permission.ASSESSMENT_VOTE))
        ]
        if outsiders:
            raise field_error("members", _("以下人员不能参加研判：%s") % "、".join(outsiders))
    else:
        raise field_error("assignee_kind", _("请选择承担方式。"))


@transaction.atomic
def request_assessment(
    principal: Principal,
    *,
    title: str,
    hazard_type: str,
    assignee_kind: str,
    lead: User,
    information_ids: list[int] = (),
    case: RiskCase | None = None,
    question: str = "",
    urgency: str = "normal",
    institution: Organisation | None = None,
    group_name: str = "",
    members: list[User] = (),
) -> Assessment:
    """The warning office or a bureau asks a technical institution or a working group to assess a risk."""
    require(principal, Permission.ASSESSMENT_REQUEST)
    if person(principal) is None or principal.scope_mode == ScopeMode.ASSIGNED or principal.organisation is None:
        raise PermissionDenied  # decisions on assessments are taken by accountable officers, not system clients
    ids, members = {int(i) for i in information_ids}, list(members)
    title = (title or "").strip()
    if not title:
        raise field_error("title", _("请填写研判事项。"))
    own = RiskInformation.objects.visible_to(principal, shared=False)
    if case is not None:
        if visible_case_or_none(principal, case.pk) is None:
            raise field_error("case", _("风险案件不存在或不在您的辖区内。"))
        ids |= set(own.filter(case=case).values_list("pk", flat=True))
    if not ids:
        raise field_error("information", _("请至少选择一条风险信息或一个风险案件。"))
    found = list(own.filter(pk__in=ids))
    if len(found) != len(ids):
        raise field_error("information", _("部分风险信息不存在或不在您的辖区内。"))
    not_verified = [i.reference for i in found if i.status not in ASSESSABLE_STATUSES]
    if not_verified:
        raise field_error("information", _("以下风险信息尚未核实，不能提请研判：%s") % "、".join(not_verified))
    _check_assignee(assignee_kind, institution, lead, members)
    rule = due_rule(urgency, hazard_type)
    now = timezone.now()
    assessment = Assessment(
        title=title[:500],
        question=question,
        case=case,
        organisation=principal.organisation,
        requested_by=recorded(principal),
        requested_at=now,
        urgency=urgency,
        hazard_type=hazard_type,
        assignee_kind=assignee_kind,
        institution=institution if assignee_kind == AssigneeKind.INSTITUTION else None,
        group_name=group_name if assignee_kind == AssigneeKind.WORKING_GROUP else "",
        lead=lead,
        due_at=now + dt.timedelta(hours=rule.hours),
    )
    assessment.full_clean(exclude=["lineage", "supersedes"])
    assessment.save()
    assessment.start_lineage()
    assessment.information.set(found)
    assessment.members.set(members)
    sync_participants(assessment)
    DueDateChange.objects.create(
        assessment=assessment,
        kind=DueDateChange.Kind.INITIAL,
        due_at=assessment.due_at,
        reason=str(rule),
        actor=principal,
        at=now,
    )
    Step.objects.create(
        assessment=assessment, action="requested", to_status=Status.REQUESTED, actor=principal, at=now, note=question
    )
    audit.record(
        actor=principal,
        action="assessment.requested",
        obj=assessment,
        changes=audit.facts(
            information=sorted(ids),
            assignee_kind=assignee_kind,
            institution=assessment.institution_id,
            lead=lead.pk,
            members=[m.pk for m in members],
            due_at=assessment.due_at,
        ),
    )

    for info in found:
        if InfoStatus.ASSESSMENT_REQUESTED in INTAKE_TRANSITIONS.get(info.status, set()):
            intake.transition(principal, info, to_status=InfoStatus.ASSESSMENT_REQUESTED, reason=assessment.reference)
    _notify_on_commit(assessment, lead.organisation, "assessment.assigned", lambda: _("新的研判任务：%s") % title[:120])
    return assessment
