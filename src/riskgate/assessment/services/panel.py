"""The expert panel (R-ASM-1): accepting the task, conflict-of-interest declarations, seating and unseating experts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal

from ..models import (
    AppraisalResult,
    Assessment,
    ConflictDeclaration,
    Expert,
    PanelSeat,
    Status,
)
from .common import _conducting, _move, sync_participants

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
    if expert.appraisal == AppraisalResult.FAIL:
        raise field_error("expert", _("%s 最近一次年度考核不合格，不能入组。") % expert.name)
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
