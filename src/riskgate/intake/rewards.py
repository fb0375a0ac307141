"""Whistleblower rewards (举报奖励, R-COL-2): an officer of the report's jurisdiction proposes a reward for a public
report found true, with its grounds and amount; a second officer approves (possibly a different amount) or refuses
it, with reasons; the payment is recorded with its voucher number. The reporter follows the decision with the
receipt code, anonymously; the reward never carries or shows the reporter's identity (that stays on the report,
for intake:reporter:view only). Every write is authorised, audited and done in one transaction."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, recorded, require_person

from .models import ReporterKind, Reward, RewardStatus, RiskInformation, Status

# A report found true: verified, reported upward, assessed or closed after verification.
FOUND_TRUE = [Status.VERIFIED, Status.REPORTED, Status.ASSESSMENT_REQUESTED, Status.CLOSED]
MAX_AMOUNT = Decimal("1000000")


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise field_error("amount", _("请填写奖励金额（元）。")) from None
    if not Decimal("0") < amount <= MAX_AMOUNT:
        raise field_error("amount", _("奖励金额须大于 0 且不超过 1,000,000 元。"))
    return amount


def _own(principal: Principal, info: RiskInformation) -> RiskInformation:
    """The report, locked, if it is in the principal's own jurisdiction (never through a sharing scope)."""
    require(principal, Permission.INTAKE_REWARD_MANAGE)
    require_person(principal)
    if not RiskInformation.objects.visible_to(principal, shared=False).filter(pk=info.pk).exists():
        raise PermissionDenied
    return RiskInformation.objects.select_for_update().get(pk=info.pk)


def _record(principal: Principal, reward: Reward, action: str, changes: dict, reason: str = "") -> None:
    audit.record(
        actor=principal,
        action=f"reward.{action}",
        obj=reward.information,
        changes=changes,
        reason=reason,
        organisation_id=reward.organisation_id,
    )


@transaction.atomic
def propose(principal: Principal, info: RiskInformation, *, amount, eligibility: str) -> Reward:
    """Propose a reward for a public report (one with a receipt) whose reporter asked for one, identified, and
    which was found true."""
    info = _own(principal, info)
    if not info.receipt or info.reporter_kind == ReporterKind.SYSTEM:
        raise field_error("eligibility", _("只有公众举报（有回执编号的）才能给予举报奖励。"))
    if not info.reward_eligible:
        raise field_error("eligibility", _("举报人未申请奖励或未留下可核验的身份信息。"))
    if info.status not in FOUND_TRUE:
        raise field_error("eligibility", _("举报经核实属实后才能提议奖励（当前：%s）。") % info.get_status_display())
    if Reward.objects.filter(information=info).exists():
        raise field_error("eligibility", _("该举报已有奖励记录。"))
    eligibility = (eligibility or "").strip()
    if not eligibility:
        raise field_error("eligibility", _("请说明举报属实、符合奖励条件的情况。"))
    reward = Reward.objects.create(
        information=info,
        organisation=info.organisation,
        eligibility=eligibility[:10000],
        amount=_amount(amount),
        proposed_by=recorded(principal),
    )
    _record(principal, reward, "proposed", audit.facts(amount=str(reward.amount)), eligibility[:500])
    return reward


def _reward(principal: Principal, reward: Reward, *, status: str) -> Reward:
    _own(principal, reward.information)
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    if reward.status != status:
        raise field_error("status", _("当前状态（%s）下不能进行此操作。") % reward.get_status_display())
    return reward


@transaction.atomic
def decide(principal: Principal, reward: Reward, *, approve: bool, note: str, amount=None) -> Reward:
    """A second officer approves (at the proposed or another amount) or refuses the proposal, with reasons."""
    reward = _reward(principal, reward, status=RewardStatus.PROPOSED)
    if reward.proposed_by_id == principal.pk:
        raise PermissionDenied(_("提议人不能审批自己提议的奖励，须由另一名人员审批。"))
    note = (note or "").strip()
    if not note:
        raise field_error("note", _("请填写审批意见。"))
    before = str(reward.amount)
    if approve and amount not in (None, ""):
        reward.amount = _amount(amount)
    reward.status = RewardStatus.APPROVED if approve else RewardStatus.REFUSED
    reward.decision_note, reward.decided_by, reward.decided_at = note[:5000], recorded(principal), timezone.now()
    reward.save()
    changes = {"status": [RewardStatus.PROPOSED, reward.status], "amount": [before, str(reward.amount)]}
    _record(principal, reward, "approved" if approve else "refused", changes, note[:500])
    return reward


@transaction.atomic
def record_payment(principal: Principal, reward: Reward, *, paid_on: dt.date, reference: str) -> Reward:
    """The approved reward was paid: its date and voucher number."""
    reward = _reward(principal, reward, status=RewardStatus.APPROVED)
    reference = (reference or "").strip()
    if not reference:
        raise field_error("reference", _("请填写发放凭证号。"))
    if not isinstance(paid_on, dt.date) or paid_on > timezone.localdate():
        raise field_error("paid_on", _("发放日期不能晚于今天。"))
    if reward.decided_at and paid_on < timezone.localdate(reward.decided_at):
        raise field_error("paid_on", _("发放日期不能早于审批日期。"))
    reward.status, reward.paid_on, reward.payment_reference = RewardStatus.PAID, paid_on, reference[:100]
    reward.paid_by = recorded(principal)
    reward.save()
    _record(principal, reward, "paid", audit.facts(paid_on=paid_on.isoformat(), reference=reward.payment_reference))
    return reward


def public_view(info: RiskInformation) -> dict | None:
    """What the reporter sees of the reward through the receipt code: its state, amount once decided, and dates —
    never who proposed or decided it."""
    reward = Reward.objects.filter(information=info).first()
    if reward is None:
        return None
    decided = reward.status in (RewardStatus.APPROVED, RewardStatus.PAID, RewardStatus.REFUSED)
    return {
        "status": reward.get_status_display(),
        "amount": reward.amount if reward.status in (RewardStatus.APPROVED, RewardStatus.PAID) else None,
        "decided_on": timezone.localdate(reward.decided_at) if decided and reward.decided_at else None,
        "paid_on": reward.paid_on,
        "refused": reward.status == RewardStatus.REFUSED,
    }
