"""Lifting a warning with what rests on it, in one transaction and one audit trail: the warning's Cancel version
(warnings), the control rules issued from any of its versions (targeting), and the open measures and
responsible parties' obligations that rest on any of its versions (here), so that no job reminds, escalates or
records an overdue credit event for them afterwards. The cascade lives here, in the
most downstream app, so that no upstream app names a downstream one (docs/decisions/0013-app-anatomy.md)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core.principal import Principal
from riskgate.targeting import services as targeting
from riskgate.warnings import services as warnings
from riskgate.warnings.models import WarningNotice

from ..models import MeasureOrder, Obligation, ObligationStatus, Status
from . import measures
from .common import record


@transaction.atomic
def lift_warning(
    principal: Principal, notice: WarningNotice, *, reason: str, now: dt.datetime | None = None
) -> WarningNotice:
    """The authority lifts a warning: its Cancel version is published and its control rules are retired."""
    now = now or timezone.now()
    cancel = warnings.lift(principal, notice, reason=reason, now=now)
    _end_what_rests_on(notice, cancel, now, principal=principal)
    return cancel


def lift_expired_warnings(now: dt.datetime | None = None) -> int:
    """Lift every warning past its validity period with what rests on it (scheduled; also
    `manage.py lift_expired_warnings`). Running it again lifts nothing more."""
    return warnings.lift_expired(now, cascade=_end_what_rests_on)


def _end_what_rests_on(notice: WarningNotice, cancel: WarningNotice, now: dt.datetime, *, principal=None) -> None:
    targeting.retire_for_warning(principal, notice.lineage_id, cancel.reference, now)
    reason = _("依据预警 %s 已解除") % cancel.reference
    resting = {"warning__lineage_id": notice.lineage_id}
    for order in MeasureOrder.objects.select_for_update().filter(**resting).exclude(status=Status.LIFTED):
        measures.end_with_warning(principal, order, reason, now)
    for obligation in Obligation.objects.select_for_update().filter(**resting).exclude(status=ObligationStatus.LIFTED):
        before = obligation.status
        obligation.status, obligation.lifted_at = ObligationStatus.LIFTED, now
        obligation.save(update_fields=["status", "lifted_at"])
        record(principal, obligation, "obligation.lifted", {"with_warning": cancel.reference, "was": before}, reason)
