"""Estimation, the level proposal and the report (Art.3, Art.15, R-WRN-1): injury scenarios, the report, the
panel's vote, submission."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person

from .. import grading, risk
from ..models import (
    COMPUTED_FIELDS,
    REPORT_FIELDS,
    Assessment,
    GradingPolicy,
    PanelSeat,
    RiskMethod,
    Scenario,
    Status,
    Vote,
)
from .common import _conducting, _move, _notify_on_commit, _notify_panel_on_commit

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
        assessment,
        assessment.organisation,
        "assessment.submitted",
        lambda: _("研判报告待确认：%s") % assessment.title[:120],
    )
    return assessment
