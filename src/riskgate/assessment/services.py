"""All writes of risk assessment: each checks the actor's permission and part in the assessment, validates, saves
and audits in one transaction (Art.14–17). Views and the API call only these."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, User
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.jobs import enqueue_on_commit
from riskgate.core.notifications import notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person
from riskgate.intake import services as intake
from riskgate.intake.evidence import check, sha256_of
from riskgate.intake.linking import visible_case_or_none
from riskgate.intake.models import ASSESSABLE_STATUSES, RiskCase, RiskInformation
from riskgate.intake.models import TRANSITIONS as INTAKE_TRANSITIONS
from riskgate.intake.models import Status as InfoStatus

from . import grading, risk
from .models import (
    COMPUTED_FIELDS,
    OPEN_STATUSES,
    REPORT_FIELDS,
    Assessment,
    AssigneeKind,
    BodyKind,
    ConflictDeclaration,
    DueDateChange,
    DueDateRule,
    Expert,
    Finding,
    GradingPolicy,
    LabResult,
    LabTask,
    LimitKind,
    PanelSeat,
    RegisteredBody,
    RiskMethod,
    Scenario,
    Status,
    Step,
    Vote,
)

# ----- who may do what ---------------------------------------------------------------------------------------


def is_participant(principal: Principal, assessment: Assessment) -> bool:
    user = person(principal)
    return user is not None and assessment.participants.filter(pk=user.pk).exists()


def is_authority(principal: Principal, assessment: Assessment) -> bool:
    """The requesting organisation or one above it (by the principal's jurisdiction), with the request permission."""
    if not principal.has_permission(Permission.ASSESSMENT_REQUEST):
        return False
    if principal.scope_mode == "assigned":
        return False
    return Assessment.objects.visible_to(principal).filter(pk=assessment.pk).exists()


def _conducting(principal: Principal, assessment: Assessment) -> Assessment:
    """The assessment locked for an assessor's change: the principal conducts it and it is still open."""
    require(principal, Permission.ASSESSMENT_CONDUCT)
    if not is_participant(principal, assessment):
        raise PermissionDenied
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status not in OPEN_STATUSES:
        raise field_error("status", _("研判已提交或已确认，不能再修改。"))
    return locked


def _authority(principal: Principal, assessment: Assessment) -> Assessment:
    if person(principal) is None or not is_authority(principal, assessment):
        raise PermissionDenied
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def _move(principal: Principal, assessment: Assessment, to_status: str, action: str, note: str = "") -> None:
    before = assessment.status
    assessment.status = to_status
    assessment.save()
    Step.objects.create(
        assessment=assessment,
        action=action,
        from_status=before,
        to_status=to_status,
        actor=person(principal),
        note=note,
        at=timezone.now(),
    )
    audit.record(
        actor=principal,
        action=f"assessment.{action}",
        obj=assessment,
        reason=note,
        changes={"status": [before, to_status]} if before != to_status else {},
    )


def sync_participants(assessment: Assessment) -> None:
    """Who may read the assessment as an assignee: the lead, the working group and the seated experts."""
    users = {assessment.lead_id, *assessment.members.values_list("pk", flat=True)}
    users |= set(assessment.panel.exclude(expert__user=None).values_list("expert__user_id", flat=True))
    assessment.participants.set(sorted(users))


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
    if person(principal) is None or principal.scope_mode == "assigned" or principal.organisation is None:
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
        requested_by=principal,
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
    _notify_on_commit(assessment, lead.organisation, "assessment.assigned", _("新的研判任务：%s") % title[:120])
    return assessment


# ----- the panel (R-ASM-1): conflicts of interest, seats ----------------------------------------------------


@transaction.atomic
def start(principal: Principal, assessment: Assessment) -> Assessment:
    assessment = _conducting(principal, assessment)
    if assessment.status != Status.REQUESTED:
        raise field_error("status", _("研判已经受理。"))
    _move(principal, assessment, Status.IN_PROGRESS, "started")
    return assessment


@transaction.atomic
def declare_conflict(
    principal: Principal, assessment: Assessment, expert: Expert, *, has_conflict: bool, details: str = ""
):
    """Record an expert's declaration for this assessment, as the expert made it to the assessor."""
    locked = _conducting(principal, assessment)
    details = (details or "").strip()
    if has_conflict and not details:
        raise field_error("details", _("存在利益冲突时请说明其性质。"))
    declaration, created = ConflictDeclaration.objects.update_or_create(
        assessment=locked,
        expert=expert,
        defaults={
            "has_conflict": has_conflict,
            "details": details,
            "declared_at": timezone.now(),
            "recorded_by": principal,
        },
    )
    if has_conflict:
        PanelSeat.objects.filter(assessment=locked, expert=expert).delete()
        sync_participants(locked)
    audit.record(
        actor=principal,
        action="assessment.conflict_declared",
        obj=locked,
        changes=audit.facts(expert=expert.pk, has_conflict=has_conflict, details=details),
    )
    return declaration


class ConflictOfInterest(ValidationError):
    """The refusal of a seat to an expert who declared a conflict (audited by seat_expert)."""


def seat_expert(principal: Principal, assessment: Assessment, expert: Expert, *, chair: bool = False) -> PanelSeat:
    """Seat an expert on the panel; an expert who declared a conflict, or has not declared, cannot be seated.
    A refusal for a conflict of interest is itself audited (outside the refused change's transaction)."""
    try:
        return _seat(principal, assessment, expert, chair)
    except ConflictOfInterest:
        audit.record(
            actor=principal,
            action="assessment.seat_refused",
            obj=assessment,
            changes=audit.facts(expert=expert.pk, reason="conflict of interest"),
        )
        raise


@transaction.atomic
def _seat(principal: Principal, assessment: Assessment, expert: Expert, chair: bool) -> PanelSeat:
    assessment = _conducting(principal, assessment)
    if assessment.status == Status.PANEL_REVIEW:
        raise field_error("status", _("专家组审议期间不能调整成员。"))
    if not expert.active:
        raise field_error("expert", _("该专家已不在专家库中。"))
    declaration = ConflictDeclaration.objects.filter(assessment=assessment, expert=expert).first()
    if declaration is None:
        raise field_error("expert", _("%s 尚未就本次研判作利益冲突声明，不能入组。") % expert.name)
    if declaration.has_conflict:
        raise ConflictOfInterest({"expert": [_("%s 已声明与本次研判存在利益冲突，不能入组。") % expert.name]})
    if expert.user is None or not expert.user.is_active or not expert.user.has_permission(Permission.ASSESSMENT_VOTE):
        raise field_error("expert", _("%s 没有可表态的专家账号，不能入组。") % expert.name)
    if PanelSeat.objects.filter(assessment=assessment, expert=expert).exists():
        raise field_error("expert", _("%s 已在专家组中。") % expert.name)
    if chair:
        assessment.panel.update(chair=False)
    seat = PanelSeat.objects.create(assessment=assessment, expert=expert, chair=chair)
    sync_participants(assessment)
    audit.record(
        actor=principal, action="assessment.expert_seated", obj=assessment, changes=audit.facts(expert=expert.pk)
    )
    return seat


@transaction.atomic
def unseat_expert(principal: Principal, assessment: Assessment, expert: Expert) -> None:
    assessment = _conducting(principal, assessment)
    if assessment.status == Status.PANEL_REVIEW:
        raise field_error("status", _("专家组审议期间不能调整成员。"))
    deleted, _rows = PanelSeat.objects.filter(assessment=assessment, expert=expert).delete()
    if deleted:
        sync_participants(assessment)
        audit.record(
            actor=principal, action="assessment.expert_unseated", obj=assessment, changes=audit.facts(expert=expert.pk)
        )


# ----- investigation and laboratory verification ------------------------------------------------------------


def store_upload(field_file, upload) -> tuple[str, str]:
    """Keep an uploaded file checked by its content (intake's rules: images, PDF, MP4, size limit) under a random
    name; returns its original name and SHA-256. Files are served only through the scoped, audited views."""
    import uuid

    kind = check(upload)
    digest = sha256_of(upload)
    field_file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
    return upload.name[:200], digest


@transaction.atomic
def add_finding(
    principal, assessment: Assessment, *, kind: str, summary: str, occurred_on=None, place: str = "", file=None
):
    """A finding, piece of evidence or site visit, optionally with a file (photo, scanned record, video)."""
    assessment = _conducting(principal, assessment)
    finding = Finding(
        assessment=assessment, kind=kind, summary=summary, occurred_on=occurred_on, place=place, author=principal
    )
    finding.full_clean()
    if file is not None:
        finding.file_name, finding.file_sha256 = store_upload(finding.file, file)
    finding.save()
    audit.record(
        actor=principal,
        action="assessment.finding_added",
        obj=assessment,
        changes=audit.facts(kind=kind, file=finding.file_name, sha256=finding.file_sha256),
    )
    return finding


def _laboratory_ok(organisation: Organisation) -> bool:
    body = RegisteredBody.objects.filter(organisation=organisation, kind=BodyKind.VERIFICATION_LABORATORY).first()
    return body is not None and body.usable


@transaction.atomic
def add_lab_task(
    principal, assessment: Assessment, *, laboratory: Organisation, samples: str, test_items: str, method: str
) -> LabTask:
    """Order laboratory verification from a registered laboratory (accepted third-party laboratories included)."""
    assessment = _conducting(principal, assessment)
    if not _laboratory_ok(laboratory):
        raise field_error("laboratory", _("请选择已登记、已认可且在有效期内的验证实验室。"))
    task = LabTask(
        assessment=assessment,
        laboratory=laboratory,
        samples=samples,
        test_items=test_items,
        method=method,
        created_by=principal,
    )
    task.full_clean()
    task.save()
    audit.record(
        actor=principal,
        action="assessment.lab_task_added",
        obj=assessment,
        changes=audit.facts(laboratory=laboratory.pk, test_items=test_items),
    )
    return task


def passes(value, limit, limit_kind: str) -> bool:
    return value <= limit if limit_kind == LimitKind.MAXIMUM else value >= limit


@transaction.atomic
def record_lab_results(
    principal: Principal, task: LabTask, *, results: list[dict], report_number: str, report_file=None
):
    """The laboratory's results: each item's value, unit and limit; pass or fail is computed, never typed."""
    _conducting(principal, task.assessment)
    task = LabTask.objects.select_for_update().get(pk=task.pk)
    if task.completed_at:
        raise field_error("results", _("该任务的结果已经录入。"))
    if not results:
        raise field_error("results", _("请至少录入一项检测结果。"))
    if not (report_number or "").strip():
        raise field_error("report_number", _("请填写检测报告编号。"))
    rows = []
    for number, r in enumerate(results, start=1):
        row = LabResult(
            task=task,
            item=r.get("item", ""),
            value=r.get("value"),
            unit=r.get("unit", ""),
            limit=r.get("limit"),
            limit_kind=r.get("limit_kind", LimitKind.MAXIMUM),
            passed=False,
        )
        try:
            row.full_clean(exclude=["task", "passed"])
        except ValidationError as exc:
            raise ValidationError({f"results[{number}].{k}": v for k, v in exc.message_dict.items()}) from exc
        row.passed = passes(row.value, row.limit, row.limit_kind)
        rows.append(row)
    LabResult.objects.bulk_create(rows)
    task.report_number = report_number.strip()
    if report_file is not None:
        task.report_name, task.report_sha256 = store_upload(task.report_file, report_file)
    task.completed_at = timezone.now()
    task.save()
    audit.record(
        actor=principal,
        action="assessment.lab_results_recorded",
        obj=task.assessment,
        changes=audit.facts(
            task=task.pk,
            report_number=task.report_number,
            failed=sum(not r.passed for r in rows),
            file_sha256=task.report_sha256,
        ),
    )
    return rows


# ----- estimation, proposal and the report (Art.3, Art.15, R-WRN-1) ----------------------------------------


def parse_steps(steps: list[dict]) -> list[risk.Step]:
    parsed = []
    for number, step in enumerate(steps, start=1):
        try:
            parsed.append(risk.Step(str(step.get("description", "")).strip(), step.get("probability")))
        except (ValueError, TypeError, ZeroDivisionError) as exc:
            raise field_error(f"steps[{number}]", _("概率应为 0 到 1 之间的分数或小数，如 1/50：%s") % exc) from exc
    return parsed


@transaction.atomic
def add_scenario(
    principal: Principal, assessment: Assessment, *, description: str, severity: int, steps: list[dict], group=""
):
    assessment = _conducting(principal, assessment)
    parsed = parse_steps(steps)
    try:
        scenario = risk.Scenario(description, int(severity), parsed, group or risk.VulnerableGroup.GENERAL)
    except (ValueError, TypeError) as exc:
        raise field_error("scenario", str(exc)) from exc
    row = Scenario(
        assessment=assessment,
        description=description,
        severity=scenario.severity,
        vulnerable_group=scenario.vulnerable_group,
        steps=[{"description": s.description, "probability": str(s.probability)} for s in parsed],
        probability=str(scenario.probability),
        level=scenario.level,
    )
    row.full_clean()
    row.save()
    audit.record(
        actor=principal,
        action="assessment.scenario_added",
        obj=assessment,
        changes=audit.facts(severity=row.severity, probability=row.probability, level=row.level),
    )
    return row


@transaction.atomic
def remove_scenario(principal: Principal, assessment: Assessment, scenario_id: int) -> None:
    assessment = _conducting(principal, assessment)
    deleted, _rows = assessment.scenarios.filter(pk=scenario_id).delete()
    if not deleted:
        raise field_error("scenario", _("该伤害情景不存在。"))
    audit.record(
        actor=principal, action="assessment.scenario_removed", obj=assessment, changes=audit.facts(id=scenario_id)
    )


def current_policy() -> dict:
    stored = GradingPolicy.objects.filter(active=True).order_by("-created_at", "-id").first()
    return stored.body if stored else grading.DEFAULT_POLICY


def estimate(assessment: Assessment) -> str:
    """The risk level from the method: the worst RAPEX scenario, or the qualitative scale; '' when incomplete."""
    if assessment.method == RiskMethod.RAPEX:
        scenarios = [
            risk.Scenario(s.description, s.severity, parse_steps(s.steps), s.vulnerable_group)
            for s in assessment.scenarios.all()
        ]
        return risk.product_risk(scenarios)[0] if scenarios else ""
    if assessment.method == RiskMethod.QUALITATIVE and assessment.likelihood and assessment.impact:
        return risk.qualitative_level(assessment.likelihood, assessment.impact)
    return ""


@transaction.atomic
def save_report(
    principal: Principal, assessment: Assessment, *, data: dict, override_level: str = "", override_reason: str = ""
):
    """Write the report's fields; the risk level and the level proposal are recomputed, an override needs a reason
    and is audited on its own so the confirmer sees it."""
    assessment = _conducting(principal, assessment)
    if assessment.status == Status.PANEL_REVIEW:
        raise field_error("status", _("专家组审议期间不能修改报告；请先撤回修改。"))
    before = audit.snapshot(assessment, REPORT_FIELDS + COMPUTED_FIELDS)
    for name in REPORT_FIELDS:
        if name in data:
            setattr(assessment, name, data[name])
    _recompute(assessment)
    override_level, override_reason = override_level or "", (override_reason or "").strip()
    if override_level and override_level == assessment.proposed_level:
        override_level = ""
    if override_level and not override_reason:
        raise field_error("override_reason", _("调整建议等级须说明理由。"))
    overridden = override_level != assessment.override_level
    assessment.override_level = override_level
    assessment.override_reason = override_reason if override_level else ""
    assessment.full_clean(exclude=["lineage", "supersedes"])
    assessment.save()
    changes = audit.diff(before, audit.snapshot(assessment, REPORT_FIELDS + COMPUTED_FIELDS))
    audit.record(actor=principal, action="assessment.report_saved", obj=assessment, changes=changes)
    if overridden:
        audit.record(
            actor=principal,
            action="assessment.level_overridden",
            obj=assessment,
            reason=assessment.override_reason,
            changes={"level": [assessment.proposed_level, override_level or assessment.proposed_level]},
        )
    return assessment


def _recompute(assessment: Assessment) -> None:
    assessment.risk_level = estimate(assessment)
    if not assessment.risk_level:
        assessment.proposed_level, assessment.proposal = "", {}
        return
    scope = grading.Scope(
        units=assessment.units,
        regions=assessment.regions,
        consumers=assessment.consumers,
        cross_border=assessment.cross_border,
    )
    proposal = grading.propose(current_policy(), assessment.risk_level, assessment.urgency, scope)
    assessment.proposed_level = proposal.level
    assessment.proposal = {"score": proposal.score, "reasons": proposal.reasons, "policy": proposal.policy}


REQUIRED_FOR_PANEL = ["method", "hazard", "residual_risk", "recommended_measures"]


@transaction.atomic
def send_to_panel(principal: Principal, assessment: Assessment) -> Assessment:
    """The draft report goes to the panel: every seated member approves or dissents."""
    assessment = _conducting(principal, assessment)
    if assessment.status != Status.IN_PROGRESS:
        raise field_error("status", _("只有研判中的报告可以提交专家组审议。"))
    _recompute(assessment)
    missing = [
        str(Assessment._meta.get_field(f).verbose_name) for f in REQUIRED_FOR_PANEL if not getattr(assessment, f)
    ]
    if not assessment.risk_level:
        missing.append(_("风险等级（伤害情景或定性分级）"))
    if missing:
        raise field_error("report", _("报告尚不完整：%s") % "、".join(missing))
    if not assessment.panel.exists():
        raise field_error("panel", _("专家组至少需要一名成员。"))
    assessment.panel.update(vote=Vote.PENDING, vote_note="", voted_at=None)
    _move(principal, assessment, Status.PANEL_REVIEW, "sent_to_panel")
    _notify_panel_on_commit(assessment)
    return assessment


@transaction.atomic
def withdraw_from_panel(principal: Principal, assessment: Assessment, note: str = "") -> Assessment:
    assessment = _conducting(principal, assessment)
    if assessment.status != Status.PANEL_REVIEW:
        raise field_error("status", _("报告不在专家组审议中。"))
    assessment.panel.update(vote=Vote.PENDING, vote_note="", voted_at=None)
    _move(principal, assessment, Status.IN_PROGRESS, "withdrawn_from_panel", note)
    return assessment


@transaction.atomic
def vote(principal: Principal, assessment: Assessment, *, approve: bool, note: str = "") -> PanelSeat:
    """A seated expert approves the report or dissents with a note; the note is part of the report."""
    require(principal, Permission.ASSESSMENT_VOTE)
    seat = (
        PanelSeat.objects.select_for_update()
        .filter(assessment=assessment, expert__user_id=getattr(person(principal), "pk", None))
        .first()
    )
    if seat is None:
        raise PermissionDenied
    if Assessment.objects.get(pk=assessment.pk).status != Status.PANEL_REVIEW:
        raise field_error("status", _("报告不在专家组审议中。"))
    note = (note or "").strip()
    if not approve and not note:
        raise field_error("note", _("不同意时请写明意见。"))
    seat.vote = Vote.APPROVE if approve else Vote.DISSENT
    seat.vote_note = note
    seat.voted_at = timezone.now()
    seat.save()
    audit.record(actor=principal, action=f"assessment.panel_{seat.vote}", obj=assessment, reason=note)
    return seat


@transaction.atomic
def submit(principal: Principal, assessment: Assessment) -> Assessment:
    """The report goes to the requesting authority once every panel member has approved or dissented."""
    assessment = _conducting(principal, assessment)
    if assessment.status != Status.PANEL_REVIEW:
        raise field_error("status", _("报告须先经专家组审议。"))
    pending = [str(s.expert) for s in assessment.panel.filter(vote=Vote.PENDING).select_related("expert")]
    if pending:
        raise field_error("panel", _("以下专家尚未表态：%s") % "、".join(pending))
    assessment.submitted_at = timezone.now()
    _move(principal, assessment, Status.SUBMITTED, "submitted")
    _notify_on_commit(
        assessment, assessment.organisation, "assessment.submitted", _("研判报告待确认：%s") % assessment.title[:120]
    )
    return assessment


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
        assessment, assessment.organisation, "assessment.extension", _("研判延期申请：%s") % assessment.title[:120]
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
            assessment, assessment.lead.organisation, "assessment.returned", _("研判报告被退回：%s") % assessment.title
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
    assessment.confirmed_by = principal
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
        requested_by=principal,
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
    _notify_on_commit(new, lead.organisation, "assessment.assigned", _("重新研判任务：%s") % new.title[:120])
    return new


# ----- notifications -----------------------------------------------------------------------------------------


def _notify_on_commit(assessment: Assessment, organisation: Organisation | None, kind: str, title) -> None:
    if organisation is None:
        return
    key = f"{assessment.pk}:{timezone.now().timestamp()}"  # one notification per event, however often retried
    enqueue_on_commit("riskgate.assessment.tasks.notify", assessment.pk, organisation.pk, kind, str(title), key)


def _notify_panel_on_commit(assessment: Assessment) -> None:
    orgs = {
        seat.expert.user.organisation_id
        for seat in assessment.panel.select_related("expert__user")
        if seat.expert.user_id and seat.expert.user.organisation_id
    }
    for org in Organisation.objects.filter(pk__in=orgs):
        _notify_on_commit(assessment, org, "assessment.panel", _("请对研判报告表态：%s") % assessment.title[:120])


def notify(assessment_id: int, organisation_id: int, kind: str, title: str, key: str) -> bool:

    organisation = Organisation.objects.get(pk=organisation_id)
    link = reverse("assessment:detail", kwargs={"pk": assessment_id})
    return notify_organisation(organisation=organisation, kind=kind, title=title, link=link, object_key=key)
