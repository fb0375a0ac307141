"""What the rapid-response services share: the audit of their writes (one event per change, in the case's
jurisdiction) and the implementation check of a measure or an obligation (Art.26)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error
from riskgate.core.principal import Principal, recorded

from ..models import CheckResult, EliminationVerdict, ImplementationCheck, Obligation, PartyReport


def record(principal: Principal, obj, action: str, changes: dict | None = None, reason: str = "") -> None:
    """One audit event of a case (`action` like "recall.published"), in the case's jurisdiction."""
    audit.record(
        actor=principal,
        action=action,
        obj=obj,
        object_repr=obj.reference,
        changes=changes or {},
        reason=reason,
        organisation_id=obj.organisation_id,
    )


def implementation_check(
    principal: Principal, *, checked_on, result: str, findings: str, **case
) -> ImplementationCheck:
    """Store an inspection of `case` (obligation= or order=) after checking its fields; the caller has
    authorised it and holds the case's row lock."""
    if result not in CheckResult.values:
        raise field_error("result", _("请选择检查结果。"))
    findings = (findings or "").strip()
    if not findings:
        raise field_error("findings", _("请填写检查情况。"))
    if not isinstance(checked_on, dt.date) or checked_on > timezone.localdate():
        raise field_error("checked_on", _("检查日期不能晚于今天。"))
    return ImplementationCheck.objects.create(
        **case,
        checked_on=checked_on,
        result=result,
        findings=findings[:10000],
        organisation=principal.organisation,
        checked_by=recorded(principal),
    )


def lifting_application(obligation: Obligation) -> PartyReport | None:
    """The party's latest application for lifting an obligation (Art.23(4))."""
    return obligation.party_reports.filter(kind=PartyReport.Kind.LIFTING).order_by("-id").first()


def elimination_confirmed(obligation: Obligation) -> bool:
    """The technical institution has confirmed the defect-elimination report of the latest lifting application."""
    application = lifting_application(obligation)
    return application is not None and application.confirmation == EliminationVerdict.CONFIRMED
