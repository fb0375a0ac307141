"""The analyst's decisions on a signal: confirm it — its records are verified on the strength of the signal and an
assessment is requested on them — or dismiss it with a reason. Each decision is taken once, by a person holding
both the signal permission and the assessment-request permission in the signal's scope, and audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.assessment.services import request_assessment
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person
from riskgate.intake import services as intake
from riskgate.intake.models import ASSESSABLE_STATUSES, RiskInformation
from riskgate.intake.models import Status as InformationStatus

from ..models import Signal, SignalStatus

VERIFIABLE = [InformationStatus.RECEIVED, InformationStatus.UNDER_VERIFICATION]


def _open_signal(principal: Principal, signal: Signal) -> Signal:
    require(principal, Permission.MONITORING_SIGNAL_DECIDE)
    if person(principal) is None:
        raise PermissionDenied  # a signal is decided by an accountable analyst, not a system client
    locked = Signal.objects.visible_to(principal).select_for_update().filter(pk=signal.pk).first()
    if locked is None:
        raise PermissionDenied
    if locked.status != SignalStatus.OPEN:
        raise ValidationError(_("该信号已研判（%s），不能再次研判。") % locked.get_status_display())
    return locked


def confirm(principal: Principal, signal: Signal, *, reason: str = "", **request) -> Signal:
    """Confirm the signal: verify its records still awaiting verification (the signal is the ground), request an
    assessment on them (`request`: the assessment request's fields) and link it to the signal, in one transaction.
    The records the analyst may not read (another jurisdiction's) are left out of the request."""
    require(principal, Permission.ASSESSMENT_REQUEST)
    with transaction.atomic():
        signal = _open_signal(principal, signal)
        own = RiskInformation.objects.visible_to(principal, shared=False).filter(pk__in=signal.information_ids)
        ground = _("监测信号 %(ref)s：第 %(week)s 周 %(observed)s 条，超过阈值") % {
            "ref": signal.reference,
            "week": signal.week.isoformat(),
            "observed": signal.observed,
        }
        for info in own.filter(status__in=VERIFIABLE).order_by("pk"):
            if info.status == InformationStatus.RECEIVED:
                intake.transition(principal, info, to_status=InformationStatus.UNDER_VERIFICATION, reason=ground)
            intake.transition(principal, info, to_status=InformationStatus.VERIFIED, reason=ground)
        ids = list(own.filter(status__in=ASSESSABLE_STATUSES).values_list("pk", flat=True))
        if not ids:
            raise field_error("information", _("该信号没有您可以提请研判的风险信息。"))
        question = (request.pop("question", "") or "").strip()
        question = f"{ground}。{question}" if question else f"{ground}。"
        assessment = request_assessment(principal, information_ids=ids, question=question, **request)
        signal.status = SignalStatus.CONFIRMED
        signal.assessment = assessment
        signal.decided_by = person(principal)
        signal.decided_at = timezone.now()
        signal.reason = (reason or "").strip()
        signal.save(update_fields=["status", "assessment", "decided_by", "decided_at", "reason", "updated_at"])
        audit.record(
            actor=principal,
            action="monitoring.signal_confirmed",
            obj=signal,
            reason=signal.reason,
            changes={"status": [SignalStatus.OPEN, SignalStatus.CONFIRMED], "assessment": [None, assessment.pk]},
        )
    return signal


def dismiss(principal: Principal, signal: Signal, *, reason: str) -> Signal:
    """Dismiss the signal: the reason (a known cause, a reporting artefact…) is required."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请填写排除的理由。"))
    with transaction.atomic():
        signal = _open_signal(principal, signal)
        signal.status = SignalStatus.DISMISSED
        signal.decided_by = person(principal)
        signal.decided_at = timezone.now()
        signal.reason = reason
        signal.save(update_fields=["status", "decided_by", "decided_at", "reason", "updated_at"])
        audit.record(
            actor=principal,
            action="monitoring.signal_dismissed",
            obj=signal,
            reason=reason,
            changes={"status": [SignalStatus.OPEN, SignalStatus.DISMISSED]},
        )
    return signal
