"""Every write of quality benchmarks (示范标杆) and publicity events (质量月, 3·15) — R-USE-6: recorded by an
authority of the enterprise's jurisdiction, published on the portal at once; a benchmark enters the enterprise's
credit record and leaves it when withdrawn."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person
from riskgate.credit import services as credit

from ..models import Benchmark, PublicityEvent, PublicityKind
from .cases import _audit, _enterprise, _given, _text


@transaction.atomic
def award_benchmark(principal: Principal, data: dict) -> Benchmark:
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    user = require_person(principal)
    enterprise = _enterprise(principal, data.get("enterprise"))
    awarded_on, valid_until = data.get("awarded_on"), data.get("valid_until")
    if not isinstance(awarded_on, dt.date) or awarded_on > timezone.localdate():
        raise field_error("awarded_on", _("请填写评定日期（不晚于今天）。"))
    if not isinstance(valid_until, dt.date) or valid_until < awarded_on:
        raise field_error("valid_until", _("有效期不能早于评定日期。"))
    benchmark = Benchmark.objects.create(
        organisation=principal.organisation,
        enterprise=enterprise,
        title=_text(data, "title", _("请填写标杆名称。"), 200),
        citation=_text(data, "citation", _("请写明评定事迹。"), 10000),
        awarded_on=awarded_on,
        valid_until=valid_until,
        created_by=user,
    )
    credit.record_event(
        enterprise=enterprise,
        kind="quality_benchmark",
        source=f"benchmark:{benchmark.reference}",
        detail=benchmark.title,
        occurred_at=timezone.make_aware(dt.datetime.combine(awarded_on, dt.time(12))),
        recorded_by=user,
    )
    _audit(principal, benchmark, "benchmark.created", {"enterprise": enterprise.pk, "valid_until": valid_until})
    return benchmark


@transaction.atomic
def withdraw_benchmark(principal: Principal, benchmark: Benchmark, data: dict) -> Benchmark:
    """Withdrawn (a later violation, a false declaration): off the portal, and its credit event withdrawn."""
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    require_person(principal)
    benchmark = Benchmark.objects.visible_to(principal).select_for_update().filter(pk=benchmark.pk).first()
    if benchmark is None:
        raise PermissionDenied
    if benchmark.withdrawn_at is not None:
        raise field_error("reason", _("该示范标杆已撤销。"))
    benchmark.withdrawal_reason = _text(data, "reason", _("请填写撤销理由。"), 5000)
    benchmark.withdrawn_at = timezone.now()
    benchmark.save()
    credit.withdraw_event(
        enterprise=benchmark.enterprise,
        kind="quality_benchmark",
        source=f"benchmark:{benchmark.reference}",
        reason=benchmark.withdrawal_reason,
    )
    _audit(principal, benchmark, "benchmark.withdrawn", {}, benchmark.withdrawal_reason)
    return benchmark


@transaction.atomic
def record_publicity(principal: Principal, data: dict) -> PublicityEvent:
    require(principal, Permission.ENFORCEMENT_CASE_MANAGE)
    user = require_person(principal)
    kind = data.get("kind")
    if kind not in PublicityKind.values:
        raise field_error("kind", _("请选择活动类别。"))
    held_on = _given(data, "held_on", dt.date, _("请填写活动日期。"))
    participants = data.get("participants")
    if not isinstance(participants, int) or participants < 0:
        raise field_error("participants", _("请填写参与人数。"))
    event = PublicityEvent.objects.create(
        organisation=principal.organisation,
        kind=kind,
        title=_text(data, "title", _("请填写活动名称。"), 200),
        held_on=held_on,
        place=_text(data, "place", _("请填写活动地点。"), 200),
        activities=_text(data, "activities", _("请写明活动内容。"), 10000),
        participants=participants,
        materials=max(int(data.get("materials") or 0), 0),
        created_by=user,
    )
    _audit(principal, event, "publicity_event.created", {"kind": kind, "held_on": held_on})
    return event
