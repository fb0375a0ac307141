"""Lifting a warning with what rests on it, in one transaction and one audit trail: the warning's Cancel version
(warnings), the control rules issued from any of its versions (targeting), and the open measures and
responsible parties' obligations that rest on any of its versions (here), so that no job reminds, escalates or
records an overdue credit event for them afterwards. The cascade lives here, in the
most downstream app, so that no upstream app names a downstream one (docs/decisions/0013-app-anatomy.md).

Lifting by confirmation (Art.24(2), 25) checks its conditions first and refuses, listing them, until they hold:
every open mandatory measure lifted or explicitly continued with a reason, every open obligation's
defect-elimination report confirmed by its technical institution, the latest effect evaluation recommending the
lifting, and — for an emergency warning still pending confirmation — a confirmed assessment cited. Lifting at the
end of the validity period (Art.24(1)) needs none of these."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.assessment.models import Assessment
from riskgate.core.access import field_error
from riskgate.core.principal import Principal
from riskgate.targeting import services as targeting
from riskgate.targeting.models import ControlRule
from riskgate.warnings import services as warnings
from riskgate.warnings.models import Evaluation, Recommendation, WarningNotice

from ..models import MeasureOrder, Obligation, ObligationStatus, Status
from . import measures
from .common import elimination_confirmed, record


@dataclass(frozen=True)
class Condition:
    """One condition of lifting by confirmation, as the lifting page lists it."""

    text: str
    met: bool
    link: str = ""
    measure: MeasureOrder | None = None  # a measure the officer may continue with a reason


def open_mandatory_measures(notice: WarningNotice):
    return (
        MeasureOrder.objects.filter(warning__lineage_id=notice.lineage_id, kind__mandatory=True)
        .exclude(status=Status.LIFTED)
        .select_related("kind", "lead_unit")
        .order_by("id")
    )


def conditions(
    notice: WarningNotice, *, continued: dict[int, str] | None = None, assessment: Assessment | None = None
) -> list[Condition]:
    """What must hold before the warning may be lifted by confirmation; `continued` maps a measure's id to the
    reason it continues after the lifting."""
    continued = {pk: (reason or "").strip() for pk, reason in (continued or {}).items()}
    found = []
    orders = list(open_mandatory_measures(notice))
    for order in orders:
        reason = continued.get(order.pk, "")
        text = _("强制性措施 %(ref)s（%(kind)s）仍在实施：须先解除，或说明继续实施的理由") % {
            "ref": order.reference,
            "kind": order.kind.name,
        }
        if reason:
            text = _("强制性措施 %(ref)s（%(kind)s）在预警解除后继续实施：%(reason)s") % {
                "ref": order.reference,
                "kind": order.kind.name,
                "reason": reason,
            }
        found.append(Condition(text, bool(reason), order.get_absolute_url(), order))
    if not orders:
        found.append(Condition(_("没有仍在实施的强制性措施"), True))
    obligations = list(
        Obligation.objects.filter(warning__lineage_id=notice.lineage_id)
        .exclude(status=ObligationStatus.LIFTED)
        .select_related("enterprise", "institution")
        .order_by("id")
    )
    for obligation in obligations:
        met = elimination_confirmed(obligation)
        words = {"ref": obligation.reference, "party": obligation.enterprise.name, "body": obligation.institution.name}
        text = (
            _("义务 %(ref)s（%(party)s）：%(body)s 已确认产品缺陷消除评价报告") % words
            if met
            else _("义务 %(ref)s（%(party)s）尚未了结：须由 %(body)s 确认其产品缺陷消除评价报告") % words
        )
        found.append(Condition(text, met, obligation.get_absolute_url()))
    if not obligations:
        found.append(Condition(_("风险责任者义务均已了结"), True))
    latest = Evaluation.objects.filter(notice__lineage_id=notice.lineage_id).order_by("-evaluated_at", "-id").first()
    manage = reverse("warnings:manage", kwargs={"pk": notice.pk}) + "#h-evaluation"
    if latest is None:
        found.append(Condition(_("尚未评估预警效果"), False, manage))
    else:
        met = latest.recommendation == Recommendation.LIFT
        words = {
            "day": timezone.localtime(latest.evaluated_at).strftime("%Y-%m-%d"),
            "rec": latest.get_recommendation_display(),
        }
        text = _("最近一次效果评估（%(day)s）建议：%(rec)s") % words
        found.append(Condition(text if met else text + _("（须建议解除）"), met, manage))
    if notice.pending_confirmation:
        met = assessment is not None and assessment.status == "confirmed"
        found.append(
            Condition(
                _("紧急先行发布的预警：解除须引用已确认的研判")
                if not met
                else _("引用已确认的研判 %s") % assessment.reference,
                met,
            )
        )
    return found


@transaction.atomic
def lift_warning(
    principal: Principal,
    notice: WarningNotice,
    *,
    reason: str,
    continued: dict[int, str] | None = None,
    assessment: Assessment | None = None,
    now: dt.datetime | None = None,
) -> WarningNotice:
    """The authority lifts a warning by confirmation: refused, with the conditions not met, until they hold; then
    its Cancel version is published, its control rules retired and its measures (but those continued) and
    obligations lifted."""
    now = now or timezone.now()
    notice = WarningNotice.objects.select_for_update().get(pk=notice.pk)
    unmet = [c.text for c in conditions(notice, continued=continued, assessment=assessment) if not c.met]
    if unmet:
        raise field_error("conditions", _("解除条件尚未满足：") + "；".join(unmet) + "。")
    cancel = warnings.lift(principal, notice, reason=reason, now=now, assessment=assessment)
    kept = {pk: text.strip() for pk, text in (continued or {}).items() if text and text.strip()}
    for order in MeasureOrder.objects.select_for_update().filter(pk__in=kept, warning__lineage_id=notice.lineage_id):
        order.continued_reason = kept[order.pk]
        order.save(update_fields=["continued_reason"])
        record(principal, order, "measure.continued", {"with_warning_lifted": cancel.reference}, kept[order.pk])
    _end_what_rests_on(notice, cancel, now, principal=principal)
    return cancel


def lift_expired_warnings(now: dt.datetime | None = None) -> int:
    """Lift every warning past its validity period with what rests on it (scheduled; also
    `manage.py lift_expired_warnings`). Running it again lifts nothing more."""
    return warnings.lift_expired(now, cascade=_end_what_rests_on)


def _end_what_rests_on(notice: WarningNotice, cancel: WarningNotice, now: dt.datetime, *, principal=None) -> None:
    resting = {"warning__lineage_id": notice.lineage_id}
    orders = MeasureOrder.objects.select_for_update().filter(**resting).exclude(status=Status.LIFTED)
    kept_rules = ControlRule.objects.filter(measures__in=orders.exclude(continued_reason=""))
    targeting.retire_for_warning(
        principal, notice.lineage_id, cancel.reference, now, keep=kept_rules.values_list("lineage_id", flat=True)
    )
    reason = _("依据预警 %s 已解除") % cancel.reference
    for order in orders.filter(continued_reason=""):
        measures.end_with_warning(principal, order, reason, now)
    for obligation in Obligation.objects.select_for_update().filter(**resting).exclude(status=ObligationStatus.LIFTED):
        before = obligation.status
        obligation.status, obligation.lifted_at = ObligationStatus.LIFTED, now
        obligation.save(update_fields=["status", "lifted_at"])
        record(principal, obligation, "obligation.lifted", {"with_warning": cancel.reference, "was": before}, reason)
